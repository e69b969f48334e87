//! Helpers shared by the integration tests: sample documents, synthetic documents that
//! stress offsets and escaping, temporary projects, whole-folder snapshots, and git.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use accord::model::{Annotation, Document, Link, Timestamp};
use accord::store::AnnotationStore;

/// The repository's `sample_docs/` folder.
pub fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs")
}

/// Every `sample_docs/*.txt`, sorted by name.
pub fn sample_paths() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(sample_dir())
        .expect("sample_docs/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 5, "the five sample documents: {paths:?}");
    paths
}

/// Every sample document, opened as the app opens it.
pub fn sample_documents() -> Vec<Document> {
    sample_paths()
        .iter()
        .map(|p| Document::open(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect()
}

/// Synthetic documents: astral chars, Arabic with harakat, CRLF line endings, and every
/// ASCII control char (but NUL, which makes a file binary) next to quotes, backslashes and
/// raw-string look-alikes.
pub fn synthetic_documents() -> Vec<Document> {
    let astral = "Smile 😊 and 𠀀 (U+20000), 😊😊 twice; 𝄞 clef, 👩‍👩‍👧 family.\n\
                  Second line 𠀀𠀁𠀂 ends with 😊\n"
        .repeat(3);
    let arabic = "كَتَبَ الوَلَدُ الدَّرْسَ.\n\
                  قالَ الرَّئِيسُ إِمامُ عَلِي رَحْمان: «نَحْنُ شُرَكاءُ».\n\
                  عام ٢٠٢٤، ومبلغ ٢ مليار دولار.\n";
    let crlf = "First line\r\nSecond line, Қазақстан\r\n\r\n中文 第三行\r\nلا CR at the end";
    let mut controls: String = (1u8..0x20).map(char::from).collect();
    controls.push('\u{7f}');
    let tricky = format!(
        "Quotes \"double\" and 'single', back\\slash \\\\ and \\\" escaped-looking,\n\
         raw-looking r#\"x\"# and \"## hash runs ### after \"###, tab\there, lone\rCR,\r\n\
         controls [{controls}] end, line sep \u{2028} para sep \u{2029} nbsp \u{a0},\n\
         zwj a\u{200d}b zwnj \u{200c} rlm \u{200f} lrm \u{200e} bom-in-text \u{feff}.\n\
         trailing quote\" and trailing backslash\\\n"
    );
    vec![
        Document::from_text("astral.txt", astral),
        Document::from_text("harakat.ar.txt", arabic),
        Document::from_text("crlf.txt", crlf),
        Document::from_text("controls.txt", tricky),
    ]
}

/// A fixed time, so files written by tests are reproducible.
pub fn fixed_now() -> Timestamp {
    Timestamp("2026-11-23T15:10:00Z".to_owned())
}

/// Everything a user can see of a store: annotations and links (by id) and the id counter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub annotations: Vec<Annotation>,
    pub links: Vec<Link>,
    pub next_id: u64,
}

pub fn snapshot(store: &AnnotationStore) -> Snapshot {
    Snapshot {
        annotations: store.annotations().cloned().collect(),
        links: store.links().cloned().collect(),
        next_id: store.next_id(),
    }
}

/// Copies the sample project (documents, `accord.ron` and the gazetteer it names, no
/// annotations) into a fresh temporary folder. The copies are writable, whatever the
/// originals' permissions.
pub fn sample_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for entry in std::fs::read_dir(sample_dir()).expect("sample_docs/") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            let bytes = std::fs::read(&path).expect("readable sample file");
            std::fs::write(dir.path().join(path.file_name().expect("name")), bytes)
                .expect("writable temporary folder");
        }
    }
    copy_dir(
        &sample_dir().join("gazetteers"),
        &dir.path().join("gazetteers"),
    );
    dir
}

/// Every file under `root` with its bytes (symlinks are recorded by target, not followed).
pub fn folder_bytes(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("listable folder") {
            let entry = entry.expect("entry");
            let path = entry.path();
            let kind = entry.file_type().expect("file type");
            let rel = path.strip_prefix(root).expect("inside").to_path_buf();
            if kind.is_symlink() {
                let target = std::fs::read_link(&path).expect("link target");
                out.insert(rel, target.to_string_lossy().into_owned().into_bytes());
            } else if kind.is_dir() {
                out.insert(rel, b"<dir>".to_vec());
                stack.push(path);
            } else {
                out.insert(rel, std::fs::read(&path).expect("readable file"));
            }
        }
    }
    out
}

/// The char offset where `needle` first occurs in `doc`, panicking with a clear message.
pub fn char_offset_of(doc: &Document, needle: &str) -> usize {
    let byte = doc
        .text()
        .find(needle)
        .unwrap_or_else(|| panic!("{:?} not found in {}", needle, doc.file_name));
    doc.byte_to_char(byte)
}

/// A file of `tests/golden/`.
pub fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// The Chinese and Arabic sample documents' file names (the golden files annotate them).
pub const ZH: &str = "kz-tj-joint-statement.zh.txt";
/// See [`ZH`].
pub const AR: &str = "tj-kz-talks-astana.ar.txt";

/// The sample project with the golden files in place as alice's annotations and groups.
pub fn golden_project() -> tempfile::TempDir {
    let dir = sample_project();
    let alice = dir.path().join("annotations/alice");
    std::fs::create_dir_all(&alice).expect("annotations folder");
    std::fs::copy(golden("format-1.ron"), alice.join(format!("{ZH}.ron"))).expect("copy");
    std::fs::copy(golden("format-1.ar.ron"), alice.join(format!("{AR}.ron"))).expect("copy");
    std::fs::create_dir_all(dir.path().join("links")).expect("links folder");
    std::fs::copy(
        golden("links-format-1.ron"),
        dir.path().join("links/alice.ron"),
    )
    .expect("copy");
    dir
}

/// [`folder_bytes`] without the annotators' lock files (`annotations/.<annotator>.lock` and
/// `.<annotator>.lock.live`), which exist while a workspace is open: what a workspace has
/// written of the project.
pub fn project_bytes(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = folder_bytes(root);
    files.retain(|path, _| {
        !(path.starts_with("annotations")
            && path.components().count() == 2
            && path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with('.') && (n.ends_with(".lock") || n.ends_with(".lock.live"))
            }))
    });
    files
}

/// Copies folder `from` into `to` (created), every file but locks.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy");
    for entry in std::fs::read_dir(from).expect("read the folder") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else if !path.to_string_lossy().ends_with(".lock") {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// `git ARGS` in `dir`, independent of the machine's configuration and never asking for
/// anything; panics with what git said.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A newcomer's schema file: a misspelt field, a key taken twice, an attribute type that does
/// not exist, a relation to a misspelt label.
const NEWCOMERS_SCHEMA: &str = r##"(
    labels: [
        (name: "PERSON", layer: Entity, color: "#e6194b", hotkey: Some('p')),
        (name: "PLACE", layer: Entity, colour: "#3cb44b"),
        (name: "ORG", layer: Entity, color: "#4363d8", hotkey: Some('p')),
        (name: "DEAL", layer: Entity, color: "#f58231", attributes: [(name: "kind", kind: Enumm(values: ["trade"]))]),
    ],
    relations: [
        (name: "works_for", from_labels: ["PERSON"], to_labels: ["ORGG"]),
    ],
)
"##;

/// The sample's documents with `NEWCOMERS_SCHEMA` as their schema file.
pub fn project_with_newcomers_schema() -> tempfile::TempDir {
    let project = sample_project();
    std::fs::write(project.path().join("schema.ron"), NEWCOMERS_SCHEMA).unwrap();
    let file = project.path().join("accord.ron");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("    schema: Default,", "    schema: File(\"schema.ron\"),");
    std::fs::write(&file, text).unwrap();
    project
}
