//! HTML for reading a review outside Accord: `index.html` (the documents, a legend, the
//! cross-document threads) and one standalone page per document (its text with highlights,
//! the legend, every annotation with attributes, note and review, the relations, and the
//! threads it takes part in, linking to the other documents' pages).
//!
//! Highlights follow Accord's view: a translucent background in the label's colour (stacked
//! spans blend) and one underline per span, the outermost lowest. Each line of the document
//! is a `<p dir="auto" lang="…">`, so Arabic lines run right to left by their first strong
//! character, as Accord's own view shows them. Fonts are named, not embedded (Noto Sans, Noto
//! Sans Arabic, Droid Sans Fallback, then the reader's sans-serif), so pages stay small.
//! Nothing is lost but the ids' counters; the pages are not read back.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use super::{
    Control, Corpus, CorpusDocument, Format, FormatError, FormatSpec, Loss, Output, OutputFile,
    label_colour,
};
use crate::model::{Annotation, AttributeValue, CrossGroup};

const STYLE: &str = r#"
body { font-family: "Noto Sans", "Noto Sans Arabic", "Droid Sans Fallback", "Noto Sans CJK SC", sans-serif; margin: 2em auto; max-width: 60em; line-height: 1.9; color: #222; padding: 0 1em; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 2em; }
.text { border: 1px solid #ddd; padding: 0.5em 1em; }
.text p { margin: 0 0 0.3em 0; white-space: pre-wrap; overflow-wrap: break-word; }
.h { border-radius: 2px; }
.legend span { display: inline-block; margin: 0 1em 0.3em 0; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px; vertical-align: middle; margin-right: 0.3em; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
td, th { border-bottom: 1px solid #eee; padding: 0.2em 0.5em; text-align: start; vertical-align: top; }
.meta { color: #666; font-size: 0.9em; }
"#;

/// HTML text escaping (five characters; the pages are written, never parsed, so no HTML
/// crate).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page of each document, unique by construction: its file name with `.html` for `.txt`
/// and `_` for folder separators (`a/b.txt` → `a_b.html`), then `-2`, `-3`, … when that is
/// another document's page or the index (compared ignoring case, as some file systems do).
fn page_names(corpus: &Corpus) -> HashMap<&str, String> {
    let mut taken: HashSet<String> = HashSet::from(["index.html".to_owned()]);
    let mut pages = HashMap::new();
    for doc in &corpus.documents {
        let stem = doc.file.strip_suffix(".txt").unwrap_or(&doc.file);
        let stem = stem.replace(['/', '\\'], "_");
        let mut name = format!("{stem}.html");
        let mut n = 1;
        while !taken.insert(name.to_lowercase()) {
            n += 1;
            name = format!("{stem}-{n}.html");
        }
        pages.insert(doc.file.as_str(), name);
    }
    pages
}

/// The page of `file` (a document of the corpus).
fn page_of<'a>(pages: &'a HashMap<&str, String>, file: &str) -> &'a str {
    pages.get(file).map_or("index.html", String::as_str)
}

/// The HTML format, as the registry (`formats/mod.rs`) lists it.
pub(super) const SPEC: FormatSpec = FormatSpec {
    format: Format::Html,
    name: "html",
    title: "HTML",
    writes: "a folder of standalone pages for reading outside Accord",
    output: Output::Folder,
    export,
    import: None,
};

pub(super) fn export(
    corpus: &Corpus,
    control: Control<'_>,
) -> Result<(Vec<OutputFile>, Vec<Loss>), FormatError> {
    let pages = page_names(corpus);
    let index = Threads::new(corpus);
    let (mut files, _) = corpus.convert(control, |_, doc, _| OutputFile {
        path: PathBuf::from(page_of(&pages, &doc.file)),
        bytes: document_page(corpus, doc, &index, &pages).into_bytes(),
    })?;
    files.push(OutputFile {
        path: PathBuf::from("index.html"),
        bytes: index_page(corpus, &pages).into_bytes(),
    });
    Ok((files, Vec::new()))
}

fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(title)
    )
}

fn legend(corpus: &Corpus, labels: &BTreeSet<&str>) -> String {
    let mut out = String::from("<div class=\"legend\">");
    let mut names: Vec<&str> = corpus
        .schema
        .labels
        .iter()
        .map(|l| l.name.as_str())
        .filter(|n| labels.contains(n))
        .collect();
    for l in labels {
        if !names.contains(l) {
            names.push(l);
        }
    }
    for name in names {
        let _ = write!(
            out,
            "<span><span class=\"swatch\" style=\"background:{}\"></span>{}</span>",
            label_colour(&corpus.schema, name),
            esc(name)
        );
    }
    out.push_str("</div>\n");
    out
}

fn index_page(corpus: &Corpus, pages: &HashMap<&str, String>) -> String {
    let mut out = head(&corpus.name);
    let _ = writeln!(
        out,
        "<h1>{}</h1>\n<p class=\"meta\">Annotations by {}, exported from Accord.</p>",
        esc(&corpus.name),
        esc(&corpus.annotator)
    );
    let used: BTreeSet<&str> = corpus
        .documents
        .iter()
        .flat_map(|d| d.annotations.iter().map(|a| a.label.as_str()))
        .collect();
    out.push_str(&legend(corpus, &used));
    out.push_str("<h2>Documents</h2>\n<table>\n<tr><th>Document</th><th>Language</th><th>Date</th><th>Annotations</th></tr>\n");
    for d in &corpus.documents {
        let mut per_label: BTreeMap<&str, usize> = BTreeMap::new();
        for a in &d.annotations {
            *per_label.entry(&a.label).or_default() += 1;
        }
        let counts: Vec<String> = per_label
            .iter()
            .map(|(l, n)| format!("{} {n}", esc(l)))
            .collect();
        let _ = writeln!(
            out,
            "<tr><td><a href=\"{}\">{}</a><br><span class=\"meta\">{}</span></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(page_of(pages, &d.file)),
            esc(d.title.as_deref().unwrap_or(&d.file)),
            esc(&d.file),
            esc(d.language.as_deref().unwrap_or("")),
            esc(d.date.as_deref().unwrap_or("")),
            counts.join(", ")
        );
    }
    out.push_str("</table>\n");
    let all: Vec<&CrossGroup> = corpus.groups.iter().collect();
    threads(&all, &Threads::new(corpus), pages, &mut out);
    out.push_str("</body>\n</html>\n");
    out
}

/// Cross-document groups (all, or those with a member in `only`), members linked.
/// Where the pages find the cross-document groups and their members, looked up once.
struct Threads<'a> {
    /// The groups with a member in each document.
    of_document: HashMap<&'a str, Vec<&'a CrossGroup>>,
    documents: HashMap<&'a str, &'a CorpusDocument>,
}

impl<'a> Threads<'a> {
    fn new(corpus: &'a Corpus) -> Self {
        Self {
            of_document: corpus.groups_by_document(),
            documents: corpus
                .documents
                .iter()
                .map(|d| (d.file.as_str(), d))
                .collect(),
        }
    }

    fn of(&self, file: &str) -> &[&'a CrossGroup] {
        self.of_document.get(file).map_or(&[], Vec::as_slice)
    }
}

/// The cross-document groups `groups`, members linked.
fn threads(
    groups: &[&CrossGroup],
    index: &Threads<'_>,
    pages: &HashMap<&str, String>,
    out: &mut String,
) {
    if groups.is_empty() {
        return;
    }
    out.push_str("<h2>Threads across documents</h2>\n<ul>\n");
    for g in groups {
        let _ = write!(out, "<li><b>{}</b>", esc(&g.kind));
        if !g.note.is_empty() {
            let _ = write!(out, " — <span dir=\"auto\">{}</span>", esc(&g.note));
        }
        out.push_str("<ul>\n");
        for m in &g.members {
            let doc = index.documents.get(m.document.as_str());
            let (label, text) = doc
                .and_then(|d| d.annotation(m.annotation))
                .map(|a| (a.label.clone(), a.text()))
                .unwrap_or_default();
            let lang = doc.and_then(|d| d.language.as_deref()).unwrap_or("");
            let _ = writeln!(
                out,
                "<li><a href=\"{}#a{}\">{} {}</a>: {} “<bdi lang=\"{}\">{}</bdi>”</li>",
                esc(page_of(pages, &m.document)),
                m.annotation.0,
                esc(&m.document),
                m.annotation,
                esc(&label),
                esc(lang),
                esc(&text)
            );
        }
        out.push_str("</ul></li>\n");
    }
    out.push_str("</ul>\n");
}

fn document_page(
    corpus: &Corpus,
    doc: &CorpusDocument,
    index: &Threads<'_>,
    pages: &HashMap<&str, String>,
) -> String {
    let title = doc.title.clone().unwrap_or_else(|| doc.file.clone());
    let mut out = head(&title);
    let lang = esc(doc.language.as_deref().unwrap_or(""));
    let _ = writeln!(
        out,
        "<p class=\"meta\"><a href=\"index.html\">{}</a></p>\n<h1 dir=\"auto\">{}</h1>\n<p class=\"meta\">{} · {} · annotations by {}</p>",
        esc(&corpus.name),
        esc(&title),
        esc(&doc.file),
        if lang.is_empty() {
            "language not given".to_owned()
        } else {
            lang.clone()
        },
        esc(&corpus.annotator)
    );
    let used: BTreeSet<&str> = doc.annotations.iter().map(|a| a.label.as_str()).collect();
    out.push_str(&legend(corpus, &used));
    let _ = writeln!(out, "<div class=\"text\" lang=\"{lang}\">");
    text_html(corpus, doc, &mut out);
    out.push_str("</div>\n");
    // Annotations.
    out.push_str("<h2>Annotations</h2>\n<table>\n<tr><th>#</th><th>Label</th><th>Text</th><th>Attributes</th><th>Note</th><th>Review</th></tr>\n");
    for a in &doc.annotations {
        let attrs: Vec<String> = a
            .attributes
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    AttributeValue::Refs(ids) => ids
                        .iter()
                        .map(|id| {
                            let t = doc.annotation(*id).map(|r| r.text()).unwrap_or_default();
                            format!(
                                "<a href=\"#a{}\">{id}</a> <span dir=\"auto\">{}</span>",
                                id.0,
                                esc(&t)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    other => format!("<span dir=\"auto\">{}</span>", esc(&other.display())),
                };
                format!("{}: {v}", esc(k))
            })
            .collect();
        let review = match (&a.review.reviewer, a.review.state.name()) {
            (Some(r), state) => format!("{state} by {}", esc(r)),
            (None, state) => state.to_owned(),
        };
        let _ = writeln!(
            out,
            "<tr id=\"row-a{}\"><td><a href=\"#a{}\">{}</a></td><td><span class=\"swatch\" style=\"background:{}\"></span>{}</td><td dir=\"auto\" lang=\"{lang}\">{}</td><td>{}</td><td dir=\"auto\">{}</td><td>{review}</td></tr>",
            a.id.0,
            a.id.0,
            a.id,
            label_colour(&corpus.schema, &a.label),
            esc(&a.label),
            esc(&a.text()),
            attrs.join("<br>"),
            esc(&a.note)
        );
    }
    out.push_str("</table>\n");
    if !doc.links.is_empty() {
        out.push_str("<h2>Relations</h2>\n<ul>\n");
        for l in &doc.links {
            let text = |id| doc.annotation(id).map(Annotation::text).unwrap_or_default();
            let _ = writeln!(
                out,
                "<li><a href=\"#a{}\"><span dir=\"auto\">{}</span></a> → <b>{}</b> → <a href=\"#a{}\"><span dir=\"auto\">{}</span></a></li>",
                l.from.0,
                esc(&text(l.from)),
                esc(&l.kind),
                l.to.0,
                esc(&text(l.to))
            );
        }
        out.push_str("</ul>\n");
    }
    threads(index.of(&doc.file), index, pages, &mut out);
    out.push_str("</body>\n</html>\n");
    out
}

/// The text, one `<p dir="auto">` per line, with a `<span>` per run of chars covered by the
/// same annotations.
fn text_html(corpus: &Corpus, doc: &CorpusDocument, out: &mut String) {
    let chars: Vec<char> = doc.text.chars().collect();
    let bytes = super::byte_offsets(&doc.text);
    // Lines: (start, end shown without its line ending, start of the next line).
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, &c) in chars.iter().enumerate() {
        if c == '\n' {
            let shown = if i > start && chars[i - 1] == '\r' {
                i - 1
            } else {
                i
            };
            lines.push((start, shown));
            start = i + 1;
        }
    }
    lines.push((start, chars.len()));
    // Runs between consecutive cuts (fragment edges and line edges), and who covers each.
    let mut cuts: BTreeSet<usize> = lines.iter().flat_map(|&(s, e)| [s, e]).collect();
    let mut starts: BTreeMap<usize, Vec<&Annotation>> = BTreeMap::new();
    for a in &doc.annotations {
        for f in &a.fragments {
            cuts.insert(f.start);
            cuts.insert(f.end);
        }
        if let Some(f) = a.fragments.first() {
            starts.entry(f.start).or_default().push(a);
        }
    }
    let cuts: Vec<usize> = cuts.into_iter().collect();
    let run_of = |offset: usize| cuts.partition_point(|&c| c < offset);
    let mut cover: Vec<Vec<&Annotation>> = vec![Vec::new(); cuts.len()];
    for a in &doc.annotations {
        for f in &a.fragments {
            for run in &mut cover[run_of(f.start)..run_of(f.end)] {
                run.push(a);
            }
        }
    }
    // Innermost first: its underline sits highest.
    for run in &mut cover {
        run.sort_by_key(|a| (a.extent().len(), a.id));
    }
    let mut colours: BTreeMap<&str, String> = BTreeMap::new();
    for a in &doc.annotations {
        colours
            .entry(a.label.as_str())
            .or_insert_with(|| label_colour(&corpus.schema, &a.label));
    }
    for &(line_start, shown_end) in &lines {
        out.push_str("<p dir=\"auto\">");
        let mut k = run_of(line_start);
        loop {
            let from = cuts[k];
            for a in starts.get(&from).into_iter().flatten() {
                let _ = write!(out, "<a id=\"a{}\"></a>", a.id.0);
            }
            if from >= shown_end {
                break;
            }
            let to = cuts[k + 1];
            let text = esc(&doc.text[bytes[from]..bytes[to]]);
            if cover[k].is_empty() {
                out.push_str(&text);
            } else {
                out.push_str("<span class=\"h\" style=\"background:");
                for (n, a) in cover[k].iter().enumerate() {
                    let c = &colours[a.label.as_str()];
                    let sep = if n == 0 { "" } else { "," };
                    let _ = write!(out, "{sep}linear-gradient({c}55,{c}55)");
                }
                out.push_str(";box-shadow:");
                for (n, a) in cover[k].iter().enumerate() {
                    let c = &colours[a.label.as_str()];
                    let sep = if n == 0 { "" } else { "," };
                    let _ = write!(out, "{sep}0 {}px 0 {c}", 2 * (n + 1));
                }
                out.push_str("\" title=\"");
                for (n, a) in cover[k].iter().enumerate() {
                    let sep = if n == 0 { "" } else { " · " };
                    let _ = write!(out, "{sep}{} {}", esc(&a.label), a.id);
                }
                let _ = write!(out, "\">{text}</span>");
            }
            k += 1;
        }
        if shown_end == line_start {
            out.push_str("<br>");
        }
        out.push_str("</p>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_unique_whatever_the_documents_are_called() {
        let corpus = Corpus {
            name: "p".into(),
            annotator: "a".into(),
            schema: crate::schema::Schema::default_schema(),
            documents: ["index.txt", "a/b.txt", "a_b.txt", "A_B.txt", "c"]
                .iter()
                .map(|f| CorpusDocument::new(*f, "text"))
                .collect(),
            groups: Vec::new(),
        };
        let (files, _) = export(&corpus, &mut |_| std::ops::ControlFlow::Continue(())).unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|f| f.path.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "index-2.html",
                "a_b.html",
                "a_b-2.html",
                "A_B-3.html",
                "c.html",
                "index.html"
            ]
        );
    }
}
