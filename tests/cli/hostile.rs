//! A corpus of projects a careless or hostile collaborator could commit, run through every
//! subcommand: symlinks out of every folder and file kind, FIFOs, `/dev/zero`, huge and
//! garbage locks and journals, CRLF and foreign journals, ids at their limit, colliding export
//! names, control characters in names. For each case and command: a folder beside the project
//! (the sentinel) keeps every byte, the command ends within a time bound and a memory bound
//! (`ulimit -v`), exits 0, 1 or 2 (never a panic or a signal), prints no control character a
//! terminal acts on and nothing of a file outside, and every annotation that was acknowledged
//! before is still there after.

#![cfg(unix)]

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use accord::edit::Edit;
use accord::model::CharRange;
use accord::project::{Project, Workspace};
use accord::store::AnnotationFile;

use crate::common::{copy_dir, folder_bytes, sample_dir};

const ZH: &str = "kz-tj-joint-statement.zh.txt";
const AR: &str = "tj-kz-talks-astana.ar.txt";
const RU: &str = "kz-tj-alliance-treaty.ru.txt";
const KK: &str = "kz-tj-foreign-ministers.kk.txt";
/// What a file outside holds: never printed, never copied in.
const SECRET: &str = "SENTINEL-SECRET";
/// No command may take longer (the slowest take well under a second here).
const TIME_BOUND: Duration = Duration::from_secs(30);
/// Nor more memory than this, in KiB of address space (`ulimit -v`).
const MEMORY_BOUND_KIB: u64 = 4 * 1024 * 1024;

/// A case: its name and what it does to a copy of the annotated sample project (given the
/// project folder and the sentinel folder beside it).
type Case = (&'static str, fn(&Path, &Path));

fn ann(root: &Path, annotator: &str, doc: &str) -> PathBuf {
    root.join("annotations")
        .join(annotator)
        .join(format!("{doc}.ron"))
}

fn mkfifo(path: &Path) {
    let _ = std::fs::remove_file(path);
    let ok = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success(), "mkfifo {}", path.display());
}

fn replace_with_link(path: &Path, target: &Path) {
    if path.is_dir() && !path.is_symlink() {
        std::fs::remove_dir_all(path).unwrap();
    } else {
        let _ = std::fs::remove_file(path);
    }
    symlink(target, path).unwrap();
}

/// Adds documents (file name, text) to the project file and the folder.
fn add_documents(root: &Path, docs: &[(&str, &str)]) {
    let text = std::fs::read_to_string(root.join("accord.ron")).unwrap();
    let entries: Vec<String> = docs
        .iter()
        .map(|(file, _)| format!("(file: {file:?}),"))
        .collect();
    let text = text.replacen(
        "    ],\n)",
        &format!("        {}\n    ],\n)", entries.join("\n        ")),
        1,
    );
    std::fs::write(root.join("accord.ron"), text).unwrap();
    for (file, content) in docs {
        let path = root.join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        if !content.is_empty() {
            std::fs::write(path, content).unwrap();
        }
    }
}

/// Two unsaved edits of aigerim's in the project at `root`, as a crash leaves them.
fn unsaved_edits(root: &Path) {
    let mut ws = Workspace::open(Project::open(root).unwrap(), "aigerim");
    let doc = ws.project.document_index(ZH).unwrap();
    for start in [3, 40] {
        ws.apply(vec![(
            doc,
            Edit::Add {
                label: "EVENT".into(),
                ranges: vec![CharRange::new(start, start + 2)],
                attributes: Default::default(),
                source: None,
            },
        )])
        .unwrap();
    }
}

fn cases() -> Vec<Case> {
    vec![
        ("links folder linked out", |root, s| {
            replace_with_link(&root.join("links"), &s.join("dir"));
        }),
        ("annotator folder linked out", |root, s| {
            replace_with_link(&root.join("annotations/eve"), &s.join("dir"));
        }),
        ("annotation file linked to a secret", |root, s| {
            replace_with_link(&ann(root, "aigerim", ZH), &s.join("passwd"));
        }),
        ("document folder linked out", |root, s| {
            std::fs::write(s.join("dir/x.txt"), format!("{SECRET} in a document")).unwrap();
            add_documents(root, &[("sub/x.txt", "")]);
            replace_with_link(&root.join("sub"), &s.join("dir"));
        }),
        ("broken link in place of the link file", |root, s| {
            replace_with_link(&root.join("links/aigerim.ron"), &s.join("nowhere.ron"));
        }),
        ("annotation file is a FIFO", |root, _| {
            mkfifo(&ann(root, "dilnoza", AR));
        }),
        ("document is a FIFO", |root, _| mkfifo(&root.join(RU))),
        ("lock is a FIFO", |root, _| {
            mkfifo(&root.join("annotations/.aigerim.lock"));
        }),
        ("lock linked to /dev/zero", |root, _| {
            replace_with_link(
                &root.join("annotations/.aigerim.lock"),
                Path::new("/dev/zero"),
            );
        }),
        ("huge stale lock", |root, _| {
            let file = std::fs::File::create(root.join("annotations/.aigerim.lock")).unwrap();
            file.set_len(300 << 20).unwrap();
            file.set_modified(std::time::SystemTime::now() - Duration::from_secs(5 * 3600))
                .unwrap();
        }),
        ("huge annotation file", |root, _| {
            let file = std::fs::File::create(ann(root, "dilnoza", KK)).unwrap();
            file.set_len(256 << 20).unwrap();
        }),
        ("garbage journal", |root, _| {
            let mut bytes = b"12 ab {\n".to_vec();
            bytes.extend(std::iter::repeat_n(b'x', 3 << 20));
            std::fs::write(root.join("annotations/.aigerim.journal"), bytes).unwrap();
        }),
        ("journal committed from another clone", |root, _| {
            let other = tempfile::tempdir().unwrap();
            copy_dir(&sample_dir(), other.path());
            unsaved_edits(other.path());
            std::fs::copy(
                other.path().join("annotations/.aigerim.journal"),
                root.join("annotations/.aigerim.journal"),
            )
            .unwrap();
        }),
        ("journal with CRLF line endings", |root, _| {
            unsaved_edits(root);
            let path = root.join("annotations/.aigerim.journal");
            let text = std::fs::read(&path).unwrap();
            let crlf: Vec<u8> = text
                .iter()
                .flat_map(|&b| {
                    if b == b'\n' {
                        vec![b'\r', b'\n']
                    } else {
                        vec![b]
                    }
                })
                .collect();
            std::fs::write(path, crlf).unwrap();
        }),
        ("next_id at its limit", |root, _| {
            let path = ann(root, "aigerim", ZH);
            let text = std::fs::read_to_string(&path).unwrap();
            let start = text.find("next_id: ").unwrap() + "next_id: ".len();
            let end = start + text[start..].find(',').unwrap();
            let text = format!("{}{}{}", &text[..start], u64::MAX, &text[end..]);
            std::fs::write(path, text).unwrap();
        }),
        ("control characters in names", |root, _| {
            add_documents(
                root,
                &[("evil\u{1b}]0;pwned\u{7}.txt", "Astana and Dushanbe met.")],
            );
            let folder = root.join("annotations/x\u{1b}[2J");
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::copy(ann(root, "aigerim", ZH), folder.join(format!("{ZH}.ron"))).unwrap();
        }),
        ("export names that would collide", |root, _| {
            add_documents(
                root,
                &[
                    ("index.txt", "The index."),
                    ("a/b.txt", "In a folder."),
                    ("a_b.txt", "Not in a folder."),
                ],
            );
        }),
        ("a folder in place of an annotation file", |root, _| {
            let path = ann(root, "aigerim", RU);
            std::fs::remove_file(&path).unwrap();
            std::fs::create_dir_all(path.join("inside")).unwrap();
        }),
    ]
}

/// Every command a user runs on a project (`{p}`: the project, `{out}`: a folder outside it).
fn commands() -> Vec<Vec<&'static str>> {
    vec![
        vec!["validate", "{p}"],
        vec!["stats", "{p}"],
        vec!["stats", "--json", "{p}"],
        vec!["agree", "{p}"],
        vec!["agree", "--json", "{p}"],
        vec!["commitments", "{p}"],
        vec!["commitments", "--csv", "{p}"],
        vec![
            "export",
            "{p}",
            "--format",
            "jsonl",
            "--out",
            "{out}/x.jsonl",
            "--annotator",
            "aigerim",
        ],
        vec![
            "export",
            "{p}",
            "--format",
            "html",
            "--out",
            "{out}/html",
            "--annotator",
            "aigerim",
        ],
        vec![
            "export",
            "{p}",
            "--format",
            "brat",
            "--out",
            "{out}/brat",
            "--annotator",
            "dilnoza",
        ],
        vec![
            "export",
            "{p}",
            "--format",
            "conll",
            "--out",
            "{p}/x.conll",
            "--annotator",
            "aigerim",
        ],
        vec!["reanchor", "--dry-run", "{p}"],
        vec!["reanchor", "{p}", "--annotator", "dilnoza"],
        vec!["recover", "--dry-run", "{p}"],
        vec!["recover", "{p}"],
        vec![
            "import",
            "--format",
            "jsonl",
            "{in}",
            "--into",
            "{p}",
            "--annotator",
            "zed",
        ],
    ]
}

/// One annotation as a user would recognise it: annotator, document, id, label, fragments.
type Known = (String, String, u64, String, Vec<(usize, usize)>);

/// Every annotation in the project's regular, readable annotation files.
fn acknowledged(root: &Path) -> BTreeSet<Known> {
    let mut out = BTreeSet::new();
    for annotator in ["aigerim", "dilnoza"] {
        for doc in [ZH, AR, RU, KK, "tj-cn-talks-xian.ar.txt"] {
            let path = ann(root, annotator, doc);
            let regular = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
            let Ok(file) = regular.then(|| AnnotationFile::load(&path)).transpose() else {
                continue;
            };
            for a in file.into_iter().flat_map(|f| f.annotations) {
                let fragments = a.fragments.iter().map(|f| (f.start, f.end)).collect();
                out.insert((annotator.into(), doc.into(), a.id.0, a.label, fragments));
            }
        }
    }
    out
}

/// Runs one command on the project in `root`; what it printed.
fn run(case: &str, args: &[&str], root: &Path, out: &Path, source: &Path) -> String {
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            a.replace("{p}", &root.to_string_lossy())
                .replace("{out}", &out.to_string_lossy())
                .replace("{in}", &source.to_string_lossy())
        })
        .collect();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_BOUND_KIB}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_accord"))
        .args(&args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The pipes are read while it runs: a large output must not block it.
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIME_BOUND {
            let _ = child.kill();
            panic!(
                "{case}: `accord {}` ran past {TIME_BOUND:?}",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&stdout.join().unwrap()),
        String::from_utf8_lossy(&stderr.join().unwrap())
    );
    let said = || format!("{case}: `accord {}` said:\n{text}", args.join(" "));
    // `ACCORD_HOSTILE_TABLE=1`: the table of what each command does with each case.
    if std::env::var_os("ACCORD_HOSTILE_TABLE").is_some() {
        let first = text
            .lines()
            .find(|l| {
                l.contains("error")
                    || l.contains("refus")
                    || l.contains("not ")
                    || l.contains("outside")
            })
            .or(text.lines().next())
            .unwrap_or("");
        println!(
            "TABLE | {case} | {} | {} | {} |",
            args[0],
            status.code().unwrap_or(-1),
            first.chars().take(160).collect::<String>()
        );
    }
    assert!(
        matches!(status.code(), Some(0..=2)),
        "{} (exit {status})",
        said()
    );
    assert!(
        !text.contains(SECRET),
        "printed what is outside: {}",
        said()
    );
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')),
        "printed a control character: {}",
        said()
    );
    text
}

#[test]
fn hostile_projects_change_nothing_outside_and_lose_nothing_inside() {
    // Something to import: the sample, exported once.
    let source_dir = tempfile::tempdir().unwrap();
    let source = source_dir.path().join("sample.jsonl");
    let exported = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args([
            "export",
            "--format",
            "jsonl",
            "--annotator",
            "aigerim",
            "--out",
        ])
        .arg(&source)
        .arg(sample_dir())
        .output()
        .unwrap();
    assert!(exported.status.success());

    let cases = cases();
    // Two at a time: the machine's cores.
    std::thread::scope(|scope| {
        for half in cases.chunks(cases.len().div_ceil(2)) {
            let source = &source;
            scope.spawn(move || {
                for (name, make) in half {
                    let sentinel = tempfile::tempdir().unwrap();
                    let s = sentinel.path();
                    std::fs::create_dir_all(s.join("dir")).unwrap();
                    std::fs::write(s.join("passwd"), format!("root:{SECRET}:0:0\n")).unwrap();
                    std::fs::write(s.join("dir/notes.txt"), "the sentinel's notes").unwrap();
                    let project = tempfile::tempdir().unwrap();
                    let root = project.path().join("p");
                    copy_dir(&sample_dir(), &root);
                    make(&root, s);
                    let acked = acknowledged(&root);
                    let sentinel_before: BTreeMap<PathBuf, Vec<u8>> = folder_bytes(s);
                    let out = tempfile::tempdir().unwrap();
                    for args in commands() {
                        run(name, &args, &root, out.path(), source);
                        assert_eq!(
                            folder_bytes(s),
                            sentinel_before,
                            "{name}: `accord {}` changed the folder outside",
                            args.join(" ")
                        );
                    }
                    let after = acknowledged(&root);
                    let lost: Vec<_> = acked.difference(&after).collect();
                    assert!(lost.is_empty(), "{name}: annotations lost: {lost:?}");
                }
            });
        }
    });
}
