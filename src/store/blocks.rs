//! An annotation file's text cut into the text of each of its annotations, without reading
//! them: a merge or a diff of two 100 000-annotation versions compares the annotations nobody
//! touched as bytes and copies them as bytes, and reads only the few that differ.
//!
//! Written by hand because no RON reader gives the byte range of each element of a list (the
//! `ron` crate and [`super::fast_ron`] give values). It reads the same syntax as the fast
//! reader — structs without names, lists, maps, strings (plain and raw), numbers, identifiers,
//! comments — and anything it is unsure of makes [`split`] give `None`: the caller then reads
//! the whole file the ordinary way, which also reports what is wrong with it.

use std::collections::HashMap;

use super::file::reads_as_current;

/// An annotation file's text in three parts: the text up to the annotations, each
/// annotation's text, and the text after them.
#[derive(Debug)]
pub(crate) struct Blocks<'a> {
    /// Everything up to and including the `[` that opens the annotations.
    pub head: &'a str,
    /// Each annotation, in the order of the file.
    pub blocks: Vec<Block<'a>>,
    /// Everything from the `]` that closes the annotations.
    pub tail: &'a str,
}

/// One annotation's text, from its `(` to its `)`, and what the merge needs without reading
/// it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Block<'a> {
    /// Its id.
    pub id: u64,
    /// Where it starts (see [`crate::model::Annotation::extent`]): with the id, where it goes
    /// in file order.
    pub start: usize,
    /// The text.
    pub text: &'a str,
    /// It refers to other annotations (a `Refs(…)` attribute value): a merge must read it to
    /// see whether what it points at is still there.
    pub has_refs: bool,
    /// It holds a merge conflict not yet decided.
    pub has_conflict: bool,
}

impl Block<'_> {
    /// Where the annotation goes in its file: by the start of its first fragment, then id
    /// (as [`super::AnnotationStore::in_file_order`]).
    pub fn file_order(&self) -> (usize, u64) {
        (self.start, self.id)
    }
}

/// Cuts an annotation file of the current format into its parts; `None` when the text is not
/// one (or is written in a way this cutter does not follow).
pub(crate) fn split(text: &str) -> Option<Blocks<'_>> {
    let mut cursor = Cursor {
        text: text.as_bytes(),
        str: text,
        at: 0,
        refs_seen: false,
    };
    cursor.ws()?;
    let mut parts = None;
    let mut format = None;
    cursor.fields(|c, name| match name {
        b"format" => {
            format = Some(c.number()?);
            Some(())
        }
        b"annotations" if parts.is_none() && c.peek() == Some(b'[') => {
            let head_end = c.at + 1;
            let blocks = c.blocks()?;
            parts = Some((head_end, blocks, c.at - 1));
            Some(())
        }
        _ => c.value(),
    })?;
    cursor.ws()?;
    if cursor.at != text.len()
        || !format
            .and_then(|f| u32::try_from(f).ok())
            .is_some_and(reads_as_current)
    {
        return None;
    }
    let (head_end, blocks, tail_start) = parts?;
    Some(Blocks {
        head: text.get(..head_end)?,
        blocks,
        tail: text.get(tail_start..)?,
    })
}

/// The text of an annotation file whose annotations are `blocks`, in this order, between
/// `head` and `tail` (of [`Blocks`]), laid out as Accord writes a file: one annotation per
/// block at the annotations' indent.
pub(crate) fn join(head: &str, blocks: &[&str], tail: &str) -> String {
    const INDENT: &str = "\n        ";
    let size: usize = blocks.iter().map(|b| b.len() + INDENT.len() + 1).sum();
    let mut out = String::with_capacity(head.len() + size + tail.len() + 8);
    out.push_str(head);
    for block in blocks {
        out.push_str(INDENT);
        out.push_str(block);
        out.push(',');
    }
    if !blocks.is_empty() {
        out.push_str("\n    ");
    }
    out.push_str(tail);
    out
}

/// Two versions of an annotation file without the annotations that are the same in both
/// ([`without_common`]).
pub(crate) struct Differing {
    /// The old version's text, without them.
    pub old: String,
    /// The new version's text, without them.
    pub new: String,
    /// Where each of them starts (its first fragment), by id.
    pub starts: HashMap<u64, usize>,
}

/// Two versions of an annotation file without the annotations whose text is the same in
/// both, for a diff that reads only what changed; `None` when either cannot be cut.
pub(crate) fn without_common(old: &str, new: &str) -> Option<Differing> {
    let (old, new) = rayon::join(|| split(old), || split(new));
    let (old, new) = (old?, new?);
    let old_by_id: HashMap<u64, &str> = old.blocks.iter().map(|b| (b.id, b.text)).collect();
    let new_ids: std::collections::HashSet<u64> = new.blocks.iter().map(|b| b.id).collect();
    if old_by_id.len() != old.blocks.len() || new_ids.len() != new.blocks.len() {
        return None; // an id twice: reading the whole file says so
    }
    let starts: HashMap<u64, usize> = new
        .blocks
        .iter()
        .filter(|b| old_by_id.get(&b.id) == Some(&b.text))
        .map(|b| (b.id, b.start))
        .collect();
    let rest = |parts: &Blocks<'_>| {
        let texts: Vec<&str> = parts
            .blocks
            .iter()
            .filter(|b| !starts.contains_key(&b.id))
            .map(|b| b.text)
            .collect();
        join(parts.head, &texts, parts.tail)
    };
    Some(Differing {
        old: rest(&old),
        new: rest(&new),
        starts,
    })
}

struct Cursor<'a> {
    text: &'a [u8],
    /// The same text, to hand out blocks of it (cut at ASCII brackets, so at char boundaries).
    str: &'a str,
    at: usize,
    /// A `Refs` identifier was read since this was last cleared.
    refs_seen: bool,
}

/// Nesting deeper than this is refused, so bad input cannot overflow anything.
const MAX_DEPTH: usize = 128;

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.peek() == Some(byte);
        self.at += usize::from(hit);
        hit
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// Skips whitespace and comments (block comments nest, as in RON).
    fn ws(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\n' | b'\t' | b'\r') => self.at += 1,
                Some(b'/') => match self.text.get(self.at + 1) {
                    Some(b'/') => {
                        self.at = self.text[self.at..]
                            .iter()
                            .position(|b| *b == b'\n')
                            .map_or(self.text.len(), |i| self.at + i);
                    }
                    Some(b'*') => {
                        self.at += 2;
                        let mut depth = 1;
                        while depth > 0 {
                            match self.text.get(self.at..self.at + 2)? {
                                b"*/" => (depth, self.at) = (depth - 1, self.at + 2),
                                b"/*" => (depth, self.at) = (depth + 1, self.at + 2),
                                _ => self.at += 1,
                            }
                        }
                    }
                    _ => return None,
                },
                _ => return Some(()),
            }
        }
    }

    fn ident(&mut self) -> Option<&'a [u8]> {
        let start = self.at;
        if !self
            .peek()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        {
            return None;
        }
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            self.at += 1;
        }
        let name = &self.text[start..self.at];
        self.refs_seen |= name == b"Refs";
        Some(name)
    }

    /// An unsigned decimal integer.
    fn number(&mut self) -> Option<u64> {
        let start = self.at;
        let mut n: u64 = 0;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
            self.at += 1;
        }
        (self.at > start).then_some(n)
    }

    /// A string, plain (`"…"` with escapes) or raw (`r#"…"#`).
    fn string(&mut self) -> Option<()> {
        if self.eat(b'r') {
            let hashes = self.text[self.at..]
                .iter()
                .take_while(|b| **b == b'#')
                .count();
            self.at += hashes;
            self.expect(b'"')?;
            loop {
                self.at += self.text[self.at..].iter().position(|b| *b == b'"')? + 1;
                let closing = self.text.get(self.at..self.at + hashes)?;
                if closing.iter().all(|b| *b == b'#') {
                    self.at += hashes;
                    return Some(());
                }
            }
        }
        self.expect(b'"')?;
        loop {
            // Most strings are a few bytes (a label, a time): a plain loop beats a search.
            let rest = &self.text[self.at..];
            self.at += rest.iter().position(|b| matches!(b, b'"' | b'\\'))?;
            if self.eat(b'"') {
                return Some(());
            }
            // A backslash and the byte it escapes (the rest of a character is skipped as
            // any byte is).
            self.at += 2;
            if self.at > self.text.len() {
                return None;
            }
        }
    }

    /// Any value: a string, a number, an identifier (an enum variant, `true`, `Some`, …)
    /// with what it holds, or a struct, list or map.
    fn value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => self.string()?,
                b'r' if matches!(self.text.get(self.at + 1), Some(b'"' | b'#')) => self.string()?,
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return None;
                    }
                    self.at += 1;
                }
                b')' | b']' | b'}' => {
                    depth = depth.checked_sub(1)?;
                    self.at += 1;
                }
                b',' | b':' if depth > 0 => self.at += 1,
                b' ' | b'\n' | b'\t' | b'\r' | b'/' => self.ws()?,
                b'0'..=b'9' => {
                    self.number()?;
                }
                b if b.is_ascii_alphabetic() || b == b'_' => {
                    self.ident()?;
                    // A variant or `Some` with what it holds.
                    self.ws()?;
                    if self.peek() == Some(b'(') {
                        continue;
                    }
                }
                _ => return None,
            }
            if depth == 0 {
                return Some(());
            }
        }
    }

    /// A struct's fields, at its `(`: `field` reads each one's value, given its name.
    fn fields(&mut self, mut field: impl FnMut(&mut Self, &'a [u8]) -> Option<()>) -> Option<()> {
        self.expect(b'(')?;
        loop {
            self.ws()?;
            if self.eat(b')') {
                return Some(());
            }
            let name = self.ident()?;
            self.ws()?;
            self.expect(b':')?;
            self.ws()?;
            field(self, name)?;
            self.ws()?;
            if !self.eat(b',') {
                self.ws()?;
                return self.expect(b')');
            }
        }
    }

    /// A list, at its `[`: `element` reads each element.
    fn elements(&mut self, mut element: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.expect(b'[')?;
        loop {
            self.ws()?;
            if self.eat(b']') {
                return Some(());
            }
            element(self)?;
            self.ws()?;
            if !self.eat(b',') {
                self.ws()?;
                return self.expect(b']');
            }
        }
    }

    /// The annotations' list, at its `[`.
    fn blocks(&mut self) -> Option<Vec<Block<'a>>> {
        let mut blocks = Vec::new();
        self.elements(|c| {
            blocks.push(c.block()?);
            Some(())
        })?;
        Some(blocks)
    }

    /// One annotation, at its `(`.
    fn block(&mut self) -> Option<Block<'a>> {
        let begin = self.at;
        self.refs_seen = false;
        let (mut id, mut start, mut has_conflict) = (None, 0, false);
        self.fields(|c, name| match name {
            b"id" => {
                id = Some(c.number()?);
                Some(())
            }
            b"fragments" => {
                start = c.extent_start()?;
                Some(())
            }
            b"conflict" => {
                has_conflict = !c.text[c.at..].starts_with(b"None");
                c.value()
            }
            _ => c.value(),
        })?;
        let text = self.str.get(begin..self.at)?;
        Some(Block {
            id: id?,
            start: usize::try_from(start).ok()?,
            text,
            has_refs: self.refs_seen,
            has_conflict,
        })
    }

    /// A list of fragments, at its `[`: where the annotation starts, as
    /// [`crate::model::Annotation::extent`] says (the first fragment's start, or the last's end
    /// should that be lower; 0 without fragments).
    fn extent_start(&mut self) -> Option<u64> {
        let (mut first_start, mut last_end) = (None, None);
        self.elements(|c| {
            let (start, end) = c.fragment()?;
            first_start = first_start.or(Some(start));
            last_end = Some(end);
            Some(())
        })?;
        Some(match (first_start, last_end) {
            (Some(start), Some(end)) => start.min(end),
            _ => 0,
        })
    }

    /// One fragment, at its `(`: its start and end (0 where missing: such a file does not
    /// read, and is reported when it is read whole).
    fn fragment(&mut self) -> Option<(u64, u64)> {
        let (mut start, mut end) = (0, 0);
        self.fields(|c, name| {
            match name {
                b"start" => start = c.number()?,
                b"end" => end = c.number()?,
                _ => c.value()?,
            }
            Some(())
        })?;
        Some((start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOLDEN: &str = include_str!("../../tests/golden/format-1.ron");

    #[test]
    fn cuts_the_golden_file_into_its_annotations_and_joins_them_back() {
        let parts = split(GOLDEN).expect("the golden file splits");
        let file = super::super::file::parse_annotation_file(GOLDEN, "g.ron".as_ref()).unwrap();
        let ids: Vec<u64> = parts.blocks.iter().map(|b| b.id).collect();
        let expected: Vec<u64> = file.annotations.iter().map(|a| a.id.0).collect();
        assert_eq!(ids, expected);
        for (block, a) in parts.blocks.iter().zip(&file.annotations) {
            assert_eq!(block.start, a.extent().start);
            assert_eq!(
                block.has_refs,
                a.referenced_ids().next().is_some(),
                "{}",
                a.id
            );
            assert_eq!(block.has_conflict, a.conflict.is_some());
        }
        let texts: Vec<&str> = parts.blocks.iter().map(|b| b.text).collect();
        let joined = join(parts.head, &texts, parts.tail);
        assert_eq!(joined, GOLDEN);
    }

    #[test]
    fn an_empty_list_joins_as_accord_writes_it() {
        let text = "(\n    format: 1,\n    annotations: [],\n)\n";
        let parts = split(text).unwrap();
        assert!(parts.blocks.is_empty());
        assert_eq!(join(parts.head, &[], parts.tail), text);
    }

    #[test]
    fn gives_up_on_what_it_does_not_follow() {
        for text in [
            "AnnotationFile(format: 1, annotations: [])",
            "(format: 0, annotations: [])",
            "(format: 1, annotations: [(id: 1, label: \"A\"]",
            "(format: 1, annotations: [(label: \"A\")])",
            "(format: 1, annotations: []) trailing",
            "(format: 1, annotations: [(id: 1, note: 'c')])",
            "(format: 1, annotations: [(id: 1, note: \"\\",
        ] {
            assert!(split(text).is_none(), "{text}");
        }
        let tricky = r####"(format: 1, /* a /* nested */ comment */ annotations: [
            (id: 7, note: r##"a "# quote ) ]"##, label: "A\"B", fragments: [(end: 9, start: 4)]), // ]
            (id: 8, fragments: [(start: 30, end: 12), (start: 40, end: 2,)],),
        ])"####;
        let parts = split(tricky).expect("comments, raw strings, escapes");
        let order: Vec<(usize, u64)> = parts.blocks.iter().map(Block::file_order).collect();
        assert_eq!(
            order,
            [(4, 7), (2, 8)],
            "as `extent` orders a reversed range"
        );
    }
}
