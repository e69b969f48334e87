//! Every suggester for one project and one annotator: documents analysed once
//! ([`Corpus`]), what was learned from the labels ([`Knowledge`]), and the suggestions of a
//! document, scored, filtered and merged ([`Engine::suggest`]).
//!
//! Filtering: a suggestion under its suggester's threshold, one the annotator rejected at that
//! place, and one overlapping any of the annotator's own spans is not shown. Merging: where
//! suggestions overlap, the surest is kept (ghost spans never stack).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use super::forms::{Convention, DocTokens, FormIndex, FormInput, convention_of};
use super::gazetteer::Gazetteer;
use super::learned::{Taggers, TrainingDoc};
use super::morph::Morphology;
use super::rejections::RejectionsFile;
use super::{Kind, Settings, Suggestion};
use crate::model::{CharRange, Document, Suggester};
use crate::project::Project;
use crate::project_dir::ProjectDir;
use crate::store::AnnotationStore;

/// One labelled span: what the suggesters learn from and are measured against.
pub type Labelled = (CharRange, String);

/// The labelled spans of each document, by slot.
pub type Labels = Vec<Vec<Labelled>>;

/// A project's documents, each analysed once for matching, when there first is something to
/// match: a project nobody has labelled yet (and with no gazetteer) costs no analysis, and a
/// 100 MB document opened fresh no token index (62 MB).
#[derive(Debug, Default)]
pub struct Corpus {
    /// Each document's file, as in `accord.ron`.
    pub files: Vec<String>,
    /// Each document's text; `None` when it could not be opened.
    pub texts: Vec<Option<Arc<String>>>,
    /// Each document's language (from `accord.ron`, else guessed; `""` when unknown).
    pub languages: Vec<String>,
    /// Each document's morphology.
    morphology: Vec<Morphology>,
    /// Each document's tokens, once analysed.
    tokens: Vec<OnceLock<DocTokens>>,
    /// The distinct morphologies of the documents.
    morphologies: Vec<Morphology>,
}

/// A document as the corpus takes it: its file, its text (shared with the project; `None` when
/// it could not be opened) and its language as `accord.ron` gives it.
pub type SourceDocument = (String, Option<Arc<String>>, Option<String>);

impl Corpus {
    /// The documents of `project`.
    pub fn of(project: &Project) -> Corpus {
        Corpus::new(Corpus::sources_of(project))
    }

    /// What the corpus of `project` is made from: its texts shared, not copied, so that a
    /// worker analysing them in the background reads no document again.
    pub fn sources_of(project: &Project) -> Vec<SourceDocument> {
        project
            .documents
            .iter()
            .map(|d| {
                (
                    d.file().to_owned(),
                    d.doc().map(Document::shared_text),
                    d.entry.language.clone(),
                )
            })
            .collect()
    }

    /// Documents given as (file, text, language), their languages known, nothing analysed.
    pub fn new(docs: Vec<SourceDocument>) -> Corpus {
        let known: Vec<(String, Morphology)> = docs
            .par_iter()
            .map(|(_, text, language)| {
                let text = text.as_ref().map_or("", |t| t.as_str());
                let language = language
                    .clone()
                    .or_else(|| crate::model::language::guess(text).map(str::to_owned))
                    .unwrap_or_default();
                let sample: String = text.chars().take(2000).collect();
                let morphology = Morphology::for_language(
                    Some(language.as_str()).filter(|l| !l.is_empty()),
                    &sample,
                );
                (language, morphology)
            })
            .collect();
        let (languages, morphology): (Vec<String>, Vec<Morphology>) = known.into_iter().unzip();
        let mut morphologies = morphology.clone();
        morphologies.sort_by_key(|m| format!("{m:?}"));
        morphologies.dedup();
        let (files, texts) = docs.into_iter().map(|(f, t, _)| (f, t)).unzip();
        Corpus {
            files,
            texts,
            languages,
            tokens: morphology.iter().map(|_| OnceLock::new()).collect(),
            morphology,
            morphologies,
        }
    }

    /// The tokens of document `doc`, analysed the first time they are asked for.
    fn tokens(&self, doc: usize) -> &DocTokens {
        self.tokens[doc].get_or_init(|| DocTokens::analyse(self.text(doc), self.morphology[doc]))
    }

    /// Analyses every document not analysed yet, on every core (matching then goes through
    /// them one by one).
    pub fn analyse_all(&self) {
        (0..self.len()).into_par_iter().for_each(|doc| {
            self.tokens(doc);
        });
    }

    /// How many documents are analysed.
    pub fn analysed(&self) -> usize {
        self.tokens.iter().filter(|t| t.get().is_some()).count()
    }

    /// How many documents.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when it has no document.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The text of document `doc` ("" when it could not be opened).
    pub fn text(&self, doc: usize) -> &str {
        self.texts
            .get(doc)
            .and_then(Option::as_ref)
            .map_or("", |t| t.as_str())
    }

    /// The text `range` of `doc` covers ("" past its end).
    pub fn slice(&self, doc: usize, range: CharRange) -> &str {
        if doc >= self.len() {
            return "";
        }
        let (text, tokens) = (self.text(doc), self.tokens(doc));
        let byte_of = |char_offset: usize| tokens.byte_at_char(text, char_offset);
        let start = byte_of(range.start);
        let end = byte_of(range.end).max(start);
        &text[start..end]
    }
}

/// Ranges sorted by start, each with the furthest end up to it: whether a range overlaps any
/// of them is a binary search, not a walk over all.
struct Spans {
    ranges: Vec<CharRange>,
    reach: Vec<usize>,
}

impl Spans {
    fn of(ranges: impl IntoIterator<Item = CharRange>) -> Spans {
        let mut ranges: Vec<CharRange> = ranges.into_iter().collect();
        ranges.sort_by_key(|r| r.start);
        let mut furthest = 0;
        let reach = ranges
            .iter()
            .map(|r| {
                furthest = furthest.max(r.end);
                furthest
            })
            .collect();
        Spans { ranges, reach }
    }

    fn overlaps(&self, range: CharRange) -> bool {
        let before = self.ranges.partition_point(|r| r.start < range.end);
        before > 0 && self.reach[before - 1] > range.start
    }
}

/// The contiguous spans of a store, as (range, label): what the suggesters learn from.
pub fn labels_of(store: &AnnotationStore) -> Vec<Labelled> {
    store
        .annotations()
        .filter(|a| is_learned(a))
        .map(|a| (a.extent(), a.label.clone()))
        .collect()
}

/// Whether the suggesters learn from an annotation: a contiguous span (a discontinuous one is
/// not a surface form).
fn is_learned(annotation: &crate::model::Annotation) -> bool {
    annotation.fragments.len() == 1
}

/// The labels of every other annotator (and the curated set) of the project behind `dir`, by
/// document (`files`, in slot order): what the string suggester also learns from when the
/// project says `others: true`. A file that cannot be read is left out (validation names it).
pub fn others_labels(dir: &ProjectDir, files: &[String], annotator: &str) -> Labels {
    let mut labels: Labels = vec![Vec::new(); files.len()];
    for other in crate::project::annotators_in(dir.root()) {
        if other == annotator {
            continue;
        }
        for (doc, spans) in saved_labels(dir, files, &other).into_iter().enumerate() {
            labels[doc].extend(spans);
        }
    }
    labels
}

/// The labels of `annotator`'s files of the documents `files` (in slot order) of the project
/// behind `dir`, as [`labels_of`] takes them from a store (read on every core). A file that
/// cannot be read is left out (validation names it).
pub fn saved_labels(dir: &ProjectDir, files: &[String], annotator: &str) -> Labels {
    files
        .par_iter()
        .map(|file| {
            let path = crate::project::annotation_path_in(dir.root(), annotator, file);
            // No file, or one that cannot be read: nothing learned.
            crate::store::AnnotationFile::load_in(dir, &path)
                .map(|f| {
                    f.annotations
                        .into_iter()
                        .filter(is_learned)
                        .map(|a| (a.extent(), a.label))
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

/// `n` flags, true for the documents of `held_out`: looked up per document, where a search
/// through the list made five folds of 100,000 documents quadratic.
fn mask(n: usize, held_out: &[usize]) -> Vec<bool> {
    let mut held = vec![false; n];
    for &d in held_out {
        if let Some(h) = held.get_mut(d) {
            *h = true;
        }
    }
    held
}

/// Learns `spans` of document `doc` as the project's forms.
fn learn_spans(index: &mut FormIndex, corpus: &Corpus, doc: usize, spans: &[Labelled]) {
    if doc >= corpus.len() {
        return;
    }
    for (range, label) in spans {
        let form = corpus.slice(doc, *range);
        if form.trim().is_empty() {
            continue;
        }
        index.learn(&FormInput {
            text: form,
            label,
            suggester: Suggester::Project,
            convention: convention_of(corpus.tokens(doc), corpus.text(doc), form, *range),
            labelled_in: None,
        });
    }
}

/// What was learned from labels: the forms, how often each was taken where it occurs, and the
/// taggers.
#[derive(Clone, Debug, Default)]
pub struct Knowledge {
    index: FormIndex,
    /// Per form (see [`super::forms::FormMatch::form`]): where it occurs, how often the
    /// annotator took it (labelled exactly that) and refused it (labelled that text otherwise,
    /// or rejected it there). Places they have not labelled are neither: not yet seen.
    counts: HashMap<(u32, usize), (u32, u32)>,
    /// What each document added to `counts` (so one document is counted again alone).
    per_doc: Vec<Vec<((u32, usize), bool)>>,
    taggers: Taggers,
}

impl Knowledge {
    /// Forms learned from `own` labels (and `others`', when the settings say so) and the
    /// gazetteers, each counted against `own` labels and `rejections` where it occurs.
    /// `held_out`: documents whose labels are not learned from nor counted (for measuring).
    pub fn learn(
        corpus: &Corpus,
        settings: &Settings,
        gazetteers: &[Gazetteer],
        own: &Labels,
        others: &Labels,
        rejections: &RejectionsFile,
        held_out: &[usize],
    ) -> Knowledge {
        let mut index = FormIndex::new(corpus.morphologies.iter().copied());
        let held = mask(corpus.len().max(own.len()).max(others.len()), held_out);
        if settings.project {
            for (doc, spans) in own.iter().enumerate() {
                if !held[doc] {
                    learn_spans(&mut index, corpus, doc, spans);
                }
            }
            if settings.others {
                for (doc, spans) in others.iter().enumerate() {
                    if !held[doc] {
                        learn_spans(&mut index, corpus, doc, spans);
                    }
                }
            }
        }
        for g in gazetteers {
            for (label, form) in g.forms() {
                index.learn(&FormInput {
                    text: form,
                    label,
                    suggester: Suggester::Gazetteer(g.name.clone()),
                    convention: Convention::default(),
                    labelled_in: None,
                });
            }
        }
        if !index.is_empty() {
            corpus.analyse_all();
        }
        let mut knowledge = Knowledge {
            index,
            ..Knowledge::default()
        };
        knowledge.count(corpus, own, rejections, held_out);
        knowledge
    }

    /// Counts, for each form, where the annotator took it and where they refused it, over the
    /// documents they labelled or rejected something in.
    fn count(
        &mut self,
        corpus: &Corpus,
        own: &Labels,
        rejections: &RejectionsFile,
        held_out: &[usize],
    ) {
        let held = mask(corpus.len(), held_out);
        let docs: Vec<usize> = (0..corpus.len()).filter(|d| !held[*d]).collect();
        self.per_doc = vec![Vec::new(); corpus.len()];
        self.counts.clear();
        self.count_again(corpus, own, rejections, &docs);
    }

    /// Counts documents `docs` again (their labels or rejections changed), leaving what the
    /// others added as it was.
    fn count_again(
        &mut self,
        corpus: &Corpus,
        own: &Labels,
        rejections: &RejectionsFile,
        docs: &[usize],
    ) {
        let no_labels = Vec::new();
        let index = &self.index;
        let fresh: Vec<Vec<((u32, usize), bool)>> = docs
            .par_iter()
            .map(|&doc| {
                let labels = own.get(doc).unwrap_or(&no_labels);
                let Some(file) = corpus.files.get(doc) else {
                    return Vec::new();
                };
                let rejected: std::collections::HashSet<(CharRange, &str)> = rejections
                    .of_document(file)
                    .map(|r| (r.range(), r.label.as_str()))
                    .collect();
                if index.is_empty() || labels.is_empty() && rejected.is_empty() {
                    return Vec::new();
                }
                let exact: std::collections::HashSet<(CharRange, &str)> =
                    labels.iter().map(|(r, l)| (*r, l.as_str())).collect();
                let spans = Spans::of(labels.iter().map(|(r, _)| *r));
                index
                    .find(corpus.tokens(doc), corpus.text(doc))
                    .into_iter()
                    .filter_map(|m| {
                        let key = (m.range, m.label.as_str());
                        let taken = exact.contains(&key);
                        let refused =
                            !taken && (spans.overlaps(m.range) || rejected.contains(&key));
                        (taken || refused).then_some((m.form, taken))
                    })
                    .collect()
            })
            .collect();
        for (&doc, fresh) in docs.iter().zip(fresh) {
            if self.per_doc.len() <= doc {
                self.per_doc.resize(doc + 1, Vec::new());
            }
            for (form, taken) in std::mem::replace(&mut self.per_doc[doc], fresh) {
                if let Some(c) = self.counts.get_mut(&form) {
                    if taken {
                        c.0 -= 1;
                    } else {
                        c.1 -= 1;
                    }
                }
            }
            for (form, taken) in &self.per_doc[doc] {
                let c = self.counts.entry(*form).or_default();
                if *taken {
                    c.0 += 1;
                } else {
                    c.1 += 1;
                }
            }
        }
    }

    /// Trains the taggers on `own` labels (rejections as what is not a label), leaving out
    /// `held_out` documents.
    pub fn train(
        &mut self,
        corpus: &Corpus,
        own: &Labels,
        rejections: &RejectionsFile,
        held_out: &[usize],
    ) {
        let rejected: Vec<Vec<CharRange>> = (0..corpus.len())
            .map(|doc| {
                rejections
                    .of_document(&corpus.files[doc])
                    .map(|r| r.range())
                    .collect()
            })
            .collect();
        let held = mask(corpus.len(), held_out);
        let docs: Vec<TrainingDoc<'_>> = (0..corpus.len())
            .filter(|doc| !held[*doc])
            .map(|doc| TrainingDoc {
                text: corpus.text(doc),
                language: &corpus.languages[doc],
                labels: own.get(doc).filter(|l| !l.is_empty()).map(|l| l.as_slice()),
                rejected: &rejected[doc],
            })
            .collect();
        self.taggers = Taggers::train(&docs);
    }

    /// How many forms it knows.
    pub fn forms(&self) -> usize {
        self.index.len()
    }

    /// True when the taggers learned something.
    pub fn has_tagger(&self) -> bool {
        !self.taggers.is_empty()
    }

    /// Every suggester's own proposals for `doc`, unfiltered: the string suggesters' and,
    /// when `tagger`, the tagger's.
    pub fn raw(&self, corpus: &Corpus, doc: usize, tagger: bool) -> Vec<Suggestion> {
        let mut out = self.strings(corpus, doc);
        if tagger {
            out.extend(self.tagged(corpus, doc));
        }
        out
    }

    /// The string suggesters' proposals for `doc`, each scored by how often the annotator took
    /// its form where they decided on it: `(taken + 1) / (taken + refused + 2)` (one half for a
    /// form nobody decided on yet).
    pub fn strings(&self, corpus: &Corpus, doc: usize) -> Vec<Suggestion> {
        if self.index.is_empty() {
            // Nothing to find: the document need not be analysed.
            return Vec::new();
        }
        self.index
            .find(corpus.tokens(doc), corpus.text(doc))
            .into_iter()
            .map(|m| {
                let (taken, not) = self.counts.get(&m.form).copied().unwrap_or_default();
                Suggestion {
                    doc,
                    range: m.range,
                    label: m.label,
                    suggester: m.suggester,
                    score: (taken as f32 + 1.0) / ((taken + not) as f32 + 2.0),
                }
            })
            .collect()
    }

    /// The tagger's proposals for `doc`.
    pub fn tagged(&self, corpus: &Corpus, doc: usize) -> Vec<Suggestion> {
        self.taggers
            .predict(corpus.text(doc), &corpus.languages[doc])
            .into_iter()
            .map(|(range, label, score)| Suggestion {
                doc,
                range,
                label,
                suggester: Suggester::Tagger,
                score,
            })
            .collect()
    }
}

/// Everything suggestions need for one project and annotator.
#[derive(Debug)]
pub struct Engine {
    /// The documents.
    pub corpus: Arc<Corpus>,
    /// The project's settings.
    pub settings: Settings,
    /// The gazetteers that could be read.
    pub gazetteers: Vec<Gazetteer>,
    /// What could not be read (a gazetteer), one message each.
    pub problems: Vec<String>,
    /// What was learned last.
    pub knowledge: Knowledge,
    /// The external recommender's answers by document (asked for separately: it is slow).
    pub external: HashMap<usize, Vec<Suggestion>>,
    /// The tagger's proposals by document, until it is trained again (predicting is the
    /// costly part of a refresh; the labels change what is shown, not what it proposes).
    tagged: HashMap<usize, Vec<Suggestion>>,
    /// The labels, others' labels and rejections the knowledge was learned from, to learn only
    /// what changed after an edit.
    learned_from: Option<(Labels, Labels, RejectionsFile)>,
}

impl Engine {
    /// An engine for `project`: its documents analysed, its gazetteers read, nothing learned
    /// yet.
    pub fn for_project(project: &Project) -> Engine {
        Engine::for_documents(
            &project.dir,
            project.file.suggestions.clone(),
            Corpus::sources_of(project),
        )
    }

    /// An engine for `documents` of the project behind `dir` under `settings`: the documents
    /// analysed, the gazetteers read, nothing learned yet.
    pub fn for_documents(
        dir: &ProjectDir,
        settings: Settings,
        documents: Vec<SourceDocument>,
    ) -> Engine {
        let mut gazetteers = Vec::new();
        let mut problems = Vec::new();
        for path in &settings.gazetteers {
            match Gazetteer::load(dir, path) {
                Ok(g) => gazetteers.push(g),
                Err(e) => problems.push(e.to_string()),
            }
        }
        Engine::new(
            Arc::new(Corpus::new(documents)),
            settings,
            gazetteers,
            problems,
        )
    }

    /// An engine over `corpus`.
    pub fn new(
        corpus: Arc<Corpus>,
        settings: Settings,
        gazetteers: Vec<Gazetteer>,
        problems: Vec<String>,
    ) -> Engine {
        Engine {
            corpus,
            settings,
            gazetteers,
            problems,
            knowledge: Knowledge::default(),
            external: HashMap::new(),
            tagged: HashMap::new(),
            learned_from: None,
        }
    }

    /// Learns the forms from `own` (and `others`) labels; `train`: the taggers too, and every
    /// form's counts from scratch. Without `train`, when the labels only grew since the last
    /// time (an edit added spans) the new forms are added and only the documents that changed
    /// are counted again: what an edit costs is its document, not the project. The counts of
    /// the other documents catch up at the next training (a save).
    pub fn learn(
        &mut self,
        own: &Labels,
        others: &Labels,
        rejections: &RejectionsFile,
        train: bool,
    ) {
        if !train && self.learn_what_changed(own, others, rejections) {
            return;
        }
        let taggers = std::mem::take(&mut self.knowledge.taggers);
        self.knowledge = Knowledge::learn(
            &self.corpus,
            &self.settings,
            &self.gazetteers,
            own,
            others,
            rejections,
            &[],
        );
        self.knowledge.taggers = taggers;
        if train && self.settings.tagger {
            self.knowledge.train(&self.corpus, own, rejections, &[]);
            self.tagged.clear();
        }
        self.learned_from = Some((own.clone(), others.clone(), rejections.clone()));
    }

    /// The quick path of [`Engine::learn`]: true when only spans were added (and rejections
    /// changed), which it learned.
    fn learn_what_changed(
        &mut self,
        own: &Labels,
        others: &Labels,
        rejections: &RejectionsFile,
    ) -> bool {
        let Some((old_own, old_others, old_rejections)) = &self.learned_from else {
            return false;
        };
        if old_others != others || old_own.len() != own.len() {
            return false;
        }
        let mut added: Vec<(usize, Vec<Labelled>)> = Vec::new();
        let mut changed: Vec<usize> = Vec::new();
        for (doc, (old, new)) in old_own.iter().zip(own).enumerate() {
            if old == new {
                continue;
            }
            // How many of each span the old labels had, taken off by the new ones.
            let mut remaining: HashMap<&Labelled, usize> = HashMap::new();
            for span in old {
                *remaining.entry(span).or_default() += 1;
            }
            let mut new_spans = Vec::new();
            for span in new {
                match remaining.get_mut(span) {
                    Some(n) if *n > 0 => *n -= 1,
                    _ => new_spans.push(span.clone()),
                }
            }
            if remaining.values().any(|n| *n > 0) {
                // A span went (undo, delete, relabel): its form may have to go too.
                return false;
            }
            added.push((doc, new_spans));
            changed.push(doc);
        }
        if rejections != old_rejections {
            let docs: std::collections::BTreeSet<&str> = rejections
                .rejected
                .symmetric_difference(&old_rejections.rejected)
                .map(|r| r.document.as_str())
                .collect();
            for (doc, file) in self.corpus.files.iter().enumerate() {
                if docs.contains(file.as_str()) && !changed.contains(&doc) {
                    changed.push(doc);
                }
            }
        }
        if self.settings.project {
            for (doc, spans) in &added {
                learn_spans(&mut self.knowledge.index, &self.corpus, *doc, spans);
            }
        }
        if !self.knowledge.index.is_empty() {
            // The first forms: every document is matched next.
            self.corpus.analyse_all();
        }
        self.knowledge
            .count_again(&self.corpus, own, rejections, &changed);
        self.learned_from = Some((own.clone(), others.clone(), rejections.clone()));
        true
    }

    /// Asks the external recommender for `docs`, one text per request (some backends answer
    /// nothing for a text they find nothing in), and keeps its answers for
    /// [`Engine::suggest`]. Labels outside `labels` (the schema's) are dropped. Stops at the
    /// first error: a server that is down is not asked again for every document.
    pub fn ask_external(
        &mut self,
        docs: &[usize],
        labels: &[&str],
        timeout: std::time::Duration,
    ) -> Result<usize, super::external::ExternalError> {
        let Some(url) = self.settings.external.clone() else {
            return Ok(0);
        };
        let mut backend = super::external::Backend::new(url.clone(), labels);
        backend.timeout = timeout;
        let mut found = 0;
        for &doc in docs {
            let text = self.corpus.text(doc);
            let task = super::external::Task {
                id: doc as u64,
                text,
            };
            let regions = match backend.predict(&[task]) {
                Ok(p) => p.per_task.into_iter().next().unwrap_or_default(),
                Err(super::external::ExternalError::WrongCount {
                    expected: 1,
                    got: 0,
                    ..
                }) => Vec::new(),
                Err(e) => return Err(e),
            };
            let suggestions: Vec<Suggestion> = regions
                .into_iter()
                .filter(|r| labels.contains(&r.label.as_str()))
                .map(|r| Suggestion {
                    doc,
                    range: CharRange::new(r.start, r.end),
                    label: r.label,
                    suggester: Suggester::External(url.clone()),
                    score: r.score.clamp(0.0, 1.0),
                })
                .collect();
            found += suggestions.len();
            self.external.insert(doc, suggestions);
        }
        Ok(found)
    }

    /// The suggestions shown in `doc`, whose own spans are `own`: above their thresholds, not
    /// rejected, not over an own span, the surest of overlapping ones; by start.
    pub fn suggest(
        &mut self,
        doc: usize,
        own: &[Labelled],
        rejections: &RejectionsFile,
    ) -> Vec<Suggestion> {
        if doc >= self.corpus.len() {
            return Vec::new();
        }
        let mut all = self.knowledge.strings(&self.corpus, doc);
        if self.settings.tagger {
            let (knowledge, corpus) = (&self.knowledge, &self.corpus);
            all.extend(
                self.tagged
                    .entry(doc)
                    .or_insert_with(|| knowledge.tagged(corpus, doc))
                    .iter()
                    .cloned(),
            );
        }
        if self.settings.external.is_some() {
            all.extend(self.external.get(&doc).into_iter().flatten().cloned());
        }
        let file = &self.corpus.files[doc];
        let rejected: std::collections::HashMap<(CharRange, &str), &str> = rejections
            .of_document(file)
            .map(|r| ((r.range(), r.label.as_str()), r.text.as_str()))
            .collect();
        let own_spans = Spans::of(own.iter().map(|(r, _)| *r));
        all.retain(|s| {
            let kind = Kind::of(&s.suggester);
            self.settings.enabled(kind)
                && s.score >= self.settings.threshold(kind)
                && !own_spans.overlaps(s.range)
                && rejected
                    .get(&(s.range, s.label.as_str()))
                    .is_none_or(|text| *text != self.corpus.slice(doc, s.range))
        });
        merge(all)
    }
}

/// The surest of overlapping suggestions, by start.
pub fn merge(mut all: Vec<Suggestion>) -> Vec<Suggestion> {
    all.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.range.start.cmp(&b.range.start))
            .then(b.range.len().cmp(&a.range.len()))
            .then(a.suggester.cmp(&b.suggester))
    });
    // Kept ranges by start; they never overlap, so a new one overlaps a kept one only if it
    // overlaps its neighbour on either side.
    let mut kept: std::collections::BTreeMap<usize, Suggestion> = Default::default();
    for s in all {
        let before = kept
            .range(..s.range.end)
            .next_back()
            .is_some_and(|(_, k)| k.range.end > s.range.start);
        if !before {
            kept.insert(s.range.start, s);
        }
    }
    kept.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus() -> Arc<Corpus> {
        let docs = [
            (
                "a.ru.txt",
                "Казахстан и Таджикистан. Президент Казахстана.",
                "ru",
            ),
            (
                "b.kk.txt",
                "Қазақстан мен Тәжікстан. Тәжікстанның елшісі.",
                "kk",
            ),
            ("c.zh.txt", "哈萨克斯坦和塔吉克斯坦。塔吉克斯坦总统。", "zh"),
        ];
        Arc::new(Corpus::new(
            docs.iter()
                .map(|(f, t, l)| {
                    (
                        (*f).to_owned(),
                        Some(Arc::new((*t).to_owned())),
                        Some((*l).to_owned()),
                    )
                })
                .collect(),
        ))
    }

    fn span(corpus: &Corpus, doc: usize, needle: &str, label: &str) -> Labelled {
        let text = corpus.text(doc);
        let start = text[..text.find(needle).unwrap()].chars().count();
        (
            CharRange::new(start, start + needle.chars().count()),
            label.to_owned(),
        )
    }

    /// The string suggesters only, no rejections, and no labels yet in the three documents.
    fn strings_only() -> (Settings, RejectionsFile, Labels) {
        let settings = Settings {
            tagger: false,
            ..Settings::default()
        };
        (settings, RejectionsFile::default(), vec![Vec::new(); 3])
    }

    #[test]
    fn the_corpus_shares_the_project_texts_instead_of_copying_them() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs");
        let project = Project::open(&root).unwrap();
        let corpus = Corpus::of(&project);
        assert_eq!(corpus.texts.len(), project.documents.len());
        for (slot, text) in project.documents.iter().zip(&corpus.texts) {
            let (doc, text) = (slot.doc().unwrap(), text.as_ref().unwrap());
            assert!(Arc::ptr_eq(&doc.shared_text(), text), "{}", slot.file());
        }
    }

    /// Nothing to find, nothing analysed: a project nobody has labelled yet (and with no
    /// gazetteer) holds no token index; the first label analyses every document, and its form
    /// is found inflected in its own document.
    #[test]
    fn documents_are_analysed_when_there_first_is_a_form_to_find() {
        let corpus = corpus();
        let (settings, none, mut own) = strings_only();
        let mut engine = Engine::new(corpus.clone(), settings, Vec::new(), Vec::new());
        engine.learn(&own, &Vec::new(), &none, true);
        for (doc, labels) in own.iter().enumerate() {
            assert!(engine.suggest(doc, labels, &none).is_empty());
        }
        assert_eq!(corpus.analysed(), 0);
        own[0].push(span(&corpus, 0, "Казахстан", "COUNTRY"));
        engine.learn(&own, &Vec::new(), &none, false);
        assert_eq!(corpus.analysed(), 3);
        let found: Vec<&str> = engine
            .suggest(0, &own[0], &none)
            .iter()
            .map(|s| corpus.slice(0, s.range))
            .collect();
        assert_eq!(found, ["Казахстана"]);
    }

    /// After an edit that adds spans, learning only what changed shows the same suggestions
    /// in the edited document as learning everything again; a removed span learns everything
    /// again.
    #[test]
    fn learning_what_an_edit_added_suggests_as_learning_everything() {
        let corpus = corpus();
        let (settings, none, mut own) = strings_only();
        own[0].push(span(&corpus, 0, "Казахстан", "COUNTRY"));
        let mut quick = Engine::new(corpus.clone(), settings.clone(), Vec::new(), Vec::new());
        quick.learn(&own, &Vec::new(), &none, false);
        for (doc, needle) in [(1, "Тәжікстан"), (2, "塔吉克斯坦"), (0, "Таджикистан")]
        {
            own[doc].push(span(&corpus, doc, needle, "COUNTRY"));
            quick.learn(&own, &Vec::new(), &none, false);
            let mut full = Engine::new(corpus.clone(), settings.clone(), Vec::new(), Vec::new());
            full.learn(&own, &Vec::new(), &none, false);
            for (d, labels) in own.iter().enumerate() {
                assert_eq!(
                    quick.suggest(d, labels, &none),
                    full.suggest(d, labels, &none),
                    "document {d} after labelling {needle}"
                );
            }
        }
        assert!(!quick.suggest(1, &own[1], &none).is_empty(), "Тәжікстанның");
        own[2].clear();
        quick.learn(&own, &Vec::new(), &none, false);
        assert!(
            quick.suggest(2, &own[2], &none).is_empty(),
            "the form of a removed span is forgotten"
        );
    }
}
