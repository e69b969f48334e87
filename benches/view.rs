//! Frame cost of the document view, headless: egui layout + our text layout + tessellation of
//! one frame, on generated documents of unique paragraphs mixing the sample scripts, with one
//! span per 100 chars. Compared with a plain egui `Label` holding the same text.
//!
//! Targets (issues 3 and 4): ≤ 3 ms per frame at 10 MB; frame(10 MB) / frame(10 KB) ≤ 1.5;
//! first frame after opening 10 MB ≤ 1 s; one added span → next frame ≤ 3 ms; two panes of
//! 10 MB with 100k spans each ≤ 4 ms per frame; four such panes with relation arcs and group
//! lines between panes ≤ 0.5 ms (issue 19). A 10 MB document that is one single
//! paragraph: first frame ≤ 50 ms, a frame while scrolling through it ≤ 1 ms (issue 8).
//! A frame with 10,000 ghost spans (suggestions) on screen ≤ 0.5 ms (issue 17).
//!
//! `cargo bench --bench view` (set ACCORD_BENCH_QUICK=1 for a short run).

// A benchmark whose set-up fails should stop loudly, like a test.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use accord::edit::{Edit, EditContext, apply};
use accord::layout::{FontSet, TextStyle};
use accord::model::{
    Annotation, AnnotationId, CharRange, CrossGroup, CrossMember, Document, Fragment, GroupId,
    Link, LinkId, Timestamp,
};
use accord::project::CrossLinkFile;
use accord::project::DocId;
use accord::schema::Schema;
use accord::store::{AnnotationFile, AnnotationStore, DocumentStamp};
use accord::ui::commands::Command;
use accord::ui::{AccordApp, Action, DocView, Selection, Settings, TextEngine, ViewInput};
use criterion::{Criterion, criterion_group, criterion_main};

// Frames are measured with the allocator the app ships with (`src/main.rs`).
#[cfg(feature = "cli")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const WIDTH: f32 = 800.0;
const HEIGHT: f32 = 1000.0;

/// Unique paragraphs built from the sample documents' paragraphs, until `bytes` long.
fn generated_text(bytes: usize) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs");
    let mut paragraphs: Vec<String> = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        paragraphs.extend(
            text.lines()
                .filter(|l| l.chars().count() > 40)
                .map(str::to_owned),
        );
    }
    let mut out = String::with_capacity(bytes + 4096);
    let mut n = 0usize;
    while out.len() < bytes {
        let p = &paragraphs[n % paragraphs.len()];
        // A number and a rotation make every paragraph unique.
        let words: Vec<&str> = p.split(' ').collect();
        let k = (n / paragraphs.len()) % words.len().max(1);
        out.push_str(&format!("{n}. "));
        out.push_str(&words[k..].join(" "));
        out.push(' ');
        out.push_str(&words[..k].join(" "));
        out.push('\n');
        n += 1;
    }
    out
}

/// A store with one span per `every` chars (cycling through the entity labels).
fn spans_every(doc: &Document, every: usize) -> AnnotationStore {
    let labels = ["PERSON", "COUNTRY", "ORG", "LOCATION", "DATE", "MONEY"];
    let now = Timestamp("2026-11-23T00:00:00Z".into());
    let annotations: Vec<Annotation> = (0..doc.len_chars() / every)
        .map(|i| {
            let start = i * every + 10;
            let range = CharRange::new(start, (start + 12).min(doc.len_chars()));
            Annotation {
                id: AnnotationId(i as u64 + 1),
                label: labels[i % labels.len()].into(),
                fragments: vec![Fragment {
                    start: range.start,
                    end: range.end,
                    text: doc.slice(range).unwrap().to_owned(),
                }],
                attributes: BTreeMap::new(),
                note: String::new(),
                review: Default::default(),
                author: "bench".into(),
                created: now.clone(),
                modified: now.clone(),
                source: None,
                conflict: None,
            }
        })
        .collect();
    let file = AnnotationFile {
        format: 1,
        document: DocumentStamp::of(doc),
        annotator: "bench".into(),
        next_id: annotations.len() as u64 + 1,
        annotations,
        links: Vec::new(),
    };
    file.into_store(Path::new("bench.ron")).unwrap()
}

fn input() -> egui::RawInput {
    input_of(egui::vec2(WIDTH, HEIGHT))
}

fn input_of(screen: egui::Vec2) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, screen)),
        ..Default::default()
    }
}

fn context() -> egui::Context {
    let ctx = egui::Context::default();
    accord::ui::configure(&ctx);
    ctx
}

/// One document view filling the window.
struct Single {
    ctx: egui::Context,
    engine: TextEngine,
    view: DocView,
    doc: Document,
    store: AnnotationStore,
    schema: Schema,
    /// Ghost spans drawn over the text.
    suggestions: Vec<accord::suggest::Suggestion>,
    style: TextStyle,
    /// The window's size.
    screen: egui::Vec2,
}

impl Single {
    fn new(bytes: usize) -> Self {
        Self::with_text(generated_text(bytes))
    }

    /// A view of a document made of `text`.
    fn with_text(text: String) -> Self {
        let doc = Document::from_text("bench.txt", text);
        let schema = Schema::default_schema();
        let store = spans_every(&doc, 100);
        Self {
            ctx: context(),
            engine: TextEngine::with_fonts(FontSet::bundled().unwrap()),
            view: DocView::default(),
            doc,
            store,
            schema,
            suggestions: Vec::new(),
            style: TextStyle::default(),
            screen: egui::vec2(WIDTH, HEIGHT),
        }
    }

    /// Runs and tessellates one frame; returns the number of primitives.
    fn frame(&mut self) -> usize {
        let Self {
            ctx,
            engine,
            view,
            doc,
            store,
            schema,
            suggestions,
            style,
            screen,
        } = self;
        let output = ctx.run_ui(input_of(*screen), |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                let input = ViewInput {
                    doc,
                    language: None,
                    store,
                    schema,
                    selection: Selection::None,
                    style: *style,
                    id: egui::Id::unique("bench view"),
                    emphasis: accord::ui::text_view::Emphasis {
                        suggestions,
                        ..accord::ui::text_view::Emphasis::NONE
                    },
                };
                view.show(ui, engine, &input);
            });
        });
        ctx.tessellate(output.shapes, output.pixels_per_point).len()
    }

    /// First frame, then scroll to the middle and settle.
    fn open_at_middle(&mut self) {
        self.frame();
        self.view.scroll_to_fraction(0.5);
        for _ in 0..3 {
            self.frame();
        }
    }

    /// Adds one span in a visible paragraph (a different place each call); returns the edit
    /// that removes it again.
    fn add_span(&mut self, n: usize) -> Edit {
        let layout = self.view.layout().unwrap();
        let block = layout.blocks()[layout.block_at_y(self.view.scroll_offset() + 300.0)];
        let start = block.text.start + (n * 7) % block.text.len().saturating_sub(8).max(1);
        let range = CharRange::new(start, start + 5);
        self.apply(&Edit::Add {
            label: "EVENT".into(),
            ranges: vec![range],
            attributes: BTreeMap::new(),
            source: None,
        })
    }

    /// Applies an edit to the store; returns its inverse.
    fn apply(&mut self, edit: &Edit) -> Edit {
        let now = Timestamp("2026-11-23T00:00:00Z".into());
        let ctx = EditContext {
            schema: &self.schema,
            document: &self.doc,
            author: "bench",
            now: &now,
        };
        apply(&mut self.store, &ctx, edit).unwrap()
    }
}

/// A plain egui label with the whole text in a scroll area: the baseline.
struct PlainLabel {
    ctx: egui::Context,
    text: String,
    /// Spans as background sections of a layout job (what a label-based view would do).
    highlights: Vec<CharRange>,
}

impl PlainLabel {
    fn new(bytes: usize) -> Self {
        let text = generated_text(bytes);
        let chars = text.chars().count();
        Self {
            ctx: context(),
            text,
            highlights: (0..chars / 100)
                .map(|i| CharRange::new(i * 100 + 10, i * 100 + 22))
                .collect(),
        }
    }

    fn job(&self) -> egui::text::LayoutJob {
        let mut job = egui::text::LayoutJob::default();
        let plain = egui::TextFormat::default();
        let marked = egui::TextFormat {
            background: egui::Color32::LIGHT_YELLOW,
            ..Default::default()
        };
        let mut byte = 0;
        let mut char_pos = 0;
        let mut chars = self.text.char_indices().peekable();
        for h in &self.highlights {
            let to_byte = |c: usize,
                           chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
                           char_pos: &mut usize| {
                while *char_pos < c {
                    chars.next();
                    *char_pos += 1;
                }
                chars.peek().map_or(self.text.len(), |(b, _)| *b)
            };
            let s = to_byte(h.start, &mut chars, &mut char_pos);
            let e = to_byte(h.end, &mut chars, &mut char_pos);
            job.append(&self.text[byte..s], 0.0, plain.clone());
            job.append(&self.text[s..e], 0.0, marked.clone());
            byte = e;
        }
        job.append(&self.text[byte..], 0.0, plain);
        job.wrap.max_width = WIDTH - 20.0;
        job
    }

    fn frame(&mut self) -> usize {
        let job = self.job();
        let output = self.ctx.run_ui(input(), |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .vertical_scroll_offset(1.0e9)
                    .show(ui, |ui| {
                        ui.label(job.clone());
                    });
            });
        });
        self.ctx
            .tessellate(output.shapes, output.pixels_per_point)
            .len()
    }
}

fn time_once(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

fn bench_view(c: &mut Criterion) {
    let quick = std::env::var_os("ACCORD_BENCH_QUICK").is_some();
    let mut group = c.benchmark_group("view");
    group.sample_size(if quick { 10 } else { 50 });
    group.measurement_time(Duration::from_secs(if quick { 2 } else { 5 }));
    for (name, bytes) in [("10KB", 10_000), ("4MB", 4_000_000), ("10MB", 10_000_000)] {
        let mut view = Single::new(bytes);
        view.open_at_middle();
        group.bench_function(format!("frame_{name}"), |b| {
            b.iter(|| black_box(view.frame()))
        });
        group.bench_function(format!("frame_after_new_span_{name}"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for n in 0..iters as usize {
                    let undo = view.add_span(n);
                    total += time_once(|| {
                        black_box(view.frame());
                    });
                    view.apply(&undo);
                }
                total
            })
        });
    }
    group.finish();

    // First frame after opening: document already read; a fresh view lays out what is on
    // screen. Measured a few times by hand: criterion would need gigabytes of set-up copies.
    let text = generated_text(10_000_000);
    let opened = time_once(|| {
        black_box(Document::from_text("bench.txt", text.clone()));
    });
    let mut view = Single::new(10_000_000);
    let first = time_once(|| {
        view.frame();
    });
    println!(
        "view/open_document_10MB (read from memory: char index, paragraphs, SHA-256): {opened:?}"
    );
    println!("view/first_frame_10MB: {first:?}");
    drop(view);

    // One paragraph of 10 MB: the same text with its line breaks turned into spaces.
    let mut paragraph = Single::with_text(generated_text(10_000_000).replace('\n', " "));
    assert_eq!(paragraph.doc.paragraph_count(), 1);
    let first = time_once(|| {
        paragraph.frame();
    });
    println!("view/single_paragraph_10MB/first_frame: {first:?}");
    let jump = time_once(|| {
        paragraph.view.scroll_to_fraction(0.5);
        paragraph.frame();
        paragraph.frame();
    });
    println!("view/single_paragraph_10MB/jump_to_the_middle (two frames): {jump:?}");
    // Scrolling down by a wheel notch (40 points) per frame, laying out what comes into view.
    group_scroll(c, &mut paragraph);
}

/// Issue 17: a frame with a ghost span over every word and number (and every Chinese
/// character) of a 10 MB document, its own spans as well; then the most on screen at once the
/// window allows: a 3840×2160 screen filled by one pane at the smallest text size (10 pt),
/// the document's paragraphs long enough to fill their lines (over ten thousand ghost spans
/// on screen), and that frame without them (what the ghosts themselves cost is the
/// difference).
fn bench_ghost_spans(c: &mut Criterion) {
    let mut group = c.benchmark_group("view");
    group.sample_size(30);
    let uhd = (egui::vec2(3840.0, 2160.0), 10.0);
    for (name, screen, ghosts) in [
        ("", None, true),
        ("_4k_10pt", Some(uhd), true),
        ("_4k_10pt_none", Some(uhd), false),
    ] {
        let mut view = match screen {
            None => Single::new(10_000_000),
            Some(_) => {
                let text = generated_text(10_000_000);
                let lines: Vec<&str> = text.lines().collect();
                let long: Vec<String> = lines.chunks(8).map(|c| c.join(" ")).collect();
                Single::with_text(long.join("\n"))
            }
        };
        view.suggestions = accord::model::tokens::tokenize(&view.doc)
            .into_iter()
            .enumerate()
            .map(|(i, range)| accord::suggest::Suggestion {
                doc: 0,
                range,
                label: ["PERSON", "COUNTRY", "ORG", "LOCATION"][i % 4].to_owned(),
                suggester: accord::model::Suggester::Project,
                score: 0.5,
            })
            .filter(|s| view.store.fragments_in(s.range).is_empty())
            .filter(|_| ghosts)
            .collect();
        if let Some((size, points)) = screen {
            view.screen = size;
            view.style.font_size = points;
        }
        view.open_at_middle();
        // Counted as drawn: a ghost with a line of its rectangles on screen (document
        // coordinates).
        let layout = view.view.layout().unwrap();
        let (from, to) = (
            view.view.scroll_offset(),
            view.view.scroll_offset() + view.screen.y,
        );
        let on_screen = (layout.block_at_y(from)..=layout.block_at_y(to))
            .map(|i| {
                // By start, so a block's are a slice (as the ghost pass finds them).
                let text = layout.blocks()[i].text;
                let first = view
                    .suggestions
                    .partition_point(|s| s.range.end <= text.start);
                view.suggestions[first..]
                    .iter()
                    .take_while(|s| s.range.start < text.end)
                    .filter(|s| {
                        layout
                            .block_range_rects(i, s.range)
                            .iter()
                            .any(|r| r.y1 > from && r.y0 < to)
                    })
                    .count()
            })
            .sum::<usize>();
        println!(
            "view/ghost_spans{name}: {} in the document, about {on_screen} on screen",
            view.suggestions.len()
        );
        group.bench_function(format!("frame_with_ghost_spans{name}_10MB"), |b| {
            b.iter(|| black_box(view.frame()))
        });
    }
    group.finish();
}

fn group_scroll(c: &mut Criterion, view: &mut Single) {
    let mut group = c.benchmark_group("view");
    group.bench_function("scroll_frame_single_paragraph_10MB", |b| {
        b.iter(|| {
            let y = view.view.scroll_offset() + 40.0;
            view.view.scroll_to_offset(y);
            black_box(view.frame())
        })
    });
    group.finish();
}

fn bench_label(c: &mut Criterion) {
    let mut group = c.benchmark_group("plain_label");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    let mut label = PlainLabel::new(4_000_000);
    let first = time_once(|| {
        label.frame();
    });
    println!("plain_label/first_frame_4MB: {first:?}");
    group.bench_function("frame_4MB", |b| b.iter(|| black_box(label.frame())));
    group.bench_function("frame_after_new_span_4MB", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let n = label.highlights.len();
                label.highlights[n / 2].end += 1;
                total += time_once(|| {
                    black_box(label.frame());
                });
            }
            total
        })
    });
    group.finish();
}

/// The whole app, two panes side by side, each a 10 MB document with 100k spans.
fn bench_two_panes(c: &mut Criterion) {
    bench_panes(c, 2, false, "two_panes_10MB_100k_spans_each");
}

/// Four panes of 10 MB with 100k spans each, with relations (an arc from every ORG to the
/// COUNTRY before it, about 16k per document, all drawn) and cross-document groups joining
/// the spans in the middle of the four documents, so arcs and the lines between panes are on
/// screen. Target ≤ 0.5 ms per frame (issue 19).
fn bench_four_panes(c: &mut Criterion) {
    bench_panes(
        c,
        4,
        true,
        "four_panes_10MB_100k_spans_arcs_and_group_lines",
    );
}

fn bench_panes(c: &mut Criterion, panes: usize, linked: bool, name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..panes)
        .map(|i| format!("{}.txt", (b'a' + i as u8) as char))
        .collect();
    let mut middles = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let text = generated_text(10_000_000 + i * 1000);
        std::fs::write(dir.path().join(name), &text).unwrap();
        let doc = Document::from_bytes(name.as_str(), text.into_bytes()).unwrap();
        // 10 MB of mixed scripts is about 5 million chars: a span every 50 chars makes 100k.
        let store = spans_every(&doc, 50);
        assert!(store.len() >= 100_000, "{} spans", store.len());
        // The spans in the middle of the document, where the panes are scrolled to.
        let middle = doc.len_chars() / 2;
        let ids: Vec<AnnotationId> = store
            .annotations()
            .filter(|a| a.extent().start >= middle && a.label != "DATE")
            .take(40)
            .map(|a| a.id)
            .collect();
        middles.push(ids);
        let mut file = AnnotationFile::from_store(&store, DocumentStamp::of(&doc), "bench");
        if linked {
            add_relations(&mut file);
        }
        file.save(
            &dir.path()
                .join("annotations/bench")
                .join(format!("{name}.ron")),
        )
        .unwrap();
    }
    if linked {
        // A group per place among the middle spans, with a member in every document.
        let mut groups = CrossLinkFile::new("bench");
        for k in 0..middles.iter().map(Vec::len).min().unwrap() {
            groups.groups.push(CrossGroup {
                id: GroupId(k as u64 + 1),
                kind: "same_entity".into(),
                members: names
                    .iter()
                    .zip(&middles)
                    .map(|(name, ids)| CrossMember {
                        document: name.clone(),
                        annotation: ids[k],
                    })
                    .collect(),
                note: String::new(),
            });
        }
        groups.next_id = groups.groups.len() as u64 + 1;
        groups.save(&dir.path().join("links/bench.ron")).unwrap();
    }
    // Files written this instant are "racy" (an equal stat does not prove equal bytes), so
    // the window's disk check would hash all of them (80 MB) inside frames for a few seconds:
    // a project opened in use has older files.
    age_files(dir.path());
    let settings = Settings {
        annotator: Some("bench".into()),
        ..Settings::default()
    };
    assert!(settings.all_relations, "every relation on screen is drawn");
    let engine = TextEngine::with_fonts(FontSet::bundled().unwrap());
    let mut app = AccordApp::new(engine, settings, Some(dir.path()));
    let ctx = context();
    for _ in 1..panes {
        app.push(Action::Run(Command::AddPane));
    }
    app.process_actions(&ctx);
    let big = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1800.0, HEIGHT),
        )),
        ..Default::default()
    };
    let frame = |app: &mut AccordApp| {
        let output = ctx.run_ui(big(), |ui| app.show(ui));
        ctx.tessellate(output.shapes, output.pixels_per_point).len()
    };
    frame(&mut app);
    let shown: Vec<_> = app.state().panes.iter().map(|p| (p.id, p.doc)).collect();
    for (pane, doc) in shown {
        let ws = app.state().workspace.as_ref().unwrap();
        let chars = ws.document(doc).unwrap().len_chars();
        let middle = CharRange::new(chars / 2, chars / 2 + 1);
        app.push(Action::ScrollTo {
            pane,
            range: middle,
        });
    }
    for _ in 0..3 {
        frame(&mut app);
    }
    // The suggestions' worker analyses the documents and trains on 400,000 spans on the other
    // core: a frame measured while it works measures the machine's second core.
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(300) {
        frame(&mut app);
        if app.state().suggestions_settled() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    println!(
        "app/{name}: suggestions settled after {:?}",
        started.elapsed()
    );
    assert_eq!(app.state().panes.len(), panes);
    let ws = app.state().workspace.as_ref().unwrap();
    assert!(ws.store(DocId(1)).len() >= 100_000);
    if linked {
        assert!(ws.store(DocId(1)).links().count() > 10_000);
        assert_eq!(ws.groups().store.groups().len(), 40);
    }
    for pane in 0..panes {
        let at = app.scroll_fraction(app.state().panes[pane].id);
        assert!(
            (0.3..0.7).contains(&at),
            "pane {pane} shows the middle of its document"
        );
    }
    let mut group = c.benchmark_group("app");
    group.sample_size(20);
    group.bench_function(name, |b| b.iter(|| black_box(frame(&mut app))));
    group.finish();
}

/// Dates every file under `root` an hour back.
fn age_files(root: &Path) {
    let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            age_files(&path);
        } else {
            let file = std::fs::File::options().append(true).open(&path).unwrap();
            file.set_modified(an_hour_ago).unwrap();
        }
    }
}

/// An arc from every ORG span to the COUNTRY span before it (`located_in`).
fn add_relations(file: &mut AnnotationFile) {
    let mut next = file.next_id;
    for pair in file.annotations.windows(2) {
        if pair[0].label == "COUNTRY" && pair[1].label == "ORG" {
            file.links.push(Link {
                id: LinkId(next),
                kind: "located_in".into(),
                from: pair[1].id,
                to: pair[0].id,
            });
            next += 1;
        }
    }
    file.next_id = next;
}

/// A project of 10,000 documents (about 2 KB each, the sample languages in turn, one in ten
/// annotated) opened to a usable window: project, annotations, first frame. Target ≤ 1 s.
/// Then a frame of that window: the list draws a screenful and the files are checked against
/// the disk a few hundred a frame, so a frame costs about what a small project's does.
fn bench_open_many(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let text = generated_text(200_000);
    let paragraphs: Vec<&str> = text.lines().collect();
    let schema = Schema::default_schema();
    let now = Timestamp("2026-11-23T00:00:00Z".into());
    std::fs::create_dir_all(dir.path().join("annotations/bench")).unwrap();
    for i in 0..10_000 {
        let body: String = (0..6)
            .map(|k| paragraphs[(i * 7 + k) % paragraphs.len()])
            .collect::<Vec<_>>()
            .join("\n");
        let name = format!("doc-{i:05}.txt");
        std::fs::write(dir.path().join(&name), &body).unwrap();
        if i % 10 == 0 {
            let doc = Document::from_text(name.as_str(), body);
            let mut store = AnnotationStore::new();
            let ctx = EditContext {
                schema: &schema,
                document: &doc,
                author: "bench",
                now: &now,
            };
            for k in 0..20 {
                let add = Edit::Add {
                    label: "COUNTRY".into(),
                    ranges: vec![CharRange::new(k * 50, k * 50 + 5)],
                    attributes: BTreeMap::new(),
                    source: None,
                };
                let _ = apply(&mut store, &ctx, &add);
            }
            AnnotationFile::save_store(
                &store,
                &DocumentStamp::of(&doc),
                "bench",
                &dir.path()
                    .join("annotations/bench")
                    .join(format!("{name}.ron")),
            )
            .unwrap();
        }
    }
    // A project opened in use has older files (see `bench_panes`).
    age_files(dir.path());
    let settings = Settings {
        annotator: Some("bench".into()),
        ..Settings::default()
    };
    let ctx = context();
    let frame = |app: &mut AccordApp, input: egui::RawInput| {
        let output = ctx.run_ui(input, |ui| app.show(ui));
        ctx.tessellate(output.shapes, output.pixels_per_point).len()
    };
    let mut app = None;
    let first = time_once(|| {
        let engine = TextEngine::with_fonts(FontSet::bundled().unwrap());
        let mut a = AccordApp::new(engine, settings, Some(dir.path()));
        black_box(frame(&mut a, input()));
        app = Some(a);
    });
    let mut app = app.unwrap();
    // A project this big is read in the background while the list shows: frames until it is.
    let opened = time_once(|| {
        while app.state().opening.is_some() {
            black_box(frame(&mut app, input()));
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        black_box(frame(&mut app, input()));
    });
    assert_eq!(app.state().workspace.as_ref().unwrap().len(), 10_000);
    println!("app/first_frame_of_10000_documents (the list): {first:?}");
    println!(
        "app/open_project_of_10000_documents (read in the background, then a frame): {opened:?}"
    );
    for _ in 0..3 {
        frame(&mut app, input());
    }
    let mut group = c.benchmark_group("app");
    group.sample_size(20);
    group.bench_function("frame_with_10000_documents", |b| {
        b.iter(|| black_box(frame(&mut app, input())))
    });
    group.finish();
}

criterion_group!(
    benches,
    bench_ghost_spans,
    bench_view,
    bench_two_panes,
    bench_four_panes,
    bench_label,
    bench_open_many
);
criterion_main!(benches);
