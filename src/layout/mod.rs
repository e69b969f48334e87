//! Text layout for documents: bidi, line breaking, shaping, font fallback and hit-testing,
//! all from parley. Pure: no egui types. Offsets in and out are document chars; parley's byte
//! indices never leave this module.

pub mod audit;
mod document;
mod fonts;
mod paragraph;

pub use document::{Block, DocumentLayout};
pub use fonts::{BUNDLED_BOLD, BUNDLED_FONTS, BundledFont, FontError, FontSet};
pub use paragraph::{
    Direction, GlyphRunData, LineInfo, ParagraphLayout, PlacedGlyph, Rect, TextStyle,
};
