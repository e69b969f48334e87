//! A piece of text laid out by parley: bidi, line breaking, shaping, font fallback, and
//! hit-testing, with every index converted to chars at this boundary. It is a whole short text
//! (a label, a note), the lines of a paragraph piece being broken, or one visual line of a
//! document at the levels its whole paragraph gives it, set with invisible bidi controls
//! ([`LineText`], see [`super::levels`]): chars in and out never count the controls.
//!
//! Coordinates are logical pixels (egui points) relative to the layout's top-left corner,
//! except [`GlyphRunData`], which is in physical pixels for the rasteriser.

use std::collections::HashMap;

use parley::{
    Affinity, Alignment, AlignmentOptions, BaseDirection, Cluster, Cursor, FontData, Layout,
    LineHeight, OverflowWrap, PositionedLayoutItem, Selection, StyleProperty,
};

use super::bidi::{self, Direction};
use super::fonts::FontSet;

/// An axis-aligned rectangle in logical pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left.
    pub x0: f32,
    /// Top.
    pub y0: f32,
    /// Right.
    pub x1: f32,
    /// Bottom.
    pub y1: f32,
}

impl Rect {
    /// Centre point.
    pub fn center(&self) -> (f32, f32) {
        ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }

    /// The same rectangle moved by `(dx, dy)`.
    pub fn translate(&self, dx: f32, dy: f32) -> Rect {
        Rect {
            x0: self.x0 + dx,
            y0: self.y0 + dy,
            x1: self.x1 + dx,
            y1: self.y1 + dy,
        }
    }

    /// Width.
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }
}

/// Size and spacing of document text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextStyle {
    /// Font size in logical pixels.
    pub font_size: f32,
    /// Line height as a multiple of the font size.
    pub line_height: f32,
}

impl Default for TextStyle {
    fn default() -> Self {
        Self {
            font_size: 16.0,
            line_height: 1.6,
        }
    }
}

/// A glyph placed in physical pixels, baseline origin.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlacedGlyph {
    /// Glyph id in its font.
    pub id: u32,
    /// Pen x, physical pixels.
    pub x: f32,
    /// Baseline y, physical pixels.
    pub y: f32,
}

/// Glyphs of one run, all in one font at one size.
#[derive(Clone, Debug)]
pub struct GlyphRunData {
    /// The font (shared bytes plus face index).
    pub font: FontData,
    /// Size in physical pixels.
    pub font_size_px: f32,
    /// Variation coordinates (F2Dot14 bits), empty for static fonts.
    pub coords: Vec<i16>,
    /// The glyphs.
    pub glyphs: Vec<PlacedGlyph>,
}

/// One visual line of a layout.
#[derive(Clone, Debug, PartialEq)]
pub struct LineInfo {
    /// Top edge, logical pixels.
    pub top: f32,
    /// Bottom edge, logical pixels.
    pub bottom: f32,
    /// Baseline, logical pixels.
    pub baseline: f32,
    /// Chars on this line (local offsets), trailing white space included.
    pub chars: std::ops::Range<usize>,
    /// Width of the line's content, logical pixels, without the trailing white space that
    /// hangs past its end.
    pub width: f32,
    /// Width of that hanging white space.
    pub hanging: f32,
    /// Top of the ink of the line's glyphs (their outlines' bounds), logical pixels; the
    /// baseline when nothing is inked.
    pub ink_top: f32,
    /// Bottom of that ink: the lowest dot, mark or descender.
    pub ink_bottom: f32,
}

/// What lies between two break opportunities, measured: see [`ParagraphLayout::unit_spans`].
#[derive(Clone, Debug, PartialEq)]
pub struct UnitSpan {
    /// Its chars (local), trailing white space included.
    pub chars: std::ops::Range<usize>,
    /// Width without the trailing white space, logical pixels.
    pub width: f32,
    /// Width of the trailing white space.
    pub trailing: f32,
    /// A mandatory break (a line separator, a lone CR) follows it.
    pub forced_break: bool,
}

/// One visual line of a paragraph as it is laid out by itself: its content with the bidi
/// level of each part, as the whole paragraph resolves them ([`super::levels`]), and its
/// trailing white space, which takes the paragraph's level (rule L1).
#[derive(Clone, Copy, Debug)]
pub struct LineText<'a> {
    /// The line without its trailing white space.
    pub content: &'a str,
    /// The level of each part of `content`: byte ranges in order, covering it. Empty: parley
    /// resolves the levels itself (a label, a list entry).
    pub levels: &'a [(std::ops::Range<usize>, u8)],
    /// The line's trailing white space.
    pub trailing: &'a str,
}

/// A laid-out piece of text.
pub struct ParagraphLayout {
    layout: Layout<()>,
    /// The laid-out text (marks included).
    text: Box<str>,
    /// Byte offset of each char of the laid-out text, plus its length: layout char → byte.
    char_bytes: Vec<u32>,
    /// Layout chars that are bidi controls added to the text (sorted).
    marks: Vec<usize>,
    /// For one line of a paragraph: the byte where its trailing white space starts.
    content_end: Option<usize>,
    scale: f32,
    min_height: f32,
    runs: Vec<GlyphRunData>,
    /// Top and bottom of each line's ink, physical pixels.
    ink: Vec<(f32, f32)>,
    /// [`Self::range_rects`] of the ranges asked for since the lines were last broken: the
    /// same spans are drawn every frame, and parley's selection geometry walks every cluster
    /// of their lines (a quarter of a frame with four full panes). Mutex, not RefCell: layouts
    /// are built and read on worker threads too.
    rects: std::sync::Mutex<HashMap<(usize, usize), Vec<Rect>>>,
}

/// Ranges whose rectangles a paragraph keeps: a paragraph's spans and more, while dragging a
/// selection over it does not grow the memo without end.
const RECTS_KEPT: usize = 512;

impl std::fmt::Debug for ParagraphLayout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParagraphLayout")
            .field("chars", &self.len_chars())
            .field("lines", &self.layout.len())
            .finish_non_exhaustive()
    }
}

impl ParagraphLayout {
    /// Lays out `text` (one paragraph, without its line ending) at `width` logical pixels.
    ///
    /// `scale` is the display's pixels per point: shaping happens in physical pixels so glyphs
    /// land on whole pixels. `direction` forces the base direction (for later pieces of a
    /// paragraph split for length); `None` takes it from the first strong character.
    pub fn new(
        fonts: &mut FontSet,
        text: &str,
        style: &TextStyle,
        width: f32,
        scale: f32,
        direction: Option<Direction>,
        language: Option<&parley::Language>,
    ) -> Self {
        let mut paragraph = Self::unbroken(
            fonts,
            text,
            Vec::new(),
            style,
            scale,
            direction,
            language,
            OverflowWrap::BreakWord,
        );
        break_lines(&mut paragraph.layout, width * scale);
        paragraph.collect_runs();
        paragraph
    }

    /// Lays out `text` with one line per unbreakable unit (what lies between two break
    /// opportunities, with its trailing white space): for finding where lines may break.
    pub fn units(
        fonts: &mut FontSet,
        text: &str,
        style: &TextStyle,
        scale: f32,
        direction: Option<Direction>,
        language: Option<&parley::Language>,
    ) -> Self {
        let mut paragraph = Self::unbroken(
            fonts,
            text,
            Vec::new(),
            style,
            scale,
            direction,
            language,
            OverflowWrap::Normal,
        );
        paragraph.layout.break_all_lines(Some(0.0));
        paragraph
    }

    /// Lays out `text` on one line, however long (for lists and labels).
    pub fn single_line(fonts: &mut FontSet, text: &str, style: &TextStyle, scale: f32) -> Self {
        Self::line(
            fonts,
            LineText {
                content: text,
                levels: &[],
                trailing: "",
            },
            style,
            scale,
            None,
            None,
        )
    }

    /// Lays out one visual line of a paragraph at its levels, never wrapping it. It starts at
    /// x = 0 whatever its direction: the caller places it.
    ///
    /// Parley resolves bidi over the text it is given, so the levels are given to it as
    /// explicit controls it implements (X1–X8): each part above the paragraph's level is
    /// wrapped in nested overrides (LRO, RLO … PDF) up to its level, and each part at the
    /// paragraph's level between marks of the paragraph's direction (LRM, RLM), so that its
    /// neutrals resolve to that level whatever is around them. Controls of the text itself are
    /// laid out as U+2060 (invisible, no bidi effect): their effect is in the levels already.
    /// Mirrored glyphs follow the levels, as shaping mirrors in right-to-left runs.
    pub fn line(
        fonts: &mut FontSet,
        line: LineText<'_>,
        style: &TextStyle,
        scale: f32,
        direction: Option<Direction>,
        language: Option<&parley::Language>,
    ) -> Self {
        const LRO: char = '\u{202D}';
        const RLO: char = '\u{202E}';
        const PDF: char = '\u{202C}';
        let base = u8::from(direction == Some(Direction::Rtl));
        let mark = if base == 1 { '\u{200F}' } else { '\u{200E}' };
        let mut text = String::with_capacity(line.content.len() + line.trailing.len() + 16);
        let mut marks = Vec::new();
        let mut chars = 0;
        let mut add = |text: &mut String, chars: &mut usize, c: char| {
            marks.push(*chars);
            text.push(c);
            *chars += 1;
        };
        if line.levels.is_empty() {
            text.push_str(line.content);
        }
        for (range, level) in line.levels {
            let part = line.content.get(range.clone()).unwrap_or_default();
            let mut pushed = Vec::new();
            if *level <= base {
                add(&mut text, &mut chars, mark);
            } else {
                // Each override raises the level by one or two: end on `level` with the
                // override of its direction.
                let mut at = base;
                while at < *level {
                    let step = if *level - at == 2 { 2 } else { 1 };
                    at += step;
                    pushed.push(if at % 2 == 1 { RLO } else { LRO });
                }
                for c in &pushed {
                    add(&mut text, &mut chars, *c);
                }
            }
            for c in part.chars() {
                text.push(if is_bidi_control(c) { '\u{2060}' } else { c });
                chars += 1;
            }
            if *level <= base {
                add(&mut text, &mut chars, mark);
            }
            for _ in &pushed {
                add(&mut text, &mut chars, PDF);
            }
        }
        if !line.levels.is_empty() && !line.trailing.is_empty() {
            add(&mut text, &mut chars, mark);
        }
        let content_end = text.len();
        text.push_str(line.trailing);
        let mut paragraph = Self::unbroken(
            fonts,
            &text,
            marks,
            style,
            scale,
            direction,
            language,
            OverflowWrap::Normal,
        );
        paragraph.content_end = Some(content_end);
        paragraph.layout.break_all_lines(None);
        paragraph
            .layout
            .align(Alignment::Start, AlignmentOptions::default());
        paragraph.collect_runs();
        paragraph
    }

    /// Shapes `text` (lines not broken yet). With `OverflowWrap::BreakWord`, a word wider than
    /// the line is broken rather than run past the pane's edge.
    #[allow(clippy::too_many_arguments)]
    fn unbroken(
        fonts: &mut FontSet,
        text: &str,
        marks: Vec<usize>,
        style: &TextStyle,
        scale: f32,
        direction: Option<Direction>,
        language: Option<&parley::Language>,
        overflow_wrap: OverflowWrap,
    ) -> Self {
        let layout = fonts.build_layout(text, scale, |builder| {
            builder.push_default(StyleProperty::FontSize(style.font_size));
            builder.push_default(StyleProperty::LineHeight(LineHeight::FontSizeRelative(
                style.line_height,
            )));
            builder.push_default(StyleProperty::OverflowWrap(overflow_wrap));
            if let Some(language) = language {
                builder.push_default(StyleProperty::Locale(Some(*language)));
            }
            if let Some(direction) = direction {
                builder.set_base_direction(match direction {
                    Direction::Ltr => BaseDirection::Ltr,
                    Direction::Rtl => BaseDirection::Rtl,
                });
            }
        });
        let mut char_bytes: Vec<u32> = text.char_indices().map(|(b, _)| b as u32).collect();
        char_bytes.push(text.len() as u32);
        Self {
            layout,
            text: text.into(),
            char_bytes,
            marks,
            content_end: None,
            scale,
            min_height: style.font_size * style.line_height,
            runs: Vec::new(),
            ink: Vec::new(),
            rects: Default::default(),
        }
    }

    /// Width of the widest line, logical pixels.
    pub fn content_width(&self) -> f32 {
        self.layout.width() / self.scale
    }

    /// Breaks the lines again for a new width, keeping the shaping.
    pub fn set_width(&mut self, width: f32) {
        break_lines(&mut self.layout, width * self.scale);
        self.collect_runs();
    }

    /// After the lines were broken (again).
    fn collect_runs(&mut self) {
        self.runs = glyph_runs_of(&self.layout);
        self.ink = ink_of(&self.layout);
        self.rects_memo().clear();
    }

    fn rects_memo(&self) -> std::sync::MutexGuard<'_, HashMap<(usize, usize), Vec<Rect>>> {
        // A panic while holding it leaves a memo that is only incomplete: still right.
        self.rects
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Number of chars laid out (context marks not counted).
    pub fn len_chars(&self) -> usize {
        self.char_bytes.len() - 1 - self.marks.len()
    }

    /// Height in logical pixels (at least one line, even when empty).
    pub fn height(&self) -> f32 {
        (self.layout.height() / self.scale).max(self.min_height)
    }

    /// True when the paragraph's base direction is right-to-left.
    pub fn direction(&self) -> Direction {
        if self.layout.is_rtl() {
            Direction::Rtl
        } else {
            Direction::Ltr
        }
    }

    /// The pixels-per-point the paragraph was shaped for.
    pub fn scale(&self) -> f32 {
        self.scale
    }

    /// The glyph runs, in physical pixels, for painting.
    pub fn glyph_runs(&self) -> &[GlyphRunData] {
        &self.runs
    }

    /// The visual lines. A line's trailing white space (as bidi rule L1 counts it) hangs: it
    /// is not in its width, whatever its bidi level.
    pub fn lines(&self) -> Vec<LineInfo> {
        self.layout
            .lines()
            .enumerate()
            .map(|(i, line)| {
                let m = line.metrics();
                let range = line.text_range();
                let hanging = self.trailing_advance(&line, range.clone());
                let (ink_top, ink_bottom) =
                    self.ink.get(i).copied().unwrap_or((m.baseline, m.baseline));
                LineInfo {
                    top: m.block_min_coord / self.scale,
                    bottom: m.block_max_coord / self.scale,
                    baseline: m.baseline / self.scale,
                    chars: self.byte_to_char(range.start)..self.byte_to_char(range.end),
                    width: (m.advance - hanging) / self.scale,
                    hanging: hanging / self.scale,
                    ink_top: ink_top / self.scale,
                    ink_bottom: ink_bottom / self.scale,
                }
            })
            .collect()
    }

    /// The advance of a line's trailing white space, layout units.
    fn trailing_advance(&self, line: &parley::Line<'_, ()>, range: std::ops::Range<usize>) -> f32 {
        let text = self.text.get(range.clone()).unwrap_or_default();
        let content_end = self.content_end.unwrap_or_else(|| {
            range.start + text.trim_end_matches(bidi::is_line_end_whitespace).len()
        });
        if content_end == range.end {
            return 0.0;
        }
        line.runs()
            .flat_map(|run| run.clusters().collect::<Vec<_>>())
            .filter(|c| c.text_range().start >= content_end)
            .map(|c| c.advance())
            .sum()
    }

    /// For a layout made by [`Self::units`]: each unit's chars, content width, the advance of
    /// its trailing white space, and whether a mandatory break follows it.
    pub fn unit_spans(&self) -> Vec<UnitSpan> {
        self.layout
            .lines()
            .zip(self.lines())
            .map(|(line, info)| UnitSpan {
                chars: info.chars,
                width: info.width,
                trailing: info.hanging,
                forced_break: line.break_reason() == parley::BreakReason::Explicit,
            })
            .collect()
    }

    /// The char (marks not counted) at a byte offset of the laid-out text.
    fn byte_to_char(&self, byte: usize) -> usize {
        let layout_char = match self.char_bytes.binary_search(&(byte as u32)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        layout_char - self.marks.iter().filter(|m| **m < layout_char).count()
    }

    /// The byte offset of a char (marks not counted) in the laid-out text.
    fn char_to_byte(&self, char_offset: usize) -> usize {
        let mut layout_char = char_offset.min(self.len_chars());
        for m in &self.marks {
            if *m <= layout_char {
                layout_char += 1;
            }
        }
        self.char_bytes[layout_char.min(self.char_bytes.len() - 1)] as usize
    }

    /// The byte offset just after char `char_offset - 1` in the laid-out text: the end of a
    /// range, before the controls that open the next part.
    fn char_end_to_byte(&self, char_offset: usize) -> usize {
        if char_offset == 0 {
            return self.char_to_byte(0);
        }
        let mut layout_char = (char_offset - 1).min(self.len_chars());
        for m in &self.marks {
            if *m <= layout_char {
                layout_char += 1;
            }
        }
        self.char_bytes[(layout_char + 1).min(self.char_bytes.len() - 1)] as usize
    }

    /// The char under a point (the first char of the cluster there), or `None` off the text.
    /// A letter and its combining marks are one cluster: the letter is returned.
    pub fn char_at(&self, x: f32, y: f32) -> Option<usize> {
        let (cluster, _) = Cluster::from_point_exact(&self.layout, x * self.scale, y * self.scale)?;
        Some(self.byte_to_char(cluster.text_range().start))
    }

    /// The char boundary nearest to a point, for the ends of a drag. Always a cluster
    /// boundary; follows the visual order of the line under the point.
    pub fn boundary_at(&self, x: f32, y: f32) -> usize {
        let cursor = Cursor::from_point(&self.layout, x * self.scale, y * self.scale);
        self.byte_to_char(cursor.index())
    }

    /// Rectangles covering local chars `start..end`, one per visual piece (several when the
    /// range crosses a line break or a change of direction). The range is widened to whole
    /// clusters, so a highlight never cuts a letter from its marks.
    pub fn range_rects(&self, start: usize, end: usize) -> Vec<Rect> {
        let len = self.len_chars();
        let (start, end) = (start.min(len), end.min(len));
        if start >= end {
            return Vec::new();
        }
        if let Some(rects) = self.rects_memo().get(&(start, end)) {
            return rects.clone();
        }
        let rects = self.measure_range(start, end);
        let mut memo = self.rects_memo();
        if memo.len() >= RECTS_KEPT {
            memo.clear();
        }
        memo.insert((start, end), rects.clone());
        rects
    }

    /// [`Self::range_rects`], measured.
    fn measure_range(&self, start: usize, end: usize) -> Vec<Rect> {
        let start_byte = self.char_to_byte(start);
        let mut end_byte = self.char_end_to_byte(end);
        if let Some(c) = Cluster::from_byte_index(&self.layout, end_byte)
            && c.text_range().start < end_byte
        {
            end_byte = c.text_range().end;
        }
        let selection = Selection::new(
            Cursor::from_byte_index(&self.layout, start_byte, Affinity::Downstream),
            Cursor::from_byte_index(&self.layout, end_byte, Affinity::Upstream),
        );
        let s = self.scale as f64;
        let rects: Vec<Rect> = selection
            .geometry(&self.layout)
            .into_iter()
            .map(|(b, _)| Rect {
                x0: (b.x0 / s) as f32,
                y0: (b.y0 / s) as f32,
                x1: (b.x1 / s) as f32,
                y1: (b.y1 / s) as f32,
            })
            .collect();
        // The bidi controls between the parts of a line have no width: their empty boxes are
        // not part of what is drawn (unless nothing else is, as for a lone zero-width char).
        if rects.iter().any(|r| r.width() > 0.0) {
            rects.into_iter().filter(|r| r.width() > 0.0).collect()
        } else {
            rects
        }
    }

    /// Glyph ids drawn for the cluster holding `char_offset` and the blob id of their font:
    /// id 0 is the missing-glyph box.
    pub fn glyphs_of(&self, char_offset: usize) -> Vec<(u32, u64)> {
        let Some(cluster) = Cluster::from_byte_index(&self.layout, self.char_to_byte(char_offset))
        else {
            return Vec::new();
        };
        let blob = cluster.run().font().data.id();
        cluster.glyphs().map(|g| (g.id, blob)).collect()
    }
}

/// An explicit bidi control or a paragraph separator: laid out as U+2060 in a line whose
/// levels are given, so that parley does not apply it a second time.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\r' | '\u{1C}'..='\u{1E}' | '\u{85}' | '\u{2029}')
}

/// The glyph runs of a parley layout, in physical pixels, for painting.
pub(crate) fn glyph_runs_of(layout: &Layout<()>) -> Vec<GlyphRunData> {
    let mut runs = Vec::new();
    for line in layout.lines() {
        for item in line.items() {
            let PositionedLayoutItem::GlyphRun(glyph_run) = item else {
                continue;
            };
            let run = glyph_run.run();
            runs.push(GlyphRunData {
                font: run.font().clone(),
                font_size_px: run.font_size(),
                coords: run
                    .normalized_coords()
                    .iter()
                    .map(|c| c.to_bits())
                    .collect(),
                glyphs: glyph_run
                    .positioned_glyphs()
                    .map(|g| PlacedGlyph {
                        id: g.id,
                        x: g.x,
                        y: g.y,
                    })
                    .collect(),
            });
        }
    }
    runs
}

/// The top and bottom of the ink of each line's glyphs, physical pixels: their bounding boxes
/// in their fonts (skrifa reads them from the glyph table, or from the outline in variable and
/// CFF fonts), placed where they are drawn. A line with no ink gets its baseline.
fn ink_of(layout: &Layout<()>) -> Vec<(f32, f32)> {
    use skrifa::MetadataProvider as _;
    layout
        .lines()
        .map(|line| {
            let baseline = line.metrics().baseline;
            let (mut top, mut bottom) = (f32::MAX, f32::MIN);
            for item in line.items() {
                let PositionedLayoutItem::GlyphRun(glyph_run) = item else {
                    continue;
                };
                let run = glyph_run.run();
                let font = run.font();
                let Ok(font_ref) = skrifa::FontRef::from_index(font.data.data(), font.index) else {
                    continue;
                };
                let coords: Vec<skrifa::raw::types::F2Dot14> = run
                    .normalized_coords()
                    .iter()
                    .map(|c| skrifa::raw::types::F2Dot14::from_bits(c.to_bits()))
                    .collect();
                let metrics = font_ref.glyph_metrics(
                    skrifa::instance::Size::new(run.font_size()),
                    skrifa::instance::LocationRef::new(&coords),
                );
                for glyph in glyph_run.positioned_glyphs() {
                    let Some(b) = metrics.bounds(skrifa::GlyphId::new(glyph.id)) else {
                        continue;
                    };
                    if b.y_min < b.y_max {
                        // Font units point up, layout coordinates down.
                        top = top.min(glyph.y - b.y_max);
                        bottom = bottom.max(glyph.y - b.y_min);
                    }
                }
            }
            if top > bottom {
                (baseline, baseline)
            } else {
                (top, bottom)
            }
        })
        .collect()
}

fn break_lines(layout: &mut Layout<()>, max_advance: f32) {
    layout.break_all_lines(Some(max_advance.max(1.0)));
    layout.align(Alignment::Start, AlignmentOptions::default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_is_forward_only_in_left_to_right_text() {
        assert!(Direction::Ltr.is_forward(true));
        assert!(!Direction::Ltr.is_forward(false));
        assert!(!Direction::Rtl.is_forward(true));
        assert!(Direction::Rtl.is_forward(false));
    }
}
