//! A fast, streaming reader for the subset of RON that Accord writes.
//!
//! `ron::from_str` reads an annotation file at well under 100 MB/s and needs the whole text in
//! memory; a 100 000-annotation file took most of a second. This reader works on bytes from any
//! [`Read`], in one pass, and only accepts what it is sure `ron` reads the same way: structs
//! without a name, lists, maps, strings (plain, raw, and the simple escapes), unsigned decimal
//! integers, `true`/`false`, `Some(…)`/`None`, enum variants, comments and trailing commas.
//! Anything else (a struct name, `\u{…}` escapes, hex numbers, non-ASCII outside strings, a
//! syntax error) is an [`Error`], and the caller parses the text with `ron` instead, which then
//! also gives the error its line and column. So this is a fast path, never a second dialect.
//!
//! The window over the source is a `String`: each read is checked as UTF-8 once, in bulk, and
//! strings and names are then slices of it, not checked again one by one (that was a tenth of
//! reading a project).

use std::fmt;
use std::io::Read;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

/// Bytes read from the source at a time.
const BUFFER: usize = 1 << 16;
/// Nesting deeper than this is refused (as `ron` does), so bad input cannot overflow the stack.
const MAX_DEPTH: usize = 128;

/// Why the fast reader gave up. Not for users: the caller falls back to `ron`.
#[derive(Debug)]
pub(crate) struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

type Result<T> = std::result::Result<T, Error>;

/// Comments outside ASCII are left to `ron`.
fn ascii_comment(b: u8) -> Result<()> {
    if b.is_ascii() {
        Ok(())
    } else {
        fail("a comment outside ASCII")
    }
}

fn fail<T>(what: &str) -> Result<T> {
    Err(Error(what.to_owned()))
}

/// How much of `bytes` ends on a char boundary, when a read may have cut the last char: the
/// bytes of a char begun and not finished are left for the next read. (Anything else that is
/// not UTF-8 is left in, for the check to refuse.)
fn whole_chars(bytes: &[u8]) -> usize {
    let n = bytes.len();
    for back in 1..=n.min(4) {
        let b = bytes[n - back];
        if b & 0b1100_0000 != 0b1000_0000 {
            let len = match b {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => 1,
            };
            return if len > back { n - back } else { n };
        }
    }
    n
}

/// Reads a whole value from `src`, of about `size` bytes (a file as stat saw it; 0 if
/// unknown); the source must hold nothing else but whitespace and comments. A small file gets
/// a buffer its size, not a zeroed 64 KB one (a project has thousands of small files).
pub(crate) fn from_reader<T: DeserializeOwned, R: Read>(src: R, size: u64) -> Result<T> {
    let buffer = usize::try_from(size.saturating_add(1)).map_or(BUFFER, |b| b.clamp(1024, BUFFER));
    read_all(Deserializer::new(src, buffer))
}

/// [`from_reader`] for text in memory, read through a window of at most 64 KB like a file (a
/// copy of the whole text would double the memory a big file takes while it is read).
pub(crate) fn from_slice<T: DeserializeOwned>(text: &[u8]) -> Result<T> {
    from_reader(text, text.len() as u64)
}

fn read_all<T: DeserializeOwned, R: Read>(mut de: Deserializer<R>) -> Result<T> {
    let value = T::deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// The reader: a window `text[pos..]` over the source.
pub(crate) struct Deserializer<R> {
    src: R,
    /// What was read and not yet consumed before `pos`: whole chars, checked as UTF-8.
    text: String,
    pos: usize,
    /// Bytes read from the source and not yet in `text`: the start of a char the last read
    /// cut (at most three bytes), and room for the next read.
    raw: Vec<u8>,
    /// How much to read at a time.
    chunk: usize,
    eof: bool,
    depth: usize,
    /// Identifiers are read here, to be handed to visitors as `&str`.
    ident: String,
}

impl<R: Read> Deserializer<R> {
    fn new(src: R, buffer: usize) -> Self {
        Self {
            src,
            text: String::with_capacity(buffer),
            pos: 0,
            raw: Vec::new(),
            chunk: buffer,
            eof: false,
            depth: 0,
            ident: String::new(),
        }
    }

    /// Makes at least `n` bytes available from `pos`, unless the source ends first.
    #[inline]
    fn ensure(&mut self, n: usize) -> Result<bool> {
        if self.text.len() - self.pos >= n {
            return Ok(true);
        }
        self.refill(n)
    }

    /// The bytes of the window from `pos`.
    #[inline]
    fn rest(&self) -> &[u8] {
        &self.text.as_bytes()[self.pos..]
    }

    #[cold]
    #[inline(never)]
    fn refill(&mut self, n: usize) -> Result<bool> {
        while self.text.len() - self.pos < n && !self.eof {
            if self.pos > 0 {
                self.text.drain(..self.pos);
                self.pos = 0;
            }
            let kept = self.raw.len();
            self.raw.resize(kept + self.chunk, 0);
            let read = match self.src.read(&mut self.raw[kept..]) {
                Ok(read) => read,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                    self.raw.truncate(kept);
                    continue;
                }
                Err(e) => return Err(Error(e.to_string())),
            };
            self.raw.truncate(kept + read);
            if read == 0 {
                self.eof = true;
                if kept > 0 {
                    return fail("the source ends inside a character");
                }
                break;
            }
            let whole = whole_chars(&self.raw);
            let text = std::str::from_utf8(&self.raw[..whole])
                .map_err(|_| Error("the source is not UTF-8".into()))?;
            self.text.push_str(text);
            self.raw.drain(..whole);
        }
        Ok(self.text.len() - self.pos >= n)
    }

    #[inline]
    fn peek(&mut self) -> Result<Option<u8>> {
        self.peek_at(0)
    }

    #[inline]
    fn peek_at(&mut self, i: usize) -> Result<Option<u8>> {
        if let Some(&b) = self.rest().get(i) {
            return Ok(Some(b));
        }
        Ok(if self.ensure(i + 1)? {
            Some(self.rest()[i])
        } else {
            None
        })
    }

    fn expect(&mut self, byte: u8) -> Result<()> {
        if self.peek()? == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Error(format!("expected {:?}", char::from(byte))))
        }
    }

    /// Skips whitespace and comments (`//` to the end of the line, nested `/* */`).
    #[inline(always)]
    fn skip_ws(&mut self) -> Result<()> {
        // Half the calls find a token right away (after a `,`, before a `:`).
        match self.rest().first() {
            Some(b' ' | b'\t' | b'\n' | b'\r' | b'/') | None => self.skip_ws_and_comments(),
            Some(_) => Ok(()),
        }
    }

    #[inline(never)]
    fn skip_ws_and_comments(&mut self) -> Result<()> {
        loop {
            // The common case, a line break and indentation inside the buffer, in one tight
            // loop that takes spaces eight at a time.
            let rest = self.rest();
            let mut blanks = 0;
            loop {
                if rest.get(blanks..blanks + 8) == Some(b"        ") {
                    blanks += 8;
                } else if let Some(b' ' | b'\t' | b'\n' | b'\r') = rest.get(blanks) {
                    blanks += 1;
                } else {
                    break;
                }
            }
            self.pos += blanks;
            match self.peek()? {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'/') => match self.peek_at(1)? {
                    Some(b'/') => {
                        self.pos += 2;
                        while let Some(b) = self.peek()? {
                            self.pos += 1;
                            if b == b'\n' {
                                break;
                            }
                            ascii_comment(b)?;
                        }
                    }
                    Some(b'*') => {
                        self.pos += 2;
                        let mut nesting = 1;
                        while nesting > 0 {
                            match (self.peek()?, self.peek_at(1)?) {
                                (None, _) => return fail("unterminated comment"),
                                (Some(b'*'), Some(b'/')) => {
                                    nesting -= 1;
                                    self.pos += 2;
                                }
                                (Some(b'/'), Some(b'*')) => {
                                    nesting += 1;
                                    self.pos += 2;
                                }
                                (Some(b), _) => {
                                    ascii_comment(b)?;
                                    self.pos += 1;
                                }
                            }
                        }
                    }
                    _ => return fail("a lone '/'"),
                },
                _ => return Ok(()),
            }
        }
    }

    /// After the top-level value: only whitespace and comments may follow.
    fn end(&mut self) -> Result<()> {
        self.skip_ws()?;
        match self.peek()? {
            None => Ok(()),
            Some(_) => fail("trailing characters"),
        }
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return fail("nested too deeply");
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Reads an ASCII identifier into `self.ident` (raw identifiers `r#x` are refused).
    fn read_ident(&mut self) -> Result<()> {
        let len = self.ident_len()?;
        self.ident.clear();
        self.ident.push_str(&self.text[self.pos..self.pos + len]);
        self.pos += len;
        Ok(())
    }

    /// The length of the ASCII identifier at `pos`, which is then whole in the window (not
    /// consumed): a field's name is handed to its visitor from there, not copied.
    fn ident_len(&mut self) -> Result<usize> {
        let is_ident = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
        match self.peek()? {
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => {}
            _ => return fail("expected an identifier"),
        }
        let mut len = 0;
        loop {
            len += self.rest()[len..]
                .iter()
                .take_while(|b| is_ident(b))
                .count();
            // Either what follows is in the window, or the source ends, or more is read
            // (keeping `pos`, so the identifier stays in one piece).
            if len < self.rest().len() || !self.ensure(len + 1)? {
                break;
            }
        }
        match self.rest().get(len) {
            Some(&b) if b >= 0x80 || (b == b'#' && &self.rest()[..len] == b"r") => {
                fail("not a plain ASCII identifier")
            }
            _ => Ok(len),
        }
    }

    /// True when the next token is a string (`"…"`, `r"…"` or `r#"…"#`).
    fn at_string(&mut self) -> Result<bool> {
        Ok(match self.peek()? {
            Some(b'"') => true,
            Some(b'r') => matches!(self.peek_at(1)?, Some(b'"' | b'#')),
            _ => false,
        })
    }

    fn read_string(&mut self) -> Result<String> {
        // Most strings end inside the buffer without an escape: one exact allocation.
        if let Some((text, after)) = self.plain_string()? {
            let text = text.to_owned();
            self.pos = after;
            return Ok(text);
        }
        let mut out = String::new();
        match self.peek()? {
            Some(b'"') => {
                self.pos += 1;
                self.read_escaped(&mut out)?;
            }
            Some(b'r') => {
                self.pos += 1;
                self.read_raw(&mut out)?;
            }
            _ => return fail("expected a string"),
        }
        Ok(out)
    }

    /// The next string's text when it has no escape and ends inside the buffer (most do),
    /// checked as [`Self::read_string`] checks it, with the position just past it; `None`
    /// for any other string (or none).
    fn plain_string(&mut self) -> Result<Option<(&str, usize)>> {
        if self.peek()? != Some(b'"') {
            return Ok(None);
        }
        let start = self.pos + 1;
        let window = &self.text.as_bytes()[start..];
        let Some(stop) = window.iter().position(|&b| b == b'"' || b == b'\\') else {
            return Ok(None);
        };
        if window[stop] != b'"' {
            return Ok(None);
        }
        // Both ends are at an ASCII quote, so on char boundaries.
        Ok(Some((&self.text[start..start + stop], start + stop + 1)))
    }

    /// Reads past a string, checked as [`Self::read_string`] checks it, without copying it
    /// when it is plain.
    fn skip_string(&mut self) -> Result<()> {
        match self.plain_string()? {
            Some((_, after)) => self.pos = after,
            None => drop(self.read_string()?),
        }
        Ok(())
    }

    fn read_escaped(&mut self, out: &mut String) -> Result<()> {
        loop {
            if !self.ensure(1)? {
                return fail("unterminated string");
            }
            let window = &self.text[self.pos..];
            let Some(stop) = window.bytes().position(|b| b == b'"' || b == b'\\') else {
                out.push_str(window);
                self.pos = self.text.len();
                continue;
            };
            out.push_str(&window[..stop]);
            let quote = window.as_bytes()[stop] == b'"';
            self.pos += stop + 1;
            if quote {
                return Ok(());
            }
            let escaped = match self.peek()? {
                Some(b'"') => '"',
                Some(b'\\') => '\\',
                Some(b'\'') => '\'',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                Some(b'0') => '\0',
                // `\u{…}`, `\x..` and line continuations: left to `ron`.
                _ => return fail("an escape this reader leaves to ron"),
            };
            out.push(escaped);
            self.pos += 1;
        }
    }

    fn read_raw(&mut self, out: &mut String) -> Result<()> {
        let mut hashes = 0;
        while self.peek()? == Some(b'#') {
            hashes += 1;
            self.pos += 1;
        }
        self.expect(b'"')?;
        loop {
            if !self.ensure(1)? {
                return fail("unterminated raw string");
            }
            let window = &self.text[self.pos..];
            let Some(stop) = window.bytes().position(|b| b == b'"') else {
                out.push_str(window);
                self.pos = self.text.len();
                continue;
            };
            out.push_str(&window[..stop]);
            self.pos += stop;
            // Is this quote followed by as many hashes as opened the string?
            self.ensure(1 + hashes)?;
            let closes = (1..=hashes).all(|i| self.rest().get(i) == Some(&b'#'));
            if closes {
                self.pos += 1 + hashes;
                return Ok(());
            }
            out.push('"');
            self.pos += 1;
        }
    }

    fn read_u64(&mut self) -> Result<u64> {
        let first = match self.peek()? {
            Some(b @ b'0'..=b'9') => b,
            _ => return fail("expected an unsigned integer"),
        };
        self.pos += 1;
        let mut n = u64::from(first - b'0');
        while let Some(b @ b'0'..=b'9') = self.peek()? {
            if first == b'0' {
                return fail("a leading zero");
            }
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(b - b'0')))
                .ok_or_else(|| Error("integer too large".into()))?;
            self.pos += 1;
        }
        // `1_000`, `0x1f`, `1.5`, `1u8`: left to `ron`.
        if let Some(b) = self.peek()?
            && (b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        {
            return fail("a number this reader leaves to ron");
        }
        Ok(n)
    }

    /// Skips one value of any shape (for fields the target type does not have).
    fn skip_value(&mut self) -> Result<()> {
        self.skip_ws()?;
        if self.at_string()? {
            return self.skip_string();
        }
        match self.peek()? {
            Some(b'0'..=b'9') => {
                self.read_u64()?;
            }
            Some(open @ (b'(' | b'[' | b'{')) => self.skip_compound(open)?,
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => {
                self.read_ident()?;
                self.skip_after_name()?;
            }
            _ => return fail("a value this reader cannot skip"),
        }
        Ok(())
    }

    /// Skips what follows a name read as a value, as `ron` reads it: `true`, `false`, `None`
    /// and the float names are whole values; `Some` holds exactly one value in parentheses
    /// (a found `Some(a: 1)` this reader once took as a struct variant); any other name
    /// before `(` is a named struct or tuple.
    fn skip_after_name(&mut self) -> Result<()> {
        let literal = matches!(
            self.ident.as_str(),
            "true" | "false" | "None" | "inf" | "inff32" | "inff64" | "NaN" | "NaNf32" | "NaNf64"
        );
        if literal {
            Ok(())
        } else if self.ident == "Some" {
            self.enter()?;
            self.expect(b'(')?;
            self.skip_value()?;
            self.skip_ws()?;
            self.expect(b')')?;
            self.leave();
            Ok(())
        } else if self.peek()? == Some(b'(') {
            self.skip_compound(b'(')
        } else {
            Ok(())
        }
    }

    /// Skips `[values]`, `{key: value}`, or `(…)` holding either only `field: value` pairs (a
    /// struct) or only values (a tuple), as `ron` requires.
    fn skip_compound(&mut self, open: u8) -> Result<()> {
        let close = match open {
            b'(' => b')',
            b'[' => b']',
            _ => b'}',
        };
        self.enter()?;
        self.expect(open)?;
        let mut fields: Option<bool> = None;
        while !self.at_close(close)? {
            match open {
                b'[' => self.skip_value()?,
                b'{' => {
                    self.skip_value()?;
                    self.skip_ws()?;
                    self.expect(b':')?;
                    self.skip_value()?;
                }
                _ => {
                    let is_field = self.skip_field_or_value()?;
                    if *fields.get_or_insert(is_field) != is_field {
                        return fail("a mix of fields and values");
                    }
                }
            }
            self.after_element(close)?;
        }
        self.leave();
        Ok(())
    }

    /// Inside `(…)`: skips `name: value` (true) or a value (false).
    fn skip_field_or_value(&mut self) -> Result<bool> {
        self.skip_ws()?;
        let starts_ident = matches!(self.peek()?, Some(b) if b.is_ascii_alphabetic() || b == b'_');
        if !starts_ident || self.at_string()? {
            self.skip_value()?;
            return Ok(false);
        }
        self.read_ident()?;
        if self.peek()? == Some(b'(') {
            self.skip_after_name()?;
            return Ok(false);
        }
        self.skip_ws()?;
        if self.peek()? == Some(b':') {
            self.pos += 1;
            self.skip_value()?;
            return Ok(true);
        }
        self.skip_after_name()?;
        Ok(false)
    }

    /// After an element: a comma, or the closing `close` (left for the caller).
    fn after_element(&mut self, close: u8) -> Result<()> {
        self.skip_ws()?;
        match self.peek()? {
            Some(b',') => {
                self.pos += 1;
                Ok(())
            }
            Some(b) if b == close => Ok(()),
            _ => fail("expected ',' or a closing bracket"),
        }
    }

    /// True (and consumed) when the next token closes the compound.
    fn at_close(&mut self, close: u8) -> Result<bool> {
        self.skip_ws()?;
        if self.peek()? == Some(close) {
            self.pos += 1;
            Ok(true)
        } else {
            Ok(false)
        }
    }
}

impl<'de, R: Read> de::Deserializer<'de> for &mut Deserializer<R> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws()?;
        if self.at_string()? {
            return self.deserialize_string(visitor);
        }
        match self.peek()? {
            Some(b'0'..=b'9') => self.deserialize_u64(visitor),
            Some(b'[') => self.deserialize_seq(visitor),
            Some(b'{') => self.deserialize_map(visitor),
            Some(b't' | b'f') => self.deserialize_bool(visitor),
            _ => fail("a value whose type this reader cannot guess"),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws()?;
        self.read_ident()?;
        match self.ident.as_str() {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            _ => fail("expected true or false"),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws()?;
        let n = self.read_u64()?;
        visitor.visit_u64(n)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        fail("floats are left to ron")
    }

    fn deserialize_f64<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        fail("floats are left to ron")
    }

    fn deserialize_char<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        fail("chars are left to ron")
    }

    /// A string handed over for the visit only: a plain one is not copied.
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws()?;
        if let Some((text, after)) = self.plain_string()? {
            let value = visitor.visit_str(text)?;
            self.pos = after;
            return Ok(value);
        }
        let s = self.read_string()?;
        visitor.visit_string(s)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws()?;
        let s = self.read_string()?;
        visitor.visit_string(s)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        fail("byte strings are left to ron")
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        fail("byte strings are left to ron")
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws()?;
        self.read_ident()?;
        match self.ident.as_str() {
            "None" => visitor.visit_none(),
            "Some" => {
                self.expect(b'(')?;
                self.enter()?;
                let value = visitor.visit_some(&mut *self)?;
                self.leave();
                self.skip_ws()?;
                self.expect(b')')?;
                Ok(value)
            }
            _ => fail("expected Some(…) or None"),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws()?;
        self.expect(b'(')?;
        self.skip_ws()?;
        self.expect(b')')?;
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _visitor: V,
    ) -> Result<V::Value> {
        fail("unit structs are left to ron")
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _visitor: V,
    ) -> Result<V::Value> {
        fail("newtype structs are left to ron")
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws()?;
        self.expect(b'[')?;
        self.enter()?;
        let value = visit_elements(self, b']', visitor)?;
        self.leave();
        Ok(value)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.skip_ws()?;
        self.expect(b'(')?;
        self.enter()?;
        let value = visit_elements(self, b')', visitor)?;
        self.leave();
        Ok(value)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value> {
        fail("tuple structs are left to ron")
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws()?;
        self.expect(b'{')?;
        self.enter()?;
        let mut entries = Entries {
            de: &mut *self,
            closed: false,
        };
        let value = visitor.visit_map(&mut entries)?;
        if !entries.closed && !self.at_close(b'}')? {
            return fail("a map with entries left over");
        }
        self.leave();
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.skip_ws()?;
        // `Name(…)` is valid RON, but `ron` checks the name: left to it.
        self.expect(b'(')?;
        self.enter()?;
        let value = visit_fields(self, visitor)?;
        self.leave();
        Ok(value)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.skip_ws()?;
        self.read_ident()?;
        visitor.visit_enum(Variant { de: self })
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws()?;
        self.read_ident()?;
        visitor.visit_str(&self.ident)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_value()?;
        visitor.visit_unit()
    }
}

/// Visits the elements up to `close`, which must follow even when the visitor stops early
/// (a tuple reads only its own length).
fn visit_elements<'de, R: Read, V: Visitor<'de>>(
    de: &mut Deserializer<R>,
    close: u8,
    visitor: V,
) -> Result<V::Value> {
    let mut elements = Elements {
        de: &mut *de,
        close,
        closed: false,
    };
    let value = visitor.visit_seq(&mut elements)?;
    if !elements.closed && !de.at_close(close)? {
        return fail("a list with elements left over");
    }
    Ok(value)
}

/// Visits a struct's fields up to its `)`.
fn visit_fields<'de, R: Read, V: Visitor<'de>>(
    de: &mut Deserializer<R>,
    visitor: V,
) -> Result<V::Value> {
    let mut fields = Fields {
        de: &mut *de,
        closed: false,
    };
    let value = visitor.visit_map(&mut fields)?;
    if !fields.closed && !de.at_close(b')')? {
        return fail("a struct with fields left over");
    }
    Ok(value)
}

/// The elements of `[…]` (or of a tuple's `(…)`).
struct Elements<'a, R> {
    de: &'a mut Deserializer<R>,
    close: u8,
    /// Set once the closing bracket was read.
    closed: bool,
}

impl<'de, R: Read> SeqAccess<'de> for &mut Elements<'_, R> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.de.at_close(self.close)? {
            self.closed = true;
            return Ok(None);
        }
        let value = seed.deserialize(&mut *self.de)?;
        self.de.after_element(self.close)?;
        Ok(Some(value))
    }
}

/// The entries of `{key: value, …}`.
struct Entries<'a, R> {
    de: &'a mut Deserializer<R>,
    closed: bool,
}

impl<'de, R: Read> MapAccess<'de> for &mut Entries<'_, R> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.de.at_close(b'}')? {
            self.closed = true;
            return Ok(None);
        }
        let key = seed.deserialize(&mut *self.de)?;
        self.de.skip_ws()?;
        self.de.expect(b':')?;
        Ok(Some(key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let value = seed.deserialize(&mut *self.de)?;
        self.de.after_element(b'}')?;
        Ok(value)
    }
}

/// The fields of a struct, `(name: value, …)`.
struct Fields<'a, R> {
    de: &'a mut Deserializer<R>,
    closed: bool,
}

impl<'de, R: Read> MapAccess<'de> for &mut Fields<'_, R> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.de.at_close(b')')? {
            self.closed = true;
            return Ok(None);
        }
        let len = self.de.ident_len()?;
        let start = self.de.pos;
        let key = seed.deserialize(self.de.text[start..start + len].into_deserializer())?;
        self.de.pos += len;
        self.de.skip_ws()?;
        self.de.expect(b':')?;
        Ok(Some(key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let value = seed.deserialize(&mut *self.de)?;
        self.de.after_element(b')')?;
        Ok(value)
    }
}

/// An enum variant whose name was just read into `de.ident`.
struct Variant<'a, R> {
    de: &'a mut Deserializer<R>,
}

impl<'de, 'a, R: Read> de::EnumAccess<'de> for Variant<'a, R> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let name = std::mem::take(&mut self.de.ident);
        let value = seed.deserialize(name.as_str().into_deserializer());
        self.de.ident = name;
        Ok((value?, self))
    }
}

impl<'de, R: Read> de::VariantAccess<'de> for Variant<'_, R> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        if self.de.peek()? == Some(b'(') {
            return fail("a unit variant with parentheses is left to ron");
        }
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        self.de.expect(b'(')?;
        self.de.enter()?;
        let value = seed.deserialize(&mut *self.de)?;
        self.de.leave();
        self.de.skip_ws()?;
        self.de.expect(b')')?;
        Ok(value)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.de.expect(b'(')?;
        self.de.enter()?;
        let value = visit_elements(self.de, b')', visitor)?;
        self.de.leave();
        Ok(value)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.de.expect(b'(')?;
        self.de.enter()?;
        let value = visit_fields(self.de, visitor)?;
        self.de.leave();
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, PartialEq, Deserialize)]
    enum Kind {
        Unit,
        New(String),
        List(Vec<u64>),
        Shape { values: Vec<String> },
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Sample {
        n: u32,
        s: String,
        #[serde(default)]
        list: Vec<(u64, bool)>,
        map: BTreeMap<String, Kind>,
        opt: Option<String>,
        #[serde(default)]
        missing: Option<u64>,
    }

    /// Parses with both readers: the fast one must agree with `ron` or give up.
    fn both(text: &str) -> Option<Sample> {
        let fast = from_reader::<Sample, _>(text.as_bytes(), 0).ok();
        let slow = ron::from_str::<Sample>(text).ok();
        if let Some(fast) = &fast {
            assert_eq!(
                Some(fast),
                slow.as_ref(),
                "the fast reader disagrees with ron on {text}"
            );
        }
        fast
    }

    #[test]
    fn reads_what_ron_reads_and_refuses_the_rest() {
        let text = r##"// comment
        (
            n: 7, /* block /* nested */ */ s: r#"raw "quoted" \n"#,
            list: [(1, true), (2, false),],
            map: {"a": Unit, "b": New("x\"y\\z\n"), "c": List([1, 2, 3]), "d": Shape(values: ["v"])},
            opt: Some("é 中 😊"),
            unknown: Foo(bar: [1, {"k": (x: 2)}], baz: ("s", Some(true), None, Unit)),
            other: (Some(Foo(a: Some((1, "b")))), Some([true]), true, NaN),
        )
        "##;
        let parsed = both(text).expect("the fast reader reads it");
        assert_eq!(parsed.n, 7);
        assert_eq!(parsed.s, "raw \"quoted\" \\n");
        assert_eq!(parsed.map["b"], Kind::New("x\"y\\z\n".into()));
        assert_eq!(parsed.opt.as_deref(), Some("é 中 😊"));
        assert_eq!(parsed.missing, None);

        // Valid RON the fast reader leaves to ron.
        for text in [
            r#"Sample(n: 1, s: "", map: {}, opt: None)"#,
            r#"(n: 1, s: "\u{e9}", map: {}, opt: None)"#,
            r#"(n: 0x1, s: "", map: {}, opt: None)"#,
            r#"(n: 1_0, s: "", map: {}, opt: None)"#,
            r#"#![enable(implicit_some)] (n: 1, s: "", map: {}, opt: "x")"#,
        ] {
            assert!(
                from_reader::<Sample, _>(text.as_bytes(), 0).is_err(),
                "{text}"
            );
            assert!(ron::from_str::<Sample>(text).is_ok(), "ron reads {text}");
        }
        // Invalid RON.
        for text in [
            r#"(n: 1, s: "", map: {}, opt: None) x"#,
            "\u{feff}(n: 1, s: \"\", map: {}, opt: None)",
            r#"(n: 1, s: "unterminated, map: {}, opt: None)"#,
            r#"(n: 1 s: "", map: {}, opt: None)"#,
            r#"(n: 99999999999, s: "", map: {}, opt: None)"#,
            r#"(n: 1, n: 2, s: "", map: {}, opt: None)"#,
            r#"(n: 1, s: "", map: {}, opt: None, x: Foo(a: 1, "s"))"#,
            r#"(n: 1, s: "", map: {}, opt: None, x: [a: 1])"#,
            r#"(n: 1, s: "", map: {}, opt: None, x: {1, 2})"#,
            r#"(n: 1, s: "", map: {}, opt: None, x: Some(a: 1))"#,
            r#"(n: 1, s: "", map: {}, opt: None, x: Some(1, 2))"#,
            r#"(n: 1, s: "", map: {}, opt: None, x: Some)"#,
            r#"(n: 1, s: "", map: {}, opt: None, x: (Some(a: 1), 2))"#,
            r#"(n: 1, s: "", map: {}, opt: None, x: true(1))"#,
            r#"(n: 1, s: "", map: {}, opt: None, x: (None(1), 2))"#,
            r#"(s: "", map: {}, opt: None)"#,
            &format!(
                "(n: 1, s: \"\", map: {{}}, opt: None, deep: {}{})",
                "[".repeat(200),
                "]".repeat(200)
            ),
        ] {
            assert!(both(text).is_none(), "{text}");
        }
    }

    #[test]
    fn tokens_split_across_buffer_refills_are_read_whole() {
        let long = "ab\"#".repeat(40_000);
        let text = format!(
            "(n: 12345, s: r##\"{long}\"##, map: {{\"k\": New(\"{}\")}}, opt: Some(\"é 中 😊\"), /* c */)",
            "q\\\"".repeat(30_000)
        );
        let parsed: Sample = from_reader(ChunkedReader(text.as_bytes(), 1), 0).unwrap();
        assert_eq!(parsed.s, long);
        assert_eq!(parsed.map["k"], Kind::New("q\"".repeat(30_000)));
        assert_eq!(parsed.opt.as_deref(), Some("é 中 😊"));
        assert_eq!(parsed, ron::from_str::<Sample>(&text).unwrap());
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused_wherever_a_read_cuts_them() {
        let good = "(n: 1, s: \"中\", map: {}, opt: None)".as_bytes();
        let at = good.iter().position(|&b| b >= 0x80).unwrap();
        for bad in [
            // A char cut short by the end of the file, inside and outside a string.
            [&good[..at + 2], b"\", map: {}, opt: None)".as_slice()].concat(),
            [good, &good[at..at + 1]].concat(),
            // A stray continuation byte, an overlong encoding, a byte UTF-8 never uses.
            [&good[..at], b"\x80\", map: {}, opt: None)".as_slice()].concat(),
            [&good[..at], b"\xC0\xAF\", map: {}, opt: None)".as_slice()].concat(),
            [&good[..at], b"\xFF\", map: {}, opt: None)".as_slice()].concat(),
        ] {
            for chunk in [1, 2, 3, 1024] {
                let read = ChunkedReader(&bad, chunk);
                assert!(
                    from_reader::<Sample, _>(read, 0).is_err(),
                    "{bad:?} by {chunk}"
                );
            }
        }
        for chunk in [1, 2, 3, 1024] {
            let parsed: Sample = from_reader(ChunkedReader(good, chunk), 0).unwrap();
            assert_eq!(parsed.s, "中");
        }
    }

    #[test]
    fn an_interrupted_read_is_tried_again() {
        let text = "(n: 1, s: \"中\", map: {}, opt: None)";
        let parsed: Sample = from_reader(Interrupting(ChunkedReader(text.as_bytes(), 4), 0), 0)
            .expect("every other read is interrupted; each is tried again");
        assert_eq!(parsed, ron::from_str::<Sample>(text).unwrap());
    }

    /// A reader whose every other read fails with `Interrupted` (a signal), as a read may.
    struct Interrupting<R>(R, usize);

    impl<R: Read> Read for Interrupting<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.1 += 1;
            if self.1 % 2 == 1 {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            self.0.read(buf)
        }
    }

    /// A reader that hands out `.1` bytes at a time.
    struct ChunkedReader<'a>(&'a [u8], usize);

    impl Read for ChunkedReader<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(self.0.len()).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
}
