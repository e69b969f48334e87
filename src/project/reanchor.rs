//! Re-anchoring in a workspace: the flagged annotations of a changed document, and moving them
//! as one undoable step (see [`crate::edit::reanchor`] for how they are found).

use crate::edit::reanchor::{self, Plan};
use crate::model::{AnnotationId, Timestamp};

use super::{DocId, Workspace, WorkspaceError};

impl Workspace {
    /// The annotations of `doc` whose stored text no longer matches the document, in file
    /// order (empty when the document did not open).
    pub fn flagged(&self, doc: DocId) -> Vec<AnnotationId> {
        self.document(doc)
            .map(|d| reanchor::flagged(self.store(doc), d))
            .unwrap_or_default()
    }

    /// What re-anchoring `doc` would do, without doing it (`None` when the document did not
    /// open).
    pub fn plan_reanchor(&self, doc: DocId) -> Option<Plan> {
        let document = self.document(doc)?;
        Some(reanchor::plan(
            self.store(doc),
            document,
            &self.project.schema,
            &Timestamp::now(),
        ))
    }

    /// Moves the flagged annotations of `doc` to where their text is now, as one undoable
    /// step, and says what moved and what could not be placed (which stays as it was).
    pub fn reanchor(&mut self, doc: DocId) -> Result<Plan, WorkspaceError> {
        let Some(plan) = self.plan_reanchor(doc) else {
            return Err(WorkspaceError::Locked {
                document: self.file_name(doc).to_owned(),
                reason: "the document is not open".into(),
            });
        };
        if !plan.edits.is_empty() {
            self.apply(
                plan.edits
                    .iter()
                    .map(|e| (doc, e.clone()))
                    .collect::<Vec<_>>(),
            )?;
        }
        Ok(plan)
    }
}
