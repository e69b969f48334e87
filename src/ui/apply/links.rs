//! Applying what ties annotations together: picking a commitment's actors, target and
//! deadline in the text, relations between spans, links across documents, and deleting an
//! annotation that others depend on (asked first).

use crate::edit::Edit;
use crate::model::AnnotationId;
use crate::project::groups::GroupEdit;
use crate::project::{Change, DocId, RefTarget, Step, Workspace};

use crate::schema::or_list;
use crate::ui::app::AccordApp;
use crate::ui::panels::dialogs::KindChoice;
use crate::ui::state::{Mode, Selection};

/// What a span-reference attribute accepts: its labels (empty: any) and whether it takes
/// several.
fn accepted(
    ws: &Workspace,
    doc: DocId,
    owner: AnnotationId,
    attribute: &str,
) -> (Vec<String>, bool) {
    ws.store(doc)
        .get(owner)
        .and_then(|a| ws.project.schema.reference_labels(&a.label, attribute))
        .map_or((Vec::new(), false), |(labels, many)| {
            (labels.to_vec(), many)
        })
}

impl AccordApp {
    /// Starts filling a span reference by clicking spans, or stops when it is already being
    /// filled.
    pub(in crate::ui) fn start_pick(&mut self, doc: DocId, owner: AnnotationId, attribute: String) {
        if let Mode::Pick {
            doc: d,
            owner: o,
            attribute: a,
            ..
        } = &self.state.mode
            && (*d, *o, a.as_str()) == (doc, owner, attribute.as_str())
        {
            self.stop_mode("Stopped picking");
            return;
        }
        let Some(ws) = self.workspace() else { return };
        let (labels, _) = accepted(ws, doc, owner, &attribute);
        let hint = format!(
            "Picking {attribute}: click a {} span, or select text and press a label key to create one; Alt+↑/↓ and Enter step and take; Esc stops",
            or_list(&labels)
        );
        self.state.mode = Mode::Pick {
            doc,
            owner,
            attribute,
            candidate: None,
        };
        self.info(hint);
    }

    /// Leaves picking or relating.
    pub(in crate::ui) fn stop_mode(&mut self, message: &str) {
        self.state.mode = Mode::Select;
        self.info(message);
    }

    /// Picks `target` for the attribute being filled (an existing span, or a new one).
    /// Returns true when the pick was made.
    pub(in crate::ui) fn pick(&mut self, target: RefTarget) -> bool {
        let Mode::Pick {
            doc,
            owner,
            attribute,
            ..
        } = self.state.mode.clone()
        else {
            return false;
        };
        let Some(ws) = self.workspace() else {
            return false;
        };
        let (labels, many) = accepted(ws, doc, owner, &attribute);
        let label = match &target {
            RefTarget::Existing(id) => ws.store(doc).get(*id).map(|a| a.label.clone()),
            RefTarget::New { label, .. } => Some(label.clone()),
        };
        if let Some(label) = &label
            && !labels.is_empty()
            && !labels.contains(label)
        {
            self.error(format!(
                "{attribute} takes a {} span, not {label}",
                or_list(&labels)
            ));
            return false;
        }
        let step = match ws.reference_step(doc, owner, &attribute, target) {
            Ok(step) => step,
            Err(e) => {
                self.error(format!("{e}"));
                return false;
            }
        };
        if self.edit(step).is_none() {
            return false;
        }
        // The panes showing the document keep the commitment selected.
        for pane in &mut self.state.panes {
            if pane.doc == doc && pane.selection.annotation() != Some(owner) {
                pane.selection = Selection::Annotation(owner);
            }
        }
        if many {
            if let Mode::Pick { candidate, .. } = &mut self.state.mode {
                *candidate = None;
            }
            self.info(format!("Added to {attribute}; pick more, or Esc to stop"));
        } else {
            self.stop_mode(&format!("{attribute} set"));
        }
        true
    }

    /// A click on spans while picking or relating: the innermost span that fits is taken.
    /// Returns false when the click is not for the mode (it then selects as usual).
    pub(in crate::ui) fn click_in_mode(
        &mut self,
        pane_doc: DocId,
        annotations: &[AnnotationId],
    ) -> bool {
        match self.state.mode.clone() {
            Mode::Select => false,
            Mode::Pick {
                doc,
                owner,
                attribute,
                ..
            } => {
                if annotations.is_empty() {
                    return false;
                }
                if pane_doc != doc {
                    self.error(format!(
                        "{attribute} must be a span of the same document; to tie spans of two documents use Link > Link across documents"
                    ));
                    return true;
                }
                let Some(ws) = self.workspace() else {
                    return true;
                };
                let (labels, _) = accepted(ws, doc, owner, &attribute);
                let store = ws.store(doc);
                let fitting = annotations.iter().copied().find(|id| {
                    *id != owner
                        && store
                            .get(*id)
                            .is_some_and(|a| labels.is_empty() || labels.contains(&a.label))
                });
                match fitting {
                    Some(id) => {
                        self.pick(RefTarget::Existing(id));
                    }
                    None => self.error(format!(
                        "{attribute} takes a {} span; click one of those, or select text and press a label key",
                        or_list(&labels)
                    )),
                }
                true
            }
            Mode::Relate { doc, from, .. } => {
                if annotations.is_empty() {
                    return false;
                }
                if pane_doc != doc {
                    self.error(
                        "A relation joins spans of one document; for two documents use Link > Link across documents",
                    );
                    return true;
                }
                match annotations.iter().copied().find(|id| *id != from) {
                    Some(to) => {
                        self.state.mode = Mode::Select;
                        self.relate(doc, from, to);
                    }
                    None => self.info("Click another span: a relation joins two"),
                }
                true
            }
        }
    }

    /// A label key while picking with text selected: the text becomes a span of that label and
    /// the attribute's value at once. Returns true when it was for the pick.
    pub(in crate::ui) fn label_in_pick(&mut self, label: &str) -> bool {
        let Mode::Pick { doc, .. } = self.state.mode else {
            return false;
        };
        let text = self
            .state
            .panes
            .iter()
            .enumerate()
            .filter(|(_, p)| p.doc == doc)
            .find_map(|(i, p)| p.selection.text().map(|r| (i, r)));
        let Some((_, range)) = text else {
            return false;
        };
        self.pick(RefTarget::New {
            label: label.to_owned(),
            range,
        });
        true
    }

    /// Alt+↑/↓ while picking or relating: step to the next span that fits.
    pub(in crate::ui) fn step_candidate(&mut self, forward: bool) -> bool {
        let (doc, anchor) = match &self.state.mode {
            Mode::Select => return false,
            Mode::Pick { doc, owner, .. } => (*doc, *owner),
            Mode::Relate { doc, from, .. } => (*doc, *from),
        };
        let Some(ws) = self.workspace() else {
            return true;
        };
        let store = ws.store(doc);
        let schema = &ws.project.schema;
        let anchor_label = store.get(anchor).map_or("", |a| a.label.as_str());
        let fits = |label: &str| match &self.state.mode {
            Mode::Pick { attribute, .. } => schema
                .reference_labels(anchor_label, attribute)
                .is_some_and(|(ok, _)| ok.is_empty() || ok.iter().any(|l| l == label)),
            Mode::Relate { .. } => schema
                .relations_between(anchor_label, label)
                .next()
                .is_some(),
            Mode::Select => false,
        };
        let order: Vec<(usize, AnnotationId)> = store
            .in_file_order()
            .into_iter()
            .filter(|a| a.id != anchor && fits(&a.label))
            .map(|a| (a.extent().start, a.id))
            .collect();
        if order.is_empty() {
            self.info("No span here fits");
            return true;
        }
        let current = self.state.mode.candidate().or(Some(anchor));
        let at = current
            .and_then(|c| store.get(c))
            .map_or(0, |a| a.extent().start);
        let key = |(start, id): &(usize, AnnotationId)| (*start, *id);
        let here = (at, current.unwrap_or(AnnotationId(0)));
        let next = if forward {
            order.iter().find(|c| key(c) > here).or(order.first())
        } else {
            order.iter().rev().find(|c| key(c) < here).or(order.last())
        };
        let Some(&(_, id)) = next else { return true };
        let range = store.get(id).map(|a| a.extent());
        match &mut self.state.mode {
            Mode::Pick { candidate, .. } | Mode::Relate { candidate, .. } => *candidate = Some(id),
            Mode::Select => {}
        }
        if let Some(range) = range {
            let pane = self.pane_for(doc);
            self.scroll_pane_to(pane, range);
        }
        true
    }

    /// Enter while picking or relating: take the span stepped to.
    pub(in crate::ui) fn take_candidate(&mut self) {
        match self.state.mode.clone() {
            Mode::Pick {
                candidate: Some(id),
                ..
            } => {
                self.pick(RefTarget::Existing(id));
            }
            Mode::Relate {
                doc,
                from,
                candidate: Some(to),
            } => {
                self.state.mode = Mode::Select;
                self.relate(doc, from, to);
            }
            Mode::Select => {}
            _ => self.info("Step to a span first with Alt+↑/↓"),
        }
    }

    /// Ctrl+R: a relation from the selected span.
    pub(in crate::ui) fn start_relation(&mut self) {
        let Some((doc, from)) = self.state.selected_annotation() else {
            self.info("Select the span the relation starts from, then Ctrl+R");
            return;
        };
        self.state.mode = Mode::Relate {
            doc,
            from,
            candidate: None,
        };
        self.info(
            "Relation: click the span it goes to (or Alt+↑/↓ and Enter); Esc stops. Shift+drag from span to span does it in one move",
        );
    }

    /// Relates two spans: directly when one kind fits, else the kind is asked.
    pub(in crate::ui) fn relate(&mut self, doc: DocId, from: AnnotationId, to: AnnotationId) {
        let Some(ws) = self.workspace() else { return };
        let store = ws.store(doc);
        let (Some(a), Some(b)) = (store.get(from), store.get(to)) else {
            return;
        };
        let kinds: Vec<String> = ws
            .project
            .schema
            .relations_between(&a.label, &b.label)
            .map(|r| r.name.clone())
            .collect();
        let (la, lb) = (a.label.clone(), b.label.clone());
        match kinds.as_slice() {
            [] => self.error(format!("No relation of the schema goes from {la} to {lb}")),
            [kind] => self.add_relation(doc, kind.clone(), from, to),
            _ => self.views.dialogs.choose_kind(
                format!("Relation from {la} #{} to {lb} #{}", from.0, to.0),
                kinds,
                KindChoice::Relation { doc, from, to },
            ),
        }
    }

    pub(in crate::ui) fn add_relation(
        &mut self,
        doc: DocId,
        kind: String,
        from: AnnotationId,
        to: AnnotationId,
    ) {
        let exists = self.workspace().is_some_and(|ws| {
            ws.store(doc)
                .links_of(from)
                .any(|l| l.from == from && l.to == to && l.kind == kind)
        });
        if exists {
            self.info(format!("They are already related as {kind}"));
            return;
        }
        if self
            .edit(vec![(
                doc,
                Edit::AddLink {
                    kind: kind.clone(),
                    from,
                    to,
                },
            )])
            .is_some()
        {
            // Selected, the span shows its relations, the new one among them, even when
            // "All relations" is off.
            self.select_annotation(doc, from);
            self.info(format!("Related: #{} {kind} #{}", from.0, to.0));
        }
    }

    /// Ctrl+L: links the span selected in the active pane with the one selected in another.
    pub(in crate::ui) fn link_across_documents(&mut self) {
        let (Some(a), Some(b)) = (
            self.state.selected_annotation(),
            self.state.selected_elsewhere(),
        ) else {
            self.info(
                "Select a span in one pane and a span of another document in another pane, then Link across documents (Ctrl+L)",
            );
            return;
        };
        let Some(ws) = self.workspace() else { return };
        let label = |(doc, id): (DocId, AnnotationId)| {
            ws.store(doc)
                .get(id)
                .map(|a| a.label.clone())
                .unwrap_or_default()
        };
        let (la, lb) = (label(a), label(b));
        let labels = [la.as_str(), lb.as_str()];
        let kinds: Vec<String> = ws
            .project
            .schema
            .group_kinds_for(&labels)
            .map(|k| k.name.clone())
            .collect();
        match kinds.as_slice() {
            [] => self.error(format!(
                "No cross-document kind of the schema takes {la} and {lb}"
            )),
            [kind] => self.link_across(a, b, kind.clone()),
            _ => self.views.dialogs.choose_kind(
                format!("Link {la} and {lb} across documents as"),
                kinds,
                KindChoice::Group { a, b },
            ),
        }
    }

    pub(in crate::ui) fn link_across(
        &mut self,
        a: (DocId, AnnotationId),
        b: (DocId, AnnotationId),
        kind: String,
    ) {
        let Some(ws) = self.workspace() else { return };
        match ws.link_step(a, b, &kind) {
            None => self.info(format!("They are already linked as {kind}")),
            Some(step) => {
                if self.edit(step).is_some() {
                    let group = self.workspace().and_then(|ws| {
                        ws.groups()
                            .store
                            .group_of_kind(&ws.member(a.0, a.1), &kind)
                            .map(|g| (g.id, g.members.len()))
                    });
                    if let Some((id, n)) = group {
                        self.info(format!("Linked as {kind}: thread {} has {n} members", id.0));
                    }
                }
            }
        }
    }

    pub(in crate::ui) fn unlink(
        &mut self,
        doc: DocId,
        id: AnnotationId,
        group: crate::model::GroupId,
    ) {
        let Some(ws) = self.workspace() else { return };
        let member = ws.member(doc, id);
        let Some(g) = ws.groups().store.get(group) else {
            return;
        };
        let edit = if g.members.len() > 2 {
            GroupEdit::RemoveMember { id: group, member }
        } else {
            GroupEdit::Remove { id: group }
        };
        if self.edit(Step(vec![Change::Groups(edit)])).is_some() {
            self.info("Taken out of the thread (Ctrl+Z puts it back)");
        }
    }

    /// Delete: at once when nothing depends on the annotation, else after asking.
    pub(in crate::ui) fn delete_selected(&mut self) {
        let Some((doc, id)) = self.state.selected_annotation() else {
            self.info("Select an annotation to delete (click it)");
            return;
        };
        let Some(ws) = self.workspace() else { return };
        let ties = ws.ties(doc, id);
        if ties.is_empty() {
            self.delete(doc, id);
            return;
        }
        let what = ws
            .store(doc)
            .get(id)
            .map(|a| format!("{} #{}", a.label, id.0))
            .unwrap_or_default();
        self.views.dialogs.confirm_delete(doc, id, what, ties);
    }

    pub(in crate::ui) fn delete(&mut self, doc: DocId, id: AnnotationId) {
        if self.edit(vec![(doc, Edit::Remove { id })]).is_some() {
            for pane in &mut self.state.panes {
                if pane.doc == doc && pane.selection == Selection::Annotation(id) {
                    pane.selection = Selection::None;
                }
            }
            if matches!(&self.state.mode, Mode::Pick { owner, .. } | Mode::Relate { from: owner, .. } if *owner == id)
            {
                self.state.mode = Mode::Select;
            }
            self.info("Deleted (Ctrl+Z restores it with everything tied to it)");
        }
    }
}
