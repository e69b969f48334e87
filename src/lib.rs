//! Accord: annotate multilingual text with entities and commitments, review, export.
//!
//! # Code map
//!
//! Layers, each using only those above it. Everything but [`ui`] is the core: pure data, no
//! egui, built and tested with `--no-default-features`.
//!
//! | layer | modules |
//! |---|---|
//! | disk | [`project_dir`]: the one door to a project's files — paths checked to stay inside the folder (no symlink out), only regular files opened (never blocking on a FIFO), reads bounded, writes atomic ([`project_dir::atomic`]); the temporary files of writes a killed run left are removed by the next that writes ([`project_dir::ProjectDir::remove_unfinished_saves`]) |
//! | git | [`git`]: the user's own `git` program, run with no terminal, cancellable (a team's work travels by git) |
//! | data | [`model`]: documents (read-only text, char↔byte index, [`model::encoding`] detection and decoding), [`model::CharRange`] (half-open char offsets), annotations, ids, text [`model::boundaries`] (clusters, words), [`model::tokens`] |
//! | rules | [`schema`]: labels, attributes, relation kinds, from RON ([`schema::import`]: a brat `annotation.conf` or a Label Studio `config.xml` as a schema; [`schema::lenient`]: a hand-written file read as far as it can be, each mistake located; [`schema::edit`]: changes to it as values with inverses); [`rules`]: the problems an annotation or link can have |
//! | files | [`ron_io`]: RON pretty-printing and error positions; [`store`]: annotations of one document by one annotator, their RON file (read by a fast reader of the RON Accord writes, `ron` for anything else), atomic saves, [`store::fingerprint`]s of files on disk, [`store::merge`] (three-way, by id; [`store::merge_text`] of three versions' text, reading only the annotations that differ), [`store::diff`] (two versions by id, one line per change: `accord diff`) |
//! | changes | [`edit`]: [`edit::Edit`] values, `apply` returns the inverse; undo history; edge moves; [`edit::reanchor`] (annotations of changed documents) |
//! | project | [`project`]: the project folder and file ([`project::Project::list`] reads it alone, [`project::Listing::read`] the documents, counted in an [`project::OpenProgress`] that can stop it), [`project::DocId`], the annotator's [`project::Workspace`] (a store per document, one undo history, saving, re-anchoring, files changed on disk: reload or [`project::Resolution`]), its [`project::lock`] (one writer per annotator; [`project::lock::Writers`]: the locks of every annotator a command writes — import, recover, reanchor, merges, sync — all taken or none, naming the holder) and its [`project::journal`] (every step on disk before it counts as done, replayed after a crash: `accord recover`; in three parts: a step's record and its bytes, the file, the replay); [`project::DiskWatch`] (file events); [`project::merge_file`] (git's merge driver: annotation, link, project and schema files by id, conflicts kept as data) and [`project::sync`] (commit, fetch, merge, push through [`git`]); [`project::diff`] (annotation and link files compared by id, git's diff driver and textconv) and [`project::git_setup`] (`accord git setup`: `.gitattributes`, `.gitignore`, the drivers in the repository's config); [`project::assignments`] (who annotates what, `accord assign`; who finished what); [`project::setup`] (a new project, documents added from files, folders and tables of texts, a document's entry edited or removed: `accord init`, File → New project…); [`project::relabel`] (a label, attribute or value renamed in the other annotators' files, under their locks); [`project::suggestion_settings`] (which suggesters a project uses, `accord.ron`) and [`project::rejections`] (the suggestions an annotator rejected) |
//! | guidance | [`guidelines`]: the project's `guidelines.md` as blocks, each label's section, a first version from the label set |
//! | queries | [`search`]: find text, step through matches and annotations; [`validate`] (`accord validate`), [`stats`] (`accord stats`), [`progress`] (per annotator, from the files and git: `accord progress`); [`commitments`]: the ledger of commitments and the threads across documents |
//! | exchange | [`formats`]: export to JSONL, spaCy, CoNLL, brat, WebAnno TSV, Label Studio, HTML and import back (`accord export`, `accord import`; [`formats::read_source_text`] in memory, for the fuzzers), with progress and cancel |
//! | suggestions | [`suggest`]: the machine proposes, the annotator decides — the forms labelled in the project matched over every document through a trie of reduced word forms ([`suggest::morph`]: Arabic proclitics and article, Russian and Kazakh stems, NFC and case folding; [`suggest::forms`]), gazetteers ([`suggest::gazetteer`]), an averaged-perceptron tagger trained on the annotator's labels ([`suggest::tagger`], [`suggest::learned`]), a Label Studio ML backend over HTTP ([`suggest::external`]); all of it per project and annotator in [`suggest::engine`], measured on held-out documents in [`suggest::evaluate`] (`accord suggest`) |
//! | agreement | [`agreement`]: span F1, units per token, Cohen's κ, Fleiss' κ, Krippendorff's α, commitment attributes (`accord agree`); [`review`]: the annotators' spans as review items, decisions into the curated set, other annotators' layers ([`review::Layers`], read again when their files change on disk) |
//! | text | [`layout`]: bidi (levels of whole paragraphs, lines reordered by themselves), line breaking, shaping, hit-testing (parley), in char offsets; the `check-layout` audit |
//! | window | [`ui`]: egui views over all of it (feature `gui`) |
//!
//! The binary (`src/main.rs`, `src/cli/`, one file per subcommand) parses the command line and
//! calls the same core; it allocates with mimalloc (a project read is millions of small strings).
//!
//! # From a mouse drag to a saved span
//!
//! 1. [`ui::DocView`] (in a pane of `ui/panes.rs`) sees the drag. Each pointer position
//!    becomes a char boundary through [`layout::DocumentLayout::boundary_at`] (parley's hit
//!    test, visual order), and the range is snapped by [`model::boundaries::snap_to_words`];
//!    the view highlights it while the button is down.
//! 2. On release the view returns [`ui::ViewEvent::Selected`] with that range; the panes view
//!    sends it as an [`ui::Action`] through its [`ui::ViewContext`].
//! 3. At the end of the frame [`ui::AccordApp`] applies the action (`ui/apply/`): the pane's
//!    [`ui::Selection`] in the [`ui::AppState`], its one owner, becomes that text.
//! 4. A label key becomes [`ui::Action::Label`] (`ui/keyboard.rs`); applying it sends an
//!    [`edit::Edit::Add`] of the selected range to [`project::Workspace::apply`], which checks
//!    it against [`rules`] in [`edit::apply_and_report`], puts it in the document's
//!    [`store::AnnotationStore`], records the inverse for undo, appends the step to the
//!    annotator's [`project::journal`] and flushes it, and returns the new id, which becomes
//!    the pane's selection.
//! 5. Ctrl+S or the autosave calls [`project::Workspace::save_all`]: each changed store is
//!    written by [`store::AnnotationFile::save_store`] to `annotations/<annotator>/<doc>.ron`
//!    through [`project_dir::atomic::write_atomic`] (temporary file, fsync, rename), then the
//!    cross-document links, in an order where a crash between two writes leaves files that
//!    agree with each other; once nothing is unsaved the journal is emptied.

pub mod agreement;
pub mod commitments;
pub mod edit;
pub mod formats;
pub mod git;
pub mod guidelines;
pub mod layout;
pub mod model;
pub mod progress;
pub mod project;
pub mod project_dir;
pub mod review;
pub mod ron_io;
pub mod rules;
pub mod schema;
pub mod search;
pub mod stats;
pub mod store;
pub mod suggest;
pub mod validate;

#[cfg(feature = "gui")]
pub mod ui;
