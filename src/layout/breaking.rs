//! Where the lines of a paragraph of any length break, without laying out the whole paragraph.
//!
//! Text is measured in units (what lies between two break opportunities, UAX #14, with its
//! trailing white space), shaped by parley in one pass over a piece of the paragraph; lines
//! are then filled greedily as browsers do (CSS Text: a unit goes on the line if its content
//! fits; trailing white space hangs and never counts; a unit wider than the line is broken
//! inside, `overflow-wrap: break-word`). Parley's own breaking counts trailing white space
//! whose bidi level differs from the paragraph's, and so can end a line one word early; this
//! does not.
//!
//! Greedy breaking is local in one direction: where the lines after a line start break
//! depends only on the text from that start on. So a paragraph is broken piece by piece, each
//! piece starting at a line start the previous piece found, and no line ends early at a piece
//! boundary. To show the middle of a long paragraph without breaking everything before it,
//! [`resync`] finds an exact line start near any point: the true line holding a point starts
//! at one of the break opportunities within a line's width before it, so lines are filled
//! from every one of those candidates; where all the candidates' lines come to start at the
//! same place, the true lines do too. Candidates agree after some tens of lines in most text,
//! hundreds at wide lines; text of uniform widths (much Chinese) may never agree. Past
//! [`RESYNC_BUDGET_CHARS`] the lines from the point itself are used: full lines too, but they
//! may start a word (or a char) away from where breaking from the paragraph's start puts
//! them, until the block before is laid out, which corrects them ([`super::DocumentLayout`]).

use crate::model::{CharRange, Document};

use super::bidi::Direction;
use super::fonts::FontSet;
use super::paragraph::{ParagraphLayout, TextStyle, UnitSpan};

/// How many chars a resynchronisation may measure in all, so that a jump costs tens of
/// milliseconds at most.
pub const RESYNC_BUDGET_CHARS: usize = 120_000;

/// One line found by breaking: its chars (absolute, trailing white space included) and width.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineSpan {
    /// The line's chars in the document.
    pub chars: CharRange,
    /// Width of its content without the white space hanging at its end, logical pixels.
    pub width: f32,
}

/// What breaking is done with: the layout settings of the document.
#[derive(Clone, Copy, Debug)]
pub struct BreakSettings<'a> {
    /// Text size and spacing.
    pub style: TextStyle,
    /// The wrap width, logical pixels.
    pub width: f32,
    /// Physical pixels per logical pixel.
    pub scale: f32,
    /// The paragraph's base direction.
    pub direction: Direction,
    /// The document's language, for shaping and dictionary line breaks.
    pub language: Option<&'a parley::Language>,
}

impl BreakSettings<'_> {
    /// A generous guess of how many chars fit on a line (narrow Latin letters).
    fn chars_per_line(&self) -> usize {
        ((self.width / (self.style.font_size * 0.25)).ceil() as usize).max(8)
    }
}

/// A measured unit, in document chars.
#[derive(Clone, Copy, Debug)]
struct Unit {
    start: usize,
    end: usize,
    width: f32,
    trailing: f32,
    forced_break: bool,
}

/// The units of `start..end`, measured in one pass. When `end` stops before the paragraph's
/// end (`text_end`), the last unit may be cut short and is left out: pass `end` as
/// `text_end` when `end` is known to fall between two units.
fn measure(
    fonts: &mut FontSet,
    doc: &Document,
    start: usize,
    end: usize,
    text_end: usize,
    settings: &BreakSettings<'_>,
) -> Vec<Unit> {
    let text = doc.slice(CharRange::new(start, end)).unwrap_or_default();
    let layout = ParagraphLayout::units(
        fonts,
        text,
        &settings.style,
        settings.scale,
        Some(settings.direction),
        settings.language,
    );
    let mut units: Vec<Unit> = layout
        .unit_spans()
        .into_iter()
        .filter(|u| !u.chars.is_empty())
        .map(
            |UnitSpan {
                 chars,
                 width,
                 trailing,
                 forced_break,
             }| Unit {
                start: start + chars.start,
                end: start + chars.end,
                width,
                trailing,
                forced_break,
            },
        )
        .collect();
    if end < text_end {
        units.pop();
    }
    units
}

/// Greedily adds units from index `j` to a line that holds `width` of content and ends in
/// `trailing` white space: returns the index of the unit the next line starts with (the
/// number of units when the paragraph ends on this line) and the line's width. `None` when
/// the units run out before that is known (`complete` is false: more text follows).
fn fill_from(
    units: &[Unit],
    mut j: usize,
    mut width: f32,
    mut trailing: f32,
    max: f32,
    complete: bool,
) -> Option<(usize, f32)> {
    loop {
        let Some(next) = units.get(j) else {
            return complete.then_some((j, width));
        };
        let with_next = width + trailing + next.width;
        if with_next > max {
            return Some((j, width));
        }
        width = with_next;
        trailing = next.trailing;
        j += 1;
        if next.forced_break {
            return Some((j, width));
        }
    }
}

/// The line starting at unit `i` (a line start that is not wider than the line), filled
/// greedily; see [`fill_from`].
fn fill_line(units: &[Unit], i: usize, max: f32, complete: bool) -> Option<(usize, f32)> {
    let first = units.get(i)?;
    if first.forced_break {
        return Some((i + 1, first.width));
    }
    fill_from(units, i + 1, first.width, first.trailing, max, complete)
}

/// The lines of `doc` from line start `start` up to (and not including) the first line that
/// starts at or after `until`, within the paragraph text ending at `text_end`. Returns the
/// lines and where the next one starts (`text_end` when the paragraph ends first).
pub fn break_from(
    fonts: &mut FontSet,
    doc: &Document,
    start: usize,
    until: usize,
    text_end: usize,
    settings: &BreakSettings<'_>,
) -> (Vec<LineSpan>, usize) {
    let max = settings.width;
    let mut lines: Vec<LineSpan> = Vec::new();
    let mut at = start;
    // Measure a little past `until`: a line is only known to end once the unit after it is.
    let mut past = settings.chars_per_line() * 2;
    while at < text_end {
        let piece_end = until.max(at).saturating_add(past).min(text_end);
        let complete = piece_end == text_end;
        let units = measure(fonts, doc, at, piece_end, text_end, settings);
        let mut progressed = false;
        let mut i = 0;
        while i < units.len() {
            let unit = units[i];
            if unit.start >= until && !lines.is_empty() {
                return (lines, unit.start);
            }
            // A unit wider than the line starts a line and is broken inside; its last piece
            // goes on sharing a line with what follows.
            let (line_start, width) = if unit.width > max {
                let (mut pieces, last_width) = break_inside(fonts, doc, &unit, settings);
                let Some(last) = pieces.pop() else { break };
                for piece in pieces {
                    if piece.chars.start >= until && !lines.is_empty() {
                        return (lines, piece.chars.start);
                    }
                    lines.push(piece);
                    progressed = true;
                }
                (last.chars.start, last_width)
            } else {
                (unit.start, unit.width)
            };
            let filled = if unit.forced_break {
                Some((i + 1, width))
            } else {
                fill_from(&units, i + 1, width, unit.trailing, max, complete)
            };
            let Some((j, width)) = filled else {
                at = line_start;
                break;
            };
            let end = units.get(j).map_or(text_end, |u| u.start);
            if line_start >= until && !lines.is_empty() {
                return (lines, line_start);
            }
            lines.push(LineSpan {
                chars: CharRange::new(line_start, end),
                width,
            });
            progressed = true;
            at = end;
            i = j;
        }
        if !progressed {
            past *= 4;
        }
    }
    (lines, text_end.max(start))
}

/// A unit wider than the line, broken at the line width (`overflow-wrap: break-word`): its
/// lines, the last of which may share its line with what follows, and that last line's width.
fn break_inside(
    fonts: &mut FontSet,
    doc: &Document,
    unit: &Unit,
    settings: &BreakSettings<'_>,
) -> (Vec<LineSpan>, f32) {
    let text = doc
        .slice(CharRange::new(unit.start, unit.end))
        .unwrap_or_default();
    let layout = ParagraphLayout::new(
        fonts,
        text,
        &settings.style,
        settings.width,
        settings.scale,
        Some(settings.direction),
        settings.language,
    );
    let lines: Vec<LineSpan> = layout
        .lines()
        .into_iter()
        .filter(|l| !l.chars.is_empty())
        .map(|l| LineSpan {
            chars: CharRange::new(unit.start + l.chars.start, unit.start + l.chars.end),
            width: l.width,
        })
        .collect();
    let last_width = lines.last().map_or(unit.width, |l| l.width);
    (lines, last_width)
}

/// An exact line start at or after `near` (a break opportunity inside a paragraph whose text
/// runs `text_start..text_end`), found without breaking the paragraph from its start. Returns
/// the start and whether it is proven exact.
pub fn resync(
    fonts: &mut FontSet,
    doc: &Document,
    near: usize,
    text_start: usize,
    text_end: usize,
    settings: &BreakSettings<'_>,
) -> (usize, bool) {
    let per_line = settings.chars_per_line();
    let mut budget = RESYNC_BUDGET_CHARS;
    // Candidates' lines take tens of lines to agree, or hundreds: look for agreement far
    // enough before `near`, then break forward from there. Each try looks twice as far back,
    // measuring only the text it had not measured yet.
    let mut lead = per_line * 20;
    let end = (near + per_line * 2).min(text_end);
    let mut units: Vec<Unit> = Vec::new();
    loop {
        let anchor = near.saturating_sub(lead).max(text_start);
        if anchor == text_start {
            return (
                break_from(fonts, doc, text_start, near, text_end, settings).1,
                true,
            );
        }
        let from = anchor.saturating_sub(per_line * 2).max(text_start);
        // The first unit measured before may be cut short at its start: measure up to the
        // second, which is a real boundary, and keep the rest.
        let (to, kept) = match units.get(1) {
            Some(second) => (second.start, units.split_off(1)),
            None => (end, Vec::new()),
        };
        let Some(rest) = budget.checked_sub(to.saturating_sub(from)) else {
            return (near, false);
        };
        budget = rest;
        let last_known = if kept.is_empty() { text_end } else { to };
        units = measure(fonts, doc, from, to, last_known, settings);
        units.extend(kept);
        match agreement(&units, anchor, near, settings) {
            Agreement::At(start) | Agreement::WideUnit(start) => {
                return (
                    break_from(fonts, doc, start, near, text_end, settings).1,
                    true,
                );
            }
            Agreement::NotYet => lead *= 2,
        }
    }
}

/// What the candidates' lines agree on.
enum Agreement {
    /// Every candidate's lines start a line here, at or before `near`.
    At(usize),
    /// A unit wider than a line starts a line of its own here.
    WideUnit(usize),
    /// They do not agree before `near`.
    NotYet,
}

/// Fills lines from every candidate start around `anchor` (the unit starts within more than
/// a line's width before it) through `units`, and finds where they all agree.
fn agreement(
    units: &[Unit],
    anchor: usize,
    near: usize,
    settings: &BreakSettings<'_>,
) -> Agreement {
    let Some(anchor_unit) = units.iter().position(|u| u.start >= anchor) else {
        return Agreement::NotYet;
    };
    // Candidates: back from the anchor until their width exceeds a line (plus margin).
    let mut first = anchor_unit;
    let mut width = 0.0;
    while first > 0 && width <= settings.width + settings.style.font_size * 4.0 {
        first -= 1;
        width += units[first].width + units[first].trailing;
    }
    if let Some(wide) = units[first..]
        .iter()
        .filter(|u| u.start <= near)
        .rfind(|u| u.width > settings.width)
    {
        return Agreement::WideUnit(wide.start);
    }
    // next[i]: the unit the line starting at unit i ends before (None: not known yet).
    let mut next: Vec<Option<usize>> = vec![None; units.len()];
    let line_end = |i: usize, next: &mut Vec<Option<usize>>| -> Option<usize> {
        if next[i].is_none() {
            next[i] = fill_line(units, i, settings.width, false)
                .map(|(j, _)| j)
                .filter(|j| *j < units.len());
        }
        next[i]
    };
    // reached[i]: which candidate's lines first started at unit i.
    let mut reached: Vec<Option<usize>> = vec![None; units.len()];
    let mut entry: Vec<usize> = Vec::new();
    for (c, candidate) in (first..=anchor_unit).enumerate() {
        let mut at = candidate;
        let joined = loop {
            if let Some(other) = reached[at] {
                break Some(at.max(entry[other]));
            }
            reached[at] = Some(c);
            match line_end(at, &mut next) {
                Some(n) => at = n,
                None => break None,
            }
        };
        match (c, joined) {
            (0, _) => entry.push(candidate),
            (_, Some(point)) => entry.push(point),
            (_, None) => return Agreement::NotYet,
        }
    }
    let joined = entry.iter().skip(1).copied().max().unwrap_or(anchor_unit);
    let start = units[joined].start;
    if start <= near {
        Agreement::At(start)
    } else {
        Agreement::NotYet
    }
}

/// Nominal places to cut a long paragraph into pieces of about `chunk` chars: just after
/// white space (a break opportunity), or at a grapheme boundary in text without spaces.
pub fn nominal_cuts(doc: &Document, text: CharRange, chunk: usize) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut start = text.start;
    while text.end - start > chunk + chunk / 2 {
        let target = start + chunk;
        let window = CharRange::new(target - chunk / 4, target);
        let cut = doc
            .slice(window)
            .and_then(|s| {
                let (i, _) = s.char_indices().rev().find(|(_, c)| c.is_whitespace())?;
                let offset = window.start + s[..i].chars().count() + 1;
                (offset > start && doc.is_grapheme_boundary(offset)).then_some(offset)
            })
            .or_else(|| (target..text.end).find(|&c| doc.is_grapheme_boundary(c)))
            .unwrap_or(text.end);
        if cut >= text.end {
            break;
        }
        cuts.push(cut);
        start = cut;
    }
    cuts
}
