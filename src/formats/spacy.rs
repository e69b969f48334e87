//! spaCy v3 `DocBin` (`.spacy`), written in Rust, ready for `spacy train`.
//!
//! Entities are `doc.ents` (`ENT_IOB`/`ENT_TYPE`, every other token `O`, so spaCy knows they
//! are not entities): the spans a flat layer can hold, chosen as for CoNLL (see
//! [`super::flat_spans`]). Every contiguous annotation, overlapping or not, is also in
//! `doc.spans["sc"]` (the key `spancat` trains on); the fragments of discontinuous ones are in
//! `doc.spans["discontinuous"]`, each with the annotation id as its `id_`. Tokens are
//! Accord's ([`crate::model::tokens`]) cut at every span edge, so each span starts and ends on
//! a token; white space runs are tokens, as spaCy's tokenizer makes them, except a single
//! space after a word (its `whitespace_`). `doc.text` is the document's text exactly.
//! Attributes, notes, links, review and groups are not written.
//!
//! Why by hand rather than through spaCy: a `DocBin` is zlib-compressed MessagePack of a few
//! arrays (`flate2` and `rmp` do those parts), and writing it here keeps Python out of
//! Accord's exports. What spaCy adds is its string hashing: 64-bit MurmurHash64A (seed 1) of
//! the UTF-8 text, except for the strings of its fixed symbol table, which have their symbol
//! number. Both are here, the table copied from spaCy 3.8 (`spacy.symbols.IDS`,
//! `spacy_symbols.txt`, one name a line, line n is symbol n). CI loads every export with
//! spaCy itself and runs `spacy debug data` on it (`.ci/python/check_exports.py`).

use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::OnceLock;

use super::{
    Control, Corpus, CorpusDocument, Format, FormatError, FormatSpec, Loss, LossKind, Output,
    OutputFile, byte_offsets, flat_spans, fragment_edges, split_tokens,
};
use crate::model::tokens::tokenize_str;
use crate::model::{CharRange, Fragment};

/// spaCy's attribute ids (`spacy.attrs`): the token columns written.
const ORTH: u64 = 65;
const ENT_IOB: u64 = 77;
const ENT_TYPE: u64 = 78;

/// `Token.iob_strings()`: "" (missing), "I", "O", "B".
const IOB_I: u64 = 1;
const IOB_O: u64 = 2;
const IOB_B: u64 = 3;

/// spaCy's symbol table (`spacy.symbols.IDS`, 3.8), symbol 1 first; 0 is the empty string.
const SYMBOLS: &str = include_str!("spacy_symbols.txt");

fn symbols() -> &'static HashMap<&'static str, u64> {
    static TABLE: OnceLock<HashMap<&'static str, u64>> = OnceLock::new();
    TABLE.get_or_init(|| {
        SYMBOLS
            .lines()
            .enumerate()
            .map(|(i, name)| (name, i as u64 + 1))
            .collect()
    })
}

/// MurmurHash64A, the 64-bit hash spaCy's `StringStore` uses (through the `murmurhash`
/// package's `hash64`, seed 1). Written out here, a dozen lines checked against spaCy's own
/// values in the tests below, rather than a dependency for one function.
fn murmur64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = seed ^ (key.len() as u64).wrapping_mul(M);
    let chunks = key.chunks_exact(8);
    let tail = chunks.remainder();
    for chunk in chunks {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        let mut k = u64::from_le_bytes(bytes);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    if !tail.is_empty() {
        for (i, b) in tail.iter().enumerate() {
            h ^= u64::from(*b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// The id spaCy's `StringStore` gives a string.
fn string_id(s: &str) -> u64 {
    if s.is_empty() {
        return 0;
    }
    match symbols().get(s) {
        Some(&id) => id,
        None => murmur64a(s.as_bytes(), 1),
    }
}

/// One document's arrays.
struct DocArrays {
    /// Per token: ORTH, ENT_IOB, ENT_TYPE.
    tokens: Vec<[u64; 3]>,
    spaces: Vec<bool>,
    span_groups: Vec<u8>,
}

/// The strings a `DocBin` stores, with their ids: each string hashed once.
#[derive(Default)]
struct Strings(HashMap<String, u64>);

impl Strings {
    fn add(&mut self, s: &str) -> u64 {
        if let Some(&id) = self.0.get(s) {
            return id;
        }
        let id = string_id(s);
        self.0.insert(s.to_owned(), id);
        id
    }

    /// Sorted, as spaCy writes them.
    fn sorted(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.0.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }
}

/// The spaCy format, as the registry (`formats/mod.rs`) lists it.
pub(super) const SPEC: FormatSpec = FormatSpec {
    format: Format::Spacy,
    name: "spacy",
    title: "spaCy",
    writes: "one .spacy DocBin for spacy train: entities, spans; no attributes",
    output: Output::File { extension: "spacy" },
    export,
    import: None,
};

pub(super) fn export(
    corpus: &Corpus,
    control: Control<'_>,
) -> Result<(Vec<OutputFile>, Vec<Loss>), FormatError> {
    let (parts, losses) = corpus.convert(control, |_, doc, lost| {
        let mut strings = Strings::default();
        (doc_arrays(doc, corpus, &mut strings, lost), strings)
    })?;
    let mut strings = Strings::default();
    let mut docs = Vec::with_capacity(parts.len());
    for (arrays, of_doc) in parts {
        docs.push(arrays);
        strings.0.extend(of_doc.0);
    }
    let bytes = doc_bin(&docs, &strings.sorted()).map_err(|e| FormatError::Parse {
        path: PathBuf::from("corpus.spacy"),
        line: 0,
        message: format!("cannot encode the DocBin: {e}"),
    })?;
    Ok((
        vec![OutputFile {
            path: PathBuf::new(),
            bytes,
        }],
        losses,
    ))
}

/// Tokens (char ranges) and whether a single space follows each, covering the whole text
/// (`bytes` from [`byte_offsets`]).
fn words_and_spaces(doc: &CorpusDocument, bytes: &[usize]) -> (Vec<CharRange>, Vec<bool>) {
    let chars = bytes.len() - 1;
    let first_char = |at: usize| doc.text[bytes[at]..].chars().next().unwrap_or_default();
    let edges = fragment_edges(doc);
    let sorted = |edge: fn(&Fragment) -> usize| {
        let mut v: Vec<usize> = doc
            .annotations
            .iter()
            .flat_map(|a| a.fragments.iter().map(edge))
            .collect();
        v.sort_unstable();
        v
    };
    let (starts, ends) = (sorted(|f| f.start), sorted(|f| f.end));
    // Words and the white space between them, cut at every span edge.
    let mut segments = Vec::new();
    let mut at = 0;
    for t in tokenize_str(&doc.text) {
        if t.start > at {
            segments.push(CharRange::new(at, t.start));
        }
        segments.push(t);
        at = t.end;
    }
    if at < chars {
        segments.push(CharRange::new(at, chars));
    }
    let segments = split_tokens(&segments, &edges);
    let mut words: Vec<CharRange> = Vec::with_capacity(segments.len());
    let mut spaces: Vec<bool> = Vec::with_capacity(segments.len());
    for seg in segments {
        let first = first_char(seg.start);
        let after_word = words.last().is_some_and(|w: &CharRange| {
            !first_char(w.start).is_whitespace() && w.end == seg.start
        });
        let foldable = first == ' '
            && after_word
            && spaces.last() == Some(&false)
            && starts.binary_search(&seg.start).is_err()
            && ends.binary_search(&(seg.start + 1)).is_err();
        if foldable {
            if let Some(last) = spaces.last_mut() {
                *last = true;
            }
            if seg.len() > 1 {
                words.push(CharRange::new(seg.start + 1, seg.end));
                spaces.push(false);
            }
        } else {
            words.push(seg);
            spaces.push(false);
        }
    }
    (words, spaces)
}

fn doc_arrays(
    doc: &CorpusDocument,
    corpus: &Corpus,
    strings: &mut Strings,
    losses: &mut Vec<Loss>,
) -> DocArrays {
    let bytes = byte_offsets(&doc.text);
    let (words, spaces) = words_and_spaces(doc, &bytes);
    let mut tokens: Vec<[u64; 3]> = words
        .iter()
        .map(|w| {
            [
                strings.add(&doc.text[bytes[w.start]..bytes[w.end]]),
                IOB_O,
                0,
            ]
        })
        .collect();
    // Token index at each word start, and after the last.
    let index_of = |offset: usize| words.partition_point(|w| w.start < offset);
    let (kept, _) = flat_spans(doc, &corpus.schema);
    for (range, a) in &kept {
        let (first, last) = (index_of(range.start), index_of(range.end));
        let label = strings.add(&a.label);
        for (k, t) in tokens[first..last].iter_mut().enumerate() {
            t[1] = if k == 0 { IOB_B } else { IOB_I };
            t[2] = label;
        }
    }
    // Span groups: every contiguous annotation, and the fragments of discontinuous ones.
    let mut sc = Vec::new();
    let mut pieces = Vec::new();
    for a in &doc.annotations {
        let id = strings.add(itoa::Buffer::new().format(a.id.0));
        let label = strings.add(&a.label);
        let span = |r: CharRange| SpanC {
            id,
            kb_id: 0,
            label,
            start: index_of(r.start) as i32,
            end: index_of(r.end) as i32,
            start_char: r.start as i32,
            end_char: r.end as i32,
        };
        if a.fragments.len() == 1 {
            sc.push(span(a.extent()));
        } else {
            pieces.extend(a.fragments.iter().map(|f| span(f.range())));
        }
    }
    let mut groups = Vec::new();
    if !sc.is_empty() {
        groups.push(("sc", sc));
    }
    if !pieces.is_empty() {
        groups.push(("discontinuous", pieces));
    }
    let detail_counts = [
        (
            LossKind::Attribute,
            doc.annotations
                .iter()
                .filter(|a| !a.attributes.is_empty())
                .count(),
            "annotations with attributes: a DocBin holds no attributes",
        ),
        (
            LossKind::Note,
            doc.annotations
                .iter()
                .filter(|a| !a.note.is_empty())
                .count(),
            "notes: a DocBin holds none",
        ),
        (
            LossKind::Link,
            doc.links.len(),
            "links: a DocBin holds none",
        ),
    ];
    for (kind, n, what) in detail_counts {
        if n > 0 {
            losses.push(Loss {
                document: doc.file.clone(),
                annotation: None,
                kind,
                detail: format!("{n} {what}"),
            });
        }
    }
    DocArrays {
        tokens,
        spaces,
        span_groups: span_groups(&groups),
    }
}

/// spaCy's `SpanC`, as `SpanGroup.to_bytes` packs it (`>QQQllll`).
struct SpanC {
    id: u64,
    kb_id: u64,
    label: u64,
    start: i32,
    end: i32,
    start_char: i32,
    end_char: i32,
}

impl SpanC {
    fn pack(&self) -> [u8; 40] {
        let mut b = [0u8; 40];
        b[0..8].copy_from_slice(&self.id.to_be_bytes());
        b[8..16].copy_from_slice(&self.kb_id.to_be_bytes());
        b[16..24].copy_from_slice(&self.label.to_be_bytes());
        b[24..28].copy_from_slice(&self.start.to_be_bytes());
        b[28..32].copy_from_slice(&self.end.to_be_bytes());
        b[32..36].copy_from_slice(&self.start_char.to_be_bytes());
        b[36..40].copy_from_slice(&self.end_char.to_be_bytes());
        b
    }
}

// Writing MessagePack into a Vec cannot fail, but the encoder's signature says it may.
type Msg = Result<(), rmp::encode::ValueWriteError>;

/// `SpanGroups.to_bytes`: a map from each group's bytes to its keys, or `[]` when empty.
fn span_groups(groups: &[(&str, Vec<SpanC>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = write_span_groups(&mut out, groups);
    out
}

fn write_span_groups(out: &mut Vec<u8>, groups: &[(&str, Vec<SpanC>)]) -> Msg {
    use rmp::encode::*;
    if groups.is_empty() {
        write_array_len(out, 0)?;
        return Ok(());
    }
    write_map_len(out, groups.len() as u32)?;
    for (name, spans) in groups {
        let mut group = Vec::new();
        write_map_len(&mut group, 3)?;
        write_str(&mut group, "name")?;
        write_str(&mut group, name)?;
        write_str(&mut group, "attrs")?;
        write_map_len(&mut group, 0)?;
        write_str(&mut group, "spans")?;
        write_array_len(&mut group, spans.len() as u32)?;
        for s in spans {
            write_bin(&mut group, &s.pack())?;
        }
        write_bin(out, &group)?;
        write_array_len(out, 1)?;
        write_str(out, name)?;
    }
    Ok(())
}

/// `DocBin.to_bytes`: zlib-compressed MessagePack.
fn doc_bin(docs: &[DocArrays], strings: &[&str]) -> std::io::Result<Vec<u8>> {
    let mut msg = Vec::new();
    write_doc_bin(&mut msg, docs, strings).map_err(std::io::Error::other)?;
    // spaCy compresses at zlib's default level; any level reads back the same, and the fastest
    // keeps a large export quick.
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(&msg)?;
    z.finish()
}

fn write_doc_bin(out: &mut Vec<u8>, docs: &[DocArrays], strings: &[&str]) -> Msg {
    use rmp::encode::*;
    write_map_len(out, 9)?;
    write_str(out, "version")?;
    write_str(out, "0.1")?;
    write_str(out, "attrs")?;
    write_array_len(out, 3)?;
    for attr in [ORTH, ENT_IOB, ENT_TYPE] {
        write_uint(out, attr)?;
    }
    let n_tokens: usize = docs.iter().map(|d| d.tokens.len()).sum();
    let mut tokens = Vec::with_capacity(n_tokens * 24);
    let mut spaces = Vec::with_capacity(n_tokens);
    let mut lengths = Vec::with_capacity(docs.len() * 4);
    for d in docs {
        for t in &d.tokens {
            for v in t {
                // numpy reads them as native uint64: little-endian on every platform spaCy runs on.
                tokens.extend_from_slice(&v.to_le_bytes());
            }
        }
        spaces.extend(d.spaces.iter().map(|&s| u8::from(s)));
        lengths.extend_from_slice(&(d.tokens.len() as i32).to_le_bytes());
    }
    write_str(out, "tokens")?;
    write_bin(out, &tokens)?;
    write_str(out, "spaces")?;
    write_bin(out, &spaces)?;
    write_str(out, "lengths")?;
    write_bin(out, &lengths)?;
    write_str(out, "strings")?;
    write_array_len(out, strings.len() as u32)?;
    for s in strings {
        write_str(out, s)?;
    }
    write_str(out, "cats")?;
    write_array_len(out, docs.len() as u32)?;
    for _ in docs {
        write_map_len(out, 0)?;
    }
    write_str(out, "flags")?;
    write_array_len(out, docs.len() as u32)?;
    for _ in docs {
        write_map_len(out, 1)?;
        write_str(out, "has_unknown_spaces")?;
        write_bool(out, false).map_err(rmp::encode::ValueWriteError::InvalidMarkerWrite)?;
    }
    write_str(out, "span_groups")?;
    write_array_len(out, docs.len() as u32)?;
    for d in docs {
        write_bin(out, &d.span_groups)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_spacy_s() {
        // Values printed by spaCy 3.8: `StringStore().add(s)`.
        assert_eq!(string_id("hello"), 5_983_625_672_228_268_878);
        assert_eq!(string_id("PERSON"), 380);
        assert_eq!(string_id("X"), 101);
        assert_eq!(string_id(""), 0);
    }

    #[test]
    fn words_and_spaces_rebuild_the_text_and_cut_at_span_edges() {
        let mut doc = CorpusDocument::new("t.txt", "  Ab  cd\r\n😊 ef g");
        doc.annotations = vec![crate::model::Annotation {
            id: crate::model::AnnotationId(1),
            label: "X".into(),
            fragments: vec![crate::model::Fragment {
                start: 3,
                end: 7,
                text: "b  c".into(),
            }],
            attributes: Default::default(),
            note: String::new(),
            review: Default::default(),
            author: "t".into(),
            created: Default::default(),
            modified: Default::default(),
            source: None,
            conflict: None,
        }];
        let (words, spaces) = words_and_spaces(&doc, &byte_offsets(&doc.text));
        let chars: Vec<char> = doc.text.chars().collect();
        let mut rebuilt = String::new();
        for (w, s) in words.iter().zip(&spaces) {
            rebuilt.extend(&chars[w.start..w.end]);
            if *s {
                rebuilt.push(' ');
            }
        }
        assert_eq!(rebuilt, doc.text);
        assert!(words.iter().any(|w| w.start == 3));
        assert!(words.iter().any(|w| w.end == 7));
    }
}
