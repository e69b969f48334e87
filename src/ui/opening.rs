//! A big project opened on a worker thread ([`Listing::read`], then
//! [`Workspace::open_counted`]): the window lists its documents as the project file gives them
//! at once, says how far the reading has got, lets the annotator choose the document to show
//! first or stop, and installs the workspace once everything is read.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Instant;

use crate::project::{DocumentEntry, Listing, OpenProgress, Workspace};

/// Projects of more documents than this open on a worker thread. Up to it, reading every
/// document and annotation file takes about a tenth of a second (1,000 documents × 95
/// annotations: 140 ms), which the window waits for.
pub const BACKGROUND_FROM: usize = 1_000;

/// What the window shows of a project being opened.
#[derive(Debug)]
pub struct Opening {
    /// The project folder.
    pub root: PathBuf,
    /// Its name.
    pub name: String,
    /// Whose annotations are read.
    pub annotator: String,
    /// The same project was open before (read again: the label set changed on disk, a review
    /// ended): what was computed of it and asked about it stands.
    pub reopening: bool,
    /// Its documents, as its project file lists them.
    pub entries: Vec<DocumentEntry>,
    /// Files read so far; shared with the worker.
    pub progress: Arc<OpenProgress>,
    /// The document to show once the project is open: the one the project was opened with,
    /// or the one chosen in the list meanwhile.
    pub first: Option<String>,
    /// When the opening started.
    pub started: Instant,
}

impl Opening {
    /// Files to read in all: each document, then its annotation file.
    pub fn files(&self) -> usize {
        2 * self.entries.len()
    }
}

/// The worker reading the project.
#[derive(Debug)]
pub struct OpenJob {
    done: Receiver<Option<Workspace>>,
    progress: Arc<OpenProgress>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl OpenJob {
    /// Starts reading the documents of `listing` and `annotator`'s annotations, with what the
    /// window shows meanwhile (`first`: the document to show first, if one was asked for).
    pub fn start(
        listing: Listing,
        annotator: String,
        first: Option<String>,
        reopening: bool,
    ) -> (Self, Opening) {
        let progress = Arc::new(OpenProgress::default());
        let opening = Opening {
            root: listing.root().to_path_buf(),
            name: listing.name().to_owned(),
            annotator: annotator.clone(),
            reopening,
            entries: listing.entries().to_vec(),
            progress: Arc::clone(&progress),
            first,
            started: Instant::now(),
        };
        let (sender, done) = channel();
        let worker_progress = Arc::clone(&progress);
        let spawned = std::thread::Builder::new()
            .name("opening".into())
            .spawn(move || {
                let ws = listing
                    .read(&worker_progress)
                    .and_then(|p| Workspace::open_counted(p, &annotator, &worker_progress));
                // Nobody waits when the window stopped it: the workspace and its lock go.
                let _ = sender.send(ws);
            });
        let thread = spawned
            .map_err(|e| log::error!("cannot start reading the project: {e}"))
            .ok();
        (
            Self {
                done,
                progress,
                thread,
            },
            opening,
        )
    }

    /// The workspace once it is read (`Ok`), `Err` with why when the worker ended without one,
    /// `None` while it reads.
    pub fn finished(&self) -> Option<Result<Workspace, String>> {
        match self.done.try_recv() {
            Ok(Some(ws)) => Some(Ok(ws)),
            Ok(None) => Some(Err("opening was stopped".to_owned())),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(
                "the thread reading it stopped (see the log); open the project again".to_owned(),
            )),
        }
    }

    /// Stops the reading and waits for the worker, which reads no further file (at most the
    /// one it is reading): its lock is let go before another open takes it. Stopped once the
    /// files are read, the project is opened and closed again, as a close would.
    pub fn end(mut self) {
        self.progress.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
