//! Underlines sit below the ink of every glyph of their line — the dots under Arabic letters,
//! Devanagari marks below the base, Latin descenders — so a labelled word reads as an
//! unlabelled one: ي in في keeps its two dots. Stacked underlines go downwards and the first
//! two stay clear of the next line's ink. The ink is measured here from the glyphs' outlines,
//! independently of the bounds the layout reads.

use accord::layout::{
    DocumentLayout, FontSet, GlyphRunData, TextStyle, UNDERLINE_STEP, UNDERLINE_THICKNESS,
};
use accord::model::{CharRange, Document};
use skrifa::MetadataProvider as _;
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::raw::types::F2Dot14;

/// Lowest and highest y (font units point up) an outline reaches.
#[derive(Default)]
struct Extent {
    min: Option<f32>,
    max: Option<f32>,
}

impl Extent {
    fn point(&mut self, y: f32) {
        self.min = Some(self.min.map_or(y, |m| m.min(y)));
        self.max = Some(self.max.map_or(y, |m| m.max(y)));
    }
}

impl OutlinePen for Extent {
    fn move_to(&mut self, _x: f32, y: f32) {
        self.point(y);
    }
    fn line_to(&mut self, _x: f32, y: f32) {
        self.point(y);
    }
    fn quad_to(&mut self, _cx0: f32, cy0: f32, _x: f32, y: f32) {
        self.point(cy0);
        self.point(y);
    }
    fn curve_to(&mut self, _cx0: f32, cy0: f32, _cx1: f32, cy1: f32, _x: f32, y: f32) {
        self.point(cy0);
        self.point(cy1);
        self.point(y);
    }
    fn close(&mut self) {}
}

/// Top and bottom of the ink of the glyphs whose pen position is inside `x0..x1` and whose
/// baseline is inside `y0..y1` (block coordinates, scale 1).
fn ink(runs: &[GlyphRunData], x0: f32, x1: f32, y0: f32, y1: f32) -> (f32, f32) {
    let (mut top, mut bottom) = (f32::MAX, f32::MIN);
    for run in runs {
        let font = skrifa::FontRef::from_index(run.font.data.data(), run.font.index).unwrap();
        let coords: Vec<F2Dot14> = run.coords.iter().map(|c| F2Dot14::from_bits(*c)).collect();
        let outlines = font.outline_glyphs();
        for g in &run.glyphs {
            if g.x < x0 || g.x >= x1 || g.y < y0 || g.y >= y1 {
                continue;
            }
            let Some(outline) = outlines.get(skrifa::GlyphId::new(g.id)) else {
                continue;
            };
            let mut extent = Extent::default();
            let settings =
                DrawSettings::unhinted(Size::new(run.font_size_px), LocationRef::new(&coords));
            outline.draw(settings, &mut extent).unwrap();
            if let (Some(min), Some(max)) = (extent.min, extent.max) {
                top = top.min(g.y - max);
                bottom = bottom.max(g.y - min);
            }
        }
    }
    (top, bottom)
}

#[test]
fn underlines_pass_below_arabic_dots_devanagari_marks_and_latin_descenders() {
    let mut fonts = FontSet::bundled().unwrap();
    let style = TextStyle {
        font_size: 17.0,
        line_height: 1.6,
    };
    for (word, language) in [
        ("في", "ar"),
        ("إِلى", "ar"),
        ("कृषि", "hi"),
        ("गुरु", "hi"),
        ("gjpqy", "en"),
    ] {
        // Enough of the word to fill a few lines.
        let doc = Document::from_text("t.txt", vec![word; 40].join(" "));
        let mut layout = DocumentLayout::new(&doc, style, 300.0, 1.0, Some(language));
        let first = CharRange::new(0, word.chars().count());
        let rect = layout.range_rects(&mut fonts, &doc, first)[0];
        let block = layout.laid_out(0).unwrap();
        let lines = block.lines();
        assert!(lines.len() >= 3, "{word}: {} lines", lines.len());
        let line = &lines[0];
        let runs = block.glyph_runs();
        let (_, word_bottom) = ink(runs, rect.x0 - 0.5, rect.x1 + 0.5, line.top, line.bottom);
        let (_, line_bottom) = ink(runs, f32::MIN, f32::MAX, line.top, line.bottom);
        let (next_top, _) = ink(runs, f32::MIN, f32::MAX, lines[1].top, lines[1].bottom);
        assert!(
            word_bottom > line.baseline,
            "{word}: it has ink below the baseline"
        );
        let y = |level| layout.underline_y(0, rect.center().1, level).unwrap();
        let half = UNDERLINE_THICKNESS / 2.0;
        assert!(
            y(0) - half >= word_bottom + 0.5,
            "{word}: the underline ({}) is below the word's lowest ink ({word_bottom})",
            y(0)
        );
        assert!(
            y(0) - half >= line_bottom + 0.5,
            "{word}: and below the line's"
        );
        for level in 1..4 {
            let step = y(level) - y(level - 1);
            assert!(
                (step - UNDERLINE_STEP).abs() < 0.01,
                "stacked downwards: {step}"
            );
        }
        assert!(
            y(1) + half <= next_top - 0.5,
            "{word}: two stacked underlines ({}) stay clear of the next line's ink ({next_top})",
            y(1) + half
        );
    }
}
