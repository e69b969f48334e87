//! Moving one edge of a span by a cluster or a word, in the text's logical order. Which way is
//! "right on screen" depends on the direction of the line, which the caller knows from its
//! layout ([`crate::layout::Direction::is_forward`]).

use super::Edit;
use crate::model::boundaries::{StepUnit, step_boundary};
use crate::model::{Annotation, CharRange, Document};

/// Which end of a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// The start of its first fragment.
    Start,
    /// The end of its last fragment.
    End,
}

/// The edit that moves `edge` of `annotation` one `unit` forward (towards the end of the text)
/// or backward. `None` when the edge cannot move: it is at an end of the text, or the fragment
/// would become empty.
pub fn move_edge(
    doc: &Document,
    annotation: &Annotation,
    edge: Edge,
    forward: bool,
    unit: StepUnit,
) -> Option<Edit> {
    let index = match edge {
        Edge::Start => 0,
        Edge::End => annotation.fragments.len().checked_sub(1)?,
    };
    let fragment = annotation.fragments.get(index)?.range();
    let at = match edge {
        Edge::Start => fragment.start,
        Edge::End => fragment.end,
    };
    let mut moved = step_boundary(doc, at, forward, unit);
    if unit == StepUnit::Word {
        // A word move leaves the spaces between words out, as a drag does: a start edge
        // stops at the next word's first letter, an end edge after the last word's last one.
        let blank = |i: usize| {
            doc.slice(CharRange::new(i, i + 1))
                .is_some_and(|c| c.chars().all(char::is_whitespace))
        };
        match edge {
            Edge::Start => {
                while moved < fragment.end && blank(moved) {
                    moved += 1;
                }
            }
            Edge::End => {
                while moved > fragment.start && blank(moved - 1) {
                    moved -= 1;
                }
            }
        }
    }
    let range = match edge {
        Edge::Start => CharRange {
            start: moved,
            end: fragment.end,
        },
        Edge::End => CharRange {
            start: fragment.start,
            end: moved,
        },
    };
    (moved != at && range.start < range.end).then_some(Edit::ResizeFragment {
        id: annotation.id,
        index,
        range,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AnnotationId, Fragment, Review, Timestamp};

    fn span(doc: &Document, ranges: &[(usize, usize)]) -> Annotation {
        Annotation {
            id: AnnotationId(7),
            label: "MONEY".into(),
            fragments: ranges
                .iter()
                .map(|&(start, end)| Fragment {
                    start,
                    end,
                    text: doc
                        .slice(CharRange::new(start, end))
                        .unwrap_or_default()
                        .to_owned(),
                })
                .collect(),
            attributes: Default::default(),
            note: String::new(),
            review: Review::default(),
            author: "t".into(),
            created: Timestamp::default(),
            modified: Timestamp::default(),
            source: None,
            conflict: None,
        }
    }

    fn moved(edit: Option<Edit>) -> Option<(usize, CharRange)> {
        match edit {
            Some(Edit::ResizeFragment { index, range, .. }) => Some((index, range)),
            _ => None,
        }
    }

    #[test]
    fn the_end_edge_grows_by_a_word_in_arabic() {
        // "إلى ملياري دولار": a span over "ملياري" grows over " دولار" by one word.
        let doc = Document::from_text("a.txt", "إلى ملياري دولار");
        let ann = span(&doc, &[(4, 10)]);
        assert_eq!(
            moved(move_edge(&doc, &ann, Edge::End, true, StepUnit::Word)),
            Some((0, CharRange::new(4, 16)))
        );
        // And back by a word from the start of the next one: to the start of "ملياري".
        assert_eq!(
            moved(move_edge(&doc, &ann, Edge::Start, false, StepUnit::Word)),
            Some((0, CharRange::new(0, 10)))
        );
    }

    #[test]
    fn word_moves_leave_the_space_out_in_kazakh_and_arabic() {
        // Kazakh: the start of "Қазақстан тауар айналымы" moved right by a word.
        let doc = Document::from_text("a.txt", "Қазақстан тауар айналымы");
        let ann = span(&doc, &[(0, 24)]);
        let (_, range) = moved(move_edge(&doc, &ann, Edge::Start, true, StepUnit::Word)).unwrap();
        assert_eq!(doc.slice(range), Some("тауар айналымы"));
        // And its end moved back by a word: no trailing space.
        let (_, range) = moved(move_edge(&doc, &ann, Edge::End, false, StepUnit::Word)).unwrap();
        assert_eq!(doc.slice(range), Some("Қазақстан тауар"));
        // Arabic (Ctrl+Alt+← moves the start forward in right-to-left text).
        let doc = Document::from_text("a.txt", "الجانب الكازاخستاني");
        let ann = span(&doc, &[(0, 19)]);
        let (_, range) = moved(move_edge(&doc, &ann, Edge::Start, true, StepUnit::Word)).unwrap();
        assert_eq!(doc.slice(range), Some("الكازاخستاني"));
    }

    #[test]
    fn a_cluster_step_never_splits_a_letter_from_its_haraka() {
        // ك َ ت َ ب َ
        let doc = Document::from_text("a.txt", "كَتَبَ");
        let ann = span(&doc, &[(0, 2)]);
        assert_eq!(
            moved(move_edge(&doc, &ann, Edge::End, true, StepUnit::Cluster)),
            Some((0, CharRange::new(0, 4)))
        );
        let ann = span(&doc, &[(2, 6)]);
        assert_eq!(
            moved(move_edge(&doc, &ann, Edge::Start, false, StepUnit::Cluster)),
            Some((0, CharRange::new(0, 6)))
        );
    }

    #[test]
    fn an_edge_that_would_empty_the_span_or_leave_the_text_stays() {
        let doc = Document::from_text("a.txt", "ab cd");
        let ann = span(&doc, &[(0, 1)]);
        assert_eq!(
            move_edge(&doc, &ann, Edge::End, false, StepUnit::Cluster),
            None
        );
        assert_eq!(
            move_edge(&doc, &ann, Edge::Start, false, StepUnit::Cluster),
            None
        );
        let ann = span(&doc, &[(3, 5)]);
        assert_eq!(move_edge(&doc, &ann, Edge::End, true, StepUnit::Word), None);
    }

    #[test]
    fn a_discontinuous_span_moves_its_outer_edges() {
        let doc = Document::from_text("a.txt", "one two three four");
        let ann = span(&doc, &[(0, 3), (8, 13)]);
        assert_eq!(
            moved(move_edge(&doc, &ann, Edge::End, true, StepUnit::Word)),
            Some((1, CharRange::new(8, 18)))
        );
        assert_eq!(
            moved(move_edge(&doc, &ann, Edge::Start, true, StepUnit::Cluster)),
            Some((0, CharRange::new(1, 3)))
        );
    }
}
