//! Keys (and dropped files) to actions: the command table's shortcuts first, then the label
//! hotkeys of the schema (while reviewing, digit k takes annotator k's version instead).

use egui::{Event, Modifiers};

use super::action::Action;
use super::commands::Command;
use super::state::AppState;
use crate::review::Decision;

/// The actions this frame's key presses ask for. With a modal dialog open, none: the dialog
/// has the keyboard.
pub fn key_actions(ctx: &egui::Context, state: &AppState, modal_open: bool) -> Vec<Action> {
    let mut actions = Vec::new();
    if modal_open {
        return actions;
    }
    let typing = ctx.egui_wants_keyboard_input();
    let reviewing = state.review.is_some();
    for (command, shortcut) in Command::shortcuts_most_specific_first() {
        if (reviewing || !command.review_only())
            && (!typing || command.works_while_typing())
            && ctx.input_mut(|i| i.consume_shortcut(shortcut))
        {
            actions.push(Action::Run(*command));
        }
    }
    if typing {
        return actions;
    }
    // The window turns Ctrl+C into a copy event rather than a key press.
    if ctx.input(|i| i.events.iter().any(|e| matches!(e, Event::Copy))) {
        actions.push(Action::Run(Command::Copy));
    }
    let Some(ws) = &state.workspace else {
        return actions;
    };
    let schema = &ws.project.schema;
    if reviewing {
        // While reviewing, digit k takes annotator k's version; letters are review commands.
        ctx.input(|i| {
            for event in &i.events {
                if let Event::Key {
                    key,
                    physical_key,
                    pressed: true,
                    modifiers,
                    ..
                } = event
                    && modifiers.is_none()
                    && let Some(d @ '1'..='9') = physical_key.unwrap_or(*key).name().chars().next()
                    && physical_key.unwrap_or(*key).name().len() == 1
                {
                    actions.push(Action::Decide(Decision::Take(d as usize - '1' as usize)));
                }
            }
        });
        return actions;
    }
    // Label hotkeys: by physical key, so they work whatever keyboard layout is active (an
    // annotator typing Kazakh notes keeps the same keys).
    ctx.input(|i| {
        for event in &i.events {
            let Event::Key {
                key,
                physical_key,
                pressed: true,
                modifiers,
                ..
            } = event
            else {
                continue;
            };
            if !(modifiers.is_none() || *modifiers == Modifiers::SHIFT) {
                continue;
            }
            let name = physical_key.unwrap_or(*key).name();
            let mut chars = name.chars();
            let label = match (chars.next(), chars.next()) {
                (Some(d @ '1'..='9'), None) => schema.labels.get(d as usize - '1' as usize),
                (Some(c), None) => schema.label_for_hotkey(c),
                _ => None,
            };
            if let Some(label) = label {
                actions.push(Action::Label(label.name.clone()));
            }
        }
    });
    actions
}

/// A folder or document dropped onto the window opens as a project.
pub fn dropped_path(ctx: &egui::Context) -> Option<Action> {
    ctx.input(|i| {
        i.raw
            .dropped_files
            .first()
            .map(|f| Action::OpenPath(f.path().to_path_buf()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::Key;

    #[test]
    fn keys_are_not_taken_while_a_modal_dialog_is_open() {
        let ctx = egui::Context::default();
        let state = AppState::default();
        let mut input = egui::RawInput::default();
        input.events.push(Event::Key {
            key: Key::S,
            physical_key: Some(Key::S),
            pressed: true,
            repeat: false,
            modifiers: Modifiers::COMMAND,
        });
        let mut with_modal = Vec::new();
        let mut without = Vec::new();
        for (raw, modal) in [(input.clone(), true), (input, false)] {
            let mut output = ctx.run_ui(raw, |ui| {
                let actions = key_actions(ui.ctx(), &state, modal);
                if modal {
                    with_modal = actions;
                } else {
                    without = actions;
                }
            });
            // The font atlas upload is not this test's business.
            output.textures_delta.clear();
        }
        assert!(with_modal.is_empty());
        assert_eq!(without, vec![Action::Run(Command::Save)]);
    }
}
