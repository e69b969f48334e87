//! Modal dialogs and overlays: the annotator's name on first start, unsaved changes on close,
//! the kind of a relation or cross-document link when several fit, "delete what others depend
//! on?", "others have annotated this project: show them?", the annotators a review compares,
//! a file changed on disk while changed here (merge, keep mine, reload), what re-anchoring did,
//! the keyboard shortcuts (built from the command table), and the getting-started guide
//! ([`super::guide`]).

use egui::{Id, Key, RichText};

use crate::edit::reanchor::{MatchKind, Plan};
use crate::model::AnnotationId;
use crate::project::{DocId, Resolution, Ties, WorkspaceFile};
use crate::ui::action::{Action, CloseAnswer, ViewContext};
use crate::ui::commands::{Command, Menu, shortcut_text};
use crate::ui::text_field::TextField;

/// What a chosen kind is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KindChoice {
    /// A relation between two spans of a document.
    Relation {
        /// The document.
        doc: DocId,
        /// Where it starts.
        from: AnnotationId,
        /// Where it ends.
        to: AnnotationId,
    },
    /// A link between annotations of two documents.
    Group {
        /// One end.
        a: (DocId, AnnotationId),
        /// The other.
        b: (DocId, AnnotationId),
    },
}

#[derive(Debug)]
struct KindMenu {
    title: String,
    kinds: Vec<String>,
    then: KindChoice,
}

#[derive(Debug)]
struct DeletePrompt {
    doc: DocId,
    id: AnnotationId,
    what: String,
    ties: Ties,
}

/// A file changed on disk while there were unsaved changes to it.
#[derive(Debug)]
struct Conflict {
    file: WorkspaceFile,
    /// The file, as the user knows it.
    what: String,
    deleted: bool,
    /// What differs, as a merge would take it.
    differences: String,
}

#[derive(Debug)]
struct ReviewPrompt {
    /// Each annotator and whether they are compared.
    annotators: Vec<(String, bool)>,
    /// Documents that already have a curated file.
    curated: usize,
}

/// Which dialogs are open, and what is typed in them.
/// A message to read, with perhaps a button offering what to do about it.
#[derive(Debug)]
struct Notice {
    title: String,
    text: String,
    offer: Option<(String, Action)>,
}

#[derive(Debug, Default)]
pub struct Dialogs {
    /// Something the user must read before going on: a title and the text.
    notice: Option<Notice>,
    /// Files changed on disk while changed here, oldest first: asked one at a time.
    conflicts: Vec<Conflict>,
    /// What re-anchoring a document did: its name and the plan carried out.
    reanchored: Option<(String, Plan)>,
    review_prompt: Option<ReviewPrompt>,
    /// Annotators who have annotated a project opened by someone who has not.
    others_prompt: Option<Vec<String>>,
    /// The project is in this git work tree, which is not set up for Accord: offered, not
    /// asked (the window goes on working while it shows).
    git_offer: Option<std::path::PathBuf>,
    /// The annotator-name prompt is open, with what is typed so far.
    name_prompt: Option<NamePrompt>,
    close_prompt: bool,
    shortcuts: bool,
    /// The getting-started guide is shown.
    guide: bool,
    kind_menu: Option<KindMenu>,
    delete_prompt: Option<DeletePrompt>,
}

/// The annotator-name prompt: what is typed so far, and whether a name is being changed
/// (which can be cancelled) rather than given on first start.
#[derive(Debug)]
struct NamePrompt {
    field: TextField,
    changing: bool,
}

impl Dialogs {
    /// True while a modal dialog takes the keyboard.
    pub fn is_modal_open(&self) -> bool {
        self.name_prompt.is_some()
            || self.close_prompt
            || self.kind_menu.is_some()
            || self.delete_prompt.is_some()
            || self.review_prompt.is_some()
            || !self.conflicts.is_empty()
            || self.notice.is_some()
            || self.others_prompt.is_some()
    }

    /// Tells the user something they must read (what was recovered after a crash).
    pub fn notify(&mut self, title: impl Into<String>, text: impl Into<String>) {
        self.notice = Some(Notice {
            title: title.into(),
            text: text.into(),
            offer: None,
        });
    }

    /// Like [`Self::notify`], with a button that asks for `action`.
    pub fn notify_with_offer(
        &mut self,
        title: impl Into<String>,
        text: impl Into<String>,
        button: impl Into<String>,
        action: Action,
    ) {
        self.notice = Some(Notice {
            title: title.into(),
            text: text.into(),
            offer: Some((button.into(), action)),
        });
    }

    /// Asks what to do about `file`, changed on disk while changed here.
    pub fn ask_conflict(
        &mut self,
        file: WorkspaceFile,
        what: String,
        deleted: bool,
        differences: String,
    ) {
        self.drop_conflict(file);
        self.conflicts.push(Conflict {
            file,
            what,
            deleted,
            differences,
        });
    }

    /// `file` is no longer in conflict (it was put back on disk).
    pub fn drop_conflict(&mut self, file: WorkspaceFile) {
        self.conflicts.retain(|c| c.file != file);
    }

    /// Shows what re-anchoring `document` did.
    pub fn show_reanchored(&mut self, document: String, plan: Plan) {
        self.reanchored = Some((document, plan));
    }

    /// Asks which annotators a review compares (all checked at first).
    pub fn ask_review(&mut self, annotators: Vec<String>, curated: usize) {
        self.review_prompt = Some(ReviewPrompt {
            annotators: annotators.into_iter().map(|a| (a, true)).collect(),
            curated,
        });
    }

    /// Says that `annotators` have annotated the project just opened, and offers to show them.
    pub fn offer_others(&mut self, annotators: Vec<String>) {
        self.others_prompt = Some(annotators);
    }

    /// Offers to set up the git work tree at `root` for the project (non-modal).
    pub fn offer_git_setup(&mut self, root: std::path::PathBuf) {
        self.git_offer = Some(root);
    }

    /// Takes the git offer away (it was taken up, or the project closed).
    pub fn close_git_offer(&mut self) {
        self.git_offer = None;
    }

    /// Asks which kind, of those that fit, a relation or link gets.
    pub fn choose_kind(&mut self, title: String, kinds: Vec<String>, then: KindChoice) {
        self.kind_menu = Some(KindMenu { title, kinds, then });
    }

    /// Asks before deleting an annotation that others depend on.
    pub fn confirm_delete(&mut self, doc: DocId, id: AnnotationId, what: String, ties: Ties) {
        self.delete_prompt = Some(DeletePrompt {
            doc,
            id,
            what,
            ties,
        });
    }

    /// Asks who is annotating: on first start (`current` is `None`), or to change the name.
    pub fn ask_name(&mut self, current: Option<&str>) {
        self.name_prompt.get_or_insert_with(|| NamePrompt {
            field: TextField::singleline(current.unwrap_or("")).labelled("Your name"),
            changing: current.is_some(),
        });
    }

    /// The name was accepted.
    pub fn close_name_prompt(&mut self) {
        self.name_prompt = None;
    }

    /// Asks what to do with unsaved changes before closing.
    pub fn ask_close(&mut self) {
        self.close_prompt = true;
    }

    /// The unsaved-changes prompt was answered.
    pub fn close_close_prompt(&mut self) {
        self.close_prompt = false;
    }

    /// Shows or hides the keyboard shortcuts.
    pub fn toggle_shortcuts(&mut self) {
        self.shortcuts = !self.shortcuts;
    }

    /// Shows the getting-started guide.
    pub fn show_guide(&mut self) {
        self.guide = true;
    }

    /// Hides the keyboard shortcuts or the guide, whichever is shown; true if one was.
    pub fn close_overlay(&mut self) -> bool {
        std::mem::take(&mut self.shortcuts) || std::mem::take(&mut self.guide)
    }

    /// Draws whatever is open.
    pub fn ui(&mut self, ctx: &egui::Context, cx: &mut ViewContext<'_>) {
        if let Some(NamePrompt { field, changing }) = &mut self.name_prompt {
            let (mut done, mut cancelled) = (false, false);
            egui::Modal::new(Id::unique("annotator name")).show(ctx, |ui| {
                ui.heading("Who is annotating?");
                ui.label("Your annotations are saved under annotations/<name>/ in each project.");
                if *changing {
                    ui.label("Under another name, the project reopens with that name's annotations; yours stay saved under your name.");
                }
                let id = ui.make_persistent_id("annotator name field");
                let out = field.ui(ui, cx.engine, id, 240.0, "e.g. aigerim");
                if ui.memory(|m| m.focused().is_none()) {
                    out.response.request_focus();
                }
                let named = !field.text().trim().is_empty();
                ui.horizontal(|ui| {
                    if (ui.button("Start annotating").clicked() || out.submitted) && named {
                        done = true;
                    }
                    if *changing && ui.button("Cancel").clicked() {
                        cancelled = true;
                    }
                });
                if *changing && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    cancelled = true;
                }
            });
            if done {
                cx.send(Action::SetAnnotator(field.text()));
            }
            if cancelled {
                self.name_prompt = None;
            }
        }
        if self.close_prompt {
            let dirty = cx.state.workspace.as_ref().map_or(0, |ws| ws.dirty_count());
            egui::Modal::new(Id::unique("unsaved changes")).show(ctx, |ui| {
                ui.heading("Unsaved changes");
                ui.label(format!(
                    "{dirty} document(s) have changes that are not saved yet."
                ));
                if let Some(e) = &cx.state.status.save_error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                ui.horizontal(|ui| {
                    for (title, answer) in [
                        ("Save and close", CloseAnswer::SaveAndClose),
                        ("Close without saving", CloseAnswer::Discard),
                        ("Cancel", CloseAnswer::Cancel),
                    ] {
                        if ui.button(title).clicked() {
                            cx.send(Action::AnswerClose(answer));
                        }
                    }
                });
            });
        }
        self.kind_menu_ui(ctx, cx);
        self.delete_prompt_ui(ctx, cx);
        self.review_prompt_ui(ctx, cx);
        self.conflict_ui(ctx, cx);
        self.notice_ui(ctx, cx);
        self.reanchored_ui(ctx);
        self.others_prompt_ui(ctx, cx);
        self.git_offer_ui(ctx, cx);
        if self.shortcuts {
            let mut open = true;
            egui::Window::new("Keyboard shortcuts")
                .open(&mut open)
                .collapsible(false)
                .default_width(520.0)
                .show(ctx, |ui| shortcuts_ui(ui, cx));
            self.shortcuts = open;
        }
        // The guide waits for the questions of a first start (the name, the others' work).
        if self.guide && !self.is_modal_open() {
            let mut open = true;
            let default;
            let schema = match &cx.state.workspace {
                Some(ws) => &*ws.project.schema,
                None => {
                    default = crate::schema::Schema::default_schema();
                    &default
                }
            };
            egui::Window::new("Getting started")
                .open(&mut open)
                .collapsible(false)
                .default_width(460.0)
                .show(ctx, |ui| super::guide::guide_ui(ui, schema));
            self.guide = open;
        }
    }
}

impl Dialogs {
    fn kind_menu_ui(&mut self, ctx: &egui::Context, cx: &mut ViewContext<'_>) {
        let Some(menu) = &self.kind_menu else { return };
        let mut chosen: Option<String> = None;
        let mut cancel = false;
        let description = |kind: &str| {
            cx.state.workspace.as_ref().map_or(String::new(), |ws| {
                let schema = &ws.project.schema;
                schema
                    .relation(kind)
                    .map(|r| r.description.clone())
                    .or_else(|| {
                        schema
                            .cross_document
                            .iter()
                            .find(|k| k.name == kind)
                            .map(|k| k.description.clone())
                    })
                    .unwrap_or_default()
            })
        };
        egui::Modal::new(Id::unique("choose kind")).show(ctx, |ui| {
            ui.heading(&menu.title);
            ui.label("Several kinds fit. Choose one (or press its number):");
            for (i, kind) in menu.kinds.iter().enumerate() {
                let key = i + 1;
                if ui
                    .button(format!("{key}  {kind}"))
                    .on_hover_text(description(kind))
                    .clicked()
                {
                    chosen = Some(kind.clone());
                }
            }
            if ui.button("Cancel").clicked() {
                cancel = true;
            }
            ui.input(|i| {
                for (n, key) in [Key::Num1, Key::Num2, Key::Num3, Key::Num4, Key::Num5]
                    .into_iter()
                    .enumerate()
                {
                    if i.key_pressed(key) && n < menu.kinds.len() {
                        chosen = Some(menu.kinds[n].clone());
                    }
                }
                cancel |= i.key_pressed(Key::Escape);
            });
        });
        if let Some(kind) = chosen {
            match menu.then.clone() {
                KindChoice::Relation { doc, from, to } => cx.send(Action::AddRelation {
                    doc,
                    kind,
                    from,
                    to,
                }),
                KindChoice::Group { a, b } => cx.send(Action::LinkAcross { a, b, kind }),
            }
            self.kind_menu = None;
        } else if cancel {
            self.kind_menu = None;
        }
    }

    fn delete_prompt_ui(&mut self, ctx: &egui::Context, cx: &mut ViewContext<'_>) {
        let Some(prompt) = &self.delete_prompt else {
            return;
        };
        let mut answer = None;
        egui::Modal::new(Id::unique("delete tied annotation")).show(ctx, |ui| {
            ui.heading(format!("Delete {}?", prompt.what));
            let t = prompt.ties;
            let mut parts = Vec::new();
            if t.references > 0 {
                parts.push(format!(
                    "it is the value of {} attribute(s) (a commitment's actors, target or deadline)",
                    t.references
                ));
            }
            if t.relations > 0 {
                parts.push(format!("it is an end of {} relation(s)", t.relations));
            }
            if t.groups > 0 {
                parts.push(format!(
                    "it is a member of {} thread(s) across documents",
                    t.groups
                ));
            }
            ui.label(format!(
                "{}. Deleting it removes those too; Ctrl+Z brings everything back.",
                capitalise(&parts.join("; "))
            ));
            ui.horizontal(|ui| {
                if ui.button("Delete").clicked() || ui.input(|i| i.key_pressed(Key::Enter)) {
                    answer = Some(true);
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(Key::Escape)) {
                    answer = Some(false);
                }
            });
        });
        if let Some(delete) = answer {
            if delete {
                cx.send(Action::Delete {
                    doc: prompt.doc,
                    id: prompt.id,
                });
            }
            self.delete_prompt = None;
        }
    }
}

impl Dialogs {
    fn review_prompt_ui(&mut self, ctx: &egui::Context, cx: &mut ViewContext<'_>) {
        let Some(prompt) = &mut self.review_prompt else {
            return;
        };
        let mut answer = None;
        egui::Modal::new(Id::unique("start review")).show(ctx, |ui| {
            ui.heading("Review: compare annotators");
            ui.label("Their annotations are shown side by side as items to decide: all agree, label conflict, boundary conflict, or only some annotators. Version k is annotator k in this list.");
            for (k, (name, on)) in prompt.annotators.iter_mut().enumerate() {
                ui.checkbox(on, format!("{}  {name}", k + 1));
            }
            let reviewer = cx.state.annotator();
            ui.label(format!(
                "Decisions go to the curated set (annotations/curated/), with you ({reviewer}) as reviewer, the time, and who proposed each version."
            ));
            if prompt.curated > 0 {
                ui.label(format!(
                    "The existing curated set ({} document(s)) is continued: what was decided stays decided.",
                    prompt.curated
                ));
            }
            ui.horizontal(|ui| {
                let chosen: Vec<String> = prompt
                    .annotators
                    .iter()
                    .filter(|(_, on)| *on)
                    .map(|(a, _)| a.clone())
                    .collect();
                if ui
                    .add_enabled(!chosen.is_empty(), egui::Button::new("Start review"))
                    .clicked()
                    || (ui.input(|i| i.key_pressed(Key::Enter)) && !chosen.is_empty())
                {
                    answer = Some(Some(chosen));
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(Key::Escape)) {
                    answer = Some(None);
                }
            });
        });
        if let Some(answer) = answer {
            if let Some(annotators) = answer {
                cx.send(Action::StartReview { annotators });
            }
            self.review_prompt = None;
        }
    }

    fn conflict_ui(&mut self, ctx: &egui::Context, cx: &mut ViewContext<'_>) {
        let Some(conflict) = self.conflicts.first() else {
            return;
        };
        let mut answer = None;
        egui::Modal::new(Id::unique("changed on disk")).show(ctx, |ui| {
            ui.heading(format!("{} changed on disk", conflict.what));
            ui.label(if conflict.deleted {
                "Someone deleted the file (a git pull, a colleague, Accord on another machine) while you have unsaved changes to it."
            } else {
                "Someone changed the file (a git pull, a colleague, Accord on another machine) while you have unsaved changes to it."
            });
            ui.label(format!("What differs: {}.", conflict.differences));
            ui.label("Nothing is overwritten until you choose; saving this file waits.");
            ui.horizontal(|ui| {
                for (title, how, hover) in [
                    ("Merge", Resolution::Merge, "Take what only they changed, keep what only you changed; where both changed the same annotation, yours wins"),
                    ("Keep mine", Resolution::KeepMine, "Your version is saved over theirs"),
                    ("Reload", Resolution::Reload, "Drop your unsaved changes to this file and load theirs"),
                ] {
                    if ui.button(title).on_hover_text(hover).clicked() {
                        answer = Some(how);
                    }
                }
            });
        });
        if let Some(how) = answer {
            let file = conflict.file;
            cx.send(Action::Resolve { file, how });
            self.conflicts.remove(0);
        }
    }

    fn notice_ui(&mut self, ctx: &egui::Context, cx: &mut ViewContext<'_>) {
        let Some(notice) = &self.notice else {
            return;
        };
        let mut done = false;
        egui::Modal::new(Id::unique("notice")).show(ctx, |ui| {
            ui.set_max_width(560.0);
            ui.heading(&notice.title);
            ui.label(&notice.text);
            ui.horizontal(|ui| {
                if let Some((button, action)) = &notice.offer
                    && ui.button(button).clicked()
                {
                    cx.send(action.clone());
                    done = true;
                }
                done |= ui.button("OK").clicked()
                    || ui.input(|i| i.key_pressed(Key::Enter) || i.key_pressed(Key::Escape));
            });
        });
        if done {
            self.notice = None;
        }
    }

    fn reanchored_ui(&mut self, ctx: &egui::Context) {
        let Some((document, plan)) = &self.reanchored else {
            return;
        };
        let mut open = true;
        egui::Window::new(format!("Re-anchored {document}"))
            .open(&mut open)
            .collapsible(false)
            .default_width(560.0)
            .show(ctx, |ui| {
                ui.label(format!(
                    "{} annotation(s) moved to where their text is now; {} could not be placed and stay where they were (nothing was deleted). Ctrl+Z undoes the move.",
                    plan.moved.len(),
                    plan.unplaced.len()
                ));
                egui::ScrollArea::vertical().max_height(420.0).show(ui, |ui| {
                    egui::Grid::new("reanchored").striped(true).num_columns(4).show(ui, |ui| {
                        let ranges = |rs: &[crate::model::CharRange]| {
                            rs.iter()
                                .map(|r| format!("{}–{}", r.start, r.end))
                                .collect::<Vec<_>>()
                                .join(", ")
                        };
                        for m in &plan.moved {
                            ui.label(format!("{} #{}", m.label, m.id.0));
                            ui.label(&m.text);
                            ui.label(format!("{} → {}", ranges(&m.from), ranges(&m.to)));
                            ui.label(
                                RichText::new(match m.how {
                                    MatchKind::Exact => "exact match",
                                    MatchKind::Tolerant => "tolerant match",
                                })
                                .weak(),
                            );
                            ui.end_row();
                        }
                        for u in &plan.unplaced {
                            ui.label(format!("{} #{}", u.label, u.id.0));
                            ui.label(&u.text);
                            ui.label(ranges(&u.at));
                            ui.colored_label(ui.visuals().warn_fg_color, &u.reason);
                            ui.end_row();
                        }
                    });
                });
            });
        if !open {
            self.reanchored = None;
        }
    }

    fn others_prompt_ui(&mut self, ctx: &egui::Context, cx: &mut ViewContext<'_>) {
        let Some(others) = &self.others_prompt else {
            return;
        };
        let mut answer = None;
        egui::Modal::new(Id::unique("others annotated")).show(ctx, |ui| {
            ui.heading("Others have annotated this project");
            ui.label(format!(
                "You ({}) have no annotations here yet; {} {} annotated these documents. Show their annotations next to yours? They are read-only and never written to your files; each pane's Layers menu shows or hides them.",
                cx.state.annotator(),
                others.join(", "),
                if others.len() == 1 { "has" } else { "have" }
            ));
            ui.horizontal(|ui| {
                if ui.button("Show them").clicked() || ui.input(|i| i.key_pressed(Key::Enter)) {
                    answer = Some(true);
                }
                if ui.button("Not now").clicked() || ui.input(|i| i.key_pressed(Key::Escape)) {
                    answer = Some(false);
                }
            });
        });
        if let Some(show) = answer {
            if show {
                cx.send(Action::ShowOthers);
            }
            self.others_prompt = None;
        }
    }
}

impl Dialogs {
    /// The offer to set up git: a small window in a corner, over the work, never in its way.
    fn git_offer_ui(&mut self, ctx: &egui::Context, cx: &mut ViewContext<'_>) {
        let Some(root) = &self.git_offer else {
            return;
        };
        let mut close = false;
        egui::Window::new("Team work through git")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-12.0, -36.0))
            .default_width(380.0)
            .show(ctx, |ui| {
                ui.label(format!(
                    "This project is in the git work tree {}, which does not yet diff and merge annotation files by annotation: `git diff` shows RON lines, and journals and locks could be committed.",
                    root.display()
                ));
                ui.horizontal(|ui| {
                    if ui
                        .button("Set up git")
                        .on_hover_text("Write .gitattributes and .gitignore and register Accord's diff and merge drivers in this repository (as `accord git setup` does)")
                        .clicked()
                    {
                        cx.send(Action::Run(Command::SetUpGit));
                        close = true;
                    }
                    if ui.button("Not now").clicked() {
                        close = true;
                    }
                });
            });
        if close {
            self.git_offer = None;
        }
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn shortcuts_ui(ui: &mut egui::Ui, cx: &ViewContext<'_>) {
    egui::ScrollArea::vertical()
        .max_height(560.0)
        .show(ui, |ui| {
            egui::Grid::new("shortcuts")
                .striped(true)
                .num_columns(2)
                .show(ui, |ui| {
                    for menu in Menu::ALL.into_iter().map(Some).chain([None]) {
                        ui.label(
                            RichText::new(menu.map_or("Resize the selected span", Menu::title))
                                .strong(),
                        );
                        ui.end_row();
                        for &command in Command::ALL.iter().filter(|c| c.menu() == menu) {
                            let keys: Vec<String> = command
                                .shortcuts()
                                .iter()
                                .map(|s| shortcut_text(ui.ctx(), s))
                                .collect();
                            ui.label(command.title());
                            ui.label(RichText::new(keys.join("  or  ")).monospace());
                            ui.end_row();
                        }
                    }
                    ui.label(RichText::new("Labels").strong());
                    ui.end_row();
                    if let Some(ws) = &cx.state.workspace {
                        for (i, label) in ws.project.schema.labels.iter().enumerate() {
                            let mut keys = Vec::new();
                            if let Some(h) = label.hotkey {
                                keys.push(h.to_string());
                            }
                            if i < 9 {
                                keys.push((i + 1).to_string());
                            }
                            ui.label(format!("Label selection as {}", label.name));
                            ui.label(RichText::new(keys.join("  or  ")).monospace());
                            ui.end_row();
                        }
                    }
                    ui.label(RichText::new("Mouse").strong());
                    ui.end_row();
                    for (what, how) in [
                        ("Select text (snaps to words)", "drag"),
                        ("Select exact characters", "Alt+drag"),
                        ("Add a fragment to the selected span", "Ctrl+drag"),
                        ("Select a span; again to cycle stacked spans", "click"),
                        ("Relate two spans", "Shift+drag from one to the other"),
                    ] {
                        ui.label(what);
                        ui.label(RichText::new(how).monospace());
                        ui.end_row();
                    }
                });
        });
}
