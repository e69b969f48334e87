//! Colour glyphs (emoji): COLR v0 layers and COLR v1 paint graphs, read with skrifa and painted
//! with vello_cpu — the crates the atlas already draws outlines with. Written here because
//! neither egui nor epaint paints colour glyphs; skrifa walks a glyph's paint graph and calls a
//! [`ColorPainter`], and this maps each call onto vello_cpu's clip layers, blend layers and
//! gradient paints.

use egui::{Color32, ColorImage};
use skrifa::color::{Brush, ColorPainter, ColorStop, CompositeMode, Extend, Transform};
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::raw::TableProvider as _;
use skrifa::raw::types::BoundingBox;
use skrifa::{FontRef, GlyphId, MetadataProvider as _};
use vello_cpu::kurbo::{self, Affine, BezPath, Shape as _};
use vello_cpu::peniko::{self, BlendMode, Compose, Gradient, Mix};

/// Largest colour glyph drawn, in pixels per side.
const MAX_SIDE: f64 = 1024.0;

/// Paints the colour glyph `glyph` of `font` at `size_px`, its pen `x_offset` pixels right of a
/// whole pixel. Returns premultiplied RGBA and the offset of the image's top-left from the pen
/// position, or `None` when the font has no colour glyph for it.
pub fn rasterise(
    font: &FontRef<'_>,
    glyph: GlyphId,
    size_px: f32,
    location: LocationRef<'_>,
    x_offset: f64,
) -> Option<(ColorImage, egui::Vec2)> {
    let colr = font.color_glyphs().get(glyph)?;
    let upem = f64::from(font.head().ok()?.units_per_em());
    let scale = f64::from(size_px) / upem;
    // Font units (y up) to pixels (y down), at the pen position.
    let to_pixels = Affine::new([scale, 0.0, 0.0, -scale, x_offset, 0.0]);
    let outlines = font.outline_glyphs();
    let outline = |id: GlyphId| -> Option<BezPath> {
        let glyph = outlines.get(id)?;
        let mut path = BezPath::new();
        glyph
            .draw(
                DrawSettings::unhinted(Size::unscaled(), location),
                &mut PathPen(&mut path),
            )
            .ok()?;
        Some(path)
    };

    // First pass: where the glyph paints, from the union of its clip outlines.
    let mut bounds = BoundsPainter {
        transforms: vec![to_pixels],
        outline: &outline,
        bounds: None,
    };
    colr.paint(location, &mut bounds).ok()?;
    let area = bounds.bounds?;
    let (x0, y0) = (area.x0.floor(), area.y0.floor());
    let (width, height) = (area.x1.ceil() - x0, area.y1.ceil() - y0);
    if width < 1.0 || height < 1.0 || width > MAX_SIDE || height > MAX_SIDE {
        return None;
    }

    // Second pass: paint into a pixmap of that size.
    let palette: Vec<[u8; 4]> = font
        .color_palettes()
        .get(0)
        .map(|p| {
            p.colors()
                .iter()
                .map(|c| [c.red, c.green, c.blue, c.alpha])
                .collect()
        })
        .unwrap_or_default();
    let (w, h) = (width as u16, height as u16);
    let mut ctx = vello_cpu::RenderContext::new(w, h);
    let mut painter = VelloPainter {
        ctx: &mut ctx,
        transforms: vec![Affine::translate((-x0, -y0)) * to_pixels],
        outline: &outline,
        palette: &palette,
        size: (width, height),
    };
    colr.paint(location, &mut painter).ok()?;
    let mut pixmap = vello_cpu::Pixmap::new(w, h);
    ctx.render(&mut pixmap, &mut vello_cpu::Resources::new());
    let pixels = pixmap
        .data_as_u8_slice()
        .chunks_exact(4)
        .map(|px| Color32::from_rgba_premultiplied(px[0], px[1], px[2], px[3]))
        .collect();
    Some((
        ColorImage::new([w as usize, h as usize], pixels),
        egui::vec2(x0 as f32, y0 as f32),
    ))
}

fn affine(t: &Transform) -> Affine {
    Affine::new([t.xx, t.yx, t.xy, t.yy, t.dx, t.dy].map(f64::from))
}

/// Collects the union of the clip glyph outlines a paint graph uses, in pixels.
struct BoundsPainter<'a, F> {
    transforms: Vec<Affine>,
    outline: &'a F,
    bounds: Option<kurbo::Rect>,
}

impl<F: Fn(GlyphId) -> Option<BezPath>> ColorPainter for BoundsPainter<'_, F> {
    fn push_transform(&mut self, transform: Transform) {
        let top = self.transforms.last().copied().unwrap_or_default();
        self.transforms.push(top * affine(&transform));
    }

    fn pop_transform(&mut self) {
        self.transforms.pop();
    }

    fn push_clip_glyph(&mut self, glyph_id: GlyphId) {
        let top = self.transforms.last().copied().unwrap_or_default();
        if let Some(path) = (self.outline)(glyph_id) {
            let area = (top * path).bounding_box();
            if area.width() > 0.0 && area.height() > 0.0 {
                self.bounds = Some(self.bounds.map_or(area, |b| b.union(area)));
            }
        }
    }

    fn push_clip_box(&mut self, _clip_box: BoundingBox<f32>) {}

    fn pop_clip(&mut self) {}

    fn fill(&mut self, _brush: Brush<'_>) {}

    fn push_layer(&mut self, _composite_mode: CompositeMode) {}

    fn pop_layer(&mut self) {}
}

/// Paints a glyph's paint graph with vello_cpu.
struct VelloPainter<'a, 'c, F> {
    ctx: &'c mut vello_cpu::RenderContext,
    transforms: Vec<Affine>,
    outline: &'a F,
    palette: &'a [[u8; 4]],
    size: (f64, f64),
}

impl<F> VelloPainter<'_, '_, F> {
    fn transform(&self) -> Affine {
        self.transforms.last().copied().unwrap_or_default()
    }

    /// A palette colour times `alpha`. Index 0xFFFF (the text colour) is drawn black.
    fn color(
        &self,
        palette_index: u16,
        alpha: f32,
    ) -> peniko::color::AlphaColor<peniko::color::Srgb> {
        let [r, g, b, a] = self
            .palette
            .get(usize::from(palette_index))
            .copied()
            .unwrap_or([0, 0, 0, 255]);
        let a = (f32::from(a) * alpha.clamp(0.0, 1.0)).round() as u8;
        peniko::color::AlphaColor::from_rgba8(r, g, b, a)
    }

    fn stops(&self, stops: &[ColorStop]) -> Vec<peniko::ColorStop> {
        stops
            .iter()
            .map(|s| (s.offset, self.color(s.palette_index, s.alpha)).into())
            .collect()
    }
}

fn extend(e: Extend) -> peniko::Extend {
    match e {
        Extend::Repeat => peniko::Extend::Repeat,
        Extend::Reflect => peniko::Extend::Reflect,
        _ => peniko::Extend::Pad,
    }
}

fn point(p: skrifa::raw::types::Point<f32>) -> kurbo::Point {
    kurbo::Point::new(f64::from(p.x), f64::from(p.y))
}

fn blend(mode: CompositeMode) -> BlendMode {
    let compose = |c| BlendMode::new(Mix::Normal, c);
    let mix = |m| BlendMode::new(m, Compose::SrcOver);
    match mode {
        CompositeMode::Clear => compose(Compose::Clear),
        CompositeMode::Src => compose(Compose::Copy),
        CompositeMode::Dest => compose(Compose::Dest),
        CompositeMode::DestOver => compose(Compose::DestOver),
        CompositeMode::SrcIn => compose(Compose::SrcIn),
        CompositeMode::DestIn => compose(Compose::DestIn),
        CompositeMode::SrcOut => compose(Compose::SrcOut),
        CompositeMode::DestOut => compose(Compose::DestOut),
        CompositeMode::SrcAtop => compose(Compose::SrcAtop),
        CompositeMode::DestAtop => compose(Compose::DestAtop),
        CompositeMode::Xor => compose(Compose::Xor),
        CompositeMode::Plus => compose(Compose::Plus),
        CompositeMode::Screen => mix(Mix::Screen),
        CompositeMode::Overlay => mix(Mix::Overlay),
        CompositeMode::Darken => mix(Mix::Darken),
        CompositeMode::Lighten => mix(Mix::Lighten),
        CompositeMode::ColorDodge => mix(Mix::ColorDodge),
        CompositeMode::ColorBurn => mix(Mix::ColorBurn),
        CompositeMode::HardLight => mix(Mix::HardLight),
        CompositeMode::SoftLight => mix(Mix::SoftLight),
        CompositeMode::Difference => mix(Mix::Difference),
        CompositeMode::Exclusion => mix(Mix::Exclusion),
        CompositeMode::Multiply => mix(Mix::Multiply),
        CompositeMode::HslHue => mix(Mix::Hue),
        CompositeMode::HslSaturation => mix(Mix::Saturation),
        CompositeMode::HslColor => mix(Mix::Color),
        CompositeMode::HslLuminosity => mix(Mix::Luminosity),
        _ => compose(Compose::SrcOver),
    }
}

impl<F: Fn(GlyphId) -> Option<BezPath>> ColorPainter for VelloPainter<'_, '_, F> {
    fn push_transform(&mut self, transform: Transform) {
        let top = self.transform();
        self.transforms.push(top * affine(&transform));
    }

    fn pop_transform(&mut self) {
        self.transforms.pop();
    }

    fn push_clip_glyph(&mut self, glyph_id: GlyphId) {
        let path = (self.outline)(glyph_id).unwrap_or_default();
        self.ctx.set_transform(self.transform());
        self.ctx.push_clip_layer(&path);
    }

    fn push_clip_box(&mut self, clip_box: BoundingBox<f32>) {
        let rect = kurbo::Rect::new(
            f64::from(clip_box.x_min),
            f64::from(clip_box.y_min),
            f64::from(clip_box.x_max),
            f64::from(clip_box.y_max),
        );
        self.ctx.set_transform(self.transform());
        self.ctx.push_clip_layer(&rect.to_path(0.1));
    }

    fn pop_clip(&mut self) {
        self.ctx.pop_layer();
    }

    fn fill(&mut self, brush: Brush<'_>) {
        // Fill the whole image: the clip layers limit it. Gradients are in the glyph's space.
        self.ctx.set_transform(Affine::IDENTITY);
        self.ctx.set_paint_transform(self.transform());
        match brush {
            Brush::Solid {
                palette_index,
                alpha,
            } => self.ctx.set_paint(self.color(palette_index, alpha)),
            Brush::LinearGradient {
                p0,
                p1,
                color_stops,
                extend: e,
            } => self.ctx.set_paint(
                Gradient::new_linear(point(p0), point(p1))
                    .with_extend(extend(e))
                    .with_stops(self.stops(color_stops).as_slice()),
            ),
            Brush::RadialGradient {
                c0,
                r0,
                c1,
                r1,
                color_stops,
                extend: e,
            } => self.ctx.set_paint(
                Gradient::new_two_point_radial(point(c0), r0, point(c1), r1)
                    .with_extend(extend(e))
                    .with_stops(self.stops(color_stops).as_slice()),
            ),
            Brush::SweepGradient {
                c0,
                start_angle,
                end_angle,
                color_stops,
                extend: e,
            } => self.ctx.set_paint(
                Gradient::new_sweep(point(c0), start_angle.to_radians(), end_angle.to_radians())
                    .with_extend(extend(e))
                    .with_stops(self.stops(color_stops).as_slice()),
            ),
        }
        self.ctx
            .fill_rect(&kurbo::Rect::new(0.0, 0.0, self.size.0, self.size.1));
        self.ctx.reset_paint_transform();
    }

    fn push_layer(&mut self, composite_mode: CompositeMode) {
        self.ctx.push_blend_layer(blend(composite_mode));
    }

    fn pop_layer(&mut self) {
        self.ctx.pop_layer();
    }
}

/// Collects an outline in font units into a path.
struct PathPen<'a>(&'a mut BezPath);

impl OutlinePen for PathPen<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to((f64::from(x), f64::from(y)));
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to((f64::from(x), f64::from(y)));
    }

    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.0.quad_to(
            (f64::from(cx0), f64::from(cy0)),
            (f64::from(x), f64::from(y)),
        );
    }

    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.0.curve_to(
            (f64::from(cx0), f64::from(cy0)),
            (f64::from(cx1), f64::from(cy1)),
            (f64::from(x), f64::from(y)),
        );
    }

    fn close(&mut self) {
        self.0.close_path();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::BUNDLED_FONTS;

    fn font(file: &str) -> FontRef<'static> {
        let bytes = BUNDLED_FONTS
            .iter()
            .find(|f| f.file == file)
            .map(|f| f.bytes)
            .unwrap_or_default();
        FontRef::new(bytes).unwrap()
    }

    #[test]
    fn an_emoji_is_painted_in_its_colours_and_a_letter_is_not_a_colour_glyph() {
        let twemoji = font("TwemojiMozilla.ttf");
        let smile = twemoji.charmap().map('😊').unwrap();
        let (image, offset) =
            rasterise(&twemoji, smile, 32.0, LocationRef::default(), 0.0).unwrap();
        // About one em square, above the baseline.
        assert!((24..=40).contains(&image.size[0]), "{:?}", image.size);
        assert!(offset.y < -20.0, "{offset:?}");
        // The face is yellow and its eyes are dark.
        let yellow = image
            .pixels
            .iter()
            .filter(|p| p.a() == 255 && p.r() > 200 && p.g() > 150 && p.b() < 100)
            .count();
        let dark = image
            .pixels
            .iter()
            .filter(|p| p.a() == 255 && p.r() < 120 && p.g() < 100)
            .count();
        assert!(yellow > image.pixels.len() / 4, "{yellow} yellow pixels");
        assert!(dark > 10, "{dark} dark pixels");
        let noto = font("NotoSans-Regular.ttf");
        let a = noto.charmap().map('a').unwrap();
        assert!(rasterise(&noto, a, 32.0, LocationRef::default(), 0.0).is_none());
    }
}
