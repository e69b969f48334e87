//! Edits: random sequences undo back to the start and redo to the end exactly; invalid edits
//! are refused with their typed error and change nothing; removal cleans up links and
//! references and undo puts them back; ids are never reused.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use accord::edit::{self, Edit, EditContext, EditError, History};
use accord::model::{
    AnnotationId, AttributeValue, CharRange, Document, LinkId, ReviewState, Timestamp,
};
use accord::project::{DocId, Project, Workspace};
use accord::rules::Problem;
use accord::schema::{Layer, Schema};
use accord::store::AnnotationStore;

use crate::common::{Snapshot, fixed_now, snapshot};

// ---------------------------------------------------------------------------------------------
// Random edit sequences
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Op {
    Add {
        start: usize,
        len: usize,
        label: usize,
    },
    Remove {
        target: usize,
    },
    Relabel {
        target: usize,
        label: usize,
    },
    Resize {
        target: usize,
        index: usize,
        start: usize,
        len: usize,
    },
    AddFragment {
        target: usize,
        start: usize,
        len: usize,
    },
    RemoveFragment {
        target: usize,
        index: usize,
    },
    SetAttribute {
        target: usize,
        which: usize,
        pick: usize,
        clear: bool,
    },
    SetNote {
        target: usize,
        note: String,
    },
    SetReview {
        target: usize,
        state: usize,
    },
    AddLink {
        from: usize,
        to: usize,
        kind: usize,
    },
    RemoveLink {
        target: usize,
    },
    /// A commitment and its attributes in one step, referring to the id it is about to get.
    AddCommitmentBatch {
        start: usize,
        pick: usize,
    },
    /// Several independent edits in one step (it fails as a whole if any part fails).
    Batch(Vec<Op>),
    /// Edits that must be refused.
    Invalid {
        which: usize,
        pick: usize,
    },
    Undo,
    Redo,
}

fn leaf_op() -> impl Strategy<Value = Op> {
    let n = 0..10_000usize;
    prop_oneof![
        8 => (n.clone(), 0..30usize, n.clone()).prop_map(|(start, len, label)| Op::Add { start, len, label }),
        2 => n.clone().prop_map(|target| Op::Remove { target }),
        2 => (n.clone(), n.clone()).prop_map(|(target, label)| Op::Relabel { target, label }),
        2 => (n.clone(), 0..3usize, n.clone(), 0..30usize)
            .prop_map(|(target, index, start, len)| Op::Resize { target, index, start, len }),
        2 => (n.clone(), n.clone(), 0..10usize)
            .prop_map(|(target, start, len)| Op::AddFragment { target, start, len }),
        1 => (n.clone(), 0..3usize).prop_map(|(target, index)| Op::RemoveFragment { target, index }),
        3 => (n.clone(), 0..5usize, n.clone(), proptest::bool::weighted(0.2))
            .prop_map(|(target, which, pick, clear)| Op::SetAttribute { target, which, pick, clear }),
        1 => (n.clone(), "\\PC{0,12}").prop_map(|(target, note)| Op::SetNote { target, note }),
        1 => (n.clone(), 0..4usize).prop_map(|(target, state)| Op::SetReview { target, state }),
        3 => (n.clone(), n.clone(), 0..3usize).prop_map(|(from, to, kind)| Op::AddLink { from, to, kind }),
        1 => n.clone().prop_map(|target| Op::RemoveLink { target }),
        2 => (n.clone(), n.clone()).prop_map(|(start, pick)| Op::AddCommitmentBatch { start, pick }),
        1 => (0..8usize, n.clone()).prop_map(|(which, pick)| Op::Invalid { which, pick }),
        2 => Just(Op::Undo),
        1 => Just(Op::Redo),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        12 => leaf_op(),
        1 => proptest::collection::vec(leaf_op(), 1..5).prop_map(Op::Batch),
    ]
}

fn ids(store: &AnnotationStore, labels: &[&str]) -> Vec<AnnotationId> {
    store
        .annotations()
        .filter(|a| labels.is_empty() || labels.contains(&a.label.as_str()))
        .map(|a| a.id)
        .collect()
}

fn pick<T: Copy>(items: &[T], i: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[i % items.len()])
}

fn range_in(doc: &Document, start: usize, len: usize) -> CharRange {
    let n = doc.len_chars();
    let start = start % n;
    CharRange::new(start, (start + 1 + len).min(n))
}

/// The concrete edit for `op` on the current store, or `None` when there is nothing to act on.
fn to_edit(op: &Op, store: &AnnotationStore, doc: &Document, schema: &Schema) -> Option<Edit> {
    let all = ids(store, &[]);
    Some(match op {
        Op::Add { start, len, label } => {
            let label = &schema.labels[label % schema.labels.len()];
            let mut attributes = BTreeMap::new();
            if label.layer == Layer::Commitment {
                attributes.insert("kind".into(), AttributeValue::Enum("support".into()));
            }
            Edit::Add {
                label: label.name.clone(),
                ranges: vec![range_in(doc, *start, *len)],
                attributes,
                source: None,
            }
        }
        Op::Remove { target } => Edit::Remove {
            id: pick(&all, *target)?,
        },
        Op::Relabel { target, label } => Edit::Relabel {
            id: pick(&all, *target)?,
            label: schema.labels[label % schema.labels.len()].name.clone(),
        },
        Op::Resize {
            target,
            index,
            start,
            len,
        } => Edit::ResizeFragment {
            id: pick(&all, *target)?,
            index: *index,
            range: range_in(doc, *start, *len),
        },
        Op::AddFragment { target, start, len } => Edit::AddFragment {
            id: pick(&all, *target)?,
            range: range_in(doc, *start, *len),
        },
        Op::RemoveFragment { target, index } => Edit::RemoveFragment {
            id: pick(&all, *target)?,
            index: *index,
        },
        Op::SetAttribute {
            target,
            which,
            pick: p,
            clear,
        } => {
            let id = pick(&ids(store, &["COMMITMENT"]), *target)?;
            let (name, value) = attribute_value(store, *which, *p);
            Edit::SetAttribute {
                id,
                name: name.into(),
                value: (!clear).then_some(value),
            }
        }
        Op::SetNote { target, note } => Edit::SetNote {
            id: pick(&all, *target)?,
            note: note.clone(),
        },
        Op::SetReview { target, state } => Edit::SetReview {
            id: pick(&all, *target)?,
            state: ReviewState::ALL[state % 4],
        },
        Op::AddLink { from, to, kind } => Edit::AddLink {
            kind: schema.relations[kind % schema.relations.len()].name.clone(),
            from: pick(&all, *from)?,
            to: pick(&all, *to)?,
        },
        Op::RemoveLink { target } => {
            let links: Vec<LinkId> = store.links().map(|l| l.id).collect();
            Edit::RemoveLink {
                id: pick(&links, *target)?,
            }
        }
        Op::AddCommitmentBatch { start, pick: p } => {
            let id = AnnotationId(store.next_id());
            let (name, value) = attribute_value(store, 2, *p);
            Edit::Batch(vec![
                Edit::Add {
                    label: "COMMITMENT".into(),
                    ranges: vec![range_in(doc, *start, 12)],
                    attributes: BTreeMap::from([(
                        "kind".into(),
                        AttributeValue::Enum("pledge".into()),
                    )]),
                    source: None,
                },
                Edit::SetAttribute {
                    id,
                    name: name.into(),
                    value: Some(value),
                },
                Edit::SetNote {
                    id,
                    note: "batch".into(),
                },
            ])
        }
        Op::Batch(ops) => Edit::Batch(
            ops.iter()
                .filter_map(|o| to_edit(o, store, doc, schema))
                .collect(),
        ),
        Op::Invalid { which, pick: p } => invalid_edit(*which, *p, store, doc)?,
        Op::Undo | Op::Redo => return None,
    })
}

fn attribute_value(
    store: &AnnotationStore,
    which: usize,
    p: usize,
) -> (&'static str, AttributeValue) {
    match which {
        0 => (
            "kind",
            AttributeValue::Enum(["pledge", "agreement", "request"][p % 3].into()),
        ),
        1 => (
            "status",
            AttributeValue::Enum(["new", "broken"][p % 2].into()),
        ),
        2 => {
            let actors = ids(store, &["PERSON", "COUNTRY", "ORG"]);
            let n = actors.len().min(1 + p % 3);
            let start = if actors.is_empty() {
                0
            } else {
                p % actors.len()
            };
            let refs: Vec<AnnotationId> =
                actors.iter().cycle().skip(start).take(n).copied().collect();
            ("actors", AttributeValue::Refs(refs))
        }
        3 => match pick(&ids(store, &["MONEY", "AGREEMENT"]), p) {
            Some(t) if !p.is_multiple_of(3) => ("target", AttributeValue::Refs(vec![t])),
            _ => ("target", AttributeValue::Text(format!("target {p}"))),
        },
        _ => match pick(&ids(store, &["DATE"]), p) {
            Some(t) if p.is_multiple_of(2) => ("deadline", AttributeValue::Refs(vec![t])),
            _ => ("deadline", AttributeValue::Text("within five years".into())),
        },
    }
}

/// Edits that every store must refuse.
fn invalid_edit(which: usize, p: usize, store: &AnnotationStore, doc: &Document) -> Option<Edit> {
    let n = doc.len_chars();
    let missing = AnnotationId(store.next_id() + 1000);
    let any = pick(&ids(store, &[]), p);
    Some(match which {
        0 => Edit::Add {
            label: "PERSON".into(),
            ranges: vec![CharRange::new(n - 1, n + 1 + p % 5)],
            attributes: BTreeMap::new(),
            source: None,
        },
        1 => Edit::Add {
            label: "NOT_A_LABEL".into(),
            ranges: vec![CharRange::new(0, 1)],
            attributes: BTreeMap::new(),
            source: None,
        },
        2 => Edit::SetAttribute {
            id: pick(&ids(store, &["COMMITMENT"]), p)?,
            name: "kind".into(),
            value: Some(AttributeValue::Bool(true)),
        },
        3 => Edit::SetAttribute {
            id: pick(&ids(store, &["COMMITMENT"]), p)?,
            name: "actors".into(),
            value: Some(AttributeValue::Refs(vec![missing])),
        },
        4 => Edit::AddLink {
            kind: "represents".into(),
            from: any?,
            to: any?,
        },
        5 => Edit::Add {
            label: "DATE".into(),
            ranges: vec![CharRange::new(0, 4.min(n)), CharRange::new(0, 2.min(n))],
            attributes: BTreeMap::new(),
            source: None,
        },
        6 => Edit::Remove { id: missing },
        // A batch whose last part fails: the first parts must be rolled back.
        _ => Edit::Batch(vec![
            Edit::Add {
                label: "PERSON".into(),
                ranges: vec![CharRange::new(0, 1)],
                attributes: BTreeMap::new(),
                source: None,
            },
            Edit::SetNote {
                id: AnnotationId(store.next_id()),
                note: "x".into(),
            },
            Edit::RemoveLink {
                id: LinkId(missing.0),
            },
        ]),
    })
}

/// The timestamp of step `i`: every step gets its own, so undo must restore stored times
/// rather than stamp new ones.
fn stamp(i: usize) -> Timestamp {
    Timestamp(format!(
        "2026-11-{:02}T{:02}:{:02}:00Z",
        1 + i / 1440 % 28,
        i / 60 % 24,
        i % 60
    ))
}

fn new_ids(before: &Snapshot, after: &Snapshot) -> BTreeSet<u64> {
    let old: BTreeSet<u64> = before
        .annotations
        .iter()
        .map(|a| a.id.0)
        .chain(before.links.iter().map(|l| l.id.0))
        .collect();
    after
        .annotations
        .iter()
        .map(|a| a.id.0)
        .chain(after.links.iter().map(|l| l.id.0))
        .filter(|id| !old.contains(id))
        .collect()
}

fn ever_used(s: &Snapshot) -> impl Iterator<Item = u64> + '_ {
    s.annotations
        .iter()
        .map(|a| a.id.0)
        .chain(s.links.iter().map(|l| l.id.0))
}

/// Runs `ops` with [`edit::apply`] and a [`History`], checking every invariant on the way.
fn run_ops(doc: &Document, ops: &[Op], seed_ops: &[Op]) {
    let schema = Schema::default_schema();
    let mut store = AnnotationStore::new();
    let seed_now = fixed_now();
    for op in seed_ops {
        if let Some(e) = to_edit(op, &store, doc, &schema) {
            let ctx = EditContext {
                schema: &schema,
                document: doc,
                author: "seed",
                now: &seed_now,
            };
            let _ = edit::apply(&mut store, &ctx, &e);
        }
    }
    let original = snapshot(&store);
    let mut used: BTreeSet<u64> = ever_used(&original).collect();
    let mut history: History<Edit> = History::new();
    let mut tip = original.clone();

    for (i, op) in ops.iter().enumerate() {
        let now = stamp(i);
        let ctx = EditContext {
            schema: &schema,
            document: doc,
            author: "bob",
            now: &now,
        };
        let before = snapshot(&store);
        let revision = store.revision();
        match op {
            Op::Undo | Op::Redo => {
                let result = if matches!(op, Op::Undo) {
                    history.undo(|e| edit::apply(&mut store, &ctx, e))
                } else {
                    history.redo(|e| edit::apply(&mut store, &ctx, e))
                };
                if let Some(Err(e)) = result {
                    panic!("{op:?} failed at step {i}: {e}");
                }
                if !history.can_redo() {
                    tip = snapshot(&store);
                }
            }
            _ => {
                let Some(edit) = to_edit(op, &store, doc, &schema) else {
                    continue;
                };
                match edit::apply(&mut store, &ctx, &edit) {
                    Ok(inverse) => {
                        assert!(
                            !matches!(op, Op::Invalid { .. }),
                            "accepted invalid {edit:?}"
                        );
                        history.record(inverse);
                        let after = snapshot(&store);
                        for id in new_ids(&before, &after) {
                            assert!(!used.contains(&id), "id {id} reused by {edit:?}");
                        }
                        tip = after;
                    }
                    Err(e) => {
                        assert_eq!(
                            snapshot(&store),
                            before,
                            "refused {edit:?} ({e}) changed the store"
                        );
                        assert_eq!(
                            store.revision(),
                            revision,
                            "refused {edit:?} ({e}) marked the store changed"
                        );
                    }
                }
            }
        }
        let now_state = snapshot(&store);
        assert!(now_state.next_id >= before.next_id, "next_id went down");
        used.extend(ever_used(&now_state));
        for a in &now_state.annotations {
            for f in &a.fragments {
                assert_eq!(
                    Some(f.text.as_str()),
                    doc.slice(f.range()),
                    "stale text in {}",
                    a.id
                );
            }
        }
    }

    let undo_ctx_now = stamp(100_000);
    let ctx = EditContext {
        schema: &schema,
        document: doc,
        author: "bob",
        now: &undo_ctx_now,
    };
    let mut undone = 0;
    while let Some(result) = history.undo(|e| edit::apply(&mut store, &ctx, e)) {
        result.unwrap_or_else(|e| panic!("undo #{undone} failed: {e}"));
        undone += 1;
    }
    let back = snapshot(&store);
    assert_eq!(
        back.annotations, original.annotations,
        "undo all did not restore the annotations"
    );
    assert_eq!(
        back.links, original.links,
        "undo all did not restore the links"
    );
    while let Some(result) = history.redo(|e| edit::apply(&mut store, &ctx, e)) {
        result.unwrap_or_else(|e| panic!("redo failed: {e}"));
    }
    let again = snapshot(&store);
    assert_eq!(
        again.annotations, tip.annotations,
        "redo all did not give the final annotations"
    );
    assert_eq!(
        again.links, tip.links,
        "redo all did not give the final links"
    );
}

fn edit_documents() -> Vec<Document> {
    let mut docs = crate::common::sample_documents();
    docs.extend(crate::common::synthetic_documents());
    docs
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn undo_all_restores_and_redo_all_replays(
        doc_index in 0..9usize,
        seed in proptest::collection::vec(leaf_op(), 0..12),
        ops in proptest::collection::vec(op(), 1..60),
    ) {
        let docs = edit_documents();
        run_ops(&docs[doc_index % docs.len()], &ops, &seed);
    }
}

// ---------------------------------------------------------------------------------------------
// Through the workspace: steps over two documents, undo/redo, save and reopen
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn workspace_steps_across_documents_undo_redo_and_save(
        ops in proptest::collection::vec((0..2usize, leaf_op()), 1..30),
    ) {
        let dir = crate::common::sample_project();
        let project = Project::open(dir.path()).unwrap();
        let mut ws = Workspace::open(project, "alice");
        let schema = ws.project.schema.clone();
        let original: Vec<Snapshot> = ws.doc_ids().map(|d| snapshot(ws.store(d))).collect();
        let mut tip = original.clone();
        for (doc, op) in &ops {
            let doc = &DocId(*doc);
            match op {
                Op::Undo => { ws.undo().unwrap(); }
                Op::Redo => { ws.redo().unwrap(); }
                _ => {
                    let document = ws.document(*doc).unwrap().clone();
                    let Some(edit) = to_edit(op, ws.store(*doc), &document, &schema) else { continue };
                    // Each step also notes annotation #1 of the other document: while that does
                    // not exist the whole step must fail and change nothing; then the edit is
                    // applied on its own.
                    let step = vec![(*doc, edit), (DocId(1 - doc.0), Edit::SetNote { id: AnnotationId(1), note: "n".into() })];
                    let before: Vec<Snapshot> = ws.doc_ids().map(|d| snapshot(ws.store(d))).collect();
                    if ws.apply(step).is_err() {
                        let after: Vec<Snapshot> = ws.doc_ids().map(|d| snapshot(ws.store(d))).collect();
                        prop_assert_eq!(&after, &before);
                        let single = to_edit(op, ws.store(*doc), &document, &schema).unwrap();
                        let _ = ws.apply(vec![(*doc, single)]);
                    }
                }
            }
            if !ws.can_redo() {
                tip = ws.doc_ids().map(|d| snapshot(ws.store(d))).collect();
            }
        }
        while ws.undo().unwrap() {}
        for (d, want) in original.iter().enumerate() {
            prop_assert_eq!(&snapshot(ws.store(DocId(d))).annotations, &want.annotations);
            prop_assert_eq!(&snapshot(ws.store(DocId(d))).links, &want.links);
        }
        while ws.redo().unwrap() {}
        for (d, want) in tip.iter().enumerate() {
            prop_assert_eq!(&snapshot(ws.store(DocId(d))).annotations, &want.annotations);
            prop_assert_eq!(&snapshot(ws.store(DocId(d))).links, &want.links);
        }
        for (_, saved) in ws.save_all() {
            saved.unwrap();
        }
        prop_assert!(!ws.is_dirty());
        let reopened = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
        for (d, want) in tip.iter().enumerate() {
            prop_assert_eq!(&snapshot(reopened.store(DocId(d))), want);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Unit tests
// ---------------------------------------------------------------------------------------------

/// Tokayev (PERSON) represents Kazakhstan (COUNTRY); a COMMITMENT by Tokayev to "2 billion
/// dollars" (MONEY) "within five years" (DATE).
struct Fixture {
    schema: Schema,
    doc: Document,
    now: Timestamp,
    store: AnnotationStore,
    person: AnnotationId,
    country: AnnotationId,
    money: AnnotationId,
    date: AnnotationId,
    commitment: AnnotationId,
    link: LinkId,
}

const TEXT: &str =
    "President Tokayev said Kazakhstan will raise trade to 2 billion dollars within five years.\n";

impl Fixture {
    fn new() -> Self {
        let schema = Schema::default_schema();
        let doc = Document::from_text("f.txt", TEXT);
        let now = fixed_now();
        let mut f = Fixture {
            schema,
            doc,
            now,
            store: AnnotationStore::new(),
            person: AnnotationId(0),
            country: AnnotationId(0),
            money: AnnotationId(0),
            date: AnnotationId(0),
            commitment: AnnotationId(0),
            link: LinkId(0),
        };
        f.person = f.add("PERSON", "President Tokayev", BTreeMap::new());
        f.country = f.add("COUNTRY", "Kazakhstan", BTreeMap::new());
        f.money = f.add("MONEY", "2 billion dollars", BTreeMap::new());
        f.date = f.add("DATE", "within five years", BTreeMap::new());
        f.commitment = f.add(
            "COMMITMENT",
            "will raise trade to 2 billion dollars within five years",
            BTreeMap::from([
                ("kind".into(), AttributeValue::Enum("pledge".into())),
                (
                    "actors".into(),
                    AttributeValue::Refs(vec![f.person, f.country]),
                ),
                ("target".into(), AttributeValue::Refs(vec![f.money])),
                ("deadline".into(), AttributeValue::Refs(vec![f.date])),
            ]),
        );
        let inverse = f
            .apply(&Edit::AddLink {
                kind: "represents".into(),
                from: f.person,
                to: f.country,
            })
            .unwrap();
        let Edit::RemoveLink { id } = inverse else {
            panic!("AddLink returns RemoveLink")
        };
        f.link = id;
        f
    }

    fn range(&self, needle: &str) -> CharRange {
        let start = crate::common::char_offset_of(&self.doc, needle);
        CharRange::new(start, start + needle.chars().count())
    }

    fn add(
        &mut self,
        label: &str,
        needle: &str,
        attributes: BTreeMap<String, AttributeValue>,
    ) -> AnnotationId {
        let edit = Edit::Add {
            label: label.into(),
            ranges: vec![self.range(needle)],
            attributes,
            source: None,
        };
        match self.apply(&edit) {
            Ok(Edit::Remove { id }) => id,
            other => panic!("adding {label} {needle:?}: {other:?}"),
        }
    }

    fn apply(&mut self, edit: &Edit) -> Result<Edit, EditError> {
        let ctx = EditContext {
            schema: &self.schema,
            document: &self.doc,
            author: "alice",
            now: &self.now,
        };
        edit::apply(&mut self.store, &ctx, edit)
    }

    /// Applies an edit that must be refused and checks nothing changed; returns the error.
    fn refuse(&mut self, edit: Edit) -> EditError {
        let before = snapshot(&self.store);
        let revision = self.store.revision();
        let err = self
            .apply(&edit)
            .expect_err(&format!("{edit:?} must be refused"));
        assert_eq!(
            snapshot(&self.store),
            before,
            "refused {edit:?} changed the store"
        );
        assert_eq!(
            self.store.revision(),
            revision,
            "refused {edit:?} marked the store changed"
        );
        err
    }
}

#[test]
fn invalid_edits_return_typed_errors_and_change_nothing() {
    let mut f = Fixture::new();
    let len = f.doc.len_chars();
    let none = BTreeMap::new;

    let err = f.refuse(Edit::Add {
        label: "PERSON".into(),
        ranges: vec![CharRange::new(len - 2, len + 3)],
        attributes: none(),
        source: None,
    });
    assert_eq!(
        err,
        EditError::Invalid(Problem::OutOfBounds {
            range: CharRange::new(len - 2, len + 3),
            len
        })
    );

    let err = f.refuse(Edit::Add {
        label: "PERSON".into(),
        ranges: vec![CharRange::new(len + 5, len + 9)],
        attributes: none(),
        source: None,
    });
    assert!(
        matches!(err, EditError::Invalid(Problem::OutOfBounds { .. })),
        "{err}"
    );

    let err = f.refuse(Edit::Add {
        label: "PERSON".into(),
        ranges: vec![CharRange::new(3, 3)],
        attributes: none(),
        source: None,
    });
    assert!(
        matches!(err, EditError::Invalid(Problem::EmptyRange(_))),
        "{err}"
    );

    let err = f.refuse(Edit::Add {
        label: "PERSON".into(),
        ranges: vec![],
        attributes: none(),
        source: None,
    });
    assert_eq!(err, EditError::Invalid(Problem::NoFragments));

    let err = f.refuse(Edit::Add {
        label: "POLITICIAN".into(),
        ranges: vec![CharRange::new(0, 9)],
        attributes: none(),
        source: None,
    });
    assert_eq!(
        err,
        EditError::Invalid(Problem::UnknownLabel("POLITICIAN".into()))
    );

    let err = f.refuse(Edit::Relabel {
        id: f.person,
        label: "POLITICIAN".into(),
    });
    assert_eq!(
        err,
        EditError::Invalid(Problem::UnknownLabel("POLITICIAN".into()))
    );

    // Wrong attribute types: a bool for an enum, an enum value not in the list, text where
    // only span references are allowed.
    let c = f.commitment;
    let err = f.refuse(Edit::SetAttribute {
        id: c,
        name: "kind".into(),
        value: Some(AttributeValue::Bool(true)),
    });
    assert!(
        matches!(&err, EditError::Invalid(Problem::WrongType { name, .. }) if name == "kind"),
        "{err}"
    );
    let err = f.refuse(Edit::SetAttribute {
        id: c,
        name: "kind".into(),
        value: Some(AttributeValue::Enum("threat".into())),
    });
    assert!(
        matches!(&err, EditError::Invalid(Problem::WrongType { name, .. }) if name == "kind"),
        "{err}"
    );
    let err = f.refuse(Edit::SetAttribute {
        id: c,
        name: "actors".into(),
        value: Some(AttributeValue::Text("Tokayev".into())),
    });
    assert!(
        matches!(&err, EditError::Invalid(Problem::WrongType { name, .. }) if name == "actors"),
        "{err}"
    );
    let err = f.refuse(Edit::SetAttribute {
        id: c,
        name: "mood".into(),
        value: Some(AttributeValue::Text("x".into())),
    });
    assert!(
        matches!(&err, EditError::Invalid(Problem::UnknownAttribute { name, .. }) if name == "mood"),
        "{err}"
    );
    let err = f.refuse(Edit::Add {
        label: "PERSON".into(),
        ranges: vec![CharRange::new(0, 9)],
        attributes: BTreeMap::from([("kind".into(), AttributeValue::Enum("pledge".into()))]),
        source: None,
    });
    assert!(
        matches!(err, EditError::Invalid(Problem::UnknownAttribute { .. })),
        "{err}"
    );

    // Dangling and disallowed references.
    let err = f.refuse(Edit::SetAttribute {
        id: c,
        name: "actors".into(),
        value: Some(AttributeValue::Refs(vec![AnnotationId(999)])),
    });
    assert!(
        matches!(
            err,
            EditError::Invalid(Problem::DanglingReference {
                target: AnnotationId(999),
                ..
            })
        ),
        "{err}"
    );
    let err = f.refuse(Edit::SetAttribute {
        id: c,
        name: "target".into(),
        value: Some(AttributeValue::Refs(vec![c])),
    });
    assert!(
        matches!(err, EditError::Invalid(Problem::DanglingReference { .. })),
        "a self reference: {err}"
    );
    let money = f.money;
    let err = f.refuse(Edit::SetAttribute {
        id: c,
        name: "actors".into(),
        value: Some(AttributeValue::Refs(vec![money])),
    });
    assert!(
        matches!(&err, EditError::Invalid(Problem::LabelNotAllowed { label, .. }) if label == "MONEY"),
        "{err}"
    );
    let (p, d) = (f.person, f.date);
    let err = f.refuse(Edit::SetAttribute {
        id: c,
        name: "deadline".into(),
        value: Some(AttributeValue::Refs(vec![d, d])),
    });
    assert!(
        matches!(err, EditError::Invalid(Problem::WrongType { .. })),
        "two refs where one is allowed: {err}"
    );
    let err = f.refuse(Edit::AddLink {
        kind: "represents".into(),
        from: p,
        to: AnnotationId(999),
    });
    assert!(
        matches!(
            err,
            EditError::Invalid(Problem::DanglingReference {
                target: AnnotationId(999),
                ..
            })
        ),
        "{err}"
    );

    // Overlapping fragments.
    let in_person = f.range("Tokayev");
    let err = f.refuse(Edit::AddFragment {
        id: p,
        range: in_person,
    });
    assert!(
        matches!(err, EditError::Invalid(Problem::OverlappingFragments(..))),
        "{err}"
    );
    let err = f.refuse(Edit::Add {
        label: "EVENT".into(),
        ranges: vec![CharRange::new(0, 5), CharRange::new(4, 8)],
        attributes: none(),
        source: None,
    });
    assert!(
        matches!(err, EditError::Invalid(Problem::OverlappingFragments(..))),
        "{err}"
    );

    // Links: to itself, unknown kind, labels the relation does not take.
    let err = f.refuse(Edit::AddLink {
        kind: "represents".into(),
        from: p,
        to: p,
    });
    assert_eq!(err, EditError::Invalid(Problem::SelfLink));
    let country = f.country;
    let err = f.refuse(Edit::AddLink {
        kind: "likes".into(),
        from: p,
        to: country,
    });
    assert_eq!(
        err,
        EditError::Invalid(Problem::UnknownRelation("likes".into()))
    );
    let err = f.refuse(Edit::AddLink {
        kind: "represents".into(),
        from: country,
        to: p,
    });
    assert!(
        matches!(err, EditError::Invalid(Problem::LabelNotAllowed { .. })),
        "{err}"
    );

    // Things that do not exist.
    assert_eq!(
        f.refuse(Edit::Remove {
            id: AnnotationId(999)
        }),
        EditError::UnknownAnnotation(AnnotationId(999))
    );
    assert_eq!(
        f.refuse(Edit::SetNote {
            id: AnnotationId(999),
            note: "x".into()
        }),
        EditError::UnknownAnnotation(AnnotationId(999))
    );
    assert_eq!(
        f.refuse(Edit::RemoveLink { id: LinkId(999) }),
        EditError::UnknownLink(LinkId(999))
    );
    assert_eq!(
        f.refuse(Edit::ResizeFragment {
            id: p,
            index: 1,
            range: CharRange::new(0, 3)
        }),
        EditError::UnknownFragment { id: p, index: 1 }
    );
    assert_eq!(
        f.refuse(Edit::RemoveFragment { id: p, index: 4 }),
        EditError::UnknownFragment { id: p, index: 4 }
    );
    let err = f.refuse(Edit::RemoveFragment { id: p, index: 0 });
    assert_eq!(
        err,
        EditError::Invalid(Problem::NoFragments),
        "removing the only fragment"
    );
    let link = f.link;
    assert_eq!(
        f.refuse(Edit::Put(Box::new(accord::model::Annotation {
            id: AnnotationId(link.0),
            ..f.store.get(p).unwrap().clone()
        }))),
        EditError::IdInUse(link.0)
    );
    let err = f.refuse(Edit::ResizeFragment {
        id: p,
        index: 0,
        range: CharRange::new(len, len + 4),
    });
    assert!(
        matches!(err, EditError::Invalid(Problem::OutOfBounds { .. })),
        "{err}"
    );
}

#[test]
fn a_failed_batch_changes_nothing_not_even_the_id_counter() {
    let mut f = Fixture::new();
    let next = f.store.next_id();
    let err = f.refuse(Edit::Batch(vec![
        Edit::Add {
            label: "EVENT".into(),
            ranges: vec![f.range("said")],
            attributes: BTreeMap::new(),
            source: None,
        },
        Edit::SetNote {
            id: AnnotationId(next),
            note: "created in the batch".into(),
        },
        Edit::Remove { id: f.person },
        Edit::AddLink {
            kind: "represents".into(),
            from: f.country,
            to: f.country,
        },
    ]));
    assert_eq!(err, EditError::Invalid(Problem::SelfLink));
    assert_eq!(f.store.next_id(), next);
    // The next successful add gets the id the failed batch would have used.
    let id = f.add("EVENT", "said", BTreeMap::new());
    assert_eq!(id, AnnotationId(next));
}

#[test]
fn removing_an_annotation_removes_its_links_and_references_and_undo_restores_them() {
    let mut f = Fixture::new();
    let (p, country, c) = (f.person, f.country, f.commitment);
    // A second link into the country, from another person.
    let other = f.add("PERSON", "Tokayev said", BTreeMap::new());
    f.apply(&Edit::AddLink {
        kind: "represents".into(),
        from: other,
        to: country,
    })
    .unwrap();
    let before = snapshot(&f.store);

    f.now = Timestamp("2027-01-01T00:00:00Z".into());
    let inverse = f.apply(&Edit::Remove { id: country }).unwrap();
    assert!(f.store.get(country).is_none());
    assert_eq!(
        f.store.links_of(country).count(),
        0,
        "the link to the removed country is gone"
    );
    assert!(f.store.link(f.link).is_none());
    let actors = f.store.get(c).unwrap().attributes.get("actors").cloned();
    assert_eq!(
        actors,
        Some(AttributeValue::Refs(vec![p])),
        "the commitment no longer names the country"
    );
    assert_eq!(f.store.referrers_of(country).count(), 0);

    // Remove the person too: the actors attribute, now empty, goes away.
    let inverse2 = f.apply(&Edit::Remove { id: p }).unwrap();
    assert!(!f.store.get(c).unwrap().attributes.contains_key("actors"));

    f.apply(&inverse2).unwrap();
    f.apply(&inverse).unwrap();
    assert_eq!(
        snapshot(&f.store).annotations,
        before.annotations,
        "undo restores annotations, attributes and times exactly"
    );
    assert_eq!(
        snapshot(&f.store).links,
        before.links,
        "undo restores the links with their ids"
    );
}

#[test]
fn ids_are_never_reused_after_remove_or_undo() {
    let mut f = Fixture::new();
    let money = f.money;
    let highest = f.store.next_id() - 1;
    f.apply(&Edit::Remove { id: money }).unwrap();
    let a = f.add("EVENT", "said", BTreeMap::new());
    assert!(a.0 > highest, "id {a} reuses a removed id");
    // Undo the add, then add again: a fresh id, not the undone one.
    let inverse = f.apply(&Edit::Remove { id: a }).unwrap();
    let b = f.add("EVENT", "said", BTreeMap::new());
    assert!(b.0 > a.0, "id {b} after undoing {a}");
    // Redo of the undone add (Put) keeps its own id and does not collide.
    f.apply(&inverse).unwrap();
    assert_eq!(f.store.get(a).map(|x| x.label.as_str()), Some("EVENT"));
    let c = f.add("EVENT", "trade", BTreeMap::new());
    assert!(c.0 > b.0);
    // Links share the counter.
    let Ok(Edit::RemoveLink { id }) = f.apply(&Edit::AddLink {
        kind: "party_to".into(),
        from: f.country,
        to: a,
    }) else {
        panic!()
    };
    assert!(id.0 > c.0);
    assert!(f.store.get(AnnotationId(id.0)).is_none());
}

/// Relabelling an annotation must not leave other annotations or links pointing at a label
/// they do not accept: such a store cannot be undone (putting back the referrer is refused) and
/// `accord validate` would report an error the user never made directly.
#[test]
fn relabel_that_would_break_a_reference_or_link_is_refused() {
    let mut f = Fixture::new();
    let (p, money, country) = (f.person, f.money, f.country);
    // The person is an actor of the commitment and represents the country.
    let err = f.refuse(Edit::Relabel {
        id: p,
        label: "DATE".into(),
    });
    assert!(
        matches!(err, EditError::Invalid(Problem::LabelNotAllowed { .. })),
        "{err}"
    );
    // The money is the commitment's target: AGREEMENT is allowed there, DATE is not.
    let err = f.refuse(Edit::Relabel {
        id: money,
        label: "DATE".into(),
    });
    assert!(
        matches!(err, EditError::Invalid(Problem::LabelNotAllowed { .. })),
        "{err}"
    );
    f.apply(&Edit::Relabel {
        id: money,
        label: "AGREEMENT".into(),
    })
    .unwrap();
    // The country is the link's target: ORG is allowed there.
    f.apply(&Edit::Relabel {
        id: country,
        label: "ORG".into(),
    })
    .unwrap();

    // And the scenario that used to make undo fail: relabel, remove the referrer, undo.
    let mut h: History<Edit> = History::new();
    let c = f.commitment;
    let date = f.date;
    if let Ok(inv) = f.apply(&Edit::Relabel {
        id: date,
        label: "EVENT".into(),
    }) {
        h.record(inv);
    }
    h.record(f.apply(&Edit::Remove { id: c }).unwrap());
    while let Some(r) = h.undo(|e| {
        let ctx = EditContext {
            schema: &f.schema,
            document: &f.doc,
            author: "alice",
            now: &f.now,
        };
        edit::apply(&mut f.store, &ctx, e)
    }) {
        r.unwrap();
    }
    assert!(f.store.get(c).is_some());
}

#[test]
fn relabel_keeps_shared_attributes_and_undo_restores_the_rest() {
    let mut f = Fixture::new();
    let c = f.commitment;
    let before = f.store.get(c).unwrap().clone();
    let inverse = f
        .apply(&Edit::Relabel {
            id: c,
            label: "EVENT".into(),
        })
        .unwrap();
    let after = f.store.get(c).unwrap();
    assert_eq!(after.label, "EVENT");
    assert!(
        after.attributes.is_empty(),
        "EVENT has none of COMMITMENT's attributes"
    );
    f.apply(&inverse).unwrap();
    assert_eq!(f.store.get(c).unwrap(), &before);
}

#[test]
fn resize_and_fragments_recopy_the_document_text() {
    let mut f = Fixture::new();
    let p = f.person;
    f.apply(&Edit::ResizeFragment {
        id: p,
        index: 0,
        range: f.range("Tokayev"),
    })
    .unwrap();
    assert_eq!(f.store.get(p).unwrap().text(), "Tokayev");
    f.apply(&Edit::AddFragment {
        id: p,
        range: f.range("President"),
    })
    .unwrap();
    let person = f.store.get(p).unwrap();
    assert_eq!(
        person
            .fragments
            .iter()
            .map(|x| x.text.as_str())
            .collect::<Vec<_>>(),
        ["President", "Tokayev"]
    );
    assert_eq!(person.text(), "President … Tokayev");
    f.apply(&Edit::RemoveFragment { id: p, index: 1 }).unwrap();
    assert_eq!(f.store.get(p).unwrap().text(), "President");
}

#[test]
fn the_same_label_over_the_same_text_twice_is_refused() {
    let dir = crate::common::sample_project();
    let mut ws = Workspace::open(Project::open(dir.path()).unwrap(), "alice");
    let doc = DocId(0);
    let add = |label: &str, start: usize, end: usize| Edit::Add {
        label: label.into(),
        ranges: vec![CharRange::new(start, end)],
        attributes: BTreeMap::new(),
        source: None,
    };
    let first = ws.apply(vec![(doc, add("COUNTRY", 0, 5))]).unwrap().created[0].1;
    let err = ws.apply(vec![(doc, add("COUNTRY", 0, 5))]).unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("{first} already marks this text")),
        "{err}"
    );
    // Another label over it, or the same label over other text, is fine.
    ws.apply(vec![(doc, add("LOCATION", 0, 5))]).unwrap();
    let other = ws.apply(vec![(doc, add("COUNTRY", 6, 9))]).unwrap().created[0].1;
    // Moving an edge onto the first one's text is refused too.
    let err = ws
        .apply(vec![(
            doc,
            Edit::ResizeFragment {
                id: other,
                index: 0,
                range: CharRange::new(0, 5),
            },
        )])
        .unwrap_err();
    assert!(err.to_string().contains("already marks"), "{err}");
    assert_eq!(ws.store(doc).len(), 3);
}
