//! Units for the chance-corrected coefficients: every token of a document
//! ([`crate::model::tokens`]: Unicode words, one unit per Han or Kana character) gets one label
//! per annotator.
//!
//! - A span **covers** a token when one of its fragments shares at least one char with it.
//! - A token no span of the annotator covers is `O` (outside).
//! - Where several spans cover a token (overlapping or nested spans), the **shortest** wins: the
//!   one with the fewest chars over all its fragments, so the innermost of nested spans (a
//!   MONEY span inside a COMMITMENT labels its own tokens MONEY, the rest of the commitment's
//!   tokens are COMMITMENT). Between spans of the same length the label first in alphabetical
//!   order wins, which does not depend on ids, so two annotators who drew the same spans get
//!   the same units.
//! - An annotator with no annotation file for a document has no value on its units (missing,
//!   not `O`): they did not annotate it. An empty file is a document they read and found
//!   nothing in, so its units are `O`.
//!
//! Only the spans whose labels take part (all, or those asked for) cover tokens; the others are
//! as if they were not there.

use std::ops::Range;

use crate::model::{CharRange, Document};

use super::labels::LabelCode;
use super::spans::Span;

/// What the unit-level figures are computed from: each unit of each document with each
/// annotator's label or no value. `accord agree --dump-units` writes it as TSV
/// ([`UnitTable::write_tsv`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnitTable {
    /// The annotators, in column order.
    pub annotators: Vec<String>,
    /// Label names by [`LabelCode`]; `labels[0]` is `O`.
    pub labels: Vec<String>,
    /// Per document, in the order compared.
    pub documents: Vec<DocumentUnits>,
}

impl UnitTable {
    /// The name of a label code.
    pub fn label_name(&self, code: LabelCode) -> &str {
        self.labels.get(code.index()).map_or("?", String::as_str)
    }

    /// Units in all documents.
    pub fn len(&self) -> usize {
        self.documents.iter().map(DocumentUnits::len).sum()
    }

    /// True when no document has a unit.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The units of one document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocumentUnits {
    /// The document's file name.
    pub file: String,
    text: String,
    /// Each unit's char range and the byte range of its text.
    units: Vec<(CharRange, Range<usize>)>,
    /// Row-major: `values[unit * annotators + annotator]`.
    values: Vec<Option<LabelCode>>,
    annotators: usize,
    count: usize,
}

impl DocumentUnits {
    /// Number of units.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when the document has no unit (no word in it).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Number of annotators (values per unit).
    pub fn annotators(&self) -> usize {
        self.annotators
    }

    /// The char range of unit `i`.
    pub fn range(&self, i: usize) -> CharRange {
        self.units[i].0
    }

    /// The text of unit `i`.
    pub fn text(&self, i: usize) -> &str {
        &self.text[self.units[i].1.clone()]
    }

    /// Keeps the text of each unit, for [`UnitTable::write_tsv`] (the figures need only the
    /// labels: a copy of every document's text is kept only when the table is asked for).
    pub(crate) fn keep_text(&mut self, doc: &Document, tokens: &[CharRange]) {
        self.text = doc.text().to_owned();
        self.units = with_byte_ranges(doc.text(), tokens);
    }

    /// Gives every label its code in a table of more labels: `code[c]` is label `c`'s.
    pub(crate) fn recode(&mut self, code: &[usize]) {
        for value in self.values.iter_mut().flatten() {
            *value = LabelCode(code[value.index()] as u32);
        }
    }

    /// Each annotator's label for unit `i` (`None`: no file for the document).
    pub fn row(&self, i: usize) -> &[Option<LabelCode>] {
        &self.values[i * self.annotators..(i + 1) * self.annotators]
    }
}

/// The units of `doc` with each annotator's labels; `spans[a]` is annotator `a`'s spans of the
/// document, `None` when they have no file for it.
pub(crate) fn document_units(
    doc: &Document,
    tokens: &[CharRange],
    spans: &[Option<Vec<Span<'_>>>],
) -> DocumentUnits {
    let per_annotator: Vec<Option<Vec<LabelCode>>> = spans
        .iter()
        .map(|s| s.as_deref().map(|s| label_tokens(tokens, s)))
        .collect();
    let mut values = Vec::with_capacity(tokens.len() * spans.len());
    for i in 0..tokens.len() {
        values.extend(per_annotator.iter().map(|codes| Some(codes.as_ref()?[i])));
    }
    DocumentUnits {
        file: doc.file_name.clone(),
        text: String::new(),
        units: Vec::new(),
        values,
        annotators: spans.len(),
        count: tokens.len(),
    }
}

/// Each token with the byte range of its text, in one pass over the text: tokens are in order
/// and do not overlap, so the char offsets asked for never decrease.
fn with_byte_ranges(text: &str, tokens: &[CharRange]) -> Vec<(CharRange, Range<usize>)> {
    // (char offset, byte offset) of every char boundary, the end of the text included.
    let mut boundaries = text
        .char_indices()
        .map(|(byte, _)| byte)
        .chain([text.len()])
        .enumerate();
    let mut last_seen = (0, 0);
    let mut byte_at = |char_offset: usize| {
        if last_seen.0 == char_offset {
            return last_seen.1;
        }
        for boundary in boundaries.by_ref() {
            last_seen = boundary;
            if boundary.0 == char_offset {
                return boundary.1;
            }
        }
        text.len()
    };
    tokens
        .iter()
        .map(|&token| (token, byte_at(token.start)..byte_at(token.end)))
        .collect()
}

/// Each token's label under the policy of this module: the shortest covering span, then the
/// first label by name, else `O`.
pub(crate) fn label_tokens(tokens: &[CharRange], spans: &[Span<'_>]) -> Vec<LabelCode> {
    let mut best: Vec<(usize, LabelCode)> = vec![(usize::MAX, LabelCode::OUTSIDE); tokens.len()];
    for span in spans {
        let candidate = (span.chars, span.label);
        for range in span.ranges() {
            if range.is_empty() {
                continue;
            }
            let first = tokens.partition_point(|t| t.end <= range.start);
            for slot in tokens[first..]
                .iter()
                .take_while(|t| t.start < range.end)
                .enumerate()
                .map(|(k, _)| first + k)
            {
                if candidate < best[slot] {
                    best[slot] = candidate;
                }
            }
        }
    }
    best.into_iter().map(|(_, label)| label).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Annotation;
    use crate::model::tokens::tokenize;

    fn ann(id: u64, ranges: &[(usize, usize)]) -> Annotation {
        Annotation::fixture(id, "", ranges)
    }

    fn labels(text: &str, anns: &[(u32, Annotation)]) -> Vec<(String, u32)> {
        let doc = Document::from_text("t.txt", text);
        let tokens = tokenize(&doc);
        let spans: Vec<Span<'_>> = anns
            .iter()
            .map(|(l, a)| Span::new(LabelCode(*l), a))
            .collect();
        let mut units = document_units(&doc, &tokens, &[Some(spans), None]);
        units.keep_text(&doc, &tokens);
        (0..units.len())
            .map(|i| {
                assert_eq!(units.row(i)[1], None, "no file: missing");
                (
                    units.text(i).to_owned(),
                    units.row(i)[0].map_or(99, |c| c.0),
                )
            })
            .collect()
    }

    #[test]
    fn the_innermost_span_labels_its_tokens_and_the_outer_one_the_rest() {
        //          0         1         2         3
        //          0123456789012345678901234567890123
        let text = "They will raise trade to 2 billion dollars.";
        let commitment = ann(1, &[(10, 42)]);
        let money = ann(2, &[(25, 42)]);
        let got = labels(text, &[(1, commitment), (2, money)]);
        let want: Vec<(String, u32)> = [
            ("They", 0),
            ("will", 0),
            ("raise", 1),
            ("trade", 1),
            ("to", 1),
            ("2", 2),
            ("billion", 2),
            ("dollars", 2),
            (".", 0),
        ]
        .iter()
        .map(|(t, c)| ((*t).to_owned(), *c))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn equal_lengths_go_to_the_first_label_by_name_and_partial_cover_counts() {
        // Two spans over the same word, codes 3 and 2: code 2 (the earlier name) wins whatever
        // the ids. A span over part of a word labels the word.
        let got = labels(
            "Astana city",
            &[
                (3, ann(1, &[(0, 6)])),
                (2, ann(2, &[(0, 6)])),
                (1, ann(3, &[(7, 9)])),
            ],
        );
        assert_eq!(got, vec![("Astana".to_owned(), 2), ("city".to_owned(), 1)]);
    }

    #[test]
    fn han_characters_are_one_unit_each_and_discontinuous_spans_label_each_fragment() {
        let got = labels("哈萨克斯坦和塔吉克斯坦", &[(1, ann(1, &[(0, 2), (6, 8)]))]);
        let codes: Vec<u32> = got.iter().map(|(_, c)| *c).collect();
        assert_eq!(got.len(), 11);
        assert_eq!(codes, vec![1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0]);
        assert_eq!(got[6].0, "塔");
    }
}
