//! What the fuzz targets check on any input: no panic, the fast readers agree with `ron`, and
//! what an importer reads lies inside the text it read.
//! Shared by the coverage-guided targets (`fuzz/src/bin/*.rs`, run with cargo-afl) and by
//! `tests/fuzz_regressions.rs`, which replays the corpus and every crash ever found.
//!
//! Each check takes raw bytes, as a fuzzer gives them, and panics on a bug.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::path::Path;

use accord::edit::reanchor;
use accord::formats::{Format, ImportContext, Progress, SourceText, read_source_text};
use accord::model::{Annotation, Document, ReadOptions, Timestamp};
use accord::project::diff::diff_texts;
use accord::project::{ProjectFile, project_file_ron};
use accord::rules::annotation_problems;
use accord::schema::Schema;
use accord::store::AnnotationFile;
use accord::store::file::{migrate, parse_annotation_file, to_pretty_ron};
use accord::store::merge::merge_stores;
use accord::store::merge_text::merge_annotation_texts;

/// A document with several scripts, CRLF and marks, for annotations read from fuzzed files.
fn document() -> Document {
    Document::from_text(
        "fuzz.txt",
        "Tokayev met Rahmon in Astana.\r\n两国总统 在未来五年内 20亿美元\nكَتَبَ الوَلَدُ 😊 Қазақстан\n",
    )
}

/// An annotation file: the fast reader, the streaming store reader and `ron` give the same
/// result (or the same error); what is read is written back byte for byte as `ron` would and
/// reads back the same; merging and diffing its text agree; validating and re-anchoring what
/// was read does not panic.
pub fn annotation_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("fuzz.ron");
    let slow = migrate(text, path);
    let fast = parse_annotation_file(text, path);
    assert_eq!(
        fast.as_ref().map_err(ToString::to_string),
        slow.as_ref().map_err(ToString::to_string),
        "the fast reader disagrees with ron"
    );
    let streamed = AnnotationFile::parse_store(text, path);
    let by_ron = slow.as_ref().map_err(ToString::to_string).and_then(|f| {
        let f = f.clone();
        let header = (f.document.clone(), f.annotator.clone());
        f.into_store(path)
            .map(|store| (header, store))
            .map_err(|e| e.to_string())
    });
    match (&streamed, &by_ron) {
        (Ok(s), Ok(((document, annotator), store))) => {
            assert_eq!(&s.document, document);
            assert_eq!(&s.annotator, annotator);
            assert!(s.store.annotations().eq(store.annotations()));
            assert!(s.store.links().eq(store.links()));
            assert_eq!(s.store.next_id(), store.next_id());
        }
        (Err(a), Err(b)) => assert_eq!(&a.to_string(), b),
        (a, b) => panic!(
            "the store reader and ron disagree: {:?} vs {:?}",
            a.as_ref().map(|l| l.store.len()),
            b.as_ref().map(|(_, s)| s.len())
        ),
    }
    // Reading for comparison (agreement) reads what the whole read reads, and fails where it
    // fails; of what it reads, it keeps ids, labels, ranges, attributes and links.
    match (&streamed, AnnotationFile::parse_compared(text, path)) {
        (Ok(whole), Ok(compared)) => {
            assert_eq!(compared.document, whole.document);
            assert_eq!(compared.annotator, whole.annotator);
            assert!(compared.store.links().eq(whole.store.links()));
            assert_eq!(compared.store.next_id(), whole.store.next_id());
            let kept = |a: &Annotation| {
                let ranges: Vec<_> = a.fragments.iter().map(|f| (f.start, f.end)).collect();
                (
                    a.id,
                    a.label.clone(),
                    ranges,
                    a.attributes.clone(),
                    a.review.clone(),
                )
            };
            assert!(
                compared
                    .store
                    .annotations()
                    .map(kept)
                    .eq(whole.store.annotations().map(kept)),
                "reading for comparison disagrees with the whole read"
            );
        }
        (Err(whole), Err(compared)) => assert_eq!(whole.to_string(), compared.to_string()),
        (whole, compared) => panic!(
            "reading for comparison and the whole read disagree: {:?} vs {:?}",
            whole.as_ref().map(|l| l.store.len()),
            compared.map(|l| l.store.len())
        ),
    }
    // Merging and diffing texts (which read only what differs) neither panic nor fail on a
    // file that reads; merged with its own canonical form, a file that reads gives that form.
    let merged = merge_annotation_texts(Some(text), text, text, path);
    let compared = diff_texts(Some((text, path)), Some((text, path)));
    if by_ron.is_ok() {
        assert!(merged.is_ok(), "a file that reads merges");
        assert!(
            compared.is_ok_and(|c| c.is_empty()),
            "a file is the same as itself"
        );
    }
    let Ok(file) = slow else { return };
    let written = file.to_ron(path).unwrap();
    if by_ron.is_ok() {
        let canonical = merge_annotation_texts(Some(&written), &written, &written, path)
            .map(|m| m.text)
            .unwrap();
        let whole = AnnotationFile::parse_store(&written, path).unwrap();
        let store = merge_stores(&whole.store, &whole.store, &whole.store).store;
        let expected =
            AnnotationFile::store_to_ron(&store, &whole.document, &whole.annotator, path).unwrap();
        assert_eq!(
            canonical, expected,
            "a merge of texts is the merge of the stores"
        );
    }
    assert_eq!(
        written,
        to_pretty_ron(&file, path).unwrap(),
        "the fast writer disagrees with ron"
    );
    assert_eq!(
        migrate(&written, path).unwrap(),
        file,
        "what is written reads back the same"
    );

    let doc = document();
    let schema = Schema::default_schema();
    if let Ok(((_, _), store)) = by_ron {
        let label_of = |id| store.get(id).map(|a| a.label.as_str());
        for a in store.annotations() {
            let _ = annotation_problems(a, Some(&doc), &schema, label_of);
        }
        let plan = reanchor::plan(&store, &doc, &schema, &Timestamp::default());
        for m in &plan.moved {
            for r in &m.to {
                assert!(
                    doc.slice(*r).is_some(),
                    "a re-anchored range is in the document"
                );
            }
        }
        let _ = reanchor::flagged(&store, &doc);
    }
}

/// A project file and a schema: parsing never panics; a project file that parses is written
/// and read back the same.
pub fn project_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(file) = accord::ron_io::from_str::<ProjectFile>(text) {
        let written = project_file_ron(&file).unwrap();
        let again: ProjectFile = accord::ron_io::from_str(&written).unwrap();
        assert_eq!(again, file, "a project file reads back the same");
        for entry in &file.documents {
            let _ = accord::project::check_relative(&entry.file);
            let _ = entry.read_options();
        }
        if let Some(name) = &file.default_annotator {
            let _ = accord::project::check_annotator_name(name);
        }
    }
    if let Ok(schema) = Schema::from_ron(text) {
        schema.check().unwrap();
    }
}

/// Encoding labels and languages the document check picks from (by the input's first byte).
const LABELS: [Option<&str>; 12] = [
    None,
    None,
    None,
    None,
    Some("utf-8"),
    Some("windows-1251"),
    Some("koi8-r"),
    Some("windows-1256"),
    Some("gbk"),
    Some("shift_jis"),
    Some("utf-16le"),
    Some("no-such-encoding"),
];
const LANGUAGES: [Option<&str>; 6] = [
    None,
    Some("ru"),
    Some("ar"),
    Some("zh"),
    Some("ja"),
    Some("x"),
];

/// A document's bytes: decoding never panics, and an opened document's indexes agree with its
/// text.
pub fn document_bytes(data: &[u8]) {
    let Some((&choice, bytes)) = data.split_first() else {
        return;
    };
    let options = ReadOptions {
        encoding: LABELS[usize::from(choice) % LABELS.len()].map(str::to_owned),
        language: LANGUAGES[usize::from(choice / 16) % LANGUAGES.len()].map(str::to_owned),
    };
    let Ok(doc) = Document::from_bytes_with("fuzz.txt", bytes.to_vec(), &options) else {
        return;
    };
    let text = doc.text();
    assert!(!text.is_empty() && !text.contains('\0'));
    assert_eq!(doc.sha256(), accord::model::sha256_hex(bytes));
    assert_eq!(doc.len_chars(), text.chars().count());
    for (i, (byte, _)) in text.char_indices().enumerate().step_by(7) {
        assert_eq!(doc.char_to_byte(i), byte);
        assert_eq!(doc.byte_to_char(byte), i);
    }
    assert_eq!(doc.char_to_byte(doc.len_chars()), text.len());
    let last = doc.paragraph_count() - 1;
    assert_eq!(doc.paragraph_range(last).end, doc.len_chars());
    for offset in (0..=doc.len_chars()).step_by(5) {
        let _ = doc.is_grapheme_boundary(offset);
        let _ = doc.line_column(offset);
    }
    assert!(!doc.encoding().is_empty());
}

/// What every importer must give for any input it accepts: each annotation's fragments are
/// sorted, non-empty, inside the document's text and hold the text they cover; ids are unique
/// across annotations and links and below the document's `next_id` (else `accord import`
/// would write a file that does not load).
fn import_check(format: Format, path: &str, source: SourceText<'_>) {
    let schema = Schema::default_schema();
    let ctx = ImportContext {
        annotator: "fuzz",
        now: Timestamp::default(),
        schema: &schema,
    };
    let mut go_on = |_: Progress<'_>| ControlFlow::Continue(());
    let Ok(imported) = read_source_text(format, Path::new(path), source, &ctx, &mut go_on) else {
        return;
    };
    for doc in &imported.documents {
        let chars: Vec<char> = doc.text.chars().collect();
        let mut ids = HashSet::new();
        for a in &doc.annotations {
            assert!(
                !a.fragments.is_empty(),
                "{}: {} has no fragment",
                doc.file,
                a.id
            );
            let mut last_end = 0;
            for f in &a.fragments {
                assert!(
                    last_end <= f.start && f.start < f.end && f.end <= chars.len(),
                    "{}: {} fragment {}..{} in a text of {} chars",
                    doc.file,
                    a.id,
                    f.start,
                    f.end,
                    chars.len()
                );
                let text: String = chars[f.start..f.end].iter().collect();
                assert_eq!(f.text, text, "{}: {} holds its text", doc.file, a.id);
                last_end = f.end;
            }
            assert!(ids.insert(a.id.0), "{}: id {} twice", doc.file, a.id.0);
        }
        for l in &doc.links {
            assert!(ids.insert(l.id.0), "{}: link id {} taken", doc.file, l.id.0);
        }
        if let Some(max) = ids.iter().max() {
            assert!(
                *max < doc.next_id,
                "{}: next_id {} but id {max}",
                doc.file,
                doc.next_id
            );
        }
    }
}

/// Text, or nothing when the bytes are not UTF-8 (the importers read files as UTF-8 text).
fn utf8(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// A JSONL file (`accord import --format jsonl`).
pub fn import_jsonl(data: &[u8]) {
    if let Some(text) = utf8(data) {
        import_check(Format::Jsonl, "fuzz.jsonl", SourceText::File(text));
    }
}

/// A Label Studio JSON export (`accord import --format label-studio`).
pub fn import_label_studio(data: &[u8]) {
    if let Some(text) = utf8(data) {
        import_check(Format::LabelStudio, "tasks.json", SourceText::File(text));
    }
}

/// A CoNLL file (`accord import --format conll`).
pub fn import_conll(data: &[u8]) {
    if let Some(text) = utf8(data) {
        import_check(Format::Conll, "fuzz.conll", SourceText::File(text));
    }
}

/// A brat document: the `.txt` bytes, a NUL byte, then the `.ann` text (no NUL: all `.ann`,
/// of an empty text).
pub fn import_brat(data: &[u8]) {
    let (txt, ann) = match data.iter().position(|b| *b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (&data[..0], data),
    };
    if let Some(ann) = utf8(ann) {
        import_check(Format::Brat, "fuzz.ann", SourceText::Brat { txt, ann });
    }
}

/// A journal's bytes (anyone's: it may be committed by mistake): reading them never panics,
/// whole bytes end at a line end within the input, every line is read or reported, and a
/// record that reads reads the same with CRLF line endings.
pub fn journal(data: &[u8]) {
    use accord::project::journal::read_contents;
    let contents = read_contents(data);
    assert!(contents.whole_bytes as usize <= data.len());
    if contents.whole_bytes > 0 {
        assert_eq!(data[contents.whole_bytes as usize - 1], b'\n');
    }
    let lines = data[..contents.whole_bytes as usize]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    assert_eq!(contents.records.len() + contents.unreadable.len(), lines);
    // Line feeds made CRLF (those not CRLF already), as git's `autocrlf` does.
    let whole = &data[..contents.whole_bytes as usize];
    let mut crlf = Vec::with_capacity(whole.len() + lines);
    for (i, &b) in whole.iter().enumerate() {
        if b == b'\n' && (i == 0 || whole[i - 1] != b'\r') {
            crlf.push(b'\r');
        }
        crlf.push(b);
    }
    let again = read_contents(&crlf);
    assert_eq!(again.records, contents.records);
}

/// A lock file's bytes: reading them never panics; a holder read is written back as a lock
/// that reads as the same holder.
pub fn lock(data: &[u8]) {
    use accord::project::lock::read_holder;
    if let Some(holder) = read_holder(data) {
        let text = holder.to_text();
        assert_eq!(read_holder(text.as_bytes()), Some(holder));
    }
}
