//! Export and import of a large corpus: 1,000 documents in mixed scripts (Latin, Cyrillic,
//! Arabic with harakat, Han, emoji), 200 annotations each (overlapping, some discontinuous,
//! commitments with attributes and references) and 10 links each.
//!
//! Targets: export to each format ≤ 1 s (in memory, as `export_corpus` returns it; every
//! format is written in Rust, no Python involved), and import of the same brat set ≤ 1 s:
//! the full import into a new project, which reads and maps the set and writes 2,000 files
//! atomically, durable on disk when it returns (reading and mapping alone is measured
//! beside it).
//!
//! Run: `cargo bench --no-default-features --bench formats`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::ops::ControlFlow;
use std::path::Path;
use std::time::Duration;

use criterion::{BatchSize, Criterion};

use accord::formats::{
    Corpus, CorpusDocument, Format, ImportContext, ImportOptions, Progress, UnknownNames,
    export_corpus, import, read_source,
};
use accord::model::{
    Annotation, AnnotationId, AttributeValue, Fragment, Link, LinkId, Review, Timestamp,
};
use accord::schema::Schema;

const DOCUMENTS: usize = 1_000;
const SPANS: usize = 200;
const LINKS: usize = 10;
const WORDS: usize = 500;

/// A small deterministic generator (xorshift64*), so every run benchmarks the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORD_POOL: &[&str] = &[
    "the",
    "presidents",
    "agreed",
    "trade",
    "billion",
    "Astana",
    "Dushanbe",
    "Токаев",
    "Рахмон",
    "договор",
    "Қазақстан",
    "Тәжікстан",
    "كَتَبَ",
    "الرَّئِيسُ",
    "طاجيكستان",
    "كازاخستان",
    "哈萨克斯坦",
    "总统",
    "20亿美元",
    "😊",
    "𠀀𠀁",
    "2024",
];

const LABELS: &[&str] = &[
    "PERSON", "COUNTRY", "ORG", "LOCATION", "DATE", "MONEY", "EVENT",
];

fn document(n: usize, rng: &mut Rng) -> CorpusDocument {
    // Words with their char ranges; a line break every 40 words, CRLF in every third document.
    let mut text = String::new();
    let mut words = Vec::with_capacity(WORDS);
    let mut at = 0;
    for w in 0..WORDS {
        if w > 0 {
            let sep = if w % 40 == 0 {
                if n.is_multiple_of(3) { "\r\n" } else { "\n" }
            } else {
                " "
            };
            text.push_str(sep);
            at += sep.chars().count();
        }
        let word = WORD_POOL[rng.below(WORD_POOL.len())];
        text.push_str(word);
        let len = word.chars().count();
        words.push((at, at + len));
        at += len;
    }
    let chars: Vec<char> = text.chars().collect();
    let slice = |s: usize, e: usize| chars[s..e].iter().collect::<String>();
    let now = Timestamp("2026-11-23T15:10:00Z".into());
    let mut annotations = Vec::with_capacity(SPANS);
    for i in 0..SPANS {
        let first = rng.below(WORDS - 4);
        let len = 1 + rng.below(3);
        let mut fragments = vec![(words[first].0, words[first + len - 1].1)];
        if i % 10 == 9 {
            // Discontinuous: a second piece a few words on.
            let second = (first + len + 1 + rng.below(3)).min(WORDS - 1);
            fragments.push((words[second].0, words[second].1));
        }
        let commitment = i % 20 == 0;
        let mut attributes = BTreeMap::new();
        if commitment {
            attributes.insert("kind".to_owned(), AttributeValue::Enum("pledge".into()));
            if i > 0 {
                attributes.insert(
                    "actors".to_owned(),
                    AttributeValue::Refs(vec![AnnotationId(i as u64)]),
                );
            }
        }
        annotations.push(Annotation {
            id: AnnotationId(i as u64 + 1),
            label: if commitment {
                "COMMITMENT".into()
            } else {
                LABELS[rng.below(LABELS.len())].into()
            },
            fragments: fragments
                .into_iter()
                .map(|(s, e)| Fragment {
                    start: s,
                    end: e,
                    text: slice(s, e),
                })
                .collect(),
            attributes,
            note: if i % 7 == 0 {
                "checked against the Russian text".into()
            } else {
                String::new()
            },
            review: Review::default(),
            author: "bench".into(),
            created: now.clone(),
            modified: now.clone(),
            source: None,
            conflict: None,
        });
    }
    annotations.sort_by_key(|a| (a.extent().start, a.id));
    let links = (0..LINKS)
        .map(|k| Link {
            id: LinkId((SPANS + 1 + k) as u64),
            kind: "located_in".into(),
            from: AnnotationId(1 + rng.below(SPANS) as u64),
            to: AnnotationId(1 + rng.below(SPANS) as u64),
        })
        .collect();
    let mut doc = CorpusDocument::new(format!("doc-{n:04}.txt"), text);
    doc.language = Some("mul".into());
    doc.annotations = annotations;
    doc.links = links;
    doc.next_id = (SPANS + LINKS + 1) as u64;
    doc
}

fn corpus() -> Corpus {
    let mut rng = Rng(0x5eed_1234_abcd_0042);
    Corpus {
        name: "bench".into(),
        annotator: "bench".into(),
        schema: Schema::default_schema(),
        documents: (0..DOCUMENTS).map(|n| document(n, &mut rng)).collect(),
        groups: Vec::new(),
    }
}

fn go(_: Progress<'_>) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

fn write_brat(corpus: &Corpus, dir: &Path) {
    let (files, _) = export_corpus(corpus, Format::Brat, &mut go).expect("brat export");
    for f in files {
        std::fs::write(dir.join(&f.path), &f.bytes).expect("writable temporary folder");
    }
}

fn main() {
    let corpus = corpus();
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
        .configure_from_args();
    let mut group = c.benchmark_group("export 1000 docs × 200 spans");
    for format in Format::ALL {
        group.bench_function(format.name(), |b| {
            b.iter(|| black_box(export_corpus(&corpus, format, &mut go).expect("export")))
        });
    }
    group.finish();

    let brat = tempfile::tempdir().expect("temporary folder");
    write_brat(&corpus, brat.path());
    let schema = Schema::default_schema();
    let mut group = c.benchmark_group("import 1000 brat docs");
    group.bench_function("read brat", |b| {
        b.iter(|| {
            let ctx = ImportContext {
                annotator: "bench",
                now: Timestamp("2026-11-23T15:10:00Z".into()),
                schema: &schema,
            };
            let imported = read_source(Format::Brat, brat.path(), &ctx, &mut go).expect("read");
            assert_eq!(imported.documents.len(), DOCUMENTS);
            black_box(imported)
        })
    });
    // Each import goes into a new folder on a quiet disk, as a user's would. The folders are
    // kept until the end: deleting the last one's 2,000 files (67 MB) between imports made
    // the file system busy freeing and discarding them during the next measurement, which
    // then took three times as long. `sync` first, so no earlier write is flushed in the
    // measurement. About ten imports are measured: ~700 MB of temporary files.
    group.measurement_time(Duration::from_secs(5));
    let mut kept = Vec::new();
    group.bench_function("import brat into a new project (writes 2000 files)", |b| {
        b.iter_batched(
            || {
                let _ = std::process::Command::new("sync").status();
                tempfile::tempdir().expect("temporary folder")
            },
            |project| {
                let options = ImportOptions {
                    format: Format::Brat,
                    source: brat.path().to_path_buf(),
                    into: project.path().join("p"),
                    annotator: "bench".into(),
                    unknown: UnknownNames::Refuse,
                    force: false,
                };
                let report = import(&options, &mut go).expect("import");
                assert_eq!(report.annotations, DOCUMENTS * SPANS);
                kept.push(project);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
    c.final_summary();
}
