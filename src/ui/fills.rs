//! Many small axis-aligned shapes drawn as one mesh: span backgrounds, underlines, bands and
//! dashed lines. egui's tessellator builds each `Shape` as a path with anti-aliased edges;
//! with 100,000 spans and hundreds of dashes on screen that was a large part of a four-pane
//! frame, while rectangles on whole pixels need no anti-aliasing at all: the tessellator
//! itself puts filled rectangles and horizontal lines on whole pixels first, so these look
//! the same, and appending a mesh is a copy. Not in egui: it has no batched rectangle shape.

use egui::emath::GuiRounding as _;
use egui::{Color32, Mesh, Pos2, Rect, Shape, pos2};

/// Filled rectangles on whole pixels, painted in the order added, as one [`Shape::Mesh`].
pub struct Fills {
    mesh: Mesh,
    pixels_per_point: f32,
}

impl Fills {
    /// Nothing yet, for a screen of `pixels_per_point`.
    pub fn new(pixels_per_point: f32) -> Self {
        Self {
            mesh: Mesh::default(),
            pixels_per_point,
        }
    }

    /// Fills `rect` (its edges moved to the nearest pixel, and at least a pixel wide and high
    /// when it has any width and height, so a span over a narrow mark never vanishes) with
    /// `color`.
    pub fn rect(&mut self, rect: Rect, color: Color32) {
        if !rect.is_positive() {
            return;
        }
        let pixel = 1.0 / self.pixels_per_point;
        let mut rounded = rect.round_to_pixels(self.pixels_per_point);
        if rounded.width() < pixel {
            rounded.max.x = rounded.min.x + pixel;
        }
        if rounded.height() < pixel {
            rounded.max.y = rounded.min.y + pixel;
        }
        self.mesh.add_colored_rect(rounded, color);
    }

    /// A horizontal line from `x0` to `x1`, `thickness` thick (at least a pixel, whole
    /// pixels) and centred on `y`: the same thickness wherever it falls.
    pub fn hline(&mut self, (x0, x1): (f32, f32), y: f32, thickness: f32, color: Color32) {
        let ppp = self.pixels_per_point;
        let pixels = (thickness * ppp).round().max(1.0);
        let top = (y * ppp - pixels / 2.0).round() / ppp;
        let (left, right) = (x0.min(x1), x0.max(x1));
        self.rect(
            Rect::from_x_y_ranges(left..=right, top..=top + pixels / ppp),
            color,
        );
    }

    /// A dashed horizontal line from `a` to `b` (at `a`'s height): dashes `dash` long, `gap`
    /// apart, the first at `a`, as [`Shape::dashed_line`] draws them.
    pub fn dashed_hline(
        &mut self,
        a: Pos2,
        b: Pos2,
        thickness: f32,
        (dash, gap): (f32, f32),
        color: Color32,
    ) {
        let (length, step) = ((b.x - a.x).abs(), (b.x - a.x).signum());
        let mut at = 0.0;
        while at < length {
            let end = (at + dash).min(length);
            self.hline((a.x + step * at, a.x + step * end), a.y, thickness, color);
            at += dash + gap;
        }
    }

    /// What was added, leaving nothing.
    pub fn take(&mut self) -> Fills {
        std::mem::replace(self, Fills::new(self.pixels_per_point))
    }

    /// True when nothing was added.
    pub fn is_empty(&self) -> bool {
        self.mesh.is_empty()
    }

    /// The shape to paint.
    pub fn into_shape(self) -> Shape {
        Shape::mesh(self.mesh)
    }
}

/// Dashed outlines drawn with a texture of one dash and its gap, repeated along each edge:
/// an edge is one rectangle however many dashes it has (ten thousand ghost spans on screen
/// were a hundred and forty thousand rectangles as [`Fills::dashed_hline`]s). Not in egui: its
/// dashed lines are a shape per dash.
pub struct Dashes {
    mesh: egui::Mesh,
    pixels_per_point: f32,
}

/// The dash texture: [`DASH`] opaque pixels then [`GAP`] clear ones, repeated.
const DASH: usize = 4;
const GAP: usize = 3;

impl Dashes {
    /// The texture of one dash and gap, made once per context (kept in its memory).
    pub fn texture(ctx: &egui::Context) -> egui::TextureId {
        let id = egui::Id::unique("accord dash texture");
        if let Some(handle) = ctx.data(|d| d.get_temp::<egui::TextureHandle>(id)) {
            return handle.id();
        }
        let pixels = (0..DASH + GAP)
            .map(|i| {
                if i < DASH {
                    Color32::WHITE
                } else {
                    Color32::TRANSPARENT
                }
            })
            .collect();
        let image = egui::ColorImage::new([DASH + GAP, 1], pixels);
        let options = egui::TextureOptions {
            magnification: egui::TextureFilter::Nearest,
            minification: egui::TextureFilter::Nearest,
            wrap_mode: egui::TextureWrapMode::Repeat,
            mipmap_mode: None,
        };
        let handle = ctx.load_texture("accord dash", image, options);
        let texture = handle.id();
        ctx.data_mut(|d| d.insert_temp(id, handle));
        texture
    }

    /// No outlines yet, drawn with `texture` ([`Dashes::texture`]).
    pub fn new(texture: egui::TextureId, pixels_per_point: f32) -> Self {
        Self {
            mesh: egui::Mesh::with_texture(texture),
            pixels_per_point,
        }
    }

    /// The outline of `rect`, `thickness` thick (at least a pixel, whole pixels): top and
    /// bottom dashed from the left, the short sides solid.
    pub fn outline(&mut self, rect: Rect, thickness: f32, color: Color32) {
        if !rect.is_positive() {
            return;
        }
        let ppp = self.pixels_per_point;
        let pixels = (thickness * ppp).round().max(1.0);
        let line = pixels / ppp;
        let r = rect.round_to_pixels(ppp);
        let period = (DASH + GAP) as f32;
        // u counts dash periods in physical pixels; every row of the texture is the same.
        let along = |from: f32, to: f32| (to - from) * ppp / period;
        let solid = egui::Rect::from_min_max(pos2(0.0, 0.0), pos2(0.0, 1.0));
        for y in [r.top(), r.bottom() - line] {
            self.mesh.add_rect_with_uv(
                Rect::from_x_y_ranges(r.left()..=r.right(), y..=y + line),
                egui::Rect::from_min_max(pos2(0.0, 0.0), pos2(along(r.left(), r.right()), 1.0)),
                color,
            );
        }
        for x in [r.left(), r.right() - line] {
            self.mesh.add_rect_with_uv(
                Rect::from_x_y_ranges(x..=x + line, r.top()..=r.bottom()),
                solid,
                color,
            );
        }
    }

    /// The mesh, to keep and paint later.
    pub fn into_mesh(self) -> egui::Mesh {
        self.mesh
    }
}

/// `n + 1` points along the cubic Bézier curve of `points`, both ends included: a curve to
/// draw as a [`Shape::line`]. egui's own cubic shape finds how many points a curve needs
/// each frame, which cost more than the few curves on screen are worth.
pub fn cubic_points(points: [Pos2; 4], n: usize) -> Vec<Pos2> {
    let [a, c1, c2, b] = points;
    let n = n.max(1);
    (0..=n)
        .map(|i| {
            let t = i as f32 / n as f32;
            let u = 1.0 - t;
            let w = [u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t];
            pos2(
                w[0] * a.x + w[1] * c1.x + w[2] * c2.x + w[3] * b.x,
                w[0] * a.y + w[1] * c1.y + w[2] * c2.y + w[3] * b.y,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Equal up to float rounding.
    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 1e-3
    }

    /// On a whole physical pixel.
    fn whole(points: f32, ppp: f32) -> bool {
        close(points * ppp, (points * ppp).round())
    }

    /// The pixel rows and columns a mesh covers, by its vertices' bounds.
    fn bounds(fills: Fills) -> Rect {
        match fills.into_shape() {
            Shape::Mesh(mesh) => mesh.calc_bounds(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn a_line_is_as_thick_wherever_it_falls() {
        for y in [10.0, 10.25, 10.5, 10.75] {
            for (ppp, thickness, pixels) in [
                (1.0, 2.0, 2.0),
                (1.0, 1.5, 2.0),
                (2.0, 1.5, 3.0),
                (1.25, 2.0, 3.0),
            ] {
                let mut fills = Fills::new(ppp);
                fills.hline((3.2, 40.7), y, thickness, Color32::RED);
                let r = bounds(fills);
                assert!(close(r.height() * ppp, pixels), "y {y}, {ppp} px per point");
                // On whole pixels, and over its centre.
                assert!(whole(r.top(), ppp));
                assert!(r.top() <= y && r.bottom() >= y);
                for (edge, asked) in [(r.left(), 3.2), (r.right(), 40.7)] {
                    assert!(whole(edge, ppp));
                    assert!((edge - asked).abs() <= 0.5 / ppp);
                }
            }
        }
    }

    #[test]
    fn a_sliver_is_a_pixel_and_nothing_is_nothing() {
        for ppp in [1.0, 1.25, 2.0] {
            let mut fills = Fills::new(ppp);
            fills.rect(Rect::from_x_y_ranges(10.1..=10.3, 4.0..=20.0), Color32::RED);
            let r = bounds(fills);
            assert!(close(r.width() * ppp, 1.0), "{ppp} px per point");
            assert!(close(r.height(), 16.0));
        }
        let mut fills = Fills::new(1.0);
        fills.rect(Rect::from_x_y_ranges(10.0..=10.0, 4.0..=20.0), Color32::RED);
        fills.rect(Rect::from_x_y_ranges(12.0..=11.0, 4.0..=20.0), Color32::RED);
        assert!(fills.is_empty());
    }

    /// A ghost span's outline is four rectangles whatever its length: the long edges repeat
    /// the dash texture once per dash and gap in physical pixels, the sides are solid, and
    /// each edge is on whole pixels and at least one thick.
    #[test]
    fn a_dashed_outline_is_four_rectangles_repeating_the_dash() {
        for ppp in [1.0, 1.25, 2.0] {
            let texture = egui::TextureId::User(7);
            let mut dashes = Dashes::new(texture, ppp);
            dashes.outline(
                Rect::from_min_max(pos2(10.0, 20.0), pos2(80.0, 40.0)),
                0.3,
                Color32::RED,
            );
            let mesh = dashes.into_mesh();
            assert_eq!(mesh.texture_id, texture);
            assert_eq!(mesh.vertices.len(), 16, "four rectangles at {ppp}");
            let period = (DASH + GAP) as f32;
            let widest_u = mesh.vertices.iter().map(|v| v.uv.x).fold(0.0, f32::max);
            let xs = mesh.vertices.iter().map(|v| v.pos.x);
            let width = xs.clone().fold(f32::MIN, f32::max) - xs.fold(f32::MAX, f32::min);
            assert!((width - 70.0).abs() <= 1.0);
            assert!(close(widest_u, width * ppp / period), "{widest_u} at {ppp}");
            for v in &mesh.vertices {
                assert!(
                    close((v.pos.x * ppp).round(), v.pos.x * ppp),
                    "{:?} at {ppp}",
                    v.pos
                );
            }
            let top: Vec<f32> = mesh.vertices[..4].iter().map(|v| v.pos.y).collect();
            let thickness = top.iter().fold(f32::MIN, |a, b| a.max(*b))
                - top.iter().fold(f32::MAX, |a, b| a.min(*b));
            assert!(
                close(thickness * ppp, 1.0),
                "one pixel at {ppp}: {thickness}"
            );
        }
    }

    #[test]
    fn dashes_start_at_the_first_point_and_stop_at_the_last() {
        for (a, b) in [
            (pos2(0.0, 5.0), pos2(20.0, 5.0)),
            (pos2(20.0, 5.0), pos2(0.0, 5.0)),
        ] {
            let mut fills = Fills::new(1.0);
            fills.dashed_hline(a, b, 2.0, (5.0, 3.0), Color32::RED);
            let Shape::Mesh(mesh) = fills.into_shape() else {
                unreachable!()
            };
            // 0–5, 8–13, 16–20: three dashes of four corners each.
            assert_eq!(mesh.vertices.len(), 12);
            let x = mesh.calc_bounds().x_range();
            assert_eq!((x.min, x.max), (0.0, 20.0));
        }
    }

    #[test]
    fn a_curve_runs_from_its_first_point_to_its_last() {
        let ends = [
            pos2(0.0, 0.0),
            pos2(10.0, 0.0),
            pos2(20.0, 30.0),
            pos2(30.0, 30.0),
        ];
        let points = cubic_points(ends, 16);
        assert_eq!(points.len(), 17);
        assert_eq!((points[0], points[16]), (ends[0], ends[3]));
        // Symmetric about its middle, which lies half-way.
        assert_eq!(points[8], pos2(15.0, 15.0));
    }
}
