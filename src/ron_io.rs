//! RON conventions shared by every file Accord reads and writes: how a value is pretty-printed
//! (plain UTF-8 strings, nested values on one line) and where a parse error is, as the 1-based
//! line and column every error message names.

use serde::Serialize;

/// Where a RON parse error is and what the parser said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseErrorAt {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What the parser said.
    pub message: String,
}

impl From<&ron::error::SpannedError> for ParseErrorAt {
    fn from(e: &ron::error::SpannedError) -> Self {
        Self {
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        }
    }
}

/// Parses RON text, locating any error.
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ParseErrorAt> {
    ron::from_str(text).map_err(|e| ParseErrorAt::from(&e))
}

/// The pretty RON text of Accord's data files, ending in a newline: one field per line down to
/// `depth` levels, deeper values on one line, strings written as they are (never `\u{…}`).
pub fn to_pretty_ron<T: Serialize>(value: &T, depth: usize) -> Result<String, ron::Error> {
    let config = ron::ser::PrettyConfig::new()
        .depth_limit(depth)
        .struct_names(false)
        .escape_strings(false)
        .new_line("\n".to_owned());
    let mut text = ron::ser::to_string_pretty(value, config)?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_located_by_line_and_column() {
        let err = from_str::<Vec<u32>>("[\n  1,\n  x]").unwrap_err();
        assert_eq!((err.line, err.column), (3, 3));
        assert!(!err.message.is_empty());
    }
}

/// Edits a RON file that people also write by hand, keeping everything it does not change —
/// comments, field order, fields Accord does not know, the layout — so that a writer that adds
/// one document to `accord.ron` changes only that. Written by hand because `ron` reads a file
/// into values and writes values back, which drops all of that; only the outer struct's
/// fields are ever edited, so a scan that skips strings, comments and brackets is enough.
pub mod edit {
    use std::ops::Range;

    /// Why a file could not be edited in place.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct EditError(pub String);

    impl std::fmt::Display for EditError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }

    /// Adds `items` (each a RON value as text) at the end of the list in field `field` of the
    /// outer struct, one per line, indented as the list's first item is.
    pub fn append_to_list(text: &str, field: &str, items: &[String]) -> Result<String, EditError> {
        if items.is_empty() {
            return Ok(text.to_owned());
        }
        let value = field_value(text, field)?
            .ok_or_else(|| EditError(format!("it has no `{field}` field")))?;
        let list = &text[value.clone()];
        if !list.starts_with('[') {
            return Err(EditError(format!("its `{field}` is not a list")));
        }
        // The closing bracket, and whether the last item has a comma after it.
        let close = value.end - 1;
        let inner = &text[value.start + 1..close];
        let content_end = last_code_char(inner).map(|i| value.start + 1 + i);
        let indent = first_item_indent(inner).unwrap_or_else(|| {
            let line_start = text[..value.start].rfind('\n').map_or(0, |i| i + 1);
            let base: String = text[line_start..]
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            format!("{base}    ")
        });
        let mut out =
            String::with_capacity(text.len() + items.iter().map(String::len).sum::<usize>() * 2);
        match content_end {
            Some(end) => {
                // After the last item and its comma, and after a comment on the same line.
                let has_comma = text[..=end].ends_with(',');
                let line_end = text[end + 1..].find('\n').map_or(close, |i| end + 1 + i);
                let rest_of_line = text[end + 1..line_end].trim_start();
                let at = if line_end < close
                    && (rest_of_line.is_empty() || rest_of_line.starts_with("//"))
                {
                    line_end
                } else {
                    end + 1
                };
                out.push_str(&text[..=end]);
                if !has_comma {
                    out.push(',');
                }
                out.push_str(&text[end + 1..at]);
                for item in items {
                    out.push('\n');
                    out.push_str(&indent);
                    out.push_str(item);
                    out.push(',');
                }
                out.push_str(&text[at..]);
            }
            None => {
                // An empty list: the items, then the closing bracket on its own line.
                let closing_indent = indent.strip_suffix("    ").unwrap_or("").to_owned();
                out.push_str(&text[..=value.start]);
                for item in items {
                    out.push('\n');
                    out.push_str(&indent);
                    out.push_str(item);
                    out.push(',');
                }
                out.push('\n');
                out.push_str(&closing_indent);
                out.push_str(&text[close..]);
            }
        }
        Ok(out)
    }

    /// Replaces the value of field `field` of the outer struct with `value` (RON text), or
    /// adds the field at the end when it is missing.
    pub fn set_field(text: &str, field: &str, value: &str) -> Result<String, EditError> {
        match field_value(text, field)? {
            Some(range) => Ok(format!(
                "{}{value}{}",
                &text[..range.start],
                &text[range.end..]
            )),
            None => {
                let close = outer_close(text)?;
                let before = &text[..close];
                let end = last_code_char(before).unwrap_or(0);
                let comma = if before[..=end].ends_with(',') || before[..=end].ends_with('(') {
                    ""
                } else {
                    ","
                };
                Ok(format!(
                    "{}{comma}\n    {field}: {value},\n{}",
                    &text[..=end],
                    &text[close..]
                ))
            }
        }
    }

    /// Where each item of the list in top-level field `field` is (`None` when there is no
    /// such field): a reader that refuses one item can still read the others, and say where
    /// the one it refused is.
    pub fn list_items(text: &str, field: &str) -> Result<Option<Vec<Range<usize>>>, EditError> {
        let Some(value) = field_value(text, field)? else {
            return Ok(None);
        };
        let mut scan = Scanner::new(text);
        scan.pos = value.start;
        match scan.next_code() {
            Some((_, '[')) => {}
            _ => return Err(EditError(format!("`{field}` is not a list `[…]`"))),
        }
        let mut items = Vec::new();
        loop {
            let Some((at, c)) = scan.next_code() else {
                return Err(EditError(format!("the list `{field}` has no closing `]`")));
            };
            match c {
                ']' => return Ok(Some(items)),
                ',' => continue,
                _ => {
                    scan.pos = at;
                    items.push(scan.skip_value()?);
                }
            }
        }
    }

    /// Replaces item `index` of the list in top-level field `field` with `item` (RON text),
    /// keeping everything around it (its comment included).
    pub fn replace_list_item(
        text: &str,
        field: &str,
        index: usize,
        item: &str,
    ) -> Result<String, EditError> {
        let range = nth_item(text, field, index)?;
        Ok(format!(
            "{}{item}{}",
            &text[..range.start],
            &text[range.end..]
        ))
    }

    /// Removes item `index` of the list in top-level field `field`, with its comma and, when
    /// it had its line to itself, that line (and the comment at its end, which was about it).
    pub fn remove_list_item(text: &str, field: &str, index: usize) -> Result<String, EditError> {
        let range = nth_item(text, field, index)?;
        let mut end = range.end;
        let rest = &text[end..];
        let after_blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        if rest[after_blanks..].starts_with(',') {
            end += after_blanks + 1;
        }
        let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
        let alone_before = text[line_start..range.start].trim().is_empty();
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
        let tail = text[end..line_end].trim();
        let alone_after = tail.is_empty() || tail.starts_with("//");
        Ok(if alone_before && alone_after {
            format!("{}{}", &text[..line_start], &text[line_end..])
        } else {
            format!(
                "{}{}",
                &text[..range.start],
                text[end..].trim_start_matches([' ', '\t'])
            )
        })
    }

    fn nth_item(text: &str, field: &str, index: usize) -> Result<Range<usize>, EditError> {
        list_items(text, field)?
            .ok_or_else(|| EditError(format!("there is no `{field}` list")))?
            .get(index)
            .cloned()
            .ok_or_else(|| EditError(format!("the list `{field}` has no item {}", index + 1)))
    }

    /// Where the value of top-level field `field` is (from its first char to past its last).
    fn field_value(text: &str, field: &str) -> Result<Option<Range<usize>>, EditError> {
        let mut scan = Scanner::new(text);
        // The outer struct's opening parenthesis.
        match scan.next_code() {
            Some((_, '(')) => {}
            _ => return Err(EditError("it does not start with `(`".into())),
        }
        loop {
            let Some((start, c)) = scan.next_code() else {
                return Err(EditError("it ends before its closing `)`".into()));
            };
            match c {
                ')' => return Ok(None),
                ',' => continue,
                c if c.is_alphabetic() || c == '_' => {
                    let name_end = scan.skip_ident();
                    let name = &text[start..name_end];
                    if scan.next_code().map(|(_, c)| c) != Some(':') {
                        return Err(EditError(format!("field `{name}` has no `:`")));
                    }
                    let value = scan.skip_value()?;
                    if name == field {
                        return Ok(Some(value));
                    }
                }
                other => return Err(EditError(format!("unexpected `{other}` between fields"))),
            }
        }
    }

    /// Where the outer struct's closing parenthesis is.
    fn outer_close(text: &str) -> Result<usize, EditError> {
        let mut scan = Scanner::new(text);
        let Some((_, '(')) = scan.next_code() else {
            return Err(EditError("it does not start with `(`".into()));
        };
        scan.pos -= 1;
        let range = scan.skip_value()?;
        Ok(range.end - 1)
    }

    /// The offset of the last char of `text` that is neither blank nor in a comment.
    fn last_code_char(text: &str) -> Option<usize> {
        let mut scan = Scanner::new(text);
        let mut last = None;
        while let Some((i, c)) = scan.next_code() {
            let end = match c {
                '"' => scan.skip_string(i).ok()? - 1,
                _ => i + c.len_utf8() - 1,
            };
            last = Some(end);
        }
        last
    }

    /// The blanks before the first item of a list's inside, when it starts on its own line.
    fn first_item_indent(inner: &str) -> Option<String> {
        let mut scan = Scanner::new(inner);
        let (i, _) = scan.next_code()?;
        let line_start = inner[..i].rfind('\n')? + 1;
        let blanks = &inner[line_start..i];
        blanks
            .chars()
            .all(|c| c == ' ' || c == '\t')
            .then(|| blanks.to_owned())
    }

    /// Walks RON text skipping blanks and comments.
    struct Scanner<'a> {
        text: &'a str,
        pos: usize,
    }

    impl<'a> Scanner<'a> {
        fn new(text: &'a str) -> Self {
            Self { text, pos: 0 }
        }

        fn peek(&self) -> Option<char> {
            self.text[self.pos..].chars().next()
        }

        /// The next char that is not blank and not in a comment, and its offset.
        fn next_code(&mut self) -> Option<(usize, char)> {
            loop {
                let c = self.peek()?;
                let rest = &self.text[self.pos..];
                if c.is_whitespace() {
                    self.pos += c.len_utf8();
                } else if rest.starts_with("//") {
                    self.pos += rest.find('\n').unwrap_or(rest.len());
                } else if rest.starts_with("/*") {
                    // Block comments nest in RON.
                    let mut depth = 0usize;
                    let mut i = 0;
                    let bytes = rest.as_bytes();
                    while i < bytes.len() {
                        if rest[i..].starts_with("/*") {
                            depth += 1;
                            i += 2;
                        } else if rest[i..].starts_with("*/") {
                            depth -= 1;
                            i += 2;
                            if depth == 0 {
                                break;
                            }
                        } else {
                            i += 1;
                        }
                    }
                    self.pos += i;
                } else {
                    let at = self.pos;
                    self.pos += c.len_utf8();
                    return Some((at, c));
                }
            }
        }

        /// Past the identifier whose first char was just read.
        fn skip_ident(&mut self) -> usize {
            while let Some(c) = self.peek() {
                if c.is_alphanumeric() || c == '_' {
                    self.pos += c.len_utf8();
                } else {
                    break;
                }
            }
            self.pos
        }

        /// Past the string whose opening quote is at `start`; returns the offset after it.
        fn skip_string(&mut self, start: usize) -> Result<usize, EditError> {
            let bytes = self.text.as_bytes();
            let mut i = start + 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => {
                        self.pos = i + 1;
                        return Ok(self.pos);
                    }
                    _ => i += 1,
                }
            }
            Err(EditError("a string is not closed".into()))
        }

        /// Past a raw string `r#…"…"#…` whose `r` is at `start`.
        fn skip_raw_string(&mut self, start: usize) -> Result<usize, EditError> {
            let rest = &self.text[start + 1..];
            let hashes = rest.chars().take_while(|c| *c == '#').count();
            let body = start + 1 + hashes + 1;
            let close = format!("\"{}", "#".repeat(hashes));
            let end = self.text[body..]
                .find(&close)
                .ok_or_else(|| EditError("a raw string is not closed".into()))?;
            self.pos = body + end + close.len();
            Ok(self.pos)
        }

        /// Past one value (a struct, list, map, string or word) starting at the next code
        /// char; returns its range.
        fn skip_value(&mut self) -> Result<Range<usize>, EditError> {
            let (start, c) = self
                .next_code()
                .ok_or_else(|| EditError("a field has no value".into()))?;
            let mut depth = 0usize;
            let mut c = c;
            let mut at = start;
            loop {
                match c {
                    '"' => {
                        self.skip_string(at)?;
                    }
                    'r' if matches!(self.peek(), Some('#' | '"')) => {
                        self.skip_raw_string(at)?;
                    }
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => {
                        if depth == 0 {
                            // The end of the enclosing struct: the value ended before it.
                            self.pos = at;
                            return Ok(start..self.value_end(start));
                        }
                        depth -= 1;
                        if depth == 0 && self.at_value_end() {
                            return Ok(start..self.pos);
                        }
                    }
                    ',' if depth == 0 => {
                        self.pos = at;
                        return Ok(start..self.value_end(start));
                    }
                    _ => {}
                }
                if depth == 0 && self.at_value_end() && !matches!(c, '(' | '[' | '{') {
                    return Ok(start..self.pos);
                }
                let Some((i, next)) = self.next_code_or_word() else {
                    return Ok(start..self.pos);
                };
                at = i;
                c = next;
            }
        }

        /// The next char, code or not, as long as it continues a word; else the next code
        /// char.
        fn next_code_or_word(&mut self) -> Option<(usize, char)> {
            match self.peek() {
                Some(c) if c.is_alphanumeric() || c == '_' || c == '.' || c == '-' || c == '+' => {
                    let at = self.pos;
                    self.pos += c.len_utf8();
                    Some((at, c))
                }
                _ => self.next_code(),
            }
        }

        /// True when what follows (past blanks and comments) ends a value: `,`, a closing
        /// bracket, or the end, and the value is not continued by `(` (an enum variant's
        /// payload, `Some(…)`).
        fn at_value_end(&self) -> bool {
            let mut probe = Scanner {
                text: self.text,
                pos: self.pos,
            };
            match probe.next_code() {
                None => true,
                Some((_, c)) => matches!(c, ',' | ')' | ']' | '}'),
            }
        }

        /// The end of the value that started at `start`: past its last code char before
        /// `self.pos`.
        fn value_end(&self, start: usize) -> usize {
            last_code_char(&self.text[start..self.pos]).map_or(start, |i| {
                let end = start + i;
                end + self.text[end..].chars().next().map_or(1, char::len_utf8)
            })
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        const FILE: &str = r##"// The team's project. Keep this comment!
(
    format: 1,
    name: "Kazakhstan–Tajikistan talks", // the display name
    schema: File("schema.ron"),
    reviewer_notes: "a field Accord does not know",
    documents: [
        (file: "a.kk.txt", language: Some("kk")), // first
        /* a block /* nested */ comment */
        (file: "b \"quoted\" ].txt", title: Some(r#"raw ) ]"#)), // last, with a comment
    ],
    default_annotator: Some("aigerim"),
)
"##;

        #[test]
        fn a_document_is_added_and_everything_else_kept() {
            let out =
                append_to_list(FILE, "documents", &[r#"(file: "c.zh.txt")"#.to_owned()]).unwrap();
            let expected = FILE.replace(
                "// last, with a comment\n    ],",
                "// last, with a comment\n        (file: \"c.zh.txt\"),\n    ],",
            );
            assert_eq!(out, expected);
        }

        #[test]
        fn an_empty_list_and_a_last_item_without_comma_get_items() {
            let empty = "(\n    name: \"x\",\n    documents: [],\n)\n";
            let out = append_to_list(empty, "documents", &["(file: \"a\")".to_owned()]).unwrap();
            assert_eq!(
                out,
                "(\n    name: \"x\",\n    documents: [\n        (file: \"a\"),\n    ],\n)\n"
            );
            let no_comma = "(name: \"x\", documents: [(file: \"a\")])";
            let out = append_to_list(no_comma, "documents", &["(file: \"b\")".to_owned()]).unwrap();
            assert!(
                out.starts_with("(name: \"x\", documents: [(file: \"a\"),"),
                "{out}"
            );
            assert!(out.ends_with("(file: \"b\"),])"), "{out}");
        }

        #[test]
        fn list_items_are_found_replaced_and_removed_keeping_the_rest() {
            let items = list_items(FILE, "documents").unwrap().unwrap();
            assert_eq!(items.len(), 2);
            assert_eq!(
                &FILE[items[1].clone()],
                r##"(file: "b \"quoted\" ].txt", title: Some(r#"raw ) ]"#))"##
            );
            assert_eq!(list_items(FILE, "nothing").unwrap(), None);

            let out = replace_list_item(FILE, "documents", 0, r#"(file: "a.kk.txt")"#).unwrap();
            assert_eq!(
                out,
                FILE.replace(
                    r#"(file: "a.kk.txt", language: Some("kk")), // first"#,
                    r#"(file: "a.kk.txt"), // first"#
                )
            );
            // The first item's line goes, with its comment; the block comment and the rest stay.
            let out = remove_list_item(FILE, "documents", 0).unwrap();
            assert_eq!(
                out,
                FILE.replace(
                    "        (file: \"a.kk.txt\", language: Some(\"kk\")), // first\n",
                    ""
                )
            );
            // Items sharing a line: only the item and its comma go.
            let inline = "(documents: [(file: \"a\"), (file: \"b\")], name: \"x\")";
            assert_eq!(
                remove_list_item(inline, "documents", 0).unwrap(),
                "(documents: [(file: \"b\")], name: \"x\")"
            );
            assert!(remove_list_item(FILE, "documents", 2).is_err());
        }

        #[test]
        fn a_field_is_replaced_or_added() {
            let out = set_field(FILE, "schema", "Default").unwrap();
            assert!(
                out.contains("    schema: Default,\n    reviewer_notes"),
                "{out}"
            );
            assert!(out.contains("Keep this comment!"));
            let out = set_field("(\n    name: \"x\",\n)\n", "schema", "Default").unwrap();
            assert_eq!(out, "(\n    name: \"x\",\n    schema: Default,\n)\n");
            let out = set_field(FILE, "default_annotator", "None").unwrap();
            assert!(out.contains("default_annotator: None,\n)"), "{out}");
        }

        #[test]
        fn what_it_cannot_read_is_refused() {
            assert!(append_to_list("[1, 2]", "documents", &["x".into()]).is_err());
            assert!(append_to_list("(name: \"x\")", "documents", &["x".into()]).is_err());
            assert!(append_to_list("(documents: \"oops\")", "documents", &["x".into()]).is_err());
        }
    }
}
