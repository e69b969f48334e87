//! A block: a run of whole lines of one paragraph, each laid out by itself at the bidi levels
//! of the whole paragraph ([`super::levels`]), placed as the paragraph's direction wants
//! (right-aligned for right to left), and hit-tested line by line. Offsets in and out are
//! chars local to the block's first char.

use crate::model::{CharRange, Document};

use super::bidi::{self, Direction};
use super::breaking::LineSpan;
use super::fonts::FontSet;
use super::levels::{self, Levels};
use super::paragraph::{
    GlyphRunData, LineInfo, LineText, ParagraphLayout, PlacedGlyph, Rect, TextStyle,
};

/// Thickness of a span's underline, logical pixels.
pub const UNDERLINE_THICKNESS: f32 = 2.0;
/// How far apart the underlines of nested spans are, centre to centre.
pub const UNDERLINE_STEP: f32 = 3.0;
/// Space between the lowest ink of a line and its first underline.
pub const UNDERLINE_GAP: f32 = 1.0;
/// What lies between the ink of a line and the ink of the next one, at least: two stacked
/// underlines (a span and one nested in it, the common case) and a pixel on either side.
/// Underlines go below all ink, so that a labelled word reads as an unlabelled one (the dots
/// under Arabic letters are the only difference between some of them); where a line's own box
/// has no room for them (Arabic in Noto Sans Arabic inks right to its bottom), the lines of
/// the block are spaced out to make it. Deeper nesting goes on downwards and may touch the
/// tallest marks of the next line.
const DECORATION_BAND: f32 = UNDERLINE_GAP + UNDERLINE_THICKNESS + UNDERLINE_STEP + 1.0;

/// One line of a block, placed.
struct PlacedLine {
    /// Chars of the line, local to the block (trailing white space included).
    chars: std::ops::Range<usize>,
    top: f32,
    bottom: f32,
    /// Where the line's x = 0 is in the block.
    x: f32,
    width: f32,
    hanging: f32,
    /// Top and bottom of the line's ink, block coordinates.
    ink_top: f32,
    ink_bottom: f32,
    layout: ParagraphLayout,
}

/// A laid-out block.
pub struct BlockLayout {
    lines: Vec<PlacedLine>,
    runs: Vec<GlyphRunData>,
    direction: Direction,
    scale: f32,
    min_height: f32,
}

impl std::fmt::Debug for BlockLayout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockLayout")
            .field("lines", &self.lines.len())
            .field("direction", &self.direction)
            .finish_non_exhaustive()
    }
}

/// What a block is laid out from.
#[derive(Clone, Copy, Debug)]
pub struct BlockSettings<'a> {
    /// Text size and spacing.
    pub style: TextStyle,
    /// The wrap width, logical pixels.
    pub width: f32,
    /// Physical pixels per logical pixel.
    pub scale: f32,
    /// The paragraph's base direction.
    pub direction: Direction,
    /// The document's language.
    pub language: Option<&'a parley::Language>,
    /// The bidi levels of the block's chars, as the whole paragraph resolves them.
    pub levels: &'a Levels,
}

impl BlockLayout {
    /// Lays out `lines` (consecutive, absolute char ranges) of `doc`; the block starts at the
    /// first line's start.
    pub fn new(
        fonts: &mut FontSet,
        doc: &Document,
        lines: &[LineSpan],
        settings: &BlockSettings<'_>,
    ) -> Self {
        let block_start = lines
            .first()
            .map_or(settings.levels.range().start, |l| l.chars.start);
        let line_height = settings.style.font_size * settings.style.line_height;
        let laid: Vec<(ParagraphLayout, Option<LineInfo>)> = lines
            .iter()
            .map(|span| {
                let layout = line_layout(fonts, doc, span.chars, settings);
                let info = layout.lines().into_iter().next();
                (layout, info)
            })
            .collect();
        // Room for the decoration band between one line's ink and the next one's: the same
        // for every line of the block, so that its lines stay evenly spaced.
        let room_below = laid
            .iter()
            .filter_map(|(_, i)| i.as_ref().map(|i| i.bottom - i.ink_bottom))
            .fold(f32::MAX, f32::min);
        let room_above = laid
            .iter()
            .filter_map(|(_, i)| i.as_ref().map(|i| i.ink_top - i.top))
            .fold(f32::MAX, f32::min);
        let extra = if laid.is_empty() {
            0.0
        } else {
            (DECORATION_BAND - room_below - room_above).max(0.0).ceil()
        };
        let mut placed = Vec::with_capacity(lines.len());
        let mut top = 0.0;
        for (span, (layout, info)) in lines.iter().zip(laid) {
            let (width, hanging) = info.as_ref().map_or((0.0, 0.0), |l| (l.width, l.hanging));
            let height = info.as_ref().map_or(line_height, |l| l.bottom - l.top) + extra;
            let (ink_top, ink_bottom) = info
                .as_ref()
                .map_or((0.0, 0.0), |l| (l.ink_top - l.top, l.ink_bottom - l.top));
            // Right to left lines end at the right edge; their trailing white space hangs
            // past the left one.
            let x = match settings.direction {
                Direction::Ltr => 0.0,
                Direction::Rtl => settings.width - width - hanging,
            };
            placed.push(PlacedLine {
                chars: span.chars.start - block_start..span.chars.end - block_start,
                top,
                bottom: top + height,
                x,
                width,
                hanging,
                ink_top: top + ink_top,
                ink_bottom: top + ink_bottom,
                layout,
            });
            top += height;
        }
        let mut block = Self {
            lines: placed,
            runs: Vec::new(),
            direction: settings.direction,
            scale: settings.scale,
            min_height: settings.style.font_size * settings.style.line_height,
        };
        block.runs = block.placed_runs();
        block
    }

    /// Every line's glyph runs moved to its place in the block, physical pixels.
    fn placed_runs(&self) -> Vec<GlyphRunData> {
        let s = self.scale;
        let mut runs = Vec::new();
        for line in &self.lines {
            let (dx, dy) = ((line.x * s).round(), (line.top * s).round());
            for run in line.layout.glyph_runs() {
                let mut run = run.clone();
                run.glyphs = run
                    .glyphs
                    .iter()
                    .map(|g| PlacedGlyph {
                        id: g.id,
                        x: g.x + dx,
                        y: g.y + dy,
                    })
                    .collect();
                runs.push(run);
            }
        }
        runs
    }

    /// Height in logical pixels (at least one line, even when empty).
    pub fn height(&self) -> f32 {
        self.lines
            .last()
            .map_or(0.0, |l| l.bottom)
            .max(self.min_height)
    }

    /// The paragraph's base direction.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The pixels-per-point the block was shaped for.
    pub fn scale(&self) -> f32 {
        self.scale
    }

    /// The glyph runs, in physical pixels relative to the block's top-left, for painting.
    pub fn glyph_runs(&self) -> &[GlyphRunData] {
        &self.runs
    }

    /// Number of chars in the block.
    pub fn len_chars(&self) -> usize {
        self.lines.last().map_or(0, |l| l.chars.end)
    }

    /// The visual lines (chars local to the block, widths without hanging white space).
    pub fn lines(&self) -> Vec<LineInfo> {
        self.lines
            .iter()
            .map(|l| LineInfo {
                top: l.top,
                bottom: l.bottom,
                baseline: l.top + l.layout.lines().first().map_or(0.0, |info| info.baseline),
                chars: l.chars.clone(),
                width: l.width,
                hanging: l.hanging,
                ink_top: l.ink_top,
                ink_bottom: l.ink_bottom,
            })
            .collect()
    }

    /// The line holding height `y` (the first or last when outside).
    fn line_at_y(&self, y: f32) -> Option<&PlacedLine> {
        let i = self.lines.partition_point(|l| l.bottom <= y);
        self.lines.get(i.min(self.lines.len().saturating_sub(1)))
    }

    /// The line holding `char_offset` (the last line for the block's end).
    fn line_of(&self, char_offset: usize) -> Option<&PlacedLine> {
        let i = self.lines.partition_point(|l| l.chars.end <= char_offset);
        self.lines.get(i.min(self.lines.len().saturating_sub(1)))
    }

    /// Where the underline of a span at nesting `level` (0 outermost) goes on the line at
    /// height `y`: its centre, below the lowest ink of the line's glyphs, deeper levels
    /// further down (see [`DECORATION_BAND`]).
    pub fn underline_y(&self, y: f32, level: usize) -> Option<f32> {
        let line = self.line_at_y(y)?;
        Some(
            line.ink_bottom
                + UNDERLINE_GAP
                + UNDERLINE_THICKNESS / 2.0
                + UNDERLINE_STEP * level as f32,
        )
    }

    /// The char under a point (the first char of the cluster there), or `None` off the text.
    pub fn char_at(&self, x: f32, y: f32) -> Option<usize> {
        let line = self.line_at_y(y)?;
        if y < line.top || y >= line.bottom {
            return None;
        }
        let local = line.layout.char_at(x - line.x, y - line.top)?;
        Some(line.chars.start + local)
    }

    /// The char boundary nearest to a point, for the ends of a drag: always a cluster
    /// boundary, in the visual order of the line under the point.
    pub fn boundary_at(&self, x: f32, y: f32) -> usize {
        let Some(line) = self.line_at_y(y) else {
            return 0;
        };
        let local = line.layout.boundary_at(
            x - line.x,
            (y - line.top).clamp(0.0, line.bottom - line.top),
        );
        line.chars.start + local
    }

    /// Rectangles covering local chars `start..end`, one per visual piece, widened to whole
    /// clusters.
    pub fn range_rects(&self, start: usize, end: usize) -> Vec<Rect> {
        let mut rects = Vec::new();
        let first = self.lines.partition_point(|l| l.chars.end <= start);
        for line in &self.lines[first.min(self.lines.len())..] {
            if line.chars.start >= end {
                break;
            }
            let s = start.max(line.chars.start) - line.chars.start;
            let e = end.min(line.chars.end) - line.chars.start;
            rects.extend(
                line.layout
                    .range_rects(s, e)
                    .into_iter()
                    .map(|r| r.translate(line.x, line.top)),
            );
        }
        rects
    }

    /// Glyph ids drawn for the cluster holding `char_offset` and the blob id of their font:
    /// id 0 is the missing-glyph box.
    pub fn glyphs_of(&self, char_offset: usize) -> Vec<(u32, u64)> {
        self.line_of(char_offset).map_or_else(Vec::new, |line| {
            line.layout
                .glyphs_of(char_offset.saturating_sub(line.chars.start))
        })
    }
}

/// One line laid out by itself at its levels, its trailing white space apart, at the
/// paragraph's level (rule L1).
fn line_layout(
    fonts: &mut FontSet,
    doc: &Document,
    chars: CharRange,
    settings: &BlockSettings<'_>,
) -> ParagraphLayout {
    let text = doc.slice(chars).unwrap_or_default();
    let content_len = text.trim_end_matches(bidi::is_line_end_whitespace).len();
    let (content, trailing) = text.split_at(content_len);
    let runs = levels::line_runs(settings.levels, content, chars.start, settings.direction);
    ParagraphLayout::line(
        fonts,
        LineText {
            content,
            levels: &runs,
            trailing,
        },
        &settings.style,
        settings.scale,
        Some(settings.direction),
        settings.language,
    )
}
