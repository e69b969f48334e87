//! File → New project…: a folder, a name, the label set to start from (Accord's news set, none,
//! a schema / brat `annotation.conf` / Label Studio `config.xml` file, or another project's),
//! and the documents to add (chosen, or dropped onto the window while the dialog is open).
//! Creating it is [`Action::CreateProject`]; the documents are then added in the background.

use std::path::{Path, PathBuf};

use egui::{Id, Key, Ui};

use crate::project::setup::LabelSetStart;
use crate::ui::action::{Action, NewProjectPlan, ViewContext};
use crate::ui::text_field::TextField;

const WIDTH: f32 = 560.0;
const PATH_WIDTH: f32 = 380.0;

/// The New project dialog: what is filled in so far.
#[derive(Debug, Default)]
pub struct NewProjectDialog {
    open: bool,
    folder: Option<TextField>,
    name: Option<TextField>,
    labels: Choice,
    /// The file or project folder the label set comes from, for [`Choice::File`] and
    /// [`Choice::Project`].
    labels_from: Option<PathBuf>,
    /// What the chosen label set holds (label names, and notes on what was left out), or why
    /// it cannot be read: read again when the choice changes.
    preview: Option<(LabelSetStart, Result<Preview, String>)>,
    documents: Vec<PathBuf>,
    /// Why the last attempt failed.
    error: Option<String>,
}

/// A label set's label names, and notes on what its file held that Accord left out.
type Preview = (Vec<String>, Vec<String>);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Choice {
    #[default]
    News,
    Empty,
    File,
    Project,
}

impl NewProjectDialog {
    /// Opens the dialog, empty.
    pub fn open(&mut self) {
        *self = Self {
            open: true,
            folder: Some(TextField::singleline("").labelled("Project folder")),
            name: Some(TextField::singleline("").labelled("Project name")),
            ..Self::default()
        };
    }

    /// True while it shows.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// The project was created: the dialog closes.
    pub fn close(&mut self) {
        *self = Self::default();
    }

    /// Creating failed: the dialog stays, saying why.
    pub fn failed(&mut self, why: String) {
        self.error = Some(why);
    }

    /// Files or folders dropped onto the window while the dialog is open become documents.
    pub fn add_dropped(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        for path in paths {
            if !self.documents.contains(&path) {
                self.documents.push(path);
            }
        }
    }

    fn start(&self) -> Option<LabelSetStart> {
        Some(match self.labels {
            Choice::News => LabelSetStart::News,
            Choice::Empty => LabelSetStart::Empty,
            Choice::File => LabelSetStart::File(self.labels_from.clone()?),
            Choice::Project => LabelSetStart::Project(self.labels_from.clone()?),
        })
    }

    /// Draws the dialog when open.
    pub fn ui(&mut self, ctx: &egui::Context, cx: &mut ViewContext<'_>) {
        if !self.open {
            return;
        }
        let mut close = false;
        egui::Modal::new(Id::unique("new project")).show(ctx, |ui| {
            ui.set_width(WIDTH);
            let escape =
                ui.input(|i| i.key_pressed(Key::Escape)) && ui.memory(|m| m.focused().is_none());
            ui.heading("New project");
            self.folder_ui(ui, cx);
            self.labels_ui(ui);
            self.documents_ui(ui);
            ui.add_space(6.0);
            if let Some(error) = &self.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            let plan = self.plan();
            if let Err(why) = &plan {
                ui.weak(why);
            }
            ui.horizontal(|ui| {
                let create = ui.add_enabled(plan.is_ok(), egui::Button::new("Create project"));
                if create.clicked()
                    && let Ok(plan) = plan
                {
                    self.error = None;
                    cx.send(Action::CreateProject(plan));
                }
                if ui.button("Cancel").clicked() || escape {
                    close = true;
                }
            });
        });
        if close {
            self.close();
        }
    }

    fn folder_ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>) {
        section(ui, "Folder");
        ui.horizontal(|ui| {
            let id = ui.make_persistent_id("new project folder");
            if let Some(field) = &mut self.folder {
                field.ui(ui, cx.engine, id, PATH_WIDTH, "a new or empty folder");
            }
            if ui.button("Choose…").clicked()
                && let Some(path) = rfd::FileDialog::new()
                    .set_title("Folder of the new project")
                    .pick_folder()
            {
                self.folder = Some(
                    TextField::singleline(&path.display().to_string()).labelled("Project folder"),
                );
            }
        });
        ui.weak("The project's files go here; documents from elsewhere are copied in.");
        section(ui, "Name");
        let id = ui.make_persistent_id("new project name");
        let folder_name = self
            .folder_path()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
        if let Some(field) = &mut self.name {
            field.ui(
                ui,
                cx.engine,
                id,
                PATH_WIDTH,
                folder_name.as_deref().unwrap_or("the folder's name"),
            );
        }
    }

    fn labels_ui(&mut self, ui: &mut Ui) {
        section(ui, "Label set");
        let before = self.labels;
        ui.radio_value(
            &mut self.labels,
            Choice::News,
            "News: people, countries, organisations, dates, money, events, commitments",
        );
        ui.radio_value(
            &mut self.labels,
            Choice::Empty,
            "None yet: add labels in the Labels panel",
        );
        ui.horizontal(|ui| {
            ui.radio_value(
                &mut self.labels,
                Choice::File,
                "From a file: an Accord schema, a brat annotation.conf or a Label Studio config.xml",
            );
        });
        ui.radio_value(
            &mut self.labels,
            Choice::Project,
            "Another project's label set",
        );
        if before != self.labels {
            self.labels_from = None;
        }
        if matches!(self.labels, Choice::File | Choice::Project) {
            ui.horizontal(|ui| {
                let shown = self
                    .labels_from
                    .as_ref()
                    .map_or("nothing chosen".to_owned(), |p| p.display().to_string());
                ui.label(shown);
                if ui.button("Choose…").clicked() {
                    let dialog = rfd::FileDialog::new();
                    self.labels_from = match self.labels {
                        Choice::File => dialog
                            .set_title("Label set: schema.ron, annotation.conf or config.xml")
                            .add_filter("Label sets", &["ron", "conf", "xml"])
                            .pick_file(),
                        _ => dialog.set_title("The other project's folder").pick_folder(),
                    }
                    .or(self.labels_from.take());
                }
            });
        }
        let start = self.start();
        if self.preview.as_ref().map(|(s, _)| s) != start.as_ref() {
            self.preview = start.map(|start| {
                let read = start
                    .schema()
                    .map(|(s, notes)| (s.labels.into_iter().map(|l| l.name).collect(), notes));
                (start, read)
            });
        }
        match self.preview.as_ref().map(|(_, read)| read) {
            Some(Ok((names, _))) if names.is_empty() => {
                ui.weak("No label yet.");
            }
            Some(Ok((names, notes))) => {
                ui.weak(format!("{} labels: {}", names.len(), names.join(", ")));
                for note in notes {
                    ui.weak(format!("Left out: {note}"));
                }
            }
            Some(Err(why)) => {
                ui.colored_label(ui.visuals().error_fg_color, why);
            }
            None => {}
        }
    }

    fn documents_ui(&mut self, ui: &mut Ui) {
        section(ui, "Documents");
        if self.documents.is_empty() {
            ui.weak("None yet: add files or folders, or drop them onto the window. Tables of texts (.jsonl, .csv) give a document per row.");
        }
        let mut remove = None;
        egui::ScrollArea::vertical()
            .max_height(140.0)
            .show(ui, |ui| {
                for (i, path) in self.documents.iter().enumerate() {
                    ui.horizontal(|ui| {
                        if ui.small_button("✕").on_hover_text("Leave it out").clicked() {
                            remove = Some(i);
                        }
                        ui.label(path.display().to_string());
                    });
                }
            });
        if let Some(i) = remove {
            self.documents.remove(i);
        }
        ui.horizontal(|ui| {
            if ui.button("Add files…").clicked()
                && let Some(files) = rfd::FileDialog::new()
                    .set_title("Documents to add")
                    .pick_files()
            {
                self.add_dropped(files);
            }
            if ui.button("Add a folder…").clicked()
                && let Some(folder) = rfd::FileDialog::new()
                    .set_title("A folder of documents to add")
                    .pick_folder()
            {
                self.add_dropped([folder]);
            }
        });
    }

    fn folder_path(&self) -> Option<PathBuf> {
        let text = self.folder.as_ref()?.text();
        let text = text.trim();
        (!text.is_empty())
            .then(|| std::path::absolute(Path::new(text)).unwrap_or_else(|_| PathBuf::from(text)))
    }

    /// The project to create, or what is missing.
    fn plan(&self) -> Result<NewProjectPlan, String> {
        let folder = self
            .folder_path()
            .ok_or_else(|| "Choose the project's folder.".to_owned())?;
        if folder.join(crate::project::PROJECT_FILE).exists() {
            return Err(format!(
                "{} holds a project already: open it with File > Open project…",
                folder.display()
            ));
        }
        let labels = self
            .start()
            .ok_or_else(|| "Choose where the label set comes from.".to_owned())?;
        if let Some((_, Err(why))) = &self.preview {
            return Err(why.clone());
        }
        let typed = self.name.as_ref().map(TextField::text).unwrap_or_default();
        let name = match typed.trim() {
            "" => folder.file_name().map_or_else(
                || "Untitled".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            ),
            name => name.to_owned(),
        };
        Ok(NewProjectPlan {
            folder,
            name,
            labels,
            documents: self.documents.clone(),
        })
    }
}

fn section(ui: &mut Ui, title: &str) {
    ui.add_space(6.0);
    ui.strong(title);
}
