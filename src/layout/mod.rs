//! Text layout for documents: bidi, line breaking, shaping, font fallback and hit-testing,
//! from parley, for paragraphs of any length. Pure: no egui types. Offsets in and out are
//! document chars; parley's byte indices never leave this module.
//!
//! [`DocumentLayout`] splits a document into blocks of whole lines ([`document`]), finds where
//! lines break ([`breaking`]), resolves the bidi levels of the paragraph around them
//! ([`levels`]; base direction and classes in [`bidi`]), and lays each line out by itself at
//! those levels ([`block`]) through [`ParagraphLayout`] ([`paragraph`]). [`audit`] checks the
//! result on any file (`accord check-layout`). [`editor`] is the editable text of the
//! window's text fields.

pub mod audit;
pub mod bidi;
pub mod block;
pub mod breaking;
pub mod document;
pub mod editor;
mod fonts;
pub mod levels;
pub mod paragraph;

pub use bidi::Direction;
pub use block::{BlockLayout, UNDERLINE_STEP, UNDERLINE_THICKNESS};
pub use document::{Block, DocumentLayout};
pub use fonts::{BUNDLED_BOLD, BUNDLED_FONTS, BundledFont, FontError, FontSet};
pub use paragraph::{
    GlyphRunData, LineInfo, LineText, ParagraphLayout, PlacedGlyph, Rect, TextStyle, UnitSpan,
};
