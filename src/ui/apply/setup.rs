//! Applying what sets a project up: a new project (File → New project…) and documents added
//! to the open one (File → Add documents…, or files dropped onto the window). Documents are
//! read and written on a worker thread, so adding thousands shows progress in the status
//! bar and can be stopped; the project reopens with them when it is done.

use std::path::{Path, PathBuf};

use crate::project::Workspace;
use crate::project::relabel::Rename;
use crate::project::setup::{AddReport, NewProject, create};
use crate::ui::action::NewProjectPlan;
use crate::ui::adding::AddJob;
use crate::ui::app::AccordApp;

impl AccordApp {
    /// Creates the project the dialog describes, then adds its documents.
    pub(in crate::ui) fn create_project(&mut self, plan: NewProjectPlan) {
        let schema = match plan.labels.schema() {
            Ok((schema, _)) => schema,
            Err(why) => return self.views.new_project.failed(why),
        };
        let new = NewProject {
            name: plan.name.clone(),
            schema,
        };
        if let Err(e) = create(&plan.folder, &new) {
            return self.views.new_project.failed(e.to_string());
        }
        self.views.new_project.close();
        self.info(format!("Created the project {}", plan.folder.display()));
        if plan.documents.is_empty() {
            self.open_path(&plan.folder);
        } else {
            // Opened first, so the window shows the new project while its documents come in.
            self.open_path(&plan.folder);
            self.start_adding(plan.folder, plan.documents);
        }
    }

    /// Adds documents to the open project.
    pub(in crate::ui) fn add_to_project(&mut self, paths: Vec<PathBuf>) {
        let Some(root) = self.workspace().map(|ws| ws.project.root.clone()) else {
            self.info("Open or create a project first: File > New project…");
            return;
        };
        if paths.is_empty() {
            return;
        }
        self.start_adding(root, paths);
    }

    /// File → Add documents… (files) or Add a folder of documents…
    pub(in crate::ui) fn pick_documents(&mut self, folder: bool) {
        let Some(root) = self.workspace().map(|ws| ws.project.root.clone()) else {
            self.info("Open or create a project first: File > New project…");
            return;
        };
        let dialog = rfd::FileDialog::new().set_directory(&root);
        let picked = if folder {
            dialog
                .set_title("A folder of documents to add")
                .pick_folder()
                .map(|f| vec![f])
        } else {
            dialog
                .set_title("Documents to add (text files, .jsonl or .csv tables of texts)")
                .pick_files()
        };
        match picked {
            Some(paths) => self.add_to_project(paths),
            None => self.info("Nothing chosen (you can also drop files onto the window)"),
        }
    }

    /// Deletes a label as one undoable step: every annotator's spans of it get `relabel_as`
    /// first (in their files, and the annotator's here), or, without one, keep it and are
    /// flagged as a label the schema lacks.
    pub(in crate::ui) fn delete_label(&mut self, name: String, relabel_as: Option<String>) {
        let Some(ws) = self.workspace() else { return };
        let remove = crate::project::Change::Schema(crate::schema::edit::SchemaEdit::RemoveLabel {
            name: name.clone(),
        });
        let step = match &relabel_as {
            Some(to) => {
                let rename = Rename::Label {
                    from: name.clone(),
                    to: to.clone(),
                };
                let (mut step, _) = ws.rename_step(rename, false);
                step.0.insert(0, remove);
                step
            }
            None => crate::project::Step(vec![remove]),
        };
        if self.edit(step).is_some() {
            self.info(match relabel_as {
                Some(to) => format!("Deleted {name}; its spans are {to} now (Ctrl+Z undoes it)"),
                None => {
                    format!("Deleted {name}; its spans keep it and are flagged (Ctrl+Z undoes it)")
                }
            });
        }
    }

    /// Renames a label, an attribute or a list value in the label set and in every
    /// annotator's annotations, as one undoable step.
    pub(in crate::ui) fn rename(&mut self, rename: Rename) {
        let Some(ws) = self.workspace() else { return };
        let what = rename.schema_edit().describe();
        let (step, own) = ws.rename_step(rename, true);
        if self.edit(step).is_some() {
            self.info(format!(
                "Label set: {what}, in every annotator's files too ({own} of your annotations); Ctrl+Z undoes it"
            ));
        }
    }

    /// Says what is wrong in the schema file of the project just opened: it opened with what
    /// could be read of it.
    pub(in crate::ui) fn tell_schema_problems(&mut self) {
        let Some(ws) = self.workspace() else { return };
        let problems = &ws.project.schema_problems;
        if problems.is_empty() {
            return;
        }
        let file = match &ws.project.file.schema {
            crate::project::SchemaSource::File(file) => file.clone(),
            _ => crate::project::PROJECT_FILE.to_owned(),
        };
        let mut text = format!(
            "{file} has {} mistake{}. The project is open with the labels that could be read; fix the file and open the project again (or fix them in the Labels tab).\n",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
        for problem in problems {
            text.push_str(&format!("\n• {file}:{problem}"));
        }
        self.error(format!(
            "{file}: {} mistake(s) in the label set; see the notice",
            problems.len()
        ));
        self.views
            .dialogs
            .notify("The label set has mistakes", text);
    }

    /// Changes a document's title, language or date in `accord.ron`.
    pub(in crate::ui) fn set_document_entry(
        &mut self,
        doc: crate::project::DocId,
        entry: crate::project::DocumentEntry,
    ) {
        let Some(ws) = self.state.workspace.as_mut() else {
            return;
        };
        let file = entry.file.clone();
        match ws.project.set_document_entry(doc, entry) {
            Ok(()) => self.info(format!(
                "Saved {file}'s title, language and date in accord.ron"
            )),
            Err(e) => self.error(format!("Cannot change {file}: {e}")),
        }
    }

    /// Takes a document out of the project: saves, lets go of the annotator's lock (its
    /// annotation file moves too), moves every annotator's file of it aside, opens the project
    /// again.
    pub(in crate::ui) fn remove_document(&mut self, file: &str) {
        let Some(root) = self.workspace().map(|ws| ws.project.root.clone()) else {
            return;
        };
        if self.workspace().is_some_and(Workspace::is_dirty) {
            self.save_all();
            if self.workspace().is_some_and(Workspace::is_dirty) {
                self.error(format!(
                    "{file} was not removed: the annotations could not be saved first"
                ));
                return;
            }
        }
        // The workspace (and its lock) goes; the project opens again below, whatever happens.
        self.state.workspace = None;
        self.disk.watch = None;
        let outcome = crate::project::Project::open(&root)
            .map_err(|e| e.to_string())
            .and_then(|project| {
                crate::project::setup::remove_document(&project, file).map_err(|e| e.to_string())
            });
        self.open_path(&root);
        match outcome {
            Ok(removed) if removed.kept_aside.is_empty() => {
                self.info(format!(
                    "Removed {file} from the project (the text file stays in the folder)"
                ));
            }
            Ok(removed) => {
                let text = format!(
                    "{file} is no longer in the project; its text file stays in the folder. Its annotation files were moved aside, not deleted:\n\n{}",
                    removed
                        .kept_aside
                        .iter()
                        .map(|f| format!("• {f}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                );
                self.info(format!("Removed {file} from the project"));
                self.views.dialogs.notify("Document removed", text);
            }
            Err(why) => self.error(format!("{file} was not removed: {why}")),
        }
    }

    /// Writes a first `guidelines.md` from the label set, for a project that has none.
    pub(in crate::ui) fn write_guidelines(&mut self) {
        let Some(ws) = self.workspace() else { return };
        let project = &ws.project;
        let path = project.dir.path(crate::project::setup::GUIDELINES_FILE);
        if project.has(&path) {
            self.error("guidelines.md is there already: reload the Guidelines panel");
            return;
        }
        let text = crate::guidelines::skeleton(project.name(), &project.schema);
        match project.dir.write(&path, text.as_bytes()) {
            Ok(()) => {
                self.info(format!(
                    "Wrote {}: edit it to say what to mark and how",
                    path.display()
                ));
                self.views.guidelines.reload();
            }
            Err(e) => self.error(format!("Cannot write guidelines.md: {e}")),
        }
    }

    fn start_adding(&mut self, root: PathBuf, paths: Vec<PathBuf>) {
        if self.adding.is_some() {
            self.error("Documents are being added already: wait until that is done");
            return;
        }
        self.state.adding = Some((0, 0));
        self.adding = Some(AddJob::start(root, paths));
    }

    /// Stops the addition running: nothing is written.
    pub(in crate::ui) fn cancel_adding(&mut self) {
        if let Some(job) = &self.adding {
            job.stop();
        }
    }

    /// Takes the addition's progress and, when it is done, reopens the project with the new
    /// documents and says what was left out and why.
    pub(in crate::ui) fn poll_adding(&mut self, ctx: &egui::Context) {
        let Some(job) = &mut self.adding else { return };
        if let Some(progress) = job.progress() {
            self.state.adding = Some(progress);
        }
        let Some(result) = job.finished() else {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
            return;
        };
        let root = job.root.clone();
        self.adding = None;
        self.state.adding = None;
        match result {
            Err(why) => self.error(format!("No document was added: {why}")),
            Ok(report) => {
                let first = report.added.first().map(|e| e.file.clone());
                let opened_empty = self
                    .workspace()
                    .is_some_and(|ws| ws.project.documents.is_empty());
                self.reopen_after_adding(&root, opened_empty.then_some(first).flatten());
                self.tell_what_was_added(&report);
            }
        }
    }

    fn reopen_after_adding(&mut self, root: &Path, first: Option<String>) {
        match first {
            Some(file) => self.open_path(&root.join(file)),
            None => self.open_path(root),
        }
    }

    fn tell_what_was_added(&mut self, report: &AddReport) {
        let added = report.added.len();
        let mut summary = format!(
            "Added {added} document{}",
            if added == 1 { "" } else { "s" }
        );
        if !report.already.is_empty() {
            summary.push_str(&format!(
                "; {} were in the project already",
                report.already.len()
            ));
        }
        if report.refused.is_empty() {
            self.info(summary);
            return;
        }
        summary.push_str(&format!("; {} left out", report.refused.len()));
        let mut text = format!("{summary}:\n");
        for refused in &report.refused {
            text.push_str(&format!("\n• {}: {}", refused.source, refused.reason));
        }
        self.info(summary);
        self.views.dialogs.notify("Documents added", text);
    }

    /// Stops an addition and waits for it (the window is closing): it ends before writing or
    /// finishes the writes it began.
    pub fn end_adding(&mut self) {
        if let Some(job) = self.adding.take() {
            job.end();
        }
    }

    /// True while documents are being added.
    pub fn adding_busy(&self) -> bool {
        self.adding.is_some()
    }
}
