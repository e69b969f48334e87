//! The layout audit behind `accord check-layout`: lays a document out the way the view does
//! and checks, for the first char of every grapheme cluster (but invisible controls alone),
//! that char → rectangle → hit-test gives the char back, that a real glyph draws it, and that
//! letters sit in the right visual order; for every line that ends before its paragraph does,
//! that it is full (the next line's first unbreakable unit would not have fitted); that a
//! line's trailing white space is drawn at the line's visual end (Unicode bidi rule L1); and
//! that every line shows its clusters in the visual order a browser gives them: the bidi
//! levels of the whole paragraph (UAX #9 by `unicode-bidi`, paired brackets included),
//! reordered per line (rules L1–L2). That reference shares no code with the layout under test.

use std::fmt;

use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

use super::bidi;
use super::bidi::Direction;
use super::block::BlockLayout;
use super::document::DocumentLayout;
use super::fonts::FontSet;
use super::paragraph::{ParagraphLayout, TextStyle};
use crate::model::{CharRange, Document};

/// Half a pixel: what two measurements of the same edge may differ by.
const EPSILON: f32 = 0.5;

/// One char that failed a check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Failure {
    /// Char offset in the document.
    pub char_offset: usize,
    /// The char.
    pub ch: char,
    /// What went wrong.
    pub problem: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "char {} {:?} U+{:04X}: {}",
            self.char_offset, self.ch, self.ch as u32, self.problem
        )
    }
}

/// One visual line, for inspecting a layout without the window.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LineRecord {
    /// Index of the paragraph (0-based).
    pub paragraph: usize,
    /// First char of the line.
    pub start: usize,
    /// First char after it (trailing white space included).
    pub end: usize,
    /// The line's visual width without the white space hanging at its end, logical pixels.
    pub width: f32,
    /// The wrap width.
    pub available: f32,
}

/// The result for one document.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LayoutReport {
    /// Grapheme clusters checked (line endings are not laid out, so not counted).
    pub checked: usize,
    /// Those that passed every check.
    pub passed: usize,
    /// Pairs of neighbouring letters whose visual order was checked.
    pub order_pairs: usize,
    /// Glyphs drawn with the missing-glyph box.
    pub missing_glyphs: usize,
    /// Right-to-left paragraphs.
    pub rtl_paragraphs: usize,
    /// Lines ending before their paragraph's end, checked to be full.
    pub full_lines_checked: usize,
    /// Lines with trailing white space, checked to draw it at their visual end.
    pub trailing_space_checked: usize,
    /// Lines whose visual order was compared with the paragraph's bidi reference.
    pub bidi_lines_checked: usize,
    /// Every failure.
    pub failures: Vec<Failure>,
    /// Every line.
    pub lines: Vec<LineRecord>,
}

impl LayoutReport {
    /// True when everything passed.
    pub fn is_ok(&self) -> bool {
        self.failures.is_empty()
    }

    /// `N/M chars round-trip` plus the other counts.
    pub fn summary(&self) -> String {
        format!(
            "{}/{} chars round-trip ({} letter pairs in visual order checked, {} missing glyphs, {} right-to-left paragraphs, {} lines checked full, {} line ends checked for trailing white space, {} lines in the paragraph's bidi order)",
            self.passed,
            self.checked,
            self.order_pairs,
            self.missing_glyphs,
            self.rtl_paragraphs,
            self.full_lines_checked,
            self.trailing_space_checked,
            self.bidi_lines_checked
        )
    }
}

/// The direction letters of a script must step in, inside one line. This is a test oracle by
/// script range, independent of the layout under test; digits and Han step rightwards.
fn expected_step(c: char) -> Option<Direction> {
    let u = c as u32;
    let rtl_letter = matches!(u, 0x05D0..=0x05EA | 0x0620..=0x064A | 0x066E..=0x06D3 | 0x06FA..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08C9);
    if rtl_letter {
        Some(Direction::Rtl)
    } else if c.is_alphanumeric()
        && !matches!(u, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
    {
        Some(Direction::Ltr)
    } else if matches!(u, 0x0660..=0x0669 | 0x06F0..=0x06F9) {
        // Arabic-Indic digits are written left to right too.
        Some(Direction::Ltr)
    } else {
        None
    }
}

/// Checks every grapheme cluster and every line of `doc` laid out at `width` logical pixels,
/// block by block from the top (so every line start is found by breaking from the
/// paragraph's start, as when scrolling through).
pub fn check_document(fonts: &mut FontSet, doc: &Document, width: f32) -> LayoutReport {
    let style = TextStyle::default();
    let mut layout = DocumentLayout::new(doc, style, width, 1.0, None);
    let mut report = LayoutReport::default();
    let mut paragraph = 0;
    let mut reference: Option<BidiReference<'_>> = None;
    let blocks = layout.blocks().len();
    for i in 0..blocks {
        layout.ensure(fonts, doc, i);
        let block = layout.blocks()[i];
        let starts_paragraph = block.paragraph_first_block == i;
        if starts_paragraph && i > 0 {
            paragraph += 1;
        }
        let Some(laid_out) = layout.laid_out(i) else {
            continue;
        };
        let paragraph_end = layout
            .blocks()
            .iter()
            .skip(i)
            .take_while(|b| b.paragraph_first_block == block.paragraph_first_block)
            .last()
            .map_or(block.text.end, |b| b.text.end);
        if starts_paragraph && laid_out.direction() == Direction::Rtl && !block.text.is_empty() {
            report.rtl_paragraphs += 1;
        }
        let text = doc.slice(block.text).unwrap_or_default();
        check_clusters(laid_out, text, block.text.start, fonts, &mut report);
        if starts_paragraph {
            reference = Some(BidiReference::new(
                doc,
                CharRange::new(block.text.start, paragraph_end),
                laid_out.direction(),
            ));
        }
        if let Some(reference) = &reference {
            check_bidi_order(doc, laid_out, block.text.start, reference, &mut report);
        }
        check_lines(
            fonts,
            doc,
            laid_out,
            block.text.start,
            paragraph,
            paragraph_end,
            width,
            &mut report,
        );
    }
    report
}

/// Round trip, glyphs and visual order of every grapheme cluster of a block.
fn check_clusters(
    layout: &BlockLayout,
    text: &str,
    base: usize,
    fonts: &FontSet,
    report: &mut LayoutReport,
) {
    let lines = layout.lines();
    let line_of = |local: usize| lines.iter().position(|l| l.chars.contains(&local));
    // (char, line, centre x) of the previous cluster, for the order check.
    let mut previous: Option<(char, usize, f32)> = None;
    let mut local = 0;
    for grapheme in text.graphemes(true) {
        let len = grapheme.chars().count();
        let ch = grapheme.chars().next().unwrap_or(' ');
        let char_offset = base + local;
        // Bidi and format controls on their own draw nothing and cannot be hit: not checked.
        if grapheme.chars().all(is_invisible) {
            local += len;
            previous = None;
            continue;
        }
        report.checked += 1;
        let fail = |problem: String| Failure {
            char_offset,
            ch,
            problem,
        };
        let mut failure = None;
        let rects = layout.range_rects(local, local + len);
        match rects.first() {
            None => failure = Some(fail("no rectangle: it cannot be seen or hit".into())),
            Some(rect) => {
                let (cx, cy) = rect.center();
                match layout.char_at(cx, cy) {
                    Some(hit) if (local..local + len).contains(&hit) => {}
                    Some(hit) => {
                        let got = text.chars().nth(hit).unwrap_or(' ');
                        failure = Some(fail(format!(
                            "its rectangle x {:.1}..{:.1} y {:.1}..{:.1} hits char {} {got:?} instead",
                            rect.x0,
                            rect.x1,
                            rect.y0,
                            rect.y1,
                            base + hit
                        )));
                    }
                    None => {
                        failure = Some(fail(format!(
                            "nothing is hit at the centre of its rectangle ({cx:.1}, {cy:.1})"
                        )));
                    }
                }
                let line = line_of(local);
                if let (Some(step), Some(line)) = (expected_step(ch), line) {
                    if let Some((prev_ch, prev_line, prev_x)) = previous
                        && prev_line == line
                        && expected_step(prev_ch) == Some(step)
                    {
                        report.order_pairs += 1;
                        let ok = match step {
                            Direction::Rtl => cx < prev_x,
                            Direction::Ltr => cx > prev_x,
                        };
                        if !ok && failure.is_none() {
                            failure = Some(fail(format!(
                                "drawn {} of the {prev_ch:?} before it, but the script runs {}",
                                if cx < prev_x { "left" } else { "right" },
                                if step == Direction::Rtl {
                                    "right to left"
                                } else {
                                    "left to right"
                                }
                            )));
                        }
                    }
                    previous = Some((ch, line, cx));
                } else {
                    previous = None;
                }
            }
        }
        let missing: Vec<String> = layout
            .glyphs_of(local)
            .into_iter()
            .filter(|(id, _)| *id == 0)
            .map(|(_, blob)| fonts.font_name(blob).unwrap_or("a system font").to_owned())
            .collect();
        if !missing.is_empty() && !ch.is_control() && !is_invisible(ch) {
            report.missing_glyphs += missing.len();
            if failure.is_none() {
                failure = Some(fail(format!(
                    "drawn as a missing-glyph box by {}",
                    missing.join(", ")
                )));
            }
        }
        match failure {
            None => report.passed += 1,
            Some(f) => report.failures.push(f),
        }
        local += len;
    }
}

/// Format characters with no glyph of their own (joiners, directional marks, variation
/// selectors): a font may map them to glyph 0 without anything missing on screen.
fn is_invisible(c: char) -> bool {
    matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFE00..=0xFE0F | 0xFEFF | 0x061C)
}

/// Fullness and trailing white space of every line of a block, and the line records.
#[allow(clippy::too_many_arguments)]
fn check_lines(
    fonts: &mut FontSet,
    doc: &Document,
    layout: &BlockLayout,
    base: usize,
    paragraph: usize,
    paragraph_end: usize,
    width: f32,
    report: &mut LayoutReport,
) {
    let direction = layout.direction();
    for line in layout.lines() {
        let (start, end) = (base + line.chars.start, base + line.chars.end);
        report.lines.push(LineRecord {
            paragraph,
            start,
            end,
            width: line.width,
            available: width,
        });
        let text = doc.slice(CharRange::new(start, end)).unwrap_or_default();
        let first_char = text.chars().next().unwrap_or(' ');
        // Full: the next line's first unbreakable unit would not have fitted after it.
        if end < paragraph_end {
            report.full_lines_checked += 1;
            let next = doc
                .slice(CharRange::new(end, (end + 256).min(paragraph_end)))
                .unwrap_or_default();
            let unit = ParagraphLayout::units(
                fonts,
                next,
                &TextStyle::default(),
                1.0,
                Some(direction),
                None,
            )
            .lines()
            .into_iter()
            .next()
            .map_or(0.0, |l| l.width);
            // The next unit would have come after the line's trailing white space.
            if line.width + line.hanging + unit <= width - EPSILON {
                report.failures.push(Failure {
                    char_offset: start,
                    ch: first_char,
                    problem: format!(
                        "the line {start}..{end} ends early: it is {:.1} wide (and {:.1} of space) and the next line's first unit ({unit:.1}) would have fitted in {width:.1}",
                        line.width, line.hanging
                    ),
                });
            }
        }
        // Rule L1: trailing white space at the line's visual end.
        let content_chars = text
            .trim_end_matches(bidi::is_line_end_whitespace)
            .chars()
            .count();
        let content = line.chars.start..line.chars.start + content_chars;
        if content.end < line.chars.end && !content.is_empty() {
            report.trailing_space_checked += 1;
            let text_rects = layout.range_rects(content.start, content.end);
            let space_rects = layout.range_rects(content.end, line.chars.end);
            let at_end = match direction {
                Direction::Ltr => {
                    let text_right = text_rects.iter().map(|r| r.x1).fold(f32::MIN, f32::max);
                    space_rects.iter().all(|r| r.x0 >= text_right - EPSILON)
                }
                Direction::Rtl => {
                    let text_left = text_rects.iter().map(|r| r.x0).fold(f32::MAX, f32::min);
                    space_rects.iter().all(|r| r.x1 <= text_left + EPSILON)
                }
            };
            if !at_end {
                report.failures.push(Failure {
                    char_offset: base + content.end,
                    ch: ' ',
                    problem: format!(
                        "the trailing white space of line {start}..{end} is drawn inside the line, not at its visual end (bidi rule L1)"
                    ),
                });
            }
        }
    }
}

/// The bidi levels of a whole paragraph by `unicode-bidi`, the reference for the visual order
/// of its lines.
struct BidiReference<'a> {
    info: unicode_bidi::ParagraphBidiInfo<'a>,
    /// Document offset of the paragraph's first char and byte.
    start_char: usize,
    start_byte: usize,
}

impl<'a> BidiReference<'a> {
    fn new(doc: &'a Document, text: CharRange, direction: Direction) -> Self {
        let level = match direction {
            Direction::Ltr => unicode_bidi::Level::ltr(),
            Direction::Rtl => unicode_bidi::Level::rtl(),
        };
        Self {
            info: unicode_bidi::ParagraphBidiInfo::new(
                doc.slice(text).unwrap_or_default(),
                Some(level),
            ),
            start_char: text.start,
            start_byte: doc.char_to_byte(text.start),
        }
    }

    /// The levels of the chars of line `line` (absolute chars) after rule L1: white space
    /// (and the isolate and format controls among it) before a tab and at the line's end
    /// takes the paragraph's level, and so do tabs.
    fn line_levels(&self, doc: &Document, line: CharRange) -> Vec<unicode_bidi::Level> {
        use unicode_bidi::BidiClass::*;
        let from = doc.char_to_byte(line.start) - self.start_byte;
        let text = doc.slice(line).unwrap_or_default();
        let (classes, mut levels): (Vec<_>, Vec<_>) = text
            .char_indices()
            .map(|(b, _)| {
                (
                    self.info.original_classes[from + b],
                    self.info.levels[from + b],
                )
            })
            .unzip();
        let base = self.info.paragraph_level;
        let resettable = |c| {
            matches!(
                c,
                WS | FSI | LRI | RLI | PDI | BN | LRE | RLE | LRO | RLO | PDF
            )
        };
        let mut i = levels.len();
        // At the end of the line, then before each segment or paragraph separator.
        let mut reset = true;
        while i > 0 {
            i -= 1;
            if matches!(classes[i], S | B) {
                levels[i] = base;
                reset = true;
            } else if reset && resettable(classes[i]) {
                levels[i] = base;
            } else {
                reset = false;
            }
        }
        debug_assert!(line.start >= self.start_char);
        levels
    }
}

/// Every line of a block shows its grapheme clusters in the visual order of the paragraph's
/// bidi reference: a cluster the reference puts right of another is not drawn left of it.
fn check_bidi_order(
    doc: &Document,
    layout: &BlockLayout,
    base: usize,
    reference: &BidiReference<'_>,
    report: &mut LayoutReport,
) {
    for line in layout.lines() {
        let chars = CharRange::new(base + line.chars.start, base + line.chars.end);
        let text = doc.slice(chars).unwrap_or_default();
        if text.is_empty() {
            continue;
        }
        let levels = reference.line_levels(doc, chars);
        // Visual position of each char of the line.
        let mut rank = vec![0; levels.len()];
        for (visual, logical) in unicode_bidi::ParagraphBidiInfo::reorder_visual(&levels)
            .into_iter()
            .enumerate()
        {
            rank[logical] = visual;
        }
        // (visual position, centre x, first char, the cluster) of each cluster with ink width.
        let mut clusters = Vec::new();
        let mut local = 0;
        for grapheme in text.graphemes(true) {
            let len = grapheme.chars().count();
            let start = line.chars.start + local;
            if let Some(rect) = layout.range_rects(start, start + len).first()
                && rect.width() > 0.01
            {
                let visual = rank[local..local + len].iter().min().copied().unwrap_or(0);
                clusters.push((visual, rect.center().0, base + start, grapheme));
            }
            local += len;
        }
        clusters.sort_by_key(|c| c.0);
        report.bidi_lines_checked += 1;
        if let Some(pair) = clusters.windows(2).find(|p| p[1].1 < p[0].1 - EPSILON) {
            let (left, right) = (&pair[0], &pair[1]);
            report.failures.push(Failure {
                char_offset: right.2,
                ch: right.3.chars().next().unwrap_or(' '),
                problem: format!(
                    "line {}..{} is not in the paragraph's bidi order (UAX #9 over the whole paragraph, rules L1-L2): {:?} (char {}) should be right of {:?} (char {}) but is drawn left of it",
                    chars.start, chars.end, right.3, right.2, left.3, left.2
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oracle_classes() {
        assert_eq!(expected_step('ك'), Some(Direction::Rtl));
        assert_eq!(expected_step('א'), Some(Direction::Rtl));
        assert_eq!(expected_step('Қ'), Some(Direction::Ltr));
        assert_eq!(expected_step('中'), Some(Direction::Ltr));
        assert_eq!(expected_step('2'), Some(Direction::Ltr));
        assert_eq!(expected_step('٢'), Some(Direction::Ltr));
        assert_eq!(expected_step('\u{064E}'), None, "a haraka is not a letter");
        assert_eq!(expected_step(' '), None);
    }
}
