//! A whole document laid out lazily: blocks (paragraphs, long ones split), heights estimated
//! until measured, and only the blocks on screen actually laid out and kept in a cache.
//! Cost follows what is on screen, not document size.

use std::collections::HashMap;

use crate::model::{CharRange, Document};

use super::fonts::FontSet;
use super::paragraph::{Direction, ParagraphLayout, Rect, TextStyle};

/// Paragraphs longer than this many chars are laid out in pieces, so one giant paragraph
/// never has to be shaped whole to show a screenful of it.
const MAX_BLOCK_CHARS: usize = 2000;
/// How many laid-out blocks to keep.
const CACHE_BLOCKS: usize = 400;

/// A piece of the document laid out as one paragraph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// Chars laid out (the line ending excluded).
    pub text: CharRange,
    /// Chars the block accounts for, line ending included.
    pub chars: CharRange,
    /// Index of the first block of the same paragraph (itself if it starts the paragraph).
    pub paragraph_first_block: usize,
}

/// Prefix sums of block heights with O(log n) update and search (a Fenwick tree).
#[derive(Clone, Debug)]
struct HeightIndex {
    tree: Vec<f64>,
    heights: Vec<f32>,
}

impl HeightIndex {
    fn new(heights: Vec<f32>) -> Self {
        let n = heights.len();
        let mut tree = vec![0.0; n + 1];
        for (i, h) in heights.iter().enumerate() {
            tree[i + 1] = *h as f64;
        }
        for j in 1..=n {
            let parent = j + (j & j.wrapping_neg());
            if parent <= n {
                tree[parent] += tree[j];
            }
        }
        Self { tree, heights }
    }

    fn set(&mut self, i: usize, height: f32) -> f32 {
        let delta = height - self.heights[i];
        if delta != 0.0 {
            self.heights[i] = height;
            let mut j = i + 1;
            while j < self.tree.len() {
                self.tree[j] += delta as f64;
                j += j & j.wrapping_neg();
            }
        }
        delta
    }

    /// Sum of the heights of blocks `0..i`.
    fn top(&self, i: usize) -> f32 {
        let mut sum = 0.0;
        let mut j = i;
        while j > 0 {
            sum += self.tree[j];
            j -= j & j.wrapping_neg();
        }
        sum as f32
    }

    fn total(&self) -> f32 {
        self.top(self.heights.len())
    }

    /// The block whose vertical extent holds `y` (clamped to the first and last).
    fn find(&self, y: f32) -> usize {
        let n = self.heights.len();
        if n == 0 {
            return 0;
        }
        let mut pos = 0;
        let mut remaining = y.max(0.0) as f64;
        let mut step = n.next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next <= n && self.tree[next] <= remaining {
                pos = next;
                remaining -= self.tree[next];
            }
            step >>= 1;
        }
        pos.min(n - 1)
    }
}

struct Cached {
    layout: ParagraphLayout,
    last_used: u64,
}

/// The layout of a document at one width, style and scale.
pub struct DocumentLayout {
    blocks: Vec<Block>,
    heights: HeightIndex,
    measured: Vec<bool>,
    cache: HashMap<usize, Cached>,
    /// Direction of each split paragraph, found when its first block is laid out.
    directions: HashMap<usize, Direction>,
    tick: u64,
    style: TextStyle,
    width: f32,
    scale: f32,
    language: Option<parley::Language>,
    /// Chars per line, estimated from the kind of text, per block (for unmeasured heights).
    wide_share: Vec<f32>,
}

impl std::fmt::Debug for DocumentLayout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentLayout")
            .field("blocks", &self.blocks.len())
            .field("cached", &self.cache.len())
            .field("width", &self.width)
            .finish_non_exhaustive()
    }
}

impl DocumentLayout {
    /// Splits the document into blocks and estimates their heights. Lays nothing out yet.
    pub fn new(
        doc: &Document,
        style: TextStyle,
        width: f32,
        scale: f32,
        language: Option<&str>,
    ) -> Self {
        let blocks = split_blocks(doc);
        let wide_share: Vec<f32> = blocks.iter().map(|b| wide_share(doc, b.text)).collect();
        let mut layout = Self {
            heights: HeightIndex::new(vec![0.0; blocks.len()]),
            measured: vec![false; blocks.len()],
            blocks,
            cache: HashMap::new(),
            directions: HashMap::new(),
            tick: 0,
            style,
            width,
            scale,
            language: language.and_then(|l| parley::Language::parse(l).ok()),
            wide_share,
        };
        layout.estimate_all();
        layout
    }

    fn estimate(&self, i: usize) -> f32 {
        let block = &self.blocks[i];
        let line = self.style.font_size * self.style.line_height;
        let chars = block.text.len() as f32;
        if chars == 0.0 {
            return line;
        }
        // Han and kana are about one em wide, most other scripts about half an em.
        let wide = self.wide_share[i];
        let advance = self.style.font_size * (0.5 + 0.5 * wide);
        let per_line = (self.width / advance).max(1.0);
        (chars / per_line).ceil().max(1.0) * line
    }

    fn estimate_all(&mut self) {
        let heights = (0..self.blocks.len()).map(|i| self.estimate(i)).collect();
        self.heights = HeightIndex::new(heights);
        self.measured.iter_mut().for_each(|m| *m = false);
    }

    /// The blocks.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// Current width in logical pixels.
    pub fn width(&self) -> f32 {
        self.width
    }

    /// Text style.
    pub fn style(&self) -> TextStyle {
        self.style
    }

    /// Pixels per point the layout is shaped for.
    pub fn scale(&self) -> f32 {
        self.scale
    }

    /// Changes the width: cached blocks are broken into lines again (no reshaping), heights
    /// go back to estimates until measured.
    pub fn set_width(&mut self, width: f32) {
        if (width - self.width).abs() < 0.5 {
            return;
        }
        self.width = width;
        for cached in self.cache.values_mut() {
            cached.layout.set_width(width);
        }
        self.estimate_all();
        let measured: Vec<(usize, f32)> = self
            .cache
            .iter()
            .map(|(i, c)| (*i, c.layout.height()))
            .collect();
        for (i, h) in measured {
            self.heights.set(i, h);
            self.measured[i] = true;
        }
    }

    /// Height of the whole document (estimated where not yet measured).
    pub fn total_height(&self) -> f32 {
        self.heights.total()
    }

    /// Top of block `i`.
    pub fn block_top(&self, i: usize) -> f32 {
        self.heights.top(i)
    }

    /// The block at height `y`.
    pub fn block_at_y(&self, y: f32) -> usize {
        self.heights.find(y)
    }

    /// The block holding `char_offset` (the last one for the end of the text).
    pub fn block_of_char(&self, char_offset: usize) -> usize {
        match self
            .blocks
            .binary_search_by(|b| b.chars.start.cmp(&char_offset))
        {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Lays out block `i` if needed and returns it. Measuring it may change its height: the
    /// returned delta (new − old) lets a view keep what it shows in place.
    pub fn ensure(&mut self, fonts: &mut FontSet, doc: &Document, i: usize) -> f32 {
        self.tick += 1;
        if let Some(c) = self.cache.get_mut(&i) {
            c.last_used = self.tick;
            return 0.0;
        }
        let block = self.blocks[i];
        let direction = if block.paragraph_first_block != i {
            Some(self.paragraph_direction(fonts, doc, block.paragraph_first_block))
        } else {
            None
        };
        let text = doc.slice(block.text).unwrap_or_default();
        let layout = ParagraphLayout::new(
            fonts,
            text,
            &self.style,
            self.width,
            self.scale,
            direction,
            self.language.as_ref(),
        );
        if block.paragraph_first_block == i {
            self.directions.insert(i, layout.direction());
        }
        let delta = self.heights.set(i, layout.height());
        self.measured[i] = true;
        self.cache.insert(
            i,
            Cached {
                layout,
                last_used: self.tick,
            },
        );
        self.evict();
        delta
    }

    fn paragraph_direction(
        &mut self,
        fonts: &mut FontSet,
        doc: &Document,
        first: usize,
    ) -> Direction {
        if let Some(d) = self.directions.get(&first) {
            return *d;
        }
        self.ensure(fonts, doc, first);
        self.directions
            .get(&first)
            .copied()
            .unwrap_or(Direction::Ltr)
    }

    fn evict(&mut self) {
        if self.cache.len() <= CACHE_BLOCKS {
            return;
        }
        let mut ages: Vec<(u64, usize)> =
            self.cache.iter().map(|(i, c)| (c.last_used, *i)).collect();
        ages.sort_unstable();
        for (_, i) in ages.iter().take(self.cache.len() - CACHE_BLOCKS / 2) {
            self.cache.remove(i);
        }
    }

    /// Block `i`'s layout, if it is laid out.
    pub fn laid_out(&self, i: usize) -> Option<&ParagraphLayout> {
        self.cache.get(&i).map(|c| &c.layout)
    }

    /// Lays out the blocks that intersect `y0..y1` and returns their indices. Blocks that
    /// start above `y0` and change height report it through the returned shift, which a view
    /// adds to its scroll offset so the text on screen stays put.
    pub fn layout_visible(
        &mut self,
        fonts: &mut FontSet,
        doc: &Document,
        y0: f32,
        y1: f32,
    ) -> (std::ops::Range<usize>, f32) {
        if self.blocks.is_empty() {
            return (0..0, 0.0);
        }
        let mut shift = 0.0;
        let first = self.block_at_y(y0);
        // The first block starts at or above y0: its growth moves everything below it.
        shift += self.ensure(fonts, doc, first);
        let mut i = first;
        let bottom = y1 + shift;
        while i + 1 < self.blocks.len() && self.block_top(i + 1) < bottom {
            i += 1;
            self.ensure(fonts, doc, i);
        }
        (first..i + 1, shift)
    }

    /// The char under a point (document coordinates), if it is on a laid-out glyph.
    pub fn char_at(
        &mut self,
        fonts: &mut FontSet,
        doc: &Document,
        x: f32,
        y: f32,
    ) -> Option<usize> {
        let i = self.block_at_y(y);
        self.ensure(fonts, doc, i);
        let top = self.block_top(i);
        let local = self.laid_out(i)?.char_at(x, y - top)?;
        Some(self.blocks[i].text.start + local)
    }

    /// The char boundary nearest a point (document coordinates), for drags.
    pub fn boundary_at(&mut self, fonts: &mut FontSet, doc: &Document, x: f32, y: f32) -> usize {
        if self.blocks.is_empty() {
            return 0;
        }
        if y >= self.total_height() {
            return doc.len_chars();
        }
        let i = self.block_at_y(y);
        self.ensure(fonts, doc, i);
        let top = self.block_top(i);
        let local = self.laid_out(i).map_or(0, |p| p.boundary_at(x, y - top));
        self.blocks[i].text.start + local
    }

    /// Rectangles (document coordinates) covering `range` within block `i`, which must be
    /// laid out.
    pub fn block_range_rects(&self, i: usize, range: CharRange) -> Vec<Rect> {
        let block = &self.blocks[i];
        let Some(part) = range.intersection(&block.text) else {
            return Vec::new();
        };
        let Some(layout) = self.laid_out(i) else {
            return Vec::new();
        };
        let top = self.block_top(i);
        layout
            .range_rects(part.start - block.text.start, part.end - block.text.start)
            .into_iter()
            .map(|r| r.translate(0.0, top))
            .collect()
    }

    /// Rectangles covering `range` in all blocks it touches (laying them out): for a span's
    /// outline or scrolling to it. Use [`Self::block_range_rects`] when painting.
    pub fn range_rects(
        &mut self,
        fonts: &mut FontSet,
        doc: &Document,
        range: CharRange,
    ) -> Vec<Rect> {
        if self.blocks.is_empty() {
            return Vec::new();
        }
        let first = self.block_of_char(range.start);
        let last = self.block_of_char(range.end.saturating_sub(1).max(range.start));
        let mut rects = Vec::new();
        for i in first..=last {
            self.ensure(fonts, doc, i);
        }
        for i in first..=last {
            rects.extend(self.block_range_rects(i, range));
        }
        rects
    }
}

/// Splits a document into blocks: one per paragraph, long paragraphs cut near
/// [`MAX_BLOCK_CHARS`] after a space (or at a grapheme boundary when there is none).
pub(crate) fn split_blocks(doc: &Document) -> Vec<Block> {
    let text = doc.text();
    let mut blocks = Vec::with_capacity(doc.paragraph_count());
    for p in 0..doc.paragraph_count() {
        let range = doc.paragraph_range(p);
        let start_byte = doc.char_to_byte(range.start);
        let end_byte = doc.char_to_byte(range.end);
        let para = &text[start_byte..end_byte];
        let content = para.trim_end_matches(['\n', '\r']);
        let text_end = range.start + content.chars().count();
        let first = blocks.len();
        let mut start = range.start;
        while text_end - start > MAX_BLOCK_CHARS {
            let cut = cut_point(doc, start, text_end);
            blocks.push(Block {
                text: CharRange::new(start, cut),
                chars: CharRange::new(start, cut),
                paragraph_first_block: first,
            });
            start = cut;
        }
        blocks.push(Block {
            text: CharRange::new(start, text_end),
            chars: CharRange::new(start, range.end),
            paragraph_first_block: first,
        });
    }
    blocks
}

fn cut_point(doc: &Document, start: usize, end: usize) -> usize {
    let target = start + MAX_BLOCK_CHARS;
    let window = CharRange::new(target - MAX_BLOCK_CHARS / 4, target.min(end));
    if let Some(s) = doc.slice(window)
        && let Some((i, _)) = s.char_indices().rev().find(|(_, c)| c.is_whitespace())
    {
        let offset = window.start + s[..i].chars().count() + 1;
        if offset > start && doc.is_grapheme_boundary(offset) {
            return offset;
        }
    }
    (target..end)
        .find(|&c| doc.is_grapheme_boundary(c))
        .unwrap_or(end)
}

/// Share of wide (Han, kana, Hangul) chars in a sample of a block, for height estimates.
fn wide_share(doc: &Document, range: CharRange) -> f32 {
    let sample = CharRange::new(range.start, range.end.min(range.start + 64));
    let Some(s) = doc.slice(sample) else {
        return 0.0;
    };
    let (mut wide, mut all) = (0, 0);
    for c in s.chars() {
        all += 1;
        if matches!(c as u32, 0x1100..=0x11FF | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFF00..=0xFF60)
        {
            wide += 1;
        }
    }
    if all == 0 {
        0.0
    } else {
        wide as f32 / all as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn height_index_sums_and_finds() {
        let mut h = HeightIndex::new(vec![10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(h.total(), 150.0);
        assert_eq!(h.top(2), 30.0);
        assert_eq!(h.find(0.0), 0);
        assert_eq!(h.find(29.9), 1);
        assert_eq!(h.find(30.0), 2);
        assert_eq!(h.find(1000.0), 4);
        assert_eq!(h.set(1, 25.0), 5.0);
        assert_eq!(h.top(3), 65.0);
        assert_eq!(h.find(34.0), 1);
        assert_eq!(h.find(35.0), 2);
    }

    #[test]
    fn long_paragraphs_are_split_without_losing_chars() {
        let para = "слово ".repeat(1000);
        let text = format!("{para}\nshort\r\n\nend");
        let doc = Document::from_text("t.txt", text);
        let blocks = split_blocks(&doc);
        assert!(blocks.len() > 4);
        assert_eq!(blocks[0].chars.start, 0);
        for pair in blocks.windows(2) {
            assert_eq!(pair[0].chars.end, pair[1].chars.start);
        }
        assert_eq!(blocks.last().unwrap().chars.end, doc.len_chars());
        let first_para: Vec<_> = blocks
            .iter()
            .filter(|b| b.paragraph_first_block == 0)
            .collect();
        assert!(first_para.len() >= 3);
        assert!(first_para.iter().all(|b| b.text.len() <= MAX_BLOCK_CHARS));
        let short = blocks
            .iter()
            .find(|b| doc.slice(b.text) == Some("short"))
            .unwrap();
        assert_eq!(short.chars.len(), 7, "the CRLF belongs to the block");
    }
}
