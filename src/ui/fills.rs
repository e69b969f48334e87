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
/// an outline is one ring of eight vertices however many dashes it has (ten thousand ghost
/// spans on screen were a hundred and forty thousand rectangles as [`Fills::dashed_hline`]s).
/// Not in egui: its dashed lines are a shape per dash.
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
    /// bottom dashed, starting and ending with a dash, the short sides solid.
    ///
    /// Drawn as one ring of eight corners (outer and inner), half the vertices of four
    /// rectangles: the tessellator copies every vertex every frame, and ten thousand ghost
    /// spans on screen are made of little else. The texture's `u` is one linear function of
    /// `x` over the whole ring, stretched so the pattern ends where it began, with a dash:
    /// the short sides then sample inside a dash and come out solid.
    pub fn outline(&mut self, rect: Rect, thickness: f32, color: Color32) {
        if !rect.is_positive() {
            return;
        }
        let ppp = self.pixels_per_point;
        let pixels = (thickness * ppp).round().max(1.0);
        let line = pixels / ppp;
        let r = rect.round_to_pixels(ppp);
        let period = (DASH + GAP) as f32;
        let dash = DASH as f32;
        // Whole periods and a last dash, as near the width as they come.
        let width = r.width() * ppp;
        let periods = ((width - dash) / period).round().max(0.0);
        let repeats = (periods * period + dash) / period;
        let stretch = (periods * period + dash) / width;
        let inner = r.shrink(line);
        // A side's last pixel column must still sample the dash (wide lines at high
        // densities, narrow stretched outlines): four rectangles then.
        if !inner.is_positive() || (pixels - 0.5) * stretch >= dash {
            self.four_rectangles(r, line, repeats, color);
            return;
        }
        let u = |x: f32| (x - r.left()) / r.width() * repeats;
        let corners = [
            r.left_top(),
            r.right_top(),
            r.right_bottom(),
            r.left_bottom(),
            inner.left_top(),
            inner.right_top(),
            inner.right_bottom(),
            inner.left_bottom(),
        ];
        let first = self.mesh.vertices.len() as u32;
        for p in corners {
            self.mesh.vertices.push(egui::epaint::Vertex {
                pos: p,
                uv: pos2(u(p.x), 0.5),
                color,
            });
        }
        // Each side is the band between two outer corners and the inner ones beside them.
        for (a, b) in [(0, 1), (1, 2), (2, 3), (3, 0)] {
            let (c, d) = (b + 4, a + 4);
            self.mesh
                .indices
                .extend([a, b, c, a, c, d].map(|i| first + i));
        }
    }

    /// The outline as four rectangles: top and bottom dashed, the texture `repeats` times
    /// along them, the short sides solid.
    fn four_rectangles(&mut self, r: Rect, line: f32, repeats: f32, color: Color32) {
        let solid = egui::Rect::from_min_max(pos2(0.0, 0.0), pos2(0.0, 1.0));
        for y in [r.top(), r.bottom() - line] {
            self.mesh.add_rect_with_uv(
                Rect::from_x_y_ranges(r.left()..=r.right(), y..=y + line),
                egui::Rect::from_min_max(pos2(0.0, 0.0), pos2(repeats, 1.0)),
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

    /// What `mesh` shows at each physical pixel of `area` (in points): `Some(opaque)` where a
    /// triangle covers the pixel's centre, sampling the dash texture there as the GPU does
    /// (nearest texel, repeating), `None` where nothing is drawn.
    fn rasterize(mesh: &Mesh, area: Rect, ppp: f32) -> Vec<Vec<Option<bool>>> {
        let (w, h) = (
            (area.width() * ppp).round() as usize,
            (area.height() * ppp).round() as usize,
        );
        let mut out = vec![vec![None; w]; h];
        for (row, line) in out.iter_mut().enumerate() {
            for (col, pixel) in line.iter_mut().enumerate() {
                let p = pos2(
                    area.left() + (col as f32 + 0.5) / ppp,
                    area.top() + (row as f32 + 0.5) / ppp,
                );
                for t in mesh.indices.chunks(3) {
                    let [a, b, c] = [0, 1, 2].map(|k| mesh.vertices[t[k] as usize]);
                    let cross = |o: Pos2, x: Pos2, y: Pos2| {
                        (x.x - o.x) * (y.y - o.y) - (x.y - o.y) * (y.x - o.x)
                    };
                    let area_abc = cross(a.pos, b.pos, c.pos);
                    let (wa, wb, wc) = (
                        cross(b.pos, c.pos, p) / area_abc,
                        cross(c.pos, a.pos, p) / area_abc,
                        cross(a.pos, b.pos, p) / area_abc,
                    );
                    if wa >= 0.0 && wb >= 0.0 && wc >= 0.0 {
                        let u = wa * a.uv.x + wb * b.uv.x + wc * c.uv.x;
                        let texel = (u.rem_euclid(1.0) * (DASH + GAP) as f32).floor() as usize;
                        *pixel = Some(texel < DASH);
                        break;
                    }
                }
            }
        }
        out
    }

    /// Lengths of the runs of equal values, with the value.
    fn runs(row: &[Option<bool>]) -> Vec<(Option<bool>, usize)> {
        let mut runs: Vec<(Option<bool>, usize)> = Vec::new();
        for &p in row {
            match runs.last_mut() {
                Some((v, n)) if *v == p => *n += 1,
                _ => runs.push((p, 1)),
            }
        }
        runs
    }

    /// A ghost span's outline as the screen shows it, at any width and density: the short
    /// sides solid, the long ones dashed and starting and ending with a dash, nothing drawn
    /// inside, each edge on whole pixels and as thick as asked; eight vertices when the ring
    /// can be drawn.
    #[test]
    fn a_dashed_outline_shows_solid_sides_and_dashes_that_end_as_they_begin() {
        let texture = egui::TextureId::User(7);
        for ppp in [1.0_f32, 1.25, 2.0] {
            let pixels = (1.5 * ppp).round() as usize;
            for width in (3..90).map(|w| w as f32 / ppp) {
                // On whole pixels at every density, so the expected counts are exact.
                let rect = Rect::from_min_size(pos2(8.0, 16.0), egui::vec2(width, 16.0));
                let mut dashes = Dashes::new(texture, ppp);
                dashes.outline(rect, 1.5, Color32::RED);
                let mesh = dashes.into_mesh();
                assert_eq!(mesh.texture_id, texture);
                let ring = mesh.vertices.len() == 8;
                assert!(ring || mesh.vertices.len() == 16, "{width} at {ppp}");
                if width * ppp >= 8.0 {
                    assert!(ring, "a ring at {width} × {ppp}");
                }
                let shown = rasterize(&mesh, rect.expand(4.0), ppp);
                let drawn = |row: &[Option<bool>]| row.iter().filter(|p| p.is_some()).count();
                let rows: Vec<&Vec<Option<bool>>> =
                    shown.iter().filter(|row| drawn(row) > 0).collect();
                let cols = (width * ppp).round() as usize;
                assert_eq!(rows.len(), (16.0 * ppp) as usize, "{width} at {ppp}");
                let (top, middle) = (rows[0], rows[rows.len() / 2]);
                // The sides: solid, `pixels` wide, nothing between them.
                let sides = runs(middle);
                let sides: Vec<_> = sides.iter().filter(|(v, _)| v.is_some()).collect();
                if cols > 2 * pixels {
                    assert_eq!(
                        sides,
                        [&(Some(true), pixels), &(Some(true), pixels)],
                        "{width} at {ppp}: {middle:?}"
                    );
                }
                // The long edge: as wide as the rect, begins and ends with a dash, and dashes
                // and gaps near the texture's four and three pixels.
                assert_eq!(drawn(top), cols, "{width} at {ppp}");
                let edge: Vec<_> = runs(top).into_iter().filter(|(v, _)| v.is_some()).collect();
                assert_eq!(edge.first().unwrap().0, Some(true), "{width} at {ppp}");
                assert_eq!(edge.last().unwrap().0, Some(true), "{width} at {ppp}");
                if edge.len() > 2 {
                    for &(opaque, n) in &edge[1..edge.len() - 1] {
                        let range = if opaque == Some(true) { 3..=6 } else { 2..=5 };
                        assert!(range.contains(&n), "{width} at {ppp}: {edge:?}");
                    }
                }
            }
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
