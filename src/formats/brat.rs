//! brat standoff: per document a `.txt` (the text, no BOM, line endings as stored) and an
//! `.ann`; for the collection `annotation.conf` and `visual.conf` made from the schema.
//!
//! ```text
//! (columns separated by tabs)
//! T9    COMMITMENT 1467 1521    زيادة مؤشرات …            annotation #9 (offsets in code points)
//! T4    DATE 10 14;16 20    May … 2024                   a discontinuous span: fragments by `;`
//! A1    kind T9 agreement                              an enum attribute (a Bool is `A2    flag T9`)
//! R20    actors Arg1:T9 Arg2:T1                         a span-reference attribute, in order
//! R12    located_in Arg1:T3 Arg2:T2                     a link keeps its id
//! #1    AnnotatorNotes T9    the note                      the note
//! #2    AccordText T9    deadline=within five years        a text attribute
//! ```
//!
//! brat lines cannot hold line breaks, so a fragment containing one is written as pieces
//! between the breaks (brat's own habit), with a note that gives the fragments as they were
//! (`#3    AccordFragments T4    10 20`); an import joins the pieces again only where that note
//! says so and still matches them. Every other fragment is read as written: two fragments that
//! only a line break separates stay two, as the annotator marked them in brat. Line breaks and
//! tabs in notes and text attributes become spaces (reported).
//! Not written: review state, author, times, cross-document groups, `Bool(false)`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{
    Control, Corpus, CorpusDocument, Format, FormatError, FormatSpec, ImportContext, ImportSpec,
    Imported, Loss, LossKind, Output, OutputFile, SourceKind, SourceText, Stage, byte_offsets,
    fragments_from, step,
};
use crate::model::{Annotation, AnnotationId, AttributeValue, Link, LinkId, Review};
use crate::schema::{AttributeKind, Schema};

// Read and written by hand: standoff is a few line shapes, and no maintained Rust crate
// parses it. CI reads what this writes with bratly (`.ci/python/check_exports.py`).

/// The note type carrying a text attribute (`name=value`).
const TEXT_ATTRIBUTE_NOTE: &str = "AccordText";

/// The note that tells which pieces of an annotation between line breaks Accord wrote for one
/// fragment: its fragments as `start end;start end` (see the module).
const FRAGMENTS_NOTE: &str = "AccordFragments";

/// Characters that end a line for brat's tools (Python's `str.splitlines`).
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{0b}'
            | '\u{0c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// `start end;start end` as numbers, `None` when it is not that.
fn offsets_of(text: &str) -> Option<Vec<(usize, usize)>> {
    text.split(';')
        .map(|piece| {
            let mut nums = piece.split_whitespace().map(str::parse::<usize>);
            match (nums.next(), nums.next(), nums.next()) {
                (Some(Ok(s)), Some(Ok(e)), None) if s <= e => Some((s, e)),
                _ => None,
            }
        })
        .collect()
}

/// The pieces between line breaks that an export writes for `fragments` (sorted), or `None`
/// when they do not fit the text.
fn pieces_of(chars: &[char], fragments: &[(usize, usize)]) -> Option<Vec<(usize, usize)>> {
    let mut pieces = Vec::new();
    for &(s, e) in fragments {
        let mut start = None;
        for (i, &c) in chars.get(s..e)?.iter().enumerate() {
            match (is_line_break(c), start) {
                (true, Some(from)) => {
                    pieces.push((from, s + i));
                    start = None;
                }
                (false, None) => start = Some(s + i),
                _ => {}
            }
        }
        if let Some(from) = start {
            pieces.push((from, e));
        }
    }
    pieces.sort_unstable();
    Some(pieces)
}

/// A brat type name: letters, digits, `_`, `-`, `/` (what brat's configuration and parsers
/// accept). Anything else becomes `_`.
fn type_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '/') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The `.txt` name of a document in the export: its project name, with `.txt` added when it
/// has another extension.
fn txt_name(file: &str) -> String {
    if file.ends_with(".txt") {
        file.to_owned()
    } else {
        format!("{file}.txt")
    }
}

fn ann_name(file: &str) -> String {
    let txt = txt_name(file);
    format!("{}.ann", &txt[..txt.len() - 4])
}

/// One line's worth: line breaks and tabs as spaces.
fn one_line(text: &str) -> (String, bool) {
    let mut changed = false;
    let s = text
        .chars()
        .map(|c| {
            if is_line_break(c) || c == '\t' {
                changed = true;
                ' '
            } else {
                c
            }
        })
        .collect();
    (s, changed)
}

/// The brat format, as the registry (`formats/mod.rs`) lists it.
pub(super) const SPEC: FormatSpec = FormatSpec {
    format: Format::Brat,
    name: "brat",
    title: "brat",
    writes: "a folder of .txt + .ann per document, with annotation.conf",
    output: Output::Folder,
    export,
    import: Some(ImportSpec {
        reads: "a folder: every .ann under it, with its .txt",
        source: SourceKind::Folder,
        read: import,
        parse: parse_text,
    }),
};

pub(super) fn export(
    corpus: &Corpus,
    control: Control<'_>,
) -> Result<(Vec<OutputFile>, Vec<Loss>), FormatError> {
    let (anns, mut losses) =
        corpus.convert(control, |_, doc, lost| ann_text(doc, &corpus.schema, lost))?;
    let mut files = Vec::with_capacity(2 * anns.len() + 2);
    for (doc, ann) in corpus.documents.iter().zip(anns) {
        files.push(OutputFile {
            path: PathBuf::from(txt_name(&doc.file)),
            bytes: doc.text.as_bytes().to_vec(),
        });
        files.push(OutputFile {
            path: PathBuf::from(ann_name(&doc.file)),
            bytes: ann.into_bytes(),
        });
    }
    for g in &corpus.groups {
        losses.push(Loss {
            document: g
                .members
                .first()
                .map_or_else(String::new, |m| m.document.clone()),
            annotation: None,
            kind: LossKind::Group,
            detail: format!(
                "group {} ({}): brat has no cross-document links",
                g.id.0, g.kind
            ),
        });
    }
    files.push(OutputFile {
        path: PathBuf::from("annotation.conf"),
        bytes: annotation_conf(&corpus.schema, corpus).into_bytes(),
    });
    files.push(OutputFile {
        path: PathBuf::from("visual.conf"),
        bytes: visual_conf(&corpus.schema, corpus).into_bytes(),
    });
    Ok((files, losses))
}

/// The `.ann` text of one document.
fn ann_text(doc: &CorpusDocument, schema: &Schema, losses: &mut Vec<Loss>) -> String {
    let chars: Vec<char> = doc.text.chars().collect();
    let mut out = String::new();
    let mut loss = |a: &Annotation, kind: LossKind, detail: String| {
        losses.push(Loss {
            document: doc.file.clone(),
            annotation: Some(a.id),
            kind,
            detail,
        })
    };
    let (mut attr_n, mut note_n) = (0, 0);
    let mut next_rel = doc.next_id.max(
        doc.annotations
            .iter()
            .map(|a| a.id.0)
            .chain(doc.links.iter().map(|l| l.id.0))
            .max()
            .unwrap_or(0)
            + 1,
    );
    let mut relations = String::new();
    for a in &doc.annotations {
        // Pieces of fragments between line breaks, and each fragment as written (its line
        // breaks at the edges left out) when it became more than one piece.
        let mut pieces: Vec<(usize, usize)> = Vec::new();
        let mut whole: Vec<(usize, usize)> = Vec::new();
        let mut split = false;
        for f in &a.fragments {
            let first = pieces.len();
            let mut start = None;
            for (i, &c) in chars.iter().enumerate().take(f.end).skip(f.start) {
                match (is_line_break(c), start) {
                    (true, Some(s)) => {
                        pieces.push((s, i));
                        start = None;
                    }
                    (false, None) => start = Some(i),
                    _ => {}
                }
            }
            if let Some(s) = start {
                pieces.push((s, f.end));
            }
            if pieces.len() > first {
                whole.push((pieces[first].0, pieces[pieces.len() - 1].1));
                split |= pieces.len() - first > 1;
            }
        }
        let trimmed = a
            .fragments
            .iter()
            .any(|f| is_line_break(chars[f.start]) || is_line_break(chars[f.end - 1]));
        if trimmed && !pieces.is_empty() {
            loss(
                a,
                LossKind::Trimmed,
                format!(
                    "{} “{}”: line breaks at its edges left out",
                    a.label,
                    a.text().trim()
                ),
            );
        }
        if pieces.is_empty() {
            loss(
                a,
                LossKind::Skipped,
                format!("{} holds only line breaks: brat cannot show it", a.label),
            );
            continue;
        }
        let label = type_name(&a.label);
        if label != a.label {
            loss(
                a,
                LossKind::Renamed,
                format!("label {:?} written as {label:?}", a.label),
            );
        }
        let offsets: Vec<String> = pieces.iter().map(|(s, e)| format!("{s} {e}")).collect();
        let texts: Vec<String> = pieces
            .iter()
            .map(|&(s, e)| chars[s..e].iter().collect())
            .collect();
        let _ = writeln!(
            out,
            "T{}\t{label} {}\t{}",
            a.id.0,
            offsets.join(";"),
            texts.join(" ")
        );
        if split {
            // Read back as the fragments written here, not as the pieces (see the module).
            let whole: Vec<String> = whole.iter().map(|(s, e)| format!("{s} {e}")).collect();
            note_n += 1;
            let _ = writeln!(
                out,
                "#{note_n}\t{FRAGMENTS_NOTE} T{}\t{}",
                a.id.0,
                whole.join(";")
            );
        }
        let label_def = schema.label(&a.label);
        for (name, value) in &a.attributes {
            let attr = type_name(name);
            match value {
                AttributeValue::Enum(v) => {
                    let value = type_name(v);
                    if value != *v {
                        loss(
                            a,
                            LossKind::Renamed,
                            format!("value {v:?} of {name} written as {value:?}"),
                        );
                    }
                    attr_n += 1;
                    let _ = writeln!(out, "A{attr_n}\t{attr} T{} {value}", a.id.0);
                }
                AttributeValue::Bool(true) => {
                    attr_n += 1;
                    let _ = writeln!(out, "A{attr_n}\t{attr} T{}", a.id.0);
                }
                AttributeValue::Bool(false) => loss(
                    a,
                    LossKind::Attribute,
                    format!("{name} = no: brat's binary attributes have no “no”"),
                ),
                AttributeValue::Text(t) => {
                    let (t, changed) = one_line(t);
                    if changed {
                        loss(
                            a,
                            LossKind::Note,
                            format!("{name}: line breaks and tabs written as spaces"),
                        );
                    }
                    note_n += 1;
                    let _ = writeln!(
                        out,
                        "#{note_n}\t{TEXT_ATTRIBUTE_NOTE} T{}\t{name}={t}",
                        a.id.0
                    );
                }
                AttributeValue::Refs(ids) => {
                    let is_ref = matches!(
                        label_def.and_then(|l| l.attribute(name)).map(|d| &d.kind),
                        Some(AttributeKind::SpanRef { .. }) | None
                    );
                    if !is_ref {
                        loss(
                            a,
                            LossKind::Attribute,
                            format!(
                                "{name} holds references but is not a span reference in the schema"
                            ),
                        );
                    }
                    for id in ids {
                        let _ = writeln!(
                            relations,
                            "R{next_rel}\t{attr} Arg1:T{} Arg2:T{}",
                            a.id.0, id.0
                        );
                        next_rel += 1;
                    }
                }
            }
        }
        if !a.note.is_empty() {
            let (note, changed) = one_line(&a.note);
            if changed {
                loss(
                    a,
                    LossKind::Note,
                    "note: line breaks and tabs written as spaces".into(),
                );
            }
            note_n += 1;
            let _ = writeln!(out, "#{note_n}\tAnnotatorNotes T{}\t{note}", a.id.0);
        }
    }
    for l in &doc.links {
        let _ = writeln!(
            out,
            "R{}\t{} Arg1:T{} Arg2:T{}",
            l.id.0,
            type_name(&l.kind),
            l.from.0,
            l.to.0
        );
    }
    out.push_str(&relations);
    out
}

/// `annotation.conf`: entities, relations (links and span-reference attributes), attributes.
fn annotation_conf(schema: &Schema, corpus: &Corpus) -> String {
    let mut out = String::from(
        "# brat annotation configuration written by Accord from the project's schema.\n[entities]\n",
    );
    let mut labels: Vec<String> = schema.labels.iter().map(|l| type_name(&l.name)).collect();
    // Labels used but not in the schema still need declaring.
    for doc in &corpus.documents {
        for a in &doc.annotations {
            let name = type_name(&a.label);
            if !labels.contains(&name) {
                labels.push(name);
            }
        }
    }
    for l in &labels {
        let _ = writeln!(out, "{l}");
    }
    let any = |names: &[String]| {
        if names.is_empty() {
            "<ENTITY>".to_owned()
        } else {
            names
                .iter()
                .map(|n| type_name(n))
                .collect::<Vec<_>>()
                .join("|")
        }
    };
    out.push_str("\n[relations]\n");
    let mut declared = BTreeSet::new();
    for r in &schema.relations {
        declared.insert(type_name(&r.name));
        let _ = writeln!(
            out,
            "{}\tArg1:{}, Arg2:{}",
            type_name(&r.name),
            any(&r.from_labels),
            any(&r.to_labels)
        );
    }
    let mut ref_attrs: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    let mut enum_attrs: BTreeMap<String, (BTreeSet<String>, Vec<String>)> = BTreeMap::new();
    let mut bool_attrs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for l in &schema.labels {
        for a in &l.attributes {
            let name = type_name(&a.name);
            match &a.kind {
                AttributeKind::SpanRef { labels, .. } => {
                    let e = ref_attrs.entry(name).or_default();
                    e.0.insert(type_name(&l.name));
                    if labels.is_empty() {
                        e.1.insert("<ENTITY>".into());
                    }
                    e.1.extend(labels.iter().map(|n| type_name(n)));
                }
                AttributeKind::Enum { values } => {
                    let e = enum_attrs.entry(name).or_default();
                    e.0.insert(type_name(&l.name));
                    for v in values {
                        let v = type_name(v);
                        if !e.1.contains(&v) {
                            e.1.push(v);
                        }
                    }
                }
                AttributeKind::Bool => {
                    bool_attrs
                        .entry(name)
                        .or_default()
                        .insert(type_name(&l.name));
                }
                AttributeKind::Text => {}
            }
        }
    }
    for (name, (from, to)) in &ref_attrs {
        if declared.contains(name) {
            continue;
        }
        let join = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join("|");
        let _ = writeln!(out, "{name}\tArg1:{}, Arg2:{}", join(from), join(to));
    }
    out.push_str("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n");
    out.push_str("\n[events]\n\n[attributes]\n");
    for (name, (labels, values)) in &enum_attrs {
        let _ = writeln!(
            out,
            "{name}\tArg:{}, Value:{}",
            labels.iter().cloned().collect::<Vec<_>>().join("|"),
            values.join("|")
        );
    }
    for (name, labels) in &bool_attrs {
        let _ = writeln!(
            out,
            "{name}\tArg:{}",
            labels.iter().cloned().collect::<Vec<_>>().join("|")
        );
    }
    out
}

/// `visual.conf`: the labels' colours.
fn visual_conf(schema: &Schema, corpus: &Corpus) -> String {
    let mut out = String::from(
        "# brat visual configuration written by Accord: the schema's label colours.\n[labels]\n",
    );
    for l in &schema.labels {
        let _ = writeln!(out, "{}", type_name(&l.name));
    }
    out.push_str("\n[drawing]\nSPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken\nARC_DEFAULT\tcolor:black, arrowHead:triangle-5\n");
    for l in &schema.labels {
        let _ = writeln!(
            out,
            "{}\tbgColor:{}",
            type_name(&l.name),
            String::from(l.color)
        );
    }
    let _ = corpus;
    out
}

// --- Import ---

/// Every `.ann` file under `dir` with its `.txt`, sorted.
fn ann_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), FormatError> {
    let entries = std::fs::read_dir(dir).map_err(|source| FormatError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        // Real folders only: a link to a folder is not followed (it could lead round in a
        // ring, or anywhere).
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            ann_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "ann") {
            out.push(path);
        }
    }
    Ok(())
}

pub(super) fn import(
    source: &Path,
    ctx: &ImportContext<'_>,
    control: Control<'_>,
) -> Result<Imported, FormatError> {
    let mut anns = Vec::new();
    if source.is_file() {
        anns.push(source.to_path_buf());
    } else {
        ann_files(source, &mut anns)?;
    }
    anns.sort();
    let root = if source.is_file() {
        source.parent().unwrap_or(Path::new("")).to_path_buf()
    } else {
        source.to_path_buf()
    };
    let mut imported = Imported::default();
    for (i, ann) in anns.iter().enumerate() {
        let txt = ann.with_extension("txt");
        let file = txt
            .strip_prefix(&root)
            .unwrap_or(&txt)
            .to_string_lossy()
            .replace('\\', "/");
        step(control, Stage::Reading, i, anns.len(), &file)?;
        let bytes = super::read_source_file(&txt)?;
        let ann_text = super::read_source_text_file(ann)?;
        let doc = document(
            file,
            &txt,
            bytes,
            ann,
            &ann_text,
            ctx,
            &mut imported.problems,
        )?;
        imported.documents.push(doc);
    }
    Ok(imported)
}

/// One brat document held in memory (`path` stands for its `.ann`; the document gets the
/// same name with `.txt`); a [`SourceText::File`] is read as the `.ann` of an empty document.
fn parse_text(
    path: &Path,
    source: SourceText<'_>,
    ctx: &ImportContext<'_>,
    _control: Control<'_>,
) -> Result<Imported, FormatError> {
    let txt = match source {
        SourceText::Brat { txt, .. } => txt,
        SourceText::File(_) => b"",
    };
    let txt_path = path.with_extension("txt");
    let file = txt_path.file_name().map_or_else(
        || "document.txt".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut imported = Imported::default();
    let doc = document(
        file,
        &txt_path,
        txt.to_vec(),
        path,
        source.text(),
        ctx,
        &mut imported.problems,
    )?;
    imported.documents.push(doc);
    Ok(imported)
}

/// One document from the bytes of its `.txt` and the text of its `.ann` (read from
/// `txt_path` and `ann_path`, which name them in errors); `file` is its name in the project.
pub(super) fn document(
    file: String,
    txt_path: &Path,
    bytes: Vec<u8>,
    ann_path: &Path,
    ann_text: &str,
    ctx: &ImportContext<'_>,
    problems: &mut Vec<Loss>,
) -> Result<CorpusDocument, FormatError> {
    let (bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (true, rest.to_vec()),
        None => (false, bytes),
    };
    let text = String::from_utf8(body).map_err(|e| FormatError::Parse {
        path: txt_path.to_path_buf(),
        line: 0,
        message: format!(
            "not UTF-8 (first bad byte at {}); convert it to UTF-8",
            e.utf8_error().valid_up_to()
        ),
    })?;
    let mut doc = CorpusDocument::new(file, text);
    doc.bom = bom;
    read_ann(ann_text, ann_path, &mut doc, ctx, problems)?;
    Ok(doc)
}

/// Parses one `.ann` into `doc`'s annotations and links.
fn read_ann(
    ann: &str,
    path: &Path,
    doc: &mut CorpusDocument,
    ctx: &ImportContext<'_>,
    problems: &mut Vec<Loss>,
) -> Result<(), FormatError> {
    let offsets = byte_offsets(&doc.text);
    let chars: Vec<char> = doc.text.chars().collect();
    let file = doc.file.clone();
    let mut problem = |annotation: Option<AnnotationId>, line: usize, detail: String| {
        problems.push(Loss {
            document: file.clone(),
            annotation,
            kind: LossKind::NotMapped,
            detail: format!("{}:{line}: {detail}", path.display()),
        })
    };
    let bad = |line: usize, message: String| FormatError::Parse {
        path: path.to_path_buf(),
        line,
        message,
    };
    // T ids → annotation ids: the number when it is free, else a new one.
    let mut by_brat: HashMap<String, AnnotationId> = HashMap::new();
    let mut annotations: BTreeMap<AnnotationId, Annotation> = BTreeMap::new();
    let mut used: BTreeSet<u64> = BTreeSet::new();
    let mut relations = Vec::new();
    let mut attributes = Vec::new();
    let mut notes = Vec::new();
    let lines: Vec<&str> = ann
        .split(['\n'])
        .map(|l| l.trim_end_matches('\r'))
        .collect();
    // Accord's notes of fragments written as pieces, by T id: needed as each T is read.
    let written_whole: HashMap<&str, Vec<(usize, usize)>> = lines
        .iter()
        .filter(|l| l.starts_with('#'))
        .filter_map(|l| {
            let mut parts = l.splitn(3, '\t').skip(1);
            let (kind, target) = parts.next()?.split_once(' ')?;
            (kind == FRAGMENTS_NOTE).then_some(())?;
            Some((target, offsets_of(parts.next()?)?))
        })
        .collect();
    let mut pending_ids = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let n = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, '\t');
        let id = parts.next().unwrap_or("");
        let body = parts.next().unwrap_or("");
        let rest = parts.next();
        match id.chars().next() {
            Some('T') => {
                let (label, spans) = body
                    .split_once(' ')
                    .ok_or_else(|| bad(n, format!("{id} has no offsets")))?;
                let mut ranges = Vec::new();
                for piece in spans.split(';') {
                    let mut nums = piece.split_whitespace().map(str::parse::<usize>);
                    match (nums.next(), nums.next(), nums.next()) {
                        (Some(Ok(s)), Some(Ok(e)), None) => ranges.push((s, e)),
                        _ => {
                            return Err(bad(
                                n,
                                format!("{id}: offsets {piece:?} are not two numbers"),
                            ));
                        }
                    }
                }
                ranges.sort_unstable();
                // As written, unless Accord's note says which pieces were one fragment (see
                // the module docs).
                let joined = match written_whole.get(id) {
                    Some(whole) if pieces_of(&chars, whole).as_ref() == Some(&ranges) => {
                        whole.clone()
                    }
                    Some(_) => {
                        problem(
                            None,
                            n,
                            format!(
                                "{id}: its {FRAGMENTS_NOTE} note no longer matches its offsets (changed in brat?); the offsets are used as written"
                            ),
                        );
                        ranges
                    }
                    None => ranges,
                };
                let number = id[1..].parse::<u64>().ok();
                match fragments_from(&doc.text, &offsets, joined) {
                    Ok(fragments) => {
                        let written: Vec<String> = spans
                            .split(';')
                            .filter_map(|p| {
                                let mut it = p.split_whitespace().map(str::parse::<usize>);
                                match (it.next(), it.next()) {
                                    (Some(Ok(s)), Some(Ok(e))) if e <= chars.len() && s <= e => {
                                        Some(chars[s..e].iter().collect())
                                    }
                                    _ => None,
                                }
                            })
                            .collect();
                        if let Some(text) = rest
                            && text != written.join(" ")
                        {
                            problem(
                                None,
                                n,
                                format!(
                                    "{id}: its text {text:?} differs from the document's {:?}; the offsets are used",
                                    written.join(" ")
                                ),
                            );
                        }
                        let annotation = Annotation {
                            id: AnnotationId(0),
                            label: label.to_owned(),
                            fragments,
                            attributes: BTreeMap::new(),
                            note: String::new(),
                            review: Review::default(),
                            author: ctx.annotator.to_owned(),
                            created: ctx.now.clone(),
                            modified: ctx.now.clone(),
                            source: None,
                            conflict: None,
                        };
                        match number.filter(|k| *k > 0 && used.insert(*k)) {
                            Some(k) => {
                                let aid = AnnotationId(k);
                                by_brat.insert(id.to_owned(), aid);
                                annotations.insert(
                                    aid,
                                    Annotation {
                                        id: aid,
                                        ..annotation
                                    },
                                );
                            }
                            None => pending_ids.push((id.to_owned(), annotation)),
                        }
                    }
                    Err(why) => problem(None, n, format!("{id} {label} left out: {why}")),
                }
            }
            Some('R') => relations.push((n, id.to_owned(), body.to_owned())),
            Some('A') | Some('M') => attributes.push((n, body.to_owned())),
            Some('#') => notes.push((n, body.to_owned(), rest.unwrap_or("").to_owned())),
            _ => problem(
                None,
                n,
                format!(
                    "{id}: brat {} annotations have no place in Accord; left out",
                    kind_name(id)
                ),
            ),
        }
    }
    // Numbers taken by relations that keep theirs must not go to annotations either.
    for (_, id, _) in &relations {
        if let Ok(k) = id[1..].parse::<u64>() {
            used.insert(k);
        }
    }
    let mut next = used.iter().next_back().copied().unwrap_or(0) + 1;
    for (brat_id, a) in pending_ids {
        let aid = AnnotationId(next);
        next += 1;
        by_brat.insert(brat_id, aid);
        annotations.insert(aid, Annotation { id: aid, ..a });
    }
    for (n, body) in attributes {
        let mut words = body.split(' ');
        let (Some(name), Some(target)) = (words.next(), words.next()) else {
            problem(None, n, format!("attribute {body:?} names no annotation"));
            continue;
        };
        let value: Vec<&str> = words.collect();
        let Some(a) = by_brat.get(target).and_then(|id| annotations.get_mut(id)) else {
            problem(
                None,
                n,
                format!("attribute {name} of {target}, which is not a span"),
            );
            continue;
        };
        let value = if value.is_empty() {
            AttributeValue::Bool(true)
        } else {
            AttributeValue::Enum(value.join(" "))
        };
        a.attributes.insert(name.to_owned(), value);
    }
    for (n, body, text) in notes {
        let mut words = body.split(' ');
        let (Some(kind), Some(target)) = (words.next(), words.next()) else {
            problem(None, n, format!("note {body:?} names no annotation"));
            continue;
        };
        let Some(a) = by_brat.get(target).and_then(|id| annotations.get_mut(id)) else {
            problem(
                None,
                n,
                format!("note on {target}, which is not a span; left out"),
            );
            continue;
        };
        if kind == FRAGMENTS_NOTE {
            // Used as the annotation was read.
        } else if kind == TEXT_ATTRIBUTE_NOTE {
            match text.split_once('=') {
                Some((name, value)) => {
                    a.attributes
                        .insert(name.to_owned(), AttributeValue::Text(value.to_owned()));
                }
                None => problem(Some(a.id), n, format!("{kind} {text:?} has no name=value")),
            }
        } else if a.note.is_empty() {
            a.note = text;
        } else {
            a.note = format!("{}\n{text}", a.note);
        }
    }
    let mut link_ids = std::collections::HashSet::new();
    for (n, id, body) in relations {
        let mut words = body.split(' ');
        let kind = words.next().unwrap_or("");
        let mut args = HashMap::new();
        for w in words {
            if let Some((k, v)) = w.split_once(':') {
                args.insert(k, v);
            }
        }
        let (Some(from), Some(to)) = (
            args.get("Arg1").and_then(|t| by_brat.get(*t)).copied(),
            args.get("Arg2").and_then(|t| by_brat.get(*t)).copied(),
        ) else {
            problem(
                None,
                n,
                format!("{id} {kind}: an argument is not a span; left out"),
            );
            continue;
        };
        let from_label = annotations.get(&from).map(|a| a.label.clone());
        let is_ref = from_label
            .as_deref()
            .and_then(|l| ctx.schema.label(l))
            .and_then(|l| l.attribute(kind))
            .is_some_and(|d| matches!(d.kind, AttributeKind::SpanRef { .. }));
        if is_ref {
            if let Some(a) = annotations.get_mut(&from) {
                match a
                    .attributes
                    .entry(kind.to_owned())
                    .or_insert_with(|| AttributeValue::Refs(Vec::new()))
                {
                    AttributeValue::Refs(ids) => ids.push(to),
                    _ => problem(
                        Some(from),
                        n,
                        format!("{kind} is both text and references; the references are left out"),
                    ),
                }
            }
            continue;
        }
        // A relation keeps its number unless a span or an earlier relation (brat files
        // edited by hand can repeat an id) has it.
        let link_id = match id[1..].parse::<u64>() {
            Ok(k) if k > 0 && !annotations.contains_key(&AnnotationId(k)) && link_ids.insert(k) => {
                k
            }
            number => {
                if number.is_ok_and(|k| link_ids.contains(&k)) {
                    problem(
                        None,
                        n,
                        format!("{id} appears twice; this one gets another id"),
                    );
                }
                next += 1;
                next - 1
            }
        };
        doc.links.push(Link {
            id: LinkId(link_id),
            kind: kind.to_owned(),
            from,
            to,
        });
    }
    doc.links.sort_by_key(|l| l.id);
    let mut all: Vec<Annotation> = annotations.into_values().collect();
    all.sort_by_key(|a| (a.extent().start, a.id));
    doc.next_id = all
        .iter()
        .map(|a| a.id.0)
        .chain(doc.links.iter().map(|l| l.id.0))
        .max()
        .unwrap_or(0)
        + 1;
    doc.annotations = all;
    Ok(())
}

fn kind_name(id: &str) -> &'static str {
    match id.chars().next() {
        Some('E') => "event",
        Some('N') => "normalization",
        Some('*') => "equivalence",
        _ => "unknown",
    }
}
