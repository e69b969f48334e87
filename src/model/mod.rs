//! The data Accord annotates and produces: documents (and their encodings), char ranges,
//! annotations, links.

mod annotation;
pub mod boundaries;
mod cross;
mod document;
pub mod encoding;
pub mod language;
mod span;
pub mod tokens;

pub use annotation::{
    Annotation, AnnotationId, AttributeValue, Fragment, Link, LinkId, MergeConflict, Review,
    ReviewState, Source, Suggester, Timestamp,
};
pub use cross::{CrossGroup, CrossMember, GroupId};
pub use document::{
    CharIndex, Document, DocumentError, MAX_DOCUMENT_BYTES, ReadOptions, sha256_hex,
};
pub use encoding::EncodingSource;
pub use span::CharRange;
