//! What each [`Command`] does.

use crate::edit::Edit;
use crate::project::Workspace;

use super::app::{AccordApp, Action, MAX_PANES, Pane, equal_fractions};
use super::commands::Command;
use super::find::label_all_edits;

impl AccordApp {
    /// Runs one command.
    pub fn run_command(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::OpenProject => {
                let start = self.ws.as_ref().map(|w| w.project.root.clone());
                let mut dialog = rfd::FileDialog::new().set_title("Open an Accord project folder");
                if let Some(dir) = start {
                    dialog = dialog.set_directory(dir);
                }
                match dialog.pick_folder() {
                    Some(folder) => self.open_path(&folder),
                    None => {
                        self.info("No folder chosen (you can also drop a folder onto the window)")
                    }
                }
            }
            Command::Save => {
                if self.ws.as_ref().is_some_and(Workspace::is_dirty) {
                    self.save_all();
                } else {
                    self.info("Nothing to save");
                }
            }
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::Undo | Command::Redo => self.undo_redo(command == Command::Undo),
            Command::Copy => {
                let text = self.selected_text();
                match text {
                    Some(t) => self.copy_text(ctx, t),
                    None => self.info("Nothing to copy: select an annotation or some text"),
                }
            }
            Command::Delete => {
                if let Some((doc, id)) = self.selected
                    && self.edit(vec![(doc, Edit::Remove { id })]).is_some()
                {
                    self.selected = None;
                }
            }
            Command::ClearSelection => {
                if self.find.open && self.selected.is_none() {
                    self.find.open = false;
                }
                self.selected = None;
                for p in &mut self.panes {
                    p.view.selection = None;
                }
            }
            Command::NextAnnotation | Command::PreviousAnnotation => {
                self.step_annotation(command == Command::NextAnnotation);
            }
            Command::EndRight => self.move_edge(true, true, false),
            Command::EndLeft => self.move_edge(true, false, false),
            Command::EndWordRight => self.move_edge(true, true, true),
            Command::EndWordLeft => self.move_edge(true, false, true),
            Command::StartRight => self.move_edge(false, true, false),
            Command::StartLeft => self.move_edge(false, false, false),
            Command::StartWordRight => self.move_edge(false, true, true),
            Command::StartWordLeft => self.move_edge(false, false, true),
            Command::Find => self.find.open_and_focus(),
            Command::FindNext | Command::FindPrevious => {
                self.find.open = true;
                if let Some(ws) = &self.ws {
                    self.find.refresh(ws, self.active_doc());
                }
                match self.find.step(command == Command::FindNext) {
                    Some((doc, range)) => self.push(Action::Reveal { doc, range }),
                    None if self.find.query.is_empty() => self.find.open_and_focus(),
                    None => self.info(format!("“{}” not found", self.find.query)),
                }
            }
            Command::LabelAllMatches => self.label_all_matches(),
            Command::AddPane => {
                if self.panes.len() >= MAX_PANES {
                    self.info(format!("At most {MAX_PANES} panes"));
                } else if let Some(ws) = &self.ws {
                    // The next document not shown yet, else the active one again.
                    let shown: Vec<usize> = self.panes.iter().map(|p| p.doc).collect();
                    let doc = (0..ws.len())
                        .find(|d| !shown.contains(d))
                        .unwrap_or_else(|| self.active_doc().unwrap_or(0));
                    self.panes.push(Pane::new(doc));
                    equal_fractions(&mut self.panes);
                    self.active = self.panes.len() - 1;
                    self.remember_layout();
                }
            }
            Command::ClosePane => {
                if self.panes.len() > 1 {
                    self.panes.remove(self.active);
                    self.active = self.active.min(self.panes.len() - 1);
                    equal_fractions(&mut self.panes);
                    self.remember_layout();
                }
            }
            Command::NextPane => {
                if !self.panes.is_empty() {
                    self.active = (self.active + 1) % self.panes.len();
                }
            }
            Command::ToggleSyncScroll => {
                self.settings.sync_scroll = !self.settings.sync_scroll;
                self.info(if self.settings.sync_scroll {
                    "Panes scroll together"
                } else {
                    "Panes scroll on their own"
                });
            }
            Command::ToggleTheme => {
                self.settings.dark = !self.settings.dark;
                ctx.set_theme(if self.settings.dark {
                    egui::Theme::Dark
                } else {
                    egui::Theme::Light
                });
            }
            Command::ZoomIn => self.settings.font_size = (self.settings.font_size + 1.0).min(36.0),
            Command::ZoomOut => self.settings.font_size = (self.settings.font_size - 1.0).max(10.0),
            Command::Shortcuts => self.show_shortcuts = !self.show_shortcuts,
        }
    }

    fn undo_redo(&mut self, undo: bool) {
        let Some(ws) = self.ws.as_mut() else { return };
        let result = if undo { ws.undo() } else { ws.redo() };
        match result {
            Ok(true) => {
                self.find.invalidate();
                // The selected annotation may be gone now.
                if let Some((doc, id)) = self.selected
                    && ws.store(doc).get(id).is_none()
                {
                    self.selected = None;
                }
                self.buffers.clear();
                self.info(if undo { "Undone" } else { "Redone" });
            }
            Ok(false) => self.info(if undo {
                "Nothing to undo"
            } else {
                "Nothing to redo"
            }),
            Err(e) => self.error(format!("{e}")),
        }
    }

    fn selected_text(&self) -> Option<String> {
        let ws = self.ws.as_ref()?;
        if let Some((doc, id)) = self.selected {
            return ws.store(doc).get(id).map(|a| a.text());
        }
        let pane = self.panes.get(self.active)?;
        let range = pane.view.selection?;
        ws.document(pane.doc)?.slice(range).map(str::to_owned)
    }

    fn step_annotation(&mut self, forward: bool) {
        let Some(ws) = &self.ws else { return };
        let Some(doc) = self.active_doc() else { return };
        let order: Vec<_> = ws.store(doc).in_file_order().iter().map(|a| a.id).collect();
        if order.is_empty() {
            return;
        }
        let current = self
            .selected
            .filter(|(d, _)| *d == doc)
            .and_then(|(_, id)| order.iter().position(|x| *x == id));
        let n = order.len();
        let next = match (current, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        self.push(Action::Select(Some((doc, order[next]))));
    }

    fn label_all_matches(&mut self) {
        let Some(label) = self.current_label.clone() else {
            self.info("Pick a label in the palette first");
            return;
        };
        let Some(ws) = &self.ws else { return };
        self.find.refresh(ws, self.active_doc());
        let step = label_all_edits(ws, &self.find.matches, &label);
        if step.is_empty() {
            self.info(format!("Every match is already labelled {label}"));
            return;
        }
        let n = step.len();
        if self.edit(step).is_some() {
            self.info(format!(
                "Labelled {n} matches as {label} (one undo removes them)"
            ));
        }
    }
}
