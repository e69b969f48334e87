//! A whole document laid out lazily: blocks of whole lines (a paragraph, or a piece of a long
//! one), heights estimated until measured, and only the blocks on screen laid out and kept in
//! a cache. Cost follows what is on screen, not document size or paragraph length.
//!
//! A paragraph longer than [`CHUNK_CHARS`] is cut into blocks at nominal places; a block
//! starts where its line really starts, found by breaking the block before it
//! ([`super::breaking::break_from`]) or, when that one has not been laid out, by
//! [`super::breaking::resync`]. So lines wrap and reorder as in one paragraph however long it
//! is, and no line ends early at a block boundary.

use std::collections::HashMap;

use crate::model::{CharRange, Document};

use super::bidi;
use super::bidi::Direction;
use super::block::{BlockLayout, BlockSettings};
use super::breaking::{BreakSettings, break_from, nominal_cuts, resync};
use super::fonts::FontSet;
use super::levels::ParagraphLevels;
use super::paragraph::{Rect, TextStyle};

/// Paragraphs longer than this many chars are laid out in blocks of about this size, so one
/// giant paragraph never has to be laid out whole to show a screenful of it.
pub const CHUNK_CHARS: usize = 2000;
/// How many laid-out blocks to keep.
const CACHE_BLOCKS: usize = 400;

/// A piece of the document laid out as whole lines of one paragraph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// Chars laid out (the line ending excluded).
    pub text: CharRange,
    /// Chars the block accounts for, line ending included.
    pub chars: CharRange,
    /// Index of the first block of the same paragraph (itself if it starts the paragraph).
    pub paragraph_first_block: usize,
}

/// Whether a block starts where a line really starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Start {
    /// At a nominal place: not yet known where the line starts.
    Nominal,
    /// At a line start: the paragraph's start, the end of the block before, or proven by
    /// resynchronisation.
    Exact,
    /// At the start of a full line found by resynchronisation without proof, or after such a
    /// block: used until the block before is laid out.
    Unproven,
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
    layout: BlockLayout,
    last_used: u64,
}

/// The layout of a document at one width, style and scale.
pub struct DocumentLayout {
    blocks: Vec<Block>,
    /// Where each block started before any line start was found (for a new width).
    nominal: Vec<usize>,
    starts: Vec<Start>,
    /// Paragraph text (line ending excluded) of each block.
    paragraph_text: Vec<CharRange>,
    heights: HeightIndex,
    measured: Vec<bool>,
    cache: HashMap<usize, Cached>,
    /// Base direction of each paragraph, by its first block, found when first needed.
    directions: HashMap<usize, Direction>,
    /// What is known of each paragraph's bidi levels, by its first block. Kept when the width
    /// changes: levels do not depend on it.
    levels: HashMap<usize, ParagraphLevels>,
    tick: u64,
    style: TextStyle,
    width: f32,
    scale: f32,
    language: Option<parley::Language>,
    /// Share of wide chars per block, for height estimates.
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
        let Blocks {
            blocks,
            paragraphs: paragraph_text,
            wide_shares: wide_share,
        } = split_blocks(doc);
        let starts = blocks
            .iter()
            .enumerate()
            .map(|(i, b)| {
                if b.paragraph_first_block == i {
                    Start::Exact
                } else {
                    Start::Nominal
                }
            })
            .collect();
        let mut layout = Self {
            heights: HeightIndex::new(vec![0.0; blocks.len()]),
            measured: vec![false; blocks.len()],
            nominal: blocks.iter().map(|b| b.text.start).collect(),
            starts,
            paragraph_text,
            blocks,
            cache: HashMap::new(),
            directions: HashMap::new(),
            levels: HashMap::new(),
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

    /// Changes the width: lines break elsewhere, so every block is laid out again as needed
    /// and heights go back to estimates until measured.
    pub fn set_width(&mut self, width: f32) {
        if (width - self.width).abs() < 0.5 {
            return;
        }
        self.width = width;
        self.cache.clear();
        for i in 0..self.blocks.len() {
            if self.blocks[i].paragraph_first_block != i {
                self.starts[i] = Start::Nominal;
                self.move_start(i, self.nominal[i]);
            }
        }
        self.estimate_all();
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

    /// The base direction of block `i`'s paragraph.
    fn direction(&mut self, doc: &Document, i: usize) -> Direction {
        let first = self.blocks[i].paragraph_first_block;
        let text = self.paragraph_text[i];
        *self.directions.entry(first).or_insert_with(|| {
            let chars = doc.slice(text).unwrap_or_default().chars();
            bidi::paragraph_direction(chars)
        })
    }

    /// Moves the start of block `i` (and the end of the block before) to `start`.
    fn move_start(&mut self, i: usize, start: usize) {
        self.blocks[i].text.start = start;
        self.blocks[i].chars.start = start;
        if i > 0 && self.blocks[i - 1].paragraph_first_block == self.blocks[i].paragraph_first_block
        {
            self.blocks[i - 1].text.end = start;
            self.blocks[i - 1].chars.end = start;
        }
    }

    fn is_last_of_paragraph(&self, i: usize) -> bool {
        self.blocks
            .get(i + 1)
            .is_none_or(|next| next.paragraph_first_block != self.blocks[i].paragraph_first_block)
    }

    /// Lays out block `i` if needed. Measuring it may change its height: the returned delta
    /// (new − old) lets a view keep what it shows in place.
    pub fn ensure(&mut self, fonts: &mut FontSet, doc: &Document, i: usize) -> f32 {
        self.tick += 1;
        if let Some(c) = self.cache.get_mut(&i) {
            c.last_used = self.tick;
            return 0.0;
        }
        let direction = self.direction(doc, i);
        let paragraph = self.paragraph_text[i];
        let language = self.language;
        let breaking = BreakSettings {
            style: self.style,
            width: self.width,
            scale: self.scale,
            direction,
            language: language.as_ref(),
        };
        if self.starts[i] == Start::Nominal {
            let (start, proven) = resync(
                fonts,
                doc,
                self.blocks[i].text.start,
                paragraph.start,
                paragraph.end,
                &breaking,
            );
            self.move_start(i, start);
            self.starts[i] = if proven {
                Start::Exact
            } else {
                Start::Unproven
            };
        }
        let start = self.blocks[i].text.start;
        let last = self.is_last_of_paragraph(i);
        let until = if last {
            paragraph.end
        } else {
            self.blocks[i + 1].text.start
        };
        let (lines, next) = break_from(fonts, doc, start, until, paragraph.end, &breaking);
        if !last {
            self.follow(i, next);
        }
        let laid_out = CharRange::new(start, lines.last().map_or(start, |l| l.chars.end));
        let levels = self
            .levels
            .entry(self.blocks[i].paragraph_first_block)
            .or_insert_with(|| ParagraphLevels::new(paragraph, direction))
            .levels(doc, laid_out);
        let layout = BlockLayout::new(
            fonts,
            doc,
            &lines,
            &BlockSettings {
                style: self.style,
                width: self.width,
                scale: self.scale,
                direction,
                language: language.as_ref(),
                levels: &levels,
            },
        );
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

    /// Block `i` was broken from its start and its lines end where the next line starts,
    /// `next`: that is where block `i + 1` starts. When block `i + 1` was thought to start
    /// elsewhere (an unproven resynchronisation), it and the blocks after it that depended on
    /// it are laid out again when next needed.
    fn follow(&mut self, i: usize, next: usize) {
        let j = i + 1;
        let certain = if self.starts[i] == Start::Exact {
            Start::Exact
        } else {
            Start::Unproven
        };
        match self.starts[j] {
            Start::Nominal => {
                self.move_start(j, next);
                self.starts[j] = certain;
            }
            _ if self.blocks[j].text.start == next => {
                if certain == Start::Exact {
                    self.starts[j] = Start::Exact;
                }
            }
            _ => {
                self.move_start(j, next);
                self.starts[j] = certain;
                self.forget(j);
                let mut k = j + 1;
                while k < self.blocks.len()
                    && self.blocks[k].paragraph_first_block == self.blocks[j].paragraph_first_block
                    && self.starts[k] == Start::Unproven
                {
                    self.starts[k] = Start::Nominal;
                    self.move_start(k, self.nominal[k]);
                    self.forget(k);
                    k += 1;
                }
            }
        }
    }

    /// Drops block `i`'s layout; its height goes back to an estimate.
    fn forget(&mut self, i: usize) {
        self.cache.remove(&i);
        self.measured[i] = false;
        let estimate = self.estimate(i);
        self.heights.set(i, estimate);
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

    /// True when block `i` starts where breaking the paragraph from its start puts a line
    /// start (always, once the block before it has been laid out).
    pub fn is_exact(&self, i: usize) -> bool {
        self.starts.get(i) == Some(&Start::Exact)
    }

    /// Block `i`'s layout, if it is laid out.
    pub fn laid_out(&self, i: usize) -> Option<&BlockLayout> {
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
        // When the first block starts above y0, its change of height moves what is shown;
        // one that starts at y0 grows below it.
        let above = self.block_top(first) < y0;
        let delta = self.ensure(fonts, doc, first);
        if above {
            shift += delta;
        }
        let mut i = first;
        let bottom = y1 + shift;
        while i + 1 < self.blocks.len() && self.block_top(i + 1) < bottom {
            i += 1;
            self.ensure(fonts, doc, i);
        }
        (first..i + 1, shift)
    }

    /// Where the underline of a span at nesting `level` goes on the line of block `i` at
    /// height `y` (document coordinates): below the ink of the line's glyphs. `None` when the
    /// block is not laid out.
    pub fn underline_y(&self, i: usize, y: f32, level: usize) -> Option<f32> {
        let top = self.block_top(i);
        Some(self.laid_out(i)?.underline_y(y - top, level)? + top)
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
        // Laying a block out may move the start of the next: find the blocks as it goes.
        let mut i = self.block_of_char(range.start);
        let mut rects = Vec::new();
        loop {
            self.ensure(fonts, doc, i);
            rects.extend(self.block_range_rects(i, range));
            i += 1;
            if i >= self.blocks.len() || self.blocks[i].text.start >= range.end.max(range.start + 1)
            {
                break;
            }
        }
        rects
    }
}

/// Splits a document into blocks: one per paragraph, long paragraphs at nominal places about
/// [`CHUNK_CHARS`] apart. Returns the blocks with each one's paragraph text and share of wide
/// chars, found on every core and without walking the text from a char offset.
pub(crate) fn split_blocks(doc: &Document) -> Blocks {
    use rayon::prelude::*;
    // Paragraphs a core takes at a time: a 100 MB document has hundreds of thousands.
    const PARAGRAPHS_AT_ONCE: usize = 4096;
    let count = doc.paragraph_count();
    let parts: Vec<Blocks> = (0..count.div_ceil(PARAGRAPHS_AT_ONCE))
        .into_par_iter()
        .map(|n| {
            let first = n * PARAGRAPHS_AT_ONCE;
            split_paragraphs(doc, first..count.min(first + PARAGRAPHS_AT_ONCE))
        })
        .collect();
    let mut all = Blocks::default();
    for part in parts {
        let offset = all.blocks.len();
        all.blocks.extend(part.blocks.into_iter().map(|mut b| {
            b.paragraph_first_block += offset;
            b
        }));
        all.paragraphs.extend(part.paragraphs);
        all.wide_shares.extend(part.wide_shares);
    }
    all
}

/// The blocks of a document, or of some of its paragraphs.
#[derive(Debug, Default)]
pub(crate) struct Blocks {
    pub(crate) blocks: Vec<Block>,
    /// Each block's paragraph text.
    pub(crate) paragraphs: Vec<CharRange>,
    /// Each block's share of wide chars ([`wide_share`]).
    pub(crate) wide_shares: Vec<f32>,
}

/// [`split_blocks`] of the paragraphs `range`, block indices counted from their first.
fn split_paragraphs(doc: &Document, range: std::ops::Range<usize>) -> Blocks {
    let text = doc.text();
    let mut out = Blocks::default();
    for p in range {
        let chars = doc.paragraph_range(p);
        let bytes = doc.paragraph_byte_range(p);
        let content = text[bytes.clone()].trim_end_matches(['\n', '\r']);
        // The line break's chars are one byte each.
        let paragraph = CharRange::new(chars.start, chars.end - (bytes.len() - content.len()));
        let first = out.blocks.len();
        let mut start = chars.start;
        let mut start_byte = bytes.start;
        for cut in nominal_cuts(doc, paragraph, CHUNK_CHARS) {
            out.blocks.push(Block {
                text: CharRange::new(start, cut),
                chars: CharRange::new(start, cut),
                paragraph_first_block: first,
            });
            out.paragraphs.push(paragraph);
            out.wide_shares
                .push(wide_share(&text[start_byte..], cut - start));
            start = cut;
            start_byte = doc.char_to_byte(cut);
        }
        out.blocks.push(Block {
            text: CharRange::new(start, paragraph.end),
            chars: CharRange::new(start, chars.end),
            paragraph_first_block: first,
        });
        out.paragraphs.push(paragraph);
        out.wide_shares
            .push(wide_share(&text[start_byte..], paragraph.end - start));
    }
    out
}

/// Share of wide (Han, kana, Hangul) chars among the first 64 of the `len` chars of a block
/// that starts `text`, for height estimates.
fn wide_share(text: &str, len: usize) -> f32 {
    let (mut wide, mut all) = (0, 0);
    for c in text.chars().take(len.min(64)) {
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

    /// Split on every core, chunk by chunk, the blocks are those of one pass over all the
    /// paragraphs: block indices across chunks, long paragraphs cut into several blocks, wide
    /// shares of Chinese and of Russian.
    #[test]
    fn blocks_split_on_every_core_are_those_of_one_pass() {
        let long = "слово ".repeat(3 * CHUNK_CHARS / 6);
        let text = format!("中文的段落\nабзац\r\n\n{long}\n").repeat(3000);
        let doc = Document::from_text("b.txt", text);
        assert!(doc.paragraph_count() > 2 * 4096);
        let all = split_blocks(&doc);
        let one = split_paragraphs(&doc, 0..doc.paragraph_count());
        assert!(all.blocks.len() > doc.paragraph_count());
        assert_eq!(all.blocks, one.blocks);
        assert_eq!(all.paragraphs, one.paragraphs);
        assert_eq!(all.wide_shares, one.wide_shares);
        assert_eq!(all.wide_shares[0], 1.0);
        assert_eq!(all.wide_shares[1], 0.0);
    }

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
        let Blocks {
            blocks, paragraphs, ..
        } = split_blocks(&doc);
        assert!(blocks.len() >= 3);
        assert_eq!(blocks.len(), paragraphs.len());
        assert_eq!(blocks[0].chars.start, 0);
        for pair in blocks.windows(2) {
            assert_eq!(pair[0].chars.end, pair[1].chars.start);
        }
        assert_eq!(blocks.last().unwrap().chars.end, doc.len_chars());
        let first_para: Vec<_> = blocks
            .iter()
            .filter(|b| b.paragraph_first_block == 0)
            .collect();
        assert!(first_para.len() >= 2);
        assert!(
            first_para
                .iter()
                .all(|b| b.text.len() <= CHUNK_CHARS + CHUNK_CHARS / 2)
        );
        let short = blocks
            .iter()
            .find(|b| doc.slice(b.text) == Some("short"))
            .unwrap();
        assert_eq!(short.chars.len(), 7, "the CRLF belongs to the block");
    }
}
