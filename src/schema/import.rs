//! Another tool's label set read as an Accord [`Schema`], so a team can start a project from
//! the labels it already has: brat's `annotation.conf`, a Label Studio labelling config, or an
//! Accord schema in RON ([`read_config_file`] picks by extension, then by content).
//!
//! ```text
//! brat annotation.conf                              Accord schema
//! [entities]
//! !Living-thing                                     (groups the lines under it; not a label)
//!     Person                                        label Person
//! [relations]
//! Located  Arg1:Person, Arg2:Building|City          relation Located: Person → Building, City
//! Equiv    Arg1:Person, Arg2:Person, <REL-TYPE>:symmetric-transitive
//!                                                   relation Equiv, described as an equivalence
//! [events]
//! Marriage Participant1:Person, Participant2:Person label Marriage (its roles in its description)
//! [attributes]
//! Confidence  Arg:<EVENT>, Value:L1|L2|L3           enum attribute on every event label
//!
//! Label Studio config.xml
//! <Label value="PER" background="red" hotkey="p"/>  label PER, #ff0000, key p
//! <Relation value="works_for"/>                     relation works_for, any label to any
//! <View visibleWhen="region-selected" whenLabelValue="PER">
//!   <Choices name="PER.role" perRegion="true">      enum attribute `role` on PER
//! ```
//!
//! Both end the same way: a label without a colour gets the next unused colour of a fixed
//! palette (the default schema's first), a label without a usable hotkey the first free letter
//! of its name, and the result passes [`Schema::check`]. Every label is in the entity layer:
//! neither tool has commitments. What a configuration says that a schema cannot hold (event
//! roles, several Arg1/Arg2 pairs of one relation, per-document classifications, …) is listed
//! in [`ImportedSchema::notes`].

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::{AttributeDef, AttributeKind, LabelDef, Layer, RelationDef, Rgb, Schema, SchemaError};

/// A schema read from another tool's configuration, with what did not carry over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedSchema {
    /// The label set, checked.
    pub schema: Schema,
    /// What the configuration says that the schema cannot hold, one sentence each, for the
    /// user to read before annotating.
    pub notes: Vec<String>,
}

/// Why a configuration could not be read as a schema. Each message says where and what to
/// write instead.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A line of a brat `annotation.conf` cannot be read.
    #[error("line {line}: {message}")]
    Brat {
        /// 1-based line.
        line: usize,
        /// What is wrong and how to write it.
        message: String,
    },
    /// A Label Studio config is not well-formed XML, or an element in it cannot be read.
    #[error("line {line}, column {column}: {message}")]
    LabelStudio {
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// What is wrong and how to write it.
        message: String,
    },
    /// The configuration declares no label at all.
    #[error("the {format} configuration declares no label; {advice}")]
    NoLabels {
        /// `brat` or `Label Studio`.
        format: &'static str,
        /// How to declare one.
        advice: String,
    },
    /// An Accord schema file that does not load, or (should never happen) a label set that
    /// does not hold together.
    #[error("{0}")]
    Schema(SchemaError),
    /// The file is not one of the configurations Accord reads.
    #[error(
        "cannot tell which tool this file is from (it is not XML, has no [entities] section and is not RON); give brat's annotation.conf (.conf), a Label Studio labelling config (.xml) or an Accord schema (.ron)"
    )]
    UnknownFormat {
        /// The file (callers name it; the message does not, like the others here).
        path: PathBuf,
    },
}

/// Reads brat's `annotation.conf` as a schema. See [`read_brat_conf`].
pub fn from_brat_conf(text: &str) -> Result<Schema, ConfigError> {
    read_brat_conf(text).map(|imported| imported.schema)
}

/// Reads a Label Studio labelling config as a schema. See [`read_label_studio_config`].
pub fn from_label_studio_config(text: &str) -> Result<Schema, ConfigError> {
    read_label_studio_config(text).map(|imported| imported.schema)
}

/// Reads a configuration file as a schema. See [`read_config_file`].
pub fn from_config_file(path: &Path, text: &str) -> Result<Schema, ConfigError> {
    read_config_file(path, text).map(|imported| imported.schema)
}

/// Reads the text of a configuration file, choosing the reader by the extension of `path`
/// (`.conf`: brat, `.xml`: Label Studio, `.ron`: an Accord schema), else by the text: XML
/// starts with `<`, a brat configuration has an `[entities]` line, RON starts with `(`.
pub fn read_config_file(path: &Path, text: &str) -> Result<ImportedSchema, ConfigError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let start = without_bom(text).trim_start();
    match extension.as_deref() {
        Some("conf") => read_brat_conf(text),
        Some("xml") => read_label_studio_config(text),
        Some("ron") => read_ron(text),
        _ if start.starts_with('<') => read_label_studio_config(text),
        _ if text.lines().any(|l| l.trim() == "[entities]") => read_brat_conf(text),
        _ if start.starts_with('(') => read_ron(text),
        _ => Err(ConfigError::UnknownFormat {
            path: path.to_path_buf(),
        }),
    }
}

fn read_ron(text: &str) -> Result<ImportedSchema, ConfigError> {
    let schema = Schema::from_ron(without_bom(text)).map_err(ConfigError::Schema)?;
    Ok(ImportedSchema {
        schema,
        notes: Vec::new(),
    })
}

fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

// --- Shared: labels as read, then colours and hotkeys settled ---

/// A label as a configuration gives it, before colours and hotkeys are settled.
struct LabelDraft {
    name: String,
    color: Option<Rgb>,
    /// As written, checked by [`settle_hotkeys`].
    hotkey: Option<String>,
    description: String,
    attributes: Vec<AttributeDef>,
}

impl LabelDraft {
    fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            color: None,
            hotkey: None,
            description: String::new(),
            attributes: Vec::new(),
        }
    }

    /// Adds an attribute; one of the same name merges into it when both are enums (values
    /// joined), and is otherwise left out with a note.
    fn add_attribute(&mut self, name: &str, kind: AttributeKind, notes: &mut Vec<String>) {
        self.add_attribute_described(name, kind, String::new(), notes);
    }

    fn add_attribute_described(
        &mut self,
        name: &str,
        kind: AttributeKind,
        description: String,
        notes: &mut Vec<String>,
    ) {
        let Some(existing) = self.attributes.iter_mut().find(|a| a.name == name) else {
            self.attributes.push(AttributeDef {
                name: name.to_owned(),
                kind,
                required: false,
                description,
            });
            return;
        };
        match (&mut existing.kind, kind) {
            (AttributeKind::Enum { values }, AttributeKind::Enum { values: more }) => {
                for v in more {
                    if !values.contains(&v) {
                        values.push(v);
                    }
                }
            }
            (old, new) if *old == new => {}
            _ => notes.push(format!(
                "label {:?} has attribute {name:?} twice with different kinds; the first is kept",
                self.name
            )),
        }
    }
}

/// Colours, hotkeys, the check: what both readers end with.
fn finish(
    labels: Vec<LabelDraft>,
    relations: Vec<RelationDef>,
    mut notes: Vec<String>,
) -> Result<ImportedSchema, ConfigError> {
    let hotkeys = settle_hotkeys(&labels, &mut notes);
    let colours = settle_colours(&labels);
    let labels = labels
        .into_iter()
        .zip(hotkeys.into_iter().zip(colours))
        .map(|(draft, (hotkey, color))| LabelDef {
            name: draft.name,
            layer: Layer::Entity,
            color,
            hotkey,
            description: draft.description,
            attributes: draft.attributes,
        })
        .collect();
    let schema = Schema {
        labels,
        relations,
        cross_document: Vec::new(),
    };
    schema.check().map_err(ConfigError::Schema)?;
    Ok(ImportedSchema { schema, notes })
}

/// A hotkey Accord can use: one ASCII letter (the window matches physical keys A–Z; digits
/// choose labels by palette order).
fn usable_hotkey(given: &str) -> Option<char> {
    let mut chars = given.trim().chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_alphabetic() => Some(c),
        _ => None,
    }
}

/// Given hotkeys that are letters and not taken are kept (first label wins); every other
/// label gets the first letter of its name that is still free, or none.
fn settle_hotkeys(labels: &[LabelDraft], notes: &mut Vec<String>) -> Vec<Option<char>> {
    let mut taken = HashSet::new();
    let mut keys = vec![None; labels.len()];
    for (key, label) in keys.iter_mut().zip(labels) {
        let Some(given) = &label.hotkey else {
            continue;
        };
        match usable_hotkey(given) {
            Some(c) if taken.insert(c.to_ascii_lowercase()) => *key = Some(c),
            Some(c) => notes.push(format!(
                "label {:?}: hotkey {c:?} is already taken by an earlier label; it gets another",
                label.name
            )),
            None => notes.push(format!(
                "label {:?}: hotkey {given:?} is not a single letter (digits choose labels by their order); it gets a letter of its name instead",
                label.name
            )),
        }
    }
    for (key, label) in keys.iter_mut().zip(labels) {
        if key.is_some() {
            continue;
        }
        *key = label
            .name
            .chars()
            .map(|c| c.to_ascii_lowercase())
            .find(|c| c.is_ascii_lowercase() && !taken.contains(c));
        if let Some(c) = *key {
            taken.insert(c);
        }
    }
    keys
}

/// Readable highlight colours, in the order labels without one get them: the default schema's
/// nine (`assets/default_schema.ron`, in its order), then more of the same family.
const PALETTE: [Rgb; 17] = [
    Rgb([0xe6, 0x19, 0x4b]),
    Rgb([0x3c, 0xb4, 0x4b]),
    Rgb([0x43, 0x63, 0xd8]),
    Rgb([0xf5, 0x82, 0x31]),
    Rgb([0x91, 0x1e, 0xb4]),
    Rgb([0x9a, 0x63, 0x24]),
    Rgb([0x42, 0xd4, 0xf4]),
    Rgb([0xf0, 0x32, 0xe6]),
    Rgb([0xbf, 0xef, 0x45]),
    Rgb([0xff, 0xe1, 0x19]),
    Rgb([0x46, 0x99, 0x90]),
    Rgb([0xdc, 0xbe, 0xff]),
    Rgb([0xfa, 0xbe, 0xd4]),
    Rgb([0x80, 0x00, 0x00]),
    Rgb([0xaa, 0xff, 0xc3]),
    Rgb([0x80, 0x80, 0x00]),
    Rgb([0xff, 0xd8, 0xb1]),
];

/// The `n`th colour to hand out: the palette, then hues a golden angle apart.
fn palette_colour(n: usize) -> Rgb {
    match PALETTE.get(n) {
        Some(&c) => c,
        None => hsl((n - PALETTE.len()) as f64 * 137.508 % 360.0, 0.65, 0.6),
    }
}

fn hsl(hue: f64, saturation: f64, lightness: f64) -> Rgb {
    let chroma = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let sector = hue / 60.0;
    let x = chroma * (1.0 - (sector % 2.0 - 1.0).abs());
    let (r, g, b) = match sector as u32 {
        0 => (chroma, x, 0.0),
        1 => (x, chroma, 0.0),
        2 => (0.0, chroma, x),
        3 => (0.0, x, chroma),
        4 => (x, 0.0, chroma),
        _ => (chroma, 0.0, x),
    };
    let m = lightness - chroma / 2.0;
    let channel = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    Rgb([channel(r), channel(g), channel(b)])
}

/// Given colours are kept; every other label gets the next palette colour no label has yet.
fn settle_colours(labels: &[LabelDraft]) -> Vec<Rgb> {
    let mut used: HashSet<Rgb> = labels.iter().filter_map(|l| l.color).collect();
    let mut next = 0;
    labels
        .iter()
        .map(|label| {
            label.color.unwrap_or_else(|| {
                loop {
                    let colour = palette_colour(next);
                    next += 1;
                    if used.insert(colour) {
                        break colour;
                    }
                }
            })
        })
        .collect()
}

/// `to_labels`/`from_labels` of a relation while lines are merged: `None` is any label.
type Ends = Option<Vec<String>>;

/// Joins the ends of another line of the same relation: any label if either says so.
fn merge_ends(ends: &mut Ends, more: Ends) {
    let Some(more) = more else {
        *ends = None;
        return;
    };
    if let Some(have) = ends {
        for label in more {
            if !have.contains(&label) {
                have.push(label);
            }
        }
    }
}

// --- brat ---

/// brat's reserved words (written `<WORD>`): its shortcuts and special keys. No macro may
/// take these names.
const BRAT_RESERVED: [&str; 16] = [
    "ANY",
    "ENTITY",
    "RELATION",
    "EVENT",
    "NONE",
    "EMPTY",
    "REL-TYPE",
    "URL",
    "URLBASE",
    "UNICODE",
    "GLYPH-POS",
    "DEFAULT",
    "NORM",
    "OVERLAP",
    "OVL-TYPE",
    "INHERIT",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BratSection {
    Entities,
    Relations,
    Events,
    Attributes,
}

impl BratSection {
    fn from_header(name: &str) -> Option<Self> {
        match name.trim() {
            // `[spans]` is the old name of `[entities]`.
            "entities" | "spans" => Some(Self::Entities),
            "relations" => Some(Self::Relations),
            "events" => Some(Self::Events),
            "attributes" => Some(Self::Attributes),
            _ => None,
        }
    }

    fn header(self) -> &'static str {
        match self {
            Self::Entities => "[entities]",
            Self::Relations => "[relations]",
            Self::Events => "[events]",
            Self::Attributes => "[attributes]",
        }
    }
}

/// One line of a section: a type and its arguments, at its place in the hierarchy.
struct BratEntry {
    line: usize,
    name: String,
    /// `!Name`: groups the lines under it, cannot itself be used to annotate.
    is_abstract: bool,
    /// The entry this one is indented under, in the same section.
    parent: Option<usize>,
    args: Vec<BratArg>,
}

/// `ROLE:TYPE|TYPE`.
#[derive(Clone)]
struct BratArg {
    /// As written, with brat's repetition marks (`Arg1`, `Theme+`, `Place-Arg?`) or a special
    /// key (`<REL-TYPE>`).
    role: String,
    /// The alternatives after the colon.
    types: Vec<String>,
}

impl BratArg {
    fn is_special(&self) -> bool {
        self.role.starts_with('<')
    }

    fn written(&self) -> String {
        format!("{}:{}", self.role, self.types.join("|"))
    }
}

#[derive(Default)]
struct BratConf {
    entities: Vec<BratEntry>,
    relations: Vec<BratEntry>,
    events: Vec<BratEntry>,
    attributes: Vec<BratEntry>,
    /// Sections brat's annotation.conf does not have, as named.
    other_sections: Vec<String>,
}

impl BratConf {
    fn section(&self, section: BratSection) -> &Vec<BratEntry> {
        match section {
            BratSection::Entities => &self.entities,
            BratSection::Relations => &self.relations,
            BratSection::Events => &self.events,
            BratSection::Attributes => &self.attributes,
        }
    }

    fn section_mut(&mut self, section: BratSection) -> &mut Vec<BratEntry> {
        match section {
            BratSection::Entities => &mut self.entities,
            BratSection::Relations => &mut self.relations,
            BratSection::Events => &mut self.events,
            BratSection::Attributes => &mut self.attributes,
        }
    }
}

fn brat_error(line: usize, message: impl Into<String>) -> ConfigError {
    ConfigError::Brat {
        line,
        message: message.into(),
    }
}

/// Reads brat's `annotation.conf`: entity and event types become labels (an abstract `!Type`
/// only groups the types under it), relations become relation kinds, attributes go on every
/// label they apply to. Macros (`<POG>=Person|Organization`) are expanded wherever they are
/// used below their definition; `<ENTITY>` stands for every entity type, `<EVENT>` for every
/// event type, and a type with types indented under it for all of them. Colours and hotkeys
/// are not in this file (brat keeps them in `visual.conf` and `kb_shortcuts.conf`), so every
/// label gets them as the module's documentation describes.
pub fn read_brat_conf(text: &str) -> Result<ImportedSchema, ConfigError> {
    let conf = parse_brat(text)?;
    let mut notes: Vec<String> = conf
        .other_sections
        .iter()
        .map(|s| format!("section [{s}] is not part of brat's annotation.conf and was skipped"))
        .collect();
    let types = BratTypes::new(&conf)?;
    if types.all.is_empty() {
        let advice = if conf
            .other_sections
            .iter()
            .any(|s| s == "labels" || s == "drawing")
        {
            "this looks like brat's visual.conf; read annotation.conf instead".to_owned()
        } else {
            "list entity types under [entities], one a line (e.g. `Person`)".to_owned()
        };
        return Err(ConfigError::NoLabels {
            format: "brat",
            advice,
        });
    }
    let mut labels: Vec<LabelDraft> = types
        .all
        .iter()
        .map(|name| {
            let mut label = LabelDraft::new(name);
            if let Some(frames) = types.event_roles.get(name) {
                label.description = event_description(frames);
            }
            label
        })
        .collect();
    if !types.events.is_empty() {
        notes.push(
            "brat events became labels; their roles are not kept (each event label's description lists them)"
                .to_owned(),
        );
    }
    // brat matches nothing with a type no section declares (its own example files have a few);
    // they are left out and listed once each.
    let mut undeclared = BTreeMap::new();
    let relations = brat_relations(&conf, &types, &mut undeclared, &mut notes)?;
    brat_attributes(&conf, &types, &mut labels, &mut undeclared, &mut notes)?;
    for (name, lines) in undeclared {
        notes.push(format!(
            "`{name}` ({}) is not declared under [entities] or [events]; brat matches nothing with it, so it was left out",
            lines_list(&lines)
        ));
    }
    finish(labels, relations, notes)
}

/// Splits the text into sections of entries, expanding macros and following the indentation.
fn parse_brat(text: &str) -> Result<BratConf, ConfigError> {
    let mut conf = BratConf::default();
    // `None` before the first header; `Some(None)` inside a section that is skipped.
    let mut section: Option<Option<BratSection>> = None;
    let mut macros: Vec<(String, String)> = Vec::new();
    // The entry most recently seen at each depth of the current section.
    let mut last_at_depth: Vec<usize> = Vec::new();
    for (i, raw) in without_bom(text).lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            let known = BratSection::from_header(name);
            if known.is_none() {
                conf.other_sections.push(name.trim().to_owned());
            }
            section = Some(known);
            last_at_depth.clear();
            continue;
        }
        let kind = match section {
            None => {
                return Err(brat_error(
                    line,
                    format!(
                        "`{trimmed}` comes before any section; put it under [entities], [relations], [events] or [attributes]"
                    ),
                ));
            }
            Some(None) => continue,
            Some(Some(kind)) => kind,
        };
        // A line of hyphens separates groups in brat's menus.
        if trimmed.chars().all(|c| c == '-') {
            continue;
        }
        if let Some((name, value)) = macro_definition(trimmed) {
            if BRAT_RESERVED.contains(&name) {
                return Err(brat_error(
                    line,
                    format!(
                        "<{name}> is brat's own shortcut and cannot be redefined; give the macro another name, e.g. `<MY-{name}>={value}`"
                    ),
                ));
            }
            // Macros are kept for the whole file (brat's own reader keeps them per section, so
            // every file it reads reads the same here).
            let value = expand_macros(value, &macros);
            let token = format!("<{name}>");
            macros.retain(|(t, _)| *t != token);
            macros.push((token, value));
            continue;
        }
        let expanded = expand_macros(raw, &macros);
        if let Some(unknown) = unknown_macro(&expanded) {
            return Err(brat_error(
                line,
                format!(
                    "macro `{unknown}` is not defined above this line; define it first, e.g. `{unknown}=Person|Organization`"
                ),
            ));
        }
        let entry = parse_brat_entry(line, &expanded, conf.section(kind), &mut last_at_depth)?;
        conf.section_mut(kind).push(entry);
    }
    Ok(conf)
}

/// `<NAME>=value` → (`NAME`, `value`).
fn macro_definition(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.strip_prefix('<')?.split_once(">=")?;
    let is_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '_' || c == '-');
    is_name.then(|| (name, value.trim()))
}

fn expand_macros(line: &str, macros: &[(String, String)]) -> String {
    macros
        .iter()
        .fold(line.to_owned(), |l, (token, value)| l.replace(token, value))
}

/// The first `<WORD>` in `line` that is not one of brat's reserved words.
fn unknown_macro(line: &str) -> Option<&str> {
    let mut rest = line;
    while let Some(start) = rest.find('<') {
        let end = start + rest[start..].find('>')?;
        let token = &rest[start..=end];
        if !BRAT_RESERVED.contains(&&token[1..token.len() - 1]) {
            return Some(token);
        }
        rest = &rest[end + 1..];
    }
    None
}

/// One line of a section: `NAME ROLE:TYPE, ROLE:TYPE`, indented under its parent.
fn parse_brat_entry(
    line: usize,
    raw: &str,
    earlier: &[BratEntry],
    last_at_depth: &mut Vec<usize>,
) -> Result<BratEntry, ConfigError> {
    // brat counts each leading tab or space as one level.
    let depth = raw.chars().take_while(|c| c.is_whitespace()).count();
    let body = raw.trim();
    let (mut terms, mut args) = split_name_and_args(body, char::is_whitespace);
    // Older brat files allowed spaces in names and ended the name with a tab.
    if args.iter().any(|a| a.contains(char::is_whitespace)) && body.contains('\t') {
        (terms, args) = split_name_and_args(body, |c| c == '\t');
    }
    // `Name|Other names`: brat shows the others; the first is the type.
    let term = terms.split('|').map(str::trim).find(|t| !t.is_empty());
    let (is_abstract, name) = match term {
        Some(t) => match t.strip_prefix('!') {
            Some(name) => (true, name.trim()),
            None => (false, t),
        },
        None => (false, ""),
    };
    if name.is_empty() {
        return Err(brat_error(
            line,
            format!("`{body}` has no type name; start the line with one, e.g. `Person`"),
        ));
    }
    let parent = match depth {
        0 => None,
        _ => Some(*last_at_depth.get(depth - 1).ok_or_else(|| {
            brat_error(
                line,
                format!(
                    "`{name}` is indented {depth} deep but no line above it is indented {} deep, so it has no parent; indent it one tab more than the type it belongs under, or not at all",
                    depth - 1
                ),
            )
        })?),
    };
    let mut parsed = Vec::new();
    for arg in args {
        if arg == "<INHERIT>" {
            // The parent's arguments, written again.
            if let Some(p) = parent {
                parsed.extend(earlier[p].args.iter().cloned());
            }
            continue;
        }
        let written = |a: &str| {
            brat_error(
                line,
                format!("`{a}` in `{name}` is not ROLE:TYPE; write it as e.g. `Arg1:Person`"),
            )
        };
        let (role, types) = arg.split_once(':').ok_or_else(|| written(arg))?;
        let types: Vec<String> = types
            .split('|')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        if role.trim().is_empty() || types.is_empty() {
            return Err(written(arg));
        }
        parsed.push(BratArg {
            role: role.trim().to_owned(),
            types,
        });
    }
    last_at_depth.truncate(depth);
    last_at_depth.push(earlier.len());
    Ok(BratEntry {
        line,
        name: name.to_owned(),
        is_abstract,
        parent,
        args: parsed,
    })
}

/// The name part and the comma-separated arguments of a line, split at the first `separator`.
fn split_name_and_args(body: &str, separator: impl Fn(char) -> bool) -> (&str, Vec<&str>) {
    let (name, rest) = match body.find(separator) {
        Some(at) => (&body[..at], body[at..].trim()),
        None => (body, ""),
    };
    let args = rest
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .collect();
    (name.trim(), args)
}

/// The labels of a brat configuration and what its type names stand for.
struct BratTypes<'a> {
    conf: &'a BratConf,
    /// Entity labels, in file order.
    entities: Vec<String>,
    /// Event labels, in file order.
    events: Vec<String>,
    /// Entities then events: the schema's labels.
    all: Vec<String>,
    /// Each event label's argument frames, one per line declaring it.
    event_roles: HashMap<String, Vec<Vec<BratArg>>>,
}

/// What the types of one argument stand for.
struct Resolved {
    /// The labels; empty with `any`.
    labels: Vec<String>,
    /// Every label.
    any: bool,
    /// Types that are not labels (relations, `<RELATION>`), as written.
    skipped: Vec<String>,
    /// Names no section declares.
    undeclared: Vec<String>,
}

impl Resolved {
    fn ends(self) -> Ends {
        (!self.any).then_some(self.labels)
    }

    fn is_nothing(&self) -> bool {
        !self.any && self.labels.is_empty()
    }
}

impl<'a> BratTypes<'a> {
    fn new(conf: &'a BratConf) -> Result<Self, ConfigError> {
        let mut declared: HashMap<&str, (BratSection, usize)> = HashMap::new();
        let mut types = Self {
            conf,
            entities: Vec::new(),
            events: Vec::new(),
            all: Vec::new(),
            event_roles: HashMap::new(),
        };
        for section in [BratSection::Entities, BratSection::Events] {
            for entry in conf.section(section) {
                if entry.is_abstract {
                    continue;
                }
                match declared.get(entry.name.as_str()) {
                    Some(&(first, first_line)) if first != section => {
                        return Err(brat_error(
                            entry.line,
                            format!(
                                "`{}` is declared under {} on line {first_line} and again under {}; brat needs distinct names, so rename one",
                                entry.name,
                                first.header(),
                                section.header()
                            ),
                        ));
                    }
                    // An event on several lines is one type with several argument frames.
                    Some(_) => {}
                    None => {
                        declared.insert(&entry.name, (section, entry.line));
                        match section {
                            BratSection::Events => types.events.push(entry.name.clone()),
                            _ => types.entities.push(entry.name.clone()),
                        }
                    }
                }
                if section == BratSection::Events {
                    types
                        .event_roles
                        .entry(entry.name.clone())
                        .or_default()
                        .push(entry.args.clone());
                }
            }
        }
        types.all = types
            .entities
            .iter()
            .chain(&types.events)
            .cloned()
            .collect();
        Ok(types)
    }

    /// The labels `name` stands for in `section`: the type itself unless abstract, and every
    /// type indented under it. `None` when the section has no such type.
    fn labels_under(&self, section: BratSection, name: &str) -> Option<Vec<String>> {
        let entries = self.conf.section(section);
        let roots: Vec<usize> = (0..entries.len())
            .filter(|&i| entries[i].name == name)
            .collect();
        if roots.is_empty() {
            return None;
        }
        let is_under = |mut i: usize| loop {
            if roots.contains(&i) {
                return true;
            }
            match entries[i].parent {
                Some(p) => i = p,
                None => return false,
            }
        };
        let mut labels: Vec<String> = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            if !entry.is_abstract && is_under(i) && !labels.contains(&entry.name) {
                labels.push(entry.name.clone());
            }
        }
        Some(labels)
    }

    /// The labels an argument's types stand for.
    fn resolve(&self, types: &[String]) -> Resolved {
        let mut labels: Vec<String> = Vec::new();
        let mut shortcut = false;
        let mut skipped = Vec::new();
        let mut undeclared = Vec::new();
        for t in types {
            let found = match t.as_str() {
                "<ANY>" => {
                    return Resolved {
                        labels: Vec::new(),
                        any: true,
                        skipped,
                        undeclared,
                    };
                }
                "<ENTITY>" => {
                    shortcut = true;
                    self.entities.clone()
                }
                "<EVENT>" => {
                    shortcut = true;
                    self.events.clone()
                }
                name if name.starts_with('<') => {
                    skipped.push(t.clone());
                    continue;
                }
                name => match self
                    .labels_under(BratSection::Entities, name)
                    .or_else(|| self.labels_under(BratSection::Events, name))
                {
                    Some(found) => found,
                    None if self.conf.relations.iter().any(|r| r.name == name) => {
                        skipped.push(t.clone());
                        continue;
                    }
                    None => {
                        undeclared.push(t.clone());
                        continue;
                    }
                },
            };
            for l in found {
                if !labels.contains(&l) {
                    labels.push(l);
                }
            }
        }
        // `<ENTITY>` in a file without events means any label, as Accord writes it.
        let any = shortcut && self.all.iter().all(|l| labels.contains(l));
        if any {
            labels.clear();
        }
        Resolved {
            labels,
            any,
            skipped,
            undeclared,
        }
    }
}

/// "A brat event. Roles (not kept by Accord): Theme:Protein; or Theme+:Protein, Site?:Entity."
fn event_description(frames: &[Vec<BratArg>]) -> String {
    let frames: Vec<String> = frames
        .iter()
        .filter(|f| !f.is_empty())
        .map(|f| {
            f.iter()
                .map(BratArg::written)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    if frames.is_empty() {
        "A brat event.".to_owned()
    } else {
        format!(
            "A brat event. Roles (not kept by Accord): {}.",
            frames.join("; or ")
        )
    }
}

/// Adds the undeclared names of `resolved` to those seen, with the line.
fn record_undeclared(seen: &mut BTreeMap<String, Vec<usize>>, resolved: &Resolved, line: usize) {
    for name in &resolved.undeclared {
        let lines = seen.entry(name.clone()).or_default();
        if lines.last() != Some(&line) {
            lines.push(line);
        }
    }
}

/// "line 4" or "lines 4, 5, 9 and 12 more".
fn lines_list(lines: &[usize]) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<String> = lines.iter().take(SHOWN).map(usize::to_string).collect();
    match lines.len() {
        1 => format!("line {}", shown[0]),
        n if n > SHOWN => format!("lines {} and {} more", shown.join(", "), n - SHOWN),
        _ => format!("lines {}", shown.join(", ")),
    }
}

/// A relation kind being gathered from the lines that declare it.
struct RelationDraft {
    name: String,
    from: Ends,
    to: Ends,
    /// The `(from, to)` of each line, to tell whether merging loosened them.
    pairs: BTreeSet<(Vec<String>, Vec<String>)>,
    lines: Vec<usize>,
    symmetric: bool,
    transitive: bool,
}

fn brat_relations(
    conf: &BratConf,
    types: &BratTypes<'_>,
    undeclared: &mut BTreeMap<String, Vec<usize>>,
    notes: &mut Vec<String>,
) -> Result<Vec<RelationDef>, ConfigError> {
    let mut drafts: Vec<RelationDraft> = Vec::new();
    let mut left_out: Vec<&str> = Vec::new();
    for entry in &conf.relations {
        // `<OVERLAP>` (and the older `ENTITY-NESTING`) say which spans may overlap; Accord lets
        // any overlap.
        if entry.is_abstract || entry.name == "<OVERLAP>" || entry.name == "ENTITY-NESTING" {
            continue;
        }
        let name = &entry.name;
        let ends: Vec<&BratArg> = entry.args.iter().filter(|a| !a.is_special()).collect();
        let (arg1, arg2) = match ends.as_slice() {
            [] => {
                return Err(brat_error(
                    entry.line,
                    format!(
                        "relation `{name}` has no arguments; write it as `{name} Arg1:TYPE, Arg2:TYPE` (TYPE: the entity types it links, or <ENTITY> for any)"
                    ),
                ));
            }
            [only] => {
                return Err(brat_error(
                    entry.line,
                    format!(
                        "relation `{name}` has no Arg2; write it as `{name} {}, Arg2:TYPE` (TYPE: the entity types it points to, or <ENTITY> for any)",
                        only.written()
                    ),
                ));
            }
            [arg1, arg2, rest @ ..] => {
                if !rest.is_empty() {
                    notes.push(format!(
                        "relation `{name}` (line {}) has more than two arguments; Accord links two annotations, so only {} and {} are kept",
                        entry.line, arg1.role, arg2.role
                    ));
                }
                (*arg1, *arg2)
            }
        };
        let from = types.resolve(&arg1.types);
        let to = types.resolve(&arg2.types);
        record_undeclared(undeclared, &from, entry.line);
        record_undeclared(undeclared, &to, entry.line);
        let skipped: Vec<&String> = from.skipped.iter().chain(&to.skipped).collect();
        if from.is_nothing() || to.is_nothing() {
            if !left_out.contains(&name.as_str()) {
                left_out.push(name);
            }
            continue;
        }
        if !skipped.is_empty() {
            notes.push(format!(
                "relation `{name}` (line {}): Accord links annotations, not links, so {} was left out of its ends",
                entry.line,
                skipped.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
        let rel_type: Vec<&str> = entry
            .args
            .iter()
            .filter(|a| a.role == "<REL-TYPE>")
            .flat_map(|a| a.types.iter().flat_map(|t| t.split('-')))
            .collect();
        // brat reads an `Equiv` without `<REL-TYPE>` as an equivalence, for older files.
        let equiv = rel_type.is_empty() && name == "Equiv";
        let symmetric = equiv || rel_type.contains(&"symmetric");
        let transitive = equiv || rel_type.contains(&"transitive");
        let (from, to) = (from.ends(), to.ends());
        let pair = (
            from.clone().unwrap_or_default(),
            to.clone().unwrap_or_default(),
        );
        match drafts.iter_mut().find(|d| d.name == *name) {
            Some(draft) => {
                merge_ends(&mut draft.from, from);
                merge_ends(&mut draft.to, to);
                draft.pairs.insert(pair);
                draft.lines.push(entry.line);
                draft.symmetric |= symmetric;
                draft.transitive |= transitive;
            }
            None => drafts.push(RelationDraft {
                name: name.clone(),
                from,
                to,
                pairs: BTreeSet::from([pair]),
                lines: vec![entry.line],
                symmetric,
                transitive,
            }),
        }
    }
    // A relation with some lines kept is not left out.
    left_out.retain(|name| drafts.iter().all(|d| d.name != *name));
    if !left_out.is_empty() {
        notes.push(format!(
            "relations {} link no type that is a label here; they were left out",
            left_out.join(", ")
        ));
    }
    Ok(drafts
        .into_iter()
        .map(|d| {
            if d.pairs.len() > 1 {
                notes.push(format!(
                    "relation `{}` is declared on {} with different argument types; Accord keeps one kind that may link any of their Arg1 types to any of their Arg2 types",
                    d.name,
                    lines_list(&d.lines)
                ));
            }
            let description = match (d.symmetric, d.transitive) {
                (true, true) => {
                    "An equivalence in brat (symmetric and transitive): the order of the two ends does not matter."
                }
                (true, false) => "Symmetric in brat: the order of the two ends does not matter.",
                (false, true) => "Transitive in brat.",
                (false, false) => "",
            };
            RelationDef {
                name: d.name,
                from_labels: d.from.unwrap_or_default(),
                to_labels: d.to.unwrap_or_default(),
                description: description.to_owned(),
            }
        })
        .collect())
}

/// `Name Arg:TYPES` is a yes/no attribute, `Name Arg:TYPES, Value:A|B|C` an enum, on every
/// label TYPES stand for.
fn brat_attributes(
    conf: &BratConf,
    types: &BratTypes<'_>,
    labels: &mut [LabelDraft],
    undeclared: &mut BTreeMap<String, Vec<usize>>,
    notes: &mut Vec<String>,
) -> Result<(), ConfigError> {
    for entry in &conf.attributes {
        if entry.is_abstract {
            continue;
        }
        let name = &entry.name;
        let target = entry
            .args
            .iter()
            .find(|a| a.role == "Arg")
            .or_else(|| {
                entry
                    .args
                    .iter()
                    .find(|a| a.role != "Value" && !a.is_special())
            })
            .ok_or_else(|| {
                brat_error(
                    entry.line,
                    format!(
                        "attribute `{name}` does not say what it applies to; write it as `{name} Arg:<ENTITY>`, or name the types: `{name} Arg:Person|Organization`"
                    ),
                )
            })?;
        let kind = match entry.args.iter().find(|a| a.role == "Value") {
            Some(values) => AttributeKind::Enum {
                values: values.types.clone(),
            },
            None => AttributeKind::Bool,
        };
        let resolved = types.resolve(&target.types);
        record_undeclared(undeclared, &resolved, entry.line);
        if !resolved.skipped.is_empty() {
            notes.push(format!(
                "attribute `{name}` (line {}): Accord has attributes on labels only, so it is not on {}",
                entry.line,
                resolved.skipped.join(", ")
            ));
        }
        let applies_to: &[String] = if resolved.any {
            &types.all
        } else {
            &resolved.labels
        };
        if applies_to.is_empty() && resolved.skipped.is_empty() && resolved.undeclared.is_empty() {
            notes.push(format!(
                "attribute `{name}` (line {}) applies to {}, which has no label here; it was left out",
                entry.line,
                target.types.join("|")
            ));
        }
        for label in labels.iter_mut().filter(|l| applies_to.contains(&l.name)) {
            label.add_attribute(name, kind.clone(), notes);
        }
    }
    Ok(())
}

// --- Label Studio ---

/// The control tags whose `<Label>`s mark text: plain text, HTML, dialogue paragraphs.
const TEXT_LABEL_CONTROLS: [&str; 3] = ["Labels", "HyperTextLabels", "ParagraphLabels"];

/// Per-region controls Accord has no attribute kind for.
const OTHER_REGION_CONTROLS: [&str; 5] = ["Rating", "Number", "DateTime", "Taxonomy", "Ranker"];

/// Reads a Label Studio labelling config (XML): the `<Label>`s of `<Labels>`,
/// `<HyperTextLabels>` and `<ParagraphLabels>` become labels (value, background colour,
/// hotkey, hint as description), `<Relation>`s become relation kinds between any labels, and
/// per-region `<Choices>` and `<TextArea>`s become attributes: on the labels named by the
/// `whenLabelValue` of the control or of the `<View>` around it, else on every label. Choices
/// of exactly `true` and `false` are a yes/no attribute, other choices an enum (a choice's
/// `alias`, which Label Studio stores in its results, is the value); text areas are text.
///
/// Accord's own `config.xml` reads back to the labels, hotkeys, colours, relation kinds and
/// attributes it was written from, but for span-reference attributes: Accord writes those as
/// relations (and a text area when free text is allowed), so they come back as relation kinds
/// (and a text attribute). The layer is not in the file: every label comes back an entity.
pub fn read_label_studio_config(text: &str) -> Result<ImportedSchema, ConfigError> {
    let text = without_bom(text);
    let doc = roxmltree::Document::parse(text).map_err(|e| {
        let pos = e.pos();
        let message = e.to_string();
        let message = message
            .strip_suffix(&format!(" at {pos}"))
            .unwrap_or(&message);
        ConfigError::LabelStudio {
            line: pos.row,
            column: pos.col,
            message: format!(
                "not well-formed XML ({message}); close every tag and quote every attribute, as in <Label value=\"Person\"/>"
            ),
        }
    })?;
    let error_at = |node: roxmltree::Node<'_, '_>, message: String| {
        let pos = doc.text_pos_at(node.range().start);
        ConfigError::LabelStudio {
            line: pos.row,
            column: pos.col,
            message,
        }
    };
    let mut notes = Vec::new();
    let mut labels: Vec<LabelDraft> = Vec::new();
    // The labels of each label control, by its `name`, for `whenTagName`.
    let mut by_control: HashMap<&str, Vec<String>> = HashMap::new();
    let mut relations: Vec<RelationDef> = Vec::new();
    let mut skipped_tags = BTreeSet::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        if TEXT_LABEL_CONTROLS.contains(&tag) {
            let control = node.attribute("name").unwrap_or_default();
            let mut found = false;
            for label in node.children().filter(|n| n.has_tag_name("Label")) {
                found = true;
                let value = label
                    .attribute("value")
                    .filter(|v| !v.trim().is_empty())
                    .ok_or_else(|| {
                        error_at(
                            label,
                            "a <Label> has no value; write it as <Label value=\"Person\"/>".into(),
                        )
                    })?;
                by_control
                    .entry(control)
                    .or_default()
                    .push(value.to_owned());
                if labels.iter().any(|l| l.name == value) {
                    continue;
                }
                labels.push(label_studio_label(label, value, &mut notes));
            }
            if !found && node.attribute("value").is_some() {
                notes.push(format!(
                    "<{tag} name=\"{control}\"> loads its labels from each task; only labels written in the config can be read"
                ));
            }
        } else if tag.ends_with("Labels") {
            skipped_tags.insert(tag);
        } else if tag == "Relations" {
            for relation in node.children().filter(|n| n.has_tag_name("Relation")) {
                let value = relation
                    .attribute("value")
                    .filter(|v| !v.trim().is_empty())
                    .ok_or_else(|| {
                        error_at(
                            relation,
                            "a <Relation> has no value; write it as <Relation value=\"works_for\"/>"
                                .into(),
                        )
                    })?;
                if relations.iter().all(|r| r.name != value) {
                    // Label Studio does not say which labels a relation links.
                    relations.push(RelationDef {
                        name: value.to_owned(),
                        from_labels: Vec::new(),
                        to_labels: Vec::new(),
                        description: String::new(),
                    });
                }
            }
        }
    }
    for tag in skipped_tags {
        notes.push(format!(
            "<{tag}> marks images, audio or video, not text; its labels were skipped"
        ));
    }
    if labels.is_empty() {
        return Err(ConfigError::NoLabels {
            format: "Label Studio",
            advice: "add <Labels name=\"label\" toName=\"text\"><Label value=\"Person\"/></Labels>"
                .to_owned(),
        });
    }
    for node in doc.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        let per_region = node.attribute("perRegion") == Some("true");
        let control = node.attribute("name").unwrap_or_default();
        let kind = match tag {
            "Choices" | "TextArea" if !per_region => {
                notes.push(format!(
                    "<{tag} name=\"{control}\"> is about the whole task, not a region; Accord has no document attributes, so it was skipped"
                ));
                continue;
            }
            "TextArea" => AttributeKind::Text,
            "Choices" => match choices_kind(node, control, &mut notes) {
                Ok(Some(kind)) => kind,
                Ok(None) => continue,
                Err(message) => return Err(error_at(node, message)),
            },
            _ if per_region && OTHER_REGION_CONTROLS.contains(&tag) => {
                notes.push(format!(
                    "<{tag} name=\"{control}\"> has no attribute kind in Accord (enum, text, yes/no); it was skipped"
                ));
                continue;
            }
            _ => continue,
        };
        if control.is_empty() {
            return Err(error_at(
                node,
                format!("a per-region <{tag}> has no name; name it, e.g. name=\"comment\""),
            ));
        }
        let targets = region_targets(node, &labels, &by_control)
            .map_err(|(scope, message)| error_at(scope, message))?;
        // Accord writes a heading with the attribute's name above its control; another
        // tool's heading is guideline text.
        let header = node
            .prev_sibling_element()
            .filter(|n| n.has_tag_name("Header"))
            .and_then(|n| n.attribute("value"));
        for label in labels.iter_mut().filter(|l| targets.contains(&l.name)) {
            // Accord names a label's attribute control `LABEL.attribute`.
            let name = control
                .strip_prefix(label.name.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
                .filter(|rest| !rest.is_empty())
                .unwrap_or(control);
            let description = header.filter(|h| *h != name).unwrap_or_default().to_owned();
            label.add_attribute_described(name, kind.clone(), description, &mut notes);
        }
    }
    finish(labels, relations, notes)
}

/// A `<Label>` as a draft: its colour, hotkey and hint.
fn label_studio_label(
    label: roxmltree::Node<'_, '_>,
    value: &str,
    notes: &mut Vec<String>,
) -> LabelDraft {
    let mut draft = LabelDraft::new(value);
    if let Some(background) = label.attribute("background") {
        draft.color = css_colour(background);
        if draft.color.is_none() {
            notes.push(format!(
                "label {value:?}: background {background:?} is not #rrggbb, #rgb or a common colour name; it gets a palette colour"
            ));
        }
    }
    draft.hotkey = label.attribute("hotkey").map(str::to_owned);
    draft.description = label.attribute("hint").unwrap_or_default().to_owned();
    draft
}

/// The kind of a per-region `<Choices>`: yes/no for exactly `true` and `false`, else an enum.
/// `Ok(None)` when its choices come from the tasks; `Err` when a `<Choice>` has no value.
fn choices_kind(
    node: roxmltree::Node<'_, '_>,
    control: &str,
    notes: &mut Vec<String>,
) -> Result<Option<AttributeKind>, String> {
    let mut values: Vec<String> = Vec::new();
    for choice in node.children().filter(|n| n.has_tag_name("Choice")) {
        // Label Studio stores the alias, when there is one, in its results.
        let value = choice
            .attribute("alias")
            .or_else(|| choice.attribute("value"))
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| {
                format!(
                    "a <Choice> of <Choices name=\"{control}\"> has no value; write it as <Choice value=\"yes\"/>"
                )
            })?;
        if !values.iter().any(|v| v == value) {
            values.push(value.to_owned());
        }
    }
    if values.is_empty() {
        notes.push(format!(
            "<Choices name=\"{control}\"> lists no <Choice> (its choices come from the tasks); it was skipped"
        ));
        return Ok(None);
    }
    if values.len() == 2 && values.iter().all(|v| v == "true" || v == "false") {
        return Ok(Some(AttributeKind::Bool));
    }
    if node.attribute("choice") == Some("multiple") {
        notes.push(format!(
            "<Choices name=\"{control}\"> allows several choices; Accord's enum attribute holds one"
        ));
    }
    Ok(Some(AttributeKind::Enum { values }))
}

/// The labels a per-region control shows for: those named by `whenLabelValue` (comma
/// separated) on the control or the nearest element around it that says, else the labels of
/// the control named by `whenTagName`, else all. `Err` names the element and what is wrong.
fn region_targets<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    labels: &[LabelDraft],
    by_control: &HashMap<&str, Vec<String>>,
) -> Result<Vec<String>, (roxmltree::Node<'a, 'i>, String)> {
    let all = || labels.iter().map(|l| l.name.clone()).collect::<Vec<_>>();
    let Some(scope) = node
        .ancestors()
        .find(|n| n.attribute("whenLabelValue").is_some() || n.attribute("whenTagName").is_some())
    else {
        return Ok(all());
    };
    let Some(values) = scope.attribute("whenLabelValue") else {
        let tag_name = scope.attribute("whenTagName").unwrap_or_default();
        return Ok(by_control.get(tag_name).cloned().unwrap_or_else(all));
    };
    let mut targets = Vec::new();
    for value in values.split(',').map(str::trim).filter(|v| !v.is_empty()) {
        if labels.iter().all(|l| l.name != value) {
            let names: Vec<&str> = labels.iter().map(|l| l.name.as_str()).collect();
            return Err((
                scope,
                format!(
                    "whenLabelValue=\"{values}\" names {value:?}, which no <Label> has; use one of: {}",
                    names.join(", ")
                ),
            ));
        }
        targets.push(value.to_owned());
    }
    Ok(targets)
}

/// `#rrggbb`, `#rgb` or a CSS colour name Label Studio's templates use.
fn css_colour(written: &str) -> Option<Rgb> {
    let written = written.trim();
    if let Some(hex) = written.strip_prefix('#') {
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize| u8::from_str_radix(&hex[i..=i], 16).ok();
        return match hex.len() {
            6 => Rgb::try_from(format!("#{hex}")).ok(),
            // `#f80` is `#ff8800`.
            3 => Some(Rgb([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17])),
            _ => None,
        };
    }
    let name = written.to_ascii_lowercase();
    CSS_COLOURS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, rgb)| Rgb(rgb))
}

/// Common CSS colour names and their values (CSS Color Module, named colours).
const CSS_COLOURS: [(&str, [u8; 3]); 78] = [
    ("black", [0x00, 0x00, 0x00]),
    ("white", [0xff, 0xff, 0xff]),
    ("gray", [0x80, 0x80, 0x80]),
    ("grey", [0x80, 0x80, 0x80]),
    ("silver", [0xc0, 0xc0, 0xc0]),
    ("lightgray", [0xd3, 0xd3, 0xd3]),
    ("lightgrey", [0xd3, 0xd3, 0xd3]),
    ("darkgray", [0xa9, 0xa9, 0xa9]),
    ("darkgrey", [0xa9, 0xa9, 0xa9]),
    ("red", [0xff, 0x00, 0x00]),
    ("darkred", [0x8b, 0x00, 0x00]),
    ("crimson", [0xdc, 0x14, 0x3c]),
    ("firebrick", [0xb2, 0x22, 0x22]),
    ("maroon", [0x80, 0x00, 0x00]),
    ("tomato", [0xff, 0x63, 0x47]),
    ("coral", [0xff, 0x7f, 0x50]),
    ("salmon", [0xfa, 0x80, 0x72]),
    ("lightcoral", [0xf0, 0x80, 0x80]),
    ("lightsalmon", [0xff, 0xa0, 0x7a]),
    ("orangered", [0xff, 0x45, 0x00]),
    ("orange", [0xff, 0xa5, 0x00]),
    ("darkorange", [0xff, 0x8c, 0x00]),
    ("gold", [0xff, 0xd7, 0x00]),
    ("yellow", [0xff, 0xff, 0x00]),
    ("khaki", [0xf0, 0xe6, 0x8c]),
    ("goldenrod", [0xda, 0xa5, 0x20]),
    ("olive", [0x80, 0x80, 0x00]),
    ("yellowgreen", [0x9a, 0xcd, 0x32]),
    ("greenyellow", [0xad, 0xff, 0x2f]),
    ("chartreuse", [0x7f, 0xff, 0x00]),
    ("lime", [0x00, 0xff, 0x00]),
    ("limegreen", [0x32, 0xcd, 0x32]),
    ("lightgreen", [0x90, 0xee, 0x90]),
    ("green", [0x00, 0x80, 0x00]),
    ("darkgreen", [0x00, 0x64, 0x00]),
    ("forestgreen", [0x22, 0x8b, 0x22]),
    ("seagreen", [0x2e, 0x8b, 0x57]),
    ("mediumseagreen", [0x3c, 0xb3, 0x71]),
    ("springgreen", [0x00, 0xff, 0x7f]),
    ("olivedrab", [0x6b, 0x8e, 0x23]),
    ("teal", [0x00, 0x80, 0x80]),
    ("darkcyan", [0x00, 0x8b, 0x8b]),
    ("cyan", [0x00, 0xff, 0xff]),
    ("aqua", [0x00, 0xff, 0xff]),
    ("turquoise", [0x40, 0xe0, 0xd0]),
    ("aquamarine", [0x7f, 0xff, 0xd4]),
    ("lightseagreen", [0x20, 0xb2, 0xaa]),
    ("lightblue", [0xad, 0xd8, 0xe6]),
    ("skyblue", [0x87, 0xce, 0xeb]),
    ("lightskyblue", [0x87, 0xce, 0xfa]),
    ("deepskyblue", [0x00, 0xbf, 0xff]),
    ("dodgerblue", [0x1e, 0x90, 0xff]),
    ("cornflowerblue", [0x64, 0x95, 0xed]),
    ("steelblue", [0x46, 0x82, 0xb4]),
    ("royalblue", [0x41, 0x69, 0xe1]),
    ("blue", [0x00, 0x00, 0xff]),
    ("mediumblue", [0x00, 0x00, 0xcd]),
    ("darkblue", [0x00, 0x00, 0x8b]),
    ("navy", [0x00, 0x00, 0x80]),
    ("slateblue", [0x6a, 0x5a, 0xcd]),
    ("indigo", [0x4b, 0x00, 0x82]),
    ("purple", [0x80, 0x00, 0x80]),
    ("darkviolet", [0x94, 0x00, 0xd3]),
    ("blueviolet", [0x8a, 0x2b, 0xe2]),
    ("mediumpurple", [0x93, 0x70, 0xdb]),
    ("violet", [0xee, 0x82, 0xee]),
    ("orchid", [0xda, 0x70, 0xd6]),
    ("plum", [0xdd, 0xa0, 0xdd]),
    ("lavender", [0xe6, 0xe6, 0xfa]),
    ("magenta", [0xff, 0x00, 0xff]),
    ("fuchsia", [0xff, 0x00, 0xff]),
    ("pink", [0xff, 0xc0, 0xcb]),
    ("lightpink", [0xff, 0xb6, 0xc1]),
    ("hotpink", [0xff, 0x69, 0xb4]),
    ("deeppink", [0xff, 0x14, 0x93]),
    ("brown", [0xa5, 0x2a, 0x2a]),
    ("chocolate", [0xd2, 0x69, 0x1e]),
    ("tan", [0xd2, 0xb4, 0x8c]),
];

#[cfg(test)]
mod tests {
    use std::ops::ControlFlow;

    use super::*;
    use crate::formats::{Corpus, Format, export_corpus};
    use crate::schema::DEFAULT_SCHEMA_RON;

    /// The file `file` of an export of `schema` (no documents) to `format`.
    fn exported(schema: &Schema, format: Format, file: &str) -> String {
        let corpus = Corpus {
            name: "test".into(),
            annotator: "tester".into(),
            schema: schema.clone(),
            documents: Vec::new(),
            groups: Vec::new(),
        };
        let (files, _) =
            export_corpus(&corpus, format, &mut |_| ControlFlow::Continue(())).unwrap();
        let file = files.iter().find(|f| f.path == Path::new(file)).unwrap();
        String::from_utf8(file.bytes.clone()).unwrap()
    }

    /// The default schema with what it lacks: a yes/no and a text attribute, a relation
    /// between any labels.
    fn richer_default_schema() -> Schema {
        let mut schema = Schema::default_schema();
        let mut add = |label: &str, name: &str, kind| {
            let label = schema.labels.iter_mut().find(|l| l.name == label).unwrap();
            label.attributes.push(AttributeDef {
                name: name.into(),
                kind,
                required: false,
                description: String::new(),
            });
        };
        add("EVENT", "negated", AttributeKind::Bool);
        add("PERSON", "note", AttributeKind::Text);
        schema.relations.push(RelationDef {
            name: "related".into(),
            from_labels: Vec::new(),
            to_labels: Vec::new(),
            description: String::new(),
        });
        schema.check().unwrap();
        schema
    }

    fn label_names(schema: &Schema) -> Vec<&str> {
        schema.labels.iter().map(|l| l.name.as_str()).collect()
    }

    fn relation_names(schema: &Schema) -> Vec<&str> {
        schema.relations.iter().map(|r| r.name.as_str()).collect()
    }

    fn attributes(schema: &Schema, label: &str) -> Vec<(String, AttributeKind)> {
        schema
            .label(label)
            .unwrap()
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.kind.clone()))
            .collect()
    }

    fn enumeration(values: &[&str]) -> AttributeKind {
        AttributeKind::Enum {
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    /// The examples of brat's configuration manual (brat.nlplab.org/configuration.html) in one
    /// file: an is-a hierarchy under abstract `!` groups, a relation declared on two lines, an
    /// equivalence, an overlap rule, events, yes/no and multi-valued attributes.
    const BRAT_MANUAL_CONF: &str = "\
# brat's manual, put together
[entities]
!Living-thing
\tPerson
\tAnimal
\tPlant
!Nonliving-thing
\tBuilding
\tVehicle
Organization
\tCompany

[relations]
Family\tArg1:Person, Arg2:Person
Employment\tArg1:Person, Arg2:Organization
Located\tArg1:Person, Arg2:Building|Vehicle
Located\tArg1:Vehicle, Arg2:Building
Equiv\tArg1:Person, Arg2:Person, <REL-TYPE>:symmetric-transitive
<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>

[events]
Marriage\tParticipant1:Person, Participant2:Person
Bankruptcy\tOrg:Company

[attributes]
Negated\tArg:<EVENT>
Confidence\tArg:<EVENT>, Value:L1|L2|L3
Owned\tArg:Nonliving-thing
";

    #[test]
    fn brat_manual_example_reads_hierarchy_relations_events_and_attributes() {
        let read = read_brat_conf(BRAT_MANUAL_CONF).unwrap();
        let schema = &read.schema;
        // Abstract groups are not labels; events come after entities.
        assert_eq!(
            label_names(schema),
            [
                "Person",
                "Animal",
                "Plant",
                "Building",
                "Vehicle",
                "Organization",
                "Company",
                "Marriage",
                "Bankruptcy"
            ]
        );
        assert!(schema.labels.iter().all(|l| l.layer == Layer::Entity));
        assert_eq!(
            relation_names(schema),
            ["Family", "Employment", "Located", "Equiv"]
        );
        let located = schema.relation("Located").unwrap();
        assert_eq!(located.from_labels, ["Person", "Vehicle"]);
        assert_eq!(located.to_labels, ["Building", "Vehicle"]);
        // A type stands for the types indented under it too.
        assert_eq!(
            schema.relation("Employment").unwrap().to_labels,
            ["Organization", "Company"]
        );
        assert!(
            schema
                .relation("Equiv")
                .unwrap()
                .description
                .contains("equivalence")
        );
        assert_eq!(schema.relation("Family").unwrap().description, "");
        for event in ["Marriage", "Bankruptcy"] {
            assert_eq!(
                attributes(schema, event),
                [
                    ("Negated".to_owned(), AttributeKind::Bool),
                    ("Confidence".to_owned(), enumeration(&["L1", "L2", "L3"])),
                ]
            );
        }
        for thing in ["Building", "Vehicle"] {
            assert_eq!(
                attributes(schema, thing),
                [("Owned".to_owned(), AttributeKind::Bool)]
            );
        }
        assert!(attributes(schema, "Person").is_empty());
        assert!(
            schema
                .label("Marriage")
                .unwrap()
                .description
                .contains("Participant1:Person, Participant2:Person")
        );
        let hotkeys: String = schema.labels.iter().filter_map(|l| l.hotkey).collect();
        assert_eq!(hotkeys, "palbvocmn");
        // No colour in annotation.conf: the default schema's, in its order.
        let colours: Vec<Rgb> = schema.labels.iter().map(|l| l.color).collect();
        let default: Vec<Rgb> = Schema::default_schema()
            .labels
            .iter()
            .map(|l| l.color)
            .collect();
        assert_eq!(colours, default);
        assert!(
            read.notes.iter().any(|n| n.contains("`Located`")),
            "{:?}",
            read.notes
        );
        assert!(
            read.notes.iter().any(|n| n.contains("events")),
            "{:?}",
            read.notes
        );
    }

    /// brat's own example configuration, as shipped in its news tutorial
    /// (`example-data/tutorials/news/annotation.conf`, comments left out): a macro, abstract
    /// event groups, an equivalence written with `<REL-TYPE>`, attributes on `<ENTITY>` and
    /// `<EVENT>`.
    const BRAT_TUTORIAL_CONF: &str = "\
[entities]
Person
Organization
GPE
Money

[relations]
Located            Arg1:Person, Arg2:GPE
Geographical_part  Arg1:GPE,    Arg2:GPE
Family             Arg1:Person, Arg2:Person
Employment         Arg1:Person, Arg2:GPE
Ownership          Arg1:Person, Arg2:Organization
Origin             Arg1:Organization, Arg2:GPE

Alias              Arg1:Person, Arg2:Person, <REL-TYPE>:symmetric-transitive

[events]
<POG>=Person|Organization|GPE

!Life
\tBe-born   Person-Arg:Person, Place-Arg?:GPE
\tMarry     Person-Arg{2}:Person, Place-Arg?:GPE
\tDivorce   Person-Arg{2}:Person, Place-Arg?:GPE
\tDie       Person-Arg:Person, Agent-Arg?:<POG>, Place-Arg?:GPE
!Transaction
\tTransfer-ownership  Buyer-Arg:<POG>, Seller-Arg:<POG>, Artifact-Arg:Organization
\tTransfer-money\tGiver-Arg:<POG>, Recipient-Arg:<POG>, Beneficiary-Arg:<POG>, Money-Arg:Money
!Business
\tStart-org  Agent-Arg?:<POG>, Org-Arg:Organization
\tMerge-org  Org-Arg+:Organization
\tEnd-org    Org-Arg:Organization
Report Reporter-Arg:<POG>, Event-Arg:<EVENT>

[attributes]
Individual   Arg:<ENTITY>
Mention      Arg:<ENTITY>, Value:Name|Nominal|Other

Negation     Arg:<EVENT>
Confidence   Arg:<EVENT>, Value:High|Neutral|Low
";

    #[test]
    fn brat_tutorial_conf_reads_with_macros_and_event_groups() {
        let schema = from_brat_conf(BRAT_TUTORIAL_CONF).unwrap();
        assert_eq!(
            label_names(&schema),
            [
                "Person",
                "Organization",
                "GPE",
                "Money",
                "Be-born",
                "Marry",
                "Divorce",
                "Die",
                "Transfer-ownership",
                "Transfer-money",
                "Start-org",
                "Merge-org",
                "End-org",
                "Report"
            ]
        );
        assert_eq!(schema.relations.len(), 7);
        let located = schema.relation("Located").unwrap();
        assert_eq!(located.from_labels, ["Person"]);
        assert_eq!(located.to_labels, ["GPE"]);
        assert!(
            schema
                .relation("Alias")
                .unwrap()
                .description
                .contains("symmetric and transitive")
        );
        // `<ENTITY>` is the entity types only once there are events.
        for entity in ["Person", "Money"] {
            assert_eq!(
                attributes(&schema, entity),
                [
                    ("Individual".to_owned(), AttributeKind::Bool),
                    (
                        "Mention".to_owned(),
                        enumeration(&["Name", "Nominal", "Other"])
                    ),
                ]
            );
        }
        assert_eq!(
            attributes(&schema, "Die"),
            [
                ("Negation".to_owned(), AttributeKind::Bool),
                (
                    "Confidence".to_owned(),
                    enumeration(&["High", "Neutral", "Low"])
                ),
            ]
        );
        // The macro is expanded where it is used.
        assert!(
            schema
                .label("Die")
                .unwrap()
                .description
                .contains("Agent-Arg?:Person|Organization|GPE")
        );
    }

    #[test]
    fn accord_annotation_conf_reads_back_to_the_same_names() {
        let schema = richer_default_schema();
        let conf = exported(&schema, Format::Brat, "annotation.conf");
        let read = read_brat_conf(&conf).unwrap().schema;
        assert_eq!(label_names(&read), label_names(&schema));
        // brat has no place for a relation's guideline text.
        for relation in &schema.relations {
            let read = read.relation(&relation.name).unwrap();
            assert_eq!(read.from_labels, relation.from_labels, "{conf}");
            assert_eq!(read.to_labels, relation.to_labels, "{conf}");
        }
        // brat has no span references: Accord writes them as relations from their label.
        let mut expected_relations = relation_names(&schema);
        expected_relations.extend(["actors", "deadline", "target"]);
        assert_eq!(relation_names(&read), expected_relations);
        let actors = read.relation("actors").unwrap();
        assert_eq!(actors.from_labels, ["COMMITMENT"]);
        assert_eq!(actors.to_labels, ["COUNTRY", "ORG", "PERSON"]);
        for label in &schema.labels {
            // Enum and yes/no attributes are written; text ones brat cannot hold.
            let expected: Vec<(String, AttributeKind)> = label
                .attributes
                .iter()
                .filter(|a| matches!(a.kind, AttributeKind::Enum { .. } | AttributeKind::Bool))
                .map(|a| (a.name.clone(), a.kind.clone()))
                .collect();
            assert_eq!(attributes(&read, &label.name), expected, "{}", label.name);
        }
    }

    #[test]
    fn accord_label_studio_config_reads_back_to_the_same_labels() {
        let schema = richer_default_schema();
        let xml = exported(&schema, Format::LabelStudio, "config.xml");
        let read = read_label_studio_config(&xml).unwrap().schema;
        assert_eq!(label_names(&read), label_names(&schema));
        for (read, written) in read.labels.iter().zip(&schema.labels) {
            assert_eq!(read.hotkey, written.hotkey, "{}", written.name);
            assert_eq!(read.color, written.color, "{}", written.name);
        }
        // Span references are relations in Label Studio; its relations link any labels.
        let mut expected_relations = relation_names(&schema);
        expected_relations.extend(["actors", "target", "deadline"]);
        assert_eq!(relation_names(&read), expected_relations);
        assert!(
            read.relations
                .iter()
                .all(|r| r.from_labels.is_empty() && r.to_labels.is_empty())
        );
        for label in &schema.labels {
            // A span reference that allows free text is also written as a text area.
            let expected: Vec<(String, AttributeKind)> = label
                .attributes
                .iter()
                .filter_map(|a| match &a.kind {
                    AttributeKind::SpanRef {
                        text_allowed: true, ..
                    } => Some((a.name.clone(), AttributeKind::Text)),
                    AttributeKind::SpanRef { .. } => None,
                    kind => Some((a.name.clone(), kind.clone())),
                })
                .collect();
            assert_eq!(attributes(&read, &label.name), expected, "{}", label.name);
            assert!(
                read.label(&label.name)
                    .unwrap()
                    .attributes
                    .iter()
                    .all(|a| a.description.is_empty()),
                "Accord's headers repeat the attribute name, not guideline text"
            );
        }
    }

    /// Label Studio's "Named Entity Recognition" template, as its documentation gives it.
    const LABEL_STUDIO_NER: &str = r#"<View>
  <Labels name="label" toName="text">
    <Label value="PER" background="red"/>
    <Label value="ORG" background="darkorange"/>
    <Label value="LOC" background="orange"/>
    <Label value="MISC" background="green"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>
"#;

    #[test]
    fn label_studio_ner_template_reads_with_its_colours() {
        let read = read_label_studio_config(LABEL_STUDIO_NER).unwrap();
        let schema = &read.schema;
        assert_eq!(label_names(schema), ["PER", "ORG", "LOC", "MISC"]);
        let colours: Vec<String> = schema.labels.iter().map(|l| l.color.into()).collect();
        assert_eq!(colours, ["#ff0000", "#ff8c00", "#ffa500", "#008000"]);
        let hotkeys: String = schema.labels.iter().filter_map(|l| l.hotkey).collect();
        assert_eq!(hotkeys, "polm");
        assert!(schema.relations.is_empty());
        assert!(read.notes.is_empty(), "{:?}", read.notes);

        let long_names = r##"<View>
  <Labels name="label" toName="text">
    <Label value="Person" background="#FFA39E"/>
    <Label value="Organization" background="#f80"/>
    <Label value="Location" background="rgb(1, 2, 3)"/>
    <Label value="Misc"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>"##;
        let read = read_label_studio_config(long_names).unwrap();
        let colours: Vec<String> = read.schema.labels.iter().map(|l| l.color.into()).collect();
        // What is not a colour Accord reads gets the palette's first colours.
        assert_eq!(colours, ["#ffa39e", "#ff8800", "#e6194b", "#3cb44b"]);
        assert!(
            read.notes.iter().any(|n| n.contains("rgb(1, 2, 3)")),
            "{:?}",
            read.notes
        );
    }

    #[test]
    fn label_studio_per_region_controls_become_attributes() {
        let xml = r##"<View>
  <Labels name="ner" toName="text">
    <Label value="Person" hotkey="1"/>
    <Label value="Place" hotkey="p"/>
    <Label value="Drug" background="#ff0000" hint="A medicine, by brand or generic name"/>
  </Labels>
  <Text name="text" value="$text"/>
  <Relations>
    <Relation value="lives_in"/>
    <Relation value="prescribed_to"/>
  </Relations>
  <View visibleWhen="region-selected" whenLabelValue="Drug">
    <Header value="How sure is the text?"/>
    <Choices name="certainty" toName="text" perRegion="true" choice="multiple">
      <Choice value="certain"/>
      <Choice value="Possible" alias="possible"/>
    </Choices>
    <Choices name="negated" toName="text" perRegion="true">
      <Choice value="true"/>
      <Choice value="false"/>
    </Choices>
  </View>
  <View visibleWhen="region-selected" whenLabelValue="Person, Place">
    <TextArea name="comment" toName="text" perRegion="true"/>
  </View>
  <TextArea name="note" toName="text" perRegion="true"/>
  <Choices name="sentiment" toName="text">
    <Choice value="positive"/>
    <Choice value="negative"/>
  </Choices>
  <Rating name="quality" toName="text" perRegion="true"/>
</View>"##;
        let read = read_label_studio_config(xml).unwrap();
        let schema = &read.schema;
        assert_eq!(label_names(schema), ["Person", "Place", "Drug"]);
        let hotkeys: Vec<Option<char>> = schema.labels.iter().map(|l| l.hotkey).collect();
        // "1" is not a letter; "p" belongs to Place, which gave it.
        assert_eq!(hotkeys, [Some('e'), Some('p'), Some('d')]);
        let drug = schema.label("Drug").unwrap();
        assert_eq!(String::from(drug.color), "#ff0000");
        assert_eq!(drug.description, "A medicine, by brand or generic name");
        assert_eq!(
            attributes(schema, "Drug"),
            [
                (
                    "certainty".to_owned(),
                    enumeration(&["certain", "possible"])
                ),
                ("negated".to_owned(), AttributeKind::Bool),
                ("note".to_owned(), AttributeKind::Text),
            ]
        );
        assert_eq!(drug.attributes[0].description, "How sure is the text?");
        for label in ["Person", "Place"] {
            assert_eq!(
                attributes(schema, label),
                [
                    ("comment".to_owned(), AttributeKind::Text),
                    ("note".to_owned(), AttributeKind::Text),
                ]
            );
        }
        assert_eq!(relation_names(schema), ["lives_in", "prescribed_to"]);
        for expected in ["\"1\"", "several choices", "sentiment", "quality"] {
            assert!(
                read.notes.iter().any(|n| n.contains(expected)),
                "{expected}: {:?}",
                read.notes
            );
        }
    }

    #[test]
    fn many_labels_get_distinct_colours_and_free_letters() {
        let mut conf = String::from("[entities]\n");
        for n in 1..=20 {
            conf.push_str(&format!("Type{n}\n"));
        }
        conf.push_str("Apple\navocado\n");
        let schema = from_brat_conf(&conf).unwrap();
        let colours: HashSet<Rgb> = schema.labels.iter().map(|l| l.color).collect();
        assert_eq!(colours.len(), 22);
        assert_eq!(schema.labels[16].color, PALETTE[16]);
        let hotkeys: Vec<Option<char>> = schema.labels.iter().map(|l| l.hotkey).collect();
        // t, y, p, e go to the first four; later types have no letter left.
        assert_eq!(
            &hotkeys[..5],
            [Some('t'), Some('y'), Some('p'), Some('e'), None]
        );
        // Case does not matter: `avocado` cannot have `a` once `Apple` has it.
        assert_eq!(&hotkeys[20..], [Some('a'), Some('v')]);
    }

    /// The error of reading `conf`, which must fail.
    fn brat_error_of(conf: &str) -> (usize, String) {
        match read_brat_conf(conf) {
            Err(ConfigError::Brat { line, message }) => (line, message),
            other => panic!("expected a line error, got {other:?}"),
        }
    }

    #[test]
    fn broken_brat_lines_are_named_with_what_to_write() {
        let entities = "[entities]\nPerson\nLocation\n[relations]\n";
        let (line, message) = brat_error_of(&format!("{entities}Located Arg1:Person\n"));
        assert_eq!(line, 5);
        assert!(
            message.contains(
                "relation `Located` has no Arg2; write it as `Located Arg1:Person, Arg2:TYPE`"
            ),
            "{message}"
        );
        let err = read_brat_conf(&format!("{entities}Located Arg1:Person\n")).unwrap_err();
        assert!(
            err.to_string().starts_with("line 5: relation `Located`"),
            "{err}"
        );

        let (line, message) =
            brat_error_of(&format!("{entities}Located Arg1Person, Arg2:Location\n"));
        assert_eq!(line, 5);
        assert!(
            message.contains("`Arg1Person`") && message.contains("Arg1:Person"),
            "{message}"
        );

        let (line, message) = brat_error_of("[entities]\nPerson\n[events]\nDie Agent:<POG>\n");
        assert_eq!(line, 4);
        assert!(message.contains("<POG>="), "{message}");

        let (line, message) = brat_error_of("[entities]\nPerson\n\t\tChild\n");
        assert_eq!(line, 3);
        assert!(message.contains("no parent"), "{message}");

        let (line, _) = brat_error_of("Person\n[entities]\n");
        assert_eq!(line, 1);

        let (line, message) = brat_error_of("[entities]\nMeeting\n[events]\nMeeting Who:Meeting\n");
        assert_eq!(line, 4);
        assert!(
            message.contains("line 2") && message.contains("rename"),
            "{message}"
        );

        let (line, message) = brat_error_of("[entities]\nA\n[attributes]\nNegated Value:yes|no\n");
        assert_eq!(line, 4);
        assert!(message.contains("`Negated Arg:<ENTITY>`"), "{message}");
    }

    #[test]
    fn undeclared_types_are_left_out_as_brat_ignores_them() {
        // brat's own CoNLL-X and ACE configurations name types no section declares.
        let conf = "[entities]\nPerson\nPlace\n[relations]\nNear Arg1:Person, Arg2:Place|Plcae\nACC Arg1:Span, Arg2:Span\nACC2 Arg1:Span, Arg2:Person\n[attributes]\nNegated Arg:Person|Span\n";
        let read = read_brat_conf(conf).unwrap();
        assert_eq!(relation_names(&read.schema), ["Near"]);
        assert_eq!(read.schema.relation("Near").unwrap().to_labels, ["Place"]);
        assert_eq!(
            attributes(&read.schema, "Person"),
            [("Negated".to_owned(), AttributeKind::Bool)]
        );
        let notes = read.notes.join("\n");
        assert!(notes.contains("`Plcae` (line 5)"), "{notes}");
        assert!(notes.contains("`Span` (lines 6, 7, 9)"), "{notes}");
        assert!(
            notes.contains("relations ACC, ACC2 link no type"),
            "{notes}"
        );
    }

    #[test]
    fn a_configuration_without_labels_says_so() {
        let err = read_brat_conf("[entities]\n!Group\n[relations]\n[events]\n[attributes]\n")
            .unwrap_err();
        assert!(
            matches!(err, ConfigError::NoLabels { format: "brat", .. }),
            "{err}"
        );
        assert!(err.to_string().contains("declares no label"), "{err}");
        let visual = "[labels]\nPerson | Person\n[drawing]\nPerson\tbgColor:#ffccaa\n";
        let err = read_brat_conf(visual).unwrap_err();
        assert!(err.to_string().contains("visual.conf"), "{err}");
        let err = read_label_studio_config("<View><Text name=\"text\" value=\"$text\"/></View>")
            .unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::NoLabels {
                    format: "Label Studio",
                    ..
                }
            ),
            "{err}"
        );
    }

    /// The position of reading `xml`, which must fail.
    fn label_studio_error_of(xml: &str) -> (u32, u32, String) {
        match read_label_studio_config(xml) {
            Err(ConfigError::LabelStudio {
                line,
                column,
                message,
            }) => (line, column, message),
            other => panic!("expected a positioned error, got {other:?}"),
        }
    }

    #[test]
    fn broken_label_studio_configs_are_placed() {
        let unclosed = "<View>\n  <Labels name=\"label\" toName=\"text\">\n    <Label value=\"A\">\n  </Labels>\n</View>";
        let (line, _, message) = label_studio_error_of(unclosed);
        assert_eq!(line, 4);
        assert!(message.contains("not well-formed XML"), "{message}");

        let no_value = "<View>\n  <Labels name=\"label\" toName=\"text\">\n    <Label background=\"red\"/>\n  </Labels>\n</View>";
        let (line, column, message) = label_studio_error_of(no_value);
        assert_eq!((line, column), (3, 5));
        assert!(message.contains("<Label value=\"Person\"/>"), "{message}");

        let unknown_label = r#"<View>
  <Labels name="label" toName="text"><Label value="Person"/></Labels>
  <View visibleWhen="region-selected" whenLabelValue="Persn">
    <TextArea name="note" toName="text" perRegion="true"/>
  </View>
</View>"#;
        let (line, column, message) = label_studio_error_of(unknown_label);
        assert_eq!((line, column), (3, 3));
        assert!(
            message.contains("\"Persn\"") && message.contains("Person"),
            "{message}"
        );
    }

    #[test]
    fn config_files_are_read_by_extension_then_content() {
        let conf = from_config_file(Path::new("annotation.conf"), BRAT_MANUAL_CONF).unwrap();
        assert_eq!(conf.labels[0].name, "Person");
        for name in ["config.xml", "labels.txt"] {
            let schema = from_config_file(Path::new(name), LABEL_STUDIO_NER).unwrap();
            assert_eq!(
                label_names(&schema),
                ["PER", "ORG", "LOC", "MISC"],
                "{name}"
            );
        }
        let ron = from_config_file(Path::new("schema.ron"), DEFAULT_SCHEMA_RON).unwrap();
        assert_eq!(ron, Schema::default_schema());
        let err =
            from_config_file(Path::new("schema.ron"), "(labels: [\n  (name: )\n])").unwrap_err();
        assert!(
            matches!(err, ConfigError::Schema(SchemaError::Parse { line: 2, .. })),
            "{err:?}"
        );
        let err = from_config_file(Path::new("notes.txt"), "just some words").unwrap_err();
        assert!(matches!(err, ConfigError::UnknownFormat { .. }), "{err:?}");
        assert!(err.to_string().contains("annotation.conf (.conf)"), "{err}");
    }
}
