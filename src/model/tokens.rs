//! Tokens for token-level views of the text (CoNLL export, agreement on units): Unicode word
//! boundaries (UAX #29), white space left out, and one token per character (grapheme cluster)
//! for Han, Hiragana and Katakana, which are written without spaces between words.
//!
//! ```text
//! "Токаев, 20亿美元."  →  [Токаев] [,] [20] [亿] [美] [元] [.]
//! ```
//!
//! Tokens are char ranges into the text, in order, never overlapping, never splitting a
//! grapheme cluster.

use unicode_segmentation::UnicodeSegmentation;

use super::{CharRange, Document};

/// The tokens of a whole document.
pub fn tokenize(doc: &Document) -> Vec<CharRange> {
    tokenize_str(doc.text())
}

/// The tokens of `text`, as char ranges into it.
pub fn tokenize_str(text: &str) -> Vec<CharRange> {
    tokens_with_bytes(text).map(|(chars, _)| chars).collect()
}

/// The tokens of `text` in order, each as its char range and its byte range (for reading
/// its text without counting chars again).
pub fn tokens_with_bytes(
    text: &str,
) -> impl Iterator<Item = (CharRange, std::ops::Range<usize>)> + '_ {
    let mut at = 0;
    text.split_word_bound_indices()
        .flat_map(move |(byte, segment)| {
            let len = segment.chars().count();
            let start = at;
            at += len;
            if segment.chars().all(char::is_whitespace) {
                Pieces::Blank
            } else if segment.chars().any(is_written_without_spaces) {
                Pieces::Graphemes {
                    graphemes: segment.grapheme_indices(true),
                    byte,
                    char_at: start,
                }
            } else {
                Pieces::Word(Some((
                    CharRange::new(start, start + len),
                    byte..byte + segment.len(),
                )))
            }
        })
}

/// The tokens of one word-boundary segment: none (white space), the segment itself, or each
/// of its grapheme clusters (Han, Kana). An iterator rather than a `Vec` per segment: a
/// document has a segment every few chars, and tokenising is most of a CoNLL export.
enum Pieces<'a> {
    Blank,
    Word(Option<(CharRange, std::ops::Range<usize>)>),
    Graphemes {
        graphemes: unicode_segmentation::GraphemeIndices<'a>,
        /// The segment's first byte in the text.
        byte: usize,
        /// The char offset of the next grapheme.
        char_at: usize,
    },
}

impl Iterator for Pieces<'_> {
    type Item = (CharRange, std::ops::Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Pieces::Blank => None,
            Pieces::Word(word) => word.take(),
            Pieces::Graphemes {
                graphemes,
                byte,
                char_at,
            } => loop {
                let (offset, grapheme) = graphemes.next()?;
                let start = *char_at;
                *char_at += grapheme.chars().count();
                if !grapheme.chars().all(char::is_whitespace) {
                    let bytes = *byte + offset..*byte + offset + grapheme.len();
                    break Some((CharRange::new(start, *char_at), bytes));
                }
            },
        }
    }
}

/// Han ideographs, Hiragana and Katakana: scripts written without spaces between words, where
/// each character is a unit.
pub fn is_written_without_spaces(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x309F // Hiragana
        | 0x30A0..=0x30FF // Katakana
        | 0x31F0..=0x31FF // Katakana phonetic extensions
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0xFF66..=0xFF9F // half-width Katakana
        | 0x20000..=0x3134F // CJK extensions B to G
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        let doc = Document::from_text("t.txt", text);
        tokenize(&doc)
            .into_iter()
            .map(|r| doc.slice(r).unwrap_or_default().to_owned())
            .collect()
    }

    #[test]
    fn words_punctuation_and_han_characters() {
        assert_eq!(
            texts("Токаев, 20亿美元."),
            vec!["Токаев", ",", "20", "亿", "美", "元", "."]
        );
    }

    #[test]
    fn arabic_words_keep_their_harakat_and_kazakh_its_letters() {
        assert_eq!(texts("كَتَبَ الوَلَدُ"), vec!["كَتَبَ", "الوَلَدُ"]);
        assert_eq!(
            texts("Қазақстан мен Тәжікстан"),
            vec!["Қазақстан", "мен", "Тәжікстан"]
        );
    }

    #[test]
    fn ranges_are_in_chars_ordered_and_skip_crlf_and_astral_characters_count_once() {
        let text = "a 😊 b\r\n𠀀𠀁 c";
        let tokens = tokenize_str(text);
        assert_eq!(
            tokens,
            vec![
                CharRange::new(0, 1),
                CharRange::new(2, 3),
                CharRange::new(4, 5),
                CharRange::new(7, 8),
                CharRange::new(8, 9),
                CharRange::new(10, 11),
            ]
        );
    }

    #[test]
    fn byte_ranges_hold_the_same_text_as_char_ranges() {
        let text = "Қазақстан, 20亿美元 وكازاخستان 😊.";
        let doc = Document::from_text("t.txt", text);
        for (chars, bytes) in tokens_with_bytes(text) {
            assert_eq!(doc.slice(chars), Some(&text[bytes]));
        }
    }

    #[test]
    fn kana_is_one_token_per_character() {
        assert_eq!(texts("カタカナ"), vec!["カ", "タ", "カ", "ナ"]);
    }
}
