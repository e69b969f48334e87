//! Bidi embedding levels (UAX #9) of the part of a paragraph that is laid out, exactly as the
//! whole paragraph resolves them, as a browser does: brackets are paired across lines (rule
//! N0), and neutrals and numbers take their direction from text beyond the line. Each line is
//! then given to parley with these levels ([`super::paragraph::LineText`]) and reordered by
//! itself (rules L1–L2).
//!
//! A paragraph can be megabytes long, and resolving one with `unicode-bidi` costs about 30 ms
//! per megabyte: too slow for the first frame of one long paragraph. So a paragraph of up to
//! [`WHOLE_CHARS`] chars is resolved whole, once, and kept; a longer one is resolved over a
//! window around the piece laid out, chosen so that it is provably enough. Without explicit
//! embeddings, overrides or isolates (U+202A–U+202E, U+2066–U+2069) or a paragraph separator
//! inside it, a paragraph is one isolating run sequence at its base level, and a window
//! `a..=c` gives each char of the piece the level the whole paragraph gives it when
//! - `a` is the paragraph's start or a strong char (L, R, AL): the weak rules (W1–W7) carry
//!   nothing past a strong char but that char's own type, and the neutral rules (N1–N2, and
//!   N0's look back before an opening bracket) stop at the first strong type;
//! - `c` is the paragraph's end or a strong char: N1–N2 and W5 look forward only as far as the
//!   next strong (or number) type;
//! - every bracket pair (BD16) with a bracket in the window lies inside it. Which brackets pair
//!   depends on the stack of open brackets before the window, so the paragraph's bracket stack
//!   at `a` is found by scanning its brackets from its start (a few ms per megabyte, and kept
//!   at each place asked for, so scrolling scans each stretch once); a closing bracket in the
//!   window that closes a bracket opened before `a` moves `a` back before that bracket, and
//!   brackets opened in the window and still open move `c` forward until they are closed.
//!
//! Anything else (explicit controls or a paragraph separator before or in the window, more
//! than BD16's 63 open brackets, a window past [`WINDOW_BUDGET`]) resolves the paragraph whole,
//! once.

use std::collections::BTreeMap;

use icu_properties::CodePointMapData;
use icu_properties::props::{BidiClass, BidiMirroringGlyph, BidiPairedBracketType};
use unicode_bidi::{BidiClass as UBidiClass, Level, ParagraphBidiInfo};

use crate::model::{CharRange, Document};

use super::bidi::{self, Direction};

/// Paragraphs up to this many chars are resolved whole (about 1 ms).
pub const WHOLE_CHARS: usize = 32_768;
/// How long a window may grow (chasing strong chars and bracket pairs) before the paragraph is
/// resolved whole instead.
pub const WINDOW_BUDGET: usize = 65_536;
/// BD16's stack of open brackets holds this many; past it no more brackets pair.
const BRACKET_STACK: usize = 63;

/// The level of each char of a range of a document, as runs of one level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Levels {
    start: usize,
    /// The end (document char, exclusive) and level of each run, in order.
    runs: Vec<(usize, u8)>,
}

impl Levels {
    /// The chars covered.
    pub fn range(&self) -> CharRange {
        CharRange::new(self.start, self.runs.last().map_or(self.start, |r| r.0))
    }

    /// The runs of one level within `range` (clipped to what is covered), in order.
    pub fn runs_in(&self, range: CharRange) -> Vec<(CharRange, u8)> {
        let first = self.runs.partition_point(|r| r.0 <= range.start);
        let mut out = Vec::new();
        let mut start = range.start.max(self.start);
        for &(end, level) in &self.runs[first..] {
            let end = end.min(range.end);
            if start >= end {
                break;
            }
            out.push((CharRange::new(start, end), level));
            start = end;
        }
        out
    }

    /// The level of one char.
    pub fn level_at(&self, char_offset: usize) -> Option<u8> {
        if char_offset < self.start {
            return None;
        }
        let i = self.runs.partition_point(|r| r.0 <= char_offset);
        self.runs.get(i).map(|r| r.1)
    }
}

/// The paragraph's brackets before a place: BD16's stack, and whether something makes a
/// window unsafe (an explicit control or paragraph separator, an overflowing stack).
#[derive(Clone, Debug, Default)]
struct Scan {
    /// Open brackets: position and the opening bracket a closing one must match.
    stack: Vec<(usize, char)>,
    unsafe_seen: bool,
}

/// What is known of one paragraph's bidi: its base direction, its levels when resolved whole,
/// and its bracket stack at the places asked for. One per paragraph, kept with its layout.
#[derive(Clone, Debug)]
pub struct ParagraphLevels {
    text: CharRange,
    direction: Direction,
    whole: Option<Levels>,
    scans: BTreeMap<usize, Scan>,
}

impl ParagraphLevels {
    /// For the paragraph whose text (line ending excluded) is `text`, of base `direction`.
    pub fn new(text: CharRange, direction: Direction) -> Self {
        Self {
            text,
            direction,
            whole: None,
            scans: BTreeMap::new(),
        }
    }

    /// The levels of `range` (within the paragraph's text), as the whole paragraph resolves
    /// them.
    pub fn levels(&mut self, doc: &Document, range: CharRange) -> Levels {
        let range = CharRange::new(
            range.start.clamp(self.text.start, self.text.end),
            range.end.clamp(self.text.start, self.text.end),
        );
        if range.is_empty() {
            return Levels {
                start: range.start,
                runs: Vec::new(),
            };
        }
        if self.whole.is_none() && self.text.len() > WHOLE_CHARS {
            if let Some((a, c)) = self.window(doc, range) {
                return resolve(doc, CharRange::new(a, c), self.direction, range);
            }
            log::debug!(
                "bidi: paragraph at {} resolved whole (no bounded window for {range:?})",
                self.text.start
            );
        }
        let whole = self
            .whole
            .get_or_insert_with(|| resolve(doc, self.text, self.direction, self.text));
        Levels {
            start: range.start,
            runs: whole
                .runs_in(range)
                .into_iter()
                .map(|(r, l)| (r.end, l))
                .collect(),
        }
    }

    /// A window `a..c` (c past the strong char that ends it) that is enough for `range`, or
    /// `None` when there is none within [`WINDOW_BUDGET`].
    fn window(&mut self, doc: &Document, range: CharRange) -> Option<(usize, usize)> {
        let mut from = range.start;
        loop {
            let a = strong_at_or_before(doc, self.text, from)?;
            if range.end.saturating_sub(a) > WINDOW_BUDGET {
                return None;
            }
            let scan = self.scan_to(doc, a);
            if scan.unsafe_seen {
                return None;
            }
            match forward(doc, self.text, a, range.end, scan.stack)? {
                Forward::End(c) => return Some((a, c)),
                // A bracket opened before `a` is closed in the window: start before it.
                Forward::OpenedBefore(opener) => from = opener,
            }
        }
    }

    /// The bracket stack at `at`, from the nearest place scanned before.
    fn scan_to(&mut self, doc: &Document, at: usize) -> Scan {
        let (from, mut scan) = self
            .scans
            .range(..=at)
            .next_back()
            .map_or((self.text.start, Scan::default()), |(p, s)| (*p, s.clone()));
        if from < at && !scan.unsafe_seen {
            let text = doc.slice(CharRange::new(from, at)).unwrap_or_default();
            for (i, c) in text.chars().enumerate() {
                match kind(c) {
                    Kind::Unsafe => {
                        scan.unsafe_seen = true;
                        break;
                    }
                    Kind::Open(key) => {
                        if scan.stack.len() >= BRACKET_STACK {
                            scan.unsafe_seen = true;
                            break;
                        }
                        scan.stack.push((from + i, key));
                    }
                    Kind::Close(key) => {
                        if let Some(k) = scan.stack.iter().rposition(|(_, o)| *o == key) {
                            scan.stack.truncate(k);
                        }
                    }
                    Kind::Other => {}
                }
            }
        }
        self.scans.insert(at, scan.clone());
        scan
    }
}

/// How a forward scan of a window ended.
enum Forward {
    /// The window ends before this char (the strong char closing it is included).
    End(usize),
    /// A closing bracket in the window pairs with the bracket opened here, before the window.
    OpenedBefore(usize),
}

/// Scans from `a` (with the paragraph's open brackets `stack` there) to the first strong char
/// at or after `end` where no bracket opened since `a` is open. `None` when the scan meets
/// something that makes a window unsafe, or runs past [`WINDOW_BUDGET`].
fn forward(
    doc: &Document,
    text: CharRange,
    a: usize,
    end: usize,
    mut stack: Vec<(usize, char)>,
) -> Option<Forward> {
    let before = stack.len();
    let limit = (a + WINDOW_BUDGET).min(text.end);
    let slice = doc.slice(CharRange::new(a, limit)).unwrap_or_default();
    for (i, c) in slice.chars().enumerate() {
        let at = a + i;
        if at >= end && stack.len() <= before && bidi::strong(c).is_some() {
            return Some(Forward::End(at + 1));
        }
        match kind(c) {
            Kind::Unsafe => return None,
            Kind::Open(key) => {
                if stack.len() >= BRACKET_STACK {
                    return None;
                }
                stack.push((at, key));
            }
            Kind::Close(key) => {
                if let Some(k) = stack.iter().rposition(|(_, o)| *o == key) {
                    if k < before {
                        return Some(Forward::OpenedBefore(stack[k].0));
                    }
                    stack.truncate(k);
                }
            }
            Kind::Other => {}
        }
    }
    // The paragraph ends within the budget: its end closes the window.
    (limit == text.end).then_some(Forward::End(text.end))
}

/// The nearest strong char at or before `at` within the paragraph (its start when there is
/// none), looking back at most [`WINDOW_BUDGET`] chars.
fn strong_at_or_before(doc: &Document, text: CharRange, at: usize) -> Option<usize> {
    let from = at.saturating_sub(WINDOW_BUDGET).max(text.start);
    let to = (at + 1).min(text.end);
    let slice = doc.slice(CharRange::new(from, to))?;
    let back = slice.chars().rev().position(|c| bidi::strong(c).is_some());
    match back {
        Some(k) => Some(to - 1 - k),
        None if from == text.start => Some(text.start),
        None => None,
    }
}

/// What a char is to the bracket scan.
enum Kind {
    Open(char),
    Close(char),
    /// An explicit embedding, override or isolate control, or a paragraph separator.
    Unsafe,
    Other,
}

fn kind(c: char) -> Kind {
    if c.is_ascii() {
        return match c {
            '(' | '[' | '{' => Kind::Open(c),
            ')' => Kind::Close('('),
            ']' => Kind::Close('['),
            '}' => Kind::Close('{'),
            '\r' | '\u{1C}'..='\u{1E}' => Kind::Unsafe,
            _ => Kind::Other,
        };
    }
    if matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{85}' | '\u{2029}') {
        return Kind::Unsafe;
    }
    // Every paired bracket outside ASCII is in one of these blocks: most text (Arabic, Han,
    // Cyrillic letters) is passed over without a look-up.
    if !matches!(c, '\u{0F3A}'..='\u{169C}' | '\u{2045}'..='\u{2E7F}' | '\u{3008}'..='\u{301B}' | '\u{FE59}'..='\u{FF63}')
    {
        return Kind::Other;
    }
    let bracket = CodePointMapData::<BidiMirroringGlyph>::new().get(c);
    // U+2329 and U+232A pair with their canonical equivalents U+3008 and U+3009 (BD16).
    let canonical = |c: char| match c {
        '\u{2329}' => '\u{3008}',
        '\u{232A}' => '\u{3009}',
        c => c,
    };
    match bracket.paired_bracket_type {
        BidiPairedBracketType::Open => Kind::Open(canonical(c)),
        BidiPairedBracketType::Close => bracket
            .mirroring_glyph
            .map_or(Kind::Other, |open| Kind::Close(canonical(open))),
        _ => Kind::Other,
    }
}

/// Resolves `window` as the paragraph would (see the module's doc for when a window is
/// enough) and returns the levels of `range` within it.
fn resolve(doc: &Document, window: CharRange, direction: Direction, range: CharRange) -> Levels {
    let text = doc.slice(window).unwrap_or_default();
    let base = match direction {
        Direction::Ltr => Level::ltr(),
        Direction::Rtl => Level::rtl(),
    };
    let info = ParagraphBidiInfo::new(text, Some(base));
    let mut runs: Vec<(usize, u8)> = Vec::new();
    let mut previous = base.number();
    for (i, (byte, _)) in text.char_indices().enumerate() {
        let at = window.start + i;
        // Controls the bidi algorithm removes (X9: zero-width joiners, soft hyphens…) take the
        // level of the char before, so that no run of one level ends inside a cluster.
        let level = if removed_by_x9(info.original_classes[byte]) {
            previous
        } else {
            info.levels[byte].number()
        };
        previous = level;
        if at < range.start {
            continue;
        }
        if at >= range.end {
            break;
        }
        match runs.last_mut() {
            Some(last) if last.1 == level => last.0 = at + 1,
            _ => runs.push((at + 1, level)),
        }
    }
    Levels {
        start: range.start,
        runs,
    }
}

fn removed_by_x9(class: UBidiClass) -> bool {
    use UBidiClass::*;
    matches!(class, RLE | LRE | RLO | LRO | PDF | BN)
}

/// The levels of a line's content (`content`, starting at document char `start`) as byte
/// ranges of one level, after rule L1: a tab (a segment separator) and the white space and
/// isolate controls before it take the paragraph's level. (The white space at the line's end
/// is laid out apart, at that level.)
pub fn line_runs(
    levels: &Levels,
    content: &str,
    start: usize,
    direction: Direction,
) -> Vec<(std::ops::Range<usize>, u8)> {
    let base = match direction {
        Direction::Ltr => 0,
        Direction::Rtl => 1,
    };
    let mut chars: Vec<(usize, char, u8)> = content
        .char_indices()
        .enumerate()
        .map(|(i, (byte, c))| (byte, c, levels.level_at(start + i).unwrap_or(base)))
        .collect();
    let mut reset = false;
    for (_, c, level) in chars.iter_mut().rev() {
        let class = CodePointMapData::<BidiClass>::new().get(*c);
        if class == BidiClass::SegmentSeparator {
            *level = base;
            reset = true;
        } else if reset && bidi::is_line_end_whitespace(*c) {
            *level = base;
        } else {
            reset = false;
        }
    }
    let mut runs: Vec<(std::ops::Range<usize>, u8)> = Vec::new();
    for (byte, c, level) in chars {
        let end = byte + c.len_utf8();
        match runs.last_mut() {
            Some(last) if last.1 == level => last.0.end = end,
            _ => runs.push((byte..end, level)),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(doc: &Document, direction: Direction) -> Levels {
        let text = CharRange::new(0, doc.len_chars());
        resolve(doc, text, direction, text)
    }

    #[test]
    fn a_bracket_pair_resolves_as_one_across_any_distance() {
        // The pair's content is Latin and a Latin word comes before it: both brackets are
        // left to right (N0), however far apart, so the closing one follows "Company". Laid
        // out by itself, the line "… Company)" would end in an unpaired bracket between Latin
        // and Arabic: right to left.
        let filler = "and more words ".repeat(20);
        let text = format!("قال ERG (Kazakhstan {filler}Aluminium Company) ثم");
        let doc = Document::from_text("t.txt", text.clone());
        let close = text.chars().position(|c| c == ')').unwrap();
        let mut paragraph =
            ParagraphLevels::new(CharRange::new(0, doc.len_chars()), Direction::Rtl);
        let line = CharRange::new(close - 17, close + 1);
        let levels = paragraph.levels(&doc, line);
        assert_eq!(levels.level_at(close), Some(2));
        assert_eq!(levels.level_at(close - 1), Some(2));
    }

    /// A paragraph longer than [`WHOLE_CHARS`] with brackets near and far, open and never
    /// closed, Latin and numbers inside Arabic: every window gives the whole paragraph's levels.
    #[test]
    fn windows_give_the_levels_of_the_whole_paragraph() {
        let pieces = [
            "قال الرئيس (Kazakhstan Aluminium Company) إن ",
            "الاجتماع – Astana, 2024 – بحث ",
            "ERG (JSC [Pavlodar] ",
            "التعاون) في 25 أغسطس ",
            "1) أولا 2) ثانيا ",
            "«Токаев» [قال] {x} ",
            "(مفتوح ",
            "«中国» 2023年 ",
            "$ 100 - 200 € ",
        ];
        let mut text = String::new();
        let mut i = 0;
        while text.chars().count() < WHOLE_CHARS * 3 {
            text.push_str(pieces[i % pieces.len()]);
            if i % 37 == 0 {
                text.push_str(") ");
            }
            i += 1;
        }
        let doc = Document::from_text("t.txt", text);
        for direction in [Direction::Rtl, Direction::Ltr] {
            let reference = whole(&doc, direction);
            let mut paragraph = ParagraphLevels::new(CharRange::new(0, doc.len_chars()), direction);
            let n = doc.len_chars();
            let mut windows = 0;
            for k in 0..60 {
                let start = n * k / 60;
                let range = CharRange::new(start, (start + 1500).min(n));
                if paragraph.window(&doc, range).is_some() {
                    windows += 1;
                }
                let levels = paragraph.levels(&doc, range);
                for c in range.start..range.end {
                    assert_eq!(
                        levels.level_at(c),
                        reference.level_at(c),
                        "{direction:?} char {c} of {range:?}"
                    );
                }
            }
            let end = paragraph.levels(&doc, CharRange::new(n, n));
            assert_eq!(end.range(), CharRange::new(n, n), "nothing at the very end");
            assert!(
                paragraph.whole.is_none(),
                "{direction:?}: resolved by windows"
            );
            assert!(windows > 50, "{direction:?}: {windows} windows");
        }
    }

    #[test]
    fn every_paired_bracket_is_seen_by_the_scan() {
        for u in 0x80..0x11_0000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let data = CodePointMapData::<BidiMirroringGlyph>::new().get(c);
            match (data.paired_bracket_type, kind(c)) {
                (BidiPairedBracketType::Open, Kind::Open(_))
                | (BidiPairedBracketType::Close, Kind::Close(_))
                | (BidiPairedBracketType::None, _) => {}
                _ => panic!("U+{u:04X} is a paired bracket the scan misses"),
            }
        }
    }

    #[test]
    fn tabs_and_the_space_before_them_take_the_paragraphs_level() {
        let doc = Document::from_text("t.txt", "abc \tdef");
        let levels = Levels {
            start: 0,
            runs: vec![(8, 2)],
        };
        let runs = line_runs(&levels, doc.text(), 0, Direction::Rtl);
        assert_eq!(runs, vec![(0..3, 2), (3..5, 1), (5..8, 2)]);
    }
}
