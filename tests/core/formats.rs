//! Exports and imports in the core: round trips `import(export(x)) == x` for JSONL (exact),
//! brat and Label Studio (what each format keeps) on the sample project and on generated
//! annotations over astral characters, Arabic with harakat, CRLF and BOM text; offsets that
//! index the text each format's reader sees; losses reported; cancel writes nothing.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::Path;

use proptest::prelude::*;

use accord::formats::{
    AnnotationSource, Corpus, CorpusDocument, ExportOptions, Format, FormatError, ImportContext,
    Imported, LossKind, OutputFile, Progress, Stage, export, export_corpus, load_corpus,
    read_source,
};
use accord::model::{
    Annotation, AnnotationId, AttributeValue, Document, Fragment, Link, LinkId, Review,
    ReviewState, Timestamp,
};
use accord::schema::{AttributeDef, AttributeKind, Schema};

use crate::common::{fixed_now, sample_dir, synthetic_documents};

fn go(_: Progress<'_>) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// The sample annotator whose annotations the sample tests export.
const SAMPLE_ANNOTATOR: &str = "aigerim";

fn sample_corpus() -> Corpus {
    let (corpus, losses) = load_corpus(
        &sample_dir(),
        &AnnotationSource::Annotator(SAMPLE_ANNOTATOR.into()),
        &[],
        &[],
        &mut go,
    )
    .unwrap();
    assert!(losses.is_empty(), "{losses:?}");
    assert_eq!(corpus.documents.len(), 5);
    corpus
}

/// Writes an export's files under `dir` (the single file as `dir/out`), returns the path to
/// import from.
fn write(files: &[OutputFile], format: Format, dir: &Path) -> std::path::PathBuf {
    if format.is_single_file() {
        let path = dir.join("out");
        std::fs::write(&path, &files[0].bytes).unwrap();
        return path;
    }
    for f in files {
        let path = dir.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &f.bytes).unwrap();
    }
    dir.to_path_buf()
}

fn round_trip(corpus: &Corpus, format: Format) -> Imported {
    let (files, _) = export_corpus(corpus, format, &mut go).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let source = write(&files, format, dir.path());
    let ctx = ImportContext {
        annotator: "importer",
        now: fixed_now(),
        schema: &corpus.schema,
    };
    let imported = read_source(format, &source, &ctx, &mut go).unwrap();
    assert!(
        imported.problems.is_empty(),
        "{format}: {:?}",
        imported.problems
    );
    imported
}

/// What brat and Label Studio keep of an annotation: no review, author or times; brat has
/// no `Bool(false)`.
fn kept(a: &Annotation, format: Format) -> Annotation {
    let mut a = a.clone();
    a.review = Review::default();
    a.author = String::new();
    a.created = Timestamp::default();
    a.modified = Timestamp::default();
    if format == Format::Brat {
        a.attributes
            .retain(|_, v| !matches!(v, AttributeValue::Bool(false)));
    }
    a
}

/// A document as a format keeps it: file, text, annotations, links as (kind, from, to, id).
type Comparable = (
    String,
    String,
    Vec<Annotation>,
    Vec<(String, u64, u64, u64)>,
);

/// Documents as a format keeps them, for comparison.
///
/// Sorted by file name: brat's folder has no order.
fn comparable(docs: &[CorpusDocument], format: Format) -> Vec<Comparable> {
    let mut out: Vec<_> = docs
        .iter()
        .map(|d| {
            let mut links: Vec<(String, u64, u64, u64)> = d
                .links
                .iter()
                // Label Studio relations have no id: they are renumbered.
                .map(|l| {
                    let id = if format == Format::LabelStudio {
                        0
                    } else {
                        l.id.0
                    };
                    (l.kind.clone(), l.from.0, l.to.0, id)
                })
                .collect();
            links.sort();
            (
                d.file.clone(),
                d.text.clone(),
                d.annotations.iter().map(|a| kept(a, format)).collect(),
                links,
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn jsonl_round_trips_the_samples_exactly() {
    let corpus = sample_corpus();
    let imported = round_trip(&corpus, Format::Jsonl);
    assert_eq!(imported.documents, corpus.documents);
    assert_eq!(imported.groups, corpus.groups);
    assert_eq!(
        imported.groups.len(),
        4,
        "the sample annotator's cross-document groups"
    );
}

#[test]
fn brat_and_label_studio_round_trip_the_samples() {
    let corpus = sample_corpus();
    for format in [Format::Brat, Format::LabelStudio] {
        let imported = round_trip(&corpus, format);
        assert_eq!(
            comparable(&imported.documents, format),
            comparable(&corpus.documents, format),
            "{format}"
        );
        // The commitment keeps its actors, target and deadline.
        let zh = imported
            .documents
            .iter()
            .find(|d| d.file.ends_with(".zh.txt"))
            .unwrap();
        let commitment = zh
            .annotations
            .iter()
            .find(|a| a.label == "COMMITMENT" && a.text().contains("20亿美元"))
            .unwrap();
        assert!(
            matches!(commitment.attributes.get("actors"), Some(AttributeValue::Refs(r)) if r.len() == 2),
            "{format}: {commitment:?}"
        );
        for (name, text) in [("target", "20亿美元"), ("deadline", "在未来五年内")] {
            let Some(AttributeValue::Refs(r)) = commitment.attributes.get(name) else {
                panic!("{format}: {name} of {commitment:?}");
            };
            assert_eq!(zh.annotation(r[0]).unwrap().text(), text, "{format}");
        }
        assert_eq!(
            commitment.attributes.get("kind"),
            Some(&AttributeValue::Enum("agreement".into())),
            "{format}"
        );
    }
}

/// A schema with an attribute of every kind on COMMITMENT (the default has no yes/no one).
fn test_schema() -> Schema {
    let mut schema = Schema::default_schema();
    let commitment = schema
        .labels
        .iter_mut()
        .find(|l| l.name == "COMMITMENT")
        .unwrap();
    commitment.attributes.push(AttributeDef {
        name: "confirmed".into(),
        kind: AttributeKind::Bool,
        required: false,
        description: String::new(),
    });
    commitment.attributes.push(AttributeDef {
        name: "source".into(),
        kind: AttributeKind::Text,
        required: false,
        description: String::new(),
    });
    schema.check().unwrap();
    schema
}

/// The texts generated annotations go over: astral, harakat, CRLF (and the sample Arabic
/// with a BOM), each as a document of the corpus.
fn texts() -> Vec<(String, String, bool)> {
    let mut out: Vec<(String, String, bool)> = synthetic_documents()
        .into_iter()
        .filter(|d| d.file_name != "controls.txt")
        .map(|d| (d.file_name.clone(), d.text().to_owned(), false))
        .collect();
    out.push((
        "bom-crlf.ar.txt".into(),
        "مرحبًا 😊 بكم\r\nفي أستانا، ٢٠٢٤.\r\nSecond 𠀀 line\r\n".into(),
        true,
    ));
    out
}

/// Values without line breaks or tabs (brat keeps those only as spaces, and says so).
fn value() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "within five years",
        "قريبًا",
        "20亿美元 😊",
        "a=b \"quoted\" back\\slash",
        "𠀀 [x] | y_z -> ;*",
    ])
    .prop_map(str::to_owned)
}

/// Fragment edges (sorted, distinct), label index, note, a seed for attributes, a text value.
type GenAnnotation = (Vec<usize>, usize, Option<String>, u8, String);

#[derive(Debug, Clone)]
struct Gen {
    /// Per annotation: fragment edges (sorted, distinct), label index, note, attributes seed.
    annotations: Vec<GenAnnotation>,
    links: Vec<(usize, usize, usize)>,
}

fn gen_doc(len: usize) -> impl Strategy<Value = Gen> {
    let ann = (
        prop::collection::btree_set(0..=len, 2..=6),
        0..9usize,
        prop::option::of(value()),
        any::<u8>(),
        value(),
    )
        .prop_map(|(edges, label, note, seed, text)| {
            let mut e: Vec<usize> = edges.into_iter().collect();
            if e.len() % 2 == 1 {
                e.pop();
            }
            (e, label, note, seed, text)
        });
    (
        prop::collection::vec(ann, 0..12),
        prop::collection::vec((0..12usize, 0..12usize, 0..3usize), 0..4),
    )
        .prop_map(|(annotations, links)| Gen { annotations, links })
}

/// Builds a document's annotations from a generated description.
fn build(file: &str, text: &str, bom: bool, g: &Gen, schema: &Schema) -> CorpusDocument {
    let chars: Vec<char> = text.chars().collect();
    let mut doc = CorpusDocument::new(file, text);
    doc.bom = bom;
    let labels: Vec<&str> = schema.labels.iter().map(|l| l.name.as_str()).collect();
    let mut id = 3u64;
    for (edges, label, note, seed, text_value) in &g.annotations {
        let fragments: Vec<Fragment> = edges
            .chunks(2)
            .map(|p| Fragment {
                start: p[0],
                end: p[1],
                text: chars[p[0]..p[1]].iter().collect(),
            })
            .collect();
        id += 1 + u64::from(seed % 3);
        doc.annotations.push(Annotation {
            id: AnnotationId(id),
            label: labels[*label].to_owned(),
            fragments,
            attributes: BTreeMap::new(),
            note: note.clone().unwrap_or_default(),
            review: Review {
                state: ReviewState::Accepted,
                reviewer: Some("dana".into()),
                time: Some(fixed_now()),
                proposed_by: Vec::new(),
            },
            author: "gen".into(),
            created: fixed_now(),
            modified: fixed_now(),
            source: None,
            conflict: None,
        });
        let a = doc.annotations.last_mut().unwrap();
        if a.label == "COMMITMENT" {
            let values = ["pledge", "agreement", "support"];
            a.attributes.insert(
                "kind".into(),
                AttributeValue::Enum(values[*seed as usize % 3].into()),
            );
            a.attributes
                .insert("confirmed".into(), AttributeValue::Bool(seed % 2 == 0));
            a.attributes
                .insert("source".into(), AttributeValue::Text(text_value.clone()));
            if seed % 4 == 1 {
                a.attributes
                    .insert("deadline".into(), AttributeValue::Text(text_value.clone()));
            }
        }
    }
    // References and links to other annotations of the document.
    let ids: Vec<AnnotationId> = doc.annotations.iter().map(|a| a.id).collect();
    if !ids.is_empty() {
        for k in 0..doc.annotations.len() {
            if doc.annotations[k].label == "COMMITMENT" {
                let refs = vec![ids[(k + 1) % ids.len()], ids[(k + 2) % ids.len()]];
                doc.annotations[k]
                    .attributes
                    .insert("actors".into(), AttributeValue::Refs(refs));
            }
        }
        for (n, (from, to, kind)) in g.links.iter().enumerate() {
            id += 1;
            let kinds = ["located_in", "represents", "party_to"];
            doc.links.push(Link {
                id: LinkId(id + n as u64),
                kind: kinds[*kind].into(),
                from: ids[from % ids.len()],
                to: ids[to % ids.len()],
            });
        }
    }
    doc.annotations.sort_by_key(|a| (a.extent().start, a.id));
    doc.next_id = id + 10;
    doc
}

fn is_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{0b}'
            | '\u{0c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// brat's documented rewriting: line breaks at fragment edges trimmed; fragments that only
/// line breaks separate stay apart, as marked.
fn as_brat_keeps(doc: &CorpusDocument) -> CorpusDocument {
    let chars: Vec<char> = doc.text.chars().collect();
    let mut doc = doc.clone();
    for a in &mut doc.annotations {
        let mut out: Vec<Fragment> = Vec::new();
        for f in &a.fragments {
            let (mut s, mut e) = (f.start, f.end);
            while s < e && is_break(chars[s]) {
                s += 1;
            }
            while e > s && is_break(chars[e - 1]) {
                e -= 1;
            }
            if s == e {
                continue;
            }
            out.push(Fragment {
                start: s,
                end: e,
                text: String::new(),
            });
        }
        for f in &mut out {
            f.text = chars[f.start..f.end].iter().collect();
        }
        a.fragments = out;
    }
    doc.annotations.sort_by_key(|a| (a.extent().start, a.id));
    doc
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// JSONL keeps everything, brat and Label Studio what they can hold, on astral, harakat,
    /// CRLF and BOM text with overlapping and discontinuous spans.
    #[test]
    fn generated_annotations_round_trip(gens in prop::collection::vec(gen_doc(40), 4)) {
        let schema = test_schema();
        let texts = texts();
        let documents: Vec<CorpusDocument> = texts
            .iter()
            .zip(&gens)
            .map(|((file, text, bom), g)| {
                // Short documents keep the generated offsets dense.
                let short: String = text.chars().take(41).collect();
                build(file, &short, *bom, g, &schema)
            })
            // A fragment of only line breaks is something brat cannot show: left to its own test.
            .filter(|d| d.annotations.iter().all(|a| a.fragments.iter().all(|f| !f.text.chars().all(is_break))))
            .collect();
        let corpus = Corpus {
            name: "generated".into(),
            annotator: "gen".into(),
            schema,
            documents,
            groups: Vec::new(),
        };
        let jsonl = round_trip(&corpus, Format::Jsonl);
        prop_assert_eq!(&jsonl.documents, &corpus.documents);

        let ls = round_trip(&corpus, Format::LabelStudio);
        prop_assert_eq!(comparable(&ls.documents, Format::LabelStudio), comparable(&corpus.documents, Format::LabelStudio));

        let brat = round_trip(&corpus, Format::Brat);
        let expected: Vec<CorpusDocument> = corpus.documents.iter().map(as_brat_keeps).collect();
        prop_assert_eq!(comparable(&brat.documents, Format::Brat), comparable(&expected, Format::Brat));
    }
}

/// Every span of every format indexes the text that format's reader sees: brat's `.txt`
/// (written without the BOM, CRLF kept), JSONL's and Label Studio's `text`, WebAnno's UTF-16
/// offsets of the same text.
#[test]
fn offsets_match_the_text_each_reader_sees_with_bom_and_crlf() {
    let text = "\u{feff}Қазақстан 😊 and\r\nكَتَبَ 𠀀 中文\r\n";
    let doc =
        Document::from_bytes("x.txt", format!("\u{feff}{}", &text[3..]).into_bytes()).unwrap();
    assert!(doc.had_bom());
    let body = doc.text().to_owned();
    let chars: Vec<char> = body.chars().collect();
    let find = |needle: &str| {
        let byte = body.find(needle).unwrap();
        let start = body[..byte].chars().count();
        (start, start + needle.chars().count())
    };
    let mut cd = CorpusDocument::new("x.txt", body.clone());
    cd.bom = true;
    for (n, needle) in ["Қазақстан", "😊", "كَتَبَ", "𠀀", "中文"].iter().enumerate()
    {
        let (s, e) = find(needle);
        cd.annotations.push(Annotation {
            id: AnnotationId(n as u64 + 1),
            label: "PERSON".into(),
            fragments: vec![Fragment {
                start: s,
                end: e,
                text: (*needle).into(),
            }],
            attributes: BTreeMap::new(),
            note: String::new(),
            review: Review::default(),
            author: "t".into(),
            created: fixed_now(),
            modified: fixed_now(),
            source: None,
            conflict: None,
        });
    }
    let corpus = Corpus {
        name: "x".into(),
        annotator: "t".into(),
        schema: Schema::default_schema(),
        documents: vec![cd],
        groups: Vec::new(),
    };
    // brat: the .txt has no BOM, and T offsets slice it (as Python's str).
    let (files, _) = export_corpus(&corpus, Format::Brat, &mut go).unwrap();
    let txt = files
        .iter()
        .find(|f| f.path.to_string_lossy() == "x.txt")
        .unwrap();
    assert!(
        !txt.bytes.starts_with(b"\xEF\xBB\xBF"),
        "brat's .txt starts with the text"
    );
    let txt: Vec<char> = String::from_utf8(txt.bytes.clone())
        .unwrap()
        .chars()
        .collect();
    let ann = String::from_utf8(
        files
            .iter()
            .find(|f| f.path.to_string_lossy() == "x.ann")
            .unwrap()
            .bytes
            .clone(),
    )
    .unwrap();
    for line in ann.lines().filter(|l| l.starts_with('T')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let nums: Vec<usize> = cols[1]
            .split(' ')
            .skip(1)
            .map(|n| n.parse().unwrap())
            .collect();
        assert_eq!(
            txt[nums[0]..nums[1]].iter().collect::<String>(),
            cols[2],
            "{line}"
        );
    }
    // JSONL and Label Studio: offsets slice `text`.
    for (format, pick) in [(Format::Jsonl, 0usize), (Format::LabelStudio, 1)] {
        let (files, _) = export_corpus(&corpus, format, &mut go).unwrap();
        let json = &files[0].bytes;
        let (text, spans): (String, Vec<(usize, usize, String)>) = if pick == 0 {
            let v: serde_json::Value =
                serde_json::from_slice(json.split(|&b| b == b'\n').next().unwrap()).unwrap();
            (
                v["text"].as_str().unwrap().into(),
                serde_json::from_value(v["spans"].clone()).unwrap(),
            )
        } else {
            let v: serde_json::Value = serde_json::from_slice(json).unwrap();
            let task = &v[0];
            let spans = task["annotations"][0]["result"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["type"] == "labels")
                .map(|r| {
                    (
                        r["value"]["start"].as_u64().unwrap() as usize,
                        r["value"]["end"].as_u64().unwrap() as usize,
                        r["value"]["text"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            (task["data"]["text"].as_str().unwrap().into(), spans)
        };
        assert_eq!(
            text, body,
            "{format}: the text as stored, without the BOM, CRLF kept"
        );
        let tc: Vec<char> = text.chars().collect();
        for (s, e, label_or_text) in spans {
            let slice: String = tc[s..e].iter().collect();
            if pick == 1 {
                assert_eq!(slice, label_or_text, "{format}");
            } else {
                assert!(
                    corpus.documents[0]
                        .annotations
                        .iter()
                        .any(|a| a.fragments[0].text == slice)
                );
            }
        }
    }
    // WebAnno: UTF-16 offsets of the same text.
    let (files, _) = export_corpus(&corpus, Format::WebannoTsv, &mut go).unwrap();
    let tsv = String::from_utf8(files[0].bytes.clone()).unwrap();
    let utf16: Vec<u16> = body.encode_utf16().collect();
    let mut checked = 0;
    for line in tsv.lines().filter(|l| l.contains('\t')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (b, e) = cols[1].split_once('-').unwrap();
        let (b, e): (usize, usize) = (b.parse().unwrap(), e.parse().unwrap());
        assert_eq!(String::from_utf16(&utf16[b..e]).unwrap(), cols[2], "{line}");
        checked += 1;
    }
    assert_eq!(checked, 7, "every token line checked: {tsv}");
    assert!(
        tsv.contains("\t10-12\t😊\t"),
        "the emoji is two UTF-16 units: {tsv}"
    );
    let _ = chars;
}

#[test]
fn conll_and_spacy_report_what_they_cannot_hold() {
    let corpus = sample_corpus();
    let (files, losses) = export_corpus(&corpus, Format::Conll, &mut go).unwrap();
    let text = String::from_utf8(files[0].bytes.clone()).unwrap();
    assert_eq!(text.matches("-DOCSTART- -X- -X- O").count(), 5);
    // The four commitments of the thread contain their MONEY targets: CoNLL keeps the MONEY,
    // drops the commitment, and says so (and so for every other span inside or across
    // another).
    let overlapping: Vec<_> = losses
        .iter()
        .filter(|l| l.kind == LossKind::Overlapping)
        .collect();
    assert_eq!(
        overlapping
            .iter()
            .filter(|l| l.detail.starts_with("COMMITMENT") && l.detail.contains(" overlaps MONEY "))
            .count(),
        4,
        "{losses:?}"
    );
    assert!(
        overlapping
            .iter()
            .all(|l| l.detail.ends_with("which was kept"))
    );
    // IOB2: an I- tag always continues a B- or I- of the same label.
    let mut previous = "O".to_owned();
    for line in text.lines() {
        let tag = line.rsplit(' ').next().unwrap_or("O").to_owned();
        if let Some(label) = tag.strip_prefix("I-") {
            assert!(previous.ends_with(label), "{previous} then {tag}");
        }
        previous = if line.is_empty() { "O".into() } else { tag };
    }
    assert!(
        text.contains(
            "20亿美元"
                .chars()
                .map(|c| c.to_string())
                .next()
                .unwrap()
                .as_str()
        )
    );
    let money: Vec<&str> = text.lines().filter(|l| l.ends_with("-MONEY")).collect();
    assert!(money.contains(&"美 _ _ I-MONEY"), "{money:?}");

    let (_, losses) = export_corpus(&corpus, Format::Spacy, &mut go).unwrap();
    assert!(
        losses.iter().all(|l| l.kind != LossKind::Overlapping),
        "overlaps go to doc.spans"
    );
    assert!(losses.iter().any(|l| l.kind == LossKind::Attribute));
}

#[test]
fn brat_reports_notes_with_line_breaks_and_bool_false() {
    let mut corpus = sample_corpus();
    let a = &mut corpus.documents[0].annotations[0];
    let id = a.id.0;
    a.note = "line one\nline two".into();
    a.attributes
        .insert("flag".into(), AttributeValue::Bool(false));
    let (files, losses) = export_corpus(&corpus, Format::Brat, &mut go).unwrap();
    assert!(
        losses.iter().any(|l| l.kind == LossKind::Note),
        "{losses:?}"
    );
    assert!(
        losses
            .iter()
            .any(|l| l.kind == LossKind::Attribute && l.detail.contains("flag"))
    );
    let ann = files
        .iter()
        .find(|f| f.path.extension().is_some_and(|e| e == "ann"))
        .unwrap();
    assert!(
        String::from_utf8_lossy(&ann.bytes)
            .contains(&format!("AnnotatorNotes T{id}\tline one line two"))
    );
    let conf = files
        .iter()
        .find(|f| f.path.to_string_lossy() == "visual.conf")
        .unwrap();
    assert!(String::from_utf8_lossy(&conf.bytes).contains("PERSON\tbgColor:#e6194b"));
}

#[test]
fn cancelling_writes_nothing_and_progress_is_reported() {
    let out = tempfile::tempdir().unwrap();
    for format in Format::ALL {
        let target = out.path().join(format.name());
        let options = ExportOptions {
            format,
            out: target.clone(),
            source: AnnotationSource::Annotator(SAMPLE_ANNOTATOR.into()),
            documents: Vec::new(),
            labels: Vec::new(),
            include_undecided: false,
        };
        let mut seen = 0;
        let result = export(&sample_dir(), &options, &mut |p: Progress<'_>| {
            seen += 1;
            if p.stage == Stage::Converting && p.done == 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        assert!(
            matches!(result, Err(FormatError::Cancelled)),
            "{format}: {result:?}"
        );
        assert!(
            seen >= 5 + 3,
            "{format}: reading five documents, converting three"
        );
        assert!(!target.exists(), "{format}: nothing written");
    }
}

#[test]
fn selection_by_document_and_label_drops_references_and_reports_groups() {
    // Two annotators and no default annotator: say whose.
    let err =
        load_corpus(&sample_dir(), &AnnotationSource::Default, &[], &[], &mut go).unwrap_err();
    assert!(
        matches!(&err, FormatError::WhichAnnotator { found, .. } if found == &["aigerim", "dilnoza"]),
        "{err}"
    );
    let (corpus, losses) = load_corpus(
        &sample_dir(),
        &AnnotationSource::Annotator(SAMPLE_ANNOTATOR.into()),
        &[
            "kz-tj-joint-statement.zh.txt".into(),
            "tj-kz-talks-astana.ar.txt".into(),
        ],
        &["COMMITMENT".into(), "COUNTRY".into()],
        &mut go,
    )
    .unwrap();
    assert_eq!(corpus.annotator, SAMPLE_ANNOTATOR);
    assert_eq!(corpus.documents.len(), 2);
    for d in &corpus.documents {
        assert!(
            d.annotations
                .iter()
                .all(|a| a.label == "COMMITMENT" || a.label == "COUNTRY")
        );
        let c = d
            .annotations
            .iter()
            .find(|a| {
                a.label == "COMMITMENT"
                    && (a.text().contains("20亿美元") || a.text().contains("ملياري دولار"))
            })
            .unwrap();
        assert!(
            !c.attributes.contains_key("target") && !c.attributes.contains_key("deadline"),
            "the MONEY target and the DATE deadline are not exported"
        );
        for id in c.referenced_ids() {
            assert!(d.annotation(id).is_some());
        }
    }
    // Two of the four commitments of the thread remain: the group keeps them; the
    // same_entity group of Tajikistan too (of five members). The groups of Tokayev (PERSON)
    // and of the treaty (in other documents) are gone.
    assert_eq!(corpus.groups.len(), 2, "{:?} {losses:?}", corpus.groups);
    assert!(corpus.groups.iter().all(|g| g.members.len() == 2));

    let err = load_corpus(
        &sample_dir(),
        &AnnotationSource::Annotator("nobody".into()),
        &[],
        &[],
        &mut go,
    )
    .unwrap_err();
    assert!(err.to_string().contains("aigerim, dilnoza"), "{err}");
    let err = load_corpus(
        &sample_dir(),
        &AnnotationSource::Annotator(SAMPLE_ANNOTATOR.into()),
        &["missing.txt".into()],
        &[],
        &mut go,
    )
    .unwrap_err();
    assert!(err.to_string().contains("missing.txt"), "{err}");
}

/// The HTML page highlights exactly each annotation's characters, lines are `dir="auto"`,
/// and threads link to the other documents' pages.
#[test]
fn html_highlights_the_annotated_characters() {
    let corpus = sample_corpus();
    let (files, losses) = export_corpus(&corpus, Format::Html, &mut go).unwrap();
    assert!(losses.is_empty());
    let page = |name: &str| {
        String::from_utf8(
            files
                .iter()
                .find(|f| f.path.to_string_lossy() == name)
                .unwrap()
                .bytes
                .clone(),
        )
        .unwrap()
    };
    let ar = page("tj-kz-talks-astana.ar.html");
    assert!(ar.contains("<p dir=\"auto\">"));
    let doc = corpus
        .documents
        .iter()
        .find(|d| d.file == "tj-kz-talks-astana.ar.txt")
        .unwrap();
    for a in &doc.annotations {
        // The runs whose title names this annotation, joined, are its text.
        let marker = format!("{} {}", a.label, a.id);
        let mut covered = String::new();
        for piece in ar.split("<span class=\"h\"").skip(1) {
            let (attrs, rest) = piece.split_once('>').unwrap();
            if attrs.contains(&format!("{marker}\"")) || attrs.contains(&format!("{marker} ·")) {
                covered.push_str(rest.split_once("</span>").unwrap().0);
            }
        }
        assert_eq!(covered, a.text(), "{marker}");
    }
    let index = page("index.html");
    let thread = corpus
        .groups
        .iter()
        .find(|g| g.kind == "same_commitment")
        .unwrap();
    let zh = thread
        .members
        .iter()
        .find(|m| m.document == "kz-tj-joint-statement.zh.txt")
        .unwrap();
    assert!(
        index.contains(&format!(
            "href=\"kz-tj-joint-statement.zh.html#a{}\"",
            zh.annotation.0
        )),
        "threads link to the pages"
    );
    assert!(index.contains("same_commitment"));
}

/// brat keeps two fragments that only a line break separates as the annotator marked them:
/// two. A fragment of Accord's across a line break, written as pieces with a note saying so,
/// is read back as one; a note the pieces no longer match (changed in brat) is not used.
#[test]
fn brat_fragments_a_line_break_separates_stay_as_written() {
    let schema = Schema::default_schema();
    let ctx = ImportContext {
        annotator: "gen",
        now: fixed_now(),
        schema: &schema,
    };
    let read = |ann: &str| {
        accord::formats::read_source_text(
            Format::Brat,
            Path::new("a.ann"),
            accord::formats::SourceText::Brat {
                txt: "Hello\nworld and more\n".as_bytes(),
                ann,
            },
            &ctx,
            &mut go,
        )
        .unwrap()
    };
    let fragments = |imported: &Imported| -> Vec<(usize, usize)> {
        imported.documents[0].annotations[0]
            .fragments
            .iter()
            .map(|f| (f.start, f.end))
            .collect()
    };
    // Marked in brat: two fragments, the line break between them not marked.
    let native = read("T1\tORG 0 5;6 11\tHello world\n");
    assert_eq!(fragments(&native), [(0, 5), (6, 11)]);
    assert!(native.problems.is_empty(), "{:?}", native.problems);

    // Accord's one fragment across the line break: pieces and a note, read back whole.
    let corpus = one_span_corpus("Hello\nworld and more\n", "ORG", (0, 11), schema.clone());
    let (files, _) = export_corpus(&corpus, Format::Brat, &mut go).unwrap();
    let ann = files
        .iter()
        .find(|f| f.path.extension().is_some_and(|e| e == "ann"))
        .unwrap();
    let ann = String::from_utf8(ann.bytes.clone()).unwrap();
    assert!(ann.contains("T1\tORG 0 5;6 11\tHello world\n"), "{ann}");
    assert!(ann.contains("\tAccordFragments T1\t0 11\n"), "{ann}");
    let back = read(&ann);
    assert_eq!(fragments(&back), [(0, 11)]);
    assert!(back.problems.is_empty(), "{:?}", back.problems);

    // The pieces changed in brat since: the offsets as written, and said why.
    let changed = read(&ann.replace("0 5;6 11\tHello world", "0 5;6 15\tHello world and"));
    assert_eq!(fragments(&changed), [(0, 5), (6, 15)]);
    assert!(
        changed
            .problems
            .iter()
            .any(|p| p.detail.contains("AccordFragments note no longer matches")),
        "{:?}",
        changed.problems
    );
}

/// A corpus of one document, `a.txt` holding `text`, with one span `label` over the chars
/// `start..end`.
fn one_span_corpus(
    text: &str,
    label: &str,
    (start, end): (usize, usize),
    schema: Schema,
) -> Corpus {
    let mut doc = CorpusDocument::new("a.txt", text);
    doc.annotations.push(Annotation {
        id: AnnotationId(1),
        label: label.into(),
        fragments: vec![Fragment {
            start,
            end,
            text: text.chars().skip(start).take(end - start).collect(),
        }],
        attributes: BTreeMap::new(),
        note: String::new(),
        review: Review::default(),
        author: "gen".into(),
        created: fixed_now(),
        modified: fixed_now(),
        source: None,
        conflict: None,
    });
    doc.next_id = 2;
    Corpus {
        name: "t".into(),
        annotator: "gen".into(),
        schema,
        documents: vec![doc],
        groups: Vec::new(),
    }
}

#[test]
fn conll_writes_a_label_with_white_space_as_one_column() {
    let corpus = one_span_corpus(
        "Посол Астаны и 北京 встретились\n",
        "CAPITAL\u{a0}CITY NAME",
        (6, 14),
        Schema::default_schema(),
    );
    let (files, _) = export_corpus(&corpus, Format::Conll, &mut go).unwrap();
    let text = String::from_utf8(files[0].bytes.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "-DOCSTART- -X- -X- O",
            "",
            "Посол _ _ O",
            "Астаны _ _ B-CAPITAL_CITY_NAME",
            "и _ _ I-CAPITAL_CITY_NAME",
            "北 _ _ O",
            "京 _ _ O",
            "встретились _ _ O",
            "",
        ],
        "{text}"
    );
}
