//! What the journal costs an edit: `Workspace::apply` writes the step to the annotator's journal
//! and flushes it (`fdatasync`) before it returns. Measured for one new span and for "label all
//! matches" over 1000 spans (one step, one record), in a project on the disk the build is on
//! (`target/tmp`) and, where there is one, on a tmpfs (`/dev/shm`, where a flush
//! costs nothing, so what is left is building and writing the record). The same edits made on a
//! bare store, without workspace or journal, are the baseline.
//!
//! Target: one span ≤ 5 ms on an SSD, so typing labels never waits on the disk.
//!
//! Run: `cargo bench --no-default-features --bench journal`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::Criterion;

use accord::edit::{self, Edit, EditContext};
use accord::model::{CharRange, Document, Timestamp};
use accord::project::{DocId, Project, Workspace};
use accord::store::AnnotationStore;

const WORD: &str = "Astana ";
const WORDS: usize = 2000;
const MATCHES: usize = 1000;

/// A project of one document: `WORDS` times "Astana ".
fn project_in(parent: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir_in(parent).expect("a temporary folder");
    std::fs::write(dir.path().join("a.txt"), WORD.repeat(WORDS)).expect("the document");
    dir
}

/// The `i`-th word of the document.
fn word(i: usize) -> CharRange {
    let len = WORD.chars().count();
    let start = (i % WORDS) * len;
    CharRange::new(start, start + len - 1)
}

fn add(range: CharRange) -> Edit {
    Edit::Add {
        label: "LOCATION".into(),
        ranges: vec![range],
        attributes: BTreeMap::new(),
        source: None,
    }
}

/// Saves and removes everything, untimed: the next measurement starts from an empty store
/// and an empty journal, as after the window's save every 30 seconds.
fn reset(ws: &mut Workspace) {
    let doc = DocId(0);
    let ids: Vec<Edit> = ws
        .store(doc)
        .annotations()
        .map(|a| Edit::Remove { id: a.id })
        .collect();
    if !ids.is_empty() {
        ws.apply(vec![(doc, Edit::Batch(ids))]).expect("remove all");
    }
    for (_, saved) in ws.save_all() {
        saved.expect("save");
    }
}

fn bench_where(c: &mut Criterion, name: &str, parent: &Path) {
    let dir = project_in(parent);
    let mut ws = Workspace::open(Project::open(dir.path()).expect("project"), "bench");
    assert!(ws.lock().is_ok(), "the bench holds the lock");
    let journal: PathBuf = ws.journal_path().expect("a journal").to_path_buf();
    let doc = DocId(0);

    let mut group = c.benchmark_group(format!("journal/{name}"));
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1));
    group.bench_function("apply one span", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for i in 0..iters {
                let i = usize::try_from(i).unwrap_or(0);
                if i % WORDS == 0 {
                    reset(&mut ws);
                }
                let step = vec![(doc, add(word(i)))];
                let started = Instant::now();
                black_box(ws.apply(step).expect("apply"));
                spent += started.elapsed();
            }
            spent
        });
    });

    group.sample_size(10);
    let matches: Vec<(DocId, CharRange)> = (0..MATCHES).map(|i| (doc, word(i))).collect();
    let mut record_bytes = 0;
    group.bench_function("label all matches, 1000 spans", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                reset(&mut ws);
                let step = ws.label_matches(&matches, "LOCATION");
                assert_eq!(step.len(), MATCHES);
                let before = std::fs::metadata(&journal).map_or(0, |m| m.len());
                let started = Instant::now();
                black_box(ws.apply(step).expect("apply"));
                spent += started.elapsed();
                record_bytes = std::fs::metadata(&journal).map_or(0, |m| m.len()) - before;
            }
            spent
        });
    });
    group.finish();
    println!("journal/{name}: the record of 1000 new spans is {record_bytes} bytes");
}

/// The same edits on a bare store: what the journal adds to.
fn bench_baseline(c: &mut Criterion) {
    let document = Document::from_text("a.txt", WORD.repeat(WORDS));
    let project =
        Project::open(project_in(Path::new(env!("CARGO_TARGET_TMPDIR"))).path()).expect("project");
    let now = Timestamp::now();
    let ctx = EditContext {
        schema: &project.schema,
        document: &document,
        author: "bench",
        now: &now,
    };
    let mut group = c.benchmark_group("journal/none (a bare store)");
    group.sample_size(30);
    group.bench_function("apply one span", |b| {
        let mut store = AnnotationStore::new();
        let mut i = 0;
        b.iter(|| {
            if i % WORDS == 0 {
                store = AnnotationStore::new();
            }
            black_box(edit::apply(&mut store, &ctx, &add(word(i))).expect("apply"));
            i += 1;
        });
    });
    let batch = Edit::Batch((0..MATCHES).map(|i| add(word(i))).collect());
    group.bench_function("label all matches, 1000 spans", |b| {
        b.iter_batched(
            AnnotationStore::new,
            |mut store| black_box(edit::apply(&mut store, &ctx, &batch).expect("apply")),
            criterion::BatchSize::LargeInput,
        );
    });
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench_baseline(&mut c);
    bench_where(&mut c, "disk", Path::new(env!("CARGO_TARGET_TMPDIR")));
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        bench_where(&mut c, "tmpfs", shm);
    }
    c.final_summary();
}
