//! The text engine every view shares (fonts, glyph atlas, a cache of short laid-out texts) and
//! the widgets that show short document text in panels: [`text_line`] and [`text_block`].
//! They go through the same layout as documents, never through an egui label, which would show
//! Arabic in the wrong order.

use std::collections::HashMap;

use egui::{Color32, Mesh, Pos2, Response, Sense, Shape, Ui, Vec2, vec2};

use crate::layout::{Direction, FontSet, ParagraphLayout, TextStyle};

use super::glyph_atlas::GlyphAtlas;

/// How many one-line layouts to keep.
const LINE_CACHE: usize = 2000;

/// Fonts, glyph cache and small-text cache shared by every view.
pub struct TextEngine {
    /// Fonts and parley contexts.
    pub fonts: FontSet,
    /// Rasterised glyphs.
    pub atlas: GlyphAtlas,
    /// Small texts by (text, size, scale, wrap width or 0).
    lines: HashMap<(String, u32, u32, u32), CachedLine>,
    tick: u64,
}

struct CachedLine {
    layout: ParagraphLayout,
    meshes: Vec<Mesh>,
    atlas_generation: u64,
    color: Color32,
    last_used: u64,
}

impl std::fmt::Debug for TextEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextEngine")
            .field("atlas", &self.atlas)
            .field("lines", &self.lines.len())
            .finish()
    }
}

impl TextEngine {
    /// Bundled fonts, then system fonts for other scripts.
    pub fn new() -> anyhow::Result<Self> {
        Ok(Self::with_fonts(FontSet::with_system_fallback()?))
    }

    /// An engine over a given font set.
    pub fn with_fonts(fonts: FontSet) -> Self {
        Self {
            fonts,
            atlas: GlyphAtlas::new(),
            lines: HashMap::new(),
            tick: 0,
        }
    }
}

/// Shows a short piece of document text on one line, through the same layout as documents
/// (never an egui label, which would show Arabic in the wrong order). Clipped to the space
/// available; right-to-left text keeps its start (right end) in view.
pub fn text_line(ui: &mut Ui, engine: &mut TextEngine, text: &str, size: f32) -> Response {
    small_text(ui, engine, text, size, None)
}

/// Like [`text_line`], but wrapped to the available width (for longer spans in side panels).
pub fn text_block(ui: &mut Ui, engine: &mut TextEngine, text: &str, size: f32) -> Response {
    let width = ui.available_width().max(40.0).floor();
    small_text(ui, engine, text, size, Some(width))
}

fn small_text(
    ui: &mut Ui,
    engine: &mut TextEngine,
    text: &str,
    size: f32,
    wrap: Option<f32>,
) -> Response {
    let scale = ui.ctx().pixels_per_point();
    let color = ui.visuals().text_color();
    engine.tick += 1;
    let tick = engine.tick;
    let key = (
        text.to_owned(),
        size.to_bits(),
        scale.to_bits(),
        wrap.map_or(0, f32::to_bits),
    );
    if !engine.lines.contains_key(&key) {
        let style = TextStyle {
            font_size: size,
            line_height: 1.35,
        };
        let layout = match wrap {
            None => ParagraphLayout::single_line(&mut engine.fonts, text, &style, scale),
            Some(width) => {
                ParagraphLayout::new(&mut engine.fonts, text, &style, width, scale, None, None)
            }
        };
        if engine.lines.len() >= LINE_CACHE {
            let oldest = engine
                .lines
                .iter()
                .min_by_key(|(_, l)| l.last_used)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                engine.lines.remove(&k);
            }
        }
        engine.lines.insert(
            key.clone(),
            CachedLine {
                layout,
                meshes: Vec::new(),
                atlas_generation: u64::MAX,
                color,
                last_used: tick,
            },
        );
    }
    let TextEngine { atlas, lines, .. } = engine;
    let Some(line) = lines.get_mut(&key) else {
        return ui.allocate_response(Vec2::ZERO, Sense::hover());
    };
    line.last_used = tick;
    let natural = match wrap {
        None => vec2(line.layout.content_width(), line.layout.height()),
        Some(width) => vec2(width, line.layout.height()),
    };
    let width = natural.x.min(ui.available_width().max(0.0));
    let (rect, response) = ui.allocate_exact_size(vec2(width, natural.y), Sense::click());
    // Told to AccessKit as the label it is (screen readers, and tests find it by its text).
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, text));
    if ui.is_rect_visible(rect) {
        if line.atlas_generation != atlas.generation() || line.color != color {
            line.meshes.clear();
            atlas.add_runs(
                ui.ctx(),
                line.layout.glyph_runs(),
                Pos2::ZERO,
                scale,
                color,
                &mut line.meshes,
            );
            line.atlas_generation = atlas.generation();
            line.color = color;
        }
        // A wrapped block is aligned by the layout itself; a clipped line keeps its start.
        let rtl = wrap.is_none() && line.layout.direction() == Direction::Rtl;
        let x = if rtl {
            rect.right() - natural.x
        } else {
            rect.left()
        };
        let offset = snap_to_pixel(vec2(x, rect.top()), scale);
        let painter = ui.painter_at(rect);
        for mesh in &line.meshes {
            let mut mesh = mesh.clone();
            mesh.translate(offset);
            painter.add(Shape::mesh(mesh));
        }
    }
    response
}

/// A point snapped to the physical pixel grid, so glyph bitmaps map 1:1 to screen pixels.
pub(crate) fn snap_to_pixel(v: Vec2, scale: f32) -> Vec2 {
    vec2((v.x * scale).round() / scale, (v.y * scale).round() / scale)
}
