//! Load, validate and save one big annotation file: a 5 MB document in mixed scripts with
//! 100 000 annotations (entities, commitments with attributes, discontinuous spans, notes,
//! reviews) and 10 000 links.
//!
//! Targets: save ≤ 150 ms, load ≤ 250 ms, and peak memory of a load ≤ 3 × (text bytes +
//! annotation file bytes). The memory figure is measured in a child process that does nothing
//! but load (this same binary, started with `ACCORD_BENCH_LOAD_CHILD`), from the kernel's
//! high-water mark of resident memory (`VmHWM` in `/proc/self/status`).
//!
//! Run: `cargo bench --no-default-features --bench store`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::Criterion;

use accord::model::{
    Annotation, AnnotationId, AttributeValue, CharRange, Document, Fragment, Link, LinkId, Review,
    ReviewState, Timestamp,
};
use accord::store::{AnnotationFile, AnnotationStore, DocumentStamp};

const DOC_BYTES: usize = 5_000_000;
const ANNOTATIONS: usize = 100_000;
const LINKS: usize = 10_000;
const DOC_FILE: &str = "big.mixed.txt";
const ANNOTATOR: &str = "bench";
const CHILD_ENV: &str = "ACCORD_BENCH_LOAD_CHILD";

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

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const LATIN: &[&str] = &[
    "the",
    "presidents",
    "agreed",
    "to",
    "raise",
    "bilateral",
    "trade",
    "billion",
    "dollars",
    "within",
    "five",
    "years",
    "Kazakhstan",
    "Tajikistan",
    "Astana",
    "Dushanbe",
    "cooperation",
    "energy",
    "transport",
    "treaty",
    "allied",
    "relations",
    "minister",
    "visit",
    "summit",
];
const CYRILLIC: &[&str] = &[
    "Президент",
    "Қазақстан",
    "Республикасы",
    "Тәжікстан",
    "ынтымақтастық",
    "договор",
    "союзнических",
    "отношениях",
    "министр",
    "иностранных",
    "дел",
    "встреча",
    "Душанбе",
    "Астана",
    "торговли",
    "миллиарда",
    "долларов",
    "екіжақты",
    "сауда",
    "келісім",
];
const ARABIC: &[&str] = &[
    "رئيس",
    "جمهورية",
    "طاجيكستان",
    "كازاخستان",
    "أستانا",
    "التعاون",
    "الثنائية",
    "مليار",
    "دولار",
    "كَتَبَ",
    "الوَلَدُ",
    "الاتفاقية",
    "الزيارة",
    "الرسمية",
    "عُقدت",
    "مفاوضات",
    "رفيعة",
    "المستوى",
    "الطرفان",
    "التجارة",
];
const CHINESE: &[&str] = &[
    "哈萨克斯坦",
    "塔吉克斯坦",
    "总统",
    "联合声明",
    "双边",
    "贸易额",
    "增至",
    "20亿美元",
    "杜尚别",
    "会晤",
    "战略伙伴关系",
    "合作",
    "委员会",
    "第16次会议",
    "投资论坛",
    "在未来五年内",
];
const OTHER: &[&str] = &["😊", "𠀀", "👩‍👩‍👧", "2026-05-20", "¶", "—", "«", "»", "№5"];

/// About `DOC_BYTES` of text: paragraphs of mixed scripts, each unique (numbered, random words).
fn generate_text(rng: &mut Rng) -> String {
    let mut text = String::with_capacity(DOC_BYTES + 1024);
    let mut paragraph = 0;
    while text.len() < DOC_BYTES {
        paragraph += 1;
        let main = [LATIN, CYRILLIC, ARABIC, CHINESE][paragraph % 4];
        text.push_str(&format!("{paragraph}. "));
        let words = 40 + rng.below(60);
        for w in 0..words {
            let list = match rng.below(20) {
                0 => LATIN,
                1 => OTHER,
                2 => CYRILLIC,
                _ => main,
            };
            if w > 0 && !std::ptr::eq(main, CHINESE) {
                text.push(' ');
            }
            text.push_str(rng.pick(list));
        }
        text.push_str(if paragraph % 7 == 0 { "\r\n" } else { "\n" });
    }
    text
}

/// Moves `offset` back to the start of its grapheme cluster.
fn snap(doc: &Document, mut offset: usize) -> usize {
    while !doc.is_grapheme_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn fragment(doc: &Document, start: usize, len: usize) -> Option<Fragment> {
    let start = snap(doc, start.min(doc.len_chars() - 1));
    let end = snap(doc, (start + len).min(doc.len_chars()));
    (end > start).then(|| Fragment {
        start,
        end,
        text: doc
            .slice(CharRange::new(start, end))
            .unwrap_or_default()
            .to_owned(),
    })
}

/// 100 000 annotations spread over the document, valid against the default schema, and links.
fn generate_file(doc: &Document, rng: &mut Rng) -> AnnotationFile {
    const ENTITIES: [&str; 8] = [
        "PERSON",
        "COUNTRY",
        "ORG",
        "LOCATION",
        "DATE",
        "MONEY",
        "EVENT",
        "AGREEMENT",
    ];
    let step = doc.len_chars() / ANNOTATIONS;
    let created = Timestamp("2026-11-23T15:10:00Z".into());
    let mut annotations = Vec::with_capacity(ANNOTATIONS);
    let mut by_label: BTreeMap<&str, Vec<AnnotationId>> = BTreeMap::new();
    let mut id = 0;
    while annotations.len() < ANNOTATIONS {
        let i = annotations.len();
        let start = i * step + rng.below(step);
        let Some(first) = fragment(doc, start, 3 + rng.below(37)) else {
            continue;
        };
        id += 1;
        let mut fragments = vec![first];
        if i % 20 == 0
            && let Some(second) =
                fragment(doc, fragments[0].end + 2 + rng.below(10), 2 + rng.below(8))
            && second.start > fragments[0].end
        {
            fragments.push(second);
        }
        let commitment = i % 10 == 9;
        let label = if commitment {
            "COMMITMENT"
        } else {
            ENTITIES[rng.below(ENTITIES.len())]
        };
        let mut attributes = BTreeMap::new();
        if commitment {
            let kinds = ["pledge", "agreement", "reaffirmation", "support"];
            attributes.insert(
                "kind".to_owned(),
                AttributeValue::Enum(kinds[rng.below(4)].into()),
            );
            let actors: Vec<AnnotationId> = ["PERSON", "COUNTRY", "ORG"]
                .iter()
                .filter_map(|l| by_label.get(l).and_then(|ids| ids.last()).copied())
                .collect();
            if !actors.is_empty() {
                attributes.insert("actors".to_owned(), AttributeValue::Refs(actors));
            }
            match by_label.get("MONEY").and_then(|ids| ids.last()) {
                Some(money) if rng.below(2) == 0 => {
                    attributes.insert("target".to_owned(), AttributeValue::Refs(vec![*money]));
                }
                _ => {
                    attributes.insert("target".to_owned(), AttributeValue::Text("trade".into()));
                }
            }
            attributes.insert(
                "deadline".to_owned(),
                AttributeValue::Text("within five years".into()),
            );
        }
        let review = match rng.below(10) {
            0 => Review {
                state: ReviewState::Accepted,
                reviewer: Some("reviewer".into()),
                time: Some(Timestamp("2026-11-24T09:00:00Z".into())),
                proposed_by: Vec::new(),
            },
            _ => Review::default(),
        };
        let note = if rng.below(20) == 0 {
            format!("check with the \"{label}\" guideline §{i}")
        } else {
            String::new()
        };
        by_label.entry(label).or_default().push(AnnotationId(id));
        annotations.push(Annotation {
            id: AnnotationId(id),
            label: label.to_owned(),
            fragments,
            attributes,
            note,
            review,
            author: ANNOTATOR.to_owned(),
            created: created.clone(),
            modified: created.clone(),
            source: None,
            conflict: None,
        });
    }
    let people = &by_label["PERSON"];
    let countries = &by_label["COUNTRY"];
    let links = (0..LINKS)
        .map(|i| {
            id += 1;
            Link {
                id: LinkId(id),
                kind: "represents".into(),
                from: people[i % people.len()],
                to: countries[(i * 7) % countries.len()],
            }
        })
        .collect();
    AnnotationFile {
        format: 1,
        document: DocumentStamp::of(doc),
        annotator: ANNOTATOR.to_owned(),
        next_id: id + 1,
        annotations,
        links,
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    doc_path: PathBuf,
    annotation_path: PathBuf,
    text_bytes: u64,
    file_bytes: u64,
}

impl Fixture {
    fn create() -> Self {
        let mut rng = Rng(0x5EED_ACC0_4D00_0001);
        let dir = tempfile::tempdir().expect("temporary folder");
        // `ACCORD_BENCH_DIR` keeps the data where it can be profiled afterwards, e.g.
        // `ACCORD_BENCH_LOAD_CHILD=$'<dir>/big.mixed.txt\n<dir>/annotations/bench/big.mixed.txt.ron' perf record <bench binary>`.
        let root = match std::env::var_os("ACCORD_BENCH_DIR") {
            Some(keep) => PathBuf::from(keep),
            None => dir.path().to_path_buf(),
        };
        std::fs::create_dir_all(&root).expect("data folder");
        let text = generate_text(&mut rng);
        let doc_path = root.join(DOC_FILE);
        std::fs::write(&doc_path, &text).expect("write the document");
        let mut doc = Document::open(&doc_path).expect("the generated document opens");
        doc.file_name = DOC_FILE.to_owned();
        let file = generate_file(&doc, &mut rng);
        std::fs::write(
            root.join("accord.ron"),
            format!("(format: 1, name: \"bench\", documents: [(file: {DOC_FILE:?})])\n"),
        )
        .expect("write accord.ron");
        let annotation_path = root
            .join("annotations")
            .join(ANNOTATOR)
            .join(format!("{DOC_FILE}.ron"));
        file.save(&annotation_path)
            .expect("save the generated annotations");
        let file_bytes = std::fs::metadata(&annotation_path).expect("saved").len();
        Self {
            _dir: dir,
            root,
            doc_path,
            annotation_path,
            text_bytes: text.len() as u64,
            file_bytes,
        }
    }
}

/// What the child process measures: the whole load of one document and its annotations, as
/// the app's workspace does it.
fn load(doc_path: &Path, annotation_path: &Path) -> (Document, AnnotationStore) {
    let doc = Document::open(doc_path).expect("document");
    let store = AnnotationFile::load_store(annotation_path)
        .expect("annotations")
        .store;
    (doc, store)
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// In the child: reset the high-water mark, load, print `rss_before hwm_after` in KiB.
fn child_measure(args: &str) {
    let (doc_path, annotation_path) = args.split_once('\n').expect("two paths");
    // `5` resets VmHWM to the current RSS (Linux ≥ 4.0); if it fails the mark is from the
    // start of this small process, which is nearly the same.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status_kib("VmRSS:");
    let (doc, store) = load(Path::new(doc_path), Path::new(annotation_path));
    let after = status_kib("VmHWM:");
    println!("{before} {after} {} {}", doc.len_chars(), store.len());
}

fn measure_memory(f: &Fixture) {
    let exe = std::env::current_exe().expect("own path");
    let out = std::process::Command::new(exe)
        .env(
            CHILD_ENV,
            format!("{}\n{}", f.doc_path.display(), f.annotation_path.display()),
        )
        .output()
        .expect("run the memory child");
    let text = String::from_utf8_lossy(&out.stdout);
    let nums: Vec<u64> = text
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let [before, hwm, chars, annotations] = nums[..] else {
        eprintln!(
            "memory measurement failed: {text} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    };
    let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    let data = f.text_bytes + f.file_bytes;
    let peak = (hwm - before) * 1024;
    let bound = 3 * data;
    println!(
        "data: document {:.1} MiB ({chars} chars), annotation file {:.1} MiB ({annotations} annotations, {LINKS} links)",
        mib(f.text_bytes),
        mib(f.file_bytes)
    );
    println!(
        "peak memory of a load: {:.1} MiB above the {:.1} MiB the process had before ({:.1} MiB in all); \
         bound 3 × (text + file) = {:.1} MiB: {}",
        mib(peak),
        mib(before * 1024),
        mib(hwm * 1024),
        mib(bound),
        if peak <= bound { "met" } else { "MISSED" }
    );
}

fn benches(c: &mut Criterion, f: &Fixture) {
    let mut group = c.benchmark_group("store");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(2));

    // What the workspace does when it opens a document's annotations.
    group.bench_function("load", |b| {
        b.iter_with_large_drop(|| {
            black_box(
                AnnotationFile::load_store(&f.annotation_path)
                    .expect("load")
                    .store,
            )
        });
    });
    // The list form that `validate` and `stats` read (then made into a store).
    group.bench_function("load (AnnotationFile::load + into_store)", |b| {
        b.iter_with_large_drop(|| {
            let store = AnnotationFile::load(&f.annotation_path)
                .and_then(|file| file.into_store(&f.annotation_path))
                .expect("load");
            black_box(store)
        });
    });

    let (doc, store) = load(&f.doc_path, &f.annotation_path);
    let mut doc = doc;
    doc.file_name = DOC_FILE.to_owned();
    let stamp = DocumentStamp::of(&doc);
    let save_path = f.annotation_path.with_file_name("saved.ron");
    // What the workspace does: write straight from the store, atomically (fsync included).
    let save = || {
        AnnotationFile::save_store(&store, &stamp, ANNOTATOR, &save_path).expect("save");
    };
    save();
    assert_eq!(
        std::fs::read(&save_path).expect("saved"),
        std::fs::read(&f.annotation_path).expect("generated"),
        "a loaded store saves to the bytes it was loaded from"
    );
    group.bench_function("save", |b| b.iter(save));
    // The text alone: the disk's fsync varies more than the encoding takes.
    group.bench_function("encode", |b| {
        b.iter(|| {
            black_box(AnnotationFile::store_to_ron(
                &store, &stamp, ANNOTATOR, &save_path,
            ))
        });
    });
    group.bench_function("save (from_store + to_ron + atomic write)", |b| {
        b.iter(|| {
            let file = AnnotationFile::from_store(&store, stamp.clone(), ANNOTATOR);
            let text = file.to_ron(&save_path).expect("encode");
            let dir = accord::store::file::dir_of(&save_path).expect("folder");
            accord::store::file::write_text(&dir, &save_path, &text).expect("write");
        });
    });
    std::fs::remove_file(&save_path).expect("remove the saved copy");

    // git's merge driver on this file: both sides relabelled 1 000 annotations (100 of them
    // the same ones, differently: conflicts) and added 500 (the same ids: renumbered).
    let base_file = AnnotationFile::load(&f.annotation_path).expect("load");
    let side = |offset: usize, label: &str| {
        let mut file = base_file.clone();
        for a in file
            .annotations
            .iter_mut()
            .skip(offset)
            .step_by(97)
            .take(1_000)
        {
            a.label = label.to_owned();
        }
        let added: Vec<Annotation> = file.annotations[offset..offset + 500]
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let mut a = a.clone();
                a.id = AnnotationId(file.next_id + i as u64);
                a.label = format!("{label}_NEW");
                a
            })
            .collect();
        file.next_id += added.len() as u64;
        file.annotations.extend(added);
        file.to_ron(&f.annotation_path).expect("encode")
    };
    let base_text = std::fs::read_to_string(&f.annotation_path).expect("read");
    let (ours, theirs) = (side(0, "ORG"), side(90, "DATE"));
    let versions = accord::project::merge_file::Versions {
        base: &base_text,
        ours: &ours,
        theirs: &theirs,
    };
    let merge = || {
        accord::project::merge_file::merge_texts(
            versions,
            &f.annotation_path,
            accord::project::merge_file::FileKind::Annotations,
            accord::project::merge_file::Mine::Ours,
            &|_| Default::default(),
        )
        .expect("merge")
    };
    let merged = merge();
    assert!(merged.conflicts > 0 && merged.renumbered.len() == 500);
    group.bench_function("merge-file (three 100k-annotation versions)", |b| {
        b.iter_with_large_drop(|| black_box(merge()));
    });

    group.bench_function("validate", |b| {
        b.iter(|| {
            let report = accord::validate::validate(&f.root).expect("validate");
            assert!(report.is_clean(), "{:?}", report.findings.first());
            black_box(report.annotations_checked)
        });
    });
    group.finish();
    diff_benches(c, f);
}

/// `accord diff` of two versions of the big file: the second with one annotation in a hundred
/// relabelled, one in a thousand removed and a thousand added. Target: ≤ 200 ms, reading both
/// files included.
fn diff_benches(c: &mut Criterion, f: &Fixture) {
    let mut file = AnnotationFile::load(&f.annotation_path).expect("load");
    for (i, a) in file.annotations.iter_mut().enumerate() {
        if i % 100 == 0 {
            a.label = "RELABELLED".into();
        }
    }
    let mut i = 0;
    file.annotations.retain(|_| {
        i += 1;
        i % 1000 != 0
    });
    for k in 0..1000 {
        let mut a = file.annotations[k * 50].clone();
        a.id = AnnotationId(file.next_id);
        file.next_id += 1;
        a.label = "COUNTRY".into();
        file.annotations.push(a);
    }
    let changed_path = f.annotation_path.with_file_name("changed.ron");
    file.save(&changed_path).expect("save the changed copy");

    let mut group = c.benchmark_group("diff");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(2));
    group.bench_function("accord diff (read both, compare by id)", |b| {
        b.iter(|| {
            let (old, new) = accord::project::diff::read_texts(&f.annotation_path, &changed_path);
            let (old, new) = (old.expect("old"), new.expect("new"));
            let changes = accord::project::diff::diff_texts(
                old.as_deref().map(|t| (t, f.annotation_path.as_path())),
                new.as_deref().map(|t| (t, changed_path.as_path())),
            )
            .expect("same kind");
            assert_eq!(changes.len(), 1000 + 100 + 1000);
            black_box(changes.len())
        });
    });
    group.finish();
    std::fs::remove_file(&changed_path).expect("remove the changed copy");
}

fn main() {
    if let Ok(args) = std::env::var(CHILD_ENV) {
        child_measure(&args);
        return;
    }
    let fixture = Fixture::create();
    measure_memory(&fixture);
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c, &fixture);
    c.final_summary();
}
