//! Running the user's own `git` on a project's work tree.
//!
//! Accord drives the `git` program the user already has rather than a Rust git library: their
//! credentials, credential helpers, SSH keys and agents, hooks, `includeIf` configuration and
//! LFS all work as they do in a terminal, and merges call Accord's own merge driver through
//! `.gitattributes` like any other git. A library (gix, git2) would have to re-implement or
//! forgo each of these; what git prints is read only where it is meant for scripts
//! (`--porcelain`, `rev-parse`, `for-each-ref --format`).
//!
//! Every call runs with no terminal (`GIT_TERMINAL_PROMPT=0`, stdin closed, no editor) so a
//! missing password is an error, never a hang.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use thiserror::Error;

/// Why a git command did not do what was asked.
#[derive(Debug, Error)]
pub enum GitError {
    /// No `git` program could be started.
    #[error("git is not installed or not on PATH ({0}); install git to work as a team")]
    NotInstalled(std::io::Error),
    /// git ran and failed.
    #[error("`git {args}` failed: {message}")]
    Failed {
        /// The arguments, space separated.
        args: String,
        /// Its exit code, if it exited.
        code: Option<i32>,
        /// What it printed on standard error (trimmed), or on standard output when that
        /// was empty.
        message: String,
    },
    /// The command was cancelled.
    #[error("cancelled")]
    Cancelled,
    /// Reading git's output failed.
    #[error("cannot read the output of `git {args}`: {source}")]
    Io {
        /// The arguments.
        args: String,
        /// The error.
        source: std::io::Error,
    },
}

impl GitError {
    /// What git printed about the failure (empty for other errors).
    pub fn message(&self) -> &str {
        match self {
            GitError::Failed { message, .. } => message,
            _ => "",
        }
    }
}

/// What a successful git command printed.
#[derive(Clone, Debug, Default)]
pub struct Output {
    /// Standard output.
    pub stdout: String,
    /// Standard error (git prints progress and hints there).
    pub stderr: String,
}

/// A git work tree: the folder holding `.git`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkTree {
    root: PathBuf,
}

impl WorkTree {
    /// The work tree `dir` is in, or `None` when it is not in one (or git is missing).
    pub fn containing(dir: &Path) -> Option<Self> {
        let out = run_in(dir, ["rev-parse", "--show-toplevel"]).ok()?;
        let root = PathBuf::from(out.stdout.trim_end_matches(['\n', '\r']));
        (!root.as_os_str().is_empty()).then_some(Self { root })
    }

    /// The work tree's top folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Runs `git ARGS` at the top of the work tree.
    pub fn run<I, S>(&self, args: I) -> Result<Output, GitError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        run_in(&self.root, args)
    }

    /// Runs `git ARGS` at the top of the work tree; `cancel` set kills it.
    pub fn run_cancellable<I, S>(
        &self,
        args: I,
        cancel: &Arc<AtomicBool>,
    ) -> Result<Output, GitError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        run_with(&self.root, args, Some(cancel))
    }
}

impl WorkTree {
    /// Stores `text` as a blob in the repository (`git hash-object -w --stdin`) and returns
    /// its id: a file's new content put in the index without writing the work tree.
    pub fn store_blob(&self, text: &str) -> Result<String, GitError> {
        use std::io::Write as _;
        let shown = "hash-object -w --stdin".to_owned();
        let io = |source| GitError::Io {
            args: shown.clone(),
            source,
        };
        let mut child = command(&self.root)
            .args(["hash-object", "-w", "--stdin"])
            .stdin(Stdio::piped())
            .spawn()
            .map_err(GitError::NotInstalled)?;
        // git reads all of stdin before it prints one line: no pipe fills meanwhile.
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(text.as_bytes()).map_err(io)?;
        }
        let out = child.wait_with_output().map_err(io)?;
        if !out.status.success() {
            return Err(GitError::Failed {
                args: shown,
                code: out.status.code(),
                message: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            });
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    /// The value of `key` in this repository's own configuration (`.git/config`, not the
    /// user's or the system's), or `None` when it is not set there.
    pub fn local_config(&self, key: &str) -> Result<Option<String>, GitError> {
        match self.run(["config", "--local", "--get", key]) {
            Ok(out) => Ok(Some(out.stdout.trim_end_matches(['\n', '\r']).to_owned())),
            // Exit 1: the key is not set.
            Err(GitError::Failed { code: Some(1), .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The keys of this repository's own configuration that match the regular expression
    /// `pattern` (`git config --get-regexp`), lower-cased as git prints them.
    pub fn local_config_keys(&self, pattern: &str) -> Result<Vec<String>, GitError> {
        match self.run(["config", "--local", "--name-only", "--get-regexp", pattern]) {
            Ok(out) => Ok(out.stdout.lines().map(str::to_owned).collect()),
            // Exit 1: none.
            Err(GitError::Failed { code: Some(1), .. }) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// Sets `key` to `value` in this repository's own configuration.
    pub fn set_local_config(&self, key: &str, value: &str) -> Result<(), GitError> {
        self.run(["config", "--local", key, value]).map(|_| ())
    }
}

/// git's own line diff of two files (`git diff --no-index`): its hunks, without the header
/// (which names the paths given); empty when they are the same. For files that are not in a form Accord
/// reads (conflict markers, hand edits), so a diff still shows something.
pub fn diff_files(dir: &Path, old: &Path, new: &Path) -> Result<String, GitError> {
    let args: Vec<&OsStr> = vec![
        OsStr::new("diff"),
        OsStr::new("--no-index"),
        OsStr::new("--no-ext-diff"),
        OsStr::new("--no-textconv"),
        OsStr::new("--no-color"),
        OsStr::new("--"),
        old.as_os_str(),
        new.as_os_str(),
    ];
    let (status, output, shown) = run_raw(dir, &args, None)?;
    // Exit 1: the files differ.
    if !matches!(status.code(), Some(0 | 1)) {
        return Err(GitError::Failed {
            args: shown,
            code: status.code(),
            message: output.stderr.trim().to_owned(),
        });
    }
    let out = output.stdout;
    // The header names git's paths; the caller prints its own. Hunks start at the first `@@`.
    Ok(out
        .split_inclusive('\n')
        .skip_while(|line| !line.starts_with("@@"))
        .collect())
}

/// Runs `git ARGS` in `dir` with no terminal and returns what it printed.
pub fn run_in<I, S>(dir: &Path, args: I) -> Result<Output, GitError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_with(dir, args, None)
}

fn command(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Never wait for a password, a passphrase or an editor: fail instead.
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_EDITOR", "true")
        .env("GIT_MERGE_AUTOEDIT", "no")
        .env("GIT_ASKPASS", "")
        .env("SSH_ASKPASS", "")
        .env("GCM_INTERACTIVE", "never")
        // BatchMode: ssh fails instead of asking; it keeps the user's keys and agent.
        .env(
            "GIT_SSH_COMMAND",
            std::env::var("GIT_SSH_COMMAND").unwrap_or_else(|_| "ssh -o BatchMode=yes".into()),
        )
        // Messages are matched in English for the few failures told apart by their text.
        .env("LC_ALL", "C");
    cmd
}

fn run_with<I, S>(dir: &Path, args: I, cancel: Option<&Arc<AtomicBool>>) -> Result<Output, GitError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let (status, output, shown) = run_raw(dir, args, cancel)?;
    if status.success() {
        Ok(output)
    } else {
        let Output { stdout, stderr } = output;
        let message = if stderr.trim().is_empty() {
            stdout.trim().to_owned()
        } else {
            stderr.trim().to_owned()
        };
        Err(GitError::Failed {
            args: shown,
            code: status.code(),
            message,
        })
    }
}

/// Runs `git ARGS` and returns how it exited, what it printed, and the arguments as shown in
/// errors.
fn run_raw<I, S>(
    dir: &Path,
    args: I,
    cancel: Option<&Arc<AtomicBool>>,
) -> Result<(std::process::ExitStatus, Output, String), GitError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let shown = args
        .iter()
        .map(|a| a.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = command(dir)
        .args(&args)
        .spawn()
        .map_err(GitError::NotInstalled)?;
    let (stdout, stderr) = read_both(&mut child, cancel).map_err(|e| match e {
        ReadError::Cancelled => GitError::Cancelled,
        ReadError::Io(source) => GitError::Io {
            args: shown.clone(),
            source,
        },
    })?;
    let status = child.wait().map_err(|source| GitError::Io {
        args: shown.clone(),
        source,
    })?;
    Ok((status, Output { stdout, stderr }, shown))
}

enum ReadError {
    Cancelled,
    Io(std::io::Error),
}

/// Reads a child's stdout and stderr to the end (on two threads, so neither pipe fills and
/// blocks git), killing it when `cancel` is set.
fn read_both(
    child: &mut Child,
    cancel: Option<&Arc<AtomicBool>>,
) -> Result<(String, String), ReadError> {
    fn drain(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            buf
        })
    }
    let out = child.stdout.take().map(drain);
    let err = child.stderr.take().map(drain);
    if let Some(cancel) = cancel {
        // Most git commands end within milliseconds, and a Sync runs a dozen: look every 2 ms
        // (every 20 ms cost a Sync of one document a third more than git's own time).
        loop {
            if cancel.load(Ordering::Relaxed) {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ReadError::Cancelled);
            }
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) => std::thread::sleep(Duration::from_millis(2)),
                Err(e) => return Err(ReadError::Io(e)),
            }
        }
    }
    let text = |h: Option<std::thread::JoinHandle<Vec<u8>>>| {
        h.and_then(|h| h.join().ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    Ok((text(out), text(err)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_outside_any_work_tree_is_not_one_and_a_failure_says_what_git_said() {
        let dir = tempfile::tempdir().unwrap();
        // The temp folder is in no repository.
        assert_eq!(WorkTree::containing(dir.path()), None);
        let err = run_in(dir.path(), ["log"]).unwrap_err();
        assert!(err.to_string().contains("not a git repository"), "{err}");
        run_in(dir.path(), ["init", "-q"]).unwrap();
        let tree = WorkTree::containing(dir.path()).unwrap();
        assert_eq!(
            tree.root().canonicalize().unwrap(),
            dir.path().canonicalize().unwrap()
        );
    }
}
