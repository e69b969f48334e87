//! The one place that changes the window's state: [`AccordApp::apply`] carries out an
//! [`Action`] (and [`Command`]s from the table) on the state, through the core's
//! [`Workspace`] for every change to annotations, and tells the views what they must follow
//! (scroll to, forget a layout). By topic: `editing.rs` (edits, labels, selections, find),
//! `links.rs` (picking, relations, links across documents), `disk.rs` (files changed on disk,
//! the lock, re-anchoring), `review.rs` (other annotators'
//! layers, review, agreement), `session.rs` (projects, panes, saving, closing, the clipboard),
//! `exchange.rs` (File → Export… and Import…), `team.rs` (assignments, finished documents,
//! everyone's progress), `setup.rs` (a new project, documents added, the label set renamed,
//! the guidelines' first version).

mod disk;
mod editing;
mod exchange;
mod links;
mod review;
mod session;
mod setup;
mod suggest;
mod sync;
mod team;

use crate::edit::edge::Edge;
use crate::model::boundaries::StepUnit;
use crate::project::Workspace;
use crate::review::Decision;

use super::action::Action;
use super::app::AccordApp;
use super::commands::Command;
use super::state::{Message, Mode, Selection, SidePanel};

impl AccordApp {
    /// Carries out one action.
    pub(super) fn apply(&mut self, ctx: &egui::Context, action: Action) {
        match action {
            Action::Run(command) => self.run_command(ctx, command),
            Action::CancelSync => {
                if let Some(job) = &self.state.sync.job {
                    job.cancel();
                }
            }
            Action::Label(label) => self.apply_label(&label),
            Action::Edit { doc, edit } => {
                self.edit(vec![(doc, edit)]);
            }
            Action::SelectAnnotation { doc, id } => self.select_annotation(doc, id),
            Action::Reveal { doc, range } => self.reveal_range(doc, range),
            Action::ScrollTo { pane, range } => self.scroll_pane_to(pane, range),
            Action::ShowDocument { pane, doc } => {
                if self.state.pane(pane).is_some() {
                    self.show_document(pane, doc);
                    self.state.active = pane;
                    self.remember_layout();
                }
            }
            Action::Activate(pane) => {
                if self.state.pane(pane).is_some() {
                    self.state.active = pane;
                }
            }
            Action::ClosePane(pane) => self.close_pane(pane),
            Action::ResizePanes { left, delta } => {
                let panes = &mut self.state.panes;
                if let Some(i) = panes.iter().position(|p| p.id == left)
                    && i + 1 < panes.len()
                {
                    panes[i].fraction += delta;
                    panes[i + 1].fraction -= delta;
                    self.remember_layout();
                }
            }
            Action::OpenPath(path) => self.open_path(&path),
            Action::CreateProject(plan) => self.create_project(plan),
            Action::AddDocuments(paths) => self.add_to_project(paths),
            Action::CancelAdding => self.cancel_adding(),
            Action::OpenFirst(file) => {
                if let Some(opening) = &mut self.state.opening {
                    opening.first = Some(file);
                }
            }
            Action::StopOpening => self.stop_opening(),
            Action::GuidelinesFor(label) => {
                let asked = self
                    .state
                    .guidelines_asked
                    .as_ref()
                    .map_or(0, |(n, _)| n + 1);
                self.state.guidelines_asked = Some((asked, label));
                self.state.settings.side = SidePanel::Guidelines;
            }
            Action::WriteGuidelines => self.write_guidelines(),
            Action::EditSchema(edit) => {
                let what = edit.describe();
                if self
                    .edit(crate::project::Step(vec![crate::project::Change::Schema(
                        edit,
                    )]))
                    .is_some()
                {
                    self.info(format!("Label set: {what}"));
                }
            }
            Action::RenameLabel { from, to } => {
                self.rename(crate::project::relabel::Rename::Label { from, to })
            }
            Action::DeleteLabel { name, relabel_as } => self.delete_label(name, relabel_as),
            Action::RenameAttribute { label, from, to } => {
                self.rename(crate::project::relabel::Rename::Attribute { label, from, to })
            }
            Action::RenameValue {
                label,
                attribute,
                from,
                to,
            } => self.rename(crate::project::relabel::Rename::EnumValue {
                label,
                attribute,
                from,
                to,
            }),
            Action::SetDocumentEntry { doc, entry } => self.set_document_entry(doc, entry),
            Action::RemoveDocument(file) => self.remove_document(&file),
            Action::AskRemoveDocument(file) => self.views.dialogs.notify_with_offer(
                "Remove a document from the project",
                format!(
                    "Take {file} out of the project? Its text file stays in the folder, and every annotator's annotations of it are moved to removed/<annotator>/, not deleted. Annotators who have the project open must close it first."
                ),
                "Remove it",
                crate::ui::Action::RemoveDocument(file),
            ),
            Action::SetAnnotator(name) => self.set_annotator(name),
            Action::AnswerClose(answer) => {
                self.answer_close(answer);
                if self.allow_close {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
            Action::View { pane, event } => self.view_event(pane, event),
            Action::Pick {
                doc,
                owner,
                attribute,
            } => self.start_pick(doc, owner, attribute),
            Action::StartRelation => self.start_relation(),
            Action::Relate { doc, from, to } => self.relate(doc, from, to),
            Action::AddRelation {
                doc,
                kind,
                from,
                to,
            } => self.add_relation(doc, kind, from, to),
            Action::LinkAcross { a, b, kind } => self.link_across(a, b, kind),
            Action::Unlink { doc, id, group } => self.unlink(doc, id, group),
            Action::Delete { doc, id } => self.delete(doc, id),
            Action::HoverLink(link) => self.state.hovered_link = link,
            Action::ShowLayer {
                pane,
                annotator,
                shown,
            } => self.show_layer(pane, annotator, shown),
            Action::ShowOwn { pane, shown } => {
                if let Some(p) = self.state.pane_mut(pane) {
                    p.own = shown;
                }
            }
            Action::ShowOthers => self.show_others(),
            Action::StartReview { annotators } => self.start_review(annotators),
            Action::Decide(decision) => self.decide(decision),
            Action::SelectItem { doc, index } => self.select_item(doc, index),
            Action::Comment { doc, index, text } => self.comment_item(doc, index, text),
            Action::ComputeAgreement => self.compute_agreement(),
            Action::RefreshProgress => self.refresh_progress(),
            Action::SuggestionSettings(settings) => self.set_suggestion_settings(settings),
            Action::EvaluateSuggesters => self.evaluate_suggesters(),
            Action::AskExternal => self.ask_external(),
            Action::Resolve { file, how } => self.resolve_conflict(file, how),
            Action::Reanchor(doc) => self.reanchor(doc),
            Action::Exchange(request) => self.exchange(ctx, request),
            Action::AcceptForeignJournal => self.accept_foreign_journal(),
        }
    }

    fn run_command(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::OpenProject => self.pick_project_folder(),
            Command::NewProject => self.views.new_project.open(),
            Command::AddDocuments | Command::AddFolder => {
                self.pick_documents(command == Command::AddFolder)
            }
            Command::ShowGuidelines => self.toggle_side(SidePanel::Guidelines),
            Command::ShowLabels => self.toggle_side(SidePanel::Labels),
            Command::Sync => self.start_sync(ctx),
            Command::NextConflict => self.next_conflict(),
            Command::Save => {
                if self.workspace().is_some_and(Workspace::is_dirty) {
                    self.save_all();
                } else {
                    self.info("Nothing to save");
                }
            }
            Command::ChangeName => {
                let current = self.state.settings.annotator.clone();
                self.views.dialogs.ask_name(current.as_deref());
            }
            Command::SetUpGit => self.set_up_git(),
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::Export | Command::Import => self.open_exchange(command),
            Command::Undo | Command::Redo => self.undo_redo(command == Command::Undo),
            Command::Copy => match self.state.selected_text() {
                Some(text) => self.copy_text(ctx, text),
                None => self.info("Nothing to copy: select an annotation or some text"),
            },
            Command::Delete => self.delete_selected(),
            // Escape closes what is on top first: the keyboard shortcuts (F1) or the guide, then a mode,
            // then the find bar or the selection.
            Command::ClearSelection => {
                if self.views.dialogs.close_overlay() {
                    // Closed: the rest stays as it was.
                } else if self.state.mode != Mode::Select {
                    self.stop_mode("Stopped");
                } else {
                    if self.views.find_bar.is_open() && self.state.selected_annotation().is_none() {
                        self.views.find_bar.close();
                    }
                    for pane in &mut self.state.panes {
                        pane.selection = Selection::None;
                    }
                }
            }
            Command::NextAnnotation | Command::PreviousAnnotation => {
                let forward = command == Command::NextAnnotation;
                if !self.step_candidate(forward) {
                    self.step_annotation(forward);
                }
            }
            Command::EndRight => self.move_edge(Edge::End, true, StepUnit::Cluster),
            Command::EndLeft => self.move_edge(Edge::End, false, StepUnit::Cluster),
            Command::EndWordRight => self.move_edge(Edge::End, true, StepUnit::Word),
            Command::EndWordLeft => self.move_edge(Edge::End, false, StepUnit::Word),
            Command::StartRight => self.move_edge(Edge::Start, true, StepUnit::Cluster),
            Command::StartLeft => self.move_edge(Edge::Start, false, StepUnit::Cluster),
            Command::StartWordRight => self.move_edge(Edge::Start, true, StepUnit::Word),
            Command::StartWordLeft => self.move_edge(Edge::Start, false, StepUnit::Word),
            Command::Find => self.views.find_bar.open_and_focus(),
            Command::FindNext | Command::FindPrevious => {
                self.find_step(command == Command::FindNext)
            }
            Command::LabelAllMatches => self.label_all_matches(),
            Command::AddPane => self.add_pane(),
            Command::ClosePane => self.close_pane(self.state.active),
            Command::NextPane => {
                let panes = &self.state.panes;
                if let Some(i) = self.state.pane_index(self.state.active) {
                    self.state.active = panes[(i + 1) % panes.len()].id;
                } else if let Some(first) = panes.first() {
                    self.state.active = first.id;
                }
            }
            Command::ToggleSyncScroll => {
                self.state.settings.sync_scroll = !self.state.settings.sync_scroll;
                self.info(if self.state.settings.sync_scroll {
                    "Panes scroll together"
                } else {
                    "Panes scroll on their own"
                });
            }
            Command::ToggleTheme => {
                self.state.settings.dark = !self.state.settings.dark;
                ctx.set_theme(if self.state.settings.dark {
                    egui::Theme::Dark
                } else {
                    egui::Theme::Light
                });
            }
            Command::ZoomIn => {
                self.state.settings.font_size = (self.state.settings.font_size + 1.0).min(36.0);
            }
            Command::ZoomOut => {
                self.state.settings.font_size = (self.state.settings.font_size - 1.0).max(10.0);
            }
            Command::Shortcuts => self.views.dialogs.toggle_shortcuts(),
            Command::GettingStarted => self.views.dialogs.show_guide(),
            Command::StartRelation => self.start_relation(),
            Command::LinkAcrossDocuments => self.link_across_documents(),
            Command::TakeCandidate => self.take_candidate(),
            Command::ToggleRelations => {
                let all = !self.state.settings.all_relations;
                self.state.settings.all_relations = all;
                self.info(if all {
                    "Every relation on screen is drawn"
                } else {
                    "Only the selected span's relations are drawn"
                });
            }
            Command::ShowThreads => self.toggle_side(SidePanel::Threads),
            Command::ToggleLedger => self.state.settings.ledger = !self.state.settings.ledger,
            Command::StartReview => self.ask_review(),
            Command::StopReview => self.stop_review(),
            Command::AcceptItem => self.decide(Decision::Accept),
            Command::RejectItem => self.decide(Decision::Reject),
            Command::EditItem => {
                let k = self
                    .state
                    .review
                    .as_ref()
                    .and_then(|r| r.current_item())
                    .map_or(0, |(_, item)| item.majority());
                self.decide(Decision::Edit(k));
            }
            Command::NextDisagreement | Command::PreviousDisagreement => {
                self.step_disagreement(command == Command::NextDisagreement)
            }
            Command::AcceptAgreed => self.accept_agreed(),
            Command::MarkFinished => self.toggle_finished(),
            Command::ShowProgress => self.toggle_side(SidePanel::Progress),
            Command::ShowSuggestions => self.toggle_side(SidePanel::Suggestions),
            Command::NextSuggestion | Command::PreviousSuggestion => {
                self.step_suggestion(command == Command::NextSuggestion)
            }
            Command::AcceptSuggestion => self.accept_selected_suggestion(),
            Command::RejectSuggestion => self.reject_selected_suggestion(),
            Command::AcceptAllOfLabel => self.accept_all_of_label(),
            Command::ToggleSuggestions => self.toggle_suggestions(),
            Command::ShowAgreement => {
                self.state.settings.side = match self.state.settings.side {
                    SidePanel::Agreement => SidePanel::Annotation,
                    _ => SidePanel::Agreement,
                };
                if self.state.agreement.is_none() && !self.state.agreement_pending {
                    self.compute_agreement();
                }
            }
        }
    }

    /// Shows `panel` in the side panel, or the annotation when it shows already.
    fn toggle_side(&mut self, panel: SidePanel) {
        let side = &mut self.state.settings.side;
        *side = if *side == panel {
            SidePanel::Annotation
        } else {
            panel
        };
    }

    fn workspace(&self) -> Option<&Workspace> {
        self.state.workspace.as_ref()
    }

    pub(super) fn info(&mut self, text: impl Into<String>) {
        self.state.status.message = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    pub(super) fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        log::warn!("{text}");
        self.state.status.message = Some(Message { text, error: true });
    }
}
