//! Accord: annotate multilingual text with entities and commitments, review, export.
//!
//! The core (everything but [`ui`]) is pure data and knows nothing of egui; it builds with
//! `--no-default-features`. [`ui`] is a thin egui view over it, behind the `gui` feature.

pub mod check;
pub mod edit;
pub mod layout;
pub mod model;
pub mod project;
pub mod schema;
pub mod search;
pub mod stats;
pub mod store;
pub mod validate;

pub mod cli;

#[cfg(feature = "gui")]
pub mod ui;
