//! Documents added to a project on a worker thread ([`crate::project::setup::add_documents`]),
//! for File → Add documents…, New project… and files dropped onto the window: its progress,
//! a way to stop it (before anything is written) and its report.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};

use crate::project::Project;
use crate::project::setup::{AddReport, add_documents};

/// An addition running on a worker thread.
#[derive(Debug)]
pub struct AddJob {
    /// The project the documents go to.
    pub root: PathBuf,
    stop: Arc<AtomicBool>,
    progress: Receiver<(usize, usize)>,
    done: Receiver<Result<AddReport, String>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl AddJob {
    /// Starts adding `paths` to the project in `root`.
    pub fn start(root: PathBuf, paths: Vec<PathBuf>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let (progress_tx, progress) = channel();
        let (done_tx, done) = channel();
        let (thread_root, thread_stop) = (root.clone(), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            let result = Project::open(&thread_root)
                .map_err(|e| e.to_string())
                .and_then(|project| {
                    add_documents(&project, &paths, &mut |done, total, _| {
                        let _ = progress_tx.send((done, total));
                        if thread_stop.load(Ordering::Relaxed) {
                            std::ops::ControlFlow::Break(())
                        } else {
                            std::ops::ControlFlow::Continue(())
                        }
                    })
                    .map_err(|e| e.to_string())
                });
            let _ = done_tx.send(result);
        });
        Self {
            root,
            stop,
            progress,
            done,
            thread: Some(thread),
        }
    }

    /// Asks it to stop: it ends before writing anything, or finishes the writes it began.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// The latest progress (files read, files in all), if any came.
    pub fn progress(&self) -> Option<(usize, usize)> {
        self.progress.try_iter().last()
    }

    /// Its outcome once it is done (the thread then is joined), else `None`.
    pub fn finished(&mut self) -> Option<Result<AddReport, String>> {
        let result = self.done.try_recv().ok()?;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        Some(result)
    }

    /// Stops it and waits for it (the window is closing).
    pub fn end(mut self) {
        self.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
