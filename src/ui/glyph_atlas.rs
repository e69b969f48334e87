//! Rasterises the glyphs parley positions into egui textures and builds meshes from them.
//!
//! Outlines are read with skrifa and filled with vello_cpu — the same two crates epaint 0.37
//! uses for its own text, so no second font stack. Colour glyphs (emoji) are painted in
//! colour by [`super::color_glyph`] and drawn untinted. Glyphs are packed into 1024×1024 pages
//! (shelf packing) and uploaded with partial texture updates; each glyph is drawn once per
//! size and quarter-pixel offset.

use std::collections::HashMap;

use egui::{Color32, ColorImage, Context, Mesh, Pos2, Rect, TextureHandle, TextureOptions, pos2};
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::raw::types::F2Dot14;
use skrifa::{GlyphId, MetadataProvider as _};
use vello_cpu::kurbo::{self, Shape as _};

use crate::layout::GlyphRunData;

const PAGE_SIZE: usize = 1024;
/// Horizontal positions are rounded to quarter pixels.
const SUBPIXEL_BINS: f32 = 4.0;
/// When this many pages are full, everything is dropped and rasterised again as needed.
const MAX_PAGES: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct GlyphKey {
    font: u64,
    index: u32,
    glyph: u32,
    /// Size in 1/64 px.
    size: u32,
    bin: u8,
    coords: u64,
}

#[derive(Clone, Copy, Debug)]
struct Placed {
    page: usize,
    /// Texel rectangle in the page.
    uv: Rect,
    /// Offset of the bitmap's top-left from the pen position, physical pixels.
    offset: egui::Vec2,
    size: egui::Vec2,
    /// Painted in its own colours: drawn as is, not in the text colour.
    color: bool,
}

struct Page {
    texture: TextureHandle,
    /// Current shelf: top y, height, next x.
    shelf_y: usize,
    shelf_h: usize,
    cursor_x: usize,
}

/// The glyph cache and its texture pages.
pub struct GlyphAtlas {
    pages: Vec<Page>,
    glyphs: HashMap<GlyphKey, Option<Placed>>,
    /// Bumped when the cache is dropped, so cached meshes know to rebuild.
    generation: u64,
}

impl std::fmt::Debug for GlyphAtlas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GlyphAtlas")
            .field("pages", &self.pages.len())
            .field("glyphs", &self.glyphs.len())
            .finish()
    }
}

impl Default for GlyphAtlas {
    fn default() -> Self {
        Self::new()
    }
}

impl GlyphAtlas {
    /// An empty atlas; pages are created on first use.
    pub fn new() -> Self {
        Self {
            pages: Vec::new(),
            glyphs: HashMap::new(),
            generation: 0,
        }
    }

    /// Changes whenever previously built meshes became invalid.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Number of glyphs cached.
    pub fn len(&self) -> usize {
        self.glyphs.len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.glyphs.is_empty()
    }

    /// Appends textured quads for `runs` to `meshes` (one mesh per page). `origin` is where
    /// the layout's (0, 0) lands, in points; glyph positions are physical pixels at `scale`.
    pub fn add_runs(
        &mut self,
        ctx: &Context,
        runs: &[GlyphRunData],
        origin: Pos2,
        scale: f32,
        color: Color32,
        meshes: &mut Vec<Mesh>,
    ) {
        // Snap the origin to a physical pixel so glyph bitmaps map 1:1 to screen pixels.
        let origin_px = pos2((origin.x * scale).round(), (origin.y * scale).round());
        for run in runs {
            let font_id = run.font.data.id();
            let coords_hash = hash_coords(&run.coords);
            for g in &run.glyphs {
                let x = origin_px.x + g.x;
                let y = (origin_px.y + g.y).round();
                let bin = ((x.fract() * SUBPIXEL_BINS).floor() as u8).min(SUBPIXEL_BINS as u8 - 1);
                let key = GlyphKey {
                    font: font_id,
                    index: run.font.index,
                    glyph: g.id,
                    size: (run.font_size_px * 64.0).round() as u32,
                    bin,
                    coords: coords_hash,
                };
                let Some(placed) = self.get_or_rasterise(ctx, key, run) else {
                    continue;
                };
                let min = pos2(x.floor() + placed.offset.x, y + placed.offset.y);
                let rect =
                    Rect::from_min_size(pos2(min.x / scale, min.y / scale), placed.size / scale);
                while meshes.len() <= placed.page {
                    let page = meshes.len();
                    meshes.push(Mesh::with_texture(self.pages[page].texture.id()));
                }
                let tint = if placed.color {
                    Color32::from_white_alpha(color.a())
                } else {
                    color
                };
                meshes[placed.page].add_rect_with_uv(rect, placed.uv, tint);
            }
        }
    }

    fn get_or_rasterise(
        &mut self,
        ctx: &Context,
        key: GlyphKey,
        run: &GlyphRunData,
    ) -> Option<Placed> {
        if let Some(p) = self.glyphs.get(&key) {
            return *p;
        }
        let bitmap = rasterise(run, key);
        let placed = bitmap.map(|(image, offset, color)| {
            let mut placed = self.pack(ctx, image, offset);
            placed.color = color;
            placed
        });
        self.glyphs.insert(key, placed);
        placed
    }

    fn pack(&mut self, ctx: &Context, image: ColorImage, offset: egui::Vec2) -> Placed {
        let [w, h] = image.size;
        let (w, h) = (w.min(PAGE_SIZE), h.min(PAGE_SIZE));
        let fits = |p: &Page| {
            (p.cursor_x + w <= PAGE_SIZE && p.shelf_y + h.max(p.shelf_h) <= PAGE_SIZE)
                || p.shelf_y + p.shelf_h + h <= PAGE_SIZE
        };
        if !self.pages.last().is_some_and(fits) {
            if self.pages.len() >= MAX_PAGES {
                // Drop everything; meshes built from the old pages rebuild on generation change.
                self.pages.clear();
                self.glyphs.clear();
                self.generation += 1;
            }
            let name = format!("accord-glyphs-{}-{}", self.generation, self.pages.len());
            let blank = ColorImage::filled([PAGE_SIZE, PAGE_SIZE], Color32::TRANSPARENT);
            self.pages.push(Page {
                texture: ctx.load_texture(name, blank, TextureOptions::LINEAR),
                shelf_y: 0,
                shelf_h: 0,
                cursor_x: 0,
            });
        }
        let page_index = self.pages.len() - 1;
        let page = &mut self.pages[page_index];
        if page.cursor_x + w > PAGE_SIZE || page.shelf_y + h.max(page.shelf_h) > PAGE_SIZE {
            page.shelf_y += page.shelf_h + 1;
            page.shelf_h = 0;
            page.cursor_x = 0;
        }
        let pos = [page.cursor_x, page.shelf_y];
        page.cursor_x += w + 1;
        page.shelf_h = page.shelf_h.max(h);
        page.texture.set_partial(pos, image, TextureOptions::LINEAR);
        let uv = Rect::from_min_size(
            pos2(
                pos[0] as f32 / PAGE_SIZE as f32,
                pos[1] as f32 / PAGE_SIZE as f32,
            ),
            egui::vec2(w as f32 / PAGE_SIZE as f32, h as f32 / PAGE_SIZE as f32),
        );
        Placed {
            page: page_index,
            uv,
            offset,
            size: egui::vec2(w as f32, h as f32),
            color: false,
        }
    }
}

fn hash_coords(coords: &[i16]) -> u64 {
    coords.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, c| {
        (h ^ (*c as u16 as u64)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Draws one glyph: in its own colours when the font has a colour glyph for it, else its
/// outline's coverage as white with alpha. Returns the image, the offset of its top-left corner
/// from the pen position, and whether it is in colour. `None` for glyphs with nothing to draw
/// (spaces).
fn rasterise(run: &GlyphRunData, key: GlyphKey) -> Option<(ColorImage, egui::Vec2, bool)> {
    let font = skrifa::FontRef::from_index(run.font.data.data(), run.font.index).ok()?;
    let coords: Vec<F2Dot14> = run.coords.iter().map(|c| F2Dot14::from_bits(*c)).collect();
    let location = LocationRef::new(&coords);
    let x_offset = key.bin as f64 / SUBPIXEL_BINS as f64;
    if let Some((image, offset)) = super::color_glyph::rasterise(
        &font,
        GlyphId::new(key.glyph),
        run.font_size_px,
        location,
        x_offset,
    ) {
        return Some((image, offset, true));
    }
    let outline = font.outline_glyphs().get(GlyphId::new(key.glyph))?;
    let mut path = kurbo::BezPath::new();
    let mut pen = PathPen {
        path: &mut path,
        x_offset,
    };
    outline
        .draw(
            DrawSettings::unhinted(Size::new(run.font_size_px), location),
            &mut pen,
        )
        .ok()?;
    let bounds = path.bounding_box();
    let x0 = bounds.x0.floor();
    let y0 = bounds.y0.floor();
    let width = (bounds.x1.ceil() - x0) as u16;
    let height = (bounds.y1.ceil() - y0) as u16;
    if width == 0 || height == 0 || width as usize > PAGE_SIZE || height as usize > PAGE_SIZE {
        return None;
    }
    let mut ctx = vello_cpu::RenderContext::new(width, height);
    ctx.set_transform(kurbo::Affine::translate((-x0, -y0)));
    ctx.set_paint(vello_cpu::color::OpaqueColor::<vello_cpu::color::Srgb>::WHITE);
    ctx.fill_path(&path);
    let mut pixmap = vello_cpu::Pixmap::new(width, height);
    let mut resources = vello_cpu::Resources::new();
    ctx.render(&mut pixmap, &mut resources);
    let pixels = pixmap
        .data_as_u8_slice()
        .chunks_exact(4)
        .map(|px| Color32::from_rgba_premultiplied(px[3], px[3], px[3], px[3]))
        .collect();
    let image = ColorImage::new([width as usize, height as usize], pixels);
    Some((image, egui::vec2(x0 as f32, y0 as f32), false))
}

/// Collects an outline into a path, y pointing down, shifted by the subpixel offset.
struct PathPen<'a> {
    path: &'a mut kurbo::BezPath,
    x_offset: f64,
}

impl OutlinePen for PathPen<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        self.path.move_to((x as f64 + self.x_offset, -y as f64));
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.path.line_to((x as f64 + self.x_offset, -y as f64));
    }

    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.path.quad_to(
            (cx0 as f64 + self.x_offset, -cy0 as f64),
            (x as f64 + self.x_offset, -y as f64),
        );
    }

    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.path.curve_to(
            (cx0 as f64 + self.x_offset, -cy0 as f64),
            (cx1 as f64 + self.x_offset, -cy1 as f64),
            (x as f64 + self.x_offset, -y as f64),
        );
    }

    fn close(&mut self) {
        self.path.close_path();
    }
}
