//! Documents in legacy encodings — Windows-1251, KOI8-R, Windows-1256, GBK, Shift_JIS, UTF-16
//! with a BOM — made from real text, open with the exact text, record their encoding in the
//! annotation file, and their annotations save and load back identically.

use std::collections::BTreeMap;
use std::path::Path;

use accord::edit::Edit;
use accord::model::{CharRange, EncodingSource, sha256_hex};
use accord::project::{DocId, Project, StoreStatus, Workspace};
use accord::store::AnnotationFile;

use crate::common::{project_bytes, sample_dir, snapshot};

/// Japanese text (there is no Japanese sample document): the treaty story in brief.
const JAPANESE: &str = "カザフスタンとタジキスタンの大統領は、ドゥシャンベで会談し、同盟関係に関する条約に署名した。\n\
    両国は今後五年間で二国間貿易額を二十億ドルに増やすことで合意した。\n\
    トカエフ大統領は、水資源とエネルギー分野での協力が重要だと述べた。\n\
    ラフモン大統領は、地域の安全保障について意見を交換したと語った。\n";

/// The lines of a sample document that `encoding` can encode, joined again.
fn encodable(sample: &str, encoding: &'static encoding_rs::Encoding) -> String {
    let text = std::fs::read_to_string(sample_dir().join(sample)).unwrap();
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        if !encoding.encode(line).2 {
            out.push_str(line);
        }
    }
    assert!(out.chars().count() > 500, "{sample}: enough text");
    out
}

fn encode(text: &str, encoding: &'static encoding_rs::Encoding) -> Vec<u8> {
    if encoding == encoding_rs::UTF_16LE {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        return bytes;
    }
    if encoding == encoding_rs::UTF_16BE {
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        return bytes;
    }
    let (bytes, _, errors) = encoding.encode(text);
    assert!(!errors);
    bytes.into_owned()
}

struct Case {
    file: &'static str,
    text: String,
    encoding: &'static encoding_rs::Encoding,
    language: Option<&'static str>,
    /// Named in the project file rather than detected.
    declared: Option<&'static str>,
    /// The names detection may give (KOI8-U reads Russian exactly as KOI8-R does).
    expected: &'static [&'static str],
    source: EncodingSource,
}

fn cases() -> Vec<Case> {
    use encoding_rs::{GBK, KOI8_R, SHIFT_JIS, UTF_16BE, UTF_16LE, WINDOWS_1251, WINDOWS_1256};
    let ru = |e| encodable("kz-tj-alliance-treaty.ru.txt", e);
    vec![
        Case {
            file: "treaty.cp1251.ru.txt",
            text: ru(WINDOWS_1251),
            encoding: WINDOWS_1251,
            language: Some("ru"),
            declared: None,
            expected: &["windows-1251"],
            source: EncodingSource::Detected,
        },
        Case {
            file: "treaty.koi8.ru.txt",
            text: ru(KOI8_R),
            encoding: KOI8_R,
            language: Some("ru"),
            declared: None,
            expected: &["KOI8-R", "KOI8-U"],
            source: EncodingSource::Detected,
        },
        Case {
            file: "treaty.koi8-declared.ru.txt",
            text: ru(KOI8_R),
            encoding: KOI8_R,
            language: Some("ru"),
            declared: Some("koi8-r"),
            expected: &["KOI8-R"],
            source: EncodingSource::Declared,
        },
        Case {
            file: "talks.cp1256.ar.txt",
            text: encodable("tj-kz-talks-astana.ar.txt", WINDOWS_1256),
            encoding: WINDOWS_1256,
            language: Some("ar"),
            declared: None,
            expected: &["windows-1256"],
            source: EncodingSource::Detected,
        },
        Case {
            file: "statement.gbk.zh.txt",
            text: encodable("kz-tj-joint-statement.zh.txt", GBK),
            encoding: GBK,
            language: Some("zh"),
            declared: None,
            expected: &["GBK", "gb18030"],
            source: EncodingSource::Detected,
        },
        Case {
            file: "treaty.sjis.ja.txt",
            text: JAPANESE.to_owned(),
            encoding: SHIFT_JIS,
            language: Some("ja"),
            declared: None,
            expected: &["Shift_JIS"],
            source: EncodingSource::Detected,
        },
        Case {
            file: "ministers.utf16le.kk.txt",
            text: encodable("kz-tj-foreign-ministers.kk.txt", UTF_16LE),
            encoding: UTF_16LE,
            language: None,
            declared: None,
            expected: &["UTF-16LE"],
            source: EncodingSource::ByteOrderMark,
        },
        Case {
            file: "xian.utf16be.ar.txt",
            text: encodable("tj-cn-talks-xian.ar.txt", UTF_16BE),
            encoding: UTF_16BE,
            language: None,
            declared: None,
            expected: &["UTF-16BE"],
            source: EncodingSource::ByteOrderMark,
        },
    ]
}

/// A project of every case's file (and the UTF-8 Chinese sample), as `accord.ron` lists them.
fn project(cases: &[Case]) -> tempfile::TempDir {
    let dir = crate::common::sample_project();
    let mut entries = vec![format!("(file: {:?})", crate::common::ZH)];
    for c in cases {
        std::fs::write(dir.path().join(c.file), encode(&c.text, c.encoding)).unwrap();
        let mut entry = format!("(file: {:?}", c.file);
        if let Some(l) = c.language {
            entry.push_str(&format!(", language: Some({l:?})"));
        }
        if let Some(e) = c.declared {
            entry.push_str(&format!(", encoding: Some({e:?})"));
        }
        entries.push(entry + ")");
    }
    std::fs::write(
        dir.path().join("accord.ron"),
        format!(
            "(format: 1, name: \"encodings\", documents: [{}])",
            entries.join(", ")
        ),
    )
    .unwrap();
    dir
}

/// A word of the text (the fourth run of letters of three or more), as a char range.
fn a_word(text: &str) -> CharRange {
    let chars: Vec<char> = text.chars().collect();
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in chars.iter().enumerate() {
        match (c.is_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s >= 3 {
                    words.push(CharRange::new(s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    words[3.min(words.len() - 1)]
}

#[test]
fn legacy_encodings_open_with_the_exact_text_and_annotations_round_trip() {
    let cases = cases();
    let dir = project(&cases);
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let mut ranges = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let d = DocId(i + 1);
        let doc = ws
            .document(d)
            .unwrap_or_else(|| panic!("{}: {:?}", c.file, ws.project.documents[i + 1].document));
        assert_eq!(
            doc.text(),
            c.text,
            "{}: the decoded text is the original",
            c.file
        );
        assert!(
            c.expected.contains(&doc.encoding()),
            "{}: {}",
            c.file,
            doc.encoding()
        );
        assert_eq!(doc.encoding_source(), c.source, "{}", c.file);
        let bytes = std::fs::read(dir.path().join(c.file)).unwrap();
        assert_eq!(
            doc.sha256(),
            sha256_hex(&bytes),
            "{}: hash of the bytes",
            c.file
        );
        assert_eq!(ws.doc_state(d).status, StoreStatus::Editable);
        let range = a_word(&c.text);
        let want: String = c.text.chars().skip(range.start).take(range.len()).collect();
        assert_eq!(doc.slice(range), Some(want.as_str()), "{}", c.file);
        ranges.push((d, range));
    }
    let step: Vec<_> = ranges
        .iter()
        .map(|(d, r)| {
            (
                *d,
                Edit::Add {
                    label: "EVENT".into(),
                    ranges: vec![*r],
                    attributes: BTreeMap::new(),
                    source: None,
                },
            )
        })
        .collect();
    ws.apply(step).unwrap();
    for (_, r) in ws.save_all() {
        r.unwrap();
    }
    let before: Vec<_> = ranges.iter().map(|(d, _)| snapshot(ws.store(*d))).collect();
    let encodings: Vec<&str> = ranges
        .iter()
        .map(|(d, _)| ws.document(*d).unwrap().encoding())
        .collect();
    drop(ws);

    let saved = project_bytes(dir.path());
    let ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    for (i, (d, _)) in ranges.iter().enumerate() {
        let c = &cases[i];
        assert_eq!(snapshot(ws.store(*d)), before[i], "{}: reloaded", c.file);
        assert!(ws.doc_state(*d).changed.is_none(), "{}", c.file);
        let path = ws.project.annotation_path("alice", c.file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains(&format!("        encoding: Some(\"{}\"),\n", encodings[i])),
            "{}: the encoding is recorded in the stamp:\n{text}",
            c.file
        );
        assert_eq!(
            AnnotationFile::load(&path)
                .unwrap()
                .document
                .encoding
                .as_deref(),
            Some(encodings[i])
        );
    }
    drop(ws);
    // Loading and saving again changes no byte.
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    for (d, _) in &ranges {
        ws.save(*d).unwrap();
    }
    drop(ws);
    assert_eq!(project_bytes(dir.path()), saved);
    let report = accord::validate::validate(dir.path()).unwrap();
    assert!(report.is_clean(), "{:#?}", report.findings);
}

/// A UTF-8 document's stamp has no `encoding` field: format-1 files stay as they were.
#[test]
fn utf8_documents_write_no_encoding_field() {
    let dir = crate::common::sample_project();
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let zh = ws.project.document_index(crate::common::ZH).unwrap();
    assert_eq!(ws.document(zh).unwrap().encoding(), "UTF-8");
    assert_eq!(
        ws.document(zh).unwrap().encoding_source(),
        EncodingSource::Utf8
    );
    ws.apply(vec![(
        zh,
        Edit::Add {
            label: "EVENT".into(),
            ranges: vec![CharRange::new(0, 4)],
            attributes: BTreeMap::new(),
            source: None,
        },
    )])
    .unwrap();
    let path = ws.save(zh).unwrap();
    assert!(!std::fs::read_to_string(path).unwrap().contains("encoding"));
}

/// The same bytes read in another encoding are another text: naming another encoding in the
/// project file shows up as a changed document.
#[test]
fn reading_a_file_in_another_encoding_is_a_change() {
    let mut cases = cases();
    cases.truncate(1);
    let dir = project(&cases);
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let d = DocId(1);
    let range = a_word(&cases[0].text);
    ws.apply(vec![(
        d,
        Edit::Add {
            label: "EVENT".into(),
            ranges: vec![range],
            attributes: BTreeMap::new(),
            source: None,
        },
    )])
    .unwrap();
    ws.save(d).unwrap();
    drop(ws);
    let project_file = dir.path().join("accord.ron");
    let text = std::fs::read_to_string(&project_file).unwrap();
    std::fs::write(
        &project_file,
        text.replace("language: Some(\"ru\")", "encoding: Some(\"koi8-r\")"),
    )
    .unwrap();
    let ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let change = ws.doc_state(d).changed.clone().expect("a change");
    assert!(
        change
            .to_string()
            .contains("read as windows-1251 then, KOI8-R now"),
        "{change}"
    );
    assert_eq!(ws.flagged(d).len(), 1);
}

/// The advice for a file that is not UTF-8 names the file and the `encoding` field; it no
/// longer suggests converting a Russian file from Arabic.
#[test]
fn undecodable_files_name_the_encoding_field() {
    let err = accord::model::Document::from_bytes_with(
        "x.txt",
        b"\x82\xa0\x81 ".to_vec(),
        &accord::model::ReadOptions {
            encoding: Some("shift_jis".into()),
            language: None,
        },
    )
    .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("x.txt") && message.contains("encoding: Some("),
        "{message}"
    );
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(!readme.contains("iconv -f WINDOWS-1256"));
}
