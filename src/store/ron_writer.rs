//! A fast serde [`Serializer`](ser::Serializer) for the subset of RON that Accord writes, giving
//! exactly the bytes of `ron`'s pretty printer as [`crate::ron_io::to_pretty_ron`] configures it:
//! no struct names, strings as they are, one field or element per line down to a depth limit,
//! everything deeper on one line. The reader of the same subset is [`super::fast_ron`].
//!
//! Why a serializer rather than a hand-written writer or a field table: the serde derives on
//! the file's types already say each field's name, order and skip rule, and `ron` and the fast
//! reader follow them; a serializer makes the writer follow them too, so a field is written down
//! once, and there is no table to keep in step with the structs. The price is a few calls per
//! field where the hand-written writer it replaced pushed one literal: with the text before
//! each field built once per file ([`Serializer::push_field_prefix`]), writing 100 000
//! annotations (32 MB) takes about a tenth longer than it did (64 against 58 ms), a few
//! milliseconds of a save that also syncs 32 MB to disk; `ron`'s own serializer, which this
//! and that writer exist to avoid, is several times slower.
//!
//! It writes structs, lists, maps, tuples, strings, unsigned integers, `true`/`false`,
//! `Some(…)`/`None`, `()` and enum variants: what the fast reader reads. Anything else (floats,
//! chars, bytes, signed integers, named unit, newtype and tuple structs, a name `ron` would
//! write as a raw identifier `r#…`) is an [`Error`], and the caller writes the value with `ron`
//! instead. `tests/core/store.rs` checks the two agree on random annotation files.

use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible};

/// Why the fast writer gave up. Not for users: the caller writes the value with `ron`. A boxed
/// `str`, so that the result of each of the many small writes fits in registers (4% fewer
/// instructions in all than with a `String`).
#[derive(Debug)]
pub(crate) struct Error(Box<str>);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string().into())
    }
}

type Result<T> = std::result::Result<T, Error>;

fn left_to_ron<T>(what: &str) -> Result<T> {
    Err(Error(format!("{what} are left to ron").into()))
}

/// The pretty RON text of `value`, ending in a newline, as `ron` writes it with
/// [`crate::ron_io::to_pretty_ron`]`(value, depth)`. `capacity` is the expected length, so a large
/// file is written into one allocation.
pub(crate) fn to_string<T: Serialize + ?Sized>(
    value: &T,
    depth: usize,
    capacity: usize,
) -> Result<String> {
    let mut ser = Serializer {
        out: String::with_capacity(capacity),
        indent: 0,
        depth,
        is_empty: None,
        prefixes: std::iter::repeat_with(|| None).take(PREFIX_SLOTS).collect(),
    };
    value.serialize(&mut ser)?;
    ser.out.push('\n');
    Ok(ser.out)
}

/// True for a name `ron` writes as it is: a plain ASCII identifier, not one of the words RON
/// reads as a value (others are written `r#name`).
fn plain_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !matches!(
            name,
            "true"
                | "false"
                | "Some"
                | "None"
                | "inf"
                | "inff32"
                | "inff64"
                | "NaN"
                | "NaNf32"
                | "NaNf64"
        )
}

const INDENT: &str = "    ";
/// Enough indentation for the depths Accord writes, to push in one go.
const SPACES: &str = "                ";
/// Room for the fields a file's types have (a few dozen) with few sharing a slot.
const PREFIX_SLOTS: usize = 256;
/// How many slots from its own a field's prefix may be kept in.
const PREFIX_PROBES: usize = 8;

/// The text before a field's value: see [`Serializer::push_field_prefix`].
struct FieldPrefix {
    /// The name's address and length, the indentation, and whether the field comes first.
    key: (usize, usize, usize, bool),
    /// The separator from the field before, the indentation and `name: `.
    text: String,
}

/// The writer. Its layout state is `ron`'s (`ron::ser::Serializer`'s `pretty.indent` and
/// `is_empty`), kept the same way so the bytes are the same in every case.
struct Serializer {
    out: String,
    /// How many structs, lists and maps are open.
    indent: usize,
    /// Down to this many open, each field or element has its own line.
    depth: usize,
    /// Whether the struct, list or map being opened is empty (then it is written `()`, `[]`,
    /// `{}` on one line); `None` when not known.
    is_empty: Option<bool>,
    /// Field prefixes built so far, by a hash of their key.
    prefixes: Vec<Option<FieldPrefix>>,
}

impl Serializer {
    /// True while fields and elements each have their own line.
    #[inline]
    fn pretty(&self) -> bool {
        self.indent <= self.depth
    }

    #[inline]
    fn start_indent(&mut self) {
        self.indent += 1;
        if self.pretty() && !self.is_empty.unwrap_or(false) {
            self.out.push('\n');
        }
    }

    #[inline]
    fn end_indent(&mut self) {
        if self.pretty() && !self.is_empty.unwrap_or(false) {
            self.push_indent(self.indent - 1);
        }
        self.indent -= 1;
        self.is_empty = None;
    }

    #[inline]
    fn push_indent(&mut self, levels: usize) {
        match SPACES.get(..levels * INDENT.len()) {
            Some(spaces) => self.out.push_str(spaces),
            None => {
                for _ in 0..levels {
                    self.out.push_str(INDENT);
                }
            }
        }
    }

    /// A variant name: only plain ASCII identifiers, which `ron` writes as they are.
    fn write_name(&mut self, name: &str) -> Result<()> {
        if !plain_name(name) {
            return left_to_ron("names that are not plain identifiers");
        }
        self.out.push_str(name);
        Ok(())
    }

    /// Before a field's value: the separator from the field before, the indentation, and
    /// `name: `. The same few come back for every annotation, so each is built once (checking
    /// the name as [`Self::write_name`] does) and kept by the name's address (a `'static`
    /// name at the same address with the same length is the same text), the indentation and
    /// whether it comes first: building them every time (checking the name most of all) made
    /// writing a file a quarter slower than with the hand-written writer this replaced.
    #[inline]
    fn push_field_prefix(&mut self, name: &'static str, first: bool) -> Result<()> {
        let key = (name.as_ptr() as usize, name.len(), self.indent, first);
        // Fibonacci hashing (the top bits of the key times 2⁶⁴/φ), then the next free slot.
        let hash = (key.0 ^ key.2 << 1 ^ usize::from(first)) as u64;
        let start = (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize;
        let mut free = None;
        for slot in (start..start + PREFIX_PROBES).map(|s| s % PREFIX_SLOTS) {
            match &self.prefixes[slot] {
                Some(prefix) if prefix.key == key => {
                    self.out.push_str(&prefix.text);
                    return Ok(());
                }
                Some(_) => {}
                None => {
                    free = Some(slot);
                    break;
                }
            }
        }
        if !plain_name(name) {
            return left_to_ron("names that are not plain identifiers");
        }
        let mut text = String::new();
        if !first {
            text.push_str(if self.pretty() { ",\n" } else { ", " });
        }
        if self.pretty() {
            text.push_str(&INDENT.repeat(self.indent));
        }
        text.push_str(name);
        text.push_str(": ");
        self.out.push_str(&text);
        if let Some(slot) = free {
            self.prefixes[slot] = Some(FieldPrefix { key, text });
        }
        Ok(())
    }

    /// A string as `ron` writes it without escaping: as is between quotes, or as a raw string
    /// (`r#"…"#`, with one more `#` than the longest run in the text) when it holds `"` or `\`.
    fn write_str(&mut self, s: &str) {
        let out = &mut self.out;
        if !s.bytes().any(|b| b == b'"' || b == b'\\') {
            out.push('"');
            out.push_str(s);
            out.push('"');
            return;
        }
        let (mut run, mut longest) = (0, 0);
        for b in s.bytes() {
            if b == b'#' {
                run += 1;
                longest = longest.max(run);
            } else {
                run = 0;
            }
        }
        out.push('r');
        for _ in 0..=longest {
            out.push('#');
        }
        out.push('"');
        out.push_str(s);
        out.push('"');
        for _ in 0..=longest {
            out.push('#');
        }
    }

    #[inline]
    fn write_u64(&mut self, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for &d in &digits[i..] {
            self.out.push(char::from(d));
        }
    }

    /// Opens a struct, list or map after its bracket.
    #[inline]
    fn open(&mut self, is_empty: Option<bool>) {
        // As `ron`: an unknown length keeps what the last compound left.
        if is_empty.is_some() {
            self.is_empty = is_empty;
        }
        self.start_indent();
    }
}

/// An open struct, list, map, tuple or variant.
struct Compound<'a> {
    ser: &'a mut Serializer,
    first: bool,
    /// What closes it: `)`, `]` or `}`.
    close: char,
}

impl Compound<'_> {
    /// Before a field, element or entry: the separator from the one before, then the
    /// indentation when each has its own line.
    #[inline]
    fn next_item(&mut self) {
        let ser = &mut *self.ser;
        if !std::mem::replace(&mut self.first, false) {
            ser.out.push_str(if ser.pretty() { ",\n" } else { ", " });
        }
        if ser.pretty() {
            ser.push_indent(ser.indent);
        }
    }

    /// Closes a struct, list or map: a trailing comma and newline when each item had its own
    /// line.
    #[inline]
    fn close(self) {
        if !self.first && self.ser.pretty() {
            self.ser.out.push_str(",\n");
        }
        self.ser.end_indent();
        self.ser.out.push(self.close);
    }

    /// The next tuple member: tuples are always on one line and open no indentation.
    fn next_member<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        if self.first {
            self.first = false;
        } else {
            self.ser.out.push_str(", ");
        }
        value.serialize(&mut *self.ser)
    }
}

impl<'a> ser::Serializer for &'a mut Serializer {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    fn serialize_i8(self, _v: i8) -> Result<()> {
        left_to_ron("signed integers")
    }

    fn serialize_i16(self, _v: i16) -> Result<()> {
        left_to_ron("signed integers")
    }

    fn serialize_i32(self, _v: i32) -> Result<()> {
        left_to_ron("signed integers")
    }

    fn serialize_i64(self, _v: i64) -> Result<()> {
        left_to_ron("signed integers")
    }

    fn serialize_u8(self, v: u8) -> Result<()> {
        ser::Serializer::serialize_u64(self, u64::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result<()> {
        ser::Serializer::serialize_u64(self, u64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<()> {
        ser::Serializer::serialize_u64(self, u64::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result<()> {
        self.write_u64(v);
        Ok(())
    }

    fn serialize_f32(self, _v: f32) -> Result<()> {
        left_to_ron("floats")
    }

    fn serialize_f64(self, _v: f64) -> Result<()> {
        left_to_ron("floats")
    }

    fn serialize_char(self, _v: char) -> Result<()> {
        left_to_ron("chars")
    }

    fn serialize_str(self, v: &str) -> Result<()> {
        self.write_str(v);
        Ok(())
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<()> {
        left_to_ron("byte strings")
    }

    fn serialize_none(self) -> Result<()> {
        self.out.push_str("None");
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        self.out.push_str("Some(");
        value.serialize(&mut *self)?;
        self.out.push(')');
        Ok(())
    }

    fn serialize_unit(self) -> Result<()> {
        self.out.push_str("()");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        left_to_ron("unit structs")
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<()> {
        self.write_name(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _value: &T,
    ) -> Result<()> {
        left_to_ron("newtype structs")
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        self.write_name(variant)?;
        self.out.push('(');
        value.serialize(&mut *self)?;
        self.out.push(')');
        Ok(())
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a>> {
        self.out.push('[');
        self.open(len.map(|n| n == 0));
        Ok(Compound {
            ser: self,
            first: true,
            close: ']',
        })
    }

    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a>> {
        self.out.push('(');
        Ok(Compound {
            ser: self,
            first: true,
            close: ')',
        })
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        left_to_ron("tuple structs")
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>> {
        self.write_name(variant)?;
        ser::Serializer::serialize_tuple(self, len)
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a>> {
        self.out.push('{');
        self.open(len.map(|n| n == 0));
        Ok(Compound {
            ser: self,
            first: true,
            close: '}',
        })
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a>> {
        self.out.push('(');
        self.open(Some(len == 0));
        Ok(Compound {
            ser: self,
            first: true,
            close: ')',
        })
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>> {
        self.write_name(variant)?;
        ser::Serializer::serialize_struct(self, "", len)
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.next_item();
        value.serialize(&mut *self.ser)
    }

    fn end(self) -> Result<()> {
        self.close();
        Ok(())
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.next_item();
        key.serialize(&mut *self.ser)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.ser.out.push_str(": ");
        value.serialize(&mut *self.ser)
    }

    fn end(self) -> Result<()> {
        self.close();
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        let first = std::mem::replace(&mut self.first, false);
        self.ser.push_field_prefix(key, first)?;
        value.serialize(&mut *self.ser)
    }

    fn end(self) -> Result<()> {
        self.close();
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }

    fn end(self) -> Result<()> {
        self.close();
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.next_member(value)
    }

    fn end(self) -> Result<()> {
        self.ser.out.push(')');
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.next_member(value)
    }

    fn end(self) -> Result<()> {
        self.ser.out.push(')');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    use super::*;

    #[derive(Serialize)]
    enum Kind {
        Unit,
        New(String),
        List(Vec<u64>),
        Pair(u8, bool),
        Shape { values: Vec<String>, empty: Vec<u8> },
    }

    #[derive(Serialize)]
    struct Inner {
        a: u16,
        b: Option<Vec<Kind>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
    }

    #[derive(Serialize)]
    struct Sample {
        n: u32,
        s: String,
        list: Vec<(u64, bool)>,
        empty: Vec<Inner>,
        map: BTreeMap<String, Kind>,
        empty_map: BTreeMap<String, u8>,
        opt: Option<String>,
        none: Option<u64>,
        unit: (),
        inner: Vec<Inner>,
        deep: Vec<Vec<Vec<BTreeMap<u8, Inner>>>>,
    }

    fn sample() -> Sample {
        let inner = |a| Inner {
            a,
            b: Some(vec![
                Kind::Unit,
                Kind::Shape {
                    values: vec!["v".into()],
                    empty: vec![],
                },
            ]),
            skipped: None,
        };
        Sample {
            n: 7,
            s: "raw \"quoted\" ## \\n é 中".into(),
            list: vec![(1, true), (2, false)],
            empty: vec![],
            map: BTreeMap::from([
                ("a".into(), Kind::Unit),
                ("b".into(), Kind::New("x\"y#\\z\n".into())),
                ("c".into(), Kind::List(vec![1, 2, 3])),
                ("d".into(), Kind::Pair(9, true)),
            ]),
            empty_map: BTreeMap::new(),
            opt: Some("😊".into()),
            none: None,
            unit: (),
            inner: vec![inner(1), inner(2)],
            deep: vec![vec![vec![BTreeMap::from([(3, inner(3))])], vec![]]],
        }
    }

    #[test]
    fn writes_the_bytes_ron_writes_at_every_depth() {
        for depth in 0..6 {
            assert_eq!(
                to_string(&sample(), depth, 0).unwrap(),
                crate::ron_io::to_pretty_ron(&sample(), depth).unwrap(),
                "depth limit {depth}"
            );
        }
    }

    #[test]
    fn leaves_the_rest_to_ron() {
        #[derive(Serialize)]
        struct Named(u64);
        #[derive(Serialize)]
        struct Keyword {
            r#true: u8,
        }
        assert!(to_string(&1.5f64, 3, 0).is_err());
        assert!(to_string(&-1i32, 3, 0).is_err());
        assert!(to_string(&'c', 3, 0).is_err());
        assert!(to_string(&Named(1), 3, 0).is_err());
        assert!(to_string(&Keyword { r#true: 1 }, 3, 0).is_err());
        assert!(crate::ron_io::to_pretty_ron(&Keyword { r#true: 1 }, 3).is_ok());
    }
}
