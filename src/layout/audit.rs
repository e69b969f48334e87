//! The layout audit behind `accord check-layout`: lays a document out and checks, for the
//! first char of every grapheme cluster, that char → rectangle → hit-test gives the char back,
//! that a real glyph draws it, and that letters sit in the right visual order.

use std::fmt;

use unicode_segmentation::UnicodeSegmentation;

use super::document::split_blocks;
use super::fonts::FontSet;
use super::paragraph::{Direction, ParagraphLayout, TextStyle};
use crate::model::Document;

/// One char that failed a check.
#[derive(Clone, Debug, PartialEq)]
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

/// The result for one document.
#[derive(Clone, Debug, Default)]
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
    /// Every failure.
    pub failures: Vec<Failure>,
}

impl LayoutReport {
    /// True when everything passed.
    pub fn is_ok(&self) -> bool {
        self.failures.is_empty()
    }

    /// `N/M chars round-trip` plus the other counts.
    pub fn summary(&self) -> String {
        format!(
            "{}/{} chars round-trip ({} letter pairs in visual order checked, {} missing glyphs, {} right-to-left paragraphs)",
            self.passed, self.checked, self.order_pairs, self.missing_glyphs, self.rtl_paragraphs
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

/// Checks every grapheme cluster of `doc` laid out at `width` logical pixels.
pub fn check_document(fonts: &mut FontSet, doc: &Document, width: f32) -> LayoutReport {
    let style = TextStyle::default();
    let mut report = LayoutReport::default();
    let mut direction_of_paragraph = None;
    for (i, block) in split_blocks(doc).into_iter().enumerate() {
        let text = doc.slice(block.text).unwrap_or_default();
        let starts_paragraph = block.paragraph_first_block == i;
        if starts_paragraph {
            direction_of_paragraph = None;
        }
        let layout = ParagraphLayout::new(
            fonts,
            text,
            &style,
            width,
            1.0,
            direction_of_paragraph,
            None,
        );
        if starts_paragraph {
            direction_of_paragraph = Some(layout.direction());
            if layout.direction() == Direction::Rtl && !text.is_empty() {
                report.rtl_paragraphs += 1;
            }
        }
        check_block(&layout, text, block.text.start, fonts, &mut report);
    }
    report
}

fn check_block(
    layout: &ParagraphLayout,
    text: &str,
    base: usize,
    fonts: &FontSet,
    report: &mut LayoutReport,
) {
    let lines = layout.lines();
    let line_of = |local: usize| lines.iter().position(|l| l.chars.contains(&local));
    // (local char, char, line, centre x) of the previous cluster, for the order check.
    let mut previous: Option<(char, usize, f32)> = None;
    let mut local = 0;
    for grapheme in text.graphemes(true) {
        let len = grapheme.chars().count();
        let ch = grapheme.chars().next().unwrap_or(' ');
        let char_offset = base + local;
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
        if !missing.is_empty() && !ch.is_control() {
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
