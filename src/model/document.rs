//! A document: read-only text with a char↔byte index, a paragraph index, its SHA-256 and the
//! encoding it was read in ([`super::encoding`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use thiserror::Error;
use unicode_segmentation::GraphemeCursor;

use super::encoding::{DecodeError, Decoded, EncodingSource, decode};
use super::span::CharRange;
use crate::project_dir::{FsError, Limit, ProjectDir};

/// The UTF-8 byte order mark. It is not part of a document's text: offsets start after it.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The largest document Accord opens, in bytes of the file: 128 MiB. Larger files are refused
/// before they are read (a text of this size is already slow to lay out and annotate).
pub const MAX_DOCUMENT_BYTES: u64 = 128 * 1024 * 1024;

/// How much of a document Accord reads, and what to call it when refusing more.
const DOCUMENT_LIMIT: Limit = Limit::new(
    MAX_DOCUMENT_BYTES,
    "one document (split it into smaller documents)",
);

/// How many chars lie between two checkpoints of [`CharIndex`].
const CHECKPOINT_CHARS: usize = 64;

/// Why a document could not be opened.
#[derive(Debug, Error)]
pub enum DocumentError {
    /// The file could not be read: it is missing, outside the project (a symlink out, `..`),
    /// not a regular file (a FIFO, a folder), larger than [`MAX_DOCUMENT_BYTES`], or the
    /// system refused.
    #[error("{0}")]
    File(#[from] FsError),
    /// The file is empty: there is nothing to annotate.
    #[error(
        "{path} is empty: there is nothing to annotate; remove it from the project or add its text"
    )]
    Empty {
        /// The document's path.
        path: PathBuf,
    },
    /// The file holds NUL bytes, so it is not a text file.
    #[error(
        "{path} looks binary (a NUL byte at byte {byte_offset}): Accord opens UTF-8 plain text; remove it from the project"
    )]
    Binary {
        /// The document's path.
        path: PathBuf,
        /// Offset of the first NUL byte.
        byte_offset: usize,
    },
    /// The project file lists the same document twice; only the first entry is used, so two
    /// stores never write one annotation file.
    #[error("{path} is listed twice in accord.ron: only the first entry is used; remove the other")]
    ListedTwice {
        /// The document's path.
        path: PathBuf,
    },
    /// The file is UTF-8 (it says so with a byte order mark, the project file says so, or most
    /// of it is) but has bytes that are not.
    #[error(
        "{path} is not valid UTF-8 (first bad byte at byte {byte_offset}): repair the file, or if it is in another encoding, name it in accord.ron, e.g. `(file: \"…\", encoding: Some(\"windows-1251\"))`"
    )]
    NotUtf8 {
        /// The document's path.
        path: PathBuf,
        /// Offset of the first byte that is not valid UTF-8 (counted in the file, BOM included).
        byte_offset: usize,
    },
    /// The file is not valid in the encoding named for it or detected.
    #[error(
        "{path} is not valid {encoding} (first bad byte at byte {byte_offset}): name the file's real encoding in accord.ron, e.g. `(file: \"…\", encoding: Some(\"windows-1251\"))`, or convert it to UTF-8"
    )]
    Undecodable {
        /// The document's path.
        path: PathBuf,
        /// The encoding tried (its WHATWG name).
        encoding: String,
        /// Offset of the first byte that does not decode (counted in the file, BOM included).
        byte_offset: usize,
    },
    /// The file is not UTF-8 and its encoding cannot be told for sure.
    #[error(
        "{path} is not UTF-8, and its encoding cannot be told for sure (perhaps {guess}): name it in accord.ron, e.g. `(file: \"…\", encoding: Some(\"{guess}\"))`, or convert the file to UTF-8"
    )]
    UnsureEncoding {
        /// The document's path.
        path: PathBuf,
        /// The detector's best guess (a WHATWG name).
        guess: String,
    },
    /// The project file names an encoding that does not exist.
    #[error(
        "{path}: accord.ron gives it encoding {label:?}, which is not an encoding Accord knows: use a name such as \"windows-1251\", \"koi8-r\", \"windows-1256\", \"gbk\", \"shift_jis\" or \"utf-16le\", or remove the `encoding` field to detect it"
    )]
    UnknownEncoding {
        /// The document's path.
        path: PathBuf,
        /// The name as written.
        label: String,
    },
}

/// How to read a document's bytes: what the project file says about it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The encoding named in the project file (a WHATWG label such as `windows-1251`); `None`
    /// detects it.
    pub encoding: Option<String>,
    /// The document's language (BCP 47), a hint for detecting its encoding.
    pub language: Option<String>,
}

/// Maps char offsets to byte offsets and back in O(log n) or better.
///
/// Keeps the byte offset of every 64th char; a lookup jumps to the nearest checkpoint and walks
/// at most 63 chars. Pure-ASCII text needs no table at all.
#[derive(Clone, Debug, Default)]
pub struct CharIndex {
    len_chars: usize,
    len_bytes: usize,
    /// `checkpoints[i]` is the byte offset of char `i * CHECKPOINT_CHARS`. Empty for ASCII text.
    checkpoints: Vec<usize>,
}

/// The char index of `text` and the char offset of each paragraph (0, and after every line
/// feed that is not the last char), on every core: a 100 MB document is indexed in a fraction
/// of the time one pass of `char_indices` takes. Two passes over pieces split at char
/// boundaries: the first counts each piece's chars, so the second knows where every piece
/// starts and can place the checkpoints (every 64th char) and paragraph starts in it.
fn index_text(text: &str) -> (CharIndex, Paragraphs) {
    use rayon::prelude::*;
    let bytes = text.as_bytes();
    let ascii = text.is_ascii();
    // A char starts at every byte that is not a continuation byte (10xxxxxx).
    let starts_char = |b: u8| (b as i8) >= -0x40;
    let mut pieces = Vec::with_capacity(bytes.len() / INDEX_PIECE_BYTES + 1);
    let mut start = 0;
    while start < bytes.len() {
        let mut end = (start + INDEX_PIECE_BYTES).min(bytes.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        pieces.push(start..end);
        start = end;
    }
    let counts: Vec<usize> = pieces
        .par_iter()
        .map(|r| {
            if ascii {
                r.len()
            } else {
                bytes[r.clone()].iter().filter(|&&b| starts_char(b)).count()
            }
        })
        .collect();
    let mut first_char = Vec::with_capacity(counts.len());
    let mut len_chars = 0;
    for n in &counts {
        first_char.push(len_chars);
        len_chars += n;
    }
    let parts: Vec<(Vec<usize>, Paragraphs)> = pieces
        .par_iter()
        .zip(first_char)
        .map(|(r, chars)| {
            let (mut checkpoints, mut paragraphs) = (Vec::new(), Paragraphs::default());
            index_piece(
                &bytes[r.clone()],
                r.start,
                chars,
                &mut checkpoints,
                &mut paragraphs,
            );
            if ascii {
                checkpoints.clear();
            }
            (checkpoints, paragraphs)
        })
        .collect();
    let mut checkpoints = Vec::with_capacity(if ascii {
        0
    } else {
        len_chars / CHECKPOINT_CHARS + 1
    });
    let mut paragraphs = Paragraphs {
        chars: vec![0],
        bytes: vec![0],
    };
    for (c, p) in parts {
        checkpoints.extend(c);
        paragraphs.chars.extend(p.chars);
        paragraphs.bytes.extend(p.bytes);
    }
    // A line feed at the very end starts no paragraph.
    if paragraphs.chars.len() > 1 && paragraphs.chars.last() == Some(&len_chars) {
        paragraphs.chars.pop();
        paragraphs.bytes.pop();
    }
    let index = CharIndex {
        len_chars,
        len_bytes: bytes.len(),
        checkpoints,
    };
    (index, paragraphs)
}

/// The checkpoints (byte offsets of every 64th char) and paragraph starts (char offsets after
/// each line feed) of one piece of a text, which starts at byte `offset` and char `chars`.
/// Reads 64 bytes at a time as two bit masks, of the bytes that start a char and of the line
/// feeds, and counts bits: a loop over single bytes takes several times as long.
fn index_piece(
    bytes: &[u8],
    offset: usize,
    mut chars: usize,
    checkpoints: &mut Vec<usize>,
    paragraphs: &mut Paragraphs,
) {
    let blocks = bytes.chunks_exact(64);
    let rest = blocks.remainder();
    for (k, block) in blocks.enumerate() {
        let (mut starts, mut feeds) = (0u64, 0u64);
        for (j, word) in block.chunks_exact(8).enumerate() {
            let (s, f) = starts_and_feeds(word);
            starts |= s << (8 * j);
            feeds |= f << (8 * j);
        }
        while feeds != 0 {
            let bit = feeds.trailing_zeros();
            // The chars up to and with the line feed: the next paragraph starts after them.
            let through = starts & (u64::MAX >> (63 - bit));
            paragraphs.chars.push(chars + through.count_ones() as usize);
            paragraphs.bytes.push(offset + k * 64 + bit as usize + 1);
            feeds &= feeds - 1;
        }
        let n = starts.count_ones() as usize;
        // At most one multiple of 64 among the block's (at most 64) chars.
        let next = chars.next_multiple_of(CHECKPOINT_CHARS);
        if next < chars + n {
            let mut left = starts;
            for _ in 0..next - chars {
                left &= left - 1;
            }
            checkpoints.push(offset + k * 64 + left.trailing_zeros() as usize);
        }
        chars += n;
    }
    let rest_offset = offset + bytes.len() - rest.len();
    for (i, &b) in rest.iter().enumerate() {
        if (b as i8) >= -0x40 {
            if chars.is_multiple_of(CHECKPOINT_CHARS) {
                checkpoints.push(rest_offset + i);
            }
            chars += 1;
            if b == b'\n' {
                paragraphs.chars.push(chars);
                paragraphs.bytes.push(rest_offset + i + 1);
            }
        }
    }
}

/// Of 8 bytes, as bit masks (bit `i` for byte `i`): those that start a char (all but the
/// continuation bytes `10xxxxxx`) and the line feeds. Eight bytes at once in a `u64` (the
/// "SIMD within a register" tricks; `std::simd` is not stable): a continuation byte is one
/// whose top bit is set and the next one clear; a line feed is a byte that is zero once
/// xored with `0x0A`, found without carries between bytes; then the eight top bits are
/// gathered into the low byte by one multiplication.
fn starts_and_feeds(word: &[u8]) -> (u64, u64) {
    const TOP: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const FEEDS: u64 = 0x0A0A_0A0A_0A0A_0A0A;
    let gather = |top_bits: u64| (top_bits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(word);
    let w = u64::from_le_bytes(bytes);
    let continuation = w & !(w << 1) & TOP;
    let x = w ^ FEEDS;
    let zero = !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7);
    (gather(!continuation & TOP), gather(zero))
}

/// Where each paragraph starts: after every line feed but one that ends the text.
#[derive(Clone, Debug, Default)]
struct Paragraphs {
    /// In chars.
    chars: Vec<usize>,
    /// In bytes.
    bytes: Vec<usize>,
}

/// How much text one core indexes at a time: large enough that splitting costs nothing, small
/// enough that every core has a share of a few megabytes.
const INDEX_PIECE_BYTES: usize = 1 << 20;

impl CharIndex {
    /// Builds the index of `text`.
    pub fn new(text: &str) -> Self {
        index_text(text).0
    }

    /// Number of chars in the text.
    pub fn len_chars(&self) -> usize {
        self.len_chars
    }

    fn is_ascii(&self) -> bool {
        self.len_chars == self.len_bytes
    }

    /// Byte offset of char `char_offset` (`len_chars()` maps to the text's byte length).
    ///
    /// Panics if `char_offset > len_chars()`.
    pub fn char_to_byte(&self, text: &str, char_offset: usize) -> usize {
        assert!(
            char_offset <= self.len_chars,
            "char offset {char_offset} past the end ({})",
            self.len_chars
        );
        if self.is_ascii() {
            return char_offset;
        }
        if char_offset == self.len_chars {
            return self.len_bytes;
        }
        let checkpoint = char_offset / CHECKPOINT_CHARS;
        let base = self.checkpoints[checkpoint];
        let skip = char_offset - checkpoint * CHECKPOINT_CHARS;
        match text[base..].char_indices().nth(skip) {
            Some((b, _)) => base + b,
            None => self.len_bytes,
        }
    }

    /// Char offset of byte `byte_offset`, which must lie on a char boundary.
    pub fn byte_to_char(&self, text: &str, byte_offset: usize) -> usize {
        if self.is_ascii() {
            return byte_offset.min(self.len_bytes);
        }
        if byte_offset >= self.len_bytes {
            return self.len_chars;
        }
        let checkpoint = match self.checkpoints.binary_search(&byte_offset) {
            Ok(i) => return i * CHECKPOINT_CHARS,
            Err(i) => i - 1,
        };
        let base = self.checkpoints[checkpoint];
        checkpoint * CHECKPOINT_CHARS + text[base..byte_offset].chars().count()
    }
}

/// A document of a project: its text exactly as stored, read-only.
#[derive(Clone, Debug)]
pub struct Document {
    /// File name inside the project folder, e.g. `tj-kz-talks-astana.ar.txt`.
    pub file_name: String,
    /// Shared, not copied, by the clones of the document and by whatever analyses it (the
    /// suggestions' corpus): a document can be hundreds of megabytes.
    text: Arc<String>,
    index: CharIndex,
    /// Char offset where each paragraph (line ending in `\n`, or the last one) starts.
    paragraph_starts: Vec<usize>,
    /// The byte offset of each of `paragraph_starts`.
    paragraph_start_bytes: Vec<usize>,
    /// SHA-256 of the file's bytes (BOM included), lower-case hex.
    sha256: String,
    had_bom: bool,
    encoding: &'static encoding_rs::Encoding,
    encoding_source: EncodingSource,
}

impl Document {
    /// Reads and checks a document file (encoding detected; see [`Document::open_with`]).
    pub fn open(path: &Path) -> Result<Self, DocumentError> {
        Self::open_with(path, &ReadOptions::default())
    }

    /// Reads and checks a document file that belongs to no project (`accord check-layout` on
    /// any file), in the encoding `options` names or else the one its byte order mark gives or
    /// detection finds. A document of a project is read with [`Document::open_in`].
    pub fn open_with(path: &Path, options: &ReadOptions) -> Result<Self, DocumentError> {
        let bytes = crate::project_dir::read_outside(path, DOCUMENT_LIMIT)?
            .ok_or_else(|| FsError::missing(path))?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Self::from_bytes_with(file_name, bytes, options).map_err(|e| e.with_path(path))
    }

    /// Reads and checks document `file` of the project in `dir` (its path relative to the
    /// folder, as the project file lists it), as `options` say. Files over
    /// [`MAX_DOCUMENT_BYTES`] are refused without reading them.
    pub fn open_in(
        dir: &ProjectDir,
        file: &str,
        options: &ReadOptions,
    ) -> Result<Self, DocumentError> {
        let path = dir.path(file);
        let bytes = dir
            .read(&path, DOCUMENT_LIMIT)?
            .ok_or_else(|| FsError::missing(&path))?;
        let mut doc = Self::from_bytes_with(file, bytes, options)
            .map_err(|e| e.with_path(Path::new(file)))?;
        doc.file_name = file.to_owned();
        Ok(doc)
    }

    /// Builds a document from a file's bytes (encoding detected). Errors carry `file_name` as
    /// their path.
    pub fn from_bytes(file_name: impl Into<String>, bytes: Vec<u8>) -> Result<Self, DocumentError> {
        Self::from_bytes_with(file_name, bytes, &ReadOptions::default())
    }

    /// Builds a document from a file's bytes, read as `options` say (see [`super::encoding`]).
    /// Offsets are into the decoded text; the SHA-256 is of `bytes`.
    pub fn from_bytes_with(
        file_name: impl Into<String>,
        bytes: Vec<u8>,
        options: &ReadOptions,
    ) -> Result<Self, DocumentError> {
        let file_name = file_name.into();
        let path = PathBuf::from(&file_name);
        // The hash of the file's bytes: for the common case below (the text is the bytes) it
        // is computed while the text is indexed, on another core.
        let mut sha256 = None;
        let mut hash = |bytes: &[u8]| sha256 = Some(sha256_hex(bytes));
        let decoded = if options.encoding.is_none() && !bytes.starts_with(UTF8_BOM) {
            // The common case, valid UTF-8, without copying the text.
            match String::from_utf8(bytes) {
                Ok(text) if !text.is_empty() && !text.contains('\0') => Ok(Decoded {
                    text,
                    encoding: encoding_rs::UTF_8,
                    source: EncodingSource::Utf8,
                    bom_len: 0,
                }),
                Ok(text) => {
                    hash(text.as_bytes());
                    decode(text.as_bytes(), None, options.language.as_deref())
                }
                Err(e) => {
                    hash(e.as_bytes());
                    decode(e.as_bytes(), None, options.language.as_deref())
                }
            }
        } else {
            hash(&bytes);
            decode(
                &bytes,
                options.encoding.as_deref(),
                options.language.as_deref(),
            )
        }
        .map_err(|e| DocumentError::from_decode(e, path))?;
        let mut doc = Self::from_checked_text(file_name, decoded.text, sha256, decoded.bom_len > 0);
        doc.encoding = decoded.encoding;
        doc.encoding_source = decoded.source;
        Ok(doc)
    }

    /// A document made from text in memory (tests, benchmarks, generated corpora).
    pub fn from_text(file_name: impl Into<String>, text: impl Into<String>) -> Self {
        Self::from_checked_text(file_name.into(), text.into(), None, false)
    }

    /// `sha256` is the hash of the file's bytes, `None` when they are the text's.
    fn from_checked_text(
        file_name: String,
        text: String,
        sha256: Option<String>,
        had_bom: bool,
    ) -> Self {
        let (sha256, (index, paragraphs)) = rayon::join(
            || sha256.unwrap_or_else(|| sha256_hex(text.as_bytes())),
            || index_text(&text),
        );
        Self {
            file_name,
            text: Arc::new(text),
            index,
            paragraph_starts: paragraphs.chars,
            paragraph_start_bytes: paragraphs.bytes,
            sha256,
            had_bom,
            encoding: encoding_rs::UTF_8,
            encoding_source: EncodingSource::Utf8,
        }
    }

    /// The whole text (without a BOM).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text, shared: for a reader that outlives this borrow of the document.
    pub fn shared_text(&self) -> Arc<String> {
        Arc::clone(&self.text)
    }

    /// Number of chars in the text.
    pub fn len_chars(&self) -> usize {
        self.index.len_chars()
    }

    /// SHA-256 of the file's bytes, lower-case hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// True when the file started with a byte order mark (which offsets do not count).
    pub fn had_bom(&self) -> bool {
        self.had_bom
    }

    /// The encoding of the file, as the WHATWG Encoding Standard names it: `UTF-8`,
    /// `windows-1251`, `KOI8-R`, `windows-1256`, `GBK`, `Shift_JIS`, `UTF-16LE`, …
    pub fn encoding(&self) -> &'static str {
        self.encoding.name()
    }

    /// True when the file is UTF-8 (with or without a byte order mark).
    pub fn is_utf8(&self) -> bool {
        self.encoding == encoding_rs::UTF_8
    }

    /// Where the encoding came from: UTF-8 as usual, a byte order mark, the project file, or
    /// detection (worth showing, so a wrong guess can be noticed and named in the project file).
    pub fn encoding_source(&self) -> EncodingSource {
        self.encoding_source
    }

    /// Byte offset of a char offset. Panics past the end.
    pub fn char_to_byte(&self, char_offset: usize) -> usize {
        self.index.char_to_byte(&self.text, char_offset)
    }

    /// Char offset of a byte offset on a char boundary.
    pub fn byte_to_char(&self, byte_offset: usize) -> usize {
        self.index.byte_to_char(&self.text, byte_offset)
    }

    /// The text of a char range, or `None` when it runs past the end.
    pub fn slice(&self, range: CharRange) -> Option<&str> {
        if range.end > self.len_chars() || range.start > range.end {
            return None;
        }
        let start = self.char_to_byte(range.start);
        let end = self.char_to_byte(range.end);
        Some(&self.text[start..end])
    }

    /// True when a grapheme cluster starts (or the text ends) at `char_offset`: a selection may
    /// begin or end there without splitting a letter from its marks.
    pub fn is_grapheme_boundary(&self, char_offset: usize) -> bool {
        if char_offset == 0 || char_offset == self.len_chars() {
            return true;
        }
        if char_offset > self.len_chars() {
            return false;
        }
        let byte = self.char_to_byte(char_offset);
        GraphemeCursor::new(byte, self.text.len(), true)
            .is_boundary(&self.text, 0)
            .unwrap_or(true)
    }

    /// Char offsets at which paragraphs start. Paragraphs are separated by `\n`; the separator
    /// (and a `\r` before it) belongs to the paragraph it ends.
    pub fn paragraph_starts(&self) -> &[usize] {
        &self.paragraph_starts
    }

    /// Number of paragraphs.
    pub fn paragraph_count(&self) -> usize {
        self.paragraph_starts.len()
    }

    /// The bytes of paragraph `i` (with its line break), found without walking the text.
    pub fn paragraph_byte_range(&self, i: usize) -> std::ops::Range<usize> {
        let start = self.paragraph_start_bytes[i];
        let end = self
            .paragraph_start_bytes
            .get(i + 1)
            .copied()
            .unwrap_or(self.text.len());
        start..end
    }

    /// The char range of paragraph `i`, line ending included.
    pub fn paragraph_range(&self, i: usize) -> CharRange {
        let start = self.paragraph_starts[i];
        let end = self
            .paragraph_starts
            .get(i + 1)
            .copied()
            .unwrap_or(self.len_chars());
        CharRange::new(start, end)
    }

    /// Index of the paragraph holding `char_offset` (the last one for the end of the text).
    pub fn paragraph_of(&self, char_offset: usize) -> usize {
        match self.paragraph_starts.binary_search(&char_offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// 1-based line and column (in chars) of a char offset, for messages.
    pub fn line_column(&self, char_offset: usize) -> (usize, usize) {
        let p = self.paragraph_of(char_offset);
        (p + 1, char_offset - self.paragraph_starts[p] + 1)
    }
}

/// SHA-256 of some bytes as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

impl DocumentError {
    fn from_decode(e: DecodeError, path: PathBuf) -> Self {
        match e {
            DecodeError::Empty => Self::Empty { path },
            DecodeError::Binary { byte_offset } => Self::Binary { path, byte_offset },
            DecodeError::NotUtf8 { byte_offset } => Self::NotUtf8 { path, byte_offset },
            DecodeError::Undecodable {
                encoding,
                byte_offset,
            } => Self::Undecodable {
                path,
                encoding: encoding.to_owned(),
                byte_offset,
            },
            DecodeError::Unsure { guess } => Self::UnsureEncoding {
                path,
                guess: guess.to_owned(),
            },
            DecodeError::UnknownLabel { label } => Self::UnknownEncoding { path, label },
        }
    }

    /// The same error, naming `path` instead of the bare file name.
    fn with_path(self, path: &Path) -> Self {
        let path = path.to_path_buf();
        match self {
            Self::File(e) => Self::File(e),
            Self::Empty { .. } => Self::Empty { path },
            Self::Binary { byte_offset, .. } => Self::Binary { path, byte_offset },
            Self::NotUtf8 { byte_offset, .. } => Self::NotUtf8 { path, byte_offset },
            Self::Undecodable {
                encoding,
                byte_offset,
                ..
            } => Self::Undecodable {
                path,
                encoding,
                byte_offset,
            },
            Self::UnsureEncoding { guess, .. } => Self::UnsureEncoding { path, guess },
            Self::UnknownEncoding { label, .. } => Self::UnknownEncoding { path, label },
            Self::ListedTwice { .. } => Self::ListedTwice { path },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_byte_round_trip_on_mixed_scripts() {
        let text = "Қазақстан 😊 𠀀 كَتَبَ\r\n中文 abc".repeat(20);
        let doc = Document::from_text("t.txt", text.clone());
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        assert_eq!(doc.len_chars(), chars.len());
        for (ci, (bi, _)) in chars.iter().enumerate() {
            assert_eq!(doc.char_to_byte(ci), *bi);
            assert_eq!(doc.byte_to_char(*bi), ci);
        }
        assert_eq!(doc.char_to_byte(chars.len()), text.len());
    }

    /// The index built on every core, piece by piece, is the one a single pass of
    /// `char_indices` gives, with pieces cut inside multi-byte chars and line feeds at their
    /// edges; ASCII and mixed text, with and without a final line feed.
    #[test]
    fn the_index_built_in_pieces_is_the_index_of_one_pass() {
        let mixed = "Қазақстан 😊 𠀀 كَتَبَ\r\n中文 abc\n".repeat(3 * INDEX_PIECE_BYTES / 40);
        let ascii = "one two\nthree\r\n".repeat(3 * INDEX_PIECE_BYTES / 14);
        for text in [
            mixed.clone(),
            mixed.trim_end().to_owned(),
            ascii.clone(),
            format!("{ascii}й"),
        ] {
            assert!(text.len() > 2 * INDEX_PIECE_BYTES);
            let doc = Document::from_text("t.txt", text.clone());
            let mut paragraphs = vec![0];
            let mut checkpoints = Vec::new();
            for (n, (byte, ch)) in text.char_indices().enumerate() {
                if n % CHECKPOINT_CHARS == 0 {
                    checkpoints.push(byte);
                }
                if ch == '\n' && byte + 1 < text.len() {
                    paragraphs.push(n + 1);
                }
            }
            assert_eq!(doc.len_chars(), text.chars().count());
            assert_eq!(doc.paragraph_starts(), paragraphs.as_slice());
            for (p, &start) in paragraphs.iter().enumerate() {
                assert_eq!(doc.paragraph_byte_range(p).start, doc.char_to_byte(start));
            }
            if text.is_ascii() {
                assert!(doc.index.checkpoints.is_empty());
            } else {
                assert_eq!(doc.index.checkpoints, checkpoints);
            }
            assert_eq!(doc.sha256(), sha256_hex(text.as_bytes()));
        }
    }

    /// The eight-bytes-at-once masks are those of testing each byte: every byte value at
    /// every place, among neighbours that are line feeds, continuation and lead bytes.
    #[test]
    fn masks_of_eight_bytes_are_those_of_each_byte() {
        for fill in [0x0Au8, 0x80, 0xBF, 0xD0, 0x41, 0xFF, 0x00, 0x0B] {
            for place in 0..8 {
                for b in 0..=255u8 {
                    let mut word = [fill; 8];
                    word[place] = b;
                    let (mut starts, mut feeds) = (0u64, 0u64);
                    for (i, &x) in word.iter().enumerate() {
                        starts |= u64::from(x & 0xC0 != 0x80) << i;
                        feeds |= u64::from(x == b'\n') << i;
                    }
                    assert_eq!(starts_and_feeds(&word), (starts, feeds), "{word:02x?}");
                }
            }
        }
    }

    #[test]
    fn bom_is_not_text_but_is_hashed() {
        let mut bytes = UTF8_BOM.to_vec();
        bytes.extend_from_slice("abc".as_bytes());
        let doc = Document::from_bytes("b.txt", bytes.clone()).unwrap();
        assert_eq!(doc.text(), "abc");
        assert!(doc.had_bom());
        assert_eq!(doc.sha256(), sha256_hex(&bytes));
    }

    #[test]
    fn bad_inputs_have_typed_errors() {
        assert!(matches!(
            Document::from_bytes("e.txt", vec![]),
            Err(DocumentError::Empty { .. })
        ));
        assert!(matches!(
            Document::from_bytes("e.txt", UTF8_BOM.to_vec()),
            Err(DocumentError::Empty { .. })
        ));
        assert!(matches!(
            Document::from_bytes("b.bin", b"ab\0cd".to_vec()),
            Err(DocumentError::Binary { byte_offset: 2, .. })
        ));
        // A bad byte in a file that says it is UTF-8 (a BOM) is located.
        assert!(matches!(
            Document::from_bytes("l.txt", b"\xEF\xBB\xBFabc \xE9t\xE9".to_vec()),
            Err(DocumentError::NotUtf8 { byte_offset: 7, .. })
        ));
        // Changed behaviour: without a BOM, Latin-1 text is detected and opens (it used to be
        // refused as not UTF-8).
        let latin = Document::from_bytes("l.txt", b"abc \xE9t\xE9".to_vec()).unwrap();
        assert_eq!(latin.text(), "abc été");
        assert_eq!(latin.encoding(), "windows-1252");
    }

    #[test]
    fn paragraphs_and_crlf() {
        let doc = Document::from_text("p.txt", "ab\r\ncd\n\nef\n");
        assert_eq!(doc.paragraph_starts(), &[0, 4, 7, 8]);
        assert_eq!(doc.paragraph_range(0), CharRange::new(0, 4));
        assert_eq!(doc.paragraph_range(3), CharRange::new(8, 11));
        assert_eq!(doc.paragraph_of(5), 1);
        assert_eq!(doc.line_column(9), (4, 2));
    }

    #[test]
    fn grapheme_boundaries_keep_harakat_with_their_letter() {
        let doc = Document::from_text("a.txt", "كَتَبَ");
        // ك َ ت َ ب َ: only offsets before a letter (and the end) are boundaries.
        let boundaries: Vec<usize> = (0..=6).filter(|&c| doc.is_grapheme_boundary(c)).collect();
        assert_eq!(boundaries, vec![0, 2, 4, 6]);
    }
}
