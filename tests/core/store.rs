//! Annotation files round-trip: whatever the edit API can build on any document (sample
//! articles, astral chars, Arabic with harakat, CRLF, control chars), saving and loading gives
//! the same annotations and links back, and saving again writes the same bytes.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use accord::edit::{self, Edit, EditContext};
use accord::model::{AnnotationId, AttributeValue, CharRange, Document, ReviewState, Timestamp};
use accord::schema::{Layer, Schema};
use accord::store::{AnnotationFile, AnnotationStore, DocumentStamp};

use crate::common::{Snapshot, fixed_now, sample_documents, snapshot, synthetic_documents};

/// All documents the round trip is checked on.
fn all_documents() -> Vec<Document> {
    let mut docs = sample_documents();
    docs.extend(synthetic_documents());
    docs
}

/// One random step, in terms that are turned into a concrete edit against the current store.
#[derive(Clone, Debug)]
enum Op {
    Add {
        start: usize,
        len: usize,
        label: usize,
    },
    AddFragment {
        target: usize,
        start: usize,
        len: usize,
    },
    SetAttribute {
        target: usize,
        which: usize,
        pick: usize,
        text: String,
    },
    AddLink {
        from: usize,
        to: usize,
        kind: usize,
    },
    SetNote {
        target: usize,
        note: String,
    },
    SetReview {
        target: usize,
        state: usize,
    },
}

/// Strings biased towards what breaks writers: quotes, backslashes, `#`, `r`, CR, LF, tab,
/// NUL and other control chars, plus any Unicode scalar.
fn tricky_string() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => any::<char>(),
            1 => Just('"'),
            1 => Just('\\'),
            1 => Just('#'),
            1 => Just('r'),
            1 => Just('\r'),
            1 => Just('\n'),
            1 => Just('\t'),
            1 => Just('\0'),
            1 => Just('\u{1b}'),
            1 => Just('َ'),
        ],
        0..24,
    )
    .prop_map(String::from_iter)
}

fn op() -> impl Strategy<Value = Op> {
    let n = 0..10_000usize;
    prop_oneof![
        6 => (n.clone(), 0..40usize, n.clone()).prop_map(|(start, len, label)| Op::Add { start, len, label }),
        1 => (n.clone(), n.clone(), 0..20usize)
            .prop_map(|(target, start, len)| Op::AddFragment { target, start, len }),
        3 => (n.clone(), 0..5usize, n.clone(), tricky_string())
            .prop_map(|(target, which, pick, text)| Op::SetAttribute { target, which, pick, text }),
        2 => (n.clone(), n.clone(), 0..3usize).prop_map(|(from, to, kind)| Op::AddLink { from, to, kind }),
        2 => (n.clone(), tricky_string()).prop_map(|(target, note)| Op::SetNote { target, note }),
        1 => (n.clone(), 0..4usize).prop_map(|(target, state)| Op::SetReview { target, state }),
    ]
}

fn ids_with(store: &AnnotationStore, labels: &[&str]) -> Vec<AnnotationId> {
    store
        .annotations()
        .filter(|a| labels.is_empty() || labels.contains(&a.label.as_str()))
        .map(|a| a.id)
        .collect()
}

fn pick<T: Copy>(items: &[T], i: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[i % items.len()])
}

/// Turns an [`Op`] into an edit that usually succeeds on the current store.
fn to_edit(op: &Op, store: &AnnotationStore, doc: &Document, schema: &Schema) -> Option<Edit> {
    let len = doc.len_chars();
    let range = |start: usize, extra: usize| {
        let start = start % len;
        CharRange::new(start, (start + 1 + extra).min(len))
    };
    let all = ids_with(store, &[]);
    Some(match op {
        Op::Add {
            start,
            len: extra,
            label,
        } => {
            let label = &schema.labels[label % schema.labels.len()];
            let mut attributes = BTreeMap::new();
            if label.layer == Layer::Commitment {
                attributes.insert("kind".to_owned(), AttributeValue::Enum("pledge".to_owned()));
            }
            Edit::Add {
                label: label.name.clone(),
                ranges: vec![range(*start, *extra)],
                attributes,
                source: None,
            }
        }
        Op::AddFragment {
            target,
            start,
            len: extra,
        } => Edit::AddFragment {
            id: pick(&all, *target)?,
            range: range(*start, *extra),
        },
        Op::SetAttribute {
            target,
            which,
            pick: p,
            text,
        } => {
            let id = pick(&ids_with(store, &["COMMITMENT"]), *target)?;
            let (name, value) = match which {
                0 => (
                    "kind",
                    AttributeValue::Enum(["pledge", "agreement", "support"][p % 3].into()),
                ),
                1 => (
                    "status",
                    AttributeValue::Enum(["new", "fulfilled"][p % 2].into()),
                ),
                2 => {
                    let actors = ids_with(store, &["PERSON", "COUNTRY", "ORG"]);
                    let n = actors.len().min(1 + p % 3);
                    (
                        "actors",
                        AttributeValue::Refs(actors.into_iter().take(n).collect()),
                    )
                }
                3 => match pick(&ids_with(store, &["MONEY", "COUNTRY"]), *p) {
                    Some(t) if p % 2 == 0 => ("target", AttributeValue::Refs(vec![t])),
                    _ => ("target", AttributeValue::Text(text.clone())),
                },
                _ => ("deadline", AttributeValue::Text(text.clone())),
            };
            Edit::SetAttribute {
                id,
                name: name.to_owned(),
                value: Some(value),
            }
        }
        Op::AddLink { from, to, kind } => Edit::AddLink {
            kind: schema.relations[kind % schema.relations.len()].name.clone(),
            from: pick(&all, *from)?,
            to: pick(&all, *to)?,
        },
        Op::SetNote { target, note } => Edit::SetNote {
            id: pick(&all, *target)?,
            note: note.clone(),
        },
        Op::SetReview { target, state } => Edit::SetReview {
            id: pick(&all, *target)?,
            state: ReviewState::ALL[state % 4],
        },
    })
}

/// Authors with characters a careless writer would mangle.
const AUTHORS: [&str; 3] = ["alice", "Алия", "مريم \"q\" \\b #"];

/// Builds a store on `doc` from random ops through the real edit API.
fn build_store(doc: &Document, schema: &Schema, ops: &[Op]) -> AnnotationStore {
    let mut store = AnnotationStore::new();
    let now = fixed_now();
    for (i, op) in ops.iter().enumerate() {
        let Some(edit) = to_edit(op, &store, doc, schema) else {
            continue;
        };
        let ctx = EditContext {
            schema,
            document: doc,
            author: AUTHORS[i % AUTHORS.len()],
            now: &now,
        };
        let before = snapshot(&store);
        if edit::apply(&mut store, &ctx, &edit).is_err() {
            assert_eq!(
                snapshot(&store),
                before,
                "a refused {edit:?} changed the store"
            );
        }
    }
    store
}

/// Saves `store` to `path`, loads it back, and checks everything survived; returns the text.
fn round_trip(store: &AnnotationStore, doc: &Document, path: &Path) -> String {
    let stamp = DocumentStamp::of(doc);
    AnnotationFile::from_store(store, stamp.clone(), "alice")
        .save(path)
        .expect("save");
    let first = std::fs::read_to_string(path).expect("the saved file is UTF-8");

    let loaded = AnnotationFile::load(path).expect("load what we saved");
    assert_eq!(loaded.document, stamp);
    assert_eq!(loaded.annotator, "alice");
    let reloaded = loaded.into_store(path).expect("into_store");
    let (want, got): (Snapshot, Snapshot) = (snapshot(store), snapshot(&reloaded));
    for (w, g) in want.annotations.iter().zip(&got.annotations) {
        assert_eq!(w, g, "annotation {} changed in {}", w.id, doc.file_name);
    }
    assert_eq!(
        want, got,
        "store changed by a save and load of {}",
        doc.file_name
    );
    for a in reloaded.annotations() {
        for f in &a.fragments {
            assert_eq!(
                Some(f.text.as_str()),
                doc.slice(f.range()),
                "fragment {}..{} of {} in {}",
                f.start,
                f.end,
                a.id,
                doc.file_name
            );
            // Reviewers read these files: letters (Arabic harakat included) must be written as
            // they are, not as `\u{..}` escapes. Control chars may be escaped.
            assert!(
                f.text.chars().any(char::is_control) || first.contains(&f.text),
                "fragment text {:?} is not written verbatim in the file",
                f.text
            );
        }
    }

    // The workspace's way: straight into a store, and straight from it.
    let streamed = AnnotationFile::load_store(path).expect("load_store");
    assert_eq!(
        snapshot(&streamed.store),
        want,
        "load_store of {}",
        doc.file_name
    );
    assert_eq!(
        AnnotationFile::store_to_ron(&streamed.store, &stamp, "alice", path).expect("encode"),
        first
    );

    AnnotationFile::from_store(&reloaded, stamp, "alice")
        .save(path)
        .expect("save again");
    let second = std::fs::read_to_string(path).expect("UTF-8");
    assert_eq!(first, second, "saving a reloaded store changed the bytes");
    first
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn random_annotations_round_trip_on_every_document(
        doc_index in 0..9usize,
        ops in proptest::collection::vec(op(), 1..40),
    ) {
        let docs = all_documents();
        let doc = &docs[doc_index % docs.len()];
        let schema = Schema::default_schema();
        let store = build_store(doc, &schema, &ops);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("annotations").join("alice").join(format!("{}.ron", doc.file_name));
        round_trip(&store, doc, &path);
    }
}

/// Every document gets a fragment on every char (one fragment per char is the finest cut, so
/// every char of every text is written and read back on its own and next to its neighbours).
#[test]
fn a_fragment_on_every_char_of_every_document_round_trips() {
    let schema = Schema::default_schema();
    let now = fixed_now();
    let dir = tempfile::tempdir().unwrap();
    for doc in all_documents() {
        let ctx = EditContext {
            schema: &schema,
            document: &doc,
            author: "alice",
            now: &now,
        };
        let mut store = AnnotationStore::new();
        // Chunks of 1..=7 chars cover the whole text: each char lands at a start, an inside
        // and an end of some fragment across the two passes.
        for (pass, width, label) in [(0, 1usize, "EVENT"), (1, 7, "DATE")] {
            let mut start = pass;
            while start < doc.len_chars() {
                let end = (start + width).min(doc.len_chars());
                let edit = Edit::Add {
                    label: label.into(),
                    ranges: vec![CharRange::new(start, end)],
                    attributes: BTreeMap::new(),
                    source: None,
                };
                edit::apply(&mut store, &ctx, &edit)
                    .unwrap_or_else(|e| panic!("{} {start}..{end}: {e}", doc.file_name));
                start = end;
            }
        }
        let path = dir.path().join(format!("{}.ron", doc.file_name));
        round_trip(&store, &doc, &path);
    }
}

/// Notes, attribute texts and authors are free text: every ASCII char (NUL included) and the
/// sequences that end or open raw strings must come back unchanged.
#[test]
fn free_text_with_every_ascii_char_and_raw_string_delimiters_round_trips() {
    let schema = Schema::default_schema();
    let doc = Document::from_text("t.txt", "Tokayev promised 2 billion dollars.\n");
    let mut texts: Vec<String> = (0u8..=127)
        .map(|b| format!("[{}]", char::from(b)))
        .collect();
    texts.extend(
        [
            "",
            "\"",
            "\\",
            "\\\"",
            "\"#",
            "\"##",
            "#\"",
            "r#\"raw\"#",
            "r\"",
            "ends with a quote\"",
            "ends with a backslash\\",
            "ends with a hash#",
            "###\"###",
            "\r\n",
            "\r",
            "a\r\nb\nc\rd",
            "\u{0}\u{1}\u{7f}",
            "\u{2028}\u{2029}\u{feff}\u{200f}",
            "كَتَبَ الوَلَدُ",
            "20亿美元",
            "😊𠀀",
            "/* not a comment */ // nor this",
        ]
        .map(str::to_owned),
    );
    let now = Timestamp("2026-01-02T03:04:05Z".to_owned());
    let mut store = AnnotationStore::new();
    for (i, text) in texts.iter().enumerate() {
        let author = text.as_str();
        let ctx = EditContext {
            schema: &schema,
            document: &doc,
            author,
            now: &now,
        };
        // Each over other text: the same label twice on one text is refused.
        let start = i % 30;
        let add = Edit::Add {
            label: "COMMITMENT".into(),
            ranges: vec![CharRange::new(start, start + 3 + i / 30)],
            attributes: BTreeMap::from([
                ("kind".to_owned(), AttributeValue::Enum("pledge".into())),
                ("target".to_owned(), AttributeValue::Text(text.clone())),
                (
                    "deadline".to_owned(),
                    AttributeValue::Text(format!("{text}{text}")),
                ),
            ]),
            source: None,
        };
        let Edit::Remove { id } = edit::apply(&mut store, &ctx, &add).unwrap() else {
            panic!("Add returns a Remove");
        };
        edit::apply(
            &mut store,
            &ctx,
            &Edit::SetNote {
                id,
                note: text.clone(),
            },
        )
        .unwrap();
        edit::apply(
            &mut store,
            &ctx,
            &Edit::SetReview {
                id,
                state: ReviewState::Edited,
            },
        )
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.txt.ron");
    round_trip(&store, &doc, &path);
    let reloaded = AnnotationFile::load(&path)
        .unwrap()
        .into_store(&path)
        .unwrap();
    let notes: Vec<&str> = reloaded.annotations().map(|a| a.note.as_str()).collect();
    let want: Vec<&str> = texts.iter().map(String::as_str).collect();
    assert_eq!(notes, want);
}

/// Arabic with harakat, Chinese and Cyrillic stay readable UTF-8 in the file (a reviewer reads
/// the diff), and the file is plain LF text whatever the document's line endings.
#[test]
fn non_ascii_text_is_written_as_readable_utf8() {
    let schema = Schema::default_schema();
    let now = fixed_now();
    let doc = Document::from_text(
        "mixed.txt",
        "كَتَبَ الوَلَدُ\r\n双方同意20亿美元\r\nҚазақстан Республикасы\r\n",
    );
    let ctx = EditContext {
        schema: &schema,
        document: &doc,
        author: "Алия",
        now: &now,
    };
    let mut store = AnnotationStore::new();
    for needle in ["كَتَبَ الوَلَدُ", "20亿美元", "Қазақстан", "\r\n双方"]
    {
        let start = crate::common::char_offset_of(&doc, needle);
        let add = Edit::Add {
            label: "EVENT".into(),
            ranges: vec![CharRange::new(start, start + needle.chars().count())],
            attributes: BTreeMap::new(),
            source: None,
        };
        edit::apply(&mut store, &ctx, &add).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.txt.ron");
    let text = round_trip(&store, &doc, &path);
    for readable in [
        "\"كَتَبَ الوَلَدُ\"",
        "\"20亿美元\"",
        "\"Қазақстан\"",
        "author: \"Алия\"",
    ] {
        assert!(
            text.contains(readable),
            "{readable} is not readable in:\n{text}"
        );
    }
    assert!(!text.contains("\\u{"), "escaped Unicode in:\n{text}");
    // The only CR in the file is the one inside the fragment text.
    assert_eq!(text.matches('\r').count(), 1, "{text}");
}

// ---------------------------------------------------------------------------------------------
// The fast writer and reader against `ron` itself
// ---------------------------------------------------------------------------------------------

mod fast_paths {
    use std::collections::BTreeMap;
    use std::path::Path;

    use proptest::prelude::*;

    use accord::model::{
        Annotation, AnnotationId, AttributeValue, Fragment, Link, LinkId, MergeConflict, Review,
        ReviewState, Source, Suggester, Timestamp,
    };
    use accord::store::file::{migrate, parse_annotation_file, to_pretty_ron};
    use accord::store::{AnnotationFile, DocumentStamp};

    use super::tricky_string;
    use crate::common::snapshot;

    fn value() -> impl Strategy<Value = AttributeValue> {
        prop_oneof![
            tricky_string().prop_map(AttributeValue::Enum),
            tricky_string().prop_map(AttributeValue::Text),
            any::<bool>().prop_map(AttributeValue::Bool),
            proptest::collection::vec(0..40u64, 0..4)
                .prop_map(|ids| AttributeValue::Refs(ids.into_iter().map(AnnotationId).collect())),
        ]
    }

    fn review() -> impl Strategy<Value = Review> {
        (
            0..4usize,
            proptest::option::of(tricky_string()),
            proptest::option::of(tricky_string().prop_map(Timestamp)),
            proptest::collection::vec(tricky_string(), 0..3),
        )
            .prop_map(|(state, reviewer, time, proposed_by)| Review {
                state: ReviewState::ALL[state],
                reviewer,
                time,
                proposed_by,
            })
    }

    /// An annotation, one in four with a merge conflict (the other version removed, or
    /// another annotation).
    fn annotation() -> impl Strategy<Value = Annotation> {
        (
            plain_annotation(),
            prop_oneof![3 => Just(None), 1 => proptest::option::of(plain_annotation()).prop_map(Some)],
        )
            .prop_map(|(mut a, conflict)| {
                a.conflict = conflict.map(|other| Box::new(MergeConflict { other }));
                a
            })
    }

    /// Where an annotation came from: by hand most often, else one of the suggesters.
    fn source() -> impl Strategy<Value = Option<Source>> {
        let suggester = prop_oneof![
            Just(Suggester::Project),
            Just(Suggester::Tagger),
            tricky_string().prop_map(Suggester::Gazetteer),
            tricky_string().prop_map(Suggester::External),
        ];
        prop_oneof![
            2 => Just(None),
            1 => (suggester, 0..=1000u16).prop_map(|(suggester, score)| Some(Source { suggester, score })),
        ]
    }

    fn plain_annotation() -> impl Strategy<Value = Annotation> {
        (
            (
                0..40u64,
                tricky_string(),
                proptest::collection::vec((0..5000usize, 0..5000usize, tricky_string()), 0..3),
            ),
            proptest::collection::btree_map(tricky_string(), value(), 0..3),
            (
                tricky_string(),
                review(),
                tricky_string(),
                tricky_string(),
                tricky_string(),
            ),
            source(),
        )
            .prop_map(
                |(
                    (id, label, fragments),
                    attributes,
                    (note, review, author, created, modified),
                    source,
                )| Annotation {
                    id: AnnotationId(id),
                    label,
                    fragments: fragments
                        .into_iter()
                        .map(|(start, end, text)| Fragment { start, end, text })
                        .collect(),
                    attributes,
                    note,
                    review,
                    author,
                    created: Timestamp(created),
                    modified: Timestamp(modified),
                    source,
                    conflict: None,
                },
            )
    }

    fn file() -> impl Strategy<Value = AnnotationFile> {
        (
            prop_oneof![9 => Just(1u32), 1 => 0..4u32],
            (
                tricky_string(),
                tricky_string(),
                0..100_000usize,
                // Mostly none (UTF-8), as in real files; names and tricky strings otherwise.
                prop_oneof![
                    4 => Just(None),
                    1 => prop_oneof![Just("windows-1251".to_owned()), Just("Shift_JIS".to_owned()), tricky_string()].prop_map(Some),
                ],
            ),
            tricky_string(),
            0..100u64,
            proptest::collection::vec(annotation(), 0..8),
            proptest::collection::vec((40..80u64, tricky_string(), 0..40u64, 0..40u64), 0..4),
        )
            .prop_map(
                |(format, (file, sha256, chars, encoding), annotator, next_id, annotations, links)| {
                    AnnotationFile {
                        format,
                        document: DocumentStamp {
                            file,
                            sha256,
                            chars,
                            encoding,
                        },
                        annotator,
                        next_id,
                        annotations,
                        links: links
                            .into_iter()
                            .map(|(id, kind, from, to)| Link {
                                id: LinkId(id),
                                kind,
                                from: AnnotationId(from),
                                to: AnnotationId(to),
                            })
                            .collect(),
                    }
                },
            )
    }

    /// Keeps the text valid RON while changing its layout the way a hand edit might.
    fn hand_edit(text: &str, seed: u64) -> String {
        let mut out = String::new();
        for (i, line) in text.split_inclusive('\n').enumerate() {
            match (seed + i as u64) % 7 {
                0 => out.push_str("// a comment, \"quoted\" (x: [\n"),
                1 => out.push_str("  /* block /* nested */ comment */  "),
                2 => out.push_str("\r\n\t"),
                _ => {}
            }
            out.push_str(line);
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn fast_writer_and_readers_agree_with_ron(file in file(), seed in any::<u64>()) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("a.txt.ron");
            let text = file.to_ron(&path).unwrap();
            prop_assert_eq!(&text, &to_pretty_ron(&file, &path).unwrap(), "the fast writer differs from ron");

            // A hand edit may land inside a multi-line string; both readers then see the same
            // changed string, so only the unedited text must give `file` back.
            for (edited, text) in [(false, text.clone()), (true, hand_edit(&text, seed))] {
                std::fs::write(&path, &text).unwrap();
                let by_ron = migrate(&text, &path).map_err(|e| e.to_string());
                let parsed = parse_annotation_file(&text, &path).map_err(|e| e.to_string());
                prop_assert_eq!(&parsed, &by_ron);
                let loaded = AnnotationFile::load(&path).map_err(|e| e.to_string());
                prop_assert_eq!(&loaded, &by_ron);
                if file.format == 1 && !edited {
                    prop_assert_eq!(by_ron.as_ref().ok(), Some(&file));
                }
                let slow = by_ron.and_then(|f| {
                    let header = (f.document.clone(), f.annotator.clone());
                    f.into_store(&path).map(|store| (header, store)).map_err(|e| e.to_string())
                });
                let fast = AnnotationFile::load_store(&path).map_err(|e| e.to_string());
                match (slow, fast) {
                    (Ok(((document, annotator), slow)), Ok(fast)) => {
                        prop_assert_eq!(snapshot(&slow), snapshot(&fast.store));
                        prop_assert_eq!(fast.document, document);
                        prop_assert_eq!(fast.annotator, annotator);
                    }
                    (Err(slow), Err(fast)) => prop_assert_eq!(slow, fast),
                    (slow, fast) => prop_assert!(false, "ron: {:?}, fast: {:?}", slow.map(|s| s.1.len()), fast.map(|f| f.store.len())),
                }
            }
        }
    }

    #[test]
    fn hand_written_variants_load_the_same_as_with_ron() {
        let path = Path::new("x.ron");
        let base = std::fs::read_to_string(crate::common::golden("format-1.ron")).unwrap();
        let variants = [
            base.replace("    ", "\t"),
            base.replace(",\n        )", "\n        )"),
            base.replace("id: 1,", "id: 1 /* first */,"),
            base.replace("\"COUNTRY\"", "r\"COUNTRY\""),
            base.replace("format: 1,", "format: 1, extra_field: [1, (a: \"b\")], "),
            base.replace("\"哈萨克斯坦\")", "\"\\u{54c8}萨克斯坦\")"),
            base.replace("next_id: 14,", "next_id: 0x0e,"),
            base.replace("// never there", ""),
            format!("// a header comment\n{base}// a trailer\n"),
            format!("#![enable(implicit_some)]\n{base}"),
            base.replace(
                "review: (state: Accepted, reviewer: Some(\"bob\"),",
                "review: (state: Accepted, reviewer: \"bob\",",
            ),
            base.replace("(", "AnnotationFile("),
            base.replace("links: [", "links: {"),
            base.replace(
                "chars: 2048,",
                "chars: 2048,\n        encoding: Some(\"windows-1251\"),",
            ),
            base.replace("chars: 2048,", "chars: 2048, encoding: None,"),
            base.replace("chars: 2048,", "chars: 2048, encoding: \"GBK\","),
        ];
        for text in &variants {
            let by_ron = migrate(text, path).map_err(|e| e.to_string());
            let parsed = parse_annotation_file(text, path).map_err(|e| e.to_string());
            assert_eq!(parsed, by_ron, "{text}");
        }
        assert!(migrate(&variants[5], path).is_ok(), "ron reads \\u escapes");
        let mut annotations = BTreeMap::new();
        for text in &variants[..5] {
            let file = parse_annotation_file(text, path).unwrap();
            annotations.insert(file.annotations.len(), file);
        }
        assert_eq!(
            annotations.len(),
            1,
            "the same annotations from every layout"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The three-way merge, on random histories
// ---------------------------------------------------------------------------------------------

mod three_way_merge {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use accord::model::{
        Annotation, AnnotationId, AttributeValue, Fragment, Link, LinkId, Timestamp,
    };
    use accord::store::merge::merge_stores;
    use accord::store::merge_text::merge_annotation_texts;
    use accord::store::{AnnotationFile, AnnotationStore, DocumentStamp};

    const LABELS: [&str; 3] = ["PERSON", "ORG", "DATE"];

    fn annotation(id: u64, label: usize, start: usize) -> Annotation {
        Annotation {
            id: AnnotationId(id),
            label: LABELS[label].into(),
            fragments: vec![Fragment {
                start,
                end: start + 2,
                text: String::new(),
            }],
            attributes: BTreeMap::new(),
            note: String::new(),
            review: Default::default(),
            author: format!("author{id}"),
            created: Timestamp::default(),
            modified: Timestamp::default(),
            source: None,
            conflict: None,
        }
    }

    fn stamp() -> DocumentStamp {
        DocumentStamp {
            file: "a.txt".into(),
            sha256: String::new(),
            chars: 100,
            encoding: None,
        }
    }

    fn store(annotations: impl IntoIterator<Item = Annotation>, next_id: u64) -> AnnotationStore {
        with_links(annotations, Vec::new(), next_id)
    }

    fn with_links(
        annotations: impl IntoIterator<Item = Annotation>,
        links: Vec<Link>,
        next_id: u64,
    ) -> AnnotationStore {
        AnnotationFile {
            format: 1,
            document: stamp(),
            annotator: "a".into(),
            next_id,
            annotations: annotations.into_iter().collect(),
            links,
        }
        .into_store(std::path::Path::new("a.ron"))
        .unwrap()
    }

    /// What one side did to each base annotation (0 keep, 1 relabel, 2 move, 3 remove) and
    /// what it added (label, start).
    type Side = (Vec<u8>, Vec<(usize, usize)>);

    fn side(n: usize) -> impl Strategy<Value = Side> {
        (
            proptest::collection::vec(0..4u8, n),
            proptest::collection::vec((0..3usize, 0..8usize), 0..4),
        )
    }

    fn apply_side(base: &AnnotationStore, (changes, added): &Side) -> AnnotationStore {
        let mut out = Vec::new();
        for (a, change) in base.annotations().zip(changes) {
            let mut a = a.clone();
            match change {
                0 => {}
                1 => {
                    a.label =
                        LABELS[(LABELS.iter().position(|l| *l == a.label).unwrap() + 1) % 3].into()
                }
                2 => {
                    a.fragments[0].start += 20;
                    a.fragments[0].end += 20;
                }
                _ => continue,
            }
            // As editing does: the same label over the same text twice is refused.
            if out
                .iter()
                .any(|o: &Annotation| o.label == a.label && o.extent() == a.extent())
            {
                continue;
            }
            out.push(a);
        }
        let mut next = base.next_id();
        for (label, start) in added {
            let new = annotation(next, *label, *start * 3);
            // As editing does: the same label over the same text is refused.
            if out
                .iter()
                .any(|a| a.label == new.label && a.extent() == new.extent())
            {
                continue;
            }
            out.push(new);
            next += 1;
        }
        // Links between annotations still there stay.
        let links = base
            .links()
            .filter(|l| {
                [l.from, l.to]
                    .iter()
                    .all(|e| out.iter().any(|a| a.id == *e))
            })
            .cloned()
            .collect();
        with_links(out, links, next)
    }

    /// `base` with span references (annotation `from` to `to`, by position) and, when asked,
    /// a relation from the first annotation to the last.
    fn with_references(
        base: &AnnotationStore,
        refs: &[(usize, usize)],
        link: bool,
    ) -> AnnotationStore {
        let mut annotations: Vec<Annotation> = base.annotations().cloned().collect();
        let ids: Vec<AnnotationId> = annotations.iter().map(|a| a.id).collect();
        for (from, to) in refs {
            if let (Some(a), Some(to)) = (annotations.get_mut(*from), ids.get(*to)) {
                a.attributes
                    .insert("target".into(), AttributeValue::Refs(vec![*to]));
            }
        }
        let mut next = base.next_id();
        let mut links = Vec::new();
        if link && ids.len() >= 2 {
            links.push(Link {
                id: LinkId(next),
                kind: "rel".into(),
                from: ids[0],
                to: ids[ids.len() - 1],
            });
            next += 1;
        }
        with_links(annotations, links, next)
    }

    fn history() -> impl Strategy<Value = (AnnotationStore, Side, Side)> {
        proptest::collection::vec((0..3usize, 0..8usize), 0..10).prop_flat_map(|base| {
            let n = base.len();
            let base = store(
                base.iter()
                    .enumerate()
                    .map(|(i, (l, s))| annotation(i as u64 + 1, *l, *s * 3)),
                n as u64 + 1,
            );
            (Just(base), side(n), side(n))
        })
    }

    fn all(s: &AnnotationStore) -> Vec<Annotation> {
        s.annotations().cloned().collect()
    }

    /// What a store says, ids aside: each annotation's label and ranges, and for a conflict
    /// both versions in a fixed order.
    fn content(s: &AnnotationStore) -> Vec<String> {
        let key = |a: &Annotation| format!("{} {:?}", a.label, a.extent());
        let mut out: Vec<String> = s
            .annotations()
            .map(|a| match &a.conflict {
                None => key(a),
                Some(c) => {
                    let mut pair = [key(a), c.other.as_ref().map_or("removed".into(), key)];
                    pair.sort();
                    format!("conflict {pair:?}")
                }
            })
            .collect();
        out.sort();
        out
    }

    proptest! {
        /// git's driver merges texts, reading only the annotations that differ: the text it
        /// gives is the text of the whole stores' merge.
        #[test]
        fn a_merge_of_texts_is_the_merge_of_their_stores(
            (base, xs, ys) in history(),
            refs in proptest::collection::vec((0..8usize, 0..8usize), 0..3),
            link: bool,
        ) {
            let base = with_references(&base, &refs, link);
            let x = apply_side(&base, &xs);
            let y = apply_side(&base, &ys);
            let path = std::path::Path::new("a.ron");
            let text = |s: &AnnotationStore| AnnotationFile::store_to_ron(s, &stamp(), "a", path).unwrap();
            let merged = merge_annotation_texts(Some(&text(&base)), &text(&x), &text(&y), path).unwrap();
            let whole = merge_stores(&base, &x, &y);
            prop_assert_eq!(&merged.text, &text(&whole.store));
            prop_assert_eq!(merged.conflicts, whole.store.conflicted().len());
            prop_assert_eq!(&merged.renumbering.mine, &whole.renumbered);
            prop_assert_eq!(&merged.renumbering.folded, &whole.folded);
            prop_assert_eq!(merged.report, whole.report);
        }

        #[test]
        fn merging_a_side_with_itself_or_with_the_base_gives_that_side((base, x, y) in history()) {
            let x = apply_side(&base, &x);
            let y = apply_side(&base, &y);
            prop_assert_eq!(all(&merge_stores(&base, &x, &x).store), all(&x));
            prop_assert_eq!(all(&merge_stores(&base, &base, &y).store), all(&y));
            prop_assert_eq!(all(&merge_stores(&base, &x, &base).store), all(&x));
        }

        #[test]
        fn a_merge_is_symmetric_up_to_ids_and_loses_nothing((base, xs, ys) in history()) {
            let x = apply_side(&base, &xs);
            let y = apply_side(&base, &ys);
            let xy = merge_stores(&base, &x, &y).store;
            let yx = merge_stores(&base, &y, &x).store;
            prop_assert_eq!(content(&xy), content(&yx));
            // Every annotation either side added is there, once among those not in conflict
            // (a conflict's kept version may mark the same text until someone decides).
            for added in x.annotations().chain(y.annotations()).filter(|a| base.get(a.id).is_none()) {
                let same = |a: &Annotation| a.label == added.label && a.extent() == added.extent();
                let settled = xy.annotations().filter(|a| a.conflict.is_none() && same(a)).count();
                let in_conflict = xy.annotations().any(|a| {
                    a.conflict.as_ref().is_some_and(|c| same(a) || c.other.as_ref().is_some_and(same))
                });
                prop_assert!(settled == 1 || (settled == 0 && in_conflict), "{:?}", added);
            }
            // Ids unique and below the counter.
            prop_assert!(xy.annotations().all(|a| a.id.0 < xy.next_id()));
        }
    }
}
