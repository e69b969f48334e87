//! The rules one annotation or link must follow, against its document and the schema: the
//! [`Problem`]s [`crate::edit`] refuses an edit for (on the first blocking one) and
//! [`crate::validate`] reports for every file of a project.

use thiserror::Error;

use crate::model::{Annotation, AnnotationId, AttributeValue, CharRange, Document, Link};
use crate::schema::{AttributeKind, Schema};

/// Something wrong with an annotation or link.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum Problem {
    /// The schema has no such label.
    #[error("label {0:?} is not in the schema")]
    UnknownLabel(String),
    /// An annotation needs at least one fragment.
    #[error("it has no fragment")]
    NoFragments,
    /// A range holds no char.
    #[error("fragment {0} is empty")]
    EmptyRange(CharRange),
    /// A range runs past the end of the document.
    #[error("fragment {range} runs past the end of the document ({len} chars)")]
    OutOfBounds {
        /// The range.
        range: CharRange,
        /// The document's length in chars.
        len: usize,
    },
    /// Fragments overlap or are not in start order.
    #[error("fragments {0} and {1} overlap or are out of order")]
    OverlappingFragments(CharRange, CharRange),
    /// The copied text is not what the document holds there.
    #[error("fragment {range} says {stored:?} but the document has {actual:?} there")]
    TextMismatch {
        /// The range.
        range: CharRange,
        /// The text in the annotation file.
        stored: String,
        /// The text in the document.
        actual: String,
    },
    /// A fragment starts or ends inside a grapheme cluster (e.g. between a letter and its
    /// haraka).
    #[error("fragment {range} splits a character cluster at char {offset}")]
    SplitsCluster {
        /// The range.
        range: CharRange,
        /// The offending end.
        offset: usize,
    },
    /// The label has no attribute of this name.
    #[error("label {label:?} has no attribute {name:?}")]
    UnknownAttribute {
        /// The label.
        label: String,
        /// The attribute.
        name: String,
    },
    /// The value does not fit the attribute's type.
    #[error("attribute {name:?} takes {expected}, not {value}")]
    WrongType {
        /// The attribute.
        name: String,
        /// What it takes.
        expected: String,
        /// What was given.
        value: String,
    },
    /// A required attribute has no value.
    #[error("required attribute {0:?} is missing")]
    MissingRequired(String),
    /// A reference to an annotation that does not exist (or to the annotation itself).
    #[error("{what} refers to {target}, which does not exist in this file")]
    DanglingReference {
        /// The attribute or link.
        what: String,
        /// The missing annotation.
        target: AnnotationId,
    },
    /// A reference to an annotation whose label is not allowed there.
    #[error("{what} cannot point at a {label} annotation")]
    LabelNotAllowed {
        /// The attribute or relation.
        what: String,
        /// The target's label.
        label: String,
    },
    /// The schema has no such relation kind.
    #[error("relation {0:?} is not in the schema")]
    UnknownRelation(String),
    /// A link from an annotation to itself.
    #[error("it links an annotation to itself")]
    SelfLink,
}

impl Problem {
    /// True for problems an edit must not introduce. A missing required attribute is only
    /// reported (annotators fill attributes in after creating the span), and a fragment that
    /// splits a cluster may come from another tool's import.
    pub fn blocks_edit(&self) -> bool {
        !matches!(
            self,
            Problem::MissingRequired(_)
                | Problem::SplitsCluster { .. }
                | Problem::TextMismatch { .. }
        )
    }
}

/// Every problem of one annotation. `label_of` gives the label of another annotation of the
/// same file, or `None` when there is no such annotation. With no `document`, checks that need
/// the text are skipped.
pub fn annotation_problems<'a>(
    ann: &Annotation,
    document: Option<&Document>,
    schema: &Schema,
    label_of: impl Fn(AnnotationId) -> Option<&'a str>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    if ann.fragments.is_empty() {
        problems.push(Problem::NoFragments);
    }
    for f in &ann.fragments {
        let range = CharRange {
            start: f.start,
            end: f.end,
        };
        if f.start >= f.end {
            problems.push(Problem::EmptyRange(range));
            continue;
        }
        let Some(doc) = document else { continue };
        if f.end > doc.len_chars() {
            problems.push(Problem::OutOfBounds {
                range,
                len: doc.len_chars(),
            });
            continue;
        }
        let actual = doc.slice(range).unwrap_or_default();
        if actual != f.text {
            problems.push(Problem::TextMismatch {
                range,
                stored: f.text.clone(),
                actual: actual.to_owned(),
            });
        }
        for offset in [f.start, f.end] {
            if !doc.is_grapheme_boundary(offset) {
                problems.push(Problem::SplitsCluster { range, offset });
            }
        }
    }
    for pair in ann.fragments.windows(2) {
        if pair[0].end > pair[1].start {
            problems.push(Problem::OverlappingFragments(
                pair[0].range(),
                pair[1].range(),
            ));
        }
    }
    let Some(label) = schema.label(&ann.label) else {
        problems.push(Problem::UnknownLabel(ann.label.clone()));
        return problems;
    };
    for (name, value) in &ann.attributes {
        match label.attribute(name) {
            None => problems.push(Problem::UnknownAttribute {
                label: ann.label.clone(),
                name: name.clone(),
            }),
            Some(def) => value_problems(name, &def.kind, value, ann.id, &label_of, &mut problems),
        }
    }
    for def in &label.attributes {
        let empty = match ann.attributes.get(&def.name) {
            None => true,
            Some(AttributeValue::Refs(ids)) => ids.is_empty(),
            Some(AttributeValue::Text(t)) => t.trim().is_empty(),
            Some(_) => false,
        };
        if def.required && empty {
            problems.push(Problem::MissingRequired(def.name.clone()));
        }
    }
    problems
}

fn value_problems<'a>(
    name: &str,
    kind: &AttributeKind,
    value: &AttributeValue,
    own_id: AnnotationId,
    label_of: &impl Fn(AnnotationId) -> Option<&'a str>,
    problems: &mut Vec<Problem>,
) {
    let wrong = |expected: String| Problem::WrongType {
        name: name.to_owned(),
        expected,
        value: value.display(),
    };
    match (kind, value) {
        (AttributeKind::Enum { values }, AttributeValue::Enum(v)) => {
            if !values.contains(v) {
                problems.push(wrong(describe_kind(kind)));
            }
        }
        (AttributeKind::Text, AttributeValue::Text(_))
        | (AttributeKind::Bool, AttributeValue::Bool(_))
        | (
            AttributeKind::SpanRef {
                text_allowed: true, ..
            },
            AttributeValue::Text(_),
        ) => {}
        (AttributeKind::SpanRef { labels, many, .. }, AttributeValue::Refs(ids)) => {
            if !many && ids.len() > 1 {
                problems.push(wrong("a single span reference".into()));
            }
            let mut seen = std::collections::HashSet::new();
            if ids.iter().any(|id| !seen.insert(*id)) {
                problems.push(wrong("each span reference once".into()));
            }
            for &target in ids {
                match label_of(target).filter(|_| target != own_id) {
                    None => problems.push(Problem::DanglingReference {
                        what: format!("attribute {name:?}"),
                        target,
                    }),
                    Some(l) if !labels.is_empty() && !labels.iter().any(|a| a == l) => {
                        problems.push(Problem::LabelNotAllowed {
                            what: format!("attribute {name:?}"),
                            label: l.to_owned(),
                        });
                    }
                    Some(_) => {}
                }
            }
        }
        (kind, _) => problems.push(wrong(describe_kind(kind))),
    }
}

/// Every problem of one link.
pub fn link_problems<'a>(
    link: &Link,
    schema: &Schema,
    label_of: impl Fn(AnnotationId) -> Option<&'a str>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    if link.from == link.to {
        problems.push(Problem::SelfLink);
    }
    let relation = schema.relation(&link.kind);
    if relation.is_none() {
        problems.push(Problem::UnknownRelation(link.kind.clone()));
    }
    let ends = [
        (link.from, relation.map(|r| &r.from_labels)),
        (link.to, relation.map(|r| &r.to_labels)),
    ];
    for (end, allowed) in ends {
        match label_of(end) {
            None => problems.push(Problem::DanglingReference {
                what: format!("{} ({})", link.id, link.kind),
                target: end,
            }),
            Some(l) => {
                if let Some(allowed) = allowed
                    && !allowed.is_empty()
                    && !allowed.iter().any(|a| a == l)
                {
                    problems.push(Problem::LabelNotAllowed {
                        what: format!("relation {:?}", link.kind),
                        label: l.to_owned(),
                    });
                }
            }
        }
    }
    problems
}

/// A short description of an attribute type, for messages.
pub fn describe_kind(kind: &AttributeKind) -> String {
    match kind {
        AttributeKind::Enum { values } => format!("one of {}", values.join(", ")),
        AttributeKind::Text => "text".into(),
        AttributeKind::Bool => "yes or no".into(),
        AttributeKind::SpanRef {
            text_allowed: true, ..
        } => "span references or text".into(),
        AttributeKind::SpanRef { .. } => "span references".into(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::{Fragment, Review, Timestamp};

    fn commitment(attributes: BTreeMap<String, AttributeValue>) -> Annotation {
        Annotation {
            id: AnnotationId(9),
            label: "COMMITMENT".into(),
            fragments: vec![Fragment {
                start: 0,
                end: 3,
                text: "abc".into(),
            }],
            attributes,
            note: String::new(),
            review: Review::default(),
            author: "t".into(),
            created: Timestamp::default(),
            modified: Timestamp::default(),
            source: None,
            conflict: None,
        }
    }

    #[test]
    fn empty_references_do_not_fill_a_required_attribute_and_repeats_are_refused() {
        let schema = Schema::default_schema();
        let label_of = |id: AnnotationId| (id.0 == 1).then_some("COUNTRY");
        let mut attrs = BTreeMap::new();
        attrs.insert("kind".into(), AttributeValue::Enum("pledge".into()));
        attrs.insert("actors".into(), AttributeValue::Refs(vec![]));
        let problems = annotation_problems(&commitment(attrs.clone()), None, &schema, label_of);
        assert_eq!(problems, vec![Problem::MissingRequired("actors".into())]);

        attrs.insert(
            "actors".into(),
            AttributeValue::Refs(vec![AnnotationId(1), AnnotationId(1)]),
        );
        let problems = annotation_problems(&commitment(attrs), None, &schema, label_of);
        assert!(
            matches!(problems.as_slice(), [Problem::WrongType { expected, .. }] if expected.contains("once")),
            "{problems:?}"
        );
        assert!(problems[0].blocks_edit());
    }
}
