//! Sync in the window: [`crate::project::sync`] on a worker thread, with the step it is at for
//! the status bar, a Cancel, and where the project stands against its remote branch (read in
//! the background too: git is never run on the UI thread).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use crate::project::sync::{self, SyncError, SyncReport, SyncStatus, SyncStep};

/// A sync running on a worker thread.
#[derive(Debug)]
pub struct SyncJob {
    step: Arc<Mutex<Option<SyncStep>>>,
    cancel: Arc<AtomicBool>,
    handle: Option<JoinHandle<Result<SyncReport, SyncError>>>,
}

impl SyncJob {
    /// Starts syncing the project at `root` as `annotator`.
    pub fn start(root: PathBuf, annotator: String, ctx: egui::Context) -> SyncJob {
        let step = Arc::new(Mutex::new(None));
        let cancel = Arc::new(AtomicBool::new(false));
        let (worker_step, worker_cancel) = (Arc::clone(&step), Arc::clone(&cancel));
        let handle = std::thread::Builder::new()
            .name("accord sync".into())
            .spawn(move || {
                let result = sync::sync(&root, &annotator, &worker_cancel, &mut |s| {
                    *worker_step.lock().unwrap_or_else(PoisonError::into_inner) = Some(s);
                    ctx.request_repaint();
                });
                ctx.request_repaint();
                result
            })
            .map_err(|e| log::error!("cannot start the sync thread: {e}"))
            .ok();
        SyncJob {
            step,
            cancel,
            handle,
        }
    }

    /// The step it is at.
    pub fn step(&self) -> Option<SyncStep> {
        *self.step.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stops the git command running; the sync then ends with [`SyncError`]'s cancelled.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// True once cancel was asked.
    pub fn is_cancelling(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// The outcome once the work is done (`None` while it runs).
    pub fn take_finished(&mut self) -> Option<Result<SyncReport, String>> {
        if !self.handle.as_ref().is_none_or(JoinHandle::is_finished) {
            return None;
        }
        Some(match self.handle.take().map(JoinHandle::join) {
            Some(Ok(result)) => result.map_err(|e| e.to_string()),
            Some(Err(_)) => {
                Err("the sync stopped unexpectedly; `git status` shows where it is".into())
            }
            None => Err("the sync could not start".into()),
        })
    }

    /// Waits for the work to end (the window is closing), cancelling it first.
    pub fn end(mut self) {
        self.cancel();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Where the project stands against its remote branch, read on a worker thread.
#[derive(Debug, Default)]
pub struct TeamState {
    /// The last status read (`None`: not a git work tree, or not read yet).
    pub status: Option<SyncStatus>,
    /// The sync running, if any.
    pub job: Option<SyncJob>,
    probe: Option<JoinHandle<Option<SyncStatus>>>,
    /// The project the status is of.
    probed: Option<PathBuf>,
}

impl TeamState {
    /// Reads the status of the project at `root` again, in the background.
    pub fn refresh(&mut self, root: PathBuf, ctx: &egui::Context) {
        self.probed = Some(root.clone());
        let ctx = ctx.clone();
        self.probe = std::thread::Builder::new()
            .name("accord git status".into())
            .spawn(move || {
                let status = sync::status(&root).ok();
                ctx.request_repaint();
                status
            })
            .ok();
    }

    /// The project whose status was read last.
    pub fn probed(&self) -> Option<&std::path::Path> {
        self.probed.as_deref()
    }

    /// Takes in a status read in the background, once it is there.
    pub fn poll(&mut self) {
        if self.probe.as_ref().is_some_and(JoinHandle::is_finished)
            && let Some(probe) = self.probe.take()
        {
            self.status = probe.join().ok().flatten();
        }
    }

    /// The status bar's words for it: "main ↑2 ↓1".
    pub fn summary(&self) -> Option<String> {
        let s = self.status.as_ref()?;
        let mut text = s.branch.clone().unwrap_or_else(|| "detached".into());
        if s.upstream.is_none() {
            text.push_str(" (no remote branch)");
        } else if s.ahead == 0 && s.behind == 0 {
            text.push_str(" ✓");
        } else {
            if s.ahead > 0 {
                text.push_str(&format!(" ↑{}", s.ahead));
            }
            if s.behind > 0 {
                text.push_str(&format!(" ↓{}", s.behind));
            }
        }
        Some(text)
    }
}
