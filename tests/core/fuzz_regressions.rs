//! Replays every fuzz input kept in the repository — the seed corpus (`fuzz/corpus/<target>/`)
//! and every crash the fuzzers ever found (`fuzz/regressions/<target>/`) — through the same
//! checks the fuzz targets run (`tests/fuzz/checks.rs`). A crash found once stays fixed.

use crate::checks;

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = Vec::new();
    for kind in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(kind).join(target)) else {
            continue;
        };
        files.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()));
    }
    files.sort();
    files
}

fn replay(target: &str, check: fn(&[u8])) {
    let files = inputs(target);
    assert!(!files.is_empty(), "fuzz/corpus/{target}/ has seeds");
    for path in files {
        let data = std::fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(|| check(&data));
        assert!(
            result.is_ok(),
            "{} fails the {target} check",
            path.display()
        );
    }
}

#[test]
fn annotation_file_inputs() {
    replay("annotation_file", checks::annotation_file);
}

#[test]
fn project_file_inputs() {
    replay("project_file", checks::project_file);
}

#[test]
fn document_inputs() {
    replay("document", checks::document_bytes);
}

#[test]
fn import_jsonl_inputs() {
    replay("import_jsonl", checks::import_jsonl);
}

#[test]
fn import_label_studio_inputs() {
    replay("import_label_studio", checks::import_label_studio);
}

#[test]
fn import_conll_inputs() {
    replay("import_conll", checks::import_conll);
}

#[test]
fn import_brat_inputs() {
    replay("import_brat", checks::import_brat);
}

#[test]
fn journal_inputs() {
    replay("journal", checks::journal);
}

#[test]
fn lock_inputs() {
    replay("lock", checks::lock);
}
