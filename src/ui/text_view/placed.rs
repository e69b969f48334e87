//! The meshes of the blocks on screen (glyphs, ghost outlines), each kept relative to its
//! block, joined into one mesh per texture where the blocks are, and that joined mesh kept
//! while no block moves.
//!
//! egui copies every mesh shape into a mesh it grows as it goes, every frame. Handed one
//! mesh per texture, it makes that copy once, at its final size: half the tessellation of a
//! screen full of small text (60,000 glyphs and 13,000 ghost spans on a 4K screen). A frame
//! that does not scroll paints the joined meshes again without building them.

use std::sync::Arc;

use egui::{Mesh, Shape, TextureId, Vec2};

/// Where each visible block was placed, and the joined meshes made from them.
#[derive(Debug, Default)]
pub(super) struct Joined {
    placed: Vec<(usize, Vec2)>,
    meshes: Vec<Arc<Mesh>>,
}

impl Joined {
    /// Forgets the joined meshes: a block's own meshes changed.
    pub(super) fn clear(&mut self) {
        self.placed.clear();
        self.meshes.clear();
    }

    /// One shape per texture: the meshes of each block in `placed` (`meshes_of` gives them,
    /// relative to the block), moved by the block's offset and joined in order.
    pub(super) fn shapes<'a>(
        &mut self,
        placed: Vec<(usize, Vec2)>,
        meshes_of: impl Fn(usize) -> &'a [Mesh],
    ) -> Vec<Shape> {
        if placed != self.placed {
            self.meshes = join(&placed, meshes_of).into_iter().map(Arc::new).collect();
            self.placed = placed;
        }
        self.meshes
            .iter()
            .map(|mesh| Shape::Mesh(mesh.clone()))
            .collect()
    }
}

/// The meshes moved and joined, one per texture, in the order the textures first appear.
fn join<'a>(placed: &[(usize, Vec2)], meshes_of: impl Fn(usize) -> &'a [Mesh]) -> Vec<Mesh> {
    let mut joined: Vec<Mesh> = Vec::new();
    let mut sizes: Vec<(TextureId, usize, usize)> = Vec::new();
    for &(i, _) in placed {
        for mesh in meshes_of(i) {
            match sizes.iter_mut().find(|(t, _, _)| *t == mesh.texture_id) {
                Some((_, v, n)) => {
                    *v += mesh.vertices.len();
                    *n += mesh.indices.len();
                }
                None => sizes.push((mesh.texture_id, mesh.vertices.len(), mesh.indices.len())),
            }
        }
    }
    for &(texture, vertices, indices) in &sizes {
        let mut mesh = Mesh::with_texture(texture);
        mesh.vertices.reserve_exact(vertices);
        mesh.indices.reserve_exact(indices);
        joined.push(mesh);
    }
    for &(i, offset) in placed {
        for mesh in meshes_of(i) {
            let Some(k) = sizes.iter().position(|(t, _, _)| *t == mesh.texture_id) else {
                continue;
            };
            let out = &mut joined[k];
            let start = out.vertices.len();
            out.append_ref(mesh);
            for v in &mut out.vertices[start..] {
                v.pos += offset;
            }
        }
    }
    joined.retain(|m| !m.is_empty());
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(texture: u64, x: f32) -> Mesh {
        let mut mesh = Mesh::with_texture(TextureId::User(texture));
        mesh.add_rect_with_uv(
            egui::Rect::from_min_size(egui::pos2(x, 0.0), egui::vec2(4.0, 2.0)),
            egui::Rect::ZERO,
            egui::Color32::RED,
        );
        mesh
    }

    #[test]
    fn blocks_are_joined_per_texture_where_they_are_and_kept_while_they_stay() {
        let blocks = [vec![square(1, 0.0), square(2, 0.0)], vec![square(1, 10.0)]];
        let meshes_of = |i: usize| blocks[i].as_slice();
        let mut joined = Joined::default();
        let at = vec![(0, egui::vec2(0.0, 100.0)), (1, egui::vec2(0.0, 120.0))];
        let first = joined.shapes(at.clone(), meshes_of);
        let meshes: Vec<Arc<Mesh>> = first
            .into_iter()
            .map(|s| match s {
                Shape::Mesh(m) => m,
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(meshes.len(), 2, "one per texture");
        assert_eq!(meshes[0].texture_id, TextureId::User(1));
        assert_eq!(meshes[0].vertices.len(), 8);
        assert_eq!(meshes[0].vertices[0].pos, egui::pos2(0.0, 100.0));
        assert_eq!(meshes[0].vertices[4].pos, egui::pos2(10.0, 120.0));
        let second: Vec<u32> = meshes[0].indices[6..].iter().map(|i| i - 4).collect();
        assert_eq!(
            second,
            meshes[0].indices[..6],
            "the second block's indices moved on"
        );
        assert_eq!(meshes[1].vertices.len(), 4);

        let Shape::Mesh(again) = &joined.shapes(at.clone(), meshes_of)[0] else {
            unreachable!()
        };
        assert!(
            Arc::ptr_eq(again, &meshes[0]),
            "not joined again while nothing moves"
        );

        let scrolled = vec![(0, egui::vec2(0.0, 90.0)), (1, egui::vec2(0.0, 110.0))];
        let Shape::Mesh(moved) = &joined.shapes(scrolled, meshes_of)[0] else {
            unreachable!()
        };
        assert_eq!(moved.vertices[0].pos, egui::pos2(0.0, 90.0));

        joined.clear();
        let Shape::Mesh(rebuilt) = &joined.shapes(at, meshes_of)[0] else {
            unreachable!()
        };
        assert!(
            !Arc::ptr_eq(rebuilt, &meshes[0]),
            "joined again after a clear"
        );
    }
}
