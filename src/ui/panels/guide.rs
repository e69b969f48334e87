//! The getting-started guide (Help → Getting started, offered on first start): the few steps
//! of a first day — select, label, commitments, relate, link across documents, review,
//! export — each in a sentence or two. Its keys come from the command table and the schema, so
//! the guide cannot name a key that does not do what it says.

use egui::{RichText, Ui};

use crate::schema::Schema;
use crate::ui::commands::{Command, shortcut_text};

/// One step of the guide: its title and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// What the step does ("Label").
    pub title: &'static str,
    /// How, keys included.
    pub how: String,
}

/// The guide's steps, with the keys of this window (`ctx`) and this project's labels.
pub fn steps(ctx: &egui::Context, schema: &Schema) -> Vec<Step> {
    let key = |command: Command| {
        command
            .shortcuts()
            .first()
            .map_or_else(|| command.title().to_owned(), |s| shortcut_text(ctx, s))
    };
    // An example label and its key, from the project's own schema.
    let example = schema
        .labels
        .iter()
        .find_map(|l| l.hotkey.map(|h| format!("{h} for {}", l.name)))
        .unwrap_or_else(|| "1 for the first label".to_owned());
    let commitment = schema
        .labels
        .iter()
        .find(|l| l.layer == crate::schema::Layer::Commitment)
        .map_or_else(
            || "a commitment label".to_owned(),
            |l| match l.hotkey {
                Some(h) => format!("{} ({h})", l.name),
                None => l.name.clone(),
            },
        );
    let formats: Vec<&str> = crate::formats::REGISTRY.iter().map(|f| f.title).collect();
    vec![
        Step {
            title: "Select",
            how: "Drag over the text: the selection snaps to whole words (Alt+drag takes exact characters). In Arabic, drag as you read, right to left: what is highlighted is exactly what is kept.".to_owned(),
        },
        Step {
            title: "Label",
            how: format!(
                "Press a label's key ({example}, or 1–9; the palette on the left lists them) or click the label. Shift+←/→ and Alt+←/→ move a span's edges, Delete removes it, {} undoes.",
                key(Command::Undo)
            ),
        },
        Step {
            title: "Commitments",
            how: format!(
                "Select the promise and label it {commitment}; then, in the panel on the right, pick its actors, target and deadline in the text."
            ),
        },
        Step {
            title: "Relate",
            how: format!(
                "Shift+drag from one span to another, or select a span, press {} and click the other. Each arc carries its kind; {} draws every relation, not only the selected span's.",
                key(Command::StartRelation),
                key(Command::ToggleRelations)
            ),
        },
        Step {
            title: "Link across documents",
            how: format!(
                "{} opens another pane beside this one. Select a span in each (the same country in Chinese and in Arabic) and press {}. Threads ({}) lists what is linked, in date order.",
                key(Command::AddPane),
                key(Command::LinkAcrossDocuments),
                key(Command::ShowThreads)
            ),
        },
        Step {
            title: "Review",
            how: format!(
                "{} compares annotators. Then {} accepts an item, {} rejects it, {} edits it, {} goes to the next disagreement; the Agreement tab gives the figures.",
                key(Command::StartReview),
                key(Command::AcceptItem),
                key(Command::RejectItem),
                key(Command::EditItem),
                key(Command::NextDisagreement)
            ),
        },
        Step {
            title: "Export",
            how: format!(
                "{} writes your annotations, or the curated set, as {}. Your work is saved as you go ({} saves now).",
                key(Command::Export),
                formats.join(", "),
                key(Command::Save)
            ),
        },
    ]
}

/// Draws the guide.
pub fn guide_ui(ui: &mut Ui, schema: &Schema) {
    let steps = steps(ui.ctx(), schema);
    for (i, step) in steps.iter().enumerate() {
        ui.label(RichText::new(format!("{}. {}", i + 1, step.title)).strong());
        ui.label(&step.how);
        ui.add_space(4.0);
    }
    let all = Command::Shortcuts
        .shortcuts()
        .first()
        .map(|s| shortcut_text(ui.ctx(), s))
        .unwrap_or_default();
    ui.label(
        RichText::new(format!(
            "Every key: {all}. This guide again: Help → Getting started."
        ))
        .weak(),
    );
}
