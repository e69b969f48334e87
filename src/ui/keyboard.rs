//! Keys (and dropped files) to actions: the command table's shortcuts first, then the label
//! hotkeys of the schema (while reviewing, digit k takes annotator k's version instead).

use egui::{Event, Modifiers};

use super::action::Action;
use super::commands::Command;
use super::state::AppState;
use crate::review::Decision;

/// The actions this frame's key presses ask for, split by when they were pressed: before and
/// after the primary button's release in the same frame (none before when there was none). A
/// drag ends with the release, and the document view reports the selection it made when the
/// frame draws it; a label key pressed after the release must label that selection, not the
/// one before, so it is applied after what the views report. With a modal dialog open, none:
/// the dialog has the keyboard.
pub fn key_actions(
    ctx: &egui::Context,
    state: &AppState,
    modal_open: bool,
) -> (Vec<Action>, Vec<Action>) {
    let actions = keyed_actions(ctx, state, modal_open);
    let release = ctx.input(|i| {
        i.events.iter().position(|e| {
            matches!(
                e,
                Event::PointerButton {
                    button: egui::PointerButton::Primary,
                    pressed: false,
                    ..
                }
            )
        })
    });
    let (after, before): (Vec<_>, Vec<_>) = actions
        .into_iter()
        .partition(|(_, at)| release.is_some_and(|r| at.is_some_and(|at| at > r)));
    (
        before.into_iter().map(|(a, _)| a).collect(),
        after.into_iter().map(|(a, _)| a).collect(),
    )
}

/// Where the key press of `shortcut` is among this frame's events.
fn shortcut_event(ctx: &egui::Context, shortcut: &egui::KeyboardShortcut) -> Option<usize> {
    ctx.input(|i| {
        i.events.iter().position(|e| {
            matches!(e, Event::Key { key, pressed: true, modifiers, .. }
                if *key == shortcut.logical_key && modifiers.matches_logically(shortcut.modifiers))
        })
    })
}

/// Each action a key asks for, with the index of its key's event in this frame's events.
fn keyed_actions(
    ctx: &egui::Context,
    state: &AppState,
    modal_open: bool,
) -> Vec<(Action, Option<usize>)> {
    let mut actions = Vec::new();
    if modal_open {
        return actions;
    }
    let typing = ctx.egui_wants_keyboard_input();
    let reviewing = state.review.is_some();
    // An open menu or list closes on Escape when it is drawn: the key is left to it.
    let popup_open = egui::Popup::is_any_open(ctx);
    for (command, shortcut) in Command::shortcuts_most_specific_first() {
        if popup_open && shortcut.logical_key == egui::Key::Escape {
            continue;
        }
        if (reviewing || !command.review_only()) && (!typing || command.works_while_typing()) {
            let at = shortcut_event(ctx, shortcut);
            if ctx.input_mut(|i| i.consume_shortcut(shortcut)) {
                actions.push((Action::Run(*command), at));
            }
        }
    }
    if typing {
        return actions;
    }
    // The window turns Ctrl+C into a copy event rather than a key press.
    if let Some(at) = ctx.input(|i| i.events.iter().position(|e| matches!(e, Event::Copy))) {
        actions.push((Action::Run(Command::Copy), Some(at)));
    }
    let Some(ws) = &state.workspace else {
        return actions;
    };
    let schema = &ws.project.schema;
    if reviewing {
        // While reviewing, digit k takes annotator k's version; letters are review commands.
        ctx.input(|i| {
            for (at, event) in i.events.iter().enumerate() {
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
                    let take = Action::Decide(Decision::Take(d as usize - '1' as usize));
                    actions.push((take, Some(at)));
                }
            }
        });
        return actions;
    }
    // Label hotkeys: by physical key, so they work whatever keyboard layout is active (an
    // annotator typing Kazakh notes keeps the same keys).
    ctx.input(|i| {
        for (at, event) in i.events.iter().enumerate() {
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
                actions.push((Action::Label(label.name.clone()), Some(at)));
            }
        }
    });
    actions
}

/// A folder or document dropped onto the window opens as a project.
pub fn dropped_paths(ctx: &egui::Context) -> Vec<std::path::PathBuf> {
    ctx.input(|i| {
        i.raw
            .dropped_files
            .iter()
            .map(|f| f.path().to_path_buf())
            .collect()
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
                let (actions, _) = key_actions(ui.ctx(), &state, modal);
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
