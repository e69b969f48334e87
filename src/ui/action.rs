//! What views ask for. A view never changes the state it reads: it sends an [`Action`] through
//! its [`ViewContext`], and [`super::AccordApp`] applies the actions in order at the end of the
//! frame (actions sent while applying are applied too, before the frame ends).

use std::path::PathBuf;

use crate::edit::Edit;
use crate::model::{AnnotationId, CharRange, GroupId, LinkId};
use crate::project::{DocId, Resolution, WorkspaceFile};
use crate::review::Decision;

use super::commands::Command;
use super::exchange::ExchangeRequest;
use super::state::{AppState, PaneId};
use super::text::TextEngine;
use super::text_view::ViewEvent;

/// A change a view asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A command from the table (menu or key).
    Run(Command),
    /// Stop the sync running (its Cancel button).
    CancelSync,
    /// Apply a label: to the active pane's selected text (a new span) or selected annotation
    /// (relabel).
    Label(String),
    /// An edit of one document (from the details panel).
    Edit {
        /// The document.
        doc: DocId,
        /// The edit.
        edit: Edit,
    },
    /// Select an annotation in the pane showing its document (the active pane if none does)
    /// and scroll to it.
    SelectAnnotation {
        /// The document.
        doc: DocId,
        /// The annotation.
        id: AnnotationId,
    },
    /// Show a range of a document, in the pane showing it or the active pane, and select it.
    Reveal {
        /// The document.
        doc: DocId,
        /// The range.
        range: CharRange,
    },
    /// Scroll pane `pane` so that `range` of its document is in view, selecting nothing.
    ScrollTo {
        /// The pane.
        pane: PaneId,
        /// The range.
        range: CharRange,
    },
    /// Show a document in a pane.
    ShowDocument {
        /// The pane.
        pane: PaneId,
        /// The document.
        doc: DocId,
    },
    /// Make a pane the active one.
    Activate(PaneId),
    /// Close a pane.
    ClosePane(PaneId),
    /// Move the border right of pane `left` by `delta` (share of the width).
    ResizePanes {
        /// The pane left of the border.
        left: PaneId,
        /// How far, as a share of the central width.
        delta: f32,
    },
    /// Open a project folder (or a document's folder).
    OpenPath(PathBuf),
    /// Create a project (the New project dialog) and add its documents.
    CreateProject(NewProjectPlan),
    /// Add documents (files, folders, tables of texts) to the open project.
    AddDocuments(Vec<PathBuf>),
    /// Stop adding documents (nothing is written then).
    CancelAdding,
    /// Show this document first once the project being opened is read.
    OpenFirst(String),
    /// Stop opening the project being read (nothing is written then).
    StopOpening,
    /// Show a label's section of the guidelines.
    GuidelinesFor(String),
    /// Write a first `guidelines.md` from the label set (the project has none).
    WriteGuidelines,
    /// Change the label set (one undoable step, saved at once).
    EditSchema(crate::schema::edit::SchemaEdit),
    /// Change a document's title, language or date in the project file.
    SetDocumentEntry {
        /// The document.
        doc: DocId,
        /// Its entry as it is to be.
        entry: crate::project::DocumentEntry,
    },
    /// Ask whether to take a document out of the project.
    AskRemoveDocument(String),
    /// Take a document out of the project (its annotation files kept aside).
    RemoveDocument(String),
    /// Rename an attribute of a label, in the label set and everyone's spans.
    RenameAttribute {
        /// The label.
        label: String,
        /// The attribute.
        from: String,
        /// Its new name.
        to: String,
    },
    /// Rename a value of a list attribute, in the label set and everyone's spans.
    RenameValue {
        /// The label.
        label: String,
        /// The attribute.
        attribute: String,
        /// The value.
        from: String,
        /// Its new name.
        to: String,
    },
    /// Delete a label: its spans (everyone's) get `relabel_as`, or keep it and are flagged.
    DeleteLabel {
        /// The label.
        name: String,
        /// The label its spans get instead.
        relabel_as: Option<String>,
    },
    /// Rename a label, and relabel the annotator's spans of it in the same step.
    RenameLabel {
        /// The label's name.
        from: String,
        /// Its new name.
        to: String,
    },
    /// The user confirmed the annotator name.
    SetAnnotator(String),
    /// The user answered the unsaved-changes prompt: save first, drop the changes, or stay.
    AnswerClose(CloseAnswer),
    /// Start filling span-reference attribute `attribute` of `owner` by clicking spans (or stop,
    /// when that is what is being filled).
    Pick {
        /// The document.
        doc: DocId,
        /// The annotation to fill.
        owner: AnnotationId,
        /// The attribute.
        attribute: String,
    },
    /// Start a relation from the selected span: the next span clicked is its other end.
    StartRelation,
    /// Relate two spans of a document: the kind is asked when the schema allows several.
    Relate {
        /// The document.
        doc: DocId,
        /// Where the relation starts.
        from: AnnotationId,
        /// Where it ends.
        to: AnnotationId,
    },
    /// Add a relation of a chosen kind.
    AddRelation {
        /// The document.
        doc: DocId,
        /// The relation kind.
        kind: String,
        /// Where it starts.
        from: AnnotationId,
        /// Where it ends.
        to: AnnotationId,
    },
    /// Link two annotations of different documents as the same thing of `kind` (joining a
    /// group one of them is in, or starting one).
    LinkAcross {
        /// One end.
        a: (DocId, AnnotationId),
        /// The other.
        b: (DocId, AnnotationId),
        /// The cross-document kind.
        kind: String,
    },
    /// Take an annotation out of a cross-document group.
    Unlink {
        /// The document.
        doc: DocId,
        /// The annotation.
        id: AnnotationId,
        /// The group.
        group: GroupId,
    },
    /// Delete an annotation (after "are you sure?" when it is tied to others).
    Delete {
        /// The document.
        doc: DocId,
        /// The annotation.
        id: AnnotationId,
    },
    /// A relation is pointed at outside the text (or no longer is): draw it highlighted.
    HoverLink(Option<(DocId, LinkId)>),
    /// Draw (or stop drawing) `annotator`'s annotations as a read-only layer in pane `pane`.
    ShowLayer {
        /// The pane.
        pane: PaneId,
        /// Whose annotations.
        annotator: String,
        /// Drawn or not.
        shown: bool,
    },
    /// Draw (or hide) the workspace's own annotations in pane `pane`.
    ShowOwn {
        /// The pane.
        pane: PaneId,
        /// Drawn or not.
        shown: bool,
    },
    /// Every pane draws every other annotator's annotations as layers.
    ShowOthers,
    /// Start reviewing: compare these annotators, deciding into the curated set.
    StartReview {
        /// The annotators compared, in the order their versions are numbered.
        annotators: Vec<String>,
    },
    /// Decide the current review item.
    Decide(Decision),
    /// Make item `index` of `doc` the current review item, and show it.
    SelectItem {
        /// The document.
        doc: DocId,
        /// Index among the document's items.
        index: usize,
    },
    /// Put a reviewer's comment on item `index` of `doc`.
    Comment {
        /// The document.
        doc: DocId,
        /// Index among the document's items.
        index: usize,
        /// The comment.
        text: String,
    },
    /// Compute the agreement figures of the open project (as `accord agree` does).
    ComputeAgreement,
    /// Compute every annotator's progress again (from the saved files and git).
    RefreshProgress,
    /// Write the project's suggestion settings (`accord.ron`) and suggest again with them.
    SuggestionSettings(crate::suggest::Settings),
    /// Measure every suggester on the annotator's own labels.
    EvaluateSuggesters,
    /// Ask the external recommender about the documents in the panes.
    AskExternal,
    /// Resolve a file changed on disk while there were unsaved changes to it.
    Resolve {
        /// Which file.
        file: WorkspaceFile,
        /// The user's choice.
        how: Resolution,
    },
    /// Relocate the annotations of a changed document by their stored text.
    Reanchor(DocId),
    /// A document view reported a pointer event.
    View {
        /// The pane.
        pane: PaneId,
        /// What happened.
        event: ViewEvent,
    },
    /// Start an export or import (saving first), or cancel the running one.
    Exchange(ExchangeRequest),
    /// The annotator says the journal written elsewhere (another machine or folder), set
    /// aside on opening, holds their edits: put them back.
    AcceptForeignJournal,
}

/// An answer to "close with unsaved changes?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseAnswer {
    /// Save, then close.
    SaveAndClose,
    /// Close without saving.
    Discard,
    /// Stay open.
    Cancel,
}

/// A project to create, as the New project dialog fills it in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewProjectPlan {
    /// Its folder (created when missing).
    pub folder: PathBuf,
    /// Its name.
    pub name: String,
    /// The label set it starts from.
    pub labels: crate::project::setup::LabelSetStart,
    /// Files, folders and tables of texts to add.
    pub documents: Vec<PathBuf>,
}

/// What a view gets each frame: the state to read, the shared text engine (fonts and glyph
/// cache), and the way to ask for changes.
pub struct ViewContext<'a> {
    /// The application state, read-only.
    pub state: &'a AppState,
    /// Fonts and glyph cache, shared by every view that shows text.
    pub engine: &'a mut TextEngine,
    actions: &'a mut Vec<Action>,
}

impl<'a> ViewContext<'a> {
    /// A context over `state` that queues actions in `actions`.
    pub fn new(
        state: &'a AppState,
        engine: &'a mut TextEngine,
        actions: &'a mut Vec<Action>,
    ) -> Self {
        Self {
            state,
            engine,
            actions,
        }
    }

    /// Asks for a change, applied at the end of the frame.
    pub fn send(&mut self, action: Action) {
        self.actions.push(action);
    }
}
