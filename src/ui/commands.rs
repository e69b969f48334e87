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
    /// Review menu: comparing annotators, deciding the curated set, agreement.
    Review,
    /// Help menu.
    Help,
}

impl Menu {
    /// All menus in bar order.
    pub const ALL: [Menu; 6] = [
        Menu::File,
        Menu::Edit,
        Menu::View,
        Menu::Link,
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
            Menu::Review => "Review",
            Menu::Help => "Help",
        }
    }
}

/// Something the user can ask for by menu or key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    /// Pick a project folder.
    OpenProject,
    /// Save all changed documents.
    Save,
    /// Import a corpus (brat, JSONL, Label Studio, CoNLL) into a project.
    Import,
    /// Export annotations to another tool's format.
    Export,
    /// Close the window.
    Quit,
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Copy the selected annotation's text.
    Copy,
    /// Remove the selected annotation.
    Delete,
    /// Drop the text selection and the selected annotation.
    ClearSelection,
    /// Select the next annotation of the document.
    NextAnnotation,
    /// Select the previous annotation.
    PreviousAnnotation,
    /// Move the selected span's end edge one char right on screen.
    EndRight,
    /// Move the end edge one char left.
    EndLeft,
    /// Move the end edge one word right.
    EndWordRight,
    /// Move the end edge one word left.
    EndWordLeft,
    /// Move the selected span's start edge one char right on screen.
    StartRight,
    /// Move the start edge one char left.
    StartLeft,
    /// Move the start edge one word right.
    StartWordRight,
    /// Move the start edge one word left.
    StartWordLeft,
    /// Open the find bar.
    Find,
    /// Go to the next match.
    FindNext,
    /// Go to the previous match.
    FindPrevious,
    /// Label every match with the current label (one undo step).
    LabelAllMatches,
    /// Show one more document pane.
    AddPane,
    /// Close the active pane.
    ClosePane,
    /// Make the next pane active.
    NextPane,
    /// Scroll all panes together by relative position.
    ToggleSyncScroll,
    /// Switch between light and dark.
    ToggleTheme,
    /// Larger document text.
    ZoomIn,
    /// Smaller document text.
    ZoomOut,
    /// Start a relation from the selected span to the next one clicked.
    StartRelation,
    /// Link the spans selected in two panes as the same thing across documents.
    LinkAcrossDocuments,
    /// While picking or relating: take the span stepped to with Alt+↑/↓.
    TakeCandidate,
    /// Draw every relation, or only those of the selected span.
    ToggleRelations,
    /// Show the threads (cross-document groups) in the side panel.
    ShowThreads,
    /// Show or hide the ledger of commitments.
    ToggleLedger,
    /// Choose annotators to compare and start deciding the curated set.
    StartReview,
    /// Stop reviewing: back to one's own annotations.
    StopReview,
    /// Review: accept the current item (the version most annotators share).
    AcceptItem,
    /// Review: reject the current item.
    RejectItem,
    /// Review: take the current item's majority version into the curated set to edit it.
    EditItem,
    /// Review: go to the next undecided disagreement.
    NextDisagreement,
    /// Review: go to the previous undecided disagreement.
    PreviousDisagreement,
    /// Review: accept every item of the document all annotators agree on.
    AcceptAgreed,
    /// Show the agreement figures in the side panel.
    ShowAgreement,
    /// Show the keyboard shortcuts.
    Shortcuts,
}

const fn key(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const CTRL: Modifiers = Modifiers::COMMAND;
const CTRL_SHIFT: Modifiers = Modifiers::COMMAND.plus(Modifiers::SHIFT);
const SHIFT: Modifiers = Modifiers::SHIFT;
const ALT: Modifiers = Modifiers::ALT;
const CTRL_ALT: Modifiers = Modifiers::COMMAND.plus(Modifiers::ALT);
const NONE: Modifiers = Modifiers::NONE;

impl Command {
    /// Every command, in menu order.
    pub const ALL: &'static [Command] = &[
        Command::OpenProject,
        Command::Save,
        Command::Import,
        Command::Export,
        Command::Quit,
        Command::Undo,
        Command::Redo,
        Command::Copy,
        Command::Delete,
        Command::ClearSelection,
        Command::NextAnnotation,
        Command::PreviousAnnotation,
        Command::EndRight,
        Command::EndLeft,
        Command::EndWordRight,
        Command::EndWordLeft,
        Command::StartRight,
        Command::StartLeft,
        Command::StartWordRight,
        Command::StartWordLeft,
        Command::Find,
        Command::FindNext,
        Command::FindPrevious,
        Command::LabelAllMatches,
        Command::AddPane,
        Command::ClosePane,
        Command::NextPane,
        Command::ToggleSyncScroll,
        Command::ToggleTheme,
        Command::ZoomIn,
        Command::ZoomOut,
        Command::ToggleRelations,
        Command::ShowThreads,
        Command::ToggleLedger,
        Command::StartRelation,
        Command::LinkAcrossDocuments,
        Command::TakeCandidate,
        Command::StartReview,
        Command::StopReview,
        Command::AcceptItem,
        Command::RejectItem,
        Command::EditItem,
        Command::NextDisagreement,
        Command::PreviousDisagreement,
        Command::AcceptAgreed,
        Command::ShowAgreement,
        Command::Shortcuts,
    ];

    /// What the menu and the overlay call it.
    pub fn title(self) -> &'static str {
        match self {
            Command::OpenProject => "Open project…",
            Command::Save => "Save",
            Command::Import => "Import…",
            Command::Export => "Export…",
            Command::Quit => "Quit",
            Command::Undo => "Undo",
            Command::Redo => "Redo",
            Command::Copy => "Copy annotation text",
            Command::Delete => "Delete annotation",
            Command::ClearSelection => "Clear selection",
            Command::NextAnnotation => "Next annotation",
            Command::PreviousAnnotation => "Previous annotation",
            Command::EndRight => "Move end edge right",
            Command::EndLeft => "Move end edge left",
            Command::EndWordRight => "Move end edge right by a word",
            Command::EndWordLeft => "Move end edge left by a word",
            Command::StartRight => "Move start edge right",
            Command::StartLeft => "Move start edge left",
            Command::StartWordRight => "Move start edge right by a word",
            Command::StartWordLeft => "Move start edge left by a word",
            Command::Find => "Find…",
            Command::FindNext => "Find next",
            Command::FindPrevious => "Find previous",
            Command::LabelAllMatches => "Label all matches",
            Command::AddPane => "Add pane",
            Command::ClosePane => "Close pane",
            Command::NextPane => "Next pane",
            Command::ToggleSyncScroll => "Synchronised scrolling",
            Command::ToggleTheme => "Dark theme",
            Command::ZoomIn => "Larger text",
            Command::ZoomOut => "Smaller text",
            Command::StartRelation => "Relation from the selected span…",
            Command::LinkAcrossDocuments => "Link across documents",
            Command::TakeCandidate => "Take the span stepped to",
            Command::ToggleRelations => "All relations",
            Command::ShowThreads => "Threads",
            Command::ToggleLedger => "Ledger of commitments",
            Command::StartReview => "Start review…",
            Command::StopReview => "Stop review",
            Command::AcceptItem => "Accept item",
            Command::RejectItem => "Reject item",
            Command::EditItem => "Edit item",
            Command::NextDisagreement => "Next disagreement",
            Command::PreviousDisagreement => "Previous disagreement",
            Command::AcceptAgreed => "Accept all agreed items",
            Command::ShowAgreement => "Agreement",
            Command::Shortcuts => "Keyboard shortcuts",
        }
    }

    /// Keys that run it; the first is shown in menus.
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        match self {
            Command::OpenProject => const { &[key(CTRL, Key::O)] },
            Command::Save => const { &[key(CTRL, Key::S)] },
            Command::Import => const { &[key(CTRL, Key::I)] },
            Command::Export => const { &[key(CTRL, Key::E)] },
            Command::Quit => const { &[key(CTRL, Key::Q)] },
            Command::Undo => const { &[key(CTRL, Key::Z)] },
            Command::Redo => const { &[key(CTRL_SHIFT, Key::Z), key(CTRL, Key::Y)] },
            Command::Copy => const { &[key(CTRL, Key::C)] },
            Command::Delete => const { &[key(NONE, Key::Delete), key(NONE, Key::Backspace)] },
            Command::ClearSelection => const { &[key(NONE, Key::Escape)] },
            Command::NextAnnotation => const { &[key(ALT, Key::ArrowDown)] },
            Command::PreviousAnnotation => const { &[key(ALT, Key::ArrowUp)] },
            Command::EndRight => const { &[key(SHIFT, Key::ArrowRight)] },
            Command::EndLeft => const { &[key(SHIFT, Key::ArrowLeft)] },
            Command::EndWordRight => const { &[key(CTRL_SHIFT, Key::ArrowRight)] },
            Command::EndWordLeft => const { &[key(CTRL_SHIFT, Key::ArrowLeft)] },
            Command::StartRight => const { &[key(ALT, Key::ArrowRight)] },
            Command::StartLeft => const { &[key(ALT, Key::ArrowLeft)] },
            Command::StartWordRight => const { &[key(CTRL_ALT, Key::ArrowRight)] },
            Command::StartWordLeft => const { &[key(CTRL_ALT, Key::ArrowLeft)] },
            Command::Find => const { &[key(CTRL, Key::F)] },
            Command::FindNext => const { &[key(NONE, Key::F3), key(CTRL, Key::G)] },
            Command::FindPrevious => const { &[key(SHIFT, Key::F3), key(CTRL_SHIFT, Key::G)] },
            Command::LabelAllMatches => const { &[key(CTRL_SHIFT, Key::L)] },
            Command::AddPane => const { &[key(CTRL, Key::N)] },
            Command::ClosePane => const { &[key(CTRL, Key::W)] },
            Command::NextPane => const { &[key(CTRL, Key::Tab)] },
            Command::ToggleSyncScroll => const { &[key(CTRL_SHIFT, Key::Y)] },
            Command::ToggleTheme => const { &[key(CTRL_SHIFT, Key::D)] },
            Command::ZoomIn => const { &[key(CTRL, Key::Plus), key(CTRL, Key::Equals)] },
            Command::ZoomOut => const { &[key(CTRL, Key::Minus)] },
            Command::StartRelation => const { &[key(CTRL, Key::R)] },
            Command::LinkAcrossDocuments => const { &[key(CTRL, Key::L)] },
            Command::TakeCandidate => const { &[key(NONE, Key::Enter)] },
            Command::ToggleRelations => const { &[key(CTRL_SHIFT, Key::R)] },
            Command::ShowThreads => const { &[key(CTRL_SHIFT, Key::T)] },
            Command::ToggleLedger => const { &[key(CTRL_SHIFT, Key::K)] },
            Command::StartReview => const { &[key(NONE, Key::F7)] },
            Command::StopReview => const { &[key(SHIFT, Key::F7)] },
            Command::AcceptItem => const { &[key(NONE, Key::A)] },
            Command::RejectItem => const { &[key(NONE, Key::X)] },
            Command::EditItem => const { &[key(NONE, Key::E)] },
            Command::NextDisagreement => const { &[key(NONE, Key::N)] },
            Command::PreviousDisagreement => const { &[key(NONE, Key::P)] },
            Command::AcceptAgreed => const { &[key(CTRL_SHIFT, Key::A)] },
            Command::ShowAgreement => const { &[key(CTRL_SHIFT, Key::M)] },
            Command::Shortcuts => const { &[key(NONE, Key::F1), key(NONE, Key::Questionmark)] },
        }
    }

    /// The menu it appears in, if any.
    pub fn menu(self) -> Option<Menu> {
        use Command::*;
        Some(match self {
            OpenProject | Save | Quit => Menu::File,
            Import | Export => Menu::File,
            Undo | Redo | Copy | Delete | ClearSelection | NextAnnotation | PreviousAnnotation
            | Find | FindNext | FindPrevious | LabelAllMatches => Menu::Edit,
            AddPane | ClosePane | NextPane | ToggleSyncScroll | ToggleTheme | ZoomIn | ZoomOut
            | ToggleRelations | ShowThreads | ToggleLedger => Menu::View,
            StartRelation | LinkAcrossDocuments | TakeCandidate => Menu::Link,
            StartReview | StopReview | AcceptItem | RejectItem | EditItem | NextDisagreement
            | PreviousDisagreement | AcceptAgreed | ShowAgreement => Menu::Review,
            Shortcuts => Menu::Help,
            EndRight | EndLeft | EndWordRight | EndWordLeft | StartRight | StartLeft
            | StartWordRight | StartWordLeft => return None,
        })
    }

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

    /// True for commands that only mean something while reviewing: their plain-letter keys
    /// are label hotkeys otherwise.
    pub fn review_only(self) -> bool {
        matches!(
            self,
            Command::StopReview
                | Command::AcceptItem
                | Command::RejectItem
                | Command::EditItem
                | Command::NextDisagreement
                | Command::PreviousDisagreement
                | Command::AcceptAgreed
        )
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
        for command in Command::ALL {
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

/// The shortcut table of the README, generated from the command table.
pub fn markdown_table(ctx: &egui::Context) -> String {
    let mut out = String::from("| Command | Keys |\n|---|---|\n");
    for command in Command::ALL {
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
