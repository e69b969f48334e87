//! File → Export… and File → Import…: one modal dialog with the options of `accord export`
//! and `accord import`, then a progress bar with a Cancel button while the work runs on a
//! worker thread ([`Job`]), then what was written and what was lost or could not be mapped.
//! The dialog keeps its form and the running job; starting, cancelling and finishing are
//! actions ([`ExchangeRequest`]) that `apply/exchange.rs` carries out.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use egui::{Id, Key, RichText, Ui};

use crate::formats::{
    AnnotationSource, ExportOptions, Format, ImportOptions, Loss, Output, SourceKind, UnknownNames,
    count_losses,
};
use crate::project::CURATED;
use crate::ui::action::{Action, ViewContext};
use crate::ui::exchange::{Direction, ExchangeRequest, Job, Outcome};
use crate::ui::state::AppState;
use crate::ui::text::{TextEngine, text_block, text_line};
use crate::ui::text_field::TextField;

/// How many lines of one kind of loss the summary lists.
const SHOWN_PER_KIND: usize = 200;
/// Width of the dialog's content.
const WIDTH: f32 = 600.0;
/// Width of a path field.
const PATH_WIDTH: f32 = 430.0;

/// A typed path: `~/` is the home folder, a relative path is inside `base`.
fn resolve(base: &Path, typed: &str) -> PathBuf {
    let typed = typed.trim();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let path = match (typed.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(typed),
    };
    if path.is_relative() {
        base.join(path)
    } else {
        path
    }
}

/// Whose annotations an export can take.
#[derive(Debug, Clone)]
struct SourceChoice {
    source: AnnotationSource,
    /// The name in file names (`aigerim`, `curated`).
    name: String,
    title: String,
}

#[derive(Debug)]
struct ExportForm {
    root: PathBuf,
    format: Format,
    sources: Vec<SourceChoice>,
    source: usize,
    documents: Vec<(String, Option<String>, bool)>,
    all_documents: bool,
    labels: Vec<(String, bool)>,
    all_labels: bool,
    out: TextField,
    /// The path the form suggested last: replaced when the format or annotator changes,
    /// unless the user typed another.
    suggested: String,
    /// For the curated set: export the documents with no decision yet too.
    include_undecided: bool,
    /// While reviewing: the documents with no decision yet.
    undecided: Option<Vec<String>>,
}

impl ExportForm {
    fn new(state: &AppState, last: Option<&ExportForm>) -> Option<ExportForm> {
        let ws = state.workspace.as_ref()?;
        let root = ws
            .project
            .root
            .canonicalize()
            .unwrap_or_else(|_| ws.project.root.clone());
        let me = ws.annotator.clone();
        let found = ws.project.annotators();
        let mut sources = Vec::new();
        if me != CURATED {
            let title = if found.contains(&me) || ws.is_dirty() {
                format!("{me} (you)")
            } else {
                format!("{me} (you; nothing saved yet)")
            };
            sources.push(SourceChoice {
                source: AnnotationSource::Annotator(me.clone()),
                name: me.clone(),
                title,
            });
        }
        for name in found.iter().filter(|n| **n != me && *n != CURATED) {
            sources.push(SourceChoice {
                source: AnnotationSource::Annotator(name.clone()),
                name: name.clone(),
                title: name.clone(),
            });
        }
        if found.iter().any(|n| n == CURATED) || me == CURATED {
            let curated = SourceChoice {
                source: AnnotationSource::Curated,
                name: CURATED.to_owned(),
                title: "the curated gold set (accepted and edited)".to_owned(),
            };
            // While reviewing, the set being curated comes first.
            if me == CURATED {
                sources.insert(0, curated);
            } else {
                sources.push(curated);
            }
        }
        let documents = ws
            .project
            .documents
            .iter()
            .map(|d| (d.file().to_owned(), d.entry.title.clone(), true))
            .collect();
        let labels = ws
            .project
            .schema
            .labels
            .iter()
            .map(|l| (l.name.clone(), true))
            .collect();
        // While reviewing, the curated set is the workspace: which documents have a decision.
        let undecided = (me == CURATED).then(|| {
            ws.doc_ids()
                .filter(|d| {
                    ws.store(*d)
                        .annotations()
                        .all(|a| a.review.state == crate::model::ReviewState::Pending)
                })
                .map(|d| ws.file_name(d).to_owned())
                .collect()
        });
        let mut form = ExportForm {
            root,
            format: Format::Jsonl,
            sources,
            source: 0,
            documents,
            all_documents: true,
            labels,
            all_labels: true,
            out: TextField::singleline(""),
            suggested: String::new(),
            include_undecided: false,
            undecided,
        };
        // The same project again: the last choices of format, annotator and path.
        if let Some(last) = last.filter(|l| l.root == form.root) {
            form.format = last.format;
            let name = last.sources.get(last.source).map(|s| &s.name);
            form.source = form
                .sources
                .iter()
                .position(|s| Some(&s.name) == name)
                .unwrap_or(0);
            let typed = last.out.text();
            if typed != last.suggested {
                form.out = TextField::singleline(&typed).labelled("Save to");
            }
        }
        form.suggest();
        Some(form)
    }

    /// The suggested output: beside the project folder, named after it, the annotator and
    /// the format.
    fn suggestion(&self) -> String {
        let parent = self.root.parent().unwrap_or(&self.root);
        let project = self.root.file_name().map_or_else(
            || "project".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        let who = self
            .sources
            .get(self.source)
            .map_or("annotations", |s| s.name.as_str());
        let name = match self.format.spec().output {
            Output::File { extension } => format!("{project}-{who}.{extension}"),
            Output::Folder => format!("{project}-{who}-{}", self.format.name()),
        };
        parent.join(name).display().to_string()
    }

    fn suggest(&mut self) {
        let new = self.suggestion();
        let typed = self.out.text();
        if typed.is_empty() || typed == self.suggested {
            self.out = TextField::singleline(&new).labelled("Save to");
        }
        self.suggested = new;
    }

    fn out_path(&self) -> PathBuf {
        resolve(&self.root, &self.out.text())
    }

    /// The options, or why the form is not ready.
    fn options(&self) -> Result<ExportOptions, String> {
        let Some(source) = self.sources.get(self.source) else {
            return Err("This project has no annotations to export yet".into());
        };
        if self.out.text().trim().is_empty() {
            return Err("Give the file or folder to write".into());
        }
        let out = self.out_path();
        if self.format.is_single_file() && out.is_dir() {
            return Err(format!(
                "{} is a folder; {} writes one file: give a file name",
                out.display(),
                self.format.title()
            ));
        }
        if !self.format.is_single_file() && out.is_file() {
            return Err(format!(
                "{} is a file; {} writes a folder: give a folder",
                out.display(),
                self.format.title()
            ));
        }
        let documents: Vec<String> = if self.all_documents {
            Vec::new()
        } else {
            self.documents
                .iter()
                .filter(|d| d.2)
                .map(|d| d.0.clone())
                .collect()
        };
        if !self.all_documents && documents.is_empty() {
            return Err("Tick at least one document".into());
        }
        let labels: Vec<String> = if self.all_labels {
            Vec::new()
        } else {
            self.labels
                .iter()
                .filter(|l| l.1)
                .map(|l| l.0.clone())
                .collect()
        };
        if !self.all_labels && labels.is_empty() {
            return Err("Tick at least one label".into());
        }
        Ok(ExportOptions {
            format: self.format,
            out,
            source: source.source.clone(),
            documents,
            labels,
            include_undecided: self.include_undecided,
        })
    }

    fn ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>) {
        let before = (self.format, self.source);
        section(ui, "Format");
        egui::Grid::new("export formats")
            .num_columns(2)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                for format in Format::ALL {
                    ui.radio_value(&mut self.format, format, format.title());
                    ui.weak(format.spec().writes);
                    ui.end_row();
                }
            });

        section(ui, "Annotations of");
        if self.sources.is_empty() {
            ui.label("No annotator has annotations in this project yet.");
        }
        ui.horizontal_wrapped(|ui| {
            for (i, s) in self.sources.iter().enumerate() {
                ui.radio_value(&mut self.source, i, s.title.as_str());
            }
        });

        section(ui, "Documents");
        ui.horizontal(|ui| {
            let n = self.documents.len();
            ui.radio_value(&mut self.all_documents, true, format!("All {n}"));
            ui.radio_value(&mut self.all_documents, false, "Only these:");
        });
        if !self.all_documents {
            egui::ScrollArea::vertical()
                .id_salt("export documents")
                .max_height(120.0)
                .show(ui, |ui| {
                    for (file, title, picked) in &mut self.documents {
                        let text = match title {
                            Some(t) => format!("{file} — {t}"),
                            None => file.clone(),
                        };
                        ui.checkbox(picked, text);
                    }
                });
        }

        let curated = self
            .sources
            .get(self.source)
            .is_some_and(|s| s.source == AnnotationSource::Curated);
        if curated {
            let left_out = match &self.undecided {
                Some(files) if files.is_empty() => {
                    "Every document has a decision in the curated set.".to_owned()
                }
                Some(files) => format!(
                    "{} with no decision yet {} left out, so that training never reads “no entities” where nobody looked: {}.",
                    count(files.len(), "document", "documents"),
                    if files.len() == 1 { "is" } else { "are" },
                    files.join(", ")
                ),
                None => "Documents with no decision in the curated set yet are left out, so that training never reads “no entities” where nobody looked.".to_owned(),
            };
            ui.label(left_out);
            ui.checkbox(
                &mut self.include_undecided,
                "Export them too, as documents without spans",
            );
        }

        section(ui, "Labels");
        ui.horizontal(|ui| {
            ui.radio_value(&mut self.all_labels, true, "All labels");
            ui.radio_value(&mut self.all_labels, false, "Only these:");
        });
        if !self.all_labels {
            ui.horizontal_wrapped(|ui| {
                for (name, picked) in &mut self.labels {
                    ui.checkbox(picked, name.as_str());
                }
            });
        }

        if (self.format, self.source) != before {
            self.suggest();
        }

        section(ui, "Save to");
        ui.horizontal(|ui| {
            let id = ui.make_persistent_id("export out");
            let hint = if self.format.is_single_file() {
                "a file"
            } else {
                "a folder"
            };
            self.out.ui(ui, cx.engine, id, PATH_WIDTH, hint);
            if ui.button("Choose…").clicked()
                && let Some(path) = self.choose_out()
            {
                self.out = TextField::singleline(&path.display().to_string()).labelled("Save to");
            }
        });
        let out = self.out_path();
        ui.weak(match (self.format.is_single_file(), out.exists()) {
            (true, true) => "This file exists: it is replaced.",
            (true, false) => "A new file.",
            (false, true) => "This folder exists: files of the same names in it are replaced.",
            (false, false) => "A new folder, with the files in it.",
        });

        ui.add_space(6.0);
        let dirty = cx.state.workspace.as_ref().map_or(0, |ws| ws.dirty_count());
        ui.label(if dirty > 0 {
            format!("{}: saved before the export.", unsaved(dirty))
        } else {
            "All changes are saved: the export reads the saved annotations.".to_owned()
        });
    }

    fn choose_out(&self) -> Option<PathBuf> {
        let out = self.out_path();
        let mut dialog = rfd::FileDialog::new().set_title("Export to");
        if let Some(dir) = out.parent().filter(|d| d.is_dir()) {
            dialog = dialog.set_directory(dir);
        }
        match self.format.spec().output {
            Output::File { extension: ext } => {
                if let Some(name) = out.file_name() {
                    dialog = dialog.set_file_name(name.to_string_lossy());
                }
                dialog.add_filter(self.format.title(), &[ext]).save_file()
            }
            Output::Folder => dialog.pick_folder(),
        }
    }
}

#[derive(Debug)]
struct ImportForm {
    /// The open project (relative paths are inside it), if one is open.
    base: PathBuf,
    format: Format,
    source: TextField,
    into: TextField,
    annotator: TextField,
    me: String,
    unknown: UnknownNames,
    force: bool,
}

impl ImportForm {
    fn new(state: &AppState, last: Option<ImportForm>) -> ImportForm {
        let root = state.workspace.as_ref().map(|ws| {
            ws.project
                .root
                .canonicalize()
                .unwrap_or_else(|_| ws.project.root.clone())
        });
        let base = root
            .clone()
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        let me = state.annotator().to_owned();
        let into = root.map(|r| r.display().to_string()).unwrap_or_default();
        match last {
            // Again: what was chosen, into the project open now.
            Some(mut last) => {
                last.into = TextField::singleline(&into).labelled("Into project");
                last.base = base;
                last.me = me;
                last
            }
            None => ImportForm {
                base,
                format: Format::Brat,
                source: TextField::singleline("").labelled("Source"),
                into: TextField::singleline(&into).labelled("Into project"),
                annotator: TextField::singleline(&me).labelled("Import as annotator"),
                me,
                unknown: UnknownNames::Refuse,
                force: false,
            },
        }
    }

    fn options(&self) -> Result<ImportOptions, String> {
        if self.source.text().trim().is_empty() {
            return Err("Choose what to import".into());
        }
        let source = resolve(&self.base, &self.source.text());
        if !source.exists() {
            return Err(format!("{} does not exist", source.display()));
        }
        let kind = self.source_kind();
        if !kind.takes_file() && !source.is_dir() {
            return Err(format!(
                "{} is imported from a folder: choose the folder",
                self.format.title()
            ));
        }
        if !kind.takes_folder() && !source.is_file() {
            return Err(format!(
                "{} is imported from a file: choose the file",
                self.format.title()
            ));
        }
        if self.into.text().trim().is_empty() {
            return Err("Give the project folder to import into".into());
        }
        let into = resolve(&self.base, &self.into.text());
        if into.is_file() {
            return Err(format!(
                "{} is a file, not a project folder",
                into.display()
            ));
        }
        let annotator = self.annotator.text().trim().to_owned();
        crate::project::check_annotator_name(&annotator)?;
        Ok(ImportOptions {
            format: self.format,
            source,
            into,
            annotator,
            unknown: self.unknown,
            force: self.force,
        })
    }

    fn ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>) {
        section(ui, "Format");
        egui::Grid::new("import formats")
            .num_columns(2)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                for format in Format::ALL.into_iter().filter(|f| f.can_import()) {
                    ui.radio_value(&mut self.format, format, format.title());
                    ui.weak(format.import().map_or("", |i| i.reads));
                    ui.end_row();
                }
            });

        section(ui, "Source");
        ui.horizontal(|ui| {
            let id = ui.make_persistent_id("import source");
            let kind = self.source_kind();
            let hint = if kind.takes_file() {
                "a file"
            } else {
                "a folder"
            };
            self.source.ui(ui, cx.engine, id, PATH_WIDTH, hint);
            if ui.button("Choose…").clicked()
                && let Some(path) = self.choose_source(!kind.takes_file())
            {
                self.source = TextField::singleline(&path.display().to_string()).labelled("Source");
            }
            if kind.takes_file()
                && kind.takes_folder()
                && ui.button("Folder…").clicked()
                && let Some(path) = self.choose_source(true)
            {
                self.source = TextField::singleline(&path.display().to_string()).labelled("Source");
            }
        });

        section(ui, "Into project");
        ui.horizontal(|ui| {
            let id = ui.make_persistent_id("import into");
            self.into
                .ui(ui, cx.engine, id, PATH_WIDTH, "a project folder");
            if ui.button("Choose…").clicked()
                && let Some(path) = rfd::FileDialog::new()
                    .set_title("Import into the project folder")
                    .set_directory(&self.base)
                    .pick_folder()
            {
                self.into =
                    TextField::singleline(&path.display().to_string()).labelled("Into project");
            }
        });
        let into = resolve(&self.base, &self.into.text());
        let open_now = cx
            .state
            .workspace
            .as_ref()
            .and_then(|ws| ws.project.root.canonicalize().ok())
            .is_some_and(|r| into.canonicalize().is_ok_and(|i| i == r));
        ui.weak(if open_now {
            "The project open now. It is reopened when the import is done."
        } else if into.is_dir() {
            "Another project: it is opened when the import is done."
        } else {
            "A new project folder: created, and opened when the import is done."
        });

        section(ui, "Import as annotator");
        ui.horizontal(|ui| {
            let id = ui.make_persistent_id("import annotator");
            self.annotator.ui(ui, cx.engine, id, 200.0, "a name");
            let name = self.annotator.text();
            if name.trim() != self.me {
                ui.weak(format!("you annotate as {}", self.me));
            }
        });

        section(ui, "Labels the schema lacks");
        ui.horizontal(|ui| {
            ui.radio_value(
                &mut self.unknown,
                UnknownNames::Refuse,
                "Refuse the import, naming them",
            );
            ui.radio_value(
                &mut self.unknown,
                UnknownNames::Add,
                "Add them to the schema",
            );
        });

        ui.add_space(4.0);
        ui.checkbox(&mut self.force, "Replace existing annotation files");
        if self.force {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "The annotator's annotation files for the imported documents are replaced: \
                 the annotations in them now are lost.",
            );
        }

        ui.add_space(6.0);
        let dirty = cx.state.workspace.as_ref().map_or(0, |ws| ws.dirty_count());
        if dirty > 0 {
            ui.label(format!("{}: saved before the import.", unsaved(dirty)));
        }
    }

    /// What the chosen format imports from.
    fn source_kind(&self) -> SourceKind {
        self.format
            .import()
            .map_or(SourceKind::Folder, |i| i.source)
    }

    fn choose_source(&self, folder: bool) -> Option<PathBuf> {
        let dialog = rfd::FileDialog::new()
            .set_title(format!("Import {}", self.format.title()))
            .set_directory(&self.base);
        if folder {
            return dialog.pick_folder();
        }
        let extensions = self.source_kind().extensions();
        dialog
            .add_filter(self.format.title(), extensions)
            .add_filter("Any file", &["*"])
            .pick_file()
    }
}

/// `1 document`, `3 documents`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `1 document has unsaved changes`, `3 documents have …`.
fn unsaved(n: usize) -> String {
    if n == 1 {
        "1 document has unsaved changes".to_owned()
    } else {
        format!("{n} documents have unsaved changes")
    }
}

fn section(ui: &mut Ui, title: &str) {
    ui.add_space(6.0);
    ui.label(RichText::new(title).strong());
}

/// The export and import dialog.
#[derive(Debug, Default)]
pub struct ExchangeDialog {
    /// Which form is open, if the dialog is.
    open: Option<Direction>,
    export: Option<ExportForm>,
    import: Option<ImportForm>,
    job: Option<Job>,
    /// How the last run ended, until the dialog is closed or run again.
    outcome: Option<Outcome>,
    /// Tests hold jobs at their progress reports (see [`Job::export`]).
    hold: Arc<AtomicBool>,
}

impl ExchangeDialog {
    /// Opens the export form for the open project; false when no project is open.
    pub fn open_export(&mut self, state: &AppState) -> bool {
        if self.job.is_some() {
            return true;
        }
        let Some(form) = ExportForm::new(state, self.export.as_ref()) else {
            return false;
        };
        self.export = Some(form);
        self.open = Some(Direction::Export);
        self.outcome = None;
        true
    }

    /// Opens the import form.
    pub fn open_import(&mut self, state: &AppState) {
        if self.job.is_some() {
            return;
        }
        self.import = Some(ImportForm::new(state, self.import.take()));
        self.open = Some(Direction::Import);
        self.outcome = None;
    }

    /// True while the dialog is open (it takes the keyboard).
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// True while an export or import runs.
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    /// The flag that holds new jobs at their progress reports.
    pub fn hold(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.hold)
    }

    /// Shows the progress of `job` until it ends.
    pub fn start(&mut self, job: Job) {
        self.open = Some(job.direction);
        self.outcome = None;
        self.job = Some(job);
    }

    /// Asks the running job to stop.
    pub fn cancel(&self) {
        if let Some(job) = &self.job {
            job.cancel();
        }
    }

    /// Cancels the running job and waits for it to end (when the window closes): what
    /// dropping a [`Job`] does.
    pub fn end_job(&mut self) {
        self.job = None;
    }

    /// The outcome of the job, once it has ended.
    pub fn take_finished(&mut self) -> Option<Outcome> {
        if !self.job.as_ref().is_some_and(Job::is_finished) {
            return None;
        }
        self.job.take().map(Job::finish)
    }

    /// Shows how the work ended (or why it did not start).
    pub fn show_outcome(&mut self, outcome: Outcome) {
        self.outcome = Some(outcome);
    }

    /// Draws the dialog when it is open.
    pub fn ui(&mut self, ctx: &egui::Context, cx: &mut ViewContext<'_>) {
        let Some(direction) = self.open else { return };
        let mut close = false;
        let title = match direction {
            Direction::Export => "Export annotations",
            Direction::Import => "Import annotations",
        };
        egui::Modal::new(Id::unique("export and import")).show(ctx, |ui| {
            ui.set_width(WIDTH);
            // Escape closes the form, unless a field has the keyboard (it leaves the field).
            let escape =
                ui.input(|i| i.key_pressed(Key::Escape)) && ui.memory(|m| m.focused().is_none());
            ui.heading(title);
            // No scroll area round the whole: in a centred modal it would get only the room
            // below the centre. The dialog is as tall as its content.
            if let Some(job) = &self.job {
                running_ui(ui, job, cx);
                return;
            }
            if let Some(outcome @ (Outcome::Exported { .. } | Outcome::Imported { .. })) =
                &self.outcome
            {
                summary_ui(ui, outcome, cx);
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Close").clicked() || escape {
                        close = true;
                    }
                    let again = match direction {
                        Direction::Export => "Export again…",
                        Direction::Import => "Import again…",
                    };
                    if ui.button(again).clicked() {
                        self.outcome = None;
                    }
                });
                return;
            }
            let ready = match direction {
                Direction::Export => self.export.as_mut().map(|f| {
                    f.ui(ui, cx);
                    f.options().map(ExchangeRequest::Export)
                }),
                Direction::Import => self.import.as_mut().map(|f| {
                    f.ui(ui, cx);
                    f.options().map(ExchangeRequest::Import)
                }),
            };
            let Some(ready) = ready else { return };
            ui.add_space(4.0);
            match &self.outcome {
                Some(Outcome::Cancelled) => {
                    ui.label("Cancelled: nothing was written.");
                }
                Some(Outcome::Failed(why)) => {
                    let what = match direction {
                        Direction::Export => "The export failed",
                        Direction::Import => "The import failed",
                    };
                    ui.colored_label(ui.visuals().error_fg_color, format!("{what}: {why}"));
                }
                _ => {}
            }
            ui.add_space(4.0);
            ui.horizontal(|ui| {
                let title = match direction {
                    Direction::Export => "Export",
                    Direction::Import => "Import",
                };
                let start = ui.add_enabled(ready.is_ok(), egui::Button::new(title));
                if ui.button("Close").clicked() || escape {
                    close = true;
                }
                match ready {
                    Ok(request) => {
                        if start.clicked() {
                            cx.send(Action::Exchange(request));
                        }
                    }
                    Err(why) => {
                        ui.weak(why.as_str());
                        start.on_disabled_hover_text(why);
                    }
                }
            });
        });
        if self.job.is_some() {
            // The worker asks for a repaint at each report; this covers the gaps.
            ctx.request_repaint_after(std::time::Duration::from_millis(200));
        }
        if close {
            self.open = None;
            self.outcome = None;
        }
    }
}

fn running_ui(ui: &mut Ui, job: &Job, cx: &mut ViewContext<'_>) {
    let path = job.path.display();
    ui.label(match job.direction {
        Direction::Export => format!("Exporting to {path}"),
        Direction::Import => format!("Importing from {path}"),
    });
    ui.add_space(6.0);
    let step = job.step();
    match &step {
        Some(step) => {
            ui.add(egui::ProgressBar::new(step.fraction()).show_percentage());
            let n = (step.done + 1).min(step.total);
            ui.label(format!(
                "Step {} of 3: {} {n} of {}",
                step.stage_number(),
                step.stage.name(),
                step.total
            ));
            if !step.item.is_empty() {
                text_line(ui, cx.engine, &step.item, 13.0);
            }
        }
        None => {
            ui.add(egui::ProgressBar::new(0.0).animate(true));
            ui.label("Starting…");
        }
    }
    ui.add_space(6.0);
    let writing = step
        .as_ref()
        .is_some_and(|s| s.stage == crate::formats::Stage::Writing);
    if job.is_cancelling() {
        ui.label("Cancelling…");
    }
    let cancel = ui.add_enabled(
        !writing && !job.is_cancelling(),
        egui::Button::new("Cancel"),
    );
    if writing {
        cancel.on_disabled_hover_text(
            "The files are being written: that is never stopped half-way, so no half-written \
             output is left.",
        );
    } else if cancel.clicked() || cancel.is_pointer_button_down_on() {
        // On the press already: a window busy drawing may see the release so late that it
        // does not count as a click.
        cx.send(Action::Exchange(ExchangeRequest::Cancel));
    }
}

fn summary_ui(ui: &mut Ui, outcome: &Outcome, cx: &mut ViewContext<'_>) {
    match outcome {
        Outcome::Exported { options, report } => {
            ui.label(RichText::new("Export finished").strong());
            ui.label(format!(
                "Exported {} and {} by {} as {} to {}.",
                count(report.documents, "document", "documents"),
                count(report.annotations, "annotation", "annotations"),
                report.annotator,
                report.format.title(),
                options.out.display()
            ));
            ui.label(format!(
                "{} written.",
                count(report.written.len(), "file", "files")
            ));
            losses_ui(ui, cx.engine, &report.losses, "Nothing was lost.");
        }
        Outcome::Imported { options, report } => {
            ui.label(RichText::new("Import finished").strong());
            let added = report.documents_added.len();
            let existing = report.documents_existing.len();
            ui.label(format!(
                "Imported {} ({added} new, {existing} already in the project), {}, {} and {} \
                 into {} as {}.",
                count(added + existing, "document", "documents"),
                count(report.annotations, "annotation", "annotations"),
                count(report.links, "link", "links"),
                count(
                    report.groups,
                    "cross-document group",
                    "cross-document groups"
                ),
                options.into.display(),
                options.annotator
            ));
            for path in &report.replaced {
                ui.label(format!("Replaced: {}", path.display()));
            }
            if !report.schema_added.is_empty() {
                ui.label(format!(
                    "Added to the schema: {}",
                    report.schema_added.join(", ")
                ));
            }
            if options.annotator != cx.state.annotator() {
                ui.label(format!(
                    "These are {}'s annotations; you annotate as {}, so the text shows yours.",
                    options.annotator,
                    cx.state.annotator()
                ));
            }
            if cx.state.project_error.is_none() {
                ui.label("The project is open now, with what was imported.");
            }
            losses_ui(ui, cx.engine, &report.problems, "Everything was mapped.");
        }
        Outcome::Cancelled | Outcome::Failed(_) => {}
    }
}

/// Losses by kind, each kind a collapsed list. The lines quote document text, so they are
/// drawn with the documents' layout (right-to-left text in its order).
fn losses_ui(ui: &mut Ui, engine: &mut TextEngine, losses: &[Loss], none: &str) {
    if losses.is_empty() {
        ui.label(none);
        return;
    }
    for (kind, n) in count_losses(losses) {
        egui::CollapsingHeader::new(format!("{n} {}", kind.describe()))
            .id_salt(("loss", kind.describe()))
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt(("losses", kind.describe()))
                    .max_height(160.0)
                    .show(ui, |ui| {
                        let of_kind = losses.iter().filter(|l| l.kind == kind);
                        for loss in of_kind.take(SHOWN_PER_KIND) {
                            text_block(ui, engine, &loss.to_string(), 13.0);
                        }
                        if n > SHOWN_PER_KIND {
                            ui.weak(format!("… and {} more", n - SHOWN_PER_KIND));
                        }
                    });
            });
    }
}
