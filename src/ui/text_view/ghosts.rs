//! The ghost spans pass: each suggestion on screen outlined in its label's colour, dashed, no
//! fill. A block's outlines are one mesh, kept while the suggestions, the label set and the
//! layout stay the same, and the blocks on screen are joined into one (`placed.rs`): asking
//! the paragraph layout for the rectangles of thousands of spans every frame cost more than
//! the rest of the frame.

use std::collections::HashMap;

use egui::{Mesh, Shape, vec2};

use super::placed::Joined;
use super::{Placement, ViewInput, label_color, to_screen};
use crate::layout::DocumentLayout;
use crate::ui::fills::Dashes;
use crate::ui::text::snap_to_pixel;

/// What a block's cached outlines were drawn from.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Drawn {
    /// The suggestions shown (where their list is and how long): a new list from the worker,
    /// or one with a suggestion dropped, is another list.
    list: (usize, usize),
    /// The label set (its colours).
    schema: usize,
    pixels_per_point: f32,
}

/// A block's outlines (relative to its top-left), and what they were drawn from.
#[derive(Debug)]
struct Block {
    drawn: Drawn,
    mesh: Mesh,
}

/// Each visible block's outlines, and those on screen joined.
#[derive(Debug, Default)]
pub(super) struct Ghosts {
    blocks: HashMap<usize, Block>,
    joined: Joined,
}

impl Ghosts {
    /// Forgets every block's outlines (the layout changed).
    pub(super) fn clear(&mut self) {
        self.blocks.clear();
        self.joined.clear();
    }

    /// The outlines of the suggestions on screen.
    pub(super) fn shapes(
        &mut self,
        layout: &DocumentLayout,
        input: &ViewInput<'_>,
        placed: &Placement,
    ) -> Vec<Shape> {
        let suggestions = input.emphasis.suggestions;
        if suggestions.is_empty() {
            return Vec::new();
        }
        let drawn = Drawn {
            list: (suggestions.as_ptr() as usize, suggestions.len()),
            schema: std::ptr::from_ref(input.schema) as usize,
            pixels_per_point: placed.pixels_per_point,
        };
        let mut placement = Vec::new();
        for i in placed.visible.clone() {
            let block = layout.blocks()[i];
            let top = layout.block_top(i);
            let entry = self.blocks.entry(i).or_insert_with(|| Block {
                drawn,
                mesh: Mesh::default(),
            });
            if entry.drawn != drawn || entry.mesh.texture_id != placed.dash_texture {
                let mut dashes = Dashes::new(placed.dash_texture, placed.pixels_per_point);
                let first = suggestions.partition_point(|s| s.range.end <= block.text.start);
                for s in &suggestions[first..] {
                    if s.range.start >= block.text.end {
                        break;
                    }
                    let color = label_color(input.schema, &s.label);
                    for r in layout.block_range_rects(i, s.range) {
                        let rect = to_screen(&r, egui::pos2(0.0, -top));
                        dashes.outline(rect.expand(1.0), 1.5, color);
                    }
                }
                *entry = Block {
                    drawn,
                    mesh: dashes.into_mesh(),
                };
                self.joined.clear();
            }
            if entry.mesh.is_empty() {
                continue;
            }
            let offset = snap_to_pixel(
                placed.origin.to_vec2() + vec2(0.0, top),
                placed.pixels_per_point,
            );
            placement.push((i, offset));
        }
        // Forget blocks far from view.
        if self.blocks.len() > 256 {
            let keep = placed.visible.start.saturating_sub(64)..placed.visible.end + 64;
            self.blocks.retain(|i, _| keep.contains(i));
        }
        let blocks = &self.blocks;
        self.joined.shapes(placement, |i| {
            blocks
                .get(&i)
                .map_or(&[][..], |b| std::slice::from_ref(&b.mesh))
        })
    }
}
