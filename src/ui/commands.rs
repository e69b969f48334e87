//! The one table of commands: their names, shortcuts and menus. The menu bar, the keyboard
//! handling and the shortcut overlay (F1) are all built from it.

use egui::{Key, KeyboardShortcut, Modifiers};

/// A menu of the menu bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Menu {
    /// File menu.
    File,
    /// Edit menu.
    Edit,
    /// View menu.
    View,
    /// Link menu: relations, links across documents.
    Link,
    /// Suggestions menu: stepping through, accepting and rejecting what the machine proposes.
    Suggest,
    /// Review menu: comparing annotators, deciding the curated set, agreement.
    Review,
    /// Help menu.
    Help,
}

impl Menu {
    /// All menus in bar order.
    pub const ALL: [Menu; 7] = [
        Menu::File,
        Menu::Edit,
        Menu::View,
        Menu::Link,
        Menu::Suggest,
        Menu::Review,
        Menu::Help,
    ];

    /// Title in the bar.
    pub fn title(self) -> &'static str {
        match self {
            Menu::File => "File",
            Menu::Edit => "Edit",
            Menu::View => "View",
            Menu::Link => "Link",
            Menu::Suggest => "Suggestions",
            Menu::Review => "Review",
            Menu::Help => "Help",
        }
    }
}

/// Declares the commands, one entry each: its doc, `Name = "title", Menu, [MODIFIERS Key, …]`
/// and `review` for a command that only works while reviewing. From it come the
/// [`Command`] enum and its list, titles, shortcuts, menus and the review flag; what a command
/// does is `run_command` in `ui/apply/mod.rs` (a new command there is a compile error until
/// it is handled).
macro_rules! commands {
    ($(
        $(#[$doc:meta])*
        $name:ident = $title:literal, $menu:ident, [$($mods:ident $key:ident),*] $(, $review:ident)?;
    )*) => {
        /// Something the user can ask for by menu or key.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Command {
            $($(#[$doc])* $name,)*
        }

        impl Command {
            /// Every command, in menu order.
            pub const ALL: &'static [Command] = &[$(Command::$name),*];

            /// What the menu and the overlay call it.
            pub fn title(self) -> &'static str {
                match self {
                    $(Command::$name => $title,)*
                }
            }

            /// Keys that run it; the first is shown in menus.
            pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
                match self {
                    $(Command::$name => const { &[$(KeyboardShortcut::new($mods, Key::$key)),*] },)*
                }
            }

            /// The menu it appears in, if any.
            pub fn menu(self) -> Option<Menu> {
                match self {
                    $(Command::$name => menu_of!($menu),)*
                }
            }

            /// True for commands that only mean something while reviewing: their
            /// plain-letter keys are label hotkeys otherwise.
            pub fn review_only(self) -> bool {
                match self {
                    $(Command::$name => is_review!($($review)?),)*
                }
            }
        }
    };
}

macro_rules! menu_of {
    (None) => {
        None
    };
    ($menu:ident) => {
        Some(Menu::$menu)
    };
}

macro_rules! is_review {
    () => {
        false
    };
    (review) => {
        true
    };
}

const CTRL: Modifiers = Modifiers::COMMAND;
const CTRL_SHIFT: Modifiers = Modifiers::COMMAND.plus(Modifiers::SHIFT);
const SHIFT: Modifiers = Modifiers::SHIFT;
const ALT: Modifiers = Modifiers::ALT;
const CTRL_ALT: Modifiers = Modifiers::COMMAND.plus(Modifiers::ALT);
const NONE: Modifiers = Modifiers::NONE;

// The one table: a command is one entry here (and its behaviour in `run_command`).
commands! {
    /// Set up a new project: folder, name, label set, documents.
    NewProject = "New project…", File, [CTRL_SHIFT N];
    /// Pick a project folder.
    OpenProject = "Open project…", File, [CTRL O];
    /// Add document files (or tables of texts) to the project.
    AddDocuments = "Add documents…", File, [];
    /// Add every file of a folder to the project.
    AddFolder = "Add a folder of documents…", File, [];
    /// Save all changed documents.
    Save = "Save", File, [CTRL S];
    /// Import a corpus (brat, JSONL, Label Studio, CoNLL) into a project.
    Import = "Import…", File, [CTRL I];
    /// Export annotations to another tool's format.
    Export = "Export…", File, [CTRL E];
    /// Commit your changes, fetch the team's, merge them by annotation and push (git).
    Sync = "Sync with the team", File, [CTRL_SHIFT S];
    /// Change the name one annotates under (the project reopens with that annotator's files).
    ChangeName = "Your name…", File, [];
    /// Make the git work tree the project is in diff and merge annotation files by annotation
    /// (`accord git setup`).
    SetUpGit = "Set up git for this project", File, [];
    /// Close the window.
    Quit = "Quit", File, [CTRL Q];
    /// Undo the last edit.
    Undo = "Undo", Edit, [CTRL Z];
    /// Redo the last undone edit.
    Redo = "Redo", Edit, [CTRL_SHIFT Z, CTRL Y];
    /// Copy the selected annotation's text.
    Copy = "Copy annotation text", Edit, [CTRL C];
    /// Remove the selected annotation.
    Delete = "Delete annotation", Edit, [NONE Delete, NONE Backspace];
    /// Drop the text selection and the selected annotation.
    ClearSelection = "Clear selection", Edit, [NONE Escape];
    /// Select the next annotation of the document.
    NextAnnotation = "Next annotation", Edit, [ALT ArrowDown];
    /// Select the previous annotation.
    PreviousAnnotation = "Previous annotation", Edit, [ALT ArrowUp];
    /// Move the selected span's end edge one char right on screen.
    EndRight = "Move end edge right", None, [SHIFT ArrowRight];
    /// Move the end edge one char left.
    EndLeft = "Move end edge left", None, [SHIFT ArrowLeft];
    /// Move the end edge one word right.
    EndWordRight = "Move end edge right by a word", None, [CTRL_SHIFT ArrowRight];
    /// Move the end edge one word left.
    EndWordLeft = "Move end edge left by a word", None, [CTRL_SHIFT ArrowLeft];
    /// Move the selected span's start edge one char right on screen.
    StartRight = "Move start edge right", None, [ALT ArrowRight];
    /// Move the start edge one char left.
    StartLeft = "Move start edge left", None, [ALT ArrowLeft];
    /// Move the start edge one word right.
    StartWordRight = "Move start edge right by a word", None, [CTRL_ALT ArrowRight];
    /// Move the start edge one word left.
    StartWordLeft = "Move start edge left by a word", None, [CTRL_ALT ArrowLeft];
    /// Open the find bar.
    Find = "Find…", Edit, [CTRL F];
    /// Go to the next match.
    FindNext = "Find next", Edit, [NONE F3, CTRL G];
    /// Go to the previous match.
    FindPrevious = "Find previous", Edit, [SHIFT F3, CTRL_SHIFT G];
    /// Label every match with the current label (one undo step).
    LabelAllMatches = "Label all matches", Edit, [CTRL_SHIFT L];
    /// Show one more document pane.
    AddPane = "Add pane", View, [CTRL N];
    /// Close the active pane.
    ClosePane = "Close pane", View, [CTRL W];
    /// Make the next pane active.
    NextPane = "Next pane", View, [CTRL Tab];
    /// Scroll all panes together by relative position.
    ToggleSyncScroll = "Synchronised scrolling", View, [CTRL_SHIFT Y];
    /// Switch between light and dark.
    ToggleTheme = "Dark theme", View, [CTRL_SHIFT D];
    /// Larger document text.
    ZoomIn = "Larger text", View, [CTRL Plus, CTRL Equals];
    /// Smaller document text.
    ZoomOut = "Smaller text", View, [CTRL Minus];
    /// Draw every relation, or only those of the selected span.
    ToggleRelations = "All relations", View, [CTRL_SHIFT R];
    /// Show the label set in the side panel, to add, rename, recolour or reorder labels.
    ShowLabels = "Label set", View, [CTRL_SHIFT B];
    /// Show the project's guidelines in the side panel, at the selected span's label.
    ShowGuidelines = "Guidelines", View, [CTRL_SHIFT H];
    /// Show the threads (cross-document groups) in the side panel.
    ShowThreads = "Threads", View, [CTRL_SHIFT T];
    /// Show or hide the ledger of commitments.
    ToggleLedger = "Ledger of commitments", View, [CTRL_SHIFT K];
    /// Start a relation from the selected span to the next one clicked.
    StartRelation = "Relation from the selected span…", Link, [CTRL R];
    /// Link the spans selected in two panes as the same thing across documents.
    LinkAcrossDocuments = "Link across documents", Link, [CTRL L];
    /// While picking or relating: take the span stepped to with Alt+↑/↓.
    TakeCandidate = "Take the span stepped to", Link, [NONE Enter];
    /// Go to the next suggestion (in the next document when this one has no more).
    NextSuggestion = "Next suggestion", Suggest, [NONE F8];
    /// Go to the previous suggestion.
    PreviousSuggestion = "Previous suggestion", Suggest, [SHIFT F8];
    /// Accept the selected suggestion: it becomes an annotation (undoable), marked with its
    /// source.
    AcceptSuggestion = "Accept suggestion", Suggest, [CTRL Enter];
    /// Reject the selected suggestion: never proposed again at that place (undoable).
    RejectSuggestion = "Reject suggestion", Suggest, [CTRL Delete];
    /// Accept every suggestion of the selected suggestion's label in its document (one step).
    AcceptAllOfLabel = "Accept all of this label in the document", Suggest, [CTRL_SHIFT Enter];
    /// Show or hide the suggestions.
    ToggleSuggestions = "Show suggestions", Suggest, [CTRL_SHIFT U];
    /// Show the suggesters in the side panel: switches, thresholds and how good each is.
    ShowSuggestions = "Suggesters", Suggest, [CTRL_SHIFT J];
    /// Choose annotators to compare and start deciding the curated set.
    StartReview = "Start review…", Review, [NONE F7];
    /// Stop reviewing: back to one's own annotations.
    StopReview = "Stop review", Review, [SHIFT F7], review;
    /// Review: accept the current item (the version most annotators share).
    AcceptItem = "Accept item", Review, [NONE A], review;
    /// Review: reject the current item.
    RejectItem = "Reject item", Review, [NONE X], review;
    /// Review: take the current item's majority version into the curated set to edit it.
    EditItem = "Edit item", Review, [NONE E], review;
    /// Review: go to the next undecided disagreement.
    NextDisagreement = "Next disagreement", Review, [NONE N], review;
    /// Review: go to the previous undecided disagreement.
    PreviousDisagreement = "Previous disagreement", Review, [NONE P], review;
    /// Review: accept every item of the document all annotators agree on.
    AcceptAgreed = "Accept all agreed items", Review, [CTRL_SHIFT A], review;
    /// Select the next annotation a merge left with two versions, to decide it.
    NextConflict = "Next merge conflict", Review, [];
    /// Show the agreement figures in the side panel.
    ShowAgreement = "Agreement", Review, [CTRL_SHIFT M];
    /// Show every annotator's progress in the side panel.
    ShowProgress = "Progress", Review, [];
    /// Mark the active document finished for this annotator, or not finished when it was.
    MarkFinished = "Mark document finished", Review, [];
    /// Show the keyboard shortcuts.
    Shortcuts = "Keyboard shortcuts", Help, [NONE F1, NONE Questionmark];
    /// Show the getting-started guide.
    GettingStarted = "Getting started", Help, [];
}

impl Command {
    /// Every (command, shortcut) pair, those with more modifiers first: egui ignores extra
    /// Shift and Alt when matching, so Ctrl+Shift+Z must be tried before Ctrl+Z takes it.
    pub fn shortcuts_most_specific_first() -> &'static [(Command, KeyboardShortcut)] {
        static TABLE: std::sync::OnceLock<Vec<(Command, KeyboardShortcut)>> =
            std::sync::OnceLock::new();
        TABLE.get_or_init(|| {
            let mut table: Vec<(Command, KeyboardShortcut)> = Command::ALL
                .iter()
                .flat_map(|&c| c.shortcuts().iter().map(move |s| (c, *s)))
                .collect();
            table.sort_by_key(|(_, s)| {
                let m = s.modifiers;
                std::cmp::Reverse(m.shift as u8 + m.alt as u8 + m.command as u8)
            });
            table
        })
    }

    /// True for commands that work while a text field has the keyboard (they use Ctrl or a
    /// function key, so typing is never taken over).
    pub fn works_while_typing(self) -> bool {
        self.shortcuts()
            .iter()
            .all(|s| s.modifiers.command || matches!(s.logical_key, Key::F1 | Key::F3))
            && !matches!(self, Command::Copy | Command::Undo | Command::Redo)
    }
}

/// Human-readable form of a shortcut, e.g. `Ctrl+Shift+Z`.
pub fn shortcut_text(ctx: &egui::Context, shortcut: &KeyboardShortcut) -> String {
    ctx.format_shortcut(shortcut).replace("Questionmark", "?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_commands_share_a_shortcut() {
        let mut seen = std::collections::HashMap::new();
        for cmd in Command::ALL {
            for s in cmd.shortcuts() {
                if let Some(other) = seen.insert((s.modifiers, s.logical_key), *cmd) {
                    panic!("{cmd:?} and {other:?} share a shortcut");
                }
            }
        }
    }
}

#[cfg(test)]
mod readme {
    use super::*;

    /// The README's shortcut table lists every command with its keys, so it cannot go stale.
    #[test]
    fn readme_lists_every_shortcut() {
        let readme = include_str!("../../README.md");
        let ctx = egui::Context::default();
        for command in Command::ALL.iter().filter(|c| !c.shortcuts().is_empty()) {
            let table = markdown_table(&ctx);
            let row = table
                .lines()
                .find(|l| l.starts_with(&format!("| {} |", command.title())))
                .unwrap_or_default();
            assert!(
                readme.contains(row),
                "README.md lacks the row\n{row}\nThe whole table:\n{table}"
            );
        }
    }
}

/// The shortcut table of the README, generated from the command table: the commands that
/// have keys.
pub fn markdown_table(ctx: &egui::Context) -> String {
    let mut out = String::from("| Command | Keys |\n|---|---|\n");
    for command in Command::ALL.iter().filter(|c| !c.shortcuts().is_empty()) {
        let keys: Vec<String> = command
            .shortcuts()
            .iter()
            .map(|s| format!("`{}`", shortcut_text(ctx, s)))
            .collect();
        out.push_str(&format!(
            "| {} | {} |\n",
            command.title(),
            keys.join(" or ")
        ));
    }
    out
}
