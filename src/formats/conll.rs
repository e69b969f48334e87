//! CoNLL-2003 style columns with IOB2 tags: `-DOCSTART- -X- -X- O` before each document, one
//! token a line as `TOKEN _ _ TAG`, a blank line after each sentence.
//!
//! ```text
//! -DOCSTART- -X- -X- O
//!
//! Токаев _ _ B-PERSON
//! посетил _ _ O
//! ```
//!
//! Tokens come from [`crate::model::tokens::tokenize`] (Unicode words; one token per Han or
//! Kana character); a sentence is a line of the document, unless a kept span runs across the
//! line break. A token text never holds white space. Policy for what IOB2 cannot say: spans
//! cannot overlap, so the spans kept are chosen as for spaCy's `doc.ents` (entity labels
//! before commitments, then earlier, then longer; see [`super::flat_spans`]) and the others
//! are dropped; discontinuous spans are dropped; a span whose edge falls inside a token is
//! widened to the whole token. Every drop and widening is reported. Attributes, notes,
//! links, review and groups are not written.
//!
//! Import reads the same columns (the tag is the last one, the token the first; IOB1 is read
//! too) and rebuilds each document's text as its tokens joined by spaces and its sentences
//! by line breaks: the original spacing is not in the file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;

use super::{
    Control, Corpus, CorpusDocument, Format, FormatError, FormatSpec, ImportContext, ImportSpec,
    Imported, Loss, LossKind, Output, OutputFile, SourceKind, Stage, byte_offsets, flat_spans,
    step,
};
use crate::model::tokens::tokens_with_bytes;
use crate::model::{Annotation, AnnotationId, CharRange, Fragment, Review};

const DOCSTART: &str = "-DOCSTART- -X- -X- O";

/// The CoNLL format, as the registry (`formats/mod.rs`) lists it.
pub(super) const SPEC: FormatSpec = FormatSpec {
    format: Format::Conll,
    name: "conll",
    title: "CoNLL",
    writes: "one file of tokens with IOB2 tags; overlapping spans are dropped",
    output: Output::File { extension: "conll" },
    export,
    import: Some(ImportSpec {
        reads: "a file of tokens and IOB2 tags; texts rebuilt from the tokens",
        source: SourceKind::File(&["conll", "txt", "iob", "bio"]),
        read: import,
        parse: |path, source, ctx, control| parse(source.text(), path, ctx, control),
    }),
};

pub(super) fn export(
    corpus: &Corpus,
    control: Control<'_>,
) -> Result<(Vec<OutputFile>, Vec<Loss>), FormatError> {
    let (texts, losses) = corpus.convert(control, |_, doc, lost| {
        let mut text = String::new();
        write_document(doc, corpus, &mut text, lost);
        text
    })?;
    let out = texts.concat();
    Ok((
        vec![OutputFile {
            path: Default::default(),
            bytes: out.into_bytes(),
        }],
        losses,
    ))
}

fn write_document(doc: &CorpusDocument, corpus: &Corpus, out: &mut String, losses: &mut Vec<Loss>) {
    let _ = writeln!(out, "{DOCSTART}\n");
    // Each token's char range (to meet the spans) and byte range (to write its text).
    let (tokens, bytes): (Vec<CharRange>, Vec<Range<usize>>) = tokens_with_bytes(&doc.text).unzip();
    let text = |first: usize, last: usize| &doc.text[bytes[first].start..bytes[last].end];
    let (kept, dropped) = flat_spans(doc, &corpus.schema);
    losses.extend(dropped);
    // Tag of each token: (label, begins, annotation).
    let mut tags: Vec<Option<(&str, bool, AnnotationId)>> = vec![None; tokens.len()];
    for (range, a) in &kept {
        let first = tokens.partition_point(|t| t.end <= range.start);
        let last = tokens.partition_point(|t| t.start < range.end);
        if first >= last {
            losses.push(Loss {
                document: doc.file.clone(),
                annotation: Some(a.id),
                kind: LossKind::Skipped,
                detail: format!(
                    "{} “{}” covers no token (only white space)",
                    a.label,
                    a.text()
                ),
            });
            continue;
        }
        if tokens[first].start != range.start || tokens[last - 1].end != range.end {
            losses.push(Loss {
                document: doc.file.clone(),
                annotation: Some(a.id),
                kind: LossKind::Widened,
                detail: format!(
                    "{} “{}” widened to the tokens “{}”",
                    a.label,
                    a.text(),
                    text(first, last - 1)
                ),
            });
        }
        // Widening may meet a neighbour already tagged: the earlier span keeps the token.
        for (k, slot) in tags[first..last].iter_mut().enumerate() {
            if slot.is_none() {
                *slot = Some((a.label.as_str(), k == 0, a.id));
            }
        }
    }
    for i in 0..tokens.len() {
        // A line break between this token and the previous one ends a sentence, unless a span
        // continues across it.
        if i > 0 {
            let gap = &doc.text[bytes[i - 1].end..bytes[i].start];
            if gap.contains('\n') {
                match tags[i] {
                    Some((label, false, id)) => losses.push(Loss {
                        document: doc.file.clone(),
                        annotation: Some(id),
                        kind: LossKind::CrossesSentence,
                        detail: format!(
                            "{label} runs across a line break: the two lines are one sentence"
                        ),
                    }),
                    _ => out.push('\n'),
                }
            }
        }
        out.push_str(text(i, i));
        out.push_str(" _ _ ");
        match tags[i] {
            Some((label, begins, _)) => {
                out.push_str(if begins { "B-" } else { "I-" });
                // A column holds no white space.
                out.extend(
                    label
                        .chars()
                        .map(|c| if c.is_whitespace() { '_' } else { c }),
                );
            }
            None => out.push('O'),
        }
        out.push('\n');
    }
    if !tokens.is_empty() {
        out.push('\n');
    }
}

pub(super) fn import(
    source: &Path,
    ctx: &ImportContext<'_>,
    control: Control<'_>,
) -> Result<Imported, FormatError> {
    let text = super::read_source_text_file(source)?;
    parse(&text, source, ctx, control)
}

/// Reads the text of a CoNLL file; `source` names it in messages and gives the documents
/// their names.
pub(super) fn parse(
    text: &str,
    source: &Path,
    ctx: &ImportContext<'_>,
    control: Control<'_>,
) -> Result<Imported, FormatError> {
    let stem = source
        .file_stem()
        .map_or_else(|| "conll".to_owned(), |s| s.to_string_lossy().into_owned());
    // Documents as lists of sentences of (token, tag, line).
    type Sentence<'a> = Vec<(&'a str, &'a str, usize)>;
    let mut docs: Vec<Vec<Sentence<'_>>> = vec![Vec::new()];
    let mut sentence: Sentence<'_> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.first() == Some(&"-DOCSTART-") {
            if !sentence.is_empty()
                && let Some(d) = docs.last_mut()
            {
                d.push(std::mem::take(&mut sentence));
            }
            docs.push(Vec::new());
            continue;
        }
        if cols.is_empty() {
            if !sentence.is_empty()
                && let Some(d) = docs.last_mut()
            {
                d.push(std::mem::take(&mut sentence));
            }
            continue;
        }
        let tag = if cols.len() >= 2 {
            cols[cols.len() - 1]
        } else {
            "O"
        };
        sentence.push((cols[0], tag, n + 1));
    }
    if !sentence.is_empty()
        && let Some(d) = docs.last_mut()
    {
        d.push(sentence);
    }
    docs.retain(|d| !d.is_empty());
    let mut imported = Imported::default();
    for (i, sentences) in docs.iter().enumerate() {
        let file = format!("{stem}-{:04}.txt", i + 1);
        step(control, Stage::Reading, i, docs.len(), &file)?;
        let mut text = String::new();
        let mut at = 0usize;
        // (label, start, end) of spans being built.
        let mut spans: Vec<(String, usize, usize)> = Vec::new();
        let mut open: Option<(String, usize, usize)> = None;
        for (s, sentence) in sentences.iter().enumerate() {
            if s > 0 {
                text.push('\n');
                at += 1;
            }
            for (k, (token, tag, line)) in sentence.iter().enumerate() {
                if k > 0 {
                    text.push(' ');
                    at += 1;
                }
                let start = at;
                text.push_str(token);
                at += token.chars().count();
                let (prefix, label) = match tag.split_once('-') {
                    Some((p, l)) if matches!(p, "B" | "I" | "E" | "S" | "L" | "U") => (p, l),
                    _ if *tag == "O" => ("O", ""),
                    _ => {
                        imported.problems.push(Loss {
                            document: file.clone(),
                            annotation: None,
                            kind: LossKind::NotMapped,
                            detail: format!(
                                "{}:{line}: tag {tag:?} is not IOB; read as O",
                                source.display()
                            ),
                        });
                        ("O", "")
                    }
                };
                let continues = matches!(prefix, "I" | "E" | "L")
                    && open.as_ref().is_some_and(|(l, _, _)| l == label);
                if continues {
                    if let Some(o) = open.as_mut() {
                        o.2 = at;
                    }
                } else {
                    if let Some(o) = open.take() {
                        spans.push(o);
                    }
                    if prefix != "O" {
                        open = Some((label.to_owned(), start, at));
                    }
                }
                if matches!(prefix, "E" | "S" | "L" | "U")
                    && let Some(o) = open.take()
                {
                    spans.push(o);
                }
            }
        }
        if let Some(o) = open.take() {
            spans.push(o);
        }
        let offsets = byte_offsets(&text);
        let mut doc = CorpusDocument::new(file, text.clone());
        for (n, (label, start, end)) in spans.into_iter().enumerate() {
            let id = AnnotationId(n as u64 + 1);
            doc.annotations.push(Annotation {
                id,
                label,
                fragments: vec![Fragment {
                    start,
                    end,
                    text: text[offsets[start]..offsets[end]].to_owned(),
                }],
                attributes: BTreeMap::new(),
                note: String::new(),
                review: Review::default(),
                author: ctx.annotator.to_owned(),
                created: ctx.now.clone(),
                modified: ctx.now.clone(),
                source: None,
                conflict: None,
            });
        }
        doc.next_id = doc.annotations.len() as u64 + 1;
        imported.documents.push(doc);
    }
    Ok(imported)
}
