//! The learned suggester: a [`Tagger`] per language, trained on the annotator's labels (and
//! taught by their rejections what is not a label), its predictions turned into char spans.
//!
//! Each document is cut into sentences (UAX #29) and each sentence into tokens
//! ([`crate::model::tokens`]); a labelled span becomes the tokens it touches. Documents the
//! annotator has labelled nothing in are not trained on (they are not "all outside"), except
//! around the suggestions the annotator rejected there.

use std::collections::BTreeMap;

use unicode_segmentation::UnicodeSegmentation;

use super::tagger::{Sequence, Tagger, TokenSpan, TrainOptions};
use crate::model::CharRange;
use crate::model::tokens::tokens_with_bytes;

/// Tokens trained on per language at most: training stays within a couple of seconds however
/// large the project (the first documents the annotator labelled are taken).
const MOST_TOKENS_PER_LANGUAGE: usize = 300_000;
/// Tokens of context kept on each side of a rejected span taught as "outside".
const REJECTION_CONTEXT: usize = 1;

/// One document to learn from or predict on.
#[derive(Clone, Copy, Debug)]
pub struct TrainingDoc<'a> {
    /// Its text.
    pub text: &'a str,
    /// Its language (`""` when unknown: one model for all such documents).
    pub language: &'a str,
    /// The annotator's labelled spans; `None` when they labelled nothing in it.
    pub labels: Option<&'a [(CharRange, String)]>,
    /// Spans the annotator rejected as suggestions.
    pub rejected: &'a [CharRange],
}

/// A sentence of a document: its tokens' char ranges and texts.
struct Sentence<'a> {
    ranges: Vec<CharRange>,
    texts: Vec<&'a str>,
}

/// The sentences of `text`, each with its tokens, in char offsets of `text`; one at a time (a
/// 100 MB document's 7.7 million tokens held at once took 250 MB while its tagger ran).
fn sentences(text: &str) -> impl Iterator<Item = Sentence<'_>> {
    let mut chars_before = 0;
    let mut bytes_seen = 0;
    text.split_sentence_bound_indices()
        .filter_map(move |(byte, sentence)| {
            chars_before += text[bytes_seen..byte].chars().count();
            bytes_seen = byte;
            let mut s = Sentence {
                ranges: Vec::new(),
                texts: Vec::new(),
            };
            for (chars, bytes) in tokens_with_bytes(sentence) {
                s.ranges.push(CharRange::new(
                    chars.start + chars_before,
                    chars.end + chars_before,
                ));
                s.texts.push(&sentence[bytes]);
            }
            (!s.ranges.is_empty()).then_some(s)
        })
}

/// The tokens `range` touches in `sentence`, as token indices.
fn token_span(sentence: &Sentence<'_>, range: CharRange) -> Option<(usize, usize)> {
    let start = sentence.ranges.iter().position(|t| t.end > range.start)?;
    let end = sentence.ranges.iter().rposition(|t| t.start < range.end)? + 1;
    (start < end && sentence.ranges[start].start < range.end).then_some((start, end))
}

/// Taggers by language.
#[derive(Clone, Debug, Default)]
pub struct Taggers {
    by_language: BTreeMap<String, Tagger>,
}

impl Taggers {
    /// Trains one tagger per language of `docs`.
    pub fn train(docs: &[TrainingDoc<'_>]) -> Taggers {
        let mut by_language: BTreeMap<&str, Vec<Sequence>> = BTreeMap::new();
        let mut tokens: BTreeMap<&str, usize> = BTreeMap::new();
        for doc in docs {
            if doc.labels.is_none() && doc.rejected.is_empty() {
                continue;
            }
            let taken = tokens.entry(doc.language).or_default();
            if *taken >= MOST_TOKENS_PER_LANGUAGE {
                continue;
            }
            let sequences = by_language.entry(doc.language).or_default();
            // Labels by start, walked with the sentences: each sentence looks only at its own.
            let mut labels: Vec<&(CharRange, String)> =
                doc.labels.map_or(Vec::new(), |l| l.iter().collect());
            labels.sort_by_key(|(r, _)| r.start);
            let mut next_label = 0;
            for sentence in sentences(doc.text) {
                if *taken >= MOST_TOKENS_PER_LANGUAGE {
                    break;
                }
                let (first, last) = (
                    sentence.ranges[0].start,
                    sentence.ranges[sentence.ranges.len() - 1].end,
                );
                let in_sentence = |r: &CharRange| r.start >= first && r.end <= last;
                while next_label < labels.len() && labels[next_label].0.start < first {
                    next_label += 1;
                }
                let until =
                    next_label + labels[next_label..].partition_point(|(r, _)| r.start < last);
                match doc.labels {
                    Some(_) => {
                        let spans = labels[next_label..until]
                            .iter()
                            .filter(|(r, _)| in_sentence(r))
                            .filter_map(|(r, label)| {
                                token_span(&sentence, *r).map(|(start, end)| TokenSpan {
                                    start,
                                    end,
                                    label: label.clone(),
                                    score: 1.0,
                                })
                            })
                            .collect();
                        *taken += sentence.texts.len();
                        sequences.push(Sequence {
                            tokens: sentence.texts.iter().map(|t| (*t).to_owned()).collect(),
                            spans,
                        });
                    }
                    None => {
                        // Only the rejected tokens and a little context: the rest of an
                        // unlabelled sentence may hold names nobody labelled yet.
                        for r in doc.rejected.iter().filter(|r| in_sentence(r)) {
                            let Some((start, end)) = token_span(&sentence, *r) else {
                                continue;
                            };
                            let from = start.saturating_sub(REJECTION_CONTEXT);
                            let to = (end + REJECTION_CONTEXT).min(sentence.texts.len());
                            *taken += to - from;
                            sequences.push(Sequence {
                                tokens: sentence.texts[from..to]
                                    .iter()
                                    .map(|t| (*t).to_owned())
                                    .collect(),
                                spans: Vec::new(),
                            });
                        }
                    }
                }
            }
        }
        let by_language = by_language
            .into_iter()
            .map(|(language, sequences)| {
                (
                    language.to_owned(),
                    Tagger::train(&sequences, &TrainOptions::default()),
                )
            })
            .filter(|(_, t)| !t.is_empty())
            .collect();
        Taggers { by_language }
    }

    /// True when no language has a tagger that learned anything.
    pub fn is_empty(&self) -> bool {
        self.by_language.is_empty()
    }

    /// The languages with a tagger.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.by_language.keys().map(String::as_str)
    }

    /// The spans the tagger of `language` finds in `text`, with their labels and scores.
    pub fn predict(&self, text: &str, language: &str) -> Vec<(CharRange, String, f32)> {
        let Some(tagger) = self.by_language.get(language) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for sentence in sentences(text) {
            for span in tagger.predict(&sentence.texts) {
                let range = CharRange::new(
                    sentence.ranges[span.start].start,
                    sentence.ranges[span.end - 1].end,
                );
                out.push((range, span.label, span.score));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_keep_char_offsets_of_the_whole_text() {
        let text = "Қазақстан мен Тәжікстан. 哈萨克斯坦。Rahmon спал.";
        let all: Vec<Sentence<'_>> = sentences(text).collect();
        assert_eq!(all.len(), 3);
        let chars: Vec<char> = text.chars().collect();
        for s in &all {
            for (range, t) in s.ranges.iter().zip(&s.texts) {
                let got: String = chars[range.start..range.end].iter().collect();
                assert_eq!(&got, t);
            }
        }
    }

    #[test]
    fn a_tagger_trained_on_labels_finds_an_unseen_name_in_char_offsets() {
        let text = "Президент Токаев встретился с президентом Рахмоном. \
                    Президент Путин встретился с президентом Мирзиёевым. \
                    Президент Садыр встретился с президентом Токаевым.";
        let label = |word: &str| {
            let start = text.find(word).unwrap();
            let start = text[..start].chars().count();
            (
                CharRange::new(start, start + word.chars().count()),
                "PERSON".to_owned(),
            )
        };
        let labels = vec![
            label("Токаев"),
            label("Рахмоном"),
            label("Путин"),
            label("Мирзиёевым"),
            label("Садыр"),
            label("Токаевым"),
        ];
        let taggers = Taggers::train(&[TrainingDoc {
            text,
            language: "ru",
            labels: Some(&labels),
            rejected: &[],
        }]);
        let new = "Президент Жапаров встретился с президентом Алиевым.";
        let found: Vec<String> = taggers
            .predict(new, "ru")
            .into_iter()
            .map(|(r, _, _)| new.chars().skip(r.start).take(r.len()).collect())
            .collect();
        assert!(found.contains(&"Жапаров".to_owned()), "{found:?}");
        assert!(taggers.predict(new, "kk").is_empty(), "no Kazakh tagger");
    }
}
