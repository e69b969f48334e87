//! Suggestions (issue 17). Targets: the string suggester over 1,000 documents × 10,000 known
//! forms ≤ 1 s; a document's suggestions refreshed after an edit (the forms learned again from
//! every label, the document matched) ≤ 50 ms; the tagger trained on the samples ≤ 2 s. The
//! frame cost of ghost spans is in `benches/view.rs`.
//!
//! The corpus: 1,000 documents of about 3,000 chars each, cut from the five sample texts with
//! a rotation and a number so that no two are alike; the forms: every word pair of the corpus
//! up to 10,000, labelled as they would be by hand, in all four languages.
//!
//! `cargo bench --bench suggest` (ACCORD_BENCH_QUICK=1 for a short run).

#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use accord::model::CharRange;
use accord::project::{Project, Workspace};
use accord::suggest::engine::{Corpus, Knowledge, Labels, labels_of};
use accord::suggest::rejections::RejectionsFile;
use accord::suggest::{Engine, Settings};
use criterion::{Criterion, criterion_group, criterion_main};

/// `n` documents of about `chars` chars each, from the sample texts, none alike.
fn corpus_texts(n: usize, chars: usize) -> Vec<(String, Option<Arc<String>>, Option<String>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs");
    let samples: Vec<(String, String)> = [
        ("kz-tj-joint-statement.zh.txt", "zh"),
        ("tj-kz-talks-astana.ar.txt", "ar"),
        ("kz-tj-alliance-treaty.ru.txt", "ru"),
        ("kz-tj-foreign-ministers.kk.txt", "kk"),
        ("tj-cn-talks-xian.ar.txt", "ar"),
    ]
    .iter()
    .map(|(f, l)| {
        (
            std::fs::read_to_string(dir.join(f)).unwrap(),
            (*l).to_owned(),
        )
    })
    .collect();
    (0..n)
        .map(|i| {
            let (text, language) = &samples[i % samples.len()];
            let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            let mut out = format!("{i}. ");
            let mut k = i / samples.len();
            while out.chars().count() < chars {
                out.push_str(lines[k % lines.len()]);
                out.push('\n');
                k += 1;
            }
            (
                format!("doc-{i}.txt"),
                Some(Arc::new(out)),
                Some(language.clone()),
            )
        })
        .collect()
}

/// Up to `n` labels over word pairs of the corpus (one per place, spread over the
/// documents), as the annotator's own.
fn labels(corpus: &Corpus, n: usize) -> Labels {
    let mut labels: Labels = vec![Vec::new(); corpus.len()];
    let mut made = 0;
    'docs: for round in 0.. {
        let mut any = false;
        for (doc, spans) in labels.iter_mut().enumerate() {
            let text = corpus.text(doc);
            let words: Vec<(usize, usize)> = accord::model::tokens::tokenize_str(text)
                .into_iter()
                .map(|r| (r.start, r.end))
                .collect();
            let at = round * 7 + doc % 5;
            if at + 1 >= words.len() {
                continue;
            }
            any = true;
            let range = CharRange::new(words[at].0, words[at + 1].1);
            let label = ["PERSON", "COUNTRY", "ORG", "LOCATION"][made % 4];
            spans.push((range, label.to_owned()));
            made += 1;
            if made >= n {
                break 'docs;
            }
        }
        if !any {
            break;
        }
    }
    labels
}

fn time_once<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}

fn bench_strings(c: &mut Criterion) {
    let quick = std::env::var_os("ACCORD_BENCH_QUICK").is_some();
    let settings = Settings {
        tagger: false,
        ..Settings::default()
    };
    let texts = corpus_texts(1_000, 3_000);
    // Analysing the documents once (tokens, readings): at the start of a session.
    let (corpus, analysed) = time_once(|| Corpus::new(texts.clone()));
    println!("suggest/analyse_1000_documents: {analysed:?}");
    let own = labels(&corpus, 10_000);
    let forms: usize = own.iter().map(Vec::len).sum();
    let none = RejectionsFile::default();
    let mut group = c.benchmark_group("suggest");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(if quick { 3 } else { 10 }));
    // Learning 10,000 forms and matching them over every document, from scratch.
    group.bench_function("strings_1000_documents_10000_forms", |b| {
        b.iter(|| {
            let knowledge =
                Knowledge::learn(&corpus, &settings, &[], &own, &Vec::new(), &none, &[]);
            let found: usize = (0..corpus.len())
                .map(|d| knowledge.strings(&corpus, d).len())
                .sum();
            black_box(found)
        })
    });
    // The whole of it, documents analysed too.
    group.bench_function("strings_1000_documents_10000_forms_cold", |b| {
        b.iter(|| {
            let corpus = Corpus::new(texts.clone());
            let knowledge =
                Knowledge::learn(&corpus, &settings, &[], &own, &Vec::new(), &none, &[]);
            black_box(knowledge.strings(&corpus, 0).len())
        })
    });
    // After an edit that adds a span (a word pair not labelled before): what the edit added
    // learned, its document counted again, its suggestions found.
    let mut engine = Engine::new(Arc::new(corpus), settings.clone(), Vec::new(), Vec::new());
    let mut edited = own.clone();
    engine.learn(&edited, &Vec::new(), &none, false);
    let words: Vec<Vec<CharRange>> = (0..engine.corpus.len())
        .map(|d| accord::model::tokens::tokenize_str(engine.corpus.text(d)))
        .collect();
    group.bench_function("refresh_one_document_after_an_edit", |b| {
        let mut n = 0;
        b.iter(|| {
            n += 1;
            let doc = n % 1_000;
            let w = &words[doc];
            let at = (n / 1_000 * 11 + 3) % (w.len() - 1);
            edited[doc].push((
                CharRange::new(w[at].start, w[at + 1].end),
                "EVENT".to_owned(),
            ));
            engine.learn(&edited, &Vec::new(), &none, false);
            black_box(engine.suggest(doc, &edited[doc], &none).len())
        })
    });
    group.finish();
    println!("suggest/forms_learned: {forms}");
}

fn bench_tagger(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs"),
        dir.path(),
    );
    let project = Project::open(dir.path()).unwrap();
    let corpus = Corpus::of(&project);
    let ws = Workspace::open(project, "aigerim");
    let own: Labels = ws.doc_ids().map(|d| labels_of(ws.store(d))).collect();
    let none = RejectionsFile::default();
    let mut group = c.benchmark_group("suggest");
    group.sample_size(10);
    group.bench_function("train_tagger_on_the_samples", |b| {
        b.iter(|| {
            let mut knowledge = Knowledge::default();
            knowledge.train(&corpus, &own, &none, &[]);
            black_box(knowledge.has_tagger())
        })
    });
    group.finish();
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Not timed: how good each suggester is (precision, recall, F1 per language, on documents it
/// did not learn from), printed for the closing notes and the README. On the samples as
/// aigerim and as dilnoza; and on a second set: the samples cut into one document per
/// paragraph (so each language has many documents to learn from and be measured on) and
/// relabelled with a coarser label set (PER, LOC, ORG, MISC), the gazetteer relabelled alike.
fn report_quality(_: &mut Criterion) {
    use accord::suggest::evaluate::{Evaluation, evaluate};
    use accord::suggest::gazetteer::Gazetteer;
    let dir = tempfile::tempdir().unwrap();
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs"),
        dir.path(),
    );
    let project = Project::open(dir.path()).unwrap();
    let corpus = Corpus::of(&project);
    let gazetteer = Gazetteer::load(&project.dir, "gazetteers/central-asia.ron").unwrap();
    let settings = project.file.suggestions.clone();
    let none = RejectionsFile::default();
    let print = |title: &str, e: &Evaluation| {
        println!("\nsuggest/quality: {title} ({})", e.method);
        for (name, m) in &e.suggesters {
            let line = |what: &str, c: &accord::suggest::evaluate::Counts| {
                println!(
                    "  {name:<24} {what:<4} P {:.2}  R {:.2}  F1 {:.2}  ({}/{}/{})",
                    c.precision(),
                    c.recall(),
                    c.f1(),
                    c.right,
                    c.wrong,
                    c.missed
                )
            };
            line("all", &m.all);
            for (language, c) in &m.by_language {
                line(language, c);
            }
            if let Some((found, total)) = m.unseen {
                println!(
                    "  {name:<24} found {found} of {total} labelled spans whose text is in no other document"
                );
            }
        }
    };
    let mut by_annotator = Vec::new();
    for annotator in ["aigerim", "dilnoza"] {
        let ws = Workspace::open(Project::open(dir.path()).unwrap(), annotator);
        let own: Labels = ws.doc_ids().map(|d| labels_of(ws.store(d))).collect();
        let (e, took) = time_once(|| {
            evaluate(
                &corpus,
                &settings,
                std::slice::from_ref(&gazetteer),
                &own,
                &none,
                None,
            )
        });
        print(
            &format!("the samples as {annotator}, measured in {took:?}"),
            &e,
        );
        by_annotator.push(own);
    }

    // The second set.
    let coarse = |label: &str| -> &'static str {
        match label {
            "PERSON" => "PER",
            "COUNTRY" | "LOCATION" => "LOC",
            "ORG" => "ORG",
            _ => "MISC",
        }
    };
    let mut docs = Vec::new();
    let mut labels: Labels = Vec::new();
    for (doc, own) in by_annotator[0].iter().enumerate() {
        let text = corpus.text(doc);
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let len = line.chars().count();
            let end = start + len;
            if line.trim().chars().count() > 20 {
                docs.push((
                    format!("{}-{start}.txt", corpus.files[doc]),
                    Some(Arc::new(line.to_owned())),
                    Some(corpus.languages[doc].clone()),
                ));
                labels.push(
                    own.iter()
                        .filter(|(r, _)| r.start >= start && r.end <= end)
                        .map(|(r, l)| {
                            (
                                CharRange::new(r.start - start, r.end - start),
                                coarse(l).to_owned(),
                            )
                        })
                        .collect(),
                );
            }
            start = end;
        }
    }
    let paragraphs = Corpus::new(docs);
    let mut relabelled = gazetteer.clone();
    for entry in &mut relabelled.entries {
        entry.label = coarse(&entry.label).to_owned();
    }
    let (e, took) =
        time_once(|| evaluate(&paragraphs, &settings, &[relabelled], &labels, &none, None));
    print(
        &format!(
            "second set: {} paragraphs of the samples as documents, PER/LOC/ORG/MISC, aigerim, measured in {took:?}",
            paragraphs.len()
        ),
        &e,
    );
}

criterion_group!(benches, report_quality, bench_strings, bench_tagger);
criterion_main!(benches);
