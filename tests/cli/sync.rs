//! A team through real git: a bare "remote", clones annotating the same and different
//! documents (the same annotator on two machines, another annotator, the curated set,
//! cross-document links), syncing in random orders with `accord merge-file` as the merge
//! driver. Afterwards every acknowledged annotation is in every clone exactly once, ids are
//! unique, every file validates and no conflict marker is anywhere.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use accord::edit::{Edit, EditContext, apply};
use accord::model::{
    AnnotationId, CharRange, CrossGroup, CrossMember, Document, GroupId, Timestamp,
};
use accord::project::sync::{SyncError, sync};
use accord::project::{CURATED, CrossLinkFile};
use accord::schema::Schema;
use accord::store::{AnnotationFile, AnnotationStore, DocumentStamp};

use crate::common::{git, sample_dir};

/// The project's documents (file, text).
fn documents() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(sample_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    names
}

/// A team's repository: a bare remote holding the sample project in `project/`, and clones
/// of it with the merge driver registered.
struct Team {
    _dir: tempfile::TempDir,
    clones: Vec<PathBuf>,
}

impl Team {
    fn new(clones: usize) -> Team {
        let dir = tempfile::tempdir().unwrap();
        let remote = dir.path().join("remote.git");
        std::fs::create_dir(&remote).unwrap();
        git(&remote, &["init", "-q", "--bare", "--initial-branch=main"]);
        let first = dir.path().join("clone0");
        git(
            dir.path(),
            &["clone", "-q", &remote.to_string_lossy(), "clone0"],
        );
        configure(&first);
        crate::common::copy_dir(&sample_dir(), &first.join("project"));
        std::fs::write(
            first.join(".gitattributes"),
            "project/annotations/** merge=accord\nproject/links/*.ron merge=accord\nproject/accord.ron merge=accord\n",
        )
        .unwrap();
        git(&first, &["add", "-A"]);
        git(&first, &["commit", "-q", "-m", "the project"]);
        git(&first, &["push", "-q", "-u", "origin", "main"]);
        let mut all = vec![first];
        for i in 1..clones {
            let name = format!("clone{i}");
            git(
                dir.path(),
                &["clone", "-q", &remote.to_string_lossy(), &name],
            );
            configure(&dir.path().join(&name));
            all.push(dir.path().join(&name));
        }
        Team {
            _dir: dir,
            clones: all,
        }
    }
}

fn configure(clone: &Path) {
    for (key, value) in [
        ("user.name", "tester"),
        ("user.email", "tester@example.invalid"),
        ("commit.gpgsign", "false"),
        ("merge.accord.name", "Accord annotations by id"),
    ] {
        git(clone, &["config", key, value]);
    }
    let driver = format!("'{}' merge-file %O %A %B %P", env!("CARGO_BIN_EXE_accord"));
    git(clone, &["config", "merge.accord.driver", &driver]);
}

/// Something a clone saved: an annotation of `annotator` in `document`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Mark {
    annotator: String,
    document: String,
    label: String,
    range: (usize, usize),
}

fn annotation_path(project: &Path, annotator: &str, document: &str) -> PathBuf {
    project
        .join("annotations")
        .join(annotator)
        .join(format!("{document}.ron"))
}

fn load(project: &Path, annotator: &str, document: &str) -> (AnnotationStore, DocumentStamp) {
    let doc = Document::open(&project.join(document)).unwrap();
    let path = annotation_path(project, annotator, document);
    if path.exists() {
        let f = AnnotationFile::load_store(&path).unwrap();
        (f.store, f.document)
    } else {
        (AnnotationStore::new(), DocumentStamp::of(&doc))
    }
}

/// Adds `label` over `range` as `annotator`, saves, and returns its id (`None`: already
/// marked so).
fn annotate(project: &Path, mark: &Mark) -> Option<AnnotationId> {
    let doc = Document::open(&project.join(&mark.document)).unwrap();
    let (mut store, stamp) = load(project, &mark.annotator, &mark.document);
    let schema = Schema::default_schema();
    let now = Timestamp("2026-12-06T00:00:00Z".into());
    let ctx = EditContext {
        schema: &schema,
        document: &doc,
        author: &mark.annotator,
        now: &now,
    };
    let add = Edit::Add {
        label: mark.label.clone(),
        ranges: vec![CharRange::new(mark.range.0, mark.range.1)],
        attributes: BTreeMap::new(),
        source: None,
    };
    let applied = accord::edit::apply_and_report(&mut store, &ctx, &add).ok()?;
    let path = annotation_path(project, &mark.annotator, &mark.document);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    AnnotationFile::save_store(&store, &stamp, &mark.annotator, &path).unwrap();
    applied.created.first().copied()
}

/// Words of a document as char ranges, to label.
fn words(project: &Path, document: &str) -> Vec<(usize, usize)> {
    let doc = Document::open(&project.join(document)).unwrap();
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in doc.text().chars().enumerate() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// A small deterministic generator (xorshift), so each seed is one reproducible history.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Syncs a clone: bob through `accord sync`, alice through the library (the window's way).
fn sync_clone(clone: &Path, annotator: &str) -> Result<(), SyncError> {
    if annotator == "bob" {
        let out = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(["sync", "--annotator", annotator])
            .current_dir(clone.join("project"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("pushed"),
            "accord sync: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        return Ok(());
    }
    sync(
        &clone.join("project"),
        annotator,
        &Arc::new(AtomicBool::new(false)),
        &mut |_| {},
    )
    .map(|_| ())
}

/// Every annotation and link file of a project: (path, text).
fn ron_files(project: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![project.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "ron") {
                out.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out
}

fn check_clone(clone: &Path, acknowledged: &[Mark], groups: &[(String, [Mark; 2])]) {
    let project = clone.join("project");
    let tracked = git(clone, &["ls-files"]);
    assert!(
        !tracked.contains(".lock") && !tracked.contains(".journal"),
        "locks and journals are never committed: {tracked}"
    );
    for (path, text) in ron_files(&project) {
        assert!(
            !text.contains("<<<<<<<") && !text.contains(">>>>>>>"),
            "{} has conflict markers",
            path.display()
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["validate", &project.to_string_lossy()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        clone.display(),
        String::from_utf8_lossy(&out.stdout)
    );
    for mark in acknowledged {
        let (store, _) = load(&project, &mark.annotator, &mark.document);
        let n = store
            .annotations()
            .filter(|a| {
                a.label == mark.label
                    && a.fragments.len() == 1
                    && (a.fragments[0].start, a.fragments[0].end) == mark.range
            })
            .count();
        assert_eq!(n, 1, "{mark:?} in {}", clone.display());
    }
    // Each group still joins the annotations it was made of.
    for (annotator, members) in groups {
        let links =
            CrossLinkFile::load(&project.join("links").join(format!("{annotator}.ron"))).unwrap();
        let found = links.groups.iter().any(|g| {
            g.members.len() == 2
                && members.iter().all(|m| {
                    g.members.iter().any(|gm| {
                        let (store, _) = load(&project, annotator, &gm.document);
                        gm.document == m.document
                            && store.get(gm.annotation).is_some_and(|a| {
                                a.label == m.label
                                    && (a.fragments[0].start, a.fragments[0].end) == m.range
                            })
                    })
                })
        });
        assert!(found, "a group of {members:?} in {}", clone.display());
    }
}

/// Adds a cross-document group of two annotations to `annotator`'s link file.
fn link(project: &Path, annotator: &str, members: [(&str, AnnotationId); 2]) {
    let path = project.join("links").join(format!("{annotator}.ron"));
    let mut file = if path.exists() {
        CrossLinkFile::load(&path).unwrap()
    } else {
        CrossLinkFile::new(annotator)
    };
    let mut members: Vec<CrossMember> = members
        .iter()
        .map(|(d, a)| CrossMember {
            document: (*d).into(),
            annotation: *a,
        })
        .collect();
    members.sort();
    file.groups.push(CrossGroup {
        id: GroupId(file.next_id),
        kind: "same_entity".into(),
        members,
        note: String::new(),
    });
    file.next_id += 1;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    file.save(&path).unwrap();
}

#[test]
fn three_clones_annotating_and_syncing_in_random_orders_end_with_every_annotation_once() {
    let labels = ["PERSON", "COUNTRY", "ORG", "LOCATION", "DATE"];
    let docs = documents();
    for seed in [7u64, 1234] {
        let team = Team::new(3);
        let mut rng = Rng(seed);
        // Clones 0 and 1 are the same annotator on two machines and both curate; clone 2 is
        // another annotator.
        let who = |clone: usize| if clone == 2 { "bob" } else { "alice" };
        let mut acknowledged: Vec<Mark> = Vec::new();
        let mut groups: Vec<(String, [Mark; 2])> = Vec::new();
        for _round in 0..6 {
            let c = rng.below(3);
            let project = team.clones[c].join("project");
            let mut made = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let annotator = if c < 2 && rng.below(4) == 0 {
                    CURATED
                } else {
                    who(c)
                };
                // Mostly the first two documents, so clones meet in the same files.
                let first = 2 + rng.below(2);
                let document = docs[rng.below(first)].clone();
                let ws = words(&project, &document);
                let range = ws[rng.below(ws.len())];
                let mark = Mark {
                    annotator: annotator.into(),
                    document,
                    label: labels[rng.below(labels.len())].into(),
                    range,
                };
                if let Some(id) = annotate(&project, &mark) {
                    made.push((mark.clone(), id));
                    acknowledged.push(mark);
                }
            }
            // A cross-document link between two annotations just made by the same annotator
            // in different documents.
            if let Some((a, b)) = made.iter().enumerate().find_map(|(i, (a, _))| {
                made[i + 1..]
                    .iter()
                    .find(|(b, _)| b.annotator == a.annotator && b.document != a.document)
                    .map(|b| (made[i].clone(), b.clone()))
            }) {
                link(
                    &project,
                    &a.0.annotator,
                    [(&a.0.document, a.1), (&b.0.document, b.1)],
                );
                groups.push((a.0.annotator.clone(), [a.0.clone(), b.0.clone()]));
            }
            sync_clone(&team.clones[c], who(c)).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        }
        // Everyone syncs until nothing is new.
        for _ in 0..2 {
            for c in 0..3 {
                sync_clone(&team.clones[c], who(c)).unwrap_or_else(|e| panic!("{e}"));
            }
        }
        acknowledged.sort();
        acknowledged.dedup();
        for clone in &team.clones {
            check_clone(clone, &acknowledged, &groups);
        }
        let heads: Vec<String> = team
            .clones
            .iter()
            .map(|c| git(c, &["rev-parse", "HEAD"]))
            .collect();
        assert!(
            heads.windows(2).all(|w| w[0] == w[1]),
            "seed {seed}: {heads:?}"
        );
    }
}

/// The same annotator on two machines adds an annotation to each of two documents and groups
/// them: both hand out the same new ids, so the second to sync has its annotations renumbered
/// by the merge, and its group must follow them — whether the two link files differ (merged
/// by the driver) or are the very same text (taken by git as it is, then merged by Sync).
#[test]
fn a_group_follows_the_annotations_a_merge_renumbers() {
    for (same_link_files, rebase) in [(true, false), (false, false), (false, true)] {
        a_group_follows_renumbered_annotations(same_link_files, rebase);
    }
}

/// `rebase`: the second machine commits and runs `git pull --rebase` and `git push` by hand
/// instead of Sync (the driver replays its commit onto the other's).
fn a_group_follows_renumbered_annotations(same_link_files: bool, rebase: bool) {
    let team = Team::new(2);
    let docs = documents();
    let (first, second) = (&docs[0], &docs[1]);
    let mut acknowledged = Vec::new();
    let mut groups = Vec::new();
    for (clone, nth_last) in [(0, 1), (1, 2)] {
        let project = team.clones[clone].join("project");
        let mark = |document: &String| {
            let ws = words(&project, document);
            Mark {
                annotator: "alice".into(),
                document: document.clone(),
                label: "ORG".into(),
                range: ws[ws.len() - nth_last],
            }
        };
        let (a, b) = (mark(first), mark(second));
        let (id_a, id_b) = (
            annotate(&project, &a).unwrap(),
            annotate(&project, &b).unwrap(),
        );
        link(&project, "alice", [(first, id_a), (second, id_b)]);
        if clone == 1 && !same_link_files {
            link(&project, "alice", [(first, id_a), (second, id_b)]);
        }
        groups.push(("alice".to_owned(), [a.clone(), b.clone()]));
        acknowledged.extend([a, b]);
    }
    sync_clone(&team.clones[0], "alice").unwrap_or_else(|e| panic!("{e}"));
    if rebase {
        let second = &team.clones[1];
        git(second, &["add", "-A"]);
        git(second, &["commit", "-q", "-m", "alice on the laptop"]);
        git(second, &["pull", "-q", "--rebase"]);
        git(second, &["push", "-q"]);
    } else {
        sync_clone(&team.clones[1], "alice").unwrap_or_else(|e| panic!("{e}"));
        let made_by = git(&team.clones[1], &["log", "--format=%an <%ae>", "-2"]);
        assert_eq!(
            made_by.lines().collect::<Vec<_>>(),
            ["tester <tester@example.invalid>"; 2],
            "the commit and the merge are git's user's"
        );
    }
    sync_clone(&team.clones[0], "alice").unwrap_or_else(|e| panic!("{e}"));
    acknowledged.sort();
    for clone in &team.clones {
        check_clone(clone, &acknowledged, &groups);
    }
}

#[test]
fn a_deletion_against_an_edit_becomes_a_conflict_to_decide_and_a_moved_remote_is_merged() {
    let team = Team::new(2);
    let docs = documents();
    let document = docs[0].clone();
    let (a, b) = (&team.clones[0], &team.clones[1]);
    let pa = a.join("project");
    let ws = words(&pa, &document);
    let mark = Mark {
        annotator: "alice".into(),
        document: document.clone(),
        label: "PERSON".into(),
        range: ws[3],
    };
    let id = annotate(&pa, &mark).unwrap();
    sync_clone(a, "alice").unwrap();
    sync_clone(b, "alice").unwrap();
    // A relabels it; B removes it.
    let relabel = |project: &Path, edit: Edit| {
        let doc = Document::open(&project.join(&document)).unwrap();
        let (mut store, stamp) = load(project, "alice", &document);
        let schema = Schema::default_schema();
        let now = Timestamp("2026-12-06T01:00:00Z".into());
        let ctx = EditContext {
            schema: &schema,
            document: &doc,
            author: "alice",
            now: &now,
        };
        apply(&mut store, &ctx, &edit).unwrap();
        AnnotationFile::save_store(
            &store,
            &stamp,
            "alice",
            &annotation_path(project, "alice", &document),
        )
        .unwrap();
    };
    relabel(
        &pa,
        Edit::Relabel {
            id,
            label: "ORG".into(),
        },
    );
    relabel(&b.join("project"), Edit::Remove { id });
    sync_clone(a, "alice").unwrap();
    // B's push finds the remote moved: Sync merges and pushes.
    sync_clone(b, "alice").unwrap();
    sync_clone(a, "alice").unwrap();
    for clone in [a, b] {
        let (store, _) = load(&clone.join("project"), "alice", &document);
        let kept = store.get(id).expect("the changed annotation is kept");
        assert_eq!(kept.label, "ORG");
        let conflict = kept.conflict.as_ref().expect("marked as a conflict");
        assert_eq!(conflict.other, None, "the other side removed it");
        assert!(
            String::from_utf8(
                Command::new(env!("CARGO_BIN_EXE_accord"))
                    .args(["validate", &clone.join("project").to_string_lossy()])
                    .output()
                    .unwrap()
                    .stdout
            )
            .unwrap()
            .contains("conflict"),
            "validate names the undecided conflict"
        );
    }
}

#[test]
fn a_project_file_changed_on_both_sides_keeps_both_changes_and_a_push_the_remote_moved_under_is_merged_and_sent()
 {
    let team = Team::new(3);
    let (a, b, c) = (&team.clones[0], &team.clones[1], &team.clones[2]);
    let edit = |clone: &Path, from: &str, to: &str| {
        let path = clone.join("project/accord.ron");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from));
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit(
        a,
        "Joint statement of the presidents, Dushanbe",
        "Joint statement, Dushanbe",
    );
    sync_clone(a, "alice").unwrap();
    // Two lines further down (git's line merge needs a line between two changes).
    edit(b, "date: Some(\"2024-08\")", "date: Some(\"2024-08-01\")");
    // C has a commit ready; B's pre-push hook pushes it first, so B's push is refused once.
    let docs = documents();
    let ws = words(&c.join("project"), &docs[1]);
    let mark = Mark {
        annotator: "bob".into(),
        document: docs[1].clone(),
        label: "ORG".into(),
        range: ws[2],
    };
    git(c, &["pull", "-q", "--no-rebase"]);
    annotate(&c.join("project"), &mark).unwrap();
    git(c, &["add", "-A"]);
    git(c, &["commit", "-q", "-m", "bob's span"]);
    let marker = b.join("hook-ran");
    let hook = b.join(".git/hooks/pre-push");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\nif [ ! -e '{m}' ]; then touch '{m}'; unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE; git -C '{c}' push -q origin main || exit 1; fi\n",
            m = marker.display(),
            c = c.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    sync_clone(b, "alice").unwrap();
    assert!(marker.exists(), "the hook moved the remote during B's push");
    let log = git(b, &["log", "--format=%s", "origin/main"]);
    assert!(log.contains("bob's span"), "{log}");
    let project = std::fs::read_to_string(b.join("project/accord.ron")).unwrap();
    assert!(project.contains("Joint statement, Dushanbe"), "{project}");
    assert!(project.contains("2024-08-01"), "{project}");
    assert!(
        project.contains("the text gives no year"),
        "the comments of accord.ron are kept"
    );
    for clone in [a, c] {
        sync_clone(clone, if *clone == *c { "bob" } else { "alice" }).unwrap();
    }
    sync_clone(b, "alice").unwrap();
    for clone in [a, b, c] {
        check_clone(clone, std::slice::from_ref(&mark), &[]);
    }
}

#[test]
fn merge_file_falls_back_to_gits_line_merge_for_a_file_that_does_not_parse_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let base = write("base", "(format: 1,\nbroken\n)\n");
    let ours = write("ours", "(format: 1,\nbroken here\n)\n");
    let theirs = write("theirs", "(format: 1,\nbroken there\n)\n");
    let out = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args([
            "merge-file",
            &base,
            &ours,
            &theirs,
            "project/annotations/alice/a.txt.ron",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("project/annotations/alice/a.txt.ron") && said.contains("merged by lines"),
        "{said}"
    );
    let merged = std::fs::read_to_string(&ours).unwrap();
    assert!(
        merged.contains("<<<<<<<") && merged.contains("broken there"),
        "{merged}"
    );
}
