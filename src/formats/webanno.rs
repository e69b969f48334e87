//! WebAnno TSV 3.3, the tab-separated format INCEpTION imports: one `.tsv` per document.
//!
//! ```text
//! (columns separated by tabs)
//! #FORMAT=WebAnno TSV 3.3
//! #T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value
//! #T_RL=webanno.custom.AccordLink|kind|BT_de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity
//!
//!
//! #Text=Токаев и Рахмон
//! 1-1    0-6    Токаев    *    PERSON    _    _
//! 1-2    7-8    и    _    _    _    _
//! ```
//!
//! This is the one export whose offsets are not code points: `begin-end` count UTF-16 code
//! units from the start of the document (Java's `String` indices, which INCEpTION uses), so
//! a character outside the Basic Multilingual Plane (😊, 𠀀) counts two. They are computed
//! here from Accord's char offsets and nowhere else.
//!
//! Labels go in DKPro Core's `NamedEntity` layer (`value`), which INCEpTION knows without
//! configuration; links in a custom relation layer `webanno.custom.AccordLink` (`kind`),
//! written on the target's first token with the source's token and, where needed, the
//! `[source_target]` disambiguation ids. A sentence is a line of the document, from its
//! first token to its last. Tokens are Accord's, cut at every span edge so that no span
//! needs sub-token lines. Multi-token and stacked spans carry `[n]` ids as the format asks.
//! Escaping is INCEpTION's: in text (`#Text=` and tokens) backslash, tab, line breaks and
//! other control characters; in values also `[ ] | _ -> ; *`.
//!
//! Lost: attributes, notes, review, cross-document groups; a discontinuous span becomes one
//! span per fragment; spans crossing a line break span two sentences (valid TSV 3.3, but
//! readers that work a sentence at a time see two spans).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::PathBuf;

use super::{
    Control, Corpus, CorpusDocument, Format, FormatError, FormatSpec, Loss, LossKind, Output,
    OutputFile, fragment_edges, split_tokens,
};
use crate::model::tokens::tokenize_str;
use crate::model::{AnnotationId, CharRange};

// Written by hand: no Rust crate reads or writes WebAnno TSV; the format's reference is
// INCEpTION's own writer (`Tsv3XSerializer`, `Escaping`), which this follows.

const NAMED_ENTITY: &str = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity";
const LINK_LAYER: &str = "webanno.custom.AccordLink";

/// INCEpTION's `Escaping.escapeText`, appended to `out`: control characters (but 8–13) get a
/// backslash before them; tab, line feed, form feed, carriage return, backspace and backslash
/// are written as Java escapes.
fn escape_text_into(out: &mut String, text: &str) {
    // Most text has nothing to escape (every byte of a multi-byte char is ≥ 0x80).
    if !text.bytes().any(|b| b < 32 || b == b'\\') {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{0c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{08}' => out.push_str("\\b"),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 32 && !(8..14).contains(&(c as u32)) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// INCEpTION's `Escaping.escapeValue`, for feature values.
pub(crate) fn escape_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '[' | ']' | '|' | '_' | ';' | '*' => {
                out.push('\\');
                out.push(c);
            }
            '-' if chars.peek() == Some(&'>') => out.push_str("\\-"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// The WebAnno TSV format, as the registry (`formats/mod.rs`) lists it.
pub(super) const SPEC: FormatSpec = FormatSpec {
    format: Format::WebannoTsv,
    name: "webanno-tsv",
    title: "WebAnno TSV",
    writes: "a folder of WebAnno TSV 3.3 files, for INCEpTION",
    output: Output::Folder,
    export,
    import: None,
};

pub(super) fn export(
    corpus: &Corpus,
    control: Control<'_>,
) -> Result<(Vec<OutputFile>, Vec<Loss>), FormatError> {
    let (files, mut losses) = corpus.convert(control, |_, doc, lost| {
        let name = match doc.file.strip_suffix(".txt") {
            Some(stem) => format!("{stem}.tsv"),
            None => format!("{}.tsv", doc.file),
        };
        OutputFile {
            path: PathBuf::from(name),
            bytes: document(doc, lost).into_bytes(),
        }
    })?;
    for g in &corpus.groups {
        losses.push(Loss {
            document: g
                .members
                .first()
                .map_or_else(String::new, |m| m.document.clone()),
            annotation: None,
            kind: LossKind::Group,
            detail: format!(
                "group {} ({}): WebAnno TSV has no cross-document links",
                g.id.0, g.kind
            ),
        });
    }
    Ok((files, losses))
}

/// One span of the NamedEntity layer: an annotation's fragment.
struct Unit {
    annotation: AnnotationId,
    label: String,
    /// Token indices `first..last`.
    first: usize,
    last: usize,
    /// The `[n]` id, when the span is multi-token or stacked.
    disambiguation: u32,
}

fn document(doc: &CorpusDocument, losses: &mut Vec<Loss>) -> String {
    let chars: Vec<char> = doc.text.chars().collect();
    // UTF-16 offset of every char offset.
    let mut utf16 = Vec::with_capacity(chars.len() + 1);
    let mut at = 0usize;
    for c in &chars {
        utf16.push(at);
        at += c.len_utf16();
    }
    utf16.push(at);
    let tokens = split_tokens(&tokenize_str(&doc.text), &fragment_edges(doc));
    let index_of = |offset: usize| tokens.partition_point(|t| t.start < offset);
    let mut units: Vec<Unit> = Vec::new();
    for a in &doc.annotations {
        if a.fragments.len() > 1 {
            losses.push(Loss {
                document: doc.file.clone(),
                annotation: Some(a.id),
                kind: LossKind::Discontinuous,
                detail: format!(
                    "{} “{}”: its {} fragments are written as separate spans",
                    a.label,
                    a.text(),
                    a.fragments.len()
                ),
            });
        }
        for f in &a.fragments {
            let (first, last) = (index_of(f.start), index_of(f.end));
            if first >= last {
                losses.push(Loss {
                    document: doc.file.clone(),
                    annotation: Some(a.id),
                    kind: LossKind::Skipped,
                    detail: format!(
                        "{} “{}” covers no token (only white space)",
                        a.label, f.text
                    ),
                });
                continue;
            }
            let covered = CharRange::new(tokens[first].start, tokens[last - 1].end);
            if covered != f.range() {
                losses.push(Loss {
                    document: doc.file.clone(),
                    annotation: Some(a.id),
                    kind: LossKind::Widened,
                    detail: format!(
                        "{} “{}”: white space at its edges left out",
                        a.label, f.text
                    ),
                });
            }
            units.push(Unit {
                annotation: a.id,
                label: a.label.clone(),
                first,
                last,
                disambiguation: 0,
            });
        }
        if !a.attributes.is_empty() || !a.note.is_empty() {
            losses.push(Loss {
                document: doc.file.clone(),
                annotation: Some(a.id),
                kind: LossKind::Attribute,
                detail: format!("{}: attributes and notes are not written", a.label),
            });
        }
    }
    // Spans on each token; then `[n]` ids for multi-token and stacked spans, in order.
    let mut on_token: Vec<Vec<usize>> = vec![Vec::new(); tokens.len()];
    for (u, unit) in units.iter().enumerate() {
        for list in &mut on_token[unit.first..unit.last] {
            list.push(u);
        }
    }
    let mut next_id = 1;
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by_key(|&u| (units[u].first, std::cmp::Reverse(units[u].last)));
    for &u in &order {
        let stacked = on_token[units[u].first..units[u].last]
            .iter()
            .any(|l| l.len() > 1);
        if units[u].last - units[u].first > 1 || stacked {
            units[u].disambiguation = next_id;
            next_id += 1;
        }
    }
    for list in &mut on_token {
        list.sort_by_key(|&u| units[u].disambiguation);
    }
    // Links, on the first token of the target's first span.
    let first_unit: BTreeMap<AnnotationId, usize> = {
        let mut m = BTreeMap::new();
        for (u, unit) in units.iter().enumerate() {
            m.entry(unit.annotation).or_insert(u);
        }
        m
    };
    let sentences = sentences(&tokens, &chars);
    // `sentence-token` ids (1-based) of every token.
    let mut token_ids = vec![(0, 0); tokens.len()];
    for (s, &(first, last)) in sentences.iter().enumerate() {
        for (k, id) in token_ids[first..last].iter_mut().enumerate() {
            *id = (s + 1, k + 1);
        }
    }
    let mut links_on: Vec<Vec<(String, String)>> = vec![Vec::new(); tokens.len()];
    for l in &doc.links {
        let (Some(&from), Some(&to)) = (first_unit.get(&l.from), first_unit.get(&l.to)) else {
            losses.push(Loss {
                document: doc.file.clone(),
                annotation: None,
                kind: LossKind::Link,
                detail: format!("{} {} → {}: an end was not written", l.kind, l.from, l.to),
            });
            continue;
        };
        let (src, tgt) = (&units[from], &units[to]);
        let (sentence, within) = token_ids[src.first];
        let mut reference = format!("{sentence}-{within}");
        if src.disambiguation != 0 || tgt.disambiguation != 0 {
            let _ = write!(reference, "[{}_{}]", src.disambiguation, tgt.disambiguation);
        }
        links_on[tgt.first].push((escape_value(&l.kind), reference));
    }

    // About a line a token: the text twice (in `#Text=` and the token), ids and offsets.
    let mut out = String::with_capacity(2 * doc.text.len() + 32 * tokens.len() + 256);
    let _ = write!(
        out,
        "#FORMAT=WebAnno TSV 3.3\n#T_SP={NAMED_ENTITY}|identifier|value\n#T_RL={LINK_LAYER}|kind|BT_{NAMED_ENTITY}\n\n"
    );
    // Each label as a feature value, escaped once.
    let labels: HashMap<&str, String> = units
        .iter()
        .map(|u| (u.label.as_str(), escape_value(&u.label)))
        .collect();
    let mut numbers = itoa::Buffer::new();
    let bytes = super::byte_offsets(&doc.text);
    let slice = |from: usize, to: usize| &doc.text[bytes[from]..bytes[to]];
    for (s, &(first, last)) in sentences.iter().enumerate() {
        out.push_str("\n#Text=");
        escape_text_into(&mut out, slice(tokens[first].start, tokens[last - 1].end));
        out.push('\n');
        for (k, t) in tokens[first..last].iter().enumerate() {
            let i = first + k;
            // `1-3\t20-27\t`, without the formatting machinery (a line per token).
            for (n, end) in [
                (s + 1, '-'),
                (k + 1, '\t'),
                (utf16[t.start], '-'),
                (utf16[t.end], '\t'),
            ] {
                out.push_str(numbers.format(n));
                out.push(end);
            }
            escape_text_into(&mut out, slice(t.start, t.end));
            out.push('\t');
            if on_token[i].is_empty() {
                out.push_str("_\t_");
            } else {
                let suffix = |out: &mut String, u: usize| {
                    if units[u].disambiguation != 0 {
                        out.push('[');
                        out.push_str(itoa::Buffer::new().format(units[u].disambiguation));
                        out.push(']');
                    }
                };
                for (n, &u) in on_token[i].iter().enumerate() {
                    out.push_str(if n == 0 { "*" } else { "|*" });
                    suffix(&mut out, u);
                }
                out.push('\t');
                for (n, &u) in on_token[i].iter().enumerate() {
                    if n > 0 {
                        out.push('|');
                    }
                    out.push_str(&labels[units[u].label.as_str()]);
                    suffix(&mut out, u);
                }
            }
            out.push('\t');
            if links_on[i].is_empty() {
                out.push_str("_\t_");
            } else {
                let kinds: Vec<&str> = links_on[i].iter().map(|(k, _)| k.as_str()).collect();
                let sources: Vec<&str> = links_on[i].iter().map(|(_, r)| r.as_str()).collect();
                out.push_str(&kinds.join("|"));
                out.push('\t');
                out.push_str(&sources.join("|"));
            }
            out.push_str("\t\n");
        }
    }
    out
}

/// Sentences as token index ranges: the tokens of each line.
fn sentences(tokens: &[CharRange], chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..tokens.len() {
        if chars[tokens[i - 1].end..tokens[i].start].contains(&'\n') {
            out.push((start, i));
            start = i;
        }
    }
    if start < tokens.len() {
        out.push((start, tokens.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escape_text(text: &str) -> String {
        let mut out = String::new();
        escape_text_into(&mut out, text);
        out
    }

    #[test]
    fn escaping_follows_inception() {
        assert_eq!(escape_text("a\tb\\c\r\u{1}"), "a\\tb\\\\c\\r\\\u{1}");
        assert_eq!(escape_value("a_b|c->d[1]*"), "a\\_b\\|c\\->d\\[1\\]\\*");
    }

    #[test]
    fn offsets_are_utf16_and_spans_stack() {
        let mut doc = CorpusDocument::new("t.txt", "😊 Ab cd\nef");
        let ann = |id: u64, label: &str, s: usize, e: usize, text: &str| crate::model::Annotation {
            id: AnnotationId(id),
            label: label.into(),
            fragments: vec![crate::model::Fragment {
                start: s,
                end: e,
                text: text.into(),
            }],
            attributes: Default::default(),
            note: String::new(),
            review: Default::default(),
            author: "t".into(),
            created: Default::default(),
            modified: Default::default(),
            source: None,
            conflict: None,
        };
        doc.annotations = vec![ann(1, "ORG", 2, 7, "Ab cd"), ann(2, "PERSON", 2, 4, "Ab")];
        let tsv = document(&doc, &mut Vec::new());
        assert!(tsv.contains("1-1\t0-2\t😊\t_\t_"), "{tsv}");
        assert!(
            tsv.contains("1-2\t3-5\tAb\t*[1]|*[2]\tORG[1]|PERSON[2]"),
            "{tsv}"
        );
        assert!(tsv.contains("1-3\t6-8\tcd\t*[1]\tORG[1]"), "{tsv}");
        assert!(tsv.contains("#Text=ef\n2-1\t9-11\tef"), "{tsv}");
    }
}
