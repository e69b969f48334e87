//! `accord diff` and `accord git setup` with the real `git`: the setup written once and kept
//! when run again, and `git diff` / `git log -p` of annotation files reading as annotations.
//! git runs with no system or user configuration (`GIT_CONFIG_NOSYSTEM`, `HOME` in a
//! temporary folder), so the machine's own settings change nothing.

use std::path::Path;
use std::process::{Command, Output};

use accord::model::{AnnotationId, Fragment};
use accord::store::AnnotationFile;

use crate::common::{AR, golden_project};

/// Runs `program ARGS` in `dir` with git's configuration confined to `home`.
fn run(program: &str, args: &[&str], dir: &Path, home: &Path) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .env("GIT_PAGER", "cat")
        .env("RUST_LOG", "warn")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"))
}

fn text(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        text(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    text(&out)
}

/// A repository holding the golden project in the sub-folder `corpus 1/` (a space in it, as
/// folders have), and the temporary home git runs with.
struct Repo {
    dir: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl Repo {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let project = golden_project();
        copy_folder(project.path(), &dir.path().join("corpus 1"));
        let repo = Self { dir, home };
        repo.git(&["init", "-q"]);
        repo
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> String {
        ok(
            run("git", args, self.root(), self.home.path()),
            &format!("git {args:?}"),
        )
    }

    fn accord(&self, args: &[&str]) -> Output {
        run(
            env!("CARGO_BIN_EXE_accord"),
            args,
            self.root(),
            self.home.path(),
        )
    }

    fn ar_file(&self) -> std::path::PathBuf {
        self.root()
            .join("corpus 1/annotations/alice")
            .join(format!("{AR}.ron"))
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap_or_default()
    }
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Changes alice's Arabic file: `f` edits it, then it is saved as Accord saves it.
fn change(path: &Path, f: impl FnOnce(&mut AnnotationFile)) {
    let mut file = AnnotationFile::load(path).unwrap();
    f(&mut file);
    file.save(path).unwrap();
}

fn relabel(file: &mut AnnotationFile, id: u64, label: &str) {
    let a = file
        .annotations
        .iter_mut()
        .find(|a| a.id == AnnotationId(id))
        .expect("the annotation is in the golden file");
    a.label = label.into();
}

#[test]
fn git_setup_writes_once_keeps_the_users_lines_and_says_when_nothing_changed() {
    let repo = Repo::new();
    std::fs::write(repo.root().join(".gitattributes"), "*.txt text eol=lf\n").unwrap();
    std::fs::write(repo.root().join(".gitignore"), "target/").unwrap();

    let out = repo.accord(&["git", "setup", "corpus 1"]);
    let said = ok(out, "accord git setup");
    assert!(said.contains("lines added to .gitattributes"), "{said}");
    assert!(said.contains("diff.accord.textconv set"), "{said}");
    let attributes = repo.read(".gitattributes");
    assert!(
        attributes.starts_with("*.txt text eol=lf\n"),
        "{attributes}"
    );
    assert!(
        attributes.contains("\"corpus 1/annotations/**/*.ron\" merge=accord diff=accord\n"),
        "{attributes}"
    );
    let ignore = repo.read(".gitignore");
    assert!(ignore.starts_with("target/\n"), "{ignore}");

    // git reads the lines as meant: every annotator's files (the curated set too), the link
    // files and the project file diff and merge as Accord's; journals and locks are ignored.
    for file in [
        "corpus 1/annotations/alice/a.txt.ron",
        "corpus 1/annotations/curated/a.txt.ron",
        "corpus 1/links/alice.ron",
        "corpus 1/accord.ron",
    ] {
        let attrs = repo.git(&["check-attr", "diff", "merge", "--", file]);
        assert!(
            attrs.contains("diff: accord") && attrs.contains("merge: accord"),
            "{file}: {attrs}"
        );
    }
    let plain = repo.git(&["check-attr", "diff", "--", "corpus 1/a.txt"]);
    assert!(plain.contains("diff: unspecified"), "{plain}");
    for file in [
        "corpus 1/annotations/.alice.journal",
        "corpus 1/annotations/.alice.lock",
        "corpus 1/annotations/.alice.lock.live",
        "corpus 1/annotations/alice/.accord-save-x1.tmp",
    ] {
        repo.git(&["check-ignore", "-q", "--", file]);
    }
    let driver = repo.git(&["config", "--local", "merge.accord.driver"]);
    assert!(
        driver.trim_end().ends_with("merge-file %O %A %B %P"),
        "{driver}"
    );

    // Again: nothing written, nothing duplicated.
    let config = repo.read(".git/config");
    let out = repo.accord(&["git", "setup", "corpus 1"]);
    let said = ok(out, "accord git setup again");
    assert!(
        said.contains("already set up for Accord; nothing changed"),
        "{said}"
    );
    assert_eq!(repo.read(".gitattributes"), attributes);
    assert_eq!(repo.read(".gitignore"), ignore);
    assert_eq!(repo.read(".git/config"), config);

    // Outside any work tree it says what to do and exits 2.
    let alone = golden_project();
    let out = run(
        env!("CARGO_BIN_EXE_accord"),
        &["git", "setup", "."],
        alone.path(),
        repo.home.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not in a git work tree") && err.contains("git init"),
        "{err}"
    );
}

#[test]
fn git_diff_and_git_log_p_read_annotation_files_as_annotations() {
    let repo = Repo::new();
    // The base version calls the money an organisation.
    change(&repo.ar_file(), |f| relabel(f, 8, "ORG"));
    ok(
        repo.accord(&["git", "setup", "corpus 1"]),
        "accord git setup",
    );
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "base"]);

    change(&repo.ar_file(), |f| {
        relabel(f, 8, "MONEY");
        f.annotations.retain(|a| a.id != AnnotationId(1));
        let mut added = f.annotations[0].clone();
        added.id = AnnotationId(f.next_id);
        added.label = "COUNTRY".into();
        added.fragments = vec![Fragment {
            start: 137,
            end: 145,
            text: "جمهورية\n".into(),
        }];
        f.next_id += 1;
        f.annotations.push(added);
    });
    let diff = repo.git(&["diff"]);
    let rel = format!("corpus 1/annotations/alice/{AR}.ron");
    assert!(
        diff.contains(&format!("accord diff a/{rel} b/{rel}\n")),
        "{diff}"
    );
    for line in [
        "- DATE 75..83 \"25 أغسطس\" #1\n",
        "+ COUNTRY 137..145 \"جمهورية\\n\" #15\n",
        "~ MONEY 1509..1521 \"ملياري دولار\" #8: label ORG → MONEY\n",
    ] {
        assert!(
            diff.contains(line),
            "{line:?} missing from git diff:\n{diff}"
        );
    }
    assert!(
        !diff.contains("label: \""),
        "RON lines in git diff:\n{diff}"
    );

    // `git log -p` does not run diff commands: it diffs the textconv listings, a line per
    // annotation.
    repo.git(&["commit", "-q", "-a", "-m", "relabel"]);
    let log = repo.git(&["log", "-p", "-1"]);
    for line in [
        "\n-ORG 1509..1521 \"ملياري دولار\" #8 by \"alice\"\n",
        "\n+MONEY 1509..1521 \"ملياري دولار\" #8 by \"alice\"\n",
        "\n-DATE 75..83 \"25 أغسطس\" #1 by \"alice\"\n",
    ] {
        assert!(
            log.contains(line),
            "{line:?} missing from git log -p:\n{log}"
        );
    }

    // A new annotator's file (against /dev/null) lists every annotation as added.
    let bob = repo.root().join("corpus 1/annotations/bob");
    std::fs::create_dir_all(&bob).unwrap();
    std::fs::copy(repo.ar_file(), bob.join(format!("{AR}.ron"))).unwrap();
    repo.git(&["add", "-A"]);
    let cached = repo.git(&["diff", "--cached"]);
    assert!(
        cached.contains("+ MONEY 1509..1521 \"ملياري دولار\" #8\n"),
        "{cached}"
    );
    assert!(!cached.contains("\n- "), "{cached}");

    // The project file is no annotation file: git's own line diff of it.
    let project = repo.root().join("corpus 1/accord.ron");
    let before = std::fs::read_to_string(&project).unwrap();
    let name = before
        .lines()
        .find(|l| l.trim_start().starts_with("name:"))
        .expect("a name line")
        .to_owned();
    std::fs::write(&project, before.replace(&name, "    name: \"Renamed\",")).unwrap();
    let diff = repo.git(&["diff", "--", "corpus 1/accord.ron"]);
    assert!(
        diff.contains(&format!("\n-{name}\n")) && diff.contains("\n+    name: \"Renamed\",\n"),
        "{diff}"
    );
}

#[test]
fn accord_diff_exits_0_when_equal_1_with_changes_and_2_naming_an_unreadable_file() {
    let repo = Repo::new();
    let new = repo.ar_file();
    let old = repo.root().join("old.ron");
    std::fs::copy(&new, &old).unwrap();
    let (old_s, new_s) = (old.to_string_lossy(), new.to_string_lossy());

    let same = repo.accord(&["diff", &old_s, &new_s]);
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(text(&same), "");

    change(&new, |f| relabel(f, 8, "ORG"));
    let changed = repo.accord(&["diff", &old_s, &new_s]);
    assert_eq!(changed.status.code(), Some(1));
    assert_eq!(
        text(&changed),
        "~ ORG 1509..1521 \"ملياري دولار\" #8: label MONEY → ORG\n"
    );

    let broken = repo.root().join("broken.ron");
    std::fs::write(&broken, "(format: 1, document: (").unwrap();
    for (args, names) in [
        (vec![old_s.to_string(), "missing.ron".into()], "missing.ron"),
        (
            vec![old_s.to_string(), broken.to_string_lossy().into()],
            "broken.ron:1:",
        ),
    ] {
        let mut all = vec!["diff"];
        all.extend(args.iter().map(String::as_str));
        let out = repo.accord(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(names), "{names} not named: {err}");
    }
}
