//! Bad input gets a typed error that names the file and says what to do, the rest of the
//! project keeps working, and no file is changed by opening, editing or saving around it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use accord::edit::Edit;
use accord::model::{CharRange, Document, DocumentError};
use accord::project::{
    DocId, Project, Resolution, StoreStatus, Workspace, WorkspaceError, WorkspaceFile,
};
use accord::project_dir::FsError;
use accord::store::{AnnotationFile, StoreError};

use crate::common::{folder_bytes, sample_project};

const ZH: &str = "kz-tj-joint-statement.zh.txt";
const AR: &str = "tj-kz-talks-astana.ar.txt";

fn write(path: &Path, bytes: &[u8]) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
}

/// A project file listing `files` (paths as written), default schema.
fn project_file(files: &[&str]) -> String {
    let entries: Vec<String> = files.iter().map(|f| format!("(file: {f:?})")).collect();
    format!(
        "(format: 1, name: \"bad\", documents: [{}])\n",
        entries.join(", ")
    )
}

fn add_event(range: CharRange) -> Edit {
    Edit::Add {
        label: "EVENT".into(),
        ranges: vec![range],
        attributes: BTreeMap::new(),
        source: None,
    }
}

/// Every file that existed `before` still has the same bytes (files saved for documents that
/// are fine may have been added).
fn assert_kept(before: &BTreeMap<PathBuf, Vec<u8>>, root: &Path) {
    let after = folder_bytes(root);
    for (path, bytes) in before {
        assert_eq!(
            after.get(path),
            Some(bytes),
            "{} changed or vanished",
            path.display()
        );
    }
}

/// Annotates the first two sample documents as `alice` and saves; returns the annotation paths.
fn annotated_sample_project() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = sample_project();
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let zh = ws.project.document_index(ZH).unwrap();
    let ar = ws.project.document_index(AR).unwrap();
    ws.apply(vec![
        (zh, add_event(CharRange::new(0, 5))),
        (ar, add_event(CharRange::new(0, 8))),
    ])
    .unwrap();
    ws.apply(vec![(zh, add_event(CharRange::new(10, 14)))])
        .unwrap();
    for (_, r) in ws.save_all() {
        r.unwrap();
    }
    let zh_path = ws.project.annotation_path("alice", ZH);
    let ar_path = ws.project.annotation_path("alice", AR);
    assert!(zh_path.is_file() && ar_path.is_file());
    (dir, zh_path, ar_path)
}

/// Opens the project as `alice`, tries an edit and a save on every document, runs validate and
/// stats: returns the workspace. The caller checks files did not change.
fn exercise(root: &Path) -> Workspace {
    let mut ws = Workspace::open(Project::open(root).unwrap(), "alice");
    for d in ws.doc_ids() {
        if ws.apply(vec![(d, add_event(CharRange::new(1, 2)))]).is_ok() {
            ws.undo().unwrap();
        }
        let _ = ws.save(d);
    }
    let _ = ws.save_all();
    let _ = accord::validate::validate(root);
    let _ = accord::stats::stats(root);
    ws
}

/// Changed behaviour: a document in another encoding used to be refused as "not UTF-8"; now
/// it is detected and opens. Damaged UTF-8, and a file that is not valid in the encoding the
/// project names for it, are still refused with the offset of the first bad byte and advice.
#[test]
fn non_utf8_document_names_the_first_bad_byte() {
    // Detectable: Latin-1 opens (it used to be refused at byte 3).
    let latin = Document::from_bytes("latin1.txt", b"Caf\xe9 au lait".to_vec()).unwrap();
    assert_eq!(latin.text(), "Café au lait");
    // The offset counts the BOM: it is an offset in the file the user will open in a hex editor.
    let err = Document::from_bytes("bom.txt", b"\xEF\xBB\xBFab\xff".to_vec()).unwrap_err();
    assert!(
        matches!(err, DocumentError::NotUtf8 { byte_offset: 5, .. }),
        "{err:?}"
    );
    // A truncated multi-byte char at the very end.
    let mut bytes = "Қазақ".as_bytes().to_vec();
    bytes.pop();
    let err = Document::from_bytes("cut.txt", bytes).unwrap_err();
    assert!(
        matches!(err, DocumentError::NotUtf8 { byte_offset: 8, .. }),
        "{err:?}"
    );

    let dir = sample_project();
    write(
        &dir.path().join("cp1256.ar.txt"),
        b"\xe3\xd1\xcd\xc8\xc7 windows-1256",
    );
    // Shift_JIS with a lead byte followed by a space: not valid Shift_JIS.
    write(&dir.path().join("bad.ja.txt"), b"abc\x82\xa0\x81 def");
    write(
        &dir.path().join("accord.ron"),
        format!(
            "(format: 1, name: \"bad\", documents: [(file: {ZH:?}), (file: \"cp1256.ar.txt\", language: Some(\"ar\")), \
             (file: \"bad.ja.txt\", encoding: Some(\"shift_jis\")), (file: {AR:?}, encoding: Some(\"no-such\"))])"
        )
        .as_bytes(),
    );
    let before = folder_bytes(dir.path());
    let project = Project::open(dir.path()).unwrap();
    let arabic = project.documents[1]
        .doc()
        .expect("windows-1256 is detected");
    assert_eq!(arabic.text(), "مرحبا windows-1256");
    assert_eq!(arabic.encoding(), "windows-1256");
    let err = project.documents[2].document.as_ref().unwrap_err();
    assert!(
        matches!(err, DocumentError::Undecodable { byte_offset: 5, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("bad.ja.txt") && message.contains("not valid Shift_JIS"),
        "{message}"
    );
    assert!(
        message.contains("encoding: Some(") && message.contains("accord.ron"),
        "{message}"
    );
    assert!(!message.contains("iconv"), "{message}");
    let err = project.documents[3].document.as_ref().unwrap_err();
    assert!(
        matches!(err, DocumentError::UnknownEncoding { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("\"no-such\"") && err.to_string().contains(AR),
        "{err}"
    );
    assert!(
        project.documents[0].doc().is_some(),
        "the other document still opens"
    );

    let ws = exercise(dir.path());
    assert!(matches!(
        ws.doc_state(DocId(2)).status,
        StoreStatus::NoDocument(_)
    ));
    assert_eq!(ws.doc_state(DocId(0)).status, StoreStatus::Editable);
    assert_eq!(ws.doc_state(DocId(1)).status, StoreStatus::Editable);
    assert_kept(&before, dir.path());
    assert!(!ws.project.annotation_path("alice", "bad.ja.txt").exists());
    let report = accord::validate::validate(dir.path()).unwrap();
    for file in ["bad.ja.txt", AR] {
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.file == file && f.kind == accord::validate::FindingKind::BadEncoding),
            "{file}: {:#?}",
            report.findings
        );
    }
}

#[test]
fn binary_and_empty_documents_are_refused_and_the_rest_opens() {
    let err = Document::from_bytes("a.zip", b"PK\x03\x04\x00\x00".to_vec()).unwrap_err();
    assert!(
        matches!(err, DocumentError::Binary { byte_offset: 4, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("a.zip") && err.to_string().contains("binary"),
        "{err}"
    );
    // UTF-16 is "binary" too (it is full of NUL bytes), and says so rather than "not UTF-8".
    let utf16: Vec<u8> = "hi".encode_utf16().flat_map(u16::to_le_bytes).collect();
    assert!(matches!(
        Document::from_bytes("u16.txt", utf16),
        Err(DocumentError::Binary { byte_offset: 1, .. })
    ));
    assert!(matches!(
        Document::from_bytes("e.txt", vec![]),
        Err(DocumentError::Empty { .. })
    ));
    assert!(matches!(
        Document::from_bytes("e.txt", b"\xEF\xBB\xBF".to_vec()),
        Err(DocumentError::Empty { .. })
    ));

    let dir = sample_project();
    write(
        &dir.path().join("image.txt"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    );
    write(&dir.path().join("empty.txt"), b"");
    write(
        &dir.path().join("accord.ron"),
        project_file(&["image.txt", "empty.txt", AR]).as_bytes(),
    );
    let before = folder_bytes(dir.path());
    let project = Project::open(dir.path()).unwrap();
    let binary = project.documents[0].document.as_ref().unwrap_err();
    assert!(
        matches!(binary, DocumentError::Binary { byte_offset: 8, .. }),
        "{binary:?}"
    );
    let empty = project.documents[1].document.as_ref().unwrap_err();
    assert!(matches!(empty, DocumentError::Empty { .. }), "{empty:?}");
    assert!(
        empty.to_string().contains("empty.txt")
            && empty.to_string().contains("nothing to annotate"),
        "{empty}"
    );

    let mut ws = exercise(dir.path());
    assert!(matches!(
        ws.apply(vec![(DocId(0), add_event(CharRange::new(0, 1)))]),
        Err(WorkspaceError::Locked { .. })
    ));
    ws.apply(vec![(DocId(2), add_event(CharRange::new(0, 3)))])
        .expect("the good document is editable");
    assert_kept(&before, dir.path());
    assert!(!ws.project.annotation_path("alice", "image.txt").exists());
    assert!(!ws.project.annotation_path("alice", "empty.txt").exists());
}

/// Corrupts line `line` of an annotation file by replacing `from` with `to` there.
fn corrupt_line(path: &Path, line: usize, from: &str, to: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let at = lines[line - 1]
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} not on line {line}: {:?}", lines[line - 1]));
    let column = lines[line - 1][..at].chars().count() + 1;
    lines[line - 1] = lines[line - 1].replacen(from, to, 1);
    std::fs::write(path, lines.join("\n")).unwrap();
    (line, column)
}

fn line_of(path: &Path, needle: &str) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    1 + text
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in {text}"))
}

#[test]
fn corrupt_annotation_file_gives_line_and_column_and_is_never_overwritten() {
    let (dir, zh_path, ar_path) = annotated_sample_project();
    // A label whose opening quote was deleted: `label: EVENT",`.
    let line = line_of(&zh_path, "label: \"EVENT\"");
    let (line, column) = corrupt_line(&zh_path, line, "\"EVENT\"", "EVENT\"");
    let err = AnnotationFile::load(&zh_path).unwrap_err();
    let StoreError::Parse {
        path,
        line: l,
        column: c,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(path, &zh_path);
    assert_eq!(*l, line, "{err}");
    assert!(
        *c >= column && *c <= column + 6,
        "column {c}, the error starts at {column}: {err}"
    );
    let message = err.to_string();
    assert!(message.contains(&format!("{ZH}.ron:{line}:")), "{message}");
    assert!(
        message.contains("restore it from version control"),
        "{message}"
    );

    // A missing colon on a line full of Arabic.
    let text = std::fs::read_to_string(&ar_path).unwrap();
    let arabic_line = line_of(&ar_path, "text: \"");
    let broken = text.replacen("text: \"", "text \"", 1);
    std::fs::write(&ar_path, &broken).unwrap();
    let err = AnnotationFile::load(&ar_path).unwrap_err();
    assert!(
        matches!(err, StoreError::Parse { line, .. } if line == arabic_line),
        "{err:?}"
    );

    let before = folder_bytes(dir.path());
    let mut ws = exercise(dir.path());
    let zh = ws.project.document_index(ZH).unwrap();
    let StoreStatus::Locked(reason) = &ws.doc_state(zh).status else {
        panic!("{:?}", ws.doc_state(zh).status)
    };
    assert!(
        reason.contains(&format!("{ZH}.ron")) && reason.contains("Nothing will be written"),
        "{reason}"
    );
    assert!(matches!(
        ws.apply(vec![(zh, add_event(CharRange::new(0, 1)))]),
        Err(WorkspaceError::Locked { .. })
    ));
    assert_kept(&before, dir.path());
}

#[test]
fn newer_and_unknown_formats_are_refused_and_kept() {
    let (dir, zh_path, ar_path) = annotated_sample_project();
    let text = std::fs::read_to_string(&zh_path).unwrap();
    assert!(text.contains("format: 2,"));
    // A newer Accord may add fields this one does not know: still "newer", not "corrupt".
    let newer = text.replacen("format: 2,", "format: 3,\n    colour_scheme: Dark,", 1);
    std::fs::write(&zh_path, &newer).unwrap();
    let err = AnnotationFile::load(&zh_path).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NewerFormat {
                found: 3,
                supported: 2,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("update Accord") && err.to_string().contains(ZH),
        "{err}"
    );

    std::fs::write(
        &ar_path,
        std::fs::read_to_string(&ar_path)
            .unwrap()
            .replacen("format: 2,", "format: 0,", 1),
    )
    .unwrap();
    assert!(matches!(
        AnnotationFile::load(&ar_path),
        Err(StoreError::UnknownFormat { found: 0, .. })
    ));

    let before = folder_bytes(dir.path());
    let ws = exercise(dir.path());
    for doc in [ZH, AR] {
        let d = ws.project.document_index(doc).unwrap();
        assert!(
            matches!(ws.doc_state(d).status, StoreStatus::Locked(_)),
            "{doc}: {:?}",
            ws.doc_state(d).status
        );
    }
    assert_kept(&before, dir.path());
}

#[test]
fn duplicate_ids_and_non_utf8_annotation_files_lock_the_document() {
    let (dir, zh_path, ar_path) = annotated_sample_project();
    let text = std::fs::read_to_string(&zh_path).unwrap();
    assert!(text.contains("id: 2,"), "{text}");
    let dup = text.replacen("id: 2,", "id: 1,", 1);
    std::fs::write(&zh_path, &dup).unwrap();
    let err = AnnotationFile::load(&zh_path)
        .unwrap()
        .into_store(&zh_path)
        .unwrap_err();
    assert!(
        matches!(err, StoreError::DuplicateId { id: 1, .. }),
        "{err:?}"
    );
    let mut bytes = std::fs::read(&ar_path).unwrap();
    bytes.extend_from_slice(b"// \xff\n");
    std::fs::write(&ar_path, &bytes).unwrap();
    assert!(matches!(
        AnnotationFile::load(&ar_path),
        Err(StoreError::Io { action: "read", .. })
    ));

    let before = folder_bytes(dir.path());
    let ws = exercise(dir.path());
    for doc in [ZH, AR] {
        let d = ws.project.document_index(doc).unwrap();
        assert!(
            matches!(ws.doc_state(d).status, StoreStatus::Locked(_)),
            "{doc}"
        );
    }
    assert_kept(&before, dir.path());
}

/// Changed behaviour: a document edited after it was annotated used to open read-only. Now it
/// opens editable, the annotations that no longer match are flagged, re-anchoring moves them
/// as one undoable step, and nothing is written until a save, which then stamps the new
/// document.
#[test]
fn a_document_edited_after_annotation_opens_with_flagged_annotations() {
    let (dir, zh_path, ar_path) = annotated_sample_project();
    let doc_path = dir.path().join(ZH);
    let mut text = std::fs::read_to_string(&doc_path).unwrap();
    text.insert_str(0, "新标题\n");
    std::fs::write(&doc_path, text).unwrap();

    let before = folder_bytes(dir.path());
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let zh = ws.project.document_index(ZH).unwrap();
    let ar = ws.project.document_index(AR).unwrap();
    assert_eq!(ws.doc_state(zh).status, StoreStatus::Editable);
    let change = ws
        .doc_state(zh)
        .changed
        .clone()
        .expect("the change is noted");
    let reason = change.to_string();
    assert!(
        reason.contains(ZH) && reason.contains("changed since it was annotated"),
        "{reason}"
    );
    assert!(
        reason.contains("2 annotation(s) no longer match") && reason.contains("re-anchor"),
        "{reason}"
    );
    assert!(ws.doc_state(ar).changed.is_none());
    assert_eq!(ws.store(zh).len(), 2, "the annotations are still shown");
    let flagged = ws.flagged(zh);
    assert_eq!(flagged.len(), 2);
    assert!(ws.flagged(ar).is_empty());
    let old = crate::common::snapshot(ws.store(zh));

    // Nothing is written by opening, or by saving what did not change.
    ws.save_all();
    assert_eq!(crate::common::project_bytes(dir.path()), before);

    let plan = ws.reanchor(zh).unwrap();
    assert_eq!(plan.moved.len(), 2, "{plan:?}");
    assert!(plan.unplaced.is_empty());
    for m in &plan.moved {
        assert_eq!(m.to[0].start, m.from[0].start + 4, "{m:?}");
    }
    assert!(ws.flagged(zh).is_empty());
    let moved = crate::common::snapshot(ws.store(zh));
    // One undo takes the whole re-anchor back, exactly; redo does it again.
    assert!(ws.undo().unwrap());
    assert_eq!(crate::common::snapshot(ws.store(zh)), old);
    assert_eq!(ws.flagged(zh), flagged);
    assert!(ws.redo().unwrap());
    assert_eq!(crate::common::snapshot(ws.store(zh)), moved);

    // A step touching a good document and a refused edit is refused as a whole.
    let good_before = crate::common::snapshot(ws.store(ar));
    assert!(
        ws.apply(vec![
            (ar, add_event(CharRange::new(20, 25))),
            (zh, add_event(CharRange::new(0, 0)))
        ])
        .is_err()
    );
    assert_eq!(crate::common::snapshot(ws.store(ar)), good_before);

    // Saving stamps the new document: the file is valid again.
    for (_, r) in ws.save_all() {
        r.unwrap();
    }
    assert!(ws.doc_state(zh).changed.is_none());
    let saved = AnnotationFile::load(&zh_path).unwrap();
    let doc = ws.document(zh).unwrap();
    assert!(saved.document.matches(doc));
    let report = accord::validate::validate(dir.path()).unwrap();
    assert!(report.is_clean(), "{:#?}", report.findings);
    assert_eq!(
        std::fs::read(&ar_path).unwrap(),
        before[Path::new("annotations/alice")
            .join(format!("{AR}.ron"))
            .as_path()]
    );
}

#[test]
fn documents_outside_the_project_are_refused_and_the_rest_works() {
    let dir = sample_project();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("x.txt");
    write(&secret, "outside text\n".as_bytes());
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    write(
        &dir.path().join("sub/inside.txt"),
        "inside a sub-folder\n".as_bytes(),
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, dir.path().join("link.txt")).unwrap();
    let absolute = secret.to_string_lossy().into_owned();
    let mut files = vec![
        "../x.txt",
        absolute.as_str(),
        "sub/../../x.txt",
        ZH,
        "sub/inside.txt",
    ];
    if cfg!(unix) {
        files.push("link.txt");
    }
    write(
        &dir.path().join("accord.ron"),
        project_file(&files).as_bytes(),
    );
    let before = folder_bytes(dir.path());
    let outside_before = folder_bytes(outside.path());

    let project = Project::open(dir.path()).unwrap();
    for (i, file) in files.iter().enumerate() {
        let slot = &project.documents[i];
        if [ZH, "sub/inside.txt"].contains(file) {
            assert!(slot.doc().is_some(), "{file}: {:?}", slot.document);
            continue;
        }
        let err = slot.document.as_ref().unwrap_err();
        assert!(
            matches!(err, DocumentError::File(FsError::Outside { .. })),
            "{file}: {err:?}"
        );
        let message = err.to_string();
        assert!(
            message.contains(file) && message.contains("outside the project"),
            "{message}"
        );
        assert!(
            message.contains("move the file into the project"),
            "{message}"
        );
    }

    let mut ws = exercise(dir.path());
    let zh = ws.project.document_index(ZH).unwrap();
    let inside = ws.project.document_index("sub/inside.txt").unwrap();
    assert!(matches!(
        ws.apply(vec![(DocId(0), add_event(CharRange::new(0, 1)))]),
        Err(WorkspaceError::Locked { .. })
    ));
    assert_kept(&before, dir.path());
    let written: Vec<PathBuf> = folder_bytes(&dir.path().join("annotations/alice"))
        .into_keys()
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    assert_eq!(
        written.len(),
        2,
        "only the two good documents get annotation files: {written:?}"
    );
    assert_eq!(
        folder_bytes(outside.path()),
        outside_before,
        "nothing is written outside the project"
    );

    ws.apply(vec![
        (zh, add_event(CharRange::new(0, 5))),
        (inside, add_event(CharRange::new(0, 6))),
    ])
    .unwrap();
    for (_, r) in ws.save_all() {
        r.unwrap();
    }
    let reopened = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    assert_eq!(reopened.store(zh).len(), 1);
    assert_eq!(reopened.store(inside).len(), 1);
    assert_eq!(folder_bytes(outside.path()), outside_before);
    let report = accord::validate::validate(dir.path()).unwrap();
    let outside_findings = report
        .findings
        .iter()
        .filter(|f| f.kind == accord::validate::FindingKind::OutsideProject)
        .count();
    assert_eq!(outside_findings, files.len() - 2, "{:#?}", report.findings);
}

#[test]
fn a_failed_save_keeps_the_old_file_reports_the_error_and_can_be_retried() {
    let (dir, zh_path, _) = annotated_sample_project();
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let zh = ws.project.document_index(ZH).unwrap();
    ws.apply(vec![(zh, add_event(CharRange::new(20, 24)))])
        .unwrap();
    assert!(ws.doc_state(zh).is_dirty());

    // Root ignores permissions, so block the write with what stops root too: a non-empty
    // folder where the file goes (rename cannot replace it).
    let old = std::fs::read(&zh_path).unwrap();
    std::fs::remove_file(&zh_path).unwrap();
    std::fs::create_dir(&zh_path).unwrap();
    write(&zh_path.join("keep.txt"), &old);
    let annotator_dir = zh_path.parent().unwrap().to_path_buf();
    let before = folder_bytes(&annotator_dir);

    let err = ws.save(zh).unwrap_err();
    assert!(
        matches!(&err, StoreError::File(FsError::NotAFile { path, .. }) if path == &zh_path),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("is a folder, not a file")
            && err.to_string().contains(&format!("{ZH}.ron")),
        "{err}"
    );
    assert!(ws.doc_state(zh).is_dirty(), "the edits are still unsaved");
    let results = ws.save_all();
    assert_eq!(results.len(), 1);
    assert!(results[0].1.is_err());
    assert_eq!(
        folder_bytes(&annotator_dir),
        before,
        "a failed save changed files or left a temporary file"
    );

    // With the folder gone, so is the file this workspace loaded: a change on disk, which is
    // never overwritten without the user's word (tests/core_disk.rs); kept, it saves.
    std::fs::remove_dir_all(&zh_path).unwrap();
    assert!(matches!(ws.save(zh), Err(StoreError::ChangedOnDisk { .. })));
    ws.resolve(WorkspaceFile::Doc(zh), Resolution::KeepMine)
        .unwrap();
    ws.save(zh).unwrap();
    assert!(!ws.doc_state(zh).is_dirty());
    let reloaded = AnnotationFile::load(&zh_path).unwrap();
    assert_eq!(reloaded.annotations.len(), 3);
}

/// Without root, a read-only annotations folder is the everyday failure: the old file stays.
#[cfg(unix)]
#[test]
fn a_save_into_a_read_only_folder_keeps_the_old_file() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, zh_path, _) = annotated_sample_project();
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let zh = ws.project.document_index(ZH).unwrap();
    ws.apply(vec![(zh, add_event(CharRange::new(20, 24)))])
        .unwrap();
    let folder = zh_path.parent().unwrap();
    let old = std::fs::read(&zh_path).unwrap();
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    let probe = folder.join("probe");
    if std::fs::write(&probe, b"").is_ok() {
        // Root (or CAP_DAC_OVERRIDE): permissions do not stop writes; the test above covers it.
        std::fs::remove_file(&probe).unwrap();
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    let result = ws.save(zh);
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(
        matches!(
            result,
            Err(StoreError::Io {
                action: "write",
                ..
            })
        ),
        "{result:?}"
    );
    assert_eq!(std::fs::read(&zh_path).unwrap(), old);
    assert_eq!(
        std::fs::read_dir(folder).unwrap().count(),
        2,
        "no temporary file left"
    );
}

#[test]
fn a_document_listed_twice_is_used_once_so_two_stores_never_share_a_file() {
    let dir = sample_project();
    let root = dir.path();
    write(
        &root.join("accord.ron"),
        project_file(&[ZH, AR, &format!("./{ZH}")]).as_bytes(),
    );
    let mut ws = Workspace::open(Project::open(root).unwrap(), "alice");
    assert!(matches!(
        ws.project.documents[2].document,
        Err(DocumentError::ListedTwice { .. })
    ));
    // Looked up by its file, the document is its first listing.
    assert_eq!(ws.project.document_index(ZH), Some(DocId(0)));
    assert_eq!(ws.project.document_index(AR), Some(DocId(1)));
    assert_eq!(ws.project.document_index("elsewhere.txt"), None);
    assert!(matches!(
        ws.doc_state(DocId(2)).status,
        StoreStatus::NoDocument(_)
    ));
    assert!(
        ws.apply(vec![(DocId(2), add_event(CharRange::new(0, 3)))])
            .is_err()
    );
    ws.apply(vec![(DocId(0), add_event(CharRange::new(0, 3)))])
        .unwrap();
    for (_, r) in ws.save_all() {
        r.unwrap();
    }
    let saved = AnnotationFile::load(&ws.project.annotation_path("alice", ZH)).unwrap();
    assert_eq!(saved.annotations.len(), 1);
    let report = accord::validate::validate(root).unwrap();
    assert!(
        report.findings.iter().any(
            |f| f.kind == accord::validate::FindingKind::DuplicateDocument
                && f.message.contains("listed twice")
        ),
        "{:?}",
        report.findings
    );
}

#[test]
fn an_annotator_name_that_leaves_the_project_never_writes() {
    let dir = sample_project();
    let before = folder_bytes(dir.path());
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "../escape");
    assert!(matches!(
        ws.doc_state(DocId(0)).status,
        StoreStatus::Locked(_)
    ));
    assert!(matches!(
        ws.apply(vec![(DocId(0), add_event(CharRange::new(0, 3)))]),
        Err(WorkspaceError::Locked { .. })
    ));
    assert!(
        ws.apply(vec![(DocId(99), add_event(CharRange::new(0, 3)))])
            .is_err(),
        "no panic on a bad index"
    );
    let _ = ws.save_all();
    assert_eq!(folder_bytes(dir.path()), before);
    assert!(!dir.path().parent().unwrap().join("escape").exists());
}

#[test]
fn a_date_that_is_not_a_date_is_reported_and_the_project_still_opens() {
    let dir = sample_project();
    let root = dir.path();
    write(
        &root.join("accord.ron"),
        format!(
            "(format: 1, name: \"dates\", documents: [(file: {ZH:?}, date: Some(\"20 May\")), \
             (file: {AR:?}, date: Some(\"--08-25\"))])\n"
        )
        .as_bytes(),
    );
    let project = Project::open(root).unwrap();
    assert_eq!(project.documents[0].entry.when(), None);
    assert_eq!(
        project.documents[1].entry.when().map(|d| d.to_string()),
        Some("--08-25".to_owned())
    );
    let report = accord::validate::validate(root).unwrap();
    let dates: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.kind == accord::validate::FindingKind::BadDate)
        .collect();
    assert_eq!(dates.len(), 1, "{:?}", report.findings);
    assert_eq!(dates[0].file, "accord.ron");
    assert!(dates[0].message.contains(ZH) && dates[0].message.contains("\"20 May\""));
}

#[test]
fn a_document_over_the_size_limit_is_refused_without_being_read() {
    let dir = sample_project();
    // 300 MB, sparse: nothing is written to the disk.
    let big = std::fs::File::create(dir.path().join("huge.txt")).unwrap();
    big.set_len(300_000_000).unwrap();
    write(
        &dir.path().join("accord.ron"),
        project_file(&["huge.txt", ZH]).as_bytes(),
    );
    let project = Project::open(dir.path()).unwrap();
    let err = project.documents[0].document.as_ref().unwrap_err();
    assert!(
        matches!(
            err,
            DocumentError::File(FsError::TooLarge {
                size: 300_000_000,
                ..
            })
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("huge.txt")
            && message.contains(&accord::model::MAX_DOCUMENT_BYTES.to_string())
            && message.contains("split it"),
        "{message}"
    );
    assert!(project.documents[1].doc().is_some());
    let report = accord::validate::validate(dir.path()).unwrap();
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.file == "huge.txt" && f.kind == accord::validate::FindingKind::TooLarge),
        "{:#?}",
        report.findings
    );
}

/// A NUL byte makes a file binary; a BOM and CRLF line endings are text (offsets start after the
/// BOM; CRLF is two chars).
#[test]
fn nul_bytes_bom_and_crlf_documents() {
    let err = Document::from_bytes("nul.txt", b"line one\nline\0two\n".to_vec()).unwrap_err();
    assert!(
        matches!(
            err,
            DocumentError::Binary {
                byte_offset: 13,
                ..
            }
        ),
        "{err:?}"
    );
    let doc = Document::from_bytes("crlf.txt", b"\xEF\xBB\xBFab\r\ncd\r\n".to_vec()).unwrap();
    assert_eq!(doc.text(), "ab\r\ncd\r\n");
    assert_eq!(doc.len_chars(), 8);
    assert!(doc.had_bom());
    assert_eq!(doc.paragraph_starts(), &[0, 4]);
}

/// The document file is deleted (or replaced) while the project is open: the text in memory is
/// what the annotations refer to, editing and saving go on, and `validate` reports the file.
#[test]
fn a_document_that_disappears_while_open_keeps_working_until_closed() {
    let (dir, zh_path, _) = annotated_sample_project();
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let zh = ws.project.document_index(ZH).unwrap();
    std::fs::remove_file(dir.path().join(ZH)).unwrap();
    ws.apply(vec![(zh, add_event(CharRange::new(20, 24)))])
        .unwrap();
    for (_, r) in ws.save_all() {
        r.unwrap();
    }
    assert_eq!(AnnotationFile::load(&zh_path).unwrap().annotations.len(), 3);
    // The annotation file disappearing too, with changes unsaved here: a change on disk that
    // is not overwritten silently (see tests/core_disk.rs); once the user chooses to keep
    // the version here, the next save writes it again.
    std::fs::remove_file(&zh_path).unwrap();
    ws.apply(vec![(zh, add_event(CharRange::new(30, 34)))])
        .unwrap();
    assert!(matches!(ws.save(zh), Err(StoreError::ChangedOnDisk { .. })));
    assert!(!zh_path.exists());
    ws.resolve(WorkspaceFile::Doc(zh), Resolution::KeepMine)
        .unwrap();
    for (_, r) in ws.save_all() {
        r.unwrap();
    }
    assert_eq!(AnnotationFile::load(&zh_path).unwrap().annotations.len(), 4);
    drop(ws);
    // Opened again, the document is missing: its slot says so, the annotation file is kept.
    let before = folder_bytes(dir.path());
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    assert!(
        ws.apply(vec![(zh, add_event(CharRange::new(1, 2)))])
            .is_err()
    );
    let _ = ws.save(zh);
    assert!(matches!(
        &ws.doc_state(zh).status,
        StoreStatus::NoDocument(reason) if reason.contains(ZH) && reason.contains("cannot read")
    ));
    assert_kept(&before, dir.path());
}

/// A project folder that cannot be written: the annotator's lock cannot be taken and nothing
/// could be saved, so everything opens read-only and says why; nothing is written.
#[test]
fn a_read_only_project_folder_opens_read_only() {
    let (dir, _, _) = annotated_sample_project();
    // What stops root too: `annotations/` is a file where the lock would go in a sub-folder…
    let blocked = sample_project();
    write(&blocked.path().join("annotations"), b"not a folder");
    let before = folder_bytes(blocked.path());
    let mut ws = Workspace::open(Project::open(blocked.path()).unwrap(), "alice");
    assert!(ws.lock().is_err());
    let StoreStatus::Locked(reason) = &ws.doc_state(DocId(0)).status else {
        panic!("{:?}", ws.doc_state(DocId(0)).status)
    };
    assert!(
        reason.contains("cannot take the lock") && reason.contains("read-only"),
        "{reason}"
    );
    assert!(matches!(
        ws.apply(vec![(DocId(0), add_event(CharRange::new(0, 3)))]),
        Err(WorkspaceError::Locked { .. })
    ));
    let _ = ws.save_all();
    drop(ws);
    assert_eq!(folder_bytes(blocked.path()), before);

    // …and, for everyone but root, a folder without write permission.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let annotations = dir.path().join("annotations");
        std::fs::set_permissions(&annotations, std::fs::Permissions::from_mode(0o555)).unwrap();
        let probe = annotations.join("probe");
        let root_user = std::fs::write(&probe, b"").is_ok();
        if !root_user {
            let before = folder_bytes(dir.path());
            let ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
            let zh = ws.project.document_index(ZH).unwrap();
            assert!(matches!(ws.doc_state(zh).status, StoreStatus::Locked(_)));
            assert_eq!(ws.store(zh).len(), 2, "the annotations are shown");
            drop(ws);
            assert_eq!(folder_bytes(dir.path()), before);
        } else {
            std::fs::remove_file(&probe).unwrap();
        }
        std::fs::set_permissions(&annotations, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// A full disk during a save (simulated: see `project_dir::atomic`'s tests for the write itself) is
/// reported as such, with what to do.
#[test]
fn a_full_disk_is_reported_with_what_to_do() {
    let err = StoreError::Io {
        action: "write",
        path: PathBuf::from("annotations/alice/a.txt.ron"),
        source: std::io::Error::from(std::io::ErrorKind::StorageFull),
    };
    let message = err.to_string();
    assert!(
        message.contains("a.txt.ron")
            && message.contains("disk is full")
            && message.contains("still in memory")
            && message.contains("free some space"),
        "{message}"
    );
}

/// Annotation files over the limits are refused, by both readers, naming the file, the limit and
/// what to do; deep nesting is an error, not a crash.
#[test]
fn annotation_files_over_the_limits_are_refused() {
    let (dir, zh_path, ar_path) = annotated_sample_project();
    let text = std::fs::read_to_string(&zh_path).unwrap();
    let one = "(start: 0, end: 5, text: \"x\")";
    let many = vec![one; accord::store::file::MAX_FRAGMENTS + 1].join(", ");
    let first = text.find("fragments: [").unwrap() + "fragments: [".len();
    let end = first + text[first..].find(']').unwrap();
    let over = format!("{}{many}{}", &text[..first], &text[end..]);
    std::fs::write(&zh_path, &over).unwrap();
    for err in [
        AnnotationFile::load(&zh_path).unwrap_err(),
        AnnotationFile::load_store(&zh_path).unwrap_err(),
        accord::store::file::parse_annotation_file(&over, &zh_path).unwrap_err(),
    ] {
        assert!(
            matches!(&err, StoreError::TooMany { found, .. } if *found == accord::store::file::MAX_FRAGMENTS + 1),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(
            message.contains(&format!("{ZH}.ron"))
                && message.contains("fragments in annotation #")
                && message.contains(&accord::store::file::MAX_FRAGMENTS.to_string())
                && message.contains("restore it from version control"),
            "{message}"
        );
    }

    // Larger than the file limit (sparse): refused before reading.
    let big = std::fs::OpenOptions::new()
        .write(true)
        .open(&ar_path)
        .unwrap();
    big.set_len(accord::store::file::MAX_FILE_BYTES + 1)
        .unwrap();
    let err = AnnotationFile::load_store(&ar_path).unwrap_err();
    assert!(matches!(err, StoreError::TooLarge { .. }), "{err:?}");
    assert!(err.to_string().contains(&format!("{AR}.ron")), "{err}");

    // Nested far too deep, in an annotation file and in a project file.
    let deep = format!(
        "(format: 1, document: (file: \"a\", sha256: \"b\", chars: 1), annotator: \"alice\", next_id: 1, x: {}{})",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(matches!(
        accord::store::file::parse_annotation_file(&deep, &zh_path),
        Err(StoreError::Parse { .. })
    ));
    let root = sample_project();
    write(
        &root.path().join("accord.ron"),
        format!("(name: \"x\", documents: [], y: {})", "(".repeat(100_000)).as_bytes(),
    );
    assert!(matches!(
        Project::open(root.path()),
        Err(accord::project::ProjectError::Parse { .. })
    ));

    let before = folder_bytes(dir.path());
    let ws = exercise(dir.path());
    for doc in [ZH, AR] {
        let d = ws.project.document_index(doc).unwrap();
        assert!(matches!(ws.doc_state(d).status, StoreStatus::Locked(_)));
    }
    drop(ws);
    assert_kept(&before, dir.path());
}

#[test]
fn a_project_file_listing_too_many_documents_is_refused() {
    let dir = sample_project();
    let entries = vec!["(file: \"a.txt\")"; accord::project::MAX_DOCUMENTS + 1].join(",");
    write(
        &dir.path().join("accord.ron"),
        format!("(name: \"x\", documents: [{entries}])").as_bytes(),
    );
    let err = Project::open(dir.path()).unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(err, accord::project::ProjectError::TooLarge { .. })
            && message.contains("accord.ron")
            && message.contains("documents"),
        "{message}"
    );
}

/// `accord validate` reads a team's annotation files a chunk at a time (so that 10,000
/// documents are not all in memory at once): every file is still checked, and the findings
/// of files in later chunks come out, in file order.
#[test]
fn validate_checks_every_file_of_a_large_team_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let text = "Astana is the capital.\n";
    let doc = Document::from_text("x.txt", text);
    let names: Vec<String> = (0..700).map(|i| format!("doc{i:04}.txt")).collect();
    let listed: Vec<&str> = names.iter().map(String::as_str).collect();
    write(&root.join("accord.ron"), project_file(&listed).as_bytes());
    let bad = [300, 699];
    for (i, name) in names.iter().enumerate() {
        write(&root.join(name), text.as_bytes());
        let label = if bad.contains(&i) {
            "NO_SUCH_LABEL"
        } else {
            "LOCATION"
        };
        let ron = format!(
            "(format: 1, document: (file: {name:?}, sha256: {:?}, chars: {}), annotator: \"alice\", next_id: 2, annotations: [(id: 1, label: {label:?}, fragments: [(start: 0, end: 6, text: \"Astana\")], author: \"alice\", created: \"2026-12-06T00:00:00Z\", modified: \"2026-12-06T00:00:00Z\")])\n",
            doc.sha256(),
            doc.len_chars()
        );
        write(
            &root.join(format!("annotations/alice/{name}.ron")),
            ron.as_bytes(),
        );
    }
    let report = accord::validate::validate(root).unwrap();
    assert_eq!(report.files_checked, 700);
    assert_eq!(report.annotations_checked, 700);
    let files: Vec<&str> = report.findings.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(
        files,
        [
            "annotations/alice/doc0300.txt.ron",
            "annotations/alice/doc0699.txt.ron"
        ],
        "{:?}",
        report.findings
    );
}
