//! Suggestions in the window: the worker started with the project and kept up to date with
//! the annotator's labels, and the commands that step through, accept and reject what it
//! proposes.

use std::collections::BTreeMap;

use crate::edit::Edit;
use crate::model::CharRange;
use crate::project::{Change, DocId, RejectionEdit, Step};
use crate::suggest::rejections::Rejection;
use crate::suggest::{Settings, Suggestion};
use crate::ui::app::AccordApp;
use crate::ui::state::Selection;
use crate::ui::suggesting::{Answer, SuggestJob};

impl AccordApp {
    /// Starts the suggestions' worker for the open project (the one of a project open before
    /// stops when its channel is dropped).
    pub(in crate::ui) fn start_suggestions(&mut self) {
        self.stop_suggestions();
        self.suggest_job = self.state.workspace.as_ref().map(SuggestJob::start);
    }

    /// Stops the worker and forgets what it proposed (whether they are hidden stays).
    pub(in crate::ui) fn stop_suggestions(&mut self) {
        let hidden = self.state.suggestions.hidden;
        self.state.suggestions = Default::default();
        self.state.suggestions.hidden = hidden;
        self.suggest_job = None;
    }

    /// Takes what the worker sent, and asks it again when the labels changed since (trained
    /// again once the changes are saved).
    pub(in crate::ui) fn poll_suggestions(&mut self, ctx: &egui::Context) {
        let Some(job) = self.suggest_job.as_mut() else {
            return;
        };
        let answers = job.answers();
        let busy = job.pending.is_some() || job.evaluating || job.asking;
        if let Some(why) = &job.stopped
            && !self.state.suggestions.problems.contains(why)
        {
            self.state.suggestions.problems.push(why.clone());
        }
        let mut failed = None;
        for answer in answers {
            match answer {
                Answer::Ready { problems } => self.state.suggestions.problems = problems,
                Answer::Suggested {
                    revision,
                    docs,
                    forms,
                    tagger,
                    ..
                } => {
                    let documents = self
                        .state
                        .workspace
                        .as_ref()
                        .map_or(0, |ws| ws.project.documents.len());
                    let s = &mut self.state.suggestions;
                    s.forms = forms;
                    s.tagger = tagger;
                    s.revision = Some(revision);
                    for (doc, suggestions) in docs {
                        if doc < documents {
                            s.by_doc.insert(DocId(doc), suggestions);
                        }
                    }
                    // An answer learned a revision ago may hold what was accepted or
                    // rejected since: never shown again.
                    self.drop_decided_suggestions();
                }
                Answer::Evaluated(evaluation) => {
                    let s = &mut self.state.suggestions;
                    s.evaluation = Some(*evaluation);
                    s.evaluating = false;
                }
                Answer::External(result) => {
                    failed = result.as_ref().err().cloned();
                    self.state.suggestions.external = Some(result);
                }
            }
        }
        if let Some(e) = failed {
            self.error(e);
        }
        if busy {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.state.suggestions.pending = self
            .suggest_job
            .as_ref()
            .is_some_and(|j| j.pending.is_some());
        // During a review the workspace is the curated set: nothing is proposed there.
        if self.state.review.is_some() {
            return;
        }
        let Some(ws) = self.state.workspace.as_ref() else {
            return;
        };
        let revision = ws.revision();
        let Some(job) = self.suggest_job.as_ref() else {
            return;
        };
        if job.pending.is_some() || job.stopped.is_some() {
            return;
        }
        let stale = self.state.suggestions.revision != Some(revision);
        // Trained at the start, then after each save (a rejection alone, written at once, is
        // no save).
        let last_save = self.state.status.last_save.clone();
        let train = match &job.trained {
            None => Some(last_save),
            Some(trained) if *trained != last_save && !ws.is_dirty() => Some(last_save),
            Some(_) => None,
        };
        if stale || train.is_some() {
            let first: Vec<usize> = self.state.panes.iter().map(|p| p.doc.0).collect();
            if let Some(job) = self.suggest_job.as_mut() {
                job.refresh(ws, revision, train, first);
            }
        }
    }

    /// Drops the shown suggestions that are over one of the annotator's spans (any fragment)
    /// or that they rejected.
    pub(in crate::ui) fn drop_decided_suggestions(&mut self) {
        let Some(ws) = self.state.workspace.as_ref() else {
            return;
        };
        let rejections = ws.rejections();
        for (doc, list) in self.state.suggestions.by_doc.iter_mut() {
            let store = ws.store(*doc);
            let file = ws.file_name(*doc);
            let text = ws.document(*doc);
            list.retain(|s| {
                store.fragments_in(s.range).is_empty()
                    && !text
                        .and_then(|t| t.slice(s.range))
                        .is_some_and(|t| rejections.contains(file, s.range, &s.label, t))
            });
        }
    }

    /// The suggestions of `doc` not over one of the annotator's spans now (the worker's may be
    /// a revision behind).
    fn live_suggestions(&self, doc: DocId) -> Vec<Suggestion> {
        let Some(ws) = self.state.workspace.as_ref() else {
            return Vec::new();
        };
        let store = ws.store(doc);
        self.state
            .suggestions
            .of(doc)
            .iter()
            .filter(|s| store.fragments_in(s.range).is_empty())
            .cloned()
            .collect()
    }

    /// Selects the next (or previous) suggestion after the active pane's selection, going on
    /// into the next documents that have some.
    pub(in crate::ui) fn step_suggestion(&mut self, forward: bool) {
        if self.state.suggestions.hidden {
            self.info("Suggestions are hidden: Suggestions → Show suggestions");
            return;
        }
        let Some(ws) = self.state.workspace.as_ref() else {
            return;
        };
        let n = ws.project.documents.len();
        let Some(pane) = self.state.active_pane() else {
            return;
        };
        let (doc, at) = match pane.selection {
            Selection::Text(r) | Selection::Suggestion(r) => (pane.doc, Some(r)),
            Selection::Annotation(id) => (pane.doc, ws.store(pane.doc).get(id).map(|a| a.extent())),
            Selection::None => (pane.doc, None),
        };
        for k in 0..=n {
            let d = if forward {
                DocId((doc.0 + k) % n.max(1))
            } else {
                DocId((doc.0 + n - k % n.max(1)) % n.max(1))
            };
            let list = self.live_suggestions(d);
            let found = if k == 0 {
                match (forward, at) {
                    (true, Some(r)) => list.iter().find(|s| s.range.start > r.start),
                    (false, Some(r)) => list.iter().rev().find(|s| s.range.start < r.start),
                    (true, None) => list.first(),
                    (false, None) => list.last(),
                }
            } else if forward {
                list.first()
            } else {
                list.last()
            };
            if let Some(s) = found {
                let range = s.range;
                let label = s.label.clone();
                let source = s.suggester.name();
                let score = s.score;
                let pane = self.pane_for(d);
                self.set_selection(pane, Selection::Suggestion(range));
                self.scroll_pane_to(pane, range);
                self.info(format!(
                    "Suggestion: {label} from {source} ({:.0}%) — Ctrl+Enter accepts, Ctrl+Delete rejects",
                    score * 100.0
                ));
                return;
            }
        }
        self.info("No suggestion left");
    }

    /// The active pane's selected suggestion.
    fn selected_suggestion(&self) -> Option<(DocId, Suggestion)> {
        let pane = self.state.active_pane()?;
        let Selection::Suggestion(range) = pane.selection else {
            return None;
        };
        self.live_suggestions(pane.doc)
            .into_iter()
            .find(|s| s.range == range)
            .map(|s| (pane.doc, s))
    }

    /// Accepts the selected suggestion (with its own label).
    pub(in crate::ui) fn accept_selected_suggestion(&mut self) {
        match self.selected_suggestion() {
            Some((doc, s)) => self.accept_suggestion_as(doc, s.range, None),
            None => self.info("No suggestion selected: F8 goes to the next one"),
        }
    }

    /// Accepts the suggestion of `doc` over `range`, with `label` instead of its own when
    /// given: one undoable edit, the annotation marked with where it came from.
    pub(in crate::ui) fn accept_suggestion_as(
        &mut self,
        doc: DocId,
        range: CharRange,
        label: Option<&str>,
    ) {
        let Some(s) = self
            .live_suggestions(doc)
            .into_iter()
            .find(|s| s.range == range)
        else {
            return;
        };
        let edit = Edit::Add {
            label: label.unwrap_or(&s.label).to_owned(),
            ranges: vec![s.range],
            attributes: BTreeMap::new(),
            source: Some(s.source()),
        };
        if let Some(applied) = self.edit(vec![(doc, edit)]) {
            self.forget_suggestions(doc, &[s.range]);
            let pane = self.pane_for(doc);
            let created = applied.created.first().map(|(_, id)| *id);
            self.set_selection(pane, created.map_or(Selection::None, Selection::Annotation));
        }
    }

    /// Accepts every suggestion of the selected one's label in its document, as one step.
    pub(in crate::ui) fn accept_all_of_label(&mut self) {
        let Some((doc, chosen)) = self.selected_suggestion() else {
            self.info("No suggestion selected: F8 goes to the next one");
            return;
        };
        let all: Vec<Suggestion> = self
            .live_suggestions(doc)
            .into_iter()
            .filter(|s| s.label == chosen.label)
            .collect();
        let edits: Vec<(DocId, Edit)> = all
            .iter()
            .map(|s| {
                (
                    doc,
                    Edit::Add {
                        label: s.label.clone(),
                        ranges: vec![s.range],
                        attributes: BTreeMap::new(),
                        source: Some(s.source()),
                    },
                )
            })
            .collect();
        let n = edits.len();
        if self.edit(edits).is_some() {
            let ranges: Vec<CharRange> = all.iter().map(|s| s.range).collect();
            self.forget_suggestions(doc, &ranges);
            let pane = self.pane_for(doc);
            self.set_selection(pane, Selection::None);
            self.info(format!(
                "Accepted {n} {} suggestions (one undo)",
                chosen.label
            ));
        }
    }

    /// Rejects the selected suggestion: remembered in the annotator's rejections file (one
    /// undoable step), never proposed there again.
    pub(in crate::ui) fn reject_selected_suggestion(&mut self) {
        let Some((doc, s)) = self.selected_suggestion() else {
            self.info("No suggestion selected: F8 goes to the next one");
            return;
        };
        let Some(ws) = self.state.workspace.as_ref() else {
            return;
        };
        let text = ws
            .document(doc)
            .and_then(|d| d.slice(s.range))
            .unwrap_or_default()
            .to_owned();
        let rejection = Rejection {
            document: ws.file_name(doc).to_owned(),
            start: s.range.start,
            end: s.range.end,
            label: s.label.clone(),
            text,
            suggester: s.suggester.clone(),
        };
        let step = Step(vec![Change::Rejections(RejectionEdit {
            add: vec![rejection],
            remove: Vec::new(),
        })]);
        if self.edit(step).is_some() {
            self.forget_suggestions(doc, &[s.range]);
            // On to the next one, as a reviewer works through a list.
            self.step_suggestion(true);
            if self
                .state
                .active_pane()
                .is_some_and(|p| p.selection == Selection::Suggestion(s.range))
            {
                let pane = self.state.active;
                self.set_selection(pane, Selection::None);
            }
            self.info(format!(
                "Rejected {} here: it will not be proposed again (Ctrl+Z takes it back)",
                s.label
            ));
        }
    }

    /// Drops the shown suggestions of `doc` over `ranges` until the worker sends new ones.
    fn forget_suggestions(&mut self, doc: DocId, ranges: &[CharRange]) {
        let mut ranges = ranges.to_vec();
        ranges.sort_by_key(|r| r.start);
        if let Some(list) = self.state.suggestions.by_doc.get_mut(&doc) {
            // The ranges are suggestions, which never overlap: only the one starting last
            // before a suggestion's end can overlap it.
            list.retain(|s| {
                let before = ranges.partition_point(|r| r.start < s.range.end);
                before == 0 || ranges[before - 1].end <= s.range.start
            });
        }
    }

    /// Shows or hides the suggestions.
    pub(in crate::ui) fn toggle_suggestions(&mut self) {
        let s = &mut self.state.suggestions;
        s.hidden = !s.hidden;
        if s.hidden {
            for pane in &mut self.state.panes {
                if matches!(pane.selection, Selection::Suggestion(_)) {
                    pane.selection = Selection::None;
                }
            }
        }
        let shown = !self.state.suggestions.hidden;
        self.info(if shown {
            "Suggestions shown"
        } else {
            "Suggestions hidden"
        });
    }

    /// Writes the project's suggestion settings and starts the worker again with them.
    pub(in crate::ui) fn set_suggestion_settings(&mut self, settings: Settings) {
        let Some(ws) = self.state.workspace.as_mut() else {
            return;
        };
        match ws.project.set_suggestion_settings(settings) {
            Ok(()) => self.start_suggestions(),
            Err(e) => self.error(format!("Suggestion settings not saved: {e}")),
        }
    }

    /// Measures every suggester on the annotator's labels (on the worker).
    pub(in crate::ui) fn evaluate_suggesters(&mut self) {
        let Some(ws) = self.state.workspace.as_ref() else {
            return;
        };
        if let Some(job) = self.suggest_job.as_mut() {
            job.evaluate(ws);
            self.state.suggestions.evaluating = true;
        }
    }

    /// Asks the external recommender about the documents in the panes.
    pub(in crate::ui) fn ask_external(&mut self) {
        let docs: Vec<usize> = self.state.panes.iter().map(|p| p.doc.0).collect();
        if let Some(job) = self.suggest_job.as_mut() {
            job.ask_external(docs);
            self.info("Asking the external recommender…");
        }
    }
}
