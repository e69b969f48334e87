//! The panels around the panes, each in its own file: a type when it keeps UI state of its
//! own (the document list's filter, the details panel's edit buffers, the find bar's query,
//! the dialogs), a function when it only draws the state it is given. All of them read through a [`super::ViewContext`] and
//! ask for changes with [`super::Action`]s.

pub mod agreement;
pub mod details;
pub mod dialogs;
pub mod document_list;
pub mod exchange;
pub mod find_bar;
pub mod guide;
pub mod guidelines;
pub mod labels;
pub mod ledger;
pub mod menu_bar;
pub mod new_project;
pub mod palette;
pub mod progress;
pub mod start;
pub mod status_bar;
pub mod suggestions;
pub mod threads;
