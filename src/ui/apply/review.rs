//! Applying what concerns other annotators and review: their annotations as layers in a pane,
//! starting and stopping a review (the workspace becomes the curated set, reopened as the
//! reviewer), deciding items, comments, stepping through disagreements, and the agreement
//! figures.

use crate::agreement::{self, Selection as AgreementSelection};
use crate::model::CharRange;
use crate::project::{CURATED, DocId, Project, Workspace};
use crate::review::{self, Decision, ItemStatus, ReviewItem};
use crate::store::AnnotationStore;

use crate::ui::app::AccordApp;
use crate::ui::state::{PaneId, ReviewSession, Selection};

impl AccordApp {
    /// Draws (or stops drawing) `annotator`'s annotations in `pane`.
    pub(in crate::ui) fn show_layer(&mut self, pane: PaneId, annotator: String, shown: bool) {
        let Some(p) = self.state.pane_mut(pane) else {
            return;
        };
        p.layers.retain(|a| *a != annotator);
        if shown {
            p.layers.push(annotator);
            p.layers.sort();
        }
        self.load_layers();
    }

    /// Every pane draws every other annotator (the answer to "others have annotated").
    pub(in crate::ui) fn show_others(&mut self) {
        let others = self.other_annotators();
        for pane in &mut self.state.panes {
            pane.layers = others.clone();
        }
        self.load_layers();
        self.info(format!(
            "Showing {}'s annotations (read-only); the pane header's Layers menu hides them",
            others.join(", ")
        ));
    }

    /// Annotators of the open project other than the workspace's own (and the curated set).
    pub(in crate::ui) fn other_annotators(&self) -> Vec<String> {
        let Some(ws) = self.workspace() else {
            return Vec::new();
        };
        ws.project
            .annotators()
            .into_iter()
            .filter(|a| *a != ws.annotator && a != CURATED)
            .collect()
    }

    /// Reads the layers the panes (and the review) show and have not been read yet; reports
    /// a file that cannot be read.
    pub(in crate::ui) fn load_layers(&mut self) {
        let Some(ws) = &self.state.workspace else {
            return;
        };
        let mut wanted: Vec<(String, DocId)> = self
            .state
            .panes
            .iter()
            .flat_map(|p| p.layers.iter().map(move |a| (a.clone(), p.doc)))
            .collect();
        if let Some(review) = &self.state.review {
            for doc in ws.doc_ids() {
                wanted.extend(review.annotators.iter().map(|a| (a.clone(), doc)));
            }
        }
        let mut problems = Vec::new();
        for (annotator, doc) in wanted {
            if let Err(e) = self.state.layers.load(&ws.project, &annotator, doc) {
                problems.push(format!("{annotator}: {e}"));
            }
        }
        if let Some(first) = problems.first() {
            let text = format!("Cannot show another annotator's annotations: {first}");
            self.error(text);
        }
    }

    /// Opens the dialog that chooses the annotators to compare.
    pub(in crate::ui) fn ask_review(&mut self) {
        let Some(ws) = self.workspace() else {
            self.info("Open a project first");
            return;
        };
        let candidates: Vec<String> = ws
            .project
            .annotators()
            .into_iter()
            .filter(|a| a != CURATED)
            .collect();
        let curated = ws
            .doc_ids()
            .filter(|d| {
                ws.project
                    .slot(*d)
                    .is_some_and(|s| ws.project.annotation_path(CURATED, s.file()).is_file())
            })
            .count();
        if candidates.is_empty() {
            self.info("Nobody has annotated this project yet: there is nothing to review");
            return;
        }
        self.views.dialogs.ask_review(candidates, curated);
    }

    /// Saves the annotator's work, reopens the project as the curated set with the reviewer as
    /// author, and compares `annotators`.
    pub(in crate::ui) fn start_review(&mut self, annotators: Vec<String>) {
        let Some(ws) = self.workspace() else { return };
        if annotators.is_empty() {
            self.error("Choose at least one annotator to review");
            return;
        }
        let root = ws.project.root.clone();
        if ws.is_dirty() {
            self.save_all();
            if self.state.status.save_error.is_some() {
                return;
            }
        }
        let project = match Project::open(&root) {
            Ok(p) => p,
            Err(e) => {
                self.error(format!("Cannot open {}: {e:#}", root.display()));
                return;
            }
        };
        let reviewer = self.state.annotator().to_owned();
        let panes = self.state.panes.clone();
        let curated = Workspace::open_as(project, CURATED, &reviewer);
        self.state.layers.clear();
        self.install_workspace(curated, None);
        // The same documents as before, each pane showing the compared annotators.
        if panes.len() == self.state.panes.len() {
            for (pane, before) in self.state.panes.iter_mut().zip(&panes) {
                pane.doc = before.doc;
            }
        }
        for pane in &mut self.state.panes {
            pane.layers = annotators.clone();
            pane.own = true;
            pane.selection = Selection::None;
        }
        let mut session = ReviewSession::new(annotators.clone());
        session.panes_before = panes
            .iter()
            .map(|p| (p.doc, p.layers.clone(), p.own))
            .collect();
        self.state.review = Some(session);
        self.load_layers();
        self.refresh_review();
        let (decided, total) = self
            .state
            .review
            .as_ref()
            .map_or((0, 0), ReviewSession::total_progress);
        self.info(format!(
            "Reviewing {} as {reviewer}: {decided} of {total} items decided. A accept, X reject, 1–9 take a version, N/P next/previous disagreement",
            annotators.join(", ")
        ));
        self.step_disagreement(true);
    }

    /// Saves the curated set and reopens the project as the annotator.
    pub(in crate::ui) fn stop_review(&mut self) {
        let Some(ws) = self.workspace() else { return };
        if self.state.review.is_none() {
            return;
        }
        let root = ws.project.root.clone();
        if ws.is_dirty() {
            self.save_all();
            if self.state.status.save_error.is_some() {
                return;
            }
        }
        let before = self
            .state
            .review
            .take()
            .map(|r| r.panes_before)
            .unwrap_or_default();
        self.state.layers.clear();
        self.open_path(&root);
        // The panes as they were before the review: their documents and the layers chosen.
        if before.len() == self.state.panes.len() {
            for (pane, (doc, layers, own)) in self.state.panes.iter_mut().zip(before) {
                pane.doc = doc;
                pane.layers = layers;
                pane.own = own;
            }
        } else {
            for pane in &mut self.state.panes {
                pane.layers.clear();
            }
        }
        self.load_layers();
        self.info("Review stopped; the curated set is saved");
    }

    /// Recomputes the items of every document whose curated annotations changed since.
    pub(in crate::ui) fn refresh_review(&mut self) {
        let (Some(ws), Some(review)) = (&self.state.workspace, &mut self.state.review) else {
            return;
        };
        for doc in ws.doc_ids() {
            let store = ws.store(doc);
            if review.is_current(doc, store.revision()) {
                continue;
            }
            let stores = compared(&self.state.layers, &review.annotators, doc);
            let items = review::review_items(&ws.project.schema, &stores, store);
            review.set_items(doc, store.revision(), items);
        }
    }

    /// Records `decision` about the current item; moves on to the next undecided
    /// disagreement, except after Edit (the reviewer edits the copy now selected).
    pub(in crate::ui) fn decide(&mut self, decision: Decision) {
        let Some((doc, index)) = self.state.review.as_ref().and_then(|r| r.current) else {
            self.info(
                "No review item is selected: click one, or press N for the next disagreement",
            );
            return;
        };
        let step = {
            let (Some(ws), Some(review)) = (&self.state.workspace, &self.state.review) else {
                return;
            };
            let items = review.items(doc);
            let Some(item) = items.get(index) else {
                return;
            };
            if let Decision::Take(k) | Decision::Edit(k) = decision
                && k >= item.versions.len()
            {
                self.info(format!(
                    "This item has {} version(s); there is no version {}",
                    item.versions.len(),
                    k + 1
                ));
                return;
            }
            let stores = compared(&self.state.layers, &review.annotators, doc);
            review::decision_step(ws, doc, items, index, decision, &stores)
        };
        let step = match step {
            Ok(step) => step,
            Err(e) => {
                self.error(e.to_string());
                return;
            }
        };
        let Some(applied) = self.edit(step) else {
            return;
        };
        self.refresh_review();
        let decided = self
            .state
            .review
            .as_ref()
            .and_then(|r| r.items(doc).get(index))
            .and_then(|i| i.decision);
        let what = match decision {
            Decision::Accept => "Accepted".to_owned(),
            Decision::Reject => "Rejected".to_owned(),
            Decision::Take(k) => format!("Took version {}", k + 1),
            Decision::Edit(k) => format!("Version {} copied to edit", k + 1),
        };
        match decision {
            Decision::Edit(_) => {
                let id = decided
                    .map(|(id, _)| id)
                    .or(applied.created.last().map(|(_, id)| *id));
                if let Some(id) = id {
                    self.select_annotation(doc, id);
                }
                self.info(format!(
                    "{what}: move its edges (Shift/Alt+arrows) or relabel it; Ctrl+Z undoes"
                ));
            }
            _ => {
                self.info(format!("{what}; Ctrl+Z undoes"));
                self.step_disagreement(true);
            }
        }
    }

    /// Every agreed item of the active document not decided yet, accepted in one step.
    pub(in crate::ui) fn accept_agreed(&mut self) {
        let Some(doc) = self.state.active_doc() else {
            return;
        };
        let step = {
            let (Some(ws), Some(review)) = (&self.state.workspace, &self.state.review) else {
                return;
            };
            let stores = compared(&self.state.layers, &review.annotators, doc);
            let items = review.items(doc);
            let n = items
                .iter()
                .filter(|i| i.status == ItemStatus::Agree && i.decision.is_none())
                .count();
            review::accept_agreed_step(ws, doc, items, &stores).map(|step| (n, step))
        };
        match step {
            Ok((_, step)) if step.is_empty() => self.info("No agreed item left to accept here"),
            Ok((n, step)) => {
                if self.edit(step).is_some() {
                    self.refresh_review();
                    self.info(format!(
                        "Accepted {n} agreed item(s); Ctrl+Z undoes them all"
                    ));
                }
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Puts a comment on item `index` of `doc`.
    pub(in crate::ui) fn comment_item(&mut self, doc: DocId, index: usize, text: String) {
        let step = {
            let (Some(ws), Some(review)) = (&self.state.workspace, &self.state.review) else {
                return;
            };
            let stores = compared(&self.state.layers, &review.annotators, doc);
            review::comment_step(ws, doc, review.items(doc), index, &text, &stores)
        };
        match step {
            Ok(step) => {
                if self.edit(step).is_some() {
                    self.refresh_review();
                    self.info("Comment saved with the item");
                }
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Makes item `index` of `doc` current, shows it, and selects its decision if it has one.
    pub(in crate::ui) fn select_item(&mut self, doc: DocId, index: usize) {
        let Some(review) = &mut self.state.review else {
            return;
        };
        let Some(item) = review.items(doc).get(index) else {
            return;
        };
        let (extent, decision) = (item.extent, item.decision);
        review.current = Some((doc, index));
        let pane = self.pane_for(doc);
        self.set_selection(
            pane,
            decision.map_or(Selection::None, |(id, _)| Selection::Annotation(id)),
        );
        self.scroll_pane_to(pane, extent);
    }

    /// A click in the text while reviewing: the shortest item under it becomes current.
    pub(in crate::ui) fn click_item(&mut self, doc: DocId, char_offset: usize) {
        let Some(review) = &self.state.review else {
            return;
        };
        let at = CharRange::new(char_offset, char_offset + 1);
        let hit = review
            .items(doc)
            .iter()
            .enumerate()
            .filter(|(_, item)| {
                item.versions
                    .iter()
                    .any(|v| v.ranges.iter().any(|r| r.overlaps(&at)))
            })
            .min_by_key(|(_, item)| item.extent.len())
            .map(|(i, _)| i);
        match hit {
            Some(index) => self.select_item(doc, index),
            None => {
                if let Some(review) = &mut self.state.review {
                    review.current = None;
                }
                let pane = self.pane_for(doc);
                self.set_selection(pane, Selection::None);
            }
        }
    }

    /// N / P: the next (previous) undecided disagreement after the current item, in this
    /// document and then the following (preceding) ones, wrapping around.
    pub(in crate::ui) fn step_disagreement(&mut self, forward: bool) {
        let Some(review) = &self.state.review else {
            return;
        };
        let Some(start_doc) = review.current.map(|(d, _)| d).or(self.state.active_doc()) else {
            return;
        };
        let docs: Vec<DocId> = review.documents().collect();
        let Some(start) = docs.iter().position(|d| *d == start_doc) else {
            return;
        };
        let open = |item: &ReviewItem| item.status.is_disagreement() && !item.is_decided();
        let current = review
            .current
            .filter(|(d, _)| *d == start_doc)
            .map(|(_, i)| i);
        let n = docs.len();
        let mut found = None;
        // The start document twice: after the current item first, before it last.
        for step in 0..=n {
            let doc = docs[if forward {
                (start + step) % n
            } else {
                (start + n * 2 - step) % n
            }];
            let items = review.items(doc);
            let candidates: Vec<usize> = (0..items.len()).filter(|i| open(&items[*i])).collect();
            let pick = match (step, current) {
                (0, Some(c)) if forward => candidates.into_iter().find(|i| *i > c),
                (0, Some(c)) => candidates.into_iter().rev().find(|i| *i < c),
                _ if forward => candidates.first().copied(),
                _ => candidates.last().copied(),
            };
            if let Some(i) = pick {
                found = Some((doc, i));
                break;
            }
        }
        match found {
            Some((doc, index)) => self.select_item(doc, index),
            None => {
                self.info("Every disagreement is decided (Ctrl+Shift+A accepts the agreed items)")
            }
        }
    }

    /// Computes the agreement figures of the open project from its saved files, as
    /// `accord agree` does (the annotators' own files; the curated set is left out), on a
    /// worker thread: the panel shows a spinner meanwhile, and never blocks a frame.
    pub(in crate::ui) fn compute_agreement(&mut self) {
        let Some(ws) = self.workspace() else { return };
        let root = ws.project.root.clone();
        let (send, receive) = std::sync::mpsc::channel();
        // A job started before is dropped with its receiver: its figures are older.
        self.agreement_job = Some((root.clone(), receive));
        self.state.agreement_pending = true;
        let spawned = std::thread::Builder::new()
            .name("agreement".into())
            .spawn(move || {
                // The panel lists documents; it shows no unit table.
                let keep = agreement::Keep {
                    documents: true,
                    units: false,
                };
                let result = agreement::agree_project(&root, &AgreementSelection::default(), keep)
                    .map_err(|e| e.to_string());
                let _ = send.send(result);
            });
        if let Err(e) = spawned {
            self.agreement_job = None;
            self.state.agreement_pending = false;
            self.state.agreement = Some(Err(format!("cannot start computing the figures: {e}")));
        }
    }

    /// Takes the agreement figures once computed, if they are still of the open project.
    pub(in crate::ui) fn poll_agreement(&mut self) {
        let Some((root, job)) = &self.agreement_job else {
            return;
        };
        let result = match job.try_recv() {
            Ok(result) => Some(result),
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => None,
        };
        let current = self.workspace().is_some_and(|ws| &ws.project.root == root);
        if current && let Some(result) = result {
            self.state.agreement = Some(result);
        }
        self.agreement_job = None;
        self.state.agreement_pending = false;
    }
}

/// The compared annotators' stores of `doc`, as read (an unreadable one is left out).
fn compared<'a>(
    layers: &'a review::Layers,
    annotators: &'a [String],
    doc: DocId,
) -> Vec<(&'a str, &'a AnnotationStore)> {
    annotators
        .iter()
        .filter_map(|a| layers.get(a, doc).map(|s| (a.as_str(), s)))
        .collect()
}
