//! Which encoding a document's bytes are in, and its text.
//!
//! In this order: an encoding the project file names for the document (`encoding:
//! Some("windows-1251")`) is used as is; else a byte order mark (UTF-8, UTF-16LE, UTF-16BE)
//! decides; else a file that is valid UTF-8 is UTF-8; else a file that is mostly valid UTF-8
//! with a few bad bytes is damaged UTF-8, not another encoding, and is refused with the
//! offset of its first bad byte; else the encoding is detected with `chardetng` (the
//! detector of Firefox), using the document's language as a hint, and the text decoded with
//! `encoding_rs`. A detection `chardetng` itself is not sure of is refused, asking for the
//! `encoding` field, rather than opening text that may be garbled.
//!
//! Decoding is strict: a byte sequence that is not valid in the encoding is an error, never a
//! replacement character, so the text is exactly what the file holds.

use encoding_rs::Encoding;

/// Where a document's encoding came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodingSource {
    /// Valid UTF-8 without a byte order mark (the normal case).
    Utf8,
    /// A byte order mark at the start of the file.
    ByteOrderMark,
    /// Named in the project file (`encoding: Some("…")`).
    Declared,
    /// Guessed from the bytes (and the document's language).
    Detected,
}

/// A document's text and how it was decoded.
#[derive(Debug)]
pub(crate) struct Decoded {
    /// The text, without a byte order mark.
    pub text: String,
    /// The encoding the bytes were in.
    pub encoding: &'static Encoding,
    /// Where the encoding came from.
    pub source: EncodingSource,
    /// Length of the byte order mark the file started with (0 when none).
    pub bom_len: usize,
}

/// Why bytes could not be turned into text. The caller adds the path.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// Nothing after the byte order mark.
    Empty,
    /// A NUL byte (or a NUL char after decoding): not a text file.
    Binary { byte_offset: usize },
    /// Declared, or marked, or mostly UTF-8, with invalid bytes.
    NotUtf8 { byte_offset: usize },
    /// Not valid in the declared or detected encoding.
    Undecodable {
        encoding: &'static str,
        byte_offset: usize,
    },
    /// The detector is not sure; this is its best guess.
    Unsure { guess: &'static str },
    /// The project file names an encoding that does not exist.
    UnknownLabel { label: String },
}

/// The encoding a label names (`windows-1251`, `koi8-r`, `gbk`, `shift_jis`, `utf-16le`, … as
/// the WHATWG Encoding Standard spells them, any case).
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
}

/// Decodes a document's bytes (see the module documentation for the order of the rules).
pub(crate) fn decode(
    bytes: &[u8],
    declared: Option<&str>,
    language: Option<&str>,
) -> Result<Decoded, DecodeError> {
    if let Some(label) = declared {
        let encoding = encoding_for_label(label).ok_or_else(|| DecodeError::UnknownLabel {
            label: label.to_owned(),
        })?;
        // A byte order mark of the declared encoding is not text; any other bytes are.
        let bom_len = match Encoding::for_bom(bytes) {
            Some((bom_encoding, len)) if bom_encoding == encoding => len,
            _ => 0,
        };
        return strict(bytes, encoding, EncodingSource::Declared, bom_len);
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return strict(bytes, encoding, EncodingSource::ByteOrderMark, bom_len);
    }
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        return Err(DecodeError::Binary { byte_offset: nul });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            return Ok(Decoded {
                text: text.to_owned(),
                encoding: encoding_rs::UTF_8,
                source: EncodingSource::Utf8,
                bom_len: 0,
            });
        }
        Err(e) if mostly_utf8(bytes) => {
            return Err(DecodeError::NotUtf8 {
                byte_offset: e.valid_up_to(),
            });
        }
        Err(_) => {}
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let (encoding, sure) = detector.guess_assess(language.and_then(tld_hint), false);
    if !sure {
        return Err(DecodeError::Unsure {
            guess: encoding.name(),
        });
    }
    strict(bytes, encoding, EncodingSource::Detected, 0)
}

/// Decodes `bytes[bom_len..]` as `encoding`, refusing invalid sequences and NUL chars.
fn strict(
    bytes: &[u8],
    encoding: &'static Encoding,
    source: EncodingSource,
    bom_len: usize,
) -> Result<Decoded, DecodeError> {
    let body = &bytes[bom_len..];
    if body.is_empty() {
        return Err(DecodeError::Empty);
    }
    let text = match encoding.decode_without_bom_handling_and_without_replacement(body) {
        Some(text) => text.into_owned(),
        None => {
            let byte_offset = bom_len + first_bad_byte(body, encoding);
            return Err(if encoding == encoding_rs::UTF_8 {
                DecodeError::NotUtf8 { byte_offset }
            } else {
                DecodeError::Undecodable {
                    encoding: encoding.name(),
                    byte_offset,
                }
            });
        }
    };
    if let Some(nul) = text.find('\0') {
        return Err(DecodeError::Binary {
            byte_offset: bom_len + encoded_len(&text[..nul], encoding),
        });
    }
    Ok(Decoded {
        text,
        encoding,
        source,
        bom_len,
    })
}

/// True when the bytes hold real UTF-8 text with a few damaged bytes: more valid multi-byte
/// chars than invalid sequences. Text in a legacy encoding has almost no valid multi-byte
/// UTF-8 sequences (its letters are single high bytes), so it is never taken for this.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut multi_byte, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multi_byte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    multi_byte > invalid
}

/// Offset of the first byte that does not decode in `encoding`.
fn first_bad_byte(body: &[u8], encoding: &'static Encoding) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(body.len())
            .unwrap_or(body.len() * 3 + 16),
    );
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut out, true);
    match result {
        // `read` is past the bad sequence; it started `length` bytes (plus what the decoder
        // had already consumed of it) before.
        encoding_rs::DecoderResult::Malformed(length, consumed_after) => {
            read.saturating_sub(usize::from(length) + usize::from(consumed_after))
        }
        _ => read,
    }
}

/// How many bytes `text` takes in `encoding` (to locate a char of decoded text in the file).
fn encoded_len(text: &str, encoding: &'static Encoding) -> usize {
    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        text.encode_utf16().count() * 2
    } else if encoding == encoding_rs::UTF_8 {
        text.len()
    } else {
        encoding.encode(text).0.len()
    }
}

/// The top-level domain `chardetng` takes as a hint for texts in a language (BCP 47 tag).
fn tld_hint(language: &str) -> Option<&'static [u8]> {
    let lower = language.to_ascii_lowercase();
    let primary = lower.split(['-', '_']).next().unwrap_or("");
    let traditional = lower.contains("hant") || lower.ends_with("-tw") || lower.ends_with("-hk");
    Some(match primary {
        "ru" => b"ru",
        "uk" => b"ua",
        "be" => b"by",
        "bg" => b"bg",
        "kk" => b"kz",
        "ky" => b"kg",
        "tg" => b"tj",
        "mn" => b"mn",
        "sr" => b"rs",
        "mk" => b"mk",
        "ar" => b"sa",
        "fa" => b"ir",
        "ur" => b"pk",
        "he" => b"il",
        "el" => b"gr",
        "tr" => b"tr",
        "th" => b"th",
        "vi" => b"vn",
        "ja" => b"jp",
        "ko" => b"kr",
        "zh" if traditional => b"tw",
        "zh" => b"cn",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_encodings_in_any_case() {
        assert_eq!(
            encoding_for_label("Windows-1251"),
            Some(encoding_rs::WINDOWS_1251)
        );
        assert_eq!(encoding_for_label(" koi8-r "), Some(encoding_rs::KOI8_R));
        assert_eq!(
            encoding_for_label("cp1251"),
            Some(encoding_rs::WINDOWS_1251)
        );
        assert_eq!(encoding_for_label("no-such-encoding"), None);
    }

    #[test]
    fn damaged_utf8_is_not_taken_for_another_encoding() {
        let mut bytes = "Қазақстан мен Тәжікстан".as_bytes().to_vec();
        bytes[5] = 0xff;
        assert_eq!(
            decode(&bytes, None, None).unwrap_err(),
            DecodeError::NotUtf8 { byte_offset: 4 }
        );
    }

    #[test]
    fn a_bad_byte_is_located_in_the_file() {
        // Shift_JIS: 0x81 0x20 is not a char.
        let bytes = b"abc\x82\xa0\x81\x20def";
        assert_eq!(
            decode(bytes, Some("shift_jis"), None).unwrap_err(),
            DecodeError::Undecodable {
                encoding: "Shift_JIS",
                byte_offset: 5
            }
        );
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend("ab\0".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            decode(&utf16, None, None).unwrap_err(),
            DecodeError::Binary { byte_offset: 6 }
        );
    }
}
