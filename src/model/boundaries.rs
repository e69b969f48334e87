//! Text boundaries in char offsets: turning a dragged range into the range an annotator meant
//! (never inside a grapheme cluster, so a letter and its harakat stay together; by default
//! whole words with the surrounding spaces left out), and stepping an offset by a cluster or a
//! word.

use unicode_segmentation::UnicodeSegmentation;

use super::{CharRange, Document};

/// How far around an offset to look for the word holding it.
const WORD_WINDOW: usize = 256;

/// Widens `range` to grapheme cluster boundaries.
pub fn snap_to_clusters(doc: &Document, range: CharRange) -> CharRange {
    let mut start = range.start.min(doc.len_chars());
    let mut end = range.end.min(doc.len_chars());
    while start > 0 && !doc.is_grapheme_boundary(start) {
        start -= 1;
    }
    while end < doc.len_chars() && !doc.is_grapheme_boundary(end) {
        end += 1;
    }
    CharRange::new(start, end)
}

/// Trims white space off both ends of `range`, then widens each end to the word it falls in
/// (Unicode word boundaries: in Chinese every ideograph is its own word, so nothing widens).
/// Returns the range snapped to clusters when it holds only white space.
pub fn snap_to_words(doc: &Document, range: CharRange) -> CharRange {
    let range = snap_to_clusters(doc, range);
    let Some(text) = doc.slice(range) else {
        return range;
    };
    let lead = text.chars().take_while(|c| c.is_whitespace()).count();
    if lead == range.len() {
        return range;
    }
    let trail = text.chars().rev().take_while(|c| c.is_whitespace()).count();
    let trimmed = CharRange::new(range.start + lead, range.end - trail);
    let start = word_around(doc, trimmed.start).map_or(trimmed.start, |w| w.start);
    let end = word_around(doc, trimmed.end - 1).map_or(trimmed.end, |w| w.end);
    CharRange::new(start.min(trimmed.start), end.max(trimmed.end))
}

/// The word (letters or digits) holding char `offset`, if the char is part of one.
pub fn word_around(doc: &Document, offset: usize) -> Option<CharRange> {
    let paragraph = doc.paragraph_range(doc.paragraph_of(offset));
    let window = CharRange::new(
        offset.saturating_sub(WORD_WINDOW).max(paragraph.start),
        (offset + WORD_WINDOW).min(paragraph.end),
    );
    let text = doc.slice(window)?;
    let mut chars = window.start;
    for word in text.split_word_bounds() {
        let len = word.chars().count();
        if (chars..chars + len).contains(&offset) {
            let is_word = word.chars().any(|c| c.is_alphanumeric());
            return is_word.then(|| CharRange::new(chars, chars + len));
        }
        chars += len;
    }
    None
}

/// How far a step moves an offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepUnit {
    /// One grapheme cluster (a letter with its marks, an emoji sequence).
    Cluster,
    /// To the far side of the next word.
    Word,
}

/// The next boundary after (`forward`) or before `offset`, by cluster or by word. Never inside
/// a cluster; at the ends of the text it stays put.
pub fn step_boundary(doc: &Document, offset: usize, forward: bool, unit: StepUnit) -> usize {
    let len = doc.len_chars();
    let step = |at: usize| -> usize {
        let mut next = if forward {
            (at + 1).min(len)
        } else {
            at.saturating_sub(1)
        };
        while next > 0 && next < len && !doc.is_grapheme_boundary(next) {
            next = if forward { next + 1 } else { next - 1 };
        }
        next
    };
    if unit == StepUnit::Cluster {
        return step(offset);
    }
    // Skip white space and punctuation, then to the far side of the word they lead to.
    let mut at = offset;
    loop {
        let next = step(at);
        if next == at {
            return at;
        }
        let probe = if forward { at } else { next };
        let inside = word_around(doc, probe);
        at = next;
        if let Some(w) = inside {
            return if forward {
                w.end.max(at)
            } else {
                w.start.min(at)
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapped(text: &str, start: usize, end: usize) -> String {
        let doc = Document::from_text("t.txt", text);
        let r = snap_to_words(&doc, CharRange::new(start, end));
        doc.slice(r).unwrap().to_owned()
    }

    #[test]
    fn words_widen_and_spaces_trim() {
        assert_eq!(
            snapped("Токаев и Рахмон подписали", 2, 11),
            "Токаев и Рахмон"
        );
        assert_eq!(snapped("Токаев и Рахмон подписали", 2, 9), "Токаев и");
        assert_eq!(snapped("Токаев и Рахмон", 6, 10), "и Рахмон");
        assert_eq!(snapped("trade to 2 billion", 9, 12), "2 billion");
    }

    #[test]
    fn chinese_does_not_widen() {
        assert_eq!(snapped("将双边贸易额增至20亿美元", 1, 3), "双边");
        assert_eq!(
            snapped("将双边贸易额增至20亿美元", 9, 11),
            "20亿",
            "digits form one word"
        );
    }

    #[test]
    fn harakat_stay_with_their_letter() {
        // ك َ ت َ ب َ — ending a drag between ت and its fatha takes the fatha along.
        let doc = Document::from_text("a.txt", "كَتَبَ");
        assert_eq!(
            snap_to_clusters(&doc, CharRange::new(1, 3)),
            CharRange::new(0, 4)
        );
    }

    #[test]
    fn steps_by_cluster_keep_harakat_with_their_letter() {
        // ك َ ت َ ب َ: a step from the start lands after the fatha, never between.
        let doc = Document::from_text("a.txt", "كَتَبَ");
        assert_eq!(step_boundary(&doc, 0, true, StepUnit::Cluster), 2);
        assert_eq!(step_boundary(&doc, 2, true, StepUnit::Cluster), 4);
        assert_eq!(step_boundary(&doc, 6, false, StepUnit::Cluster), 4);
        assert_eq!(
            step_boundary(&doc, 6, true, StepUnit::Cluster),
            6,
            "the end stays"
        );
        assert_eq!(
            step_boundary(&doc, 0, false, StepUnit::Cluster),
            0,
            "the start stays"
        );
    }

    #[test]
    fn steps_by_word_cross_the_next_word_in_arabic_and_kazakh() {
        let doc = Document::from_text("a.txt", "زيادة التجارة إلى ملياري دولار");
        // From the end of the first word forward: over the space and the whole next word.
        assert_eq!(step_boundary(&doc, 5, true, StepUnit::Word), 13);
        // From the start of "إلى" backward: over the space and back to the start of "التجارة".
        assert_eq!(step_boundary(&doc, 14, false, StepUnit::Word), 6);
        let doc = Document::from_text("k.txt", "Қазақстан мен Тәжікстан");
        assert_eq!(step_boundary(&doc, 0, true, StepUnit::Word), 9);
        assert_eq!(step_boundary(&doc, 23, false, StepUnit::Word), 14);
    }
}
