//! Suggestions computed on a worker thread ([`crate::suggest::Engine`]), so that analysing the
//! documents, matching the forms, training the tagger and asking an external recommender never
//! hold up a frame. The window sends the labels of the documents whose annotations changed
//! (each edit costs what its document holds, not what the project does) and gets every
//! document's suggestions back; the documents on screen first.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use crate::project::{StoreStatus, Workspace};
use crate::project_dir::ProjectDir;
use crate::suggest::engine::{
    Corpus, Labelled, Labels, SourceDocument, labels_of, others_labels, saved_labels,
};
use crate::suggest::evaluate::Evaluation;
use crate::suggest::rejections::RejectionsFile;
use crate::suggest::{Engine, Settings, Suggestion};

/// The annotator's labels of the documents whose annotations changed since the worker last
/// heard of them (every document's, the first time), by document slot: the worker keeps the
/// others'.
pub type LabelChanges = Vec<(usize, Vec<Labelled>)>;

/// What the window asks of the worker.
enum Request {
    /// Learn from the labels as changed and send every document's suggestions (`first`
    /// first).
    Refresh {
        revision: u64,
        changed: LabelChanges,
        rejections: RejectionsFile,
        train: bool,
        first: Vec<usize>,
    },
    /// Measure every suggester on the labels as changed.
    Evaluate {
        changed: LabelChanges,
        rejections: RejectionsFile,
    },
    /// Ask the external recommender for these documents.
    AskExternal { docs: Vec<usize> },
}

/// What the worker sends back.
#[derive(Debug)]
pub enum Answer {
    /// Suggestions of some documents (all of them when `complete`), for labels of `revision`.
    Suggested {
        /// The workspace revision whose labels they were learned from.
        revision: u64,
        /// By document slot.
        docs: Vec<(usize, Vec<Suggestion>)>,
        /// Every document was sent.
        complete: bool,
        /// Forms known.
        forms: usize,
        /// The tagger has learned something.
        tagger: bool,
    },
    /// The worker is ready: documents analysed, gazetteers read (with what could not be).
    Ready {
        /// Gazetteers that could not be read, one message each.
        problems: Vec<String>,
    },
    /// The figures of every suggester.
    Evaluated(Box<Evaluation>),
    /// The external recommender answered for this many suggestions, or failed.
    External(Result<usize, String>),
}

/// The worker and its channels.
#[derive(Debug)]
pub struct SuggestJob {
    /// The project it is for.
    pub root: PathBuf,
    requests: Sender<Request>,
    answers: Receiver<Answer>,
    /// The revision whose suggestions are being computed, if any.
    pub pending: Option<u64>,
    /// The save after which the tagger was last trained (`Some(None)`: trained before any
    /// save; `None`: never trained).
    pub trained: Option<Option<String>>,
    /// Why the worker stopped, if it did (it failed).
    pub stopped: Option<String>,
    /// An evaluation is under way.
    pub evaluating: bool,
    /// The external recommender is being asked.
    pub asking: bool,
    /// Each document's store revision when its labels were last sent (`None`: never).
    sent: Vec<Option<u64>>,
}

impl SuggestJob {
    /// Starts a worker for the project of `ws`: it analyses the window's documents (their
    /// texts shared, not read again: a second copy of a 100 MB document cost 100 MB) and
    /// reads the annotator's saved labels itself (a copy of every label of a
    /// 100,000-document project held up the window for seconds); the window sends only
    /// what differs from the files.
    pub fn start(ws: &Workspace) -> Self {
        let root = ws.project.root.clone();
        let source = Source {
            dir: ws.project.dir.clone(),
            settings: ws.project.file.suggestions.clone(),
            labels: ws
                .project
                .schema
                .labels
                .iter()
                .map(|l| l.name.clone())
                .collect(),
            documents: Corpus::sources_of(&ws.project),
            annotator: ws.annotator.clone(),
        };
        // A saved store read from its file holds what the worker reads there: editable, or
        // read-only because another window holds the lock. The others (unsaved, or a file or
        // document that did not open here) are sent.
        let locked_elsewhere = ws.lock().is_err();
        let sent = ws
            .doc_ids()
            .map(|d| {
                let state = ws.doc_state(d);
                let as_read = match state.status {
                    StoreStatus::Editable => true,
                    StoreStatus::Locked(_) => locked_elsewhere,
                    StoreStatus::NoDocument(_) => false,
                };
                (as_read && !state.is_dirty()).then(|| state.store.revision())
            })
            .collect();
        let (requests, inbox) = channel::<Request>();
        let (outbox, answers) = channel();
        std::thread::Builder::new()
            .name("suggestions".into())
            .spawn(move || work(source, &inbox, &outbox))
            .ok();
        Self {
            root,
            requests,
            answers,
            pending: None,
            trained: None,
            stopped: None,
            evaluating: false,
            asking: false,
            sent,
        }
    }

    /// The labels of the documents whose annotations changed since they were last sent: a
    /// revision compared per document (a store read again from disk continues its revision,
    /// so a changed store never passes for the one sent).
    fn changed_labels(&mut self, ws: &Workspace) -> LabelChanges {
        self.sent.resize(ws.len(), None);
        ws.doc_ids()
            .zip(&mut self.sent)
            .filter_map(|(doc, sent)| {
                let store = ws.store(doc);
                let now = Some(store.revision());
                (*sent != now).then(|| {
                    *sent = now;
                    (doc.0, labels_of(store))
                })
            })
            .collect()
    }

    /// Asks for every document's suggestions from the labels of `ws` at `revision`; `train`
    /// (with the last save it follows): the tagger too.
    pub fn refresh(
        &mut self,
        ws: &Workspace,
        revision: u64,
        train: Option<Option<String>>,
        first: Vec<usize>,
    ) {
        let changed = self.changed_labels(ws);
        let rejections = ws.rejections().clone();
        self.pending = Some(revision);
        let train = match train {
            Some(save) => {
                self.trained = Some(save);
                true
            }
            None => false,
        };
        let _ = self.requests.send(Request::Refresh {
            revision,
            changed,
            rejections,
            train,
            first,
        });
    }

    /// Asks for every suggester's figures on the labels of `ws`.
    pub fn evaluate(&mut self, ws: &Workspace) {
        self.evaluating = true;
        let changed = self.changed_labels(ws);
        let rejections = ws.rejections().clone();
        let _ = self.requests.send(Request::Evaluate {
            changed,
            rejections,
        });
    }

    /// Asks the external recommender about `docs`.
    pub fn ask_external(&mut self, docs: Vec<usize>) {
        self.asking = true;
        let _ = self.requests.send(Request::AskExternal { docs });
    }

    /// What came back since the last call. A worker that stopped leaves nothing pending.
    pub fn answers(&mut self) -> Vec<Answer> {
        let mut answers = Vec::new();
        loop {
            match self.answers.try_recv() {
                Ok(a) => answers.push(a),
                Err(std::sync::mpsc::TryRecvError::Empty) => break,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    if self.stopped.is_none() {
                        self.stopped = Some(
                            "suggestions stopped: their worker ended (see the log); open the project again to restart them".to_owned(),
                        );
                    }
                    self.pending = None;
                    self.evaluating = false;
                    self.asking = false;
                    break;
                }
            }
        }
        for a in &answers {
            match a {
                Answer::Suggested {
                    revision,
                    complete: true,
                    ..
                } if self.pending == Some(*revision) => self.pending = None,
                Answer::Evaluated(_) => self.evaluating = false,
                Answer::External(_) => self.asking = false,
                _ => {}
            }
        }
        answers
    }
}

/// Puts the labels of the documents that changed in `own`.
fn take(own: &mut Labels, changed: LabelChanges) {
    for (doc, labels) in changed {
        if own.len() <= doc {
            own.resize(doc + 1, Vec::new());
        }
        own[doc] = labels;
    }
}

/// How long the external recommender may take over one document.
const EXTERNAL_TIMEOUT: Duration = Duration::from_secs(20);

/// What the worker needs of the window's project.
struct Source {
    /// The door to the project's files (annotation files, gazetteers).
    dir: ProjectDir,
    settings: Settings,
    /// The schema's label names, for the external recommender.
    labels: Vec<String>,
    /// The documents, in the window's slots.
    documents: Vec<SourceDocument>,
    annotator: String,
}

fn work(source: Source, inbox: &Receiver<Request>, outbox: &Sender<Answer>) {
    let Source {
        dir,
        settings,
        labels,
        documents,
        annotator,
    } = source;
    let annotator = annotator.as_str();
    let mut engine = Engine::for_documents(&dir, settings, documents);
    let corpus = engine.corpus.clone();
    let files = corpus.files.as_slice();
    // The annotator's labels as saved; the window sends the documents that differ.
    let mut own = saved_labels(&dir, files, annotator);
    let _ = outbox.send(Answer::Ready {
        problems: engine.problems.clone(),
    });
    let mut last_revision = 0;
    // Other annotators' labels change only when their files do: read again at each training
    // (after a save), not at each edit.
    let mut others: Option<Labels> = None;
    let no_labels = Labels::new();
    let mut last_rejections = RejectionsFile::default();
    // Requests pile up while one is worked on: only the latest refresh matters.
    while let Ok(first_request) = inbox.recv() {
        let mut requests = vec![first_request];
        requests.extend(inbox.try_iter());
        let latest_refresh = requests
            .iter()
            .rposition(|r| matches!(r, Request::Refresh { .. }));
        let any_train = requests
            .iter()
            .any(|r| matches!(r, Request::Refresh { train: true, .. }));
        for (i, request) in requests.into_iter().enumerate() {
            match request {
                Request::Refresh {
                    revision,
                    changed,
                    rejections,
                    first,
                    ..
                } => {
                    // Every refresh's changes count; only the latest is worked on.
                    take(&mut own, changed);
                    if Some(i) != latest_refresh {
                        continue;
                    }
                    if any_train || others.is_none() {
                        others = Some(if engine.settings.others {
                            others_labels(&dir, files, annotator)
                        } else {
                            Labels::new()
                        });
                    }
                    let others_now = others.as_ref().unwrap_or(&no_labels);
                    engine.learn(&own, others_now, &rejections, any_train);
                    send_suggestions(&mut engine, revision, &own, &rejections, &first, outbox);
                    last_revision = revision;
                    last_rejections = rejections;
                }
                Request::Evaluate {
                    changed,
                    rejections,
                } => {
                    take(&mut own, changed);
                    let evaluation = engine.evaluate(&own, &rejections);
                    let _ = outbox.send(Answer::Evaluated(Box::new(evaluation)));
                }
                Request::AskExternal { docs } => {
                    let names: Vec<&str> = labels.iter().map(String::as_str).collect();
                    let result = engine
                        .ask_external(&docs, &names, EXTERNAL_TIMEOUT)
                        .map_err(|e| e.to_string());
                    let _ = outbox.send(Answer::External(result));
                    send_suggestions(
                        &mut engine,
                        last_revision,
                        &own,
                        &last_rejections,
                        &docs,
                        outbox,
                    );
                }
            }
        }
    }
}

/// Sends the suggestions of `first`, then of every other document.
fn send_suggestions(
    engine: &mut Engine,
    revision: u64,
    own: &Labels,
    rejections: &RejectionsFile,
    first: &[usize],
    outbox: &Sender<Answer>,
) {
    let n = engine.corpus.len();
    let suggest = |engine: &mut Engine, doc: usize| {
        let own_doc = own.get(doc).map_or(&[][..], Vec::as_slice);
        (doc, engine.suggest(doc, own_doc, rejections))
    };
    let forms = engine.knowledge.forms();
    let tagger = engine.knowledge.has_tagger();
    let firsts: Vec<(usize, Vec<Suggestion>)> = first
        .iter()
        .filter(|&&d| d < n)
        .map(|&d| suggest(engine, d))
        .collect();
    let _ = outbox.send(Answer::Suggested {
        revision,
        docs: firsts,
        complete: false,
        forms,
        tagger,
    });
    let rest: Vec<(usize, Vec<Suggestion>)> = (0..n)
        .filter(|d| !first.contains(d))
        .map(|d| suggest(engine, d))
        .collect();
    let _ = outbox.send(Answer::Suggested {
        revision,
        docs: rest,
        complete: true,
        forms,
        tagger,
    });
}
