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

    /// A vertical line from `y0` to `y1`, `thickness` thick (at least a pixel, whole pixels)
    /// and centred on `x`.
    pub fn vline(&mut self, x: f32, (y0, y1): (f32, f32), thickness: f32, color: Color32) {
        let ppp = self.pixels_per_point;
        let pixels = (thickness * ppp).round().max(1.0);
        let left = (x * ppp - pixels / 2.0).round() / ppp;
        let (top, bottom) = (y0.min(y1), y0.max(y1));
        self.rect(
            Rect::from_x_y_ranges(left..=left + pixels / ppp, top..=bottom),
            color,
        );
    }

    /// The outline of `rect` in dashes `dash` long, `gap` apart: top and bottom dashed from
    /// the left, the sides in short strokes at their ends (a suggestion's ghost span: no fill,
    /// so what is under it reads as before).
    pub fn dashed_outline(
        &mut self,
        rect: Rect,
        thickness: f32,
        (dash, gap): (f32, f32),
        color: Color32,
    ) {
        self.dashed_hline(
            rect.left_top(),
            rect.right_top(),
            thickness,
            (dash, gap),
            color,
        );
        self.dashed_hline(
            rect.left_bottom(),
            rect.right_bottom(),
            thickness,
            (dash, gap),
            color,
        );
        let side = (dash.min(rect.height() / 2.0)).max(0.0);
        for x in [rect.left(), rect.right()] {
            self.vline(x, (rect.top(), rect.top() + side), thickness, color);
            self.vline(x, (rect.bottom() - side, rect.bottom()), thickness, color);
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
