//! The application state every view reads: the open workspace, the panes with their
//! selections, the settings and the status line. Views get it read-only through
//! [`super::ViewContext`]; only [`super::AccordApp`]'s action handling changes it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::agreement::AgreementReport;
use crate::layout::TextStyle;
use crate::model::{AnnotationId, CharRange, LinkId};
use crate::project::{DocId, Workspace};
use crate::review::{Layers, ReviewItem};

/// Most panes side by side.
pub const MAX_PANES: usize = 4;

/// What is remembered across runs (eframe storage).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The annotator's name; asked on first start.
    pub annotator: Option<String>,
    /// Recently opened projects, newest first.
    pub recent: Vec<PathBuf>,
    /// Dark theme.
    pub dark: bool,
    /// Scroll panes together.
    pub sync_scroll: bool,
    /// Document text size.
    pub font_size: f32,
    /// Open panes per project folder.
    pub panes: BTreeMap<String, PaneLayout>,
    /// Draw every relation on screen; otherwise only those of the selected span.
    pub all_relations: bool,
    /// The ledger of commitments is shown below the panes.
    pub ledger: bool,
    /// What the side panel shows.
    pub side: SidePanel,
}

/// What the panel right of the panes shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SidePanel {
    /// The selected annotation.
    #[default]
    Annotation,
    /// The threads: cross-document groups, each a timeline.
    Threads,
    /// Agreement between the annotators.
    Agreement,
    /// Each annotator's progress: assigned, started, finished, annotations, last commit.
    Progress,
    /// The project's guidelines, at the section of the label in question.
    Guidelines,
    /// The label set, edited in place.
    Labels,
    /// The suggesters: each switched on or off, its threshold, how good it is.
    Suggestions,
}

impl SidePanel {
    /// The tabs, in the order they are shown. One tab per capability the side panel serves
    /// (a view type of `panels/` each, toggled by its command in the table).
    pub const ALL: [SidePanel; 7] = [
        SidePanel::Annotation,
        SidePanel::Labels,
        SidePanel::Guidelines,
        SidePanel::Suggestions,
        SidePanel::Threads,
        SidePanel::Agreement,
        SidePanel::Progress,
    ];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            SidePanel::Annotation => "Annotation",
            SidePanel::Guidelines => "Guidelines",
            SidePanel::Labels => "Labels",
            SidePanel::Threads => "Threads",
            SidePanel::Agreement => "Agreement",
            SidePanel::Progress => "Progress",
            SidePanel::Suggestions => "Suggestions",
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            annotator: None,
            recent: Vec::new(),
            dark: false,
            sync_scroll: false,
            font_size: 17.0,
            panes: BTreeMap::new(),
            all_relations: true,
            ledger: false,
            side: SidePanel::Annotation,
        }
    }
}

/// The panes of one project, as last left.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PaneLayout {
    /// Document file shown in each pane.
    pub documents: Vec<String>,
    /// Share of the width of each pane.
    pub fractions: Vec<f32>,
}

/// What is selected in a pane: some text (to label), an annotation (to edit), or nothing.
/// Each pane has exactly one, kept here and nowhere else.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Selection {
    /// Nothing.
    #[default]
    None,
    /// A range of text, snapped as the user saw it highlighted.
    Text(CharRange),
    /// An annotation of the pane's document.
    Annotation(AnnotationId),
    /// A suggestion shown in the pane's document: the range it covers (suggestions shown never
    /// overlap).
    Suggestion(CharRange),
}

impl Selection {
    /// The selected text range, if text is selected.
    pub fn text(self) -> Option<CharRange> {
        match self {
            Selection::Text(range) => Some(range),
            _ => None,
        }
    }

    /// The selected annotation, if one is.
    pub fn annotation(self) -> Option<AnnotationId> {
        match self {
            Selection::Annotation(id) => Some(id),
            _ => None,
        }
    }
}

/// What a click in the text does: select, or finish what a command started. The candidate is
/// the span Alt+↑/↓ stepped to, which Enter takes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Clicks select spans, drags select text.
    #[default]
    Select,
    /// Filling a span-reference attribute (a commitment's actors, target, deadline): a click
    /// on a span of an accepted label adds it; selected text and a label key create one.
    Pick {
        /// The document of the annotation being filled.
        doc: DocId,
        /// The annotation being filled.
        owner: AnnotationId,
        /// The attribute.
        attribute: String,
        /// The span stepped to with the keyboard.
        candidate: Option<AnnotationId>,
    },
    /// Making a relation from `from`: the next span clicked (or stepped to and taken with
    /// Enter) is its other end.
    Relate {
        /// The document.
        doc: DocId,
        /// Where the relation starts.
        from: AnnotationId,
        /// The span stepped to with the keyboard.
        candidate: Option<AnnotationId>,
    },
}

impl Mode {
    /// The span stepped to, if any.
    pub fn candidate(&self) -> Option<AnnotationId> {
        match self {
            Mode::Select => None,
            Mode::Pick { candidate, .. } | Mode::Relate { candidate, .. } => *candidate,
        }
    }
}

/// A pane's identity: the same for as long as the pane is open, whatever opens or closes
/// beside it, and never reused while the window runs (as helix's `ViewId`). Actions name a
/// pane by it, so one queued before another pane closes still reaches its own pane, and each
/// pane's view state is kept under it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PaneId(pub u64);

/// One pane: which document it shows and what is selected in it.
#[derive(Clone, Debug, PartialEq)]
pub struct PaneState {
    /// Which pane this is.
    pub id: PaneId,
    /// The document shown.
    pub doc: DocId,
    /// What is selected.
    pub selection: Selection,
    /// Share of the central width.
    pub fraction: f32,
    /// Other annotators whose annotations are drawn as read-only layers, in legend order.
    pub layers: Vec<String>,
    /// The workspace's own annotations are drawn (they can be hidden to read only others').
    pub own: bool,
}

impl PaneState {
    /// Pane `id` showing `doc`, nothing selected, only one's own annotations.
    pub fn new(id: PaneId, doc: DocId) -> Self {
        Self {
            id,
            doc,
            selection: Selection::None,
            fraction: 1.0,
            layers: Vec::new(),
            own: true,
        }
    }
}

/// A review in progress: the annotators compared, their spans of each document as review
/// items (the workspace is then the curated set), and the item being decided.
#[derive(Debug, Default)]
pub struct ReviewSession {
    /// The annotators compared, in the order their versions are numbered.
    pub annotators: Vec<String>,
    /// Each document's items, with the curated store's revision they were computed at.
    items: BTreeMap<DocId, DocItems>,
    /// Decided and all items of the project, kept as documents' items change (the status
    /// bar and the details panel show it every frame, whatever the project's size).
    total: (usize, usize),
    /// The item being decided: its document and index.
    pub current: Option<(DocId, usize)>,
    /// Each pane's document, layers and whether one's own annotations were drawn, when the
    /// review started: the panes go back to that when it stops.
    pub panes_before: Vec<(DocId, Vec<String>, bool)>,
}

/// One document's review items and how many are decided.
#[derive(Debug, Default)]
struct DocItems {
    /// The curated store's revision they were computed at.
    revision: u64,
    items: Vec<ReviewItem>,
    decided: usize,
}

impl ReviewSession {
    /// A review of `annotators`, nothing computed yet.
    pub fn new(annotators: Vec<String>) -> Self {
        Self {
            annotators,
            ..Self::default()
        }
    }

    /// The items of `doc` (none when it was not computed).
    pub fn items(&self, doc: DocId) -> &[ReviewItem] {
        self.items.get(&doc).map_or(&[], |d| &d.items)
    }

    /// The documents whose items were computed, in order.
    pub fn documents(&self) -> impl Iterator<Item = DocId> + '_ {
        self.items.keys().copied()
    }

    /// True when `doc`'s items were computed at the curated store's `revision`.
    pub fn is_current(&self, doc: DocId, revision: u64) -> bool {
        self.items.get(&doc).is_some_and(|d| d.revision == revision)
    }

    /// Marks `doc`'s items to be computed again (a compared annotator's file changed on disk).
    /// The item being decided stays chosen while the document still has that many items.
    pub fn outdate(&mut self, doc: DocId) {
        if let Some(d) = self.items.get_mut(&doc) {
            d.revision = u64::MAX;
        }
    }

    /// Puts `doc`'s items, computed at the curated store's `revision`.
    pub fn set_items(&mut self, doc: DocId, revision: u64, items: Vec<ReviewItem>) {
        let decided = items.iter().filter(|i| i.is_decided()).count();
        let new = (decided, items.len());
        if let Some(old) = self.items.insert(
            doc,
            DocItems {
                revision,
                items,
                decided,
            },
        ) {
            self.total.0 -= old.decided;
            self.total.1 -= old.items.len();
        }
        self.total.0 += new.0;
        self.total.1 += new.1;
        // Fewer items than before (recomputed after a change on disk): nothing is chosen.
        if self.current.is_some_and(|(d, i)| d == doc && i >= new.1) {
            self.current = None;
        }
    }

    /// The item being decided, with its document.
    pub fn current_item(&self) -> Option<(DocId, &ReviewItem)> {
        let (doc, i) = self.current?;
        self.items(doc).get(i).map(|item| (doc, item))
    }

    /// Decided and all items of `doc`.
    pub fn progress(&self, doc: DocId) -> (usize, usize) {
        self.items
            .get(&doc)
            .map_or((0, 0), |d| (d.decided, d.items.len()))
    }

    /// Decided and all items of the project.
    pub fn total_progress(&self) -> (usize, usize) {
        self.total
    }
}

/// A message in the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The text.
    pub text: String,
    /// True for problems.
    pub error: bool,
}

/// What the status bar reports.
#[derive(Clone, Debug, Default)]
pub struct Status {
    /// The latest message.
    pub message: Option<Message>,
    /// When the last save succeeded (time of day, UTC).
    pub last_save: Option<String>,
    /// Why the last save failed, until one succeeds.
    pub save_error: Option<String>,
}

/// The state of the window that views read.
#[derive(Debug, Default)]
pub struct AppState {
    /// Remembered settings.
    pub settings: Settings,
    /// The open project and the annotator's annotations, if a project is open.
    pub workspace: Option<Workspace>,
    /// Why the last project could not be opened.
    pub project_error: Option<String>,
    /// The project that opens once the annotator has given a name (first start).
    pub waiting_for_name: Option<std::path::PathBuf>,
    /// A big project being read on a worker thread: its documents as listed, and how far the
    /// reading has got.
    pub opening: Option<crate::ui::opening::Opening>,
    /// The panes, left to right.
    pub panes: Vec<PaneState>,
    /// The pane keys go to.
    pub active: PaneId,
    /// The id the next pane opened gets.
    next_pane: u64,
    /// The label "label all matches" uses: the one applied last.
    pub current_label: Option<String>,
    /// The status bar.
    pub status: Status,
    /// The text copied last (also on the system clipboard when there is one).
    pub last_copied: Option<String>,
    /// What a click in the text does.
    pub mode: Mode,
    /// A relation pointed at outside the text (in the details panel), drawn highlighted.
    pub hovered_link: Option<(DocId, LinkId)>,
    /// Other annotators' annotations, read when a pane or the review first shows them.
    pub layers: Layers,
    /// The review in progress, if any (the workspace is then the curated set).
    pub review: Option<ReviewSession>,
    /// The agreement figures last computed for the open project, or why they could not be.
    pub agreement: Option<Result<AgreementReport, String>>,
    /// True while the agreement figures are being computed (off the UI thread: reading every
    /// annotator's files of a big project takes a good part of a second).
    pub agreement_pending: bool,
    /// Git: where the project stands against its remote branch, and the sync running.
    pub sync: crate::ui::sync::TeamState,
    /// What `assignments.ron` and the annotator's status file say, read when the project
    /// opens.
    pub team: Team,
    /// Each annotator's progress, as last computed (off the UI thread: at open, after saves,
    /// on asking).
    pub progress: Option<crate::progress::Progress>,
    /// True while the progress is being computed.
    pub progress_pending: bool,
    /// Documents being added to the project: how many of how many are read.
    pub adding: Option<(usize, usize)>,
    /// The label whose guideline was last asked for (from the palette), numbered so that
    /// asking again for the same label scrolls to it again.
    pub guidelines_asked: Option<(u64, String)>,
    /// The suggestions shown, and what the suggesters are doing.
    pub suggestions: Suggestions,
}

/// The suggestions of the open project for the annotator ([`crate::suggest`]), as the worker
/// last sent them.
#[derive(Debug, Default)]
pub struct Suggestions {
    /// Hidden by the annotator (the toggle): none drawn, none stepped to.
    pub hidden: bool,
    /// By document slot, by start; none over one of the annotator's spans.
    pub by_doc: std::collections::HashMap<DocId, Vec<crate::suggest::Suggestion>>,
    /// The workspace revision the shown ones were learned at.
    pub revision: Option<u64>,
    /// The worker is computing them (some documents may still show older ones).
    pub pending: bool,
    /// Forms the string suggesters know.
    pub forms: usize,
    /// The tagger has learned something.
    pub tagger: bool,
    /// What could not be read (a gazetteer) or answered (an external recommender).
    pub problems: Vec<String>,
    /// The external recommender's last answer: how many suggestions, or why none.
    pub external: Option<Result<usize, String>>,
    /// Every suggester's figures, as last measured.
    pub evaluation: Option<crate::suggest::evaluate::Evaluation>,
    /// The worker is measuring.
    pub evaluating: bool,
}

impl Suggestions {
    /// The suggestions shown in `doc`, by start (none when hidden).
    pub fn of(&self, doc: DocId) -> &[crate::suggest::Suggestion] {
        if self.hidden {
            return &[];
        }
        self.by_doc.get(&doc).map_or(&[], Vec::as_slice)
    }

    /// The suggestion of `doc` covering exactly `range`.
    pub fn at(&self, doc: DocId, range: CharRange) -> Option<&crate::suggest::Suggestion> {
        self.of(doc).iter().find(|s| s.range == range)
    }
}

/// The open project's assignments as they concern the annotator here.
#[derive(Clone, Debug, Default)]
pub struct Team {
    /// The documents assigned to this annotator, in project order.
    pub assigned: std::collections::BTreeSet<DocId>,
    /// The documents this annotator marked finished (`status/<annotator>.ron`).
    pub finished: std::collections::BTreeSet<String>,
    /// Why `assignments.ron` or the status file could not be read.
    pub error: Option<String>,
}

impl AppState {
    /// The state of a window with no project open yet.
    pub fn new(settings: Settings) -> Self {
        Self {
            settings,
            ..Self::default()
        }
    }

    /// The suggestions shown were learned from the workspace's latest labels, and the worker
    /// is computing nothing more.
    pub fn suggestions_settled(&self) -> bool {
        let revision = self.workspace.as_ref().map(|ws| ws.revision());
        self.suggestions.revision.is_some()
            && self.suggestions.revision == revision
            && !self.suggestions.pending
    }

    /// The annotator's name ("annotator" until one is given).
    pub fn annotator(&self) -> &str {
        self.settings.annotator.as_deref().unwrap_or("annotator")
    }

    /// Text style of documents.
    pub fn text_style(&self) -> TextStyle {
        TextStyle {
            font_size: self.settings.font_size,
            ..TextStyle::default()
        }
    }

    /// The active pane, if there is one.
    pub fn active_pane(&self) -> Option<&PaneState> {
        self.pane(self.active)
    }

    /// Pane `id`, if it is open.
    pub fn pane(&self, id: PaneId) -> Option<&PaneState> {
        self.panes.iter().find(|p| p.id == id)
    }

    /// Pane `id`, to change it, if it is open.
    pub fn pane_mut(&mut self, id: PaneId) -> Option<&mut PaneState> {
        self.panes.iter_mut().find(|p| p.id == id)
    }

    /// Where pane `id` is, counted from the left.
    pub fn pane_index(&self, id: PaneId) -> Option<usize> {
        self.panes.iter().position(|p| p.id == id)
    }

    /// A new pane showing `doc`, with an id no pane has had (not yet placed among the panes).
    pub fn new_pane(&mut self, doc: DocId) -> PaneState {
        let id = PaneId(self.next_pane);
        self.next_pane += 1;
        PaneState::new(id, doc)
    }

    /// The document shown in the active pane.
    pub fn active_doc(&self) -> Option<DocId> {
        self.active_pane().map(|p| p.doc)
    }

    /// The annotation selected in the active pane, with its document.
    pub fn selected_annotation(&self) -> Option<(DocId, AnnotationId)> {
        let pane = self.active_pane()?;
        pane.selection.annotation().map(|id| (pane.doc, id))
    }

    /// The annotation the details panel shows: the one being filled while picking, else the
    /// one selected in the active pane.
    pub fn details_target(&self) -> Option<(DocId, AnnotationId)> {
        match &self.mode {
            Mode::Pick { doc, owner, .. } => Some((*doc, *owner)),
            _ => self.selected_annotation(),
        }
    }

    /// The annotation selected in a pane other than the active one (the rightmost, when
    /// several are): the other end of a link across documents.
    pub fn selected_elsewhere(&self) -> Option<(DocId, AnnotationId)> {
        self.panes
            .iter()
            .filter(|p| p.id != self.active && Some(p.doc) != self.active_doc())
            .rev()
            .find_map(|p| p.selection.annotation().map(|id| (p.doc, id)))
    }

    /// The text of what is selected in the active pane: the annotation's text, else the
    /// selected text.
    pub fn selected_text(&self) -> Option<String> {
        let ws = self.workspace.as_ref()?;
        let pane = self.active_pane()?;
        match pane.selection {
            Selection::Annotation(id) => ws.store(pane.doc).get(id).map(|a| a.text()),
            Selection::Text(range) | Selection::Suggestion(range) => {
                ws.document(pane.doc)?.slice(range).map(str::to_owned)
            }
            Selection::None => None,
        }
    }
}
