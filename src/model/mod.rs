//! The data Accord annotates and produces: documents, char ranges, annotations, links.

mod annotation;
pub mod boundaries;
mod cross;
mod document;
mod span;
pub mod tokens;

pub use annotation::{
    Annotation, AnnotationId, AttributeValue, Fragment, Link, LinkId, Review, ReviewState,
    Timestamp,
};
pub use cross::{CrossGroup, CrossMember, GroupId};
pub use document::{CharIndex, Document, DocumentError, sha256_hex};
pub use span::CharRange;
