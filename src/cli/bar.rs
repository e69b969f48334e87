//! The progress bar `accord export` and `accord import` show on a terminal.

use std::io::IsTerminal as _;
use std::ops::ControlFlow;

use accord::formats::Progress;

/// Below this many items a stage is quick: no bar.
const BAR_FROM: usize = 20;

/// A progress bar on standard error when it is a terminal and the work is large; nothing
/// when piped.
pub(crate) struct Bar {
    bar: Option<indicatif::ProgressBar>,
    terminal: bool,
}

impl Bar {
    pub(crate) fn new() -> Self {
        Self {
            bar: None,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// Shows `p`; never asks to stop (Ctrl+C ends the process).
    pub(crate) fn update(&mut self, p: Progress<'_>) -> ControlFlow<()> {
        if !self.terminal || p.total < BAR_FROM {
            return ControlFlow::Continue(());
        }
        let bar = self.bar.get_or_insert_with(|| {
            let bar = indicatif::ProgressBar::new(p.total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{prefix:>10} [{bar:30}] {pos}/{len} {wide_msg}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64 + 1);
        bar.set_prefix(p.stage.name());
        bar.set_message(p.item.to_owned());
        ControlFlow::Continue(())
    }

    pub(crate) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
