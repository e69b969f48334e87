//! Promises followed across documents: the ledger of every commitment (who commits, to what,
//! by when, what kind, how it stands, which thread it belongs to) and the threads — the
//! cross-document groups — with their members in document-date order. What the Threads panel,
//! the ledger table and `accord commitments` show.
//!
//! The ledger reads the attributes named `actors`, `target`, `deadline`, `kind` and `status`
//! of every label of the commitment layer (the default schema's COMMITMENT has them; a schema
//! without them gets empty columns).

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

use crate::model::{Annotation, AnnotationId, AttributeValue, CrossMember, GroupId};
use crate::project::{DocId, Workspace};
use crate::rules::{Problem, annotation_problems};
use crate::schema::Layer;
use crate::store::AnnotationStore;

/// A date as written in a project file: a year, a month or a day (`2024`, `2024-08`,
/// `2024-08-25`). Sorting puts `2024` before `2024-08` before `2024-08-01`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PartialDate {
    /// The year.
    pub year: u16,
    /// The month, 1–12, when known.
    pub month: Option<u8>,
    /// The day, 1–31, when known.
    pub day: Option<u8>,
}

impl PartialDate {
    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('-');
        let year = parts.next()?;
        if year.len() != 4 {
            return None;
        }
        let year: u16 = year.parse().ok()?;
        let number = |p: Option<&str>, max: u8| -> Result<Option<u8>, ()> {
            match p {
                None => Ok(None),
                Some(p) if p.len() == 2 => match p.parse::<u8>() {
                    Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
                    _ => Err(()),
                },
                Some(_) => Err(()),
            }
        };
        let month = number(parts.next(), 12).ok()?;
        let day = number(parts.next(), 31).ok()?;
        if parts.next().is_some() || (day.is_some() && month.is_none()) {
            return None;
        }
        Some(Self { year, month, day })
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

/// Dated before undated, earlier first.
fn by_date(a: &Option<PartialDate>, b: &Option<PartialDate>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// One commitment of the ledger.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LedgerRow {
    /// Whose annotation it is.
    pub annotator: String,
    /// The document's file.
    pub document: String,
    /// The document in the project.
    #[serde(skip)]
    pub doc: DocId,
    /// The document's language tag.
    pub language: Option<String>,
    /// The document's date as written in the project file.
    pub date: Option<String>,
    /// The commitment's id.
    pub annotation: AnnotationId,
    /// Its label.
    pub label: String,
    /// Its text.
    pub text: String,
    /// Who commits: the texts of the referenced spans.
    pub actors: Vec<String>,
    /// What is promised.
    pub target: Option<String>,
    /// By when.
    pub deadline: Option<String>,
    /// What kind of commitment (pledge, agreement, …).
    pub kind: Option<String>,
    /// How it stands (new, reaffirmed, …).
    pub status: Option<String>,
    /// The thread it belongs to, if any: the group's id.
    pub thread: Option<GroupId>,
    /// The thread's note.
    pub thread_note: Option<String>,
    /// Required attributes not filled in.
    pub missing: Vec<String>,
}

/// The value of attribute `name` as text: the texts of referenced spans, or the text itself.
fn attribute_texts(store: &AnnotationStore, ann: &Annotation, name: &str) -> Vec<String> {
    match ann.attributes.get(name) {
        Some(AttributeValue::Refs(ids)) => ids
            .iter()
            .filter_map(|id| store.get(*id))
            .map(Annotation::text)
            .collect(),
        Some(AttributeValue::Text(t) | AttributeValue::Enum(t)) => vec![t.clone()],
        Some(AttributeValue::Bool(b)) => vec![if *b { "yes" } else { "no" }.to_owned()],
        None => Vec::new(),
    }
}

/// Every commitment of the workspace's annotator, by document date (undated last), then
/// document order, then position in the text.
pub fn ledger(ws: &Workspace) -> Vec<LedgerRow> {
    let schema = &ws.project.schema;
    let groups = &ws.groups().store;
    let mut rows = Vec::new();
    for doc in ws.doc_ids() {
        let (Some(slot), Some(document)) = (ws.project.slot(doc), ws.document(doc)) else {
            continue;
        };
        let store = ws.store(doc);
        for ann in store.in_file_order() {
            let is_commitment = schema
                .label(&ann.label)
                .is_some_and(|l| l.layer == Layer::Commitment);
            if !is_commitment {
                continue;
            }
            let one = |name: &str| attribute_texts(store, ann, name).into_iter().next();
            let member = CrossMember {
                document: slot.file().to_owned(),
                annotation: ann.id,
            };
            let thread = groups.groups_of(&member).next();
            let label_of = |id| store.get(id).map(|a| a.label.as_str());
            let missing = annotation_problems(ann, Some(document), schema, label_of)
                .into_iter()
                .filter_map(|p| match p {
                    Problem::MissingRequired(name) => Some(name),
                    _ => None,
                })
                .collect();
            rows.push(LedgerRow {
                annotator: ws.annotator.clone(),
                document: slot.file().to_owned(),
                doc,
                language: slot.entry.language.clone(),
                date: slot.entry.date.clone(),
                annotation: ann.id,
                label: ann.label.clone(),
                text: ann.text(),
                actors: attribute_texts(store, ann, "actors"),
                target: one("target"),
                deadline: one("deadline"),
                kind: one("kind"),
                status: one("status"),
                thread: thread.map(|g| g.id),
                thread_note: thread.map(|g| g.note.clone()),
                missing,
            });
        }
    }
    rows.sort_by(|a, b| {
        let (da, db) = (
            a.date.as_deref().and_then(PartialDate::parse),
            b.date.as_deref().and_then(PartialDate::parse),
        );
        by_date(&da, &db).then(a.doc.cmp(&b.doc))
    });
    rows
}

/// One member of a thread.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ThreadMember {
    /// The document's file.
    pub document: String,
    /// The document in the project, when it is one.
    #[serde(skip)]
    pub doc: Option<DocId>,
    /// The annotation's id.
    pub annotation: AnnotationId,
    /// The document's language.
    pub language: Option<String>,
    /// The document's date as written.
    pub date: Option<String>,
    /// That date read, when it reads as a date.
    pub when: Option<PartialDate>,
    /// The annotation's label, when it exists.
    pub label: Option<String>,
    /// Its text ("" when the annotation is missing).
    pub text: String,
    /// For commitments: the kind.
    pub kind: Option<String>,
    /// For commitments: the status.
    pub status: Option<String>,
}

/// A thread: a cross-document group with its members in date order (undated last).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Thread {
    /// The group's id.
    pub id: GroupId,
    /// Its kind (`same_commitment`, …).
    pub kind: String,
    /// Its note.
    pub note: String,
    /// The members, earliest document first.
    pub members: Vec<ThreadMember>,
}

/// Every thread of the workspace's annotator, by id, members by document date.
pub fn threads(ws: &Workspace) -> Vec<Thread> {
    ws.groups()
        .store
        .groups()
        .map(|group| {
            let mut members: Vec<ThreadMember> = group
                .members
                .iter()
                .map(|m| {
                    let doc = ws.project.document_index(&m.document);
                    let entry = doc.and_then(|d| ws.project.slot(d)).map(|s| &s.entry);
                    let ann = doc.and_then(|d| ws.store(d).get(m.annotation));
                    let store = doc.map(|d| ws.store(d));
                    let one = |name: &str| {
                        ann.zip(store)
                            .and_then(|(a, s)| attribute_texts(s, a, name).into_iter().next())
                    };
                    let date = entry.and_then(|e| e.date.clone());
                    ThreadMember {
                        document: m.document.clone(),
                        doc,
                        annotation: m.annotation,
                        language: entry.and_then(|e| e.language.clone()),
                        when: date.as_deref().and_then(PartialDate::parse),
                        date,
                        label: ann.map(|a| a.label.clone()),
                        text: ann.map(Annotation::text).unwrap_or_default(),
                        kind: one("kind"),
                        status: one("status"),
                    }
                })
                .collect();
            members.sort_by(|a, b| by_date(&a.when, &b.when).then(a.doc.cmp(&b.doc)));
            Thread {
                id: group.id,
                kind: group.kind.clone(),
                note: group.note.clone(),
                members,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_read_and_sort_as_a_reviewer_expects() {
        let d = |s| PartialDate::parse(s);
        assert_eq!(
            d("2024-08"),
            Some(PartialDate {
                year: 2024,
                month: Some(8),
                day: None
            })
        );
        assert_eq!(
            d("2024-08-25").map(|d| d.to_string()).as_deref(),
            Some("2024-08-25")
        );
        for bad in [
            "24",
            "2024-8",
            "2024-13",
            "2024-08-32",
            "August 2024",
            "2024-08-25-1",
            "",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
        let mut dates = vec![
            d("2025-05-20"),
            None,
            d("2024-08"),
            d("2024"),
            d("2024-08-22"),
        ];
        dates.sort_by(by_date);
        assert_eq!(
            dates,
            vec![
                d("2024"),
                d("2024-08"),
                d("2024-08-22"),
                d("2025-05-20"),
                None
            ]
        );
    }
}
