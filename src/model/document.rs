//! A document: read-only text with a char↔byte index, a paragraph index and its SHA-256.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use thiserror::Error;
use unicode_segmentation::GraphemeCursor;

use super::span::CharRange;

/// The UTF-8 byte order mark. It is not part of a document's text: offsets start after it.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How many chars lie between two checkpoints of [`CharIndex`].
const CHECKPOINT_CHARS: usize = 64;

/// Why a document could not be opened.
#[derive(Debug, Error)]
pub enum DocumentError {
    /// The file could not be read at all.
    #[error(
        "cannot read {path}: {source}; check that the file exists and can be read, or remove it from the project's accord.ron"
    )]
    Io {
        /// The document's path.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
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
    /// The path leaves the project folder (`..`, an absolute path, or a symlink pointing out).
    #[error(
        "{path} is outside the project folder ({detail}): move the file into the project and use a relative path"
    )]
    OutsideProject {
        /// The path as written in the project file.
        path: PathBuf,
        /// Why it is outside.
        detail: String,
    },
    /// The project file lists the same document twice; only the first entry is used, so two
    /// stores never write one annotation file.
    #[error("{path} is listed twice in accord.ron: only the first entry is used; remove the other")]
    ListedTwice {
        /// The document's path.
        path: PathBuf,
    },
    /// The file is not valid UTF-8.
    #[error(
        "{path} is not valid UTF-8 (first bad byte at byte {byte_offset}): convert it to UTF-8, e.g. `iconv -f WINDOWS-1256 -t UTF-8`"
    )]
    NotUtf8 {
        /// The document's path.
        path: PathBuf,
        /// Offset of the first byte that is not valid UTF-8 (counted in the file, BOM included).
        byte_offset: usize,
    },
}

/// Maps char offsets to byte offsets and back in O(log n) or better.
///
/// Keeps the byte offset of every 64th char; a lookup jumps to the nearest checkpoint and walks
/// at most 63 chars. Pure-ASCII text needs no table at all.
#[derive(Clone, Debug)]
pub struct CharIndex {
    len_chars: usize,
    len_bytes: usize,
    /// `checkpoints[i]` is the byte offset of char `i * CHECKPOINT_CHARS`. Empty for ASCII text.
    checkpoints: Vec<usize>,
}

impl CharIndex {
    /// Builds the index of `text` in one pass.
    pub fn new(text: &str) -> Self {
        if text.is_ascii() {
            return Self {
                len_chars: text.len(),
                len_bytes: text.len(),
                checkpoints: Vec::new(),
            };
        }
        let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT_CHARS + 1);
        let mut len_chars = 0;
        for (byte, _) in text.char_indices() {
            if len_chars % CHECKPOINT_CHARS == 0 {
                checkpoints.push(byte);
            }
            len_chars += 1;
        }
        Self {
            len_chars,
            len_bytes: text.len(),
            checkpoints,
        }
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
    text: String,
    index: CharIndex,
    /// Char offset where each paragraph (line ending in `\n`, or the last one) starts.
    paragraph_starts: Vec<usize>,
    /// SHA-256 of the file's bytes (BOM included), lower-case hex.
    sha256: String,
    had_bom: bool,
}

impl Document {
    /// Reads and checks a document file.
    pub fn open(path: &Path) -> Result<Self, DocumentError> {
        let bytes = std::fs::read(path).map_err(|source| DocumentError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Self::from_bytes(file_name, bytes).map_err(|e| e.with_path(path))
    }

    /// Builds a document from a file's bytes. Errors carry `file_name` as their path.
    pub fn from_bytes(file_name: impl Into<String>, bytes: Vec<u8>) -> Result<Self, DocumentError> {
        let file_name = file_name.into();
        let path = PathBuf::from(&file_name);
        let sha256 = sha256_hex(&bytes);
        let had_bom = bytes.starts_with(UTF8_BOM);
        let body = if had_bom {
            &bytes[UTF8_BOM.len()..]
        } else {
            &bytes[..]
        };
        if body.is_empty() {
            return Err(DocumentError::Empty { path });
        }
        if let Some(nul) = body.iter().position(|&b| b == 0) {
            return Err(DocumentError::Binary {
                path,
                byte_offset: nul + bom_len(had_bom),
            });
        }
        let mut bytes = bytes;
        bytes.drain(..bom_len(had_bom));
        let text = String::from_utf8(bytes).map_err(|e| DocumentError::NotUtf8 {
            path,
            byte_offset: e.utf8_error().valid_up_to() + bom_len(had_bom),
        })?;
        Ok(Self::from_checked_text(file_name, text, sha256, had_bom))
    }

    /// A document made from text in memory (tests, benchmarks, generated corpora).
    pub fn from_text(file_name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let sha256 = sha256_hex(text.as_bytes());
        Self::from_checked_text(file_name.into(), text, sha256, false)
    }

    fn from_checked_text(file_name: String, text: String, sha256: String, had_bom: bool) -> Self {
        let index = CharIndex::new(&text);
        let mut paragraph_starts = vec![0];
        let mut chars = 0;
        for (byte, ch) in text.char_indices() {
            chars += 1;
            if ch == '\n' && byte + 1 < text.len() {
                paragraph_starts.push(chars);
            }
        }
        Self {
            file_name,
            text,
            index,
            paragraph_starts,
            sha256,
            had_bom,
        }
    }

    /// The whole text (without a BOM).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Number of chars in the text.
    pub fn len_chars(&self) -> usize {
        self.index.len_chars()
    }

    /// SHA-256 of the file's bytes, lower-case hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// True when the file started with a UTF-8 BOM (which offsets do not count).
    pub fn had_bom(&self) -> bool {
        self.had_bom
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

fn bom_len(had_bom: bool) -> usize {
    if had_bom { UTF8_BOM.len() } else { 0 }
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
    /// The same error, naming `path` instead of the bare file name.
    fn with_path(self, path: &Path) -> Self {
        let path = path.to_path_buf();
        match self {
            Self::Io { source, .. } => Self::Io { path, source },
            Self::Empty { .. } => Self::Empty { path },
            Self::Binary { byte_offset, .. } => Self::Binary { path, byte_offset },
            Self::NotUtf8 { byte_offset, .. } => Self::NotUtf8 { path, byte_offset },
            Self::OutsideProject { detail, .. } => Self::OutsideProject { path, detail },
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
        assert!(matches!(
            Document::from_bytes("l.txt", b"abc \xE9t\xE9".to_vec()),
            Err(DocumentError::NotUtf8 { byte_offset: 4, .. })
        ));
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
