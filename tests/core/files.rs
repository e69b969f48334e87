//! Files shared with other people and processes: saved files keep their mode (new ones follow
//! the umask), and one annotator's files have one writer at a time — the annotator lock, also
//! across processes racing for it.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use accord::edit::Edit;
use accord::model::{CharRange, Timestamp};
use accord::project::lock::{AnnotatorLock, LockError, LockHolder, STALE_AFTER, host_name};
use accord::project::{DocId, OpenProgress, Project, StoreStatus, Workspace};
use accord::store::StoreError;

use crate::common::{ZH, sample_project};

fn add_event(range: CharRange) -> Edit {
    Edit::Add {
        label: "EVENT".into(),
        ranges: vec![range],
        attributes: BTreeMap::new(),
        source: None,
    }
}

/// Runs one `#[ignore]`d test of this binary as a child process, with `env` set.
fn child(test: &str, env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        test,
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

// ---------------------------------------------------------------------------------------------
// Permissions
// ---------------------------------------------------------------------------------------------

/// Child of [`saved_files_keep_their_mode_and_new_ones_follow_the_umask`]: saves a store to
/// `ACCORD_TEST_PATH`.
#[test]
#[ignore = "run as a child process by another test"]
fn child_saves_an_annotation_file() {
    let Ok(path) = std::env::var("ACCORD_TEST_PATH") else {
        return;
    };
    let doc = accord::model::Document::from_text("a.txt", "Astana and Dushanbe");
    accord::store::AnnotationFile::save_store(
        &accord::store::AnnotationStore::new(),
        &accord::store::DocumentStamp::of(&doc),
        "alice",
        Path::new(&path),
    )
    .unwrap();
}

#[cfg(unix)]
#[test]
fn saved_files_keep_their_mode_and_new_ones_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    for (umask, expected) in [("022", 0o644), ("077", 0o600), ("002", 0o664)] {
        let path = dir.path().join(format!("new-{umask}.ron"));
        // A shell sets the umask, then becomes this test binary running the child test.
        let exe = std::env::current_exe().unwrap();
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask} && exec \"$0\" --exact files::child_saves_an_annotation_file --ignored --test-threads=1"
            ))
            .arg(&exe)
            .env("ACCORD_TEST_PATH", &path)
            .output()
            .unwrap()
            .status;
        assert!(status.success());
        assert_eq!(mode(&path), expected, "umask {umask}");
        // Saving again under another umask keeps the mode the file has.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let status = child("files::child_saves_an_annotation_file", &[])
            .env("ACCORD_TEST_PATH", &path)
            .output()
            .unwrap()
            .status;
        assert!(status.success());
        assert_eq!(mode(&path), 0o640, "umask {umask}, replaced");
    }
}

// ---------------------------------------------------------------------------------------------
// The annotator lock
// ---------------------------------------------------------------------------------------------

/// Writes a lock file as another process would have, `age` old.
fn plant_lock(root: &Path, annotator: &str, holder: &LockHolder, age: Duration) -> PathBuf {
    let path = AnnotatorLock::path_for(root, annotator);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, ron::to_string(holder).unwrap()).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(SystemTime::now() - age)
        .unwrap();
    path
}

fn holder(pid: u32, host: &str) -> LockHolder {
    LockHolder {
        pid,
        host: host.to_owned(),
        since: Timestamp("2026-11-23T15:10:00Z".into()),
        serial: 1,
        boot_id: None,
        start_time: None,
        os_lock: false,
    }
}

/// A process id that is certainly not running: a child that has exited.
fn dead_pid() -> u32 {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .arg("--list")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[cfg(unix)]
#[test]
fn a_second_instance_opens_read_only_and_names_the_holder() {
    let dir = sample_project();
    // Another process of this machine that is running: our parent (the test harness's runner
    // may be cargo; any live process that is not this one will do).
    let live = std::os::unix::process::parent_id();
    let path = plant_lock(
        dir.path(),
        "alice",
        &holder(live, &host_name()),
        Duration::ZERO,
    );
    let before = std::fs::read(&path).unwrap();
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let Err(LockError::Held {
        holder: Some(other),
        ..
    }) = ws.lock()
    else {
        panic!("{:?}", ws.lock())
    };
    assert_eq!(other.pid, live);
    let StoreStatus::Locked(reason) = &ws.doc_state(DocId(0)).status else {
        panic!("{:?}", ws.doc_state(DocId(0)).status)
    };
    for words in [
        format!("process {live} on {}", host_name()),
        "open in another Accord".to_owned(),
        "read-only".to_owned(),
        path.display().to_string(),
    ] {
        assert!(reason.contains(&words), "{words:?} not in {reason}");
    }
    assert!(
        ws.apply(vec![(DocId(0), add_event(CharRange::new(0, 3)))])
            .is_err()
    );
    let _ = ws.save_all();
    drop(ws);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the holder's lock is kept"
    );
    assert!(!dir.path().join("annotations/alice").exists());

    // Another annotator is not affected.
    let ws = Workspace::open(Project::open(dir.path()).unwrap(), "bob");
    assert!(ws.lock().is_ok() && ws.is_editable(DocId(0)));
}

#[test]
fn stale_locks_are_taken_over() {
    let me = host_name();
    let cases = [
        (
            "a process that has exited",
            holder(dead_pid(), &me),
            Duration::ZERO,
        ),
        (
            "another machine, not refreshed for long",
            holder(1, "elsewhere.example"),
            STALE_AFTER + Duration::from_secs(60),
        ),
        (
            "an unreadable lock file, old",
            holder(0, ""),
            STALE_AFTER + Duration::from_secs(60),
        ),
        (
            "another machine, just refreshed, but its OS lock is free",
            LockHolder {
                os_lock: true,
                ..holder(1, "elsewhere.example")
            },
            Duration::ZERO,
        ),
    ];
    for (what, other, age) in cases {
        let dir = sample_project();
        let path = plant_lock(dir.path(), "alice", &other, age);
        if what.starts_with("an unreadable") {
            std::fs::write(&path, b"\xff garbage").unwrap();
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(SystemTime::now() - age)
                .unwrap();
        }
        let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
        assert!(ws.lock().is_ok(), "{what}: {:?}", ws.lock());
        ws.apply(vec![(DocId(0), add_event(CharRange::new(0, 3)))])
            .unwrap();
        for (_, r) in ws.save_all() {
            r.unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let now: LockHolder = ron::from_str(&text).unwrap();
        assert_eq!(now.pid, std::process::id(), "{what}");
        drop(ws);
        assert!(
            !path.exists(),
            "{what}: released when the workspace is dropped"
        );
    }

    // A fresh lock of another machine is not stale.
    let dir = sample_project();
    plant_lock(
        dir.path(),
        "alice",
        &holder(1, "elsewhere.example"),
        Duration::from_secs(60),
    );
    let ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let err = ws.lock().unwrap_err().to_string();
    assert!(err.contains("on elsewhere.example"), "{err}");
}

/// Re-opening in the same process (the window opens the new workspace before dropping the old
/// one) takes the lock over; the old workspace can no longer save.
#[test]
fn a_workspace_whose_lock_was_taken_over_never_writes() {
    let dir = sample_project();
    let mut old = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let zh = old.project.document_index(ZH).unwrap();
    old.apply(vec![(zh, add_event(CharRange::new(0, 3)))])
        .unwrap();
    let new = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    assert!(new.lock().is_ok());
    let err = old.save(zh).unwrap_err();
    assert!(matches!(err, StoreError::LockLost { .. }), "{err:?}");
    assert!(
        err.to_string().contains("took over the lock")
            && err.to_string().contains("still in memory"),
        "{err}"
    );
    assert!(old.doc_state(zh).is_dirty());
    assert!(old.refresh_lock().is_err());
    assert!(!old.project.annotation_path("alice", ZH).exists());
    drop(old);
    assert!(
        new.lock().unwrap().is_held(),
        "dropping the old one keeps the new lock"
    );
    new.refresh_lock().unwrap();
}

/// Child of the tests of a killed holder: takes the lock of `ACCORD_TEST_ROOT`, prints
/// `HOLDING`, and holds it until killed.
#[test]
#[ignore = "run as a child process by another test"]
fn child_holds_the_lock_until_killed() {
    let Ok(root) = std::env::var("ACCORD_TEST_ROOT") else {
        return;
    };
    let lock = AnnotatorLock::acquire(Path::new(&root), "alice").unwrap();
    println!("RESULT HOLDING");
    std::thread::sleep(Duration::from_secs(300));
    drop(lock);
}

/// [`child_holds_the_lock_until_killed`] on `root`, once it holds the lock.
fn holder_process(root: &Path) -> std::process::Child {
    let mut process = child(
        "files::child_holds_the_lock_until_killed",
        &[("ACCORD_TEST_ROOT", &root.to_string_lossy())],
    )
    .stdout(Stdio::piped())
    .spawn()
    .unwrap();
    let holding = BufReader::new(process.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .any(|line| line.contains("RESULT HOLDING"));
    assert!(holding, "the child took the lock");
    process
}

/// While an Accord holds the lock, the next one opens read-only and names it; once it is
/// killed (SIGKILL: it cannot remove its lock file), the next one takes the lock over at
/// once, because the operating system let go of the killed one's OS lock.
#[test]
fn the_lock_of_a_killed_accord_is_taken_over_at_once() {
    let dir = sample_project();
    let path = AnnotatorLock::path_for(dir.path(), "alice");
    let mut holder = holder_process(dir.path());
    let ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let Err(
        err @ LockError::Held {
            holder: Some(named),
            ..
        },
    ) = ws.lock()
    else {
        panic!("{:?}", ws.lock())
    };
    assert_eq!(named.pid, holder.id());
    assert!(named.os_lock);
    let message = err.to_string();
    for words in [
        format!("process {} on {}", holder.id(), host_name()),
        "open in another Accord".to_owned(),
        path.display().to_string(),
    ] {
        assert!(message.contains(&words), "{words:?} not in {message}");
    }
    drop(ws);

    holder.kill().unwrap();
    holder.wait().unwrap();
    // Its lock file stays, and says nothing the file alone could judge: as on a machine
    // without `/proc`, or a holder on another machine, it is made to name another host, which
    // the lock file alone would keep for two hours.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut left: LockHolder = ron::from_str(&text).unwrap();
    left.host = "elsewhere.example".into();
    std::fs::write(&path, ron::to_string(&left).unwrap()).unwrap();
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    assert!(ws.lock().is_ok(), "{:?}", ws.lock());
    ws.apply(vec![(DocId(0), add_event(CharRange::new(0, 3)))])
        .unwrap();
    for (_, r) in ws.save_all() {
        r.unwrap();
    }
    let now: LockHolder = ron::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(now.pid, std::process::id());
}

/// Child of the race tests: waits until `ACCORD_TEST_START` (ns since the epoch), takes the
/// lock of `ACCORD_TEST_ROOT`, holds it a while, and prints `WON` or `HELD`.
#[test]
#[ignore = "run as a child process by another test"]
fn child_races_for_the_lock() {
    let Some(root) = wait_for_the_start() else {
        return;
    };
    match AnnotatorLock::acquire(&root, "alice") {
        Ok(lock) => {
            println!("RESULT WON");
            // Hold it long enough that every other contender finds it taken.
            std::thread::sleep(Duration::from_millis(4000));
            assert!(lock.is_held());
        }
        Err(LockError::Held { .. }) => println!("RESULT HELD"),
        Err(e) => println!("RESULT ERROR {e}"),
    }
}

/// Waits until `ACCORD_TEST_START` (ns since the epoch); the root of `ACCORD_TEST_ROOT`.
fn wait_for_the_start() -> Option<PathBuf> {
    let (Ok(root), Ok(start)) = (
        std::env::var("ACCORD_TEST_ROOT"),
        std::env::var("ACCORD_TEST_START"),
    ) else {
        return None;
    };
    let start = SystemTime::UNIX_EPOCH + Duration::from_nanos(start.parse().unwrap());
    if let Ok(wait) = start.duration_since(SystemTime::now()) {
        std::thread::sleep(wait);
    }
    Some(PathBuf::from(root))
}

/// Runs `contenders` children `test` on `root`, starting together; what each printed after
/// `RESULT `.
fn race(root: &Path, contenders: usize, test: &str) -> Vec<String> {
    let start = SystemTime::now() + Duration::from_millis(1500);
    let start_ns = start
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        .to_string();
    let children: Vec<_> = (0..contenders)
        .map(|_| {
            child(
                test,
                &[
                    ("ACCORD_TEST_ROOT", &root.to_string_lossy()),
                    ("ACCORD_TEST_START", &start_ns),
                ],
            )
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            assert!(out.status.success());
            let text = String::from_utf8(out.stdout).unwrap();
            text.lines()
                .find_map(|l| l.split_once("RESULT ").map(|(_, r)| r))
                .unwrap_or("none")
                .to_owned()
        })
        .collect()
}

#[test]
fn of_processes_racing_for_the_lock_exactly_one_wins() {
    for round in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        // Rounds 1 and 2 start from a stale lock, which every contender tries to break at
        // once: one of a process that exited, known by its lock file; one of a process that
        // was killed holding its OS lock.
        match round {
            1 => {
                plant_lock(
                    dir.path(),
                    "alice",
                    &holder(dead_pid(), &host_name()),
                    Duration::ZERO,
                );
            }
            2 => {
                let mut killed = holder_process(dir.path());
                killed.kill().unwrap();
                killed.wait().unwrap();
            }
            _ => {}
        }
        let results = race(dir.path(), 4, "files::child_races_for_the_lock");
        let won = results.iter().filter(|r| *r == "WON").count();
        assert_eq!(won, 1, "round {round}: {results:?}");
        assert!(
            results.iter().all(|r| r == "WON" || r == "HELD"),
            "round {round}: {results:?}"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path().join("annotations"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        // Windows keeps the liveness file (see `accord::project::lock`).
        let expected: &[&str] = if cfg!(unix) {
            &[]
        } else {
            &[".alice.lock.live"]
        };
        assert_eq!(left, expected, "round {round}: left behind");
    }
}

/// Child of [`processes_taking_and_letting_go_never_hold_it_together`]: from
/// `ACCORD_TEST_START` on, for a second and a half, takes the lock of `ACCORD_TEST_ROOT`
/// whenever it can, holds it for a moment and lets it go. While it holds it, it holds the
/// marker file `held` (created only if there is none). Prints `WON <times>`, or `BOTH` when
/// the marker was there: another process held the lock at the same time.
#[test]
#[ignore = "run as a child process by another test"]
fn child_takes_and_lets_go_of_the_lock() {
    let Some(root) = wait_for_the_start() else {
        return;
    };
    let marker = root.join("held");
    let until = std::time::Instant::now() + Duration::from_millis(1500);
    let mut won = 0;
    while std::time::Instant::now() < until {
        match AnnotatorLock::acquire(&root, "alice") {
            Ok(lock) => {
                let alone = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&marker)
                    .is_ok();
                if !alone {
                    println!("RESULT BOTH");
                    return;
                }
                won += 1;
                std::thread::sleep(Duration::from_millis(2));
                std::fs::remove_file(&marker).unwrap();
                drop(lock);
            }
            Err(LockError::Held { .. }) => {}
            // The others took and let go of it every time this one looked: try again.
            Err(e) if e.to_string().contains("kept taking and releasing") => {}
            Err(e) => {
                println!("RESULT ERROR {e}");
                return;
            }
        }
    }
    println!("RESULT WON {won}");
}

/// Processes that take the lock and let it go again and again, all at once, never hold it at
/// the same time, and leave nothing behind (the liveness file goes with its last holder).
#[test]
fn processes_taking_and_letting_go_never_hold_it_together() {
    let dir = tempfile::tempdir().unwrap();
    let results = race(dir.path(), 4, "files::child_takes_and_lets_go_of_the_lock");
    let won: usize = results
        .iter()
        .map(|r| match r.strip_prefix("WON ") {
            Some(n) => n.parse::<usize>().unwrap(),
            None => panic!("{results:?}"),
        })
        .sum();
    assert!(won >= 4, "the lock changed hands: {results:?}");
    let left: Vec<_> = std::fs::read_dir(dir.path().join("annotations"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let expected: &[&str] = if cfg!(unix) {
        &[]
    } else {
        &[".alice.lock.live"]
    };
    assert_eq!(left, expected, "left behind");
}

/// The annotator's folder (or `annotations/`) is a link out of the project: nothing is written
/// there, everything opens read-only and says why.
#[cfg(unix)]
#[test]
fn an_annotation_folder_leading_out_of_the_project_is_never_written() {
    for link in ["annotations", "annotations/alice"] {
        let dir = sample_project();
        let outside = tempfile::tempdir().unwrap();
        let link_path = dir.path().join(link);
        std::fs::create_dir_all(link_path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(outside.path(), &link_path).unwrap();
        let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
        let err = ws.lock().unwrap_err().to_string();
        assert!(err.contains("outside the project folder"), "{link}: {err}");
        assert!(matches!(
            ws.doc_state(DocId(0)).status,
            StoreStatus::Locked(_)
        ));
        assert!(
            ws.apply(vec![(DocId(0), add_event(CharRange::new(0, 3)))])
                .is_err()
        );
        let _ = ws.save_all();
        drop(ws);
        assert_eq!(
            std::fs::read_dir(outside.path()).unwrap().count(),
            0,
            "{link}: nothing written outside"
        );
    }
}

#[test]
fn a_stopped_open_writes_nothing_and_lets_the_lock_go_and_a_whole_one_counts_each_file() {
    // The window reads a big project on a worker, counting files for its progress bar, and
    // may stop it: a stopped open must not replay the journal, nor keep the lock.
    let dir = sample_project();
    {
        let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
        ws.apply(vec![(DocId(0), add_event(CharRange::new(0, 3)))])
            .unwrap();
        for (_, r) in ws.save_all() {
            r.unwrap();
        }
        // Not saved: only the journal has it, as after a crash.
        ws.apply(vec![(DocId(1), add_event(CharRange::new(0, 3)))])
            .unwrap();
    }
    let before = crate::common::folder_bytes(dir.path());
    let journal = PathBuf::from("annotations/.alice.journal");
    assert!(before.contains_key(&journal), "{:?}", before.keys());

    let listing = Project::list(dir.path()).unwrap();
    assert_eq!(listing.entries().len(), 5);
    let stopped = OpenProgress::default();
    stopped.stop();
    assert!(listing.read(&stopped).is_none());
    assert_eq!(stopped.files_read(), 0);

    let progress = OpenProgress::default();
    let project = Project::list(dir.path()).unwrap().read(&progress).unwrap();
    assert_eq!(progress.files_read(), 5);
    progress.stop();
    assert!(Workspace::open_counted(project, "alice", &progress).is_none());
    assert_eq!(crate::common::folder_bytes(dir.path()), before);

    let progress = OpenProgress::default();
    let project = Project::list(dir.path()).unwrap().read(&progress).unwrap();
    let ws = Workspace::open_counted(project, "alice", &progress).unwrap();
    assert_eq!(progress.files_read(), 10);
    assert_eq!(ws.doc_state(DocId(0)).status, StoreStatus::Editable);
    assert_eq!(ws.store(DocId(0)).len(), 1);
    // The journal's step came back, under the lock the stopped open let go.
    assert!(ws.recovery().is_some());
    assert_eq!(ws.store(DocId(1)).len(), 1);
}
