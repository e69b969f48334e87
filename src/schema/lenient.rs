//! A hand-written schema file read as far as it can be: each label, relation kind and
//! cross-document kind on its own, so one typo costs that item, not the project. Every problem
//! is located (line and column in the file) and says what to write instead: the field or
//! variant meant (`colour` → `color`, `Enumm` → `Enum`), a free key for a taken one.

use super::{GroupKindDef, LabelDef, RelationDef, Schema};
use crate::ron_io::edit::list_items;

/// A problem of a schema file: where, and what to write instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaProblem {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong, what was done about it, and what to write instead.
    pub message: String,
}

impl std::fmt::Display for SchemaProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Reads `text` as a schema, keeping every item that reads and holds together with those kept
/// before it. No problem: the schema is exactly what [`Schema::from_ron`] reads.
pub fn read(text: &str) -> (Schema, Vec<SchemaProblem>) {
    if let Ok(schema) = Schema::from_ron(text) {
        return (schema, Vec::new());
    }
    let mut problems = Vec::new();
    let mut schema = Schema::empty();
    let lists = (|| {
        Ok::<_, crate::ron_io::edit::EditError>((
            list_items(text, "labels")?,
            list_items(text, "relations")?,
            list_items(text, "cross_document")?,
        ))
    })();
    let (labels, relations, kinds) = match lists {
        Ok(lists) => lists,
        Err(e) => {
            // Not even the lists can be found: nothing can be read.
            let (line, column) = match crate::ron_io::from_str::<Schema>(text) {
                Err(at) => (at.line, at.column),
                Ok(_) => (1, 1),
            };
            problems.push(SchemaProblem {
                line,
                column,
                message: format!(
                    "the file cannot be read ({e}); no label is used until it is fixed: it should read `(labels: [(name: \"PERSON\", layer: Entity, color: \"#e6194b\"), …], relations: [], cross_document: [])`"
                ),
            });
            return (schema, problems);
        }
    };
    for range in labels.unwrap_or_default() {
        let item = &text[range.clone()];
        match crate::ron_io::from_str::<LabelDef>(item) {
            Err(e) => problems.push(at(text, range.start, &e, "label", LABEL_FIELDS)),
            Ok(mut label) => {
                let (line, column) = position(text, range.start);
                let try_add = |label: LabelDef| {
                    let mut candidate = schema.clone();
                    candidate.labels.push(label);
                    candidate.check().map(|()| candidate)
                };
                match try_add(label.clone()) {
                    Ok(candidate) => schema = candidate,
                    Err(e) if label.hotkey.is_some() => {
                        label.hotkey = None;
                        match try_add(label.clone()) {
                            Ok(candidate) => {
                                let free = free_key(&candidate, &label.name);
                                problems.push(SchemaProblem {
                                    line,
                                    column,
                                    message: format!(
                                        "{}; the label is kept without a key: write {}",
                                        unprefixed(&e.to_string()),
                                        free.map_or("another letter".to_owned(), |k| {
                                            format!("`hotkey: Some('{k}')` (free)")
                                        })
                                    ),
                                });
                                schema = candidate;
                            }
                            Err(e) => problems.push(SchemaProblem {
                                line,
                                column,
                                message: format!(
                                    "{}; the label is left out",
                                    unprefixed(&e.to_string())
                                ),
                            }),
                        }
                    }
                    Err(e) => problems.push(SchemaProblem {
                        line,
                        column,
                        message: format!("{}; the label is left out", unprefixed(&e.to_string())),
                    }),
                }
            }
        }
    }
    let mut reader = ItemReader {
        text,
        schema: &mut schema,
        problems: &mut problems,
    };
    reader.read(
        relations,
        "relation",
        RELATION_FIELDS,
        |s, r: RelationDef| s.relations.push(r),
    );
    reader.read(
        kinds,
        "cross-document kind",
        KIND_FIELDS,
        |s, k: GroupKindDef| s.cross_document.push(k),
    );
    if problems.is_empty() {
        // Something outside the three lists (a field Accord does not know, a stray value):
        // the lists read, so say where the whole read failed.
        if let Err(e) = crate::ron_io::from_str::<Schema>(text) {
            problems.push(SchemaProblem {
                line: e.line,
                column: e.column,
                message: advise(&e.message, SCHEMA_FIELDS),
            });
        }
    }
    (schema, problems)
}

/// Reads the items of a list one by one into a schema, keeping each that reads and holds
/// together with what was kept before it.
struct ItemReader<'a> {
    text: &'a str,
    schema: &'a mut Schema,
    problems: &'a mut Vec<SchemaProblem>,
}

impl ItemReader<'_> {
    fn read<T: serde::de::DeserializeOwned>(
        &mut self,
        items: Option<Vec<std::ops::Range<usize>>>,
        what: &str,
        fields: &[&str],
        add: impl Fn(&mut Schema, T),
    ) {
        for range in items.unwrap_or_default() {
            match crate::ron_io::from_str::<T>(&self.text[range.clone()]) {
                Err(e) => self
                    .problems
                    .push(at(self.text, range.start, &e, what, fields)),
                Ok(item) => {
                    let mut candidate = self.schema.clone();
                    add(&mut candidate, item);
                    match candidate.check() {
                        Ok(()) => *self.schema = candidate,
                        Err(e) => {
                            let (line, column) = position(self.text, range.start);
                            self.problems.push(SchemaProblem {
                                line,
                                column,
                                message: format!(
                                    "{}; the {what} is left out{}",
                                    unprefixed(&e.to_string()),
                                    label_advice(self.schema, &e.to_string())
                                ),
                            });
                        }
                    }
                }
            }
        }
    }
}

const LABEL_FIELDS: &[&str] = &[
    "name",
    "layer",
    "color",
    "hotkey",
    "description",
    "attributes",
];
const RELATION_FIELDS: &[&str] = &["name", "from_labels", "to_labels", "description"];
const KIND_FIELDS: &[&str] = &["name", "labels", "description"];
const SCHEMA_FIELDS: &[&str] = &["labels", "relations", "cross_document"];
/// The words a schema's values may be: layers, attribute types, `Some`/`None`.
const VARIANTS: &[&str] = &[
    "Entity",
    "Commitment",
    "Enum",
    "Text",
    "Bool",
    "SpanRef",
    "Some",
    "None",
];

/// A problem of the item at byte `start`, located in the whole file.
fn at(
    text: &str,
    start: usize,
    e: &crate::ron_io::ParseErrorAt,
    what: &str,
    fields: &[&str],
) -> SchemaProblem {
    let item = &text[start..];
    // A field the reader does not know is skipped, so a misspelt one shows as a missing one:
    // name the misspelling, where it is.
    if let Some(missing) = missing_field(&e.message)
        && let Some((offset, word)) = unknown_fields(item, fields)
            .into_iter()
            .filter(|(_, w)| distance(&w.to_lowercase(), &missing) <= 2.max(missing.len() / 3))
            .min_by_key(|(_, w)| distance(&w.to_lowercase(), &missing))
    {
        let (line, column) = position(text, start + offset);
        return SchemaProblem {
            line,
            column,
            message: format!(
                "`{word}` is not a field of a {what}: write `{missing}`; the {what} is left out"
            ),
        };
    }
    let (line, column) = position(text, start);
    // The item's own line 1 starts at its column; its other lines at their starts.
    let column = if e.line == 1 {
        column + e.column - 1
    } else {
        e.column
    };
    SchemaProblem {
        line: line + e.line - 1,
        column,
        message: format!("{}; the {what} is left out", advise(&e.message, fields)),
    }
}

/// The field a "missing field" message names.
fn missing_field(message: &str) -> Option<String> {
    let lower = message.to_lowercase();
    if !lower.contains("missing") {
        return None;
    }
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(message[start..end].to_lowercase())
}

/// The words written as fields (`word:`) at the item's own level that are not among
/// `fields`, with their byte offsets in `item` (strings skipped).
fn unknown_fields<'a>(item: &'a str, fields: &[&str]) -> Vec<(usize, &'a str)> {
    let mut found = Vec::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut word_start = None;
    let bytes: Vec<(usize, char)> = item.char_indices().collect();
    for (k, &(i, c)) in bytes.iter().enumerate() {
        if in_string {
            if c == '"' && (k == 0 || bytes[k - 1].1 != '\\') {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            ':' if depth == 1 => {
                if let Some(s) = word_start {
                    let word = item[s..i].trim();
                    if !word.is_empty() && !fields.contains(&word) {
                        found.push((s, word));
                    }
                }
            }
            _ => {}
        }
        let in_word = |ch: char| ch.is_alphanumeric() || ch == '_';
        if in_word(c) {
            // A word starts here unless it goes on from the char before.
            if k == 0 || !in_word(bytes[k - 1].1) {
                word_start = Some(i);
            }
        } else if !c.is_whitespace() && c != ':' {
            word_start = None;
        }
    }
    found
}

/// The 1-based line and column of byte `offset`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The parser's message with what to write instead: the known field or word nearest to an
/// unknown one, or the field a missing one is.
fn advise(message: &str, fields: &[&str]) -> String {
    let quoted = |m: &str| {
        let start = m.find('`')? + 1;
        let end = start + m[start..].find('`')?;
        Some(m[start..end].to_owned())
    };
    let nearest = |word: &str, among: &[&str]| {
        among
            .iter()
            .map(|c| (distance(&word.to_lowercase(), &c.to_lowercase()), *c))
            .min()
            .filter(|(d, c)| *d <= 2.max(c.len() / 3))
            .map(|(_, c)| c.to_owned())
    };
    let lower = message.to_lowercase();
    if lower.contains("unexpected field")
        || lower.contains("unknown field")
        || lower.contains("no such field")
    {
        if let Some(word) = quoted(message)
            && let Some(meant) = nearest(&word, fields)
        {
            return format!("{message}: write `{meant}` instead of `{word}`");
        }
        return format!("{message}: the fields are {}", fields.join(", "));
    }
    if (lower.contains("variant") || lower.contains("expected"))
        && let Some(word) = quoted(message)
        && let Some(meant) = nearest(&word, VARIANTS)
        && meant != word
    {
        return format!("{message}: write `{meant}` instead of `{word}`");
    }
    let example = match quoted(message).as_deref() {
        _ if !(lower.contains("missing") && lower.contains("field")) => "",
        Some("name") => "name: \"PERSON\"",
        Some("layer") => "layer: Entity (or Commitment)",
        Some("color") => "color: \"#e6194b\"",
        Some("kind") => "kind: Enum(values: [\"a\", \"b\"]) (or Text, Bool, SpanRef())",
        _ => "",
    };
    if example.is_empty() {
        message.to_owned()
    } else {
        format!("{message}: add `{example}`")
    }
}

/// A message of [`super::SchemaError`] without its "schema: " prefix.
fn unprefixed(message: &str) -> &str {
    message.strip_prefix("schema: ").unwrap_or(message)
}

/// "…: write X instead" for a message naming an unknown label, when a label is near it.
fn label_advice(schema: &Schema, message: &str) -> String {
    let Some(start) = message.find("unknown label \"") else {
        return String::new();
    };
    let rest = &message[start + "unknown label \"".len()..];
    let Some(name) = rest.split('"').next() else {
        return String::new();
    };
    schema
        .labels
        .iter()
        .map(|l| {
            (
                distance(&name.to_lowercase(), &l.name.to_lowercase()),
                &l.name,
            )
        })
        .min()
        .filter(|(d, _)| *d <= 2)
        .map(|(_, l)| format!(": write \"{l}\" instead of \"{name}\""))
        .unwrap_or_default()
}

/// The first letter of `name` (then of the alphabet) no label has as its key.
fn free_key(schema: &Schema, name: &str) -> Option<char> {
    name.chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .chain('a'..='z')
        .find(|&c| schema.label_for_hotkey(c).is_none())
}

/// Edit distance between two short words (the typo of a field or variant name).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEWCOMER: &str = r##"(
    labels: [
        (name: "PERSON", layer: Entity, color: "#e6194b", hotkey: Some('p')),
        (name: "PLACE", layer: Entity, colour: "#3cb44b"),
        (name: "ORG", layer: Entity, color: "#4363d8", hotkey: Some('p')),
        (name: "DEAL", layer: Entity, color: "#f58231", attributes: [
            (name: "kind", kind: Enumm(values: ["trade", "security"])),
        ]),
        (name: "PERSON", layer: Entity, color: "#911eb4"),
        (name: "DATE", layer: Entity, color: "#46f0f0"),
    ],
    relations: [
        (name: "works_for", from_labels: ["PERSON"], to_labels: ["ORGG"]),
        (name: "on", from_labels: ["DEAL"], to_labels: ["DATE"]),
    ],
)
"##;

    #[test]
    fn a_newcomers_mistakes_are_located_and_the_rest_is_read() {
        let (schema, problems) = read(NEWCOMER);
        let names: Vec<&str> = schema.labels.iter().map(|l| l.name.as_str()).collect();
        // PLACE (a typo), DEAL (an unknown type) and the second PERSON are left out; ORG is
        // kept without its taken key; the relation to a typo is left out.
        assert_eq!(names, ["PERSON", "ORG", "DATE"]);
        assert_eq!(schema.label("ORG").unwrap().hotkey, None);
        let relations: Vec<&str> = schema.relations.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            relations,
            Vec::<&str>::new(),
            "DEAL is gone, so `on` cannot be"
        );
        let located: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.message.as_str()))
            .collect();
        let find = |line: usize| {
            located
                .iter()
                .find(|(l, _)| *l == line)
                .unwrap_or_else(|| panic!("no problem on line {line}: {problems:?}"))
                .1
        };
        assert!(
            find(4).contains("`colour` is not a field of a label: write `color`"),
            "{}",
            find(4)
        );
        assert!(
            find(5).contains("write `hotkey: Some('o')` (free)"),
            "{}",
            find(5)
        );
        assert!(
            find(7).contains("write `Enum` instead of `Enumm`"),
            "{}",
            find(7)
        );
        assert!(find(9).contains("declared twice"), "{}", find(9));
        assert!(
            find(13).contains("write \"ORG\" instead of \"ORGG\""),
            "{}",
            find(13)
        );
        assert!(find(14).contains("unknown label \"DEAL\""), "{}", find(14));
        // Columns point into the line: the typo'd field, the item's start.
        let colour = problems.iter().find(|p| p.line == 4).unwrap();
        assert_eq!(colour.column, 40, "{colour:?}");
        let twice = problems.iter().find(|p| p.line == 9).unwrap();
        assert_eq!(twice.column, 9);
    }

    #[test]
    fn a_good_schema_has_no_problem_and_reads_as_the_strict_reader_does() {
        let text = crate::schema::DEFAULT_SCHEMA_RON;
        let (schema, problems) = read(text);
        assert!(problems.is_empty());
        assert_eq!(schema, Schema::default_schema());
    }

    #[test]
    fn a_file_that_cannot_be_scanned_gives_no_label_and_says_where() {
        let (schema, problems) =
            read("(labels: [(name: \"A\", layer: Entity, color: \"#000000\")\n");
        assert!(schema.labels.is_empty());
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].message.contains("cannot be read"),
            "{problems:?}"
        );
    }
}
