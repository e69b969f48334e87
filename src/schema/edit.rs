//! Changes to the label set as values, for the label-set editor and its undo. Like an
//! annotation [`crate::edit::Edit`], a [`SchemaEdit`] applied to a [`Schema`] returns the edit
//! that undoes it; an edit that is refused leaves the schema exactly as it was.
//!
//! Only the schema changes here. Annotation and link files also name labels, attributes,
//! values and relation kinds; carrying a rename or a removal over to them, and counting what
//! a removal would leave without a label, is done by the callers.
//!
//! ```text
//! RenameLabel ORG → ORGANISATION      the label, and every list of labels that names it:
//!                                     span-reference attributes, relations' from/to labels,
//!                                     cross-document kinds' labels
//! RemoveLabel ORG                     the label, and ORG in those lists; undone by
//!   ⇄ RestoreLabel { at, ORG, refs }  RestoreLabel, which puts both back where they were
//! ```

use std::fmt;

use thiserror::Error;

use super::{AttributeKind, GroupKindDef, LabelDef, RelationDef, Schema, SchemaError};

/// One change to a schema's labels, relation kinds or cross-document kinds.
///
/// Positions (`at`, `to`) are 0-based indices into the list. Names given for something new
/// (an added item, the `to` of a rename) are trimmed; names that look something up must match
/// exactly. So the one inverse that is not exact: renaming a hand-written name with spaces
/// around it (`" ORG"`) and undoing gives it back trimmed, references included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaEdit {
    /// Inserts a label at palette position `at` (the number of labels appends it).
    AddLabel {
        /// Where in the palette.
        at: usize,
        /// The new label.
        label: LabelDef,
    },
    /// Removes a label, and its name from every list of labels that names it.
    ///
    /// Refused when that would leave such a list empty, because an empty list means "any
    /// label": a relation that may only start from PERSON would, with PERSON removed, start
    /// from anything, and span references that may only point at DATE could point at
    /// anything. Removing the relation or attribute instead (and restoring it on undo) would
    /// silently drop a kind of link or attribute the annotation files use, so the user is
    /// told to change that list first, which is a decision they can see.
    RemoveLabel {
        /// Which label.
        name: String,
    },
    /// Puts back a removed label and its name in the lists it was dropped from: the inverse
    /// of [`SchemaEdit::RemoveLabel`].
    RestoreLabel {
        /// Its palette position.
        at: usize,
        /// The label as it was.
        label: LabelDef,
        /// Where its name stood in lists of labels, each list in ascending index order.
        references: Vec<LabelReference>,
    },
    /// Renames a label and every reference to it: span-reference attributes' labels,
    /// relations' from and to labels, cross-document kinds' labels.
    RenameLabel {
        /// The current name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Replaces a label's colour, hotkey, layer, description and attributes. Its name must
    /// stay `name`: a rename goes through [`SchemaEdit::RenameLabel`], which updates the
    /// references.
    SetLabel {
        /// Which label.
        name: String,
        /// Its new definition.
        label: LabelDef,
    },
    /// Moves a label to another palette position (the digit keys follow palette order).
    MoveLabel {
        /// Which label.
        name: String,
        /// Its position afterwards.
        to: usize,
    },
    /// Renames one attribute of a label.
    RenameAttribute {
        /// The label.
        label: String,
        /// The attribute's current name.
        from: String,
        /// Its new name.
        to: String,
    },
    /// Renames one value of an enum attribute, keeping its place in the menu.
    RenameEnumValue {
        /// The label.
        label: String,
        /// The enum attribute.
        attribute: String,
        /// The value as it is.
        from: String,
        /// The value as it will be.
        to: String,
    },
    /// Inserts a relation kind at position `at`.
    AddRelation {
        /// Where in the list.
        at: usize,
        /// The new relation kind.
        relation: RelationDef,
    },
    /// Removes a relation kind.
    RemoveRelation {
        /// Which relation kind.
        name: String,
    },
    /// Replaces a relation kind's labels and description; its name must stay `name`.
    SetRelation {
        /// Which relation kind.
        name: String,
        /// Its new definition.
        relation: RelationDef,
    },
    /// Renames a relation kind.
    RenameRelation {
        /// The current name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Inserts a cross-document kind at position `at`.
    AddGroupKind {
        /// Where in the list.
        at: usize,
        /// The new kind.
        kind: GroupKindDef,
    },
    /// Removes a cross-document kind.
    RemoveGroupKind {
        /// Which kind.
        name: String,
    },
    /// Replaces a cross-document kind's labels and description; its name must stay `name`.
    SetGroupKind {
        /// Which kind.
        name: String,
        /// Its new definition.
        kind: GroupKindDef,
    },
    /// Renames a cross-document kind.
    RenameGroupKind {
        /// The current name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Several edits applied in order as one: all or none. Each must leave a schema that
    /// passes [`Schema::check`], so its inverse (the inverses in reverse order) passes
    /// through the same schemas backwards.
    Batch(Vec<SchemaEdit>),
}

/// A list of label names in a schema: the labels something accepts (empty means any).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabelList {
    /// The labels a span-reference attribute may point at.
    SpanRef {
        /// The label that has the attribute.
        label: String,
        /// The attribute.
        attribute: String,
    },
    /// The labels a relation kind may start from.
    RelationFrom(String),
    /// The labels a relation kind may point to.
    RelationTo(String),
    /// The labels a cross-document kind may group.
    GroupKind(String),
}

/// Where a label's name stood in a [`LabelList`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelReference {
    /// The list.
    pub list: LabelList,
    /// The name's index in it.
    pub index: usize,
}

/// What a name in an error belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefinitionKind {
    /// A label.
    Label,
    /// A relation kind.
    Relation,
    /// A cross-document kind.
    GroupKind,
}

impl fmt::Display for DefinitionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DefinitionKind::Label => "label",
            DefinitionKind::Relation => "relation",
            DefinitionKind::GroupKind => "cross-document kind",
        })
    }
}

impl fmt::Display for LabelList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabelList::SpanRef { label, attribute } => {
                write!(
                    f,
                    "the labels attribute {attribute} of {label} may point at"
                )
            }
            LabelList::RelationFrom(name) => write!(f, "the labels relation {name} may start from"),
            LabelList::RelationTo(name) => write!(f, "the labels relation {name} may point to"),
            LabelList::GroupKind(name) => {
                write!(f, "the labels cross-document kind {name} may group")
            }
        }
    }
}

/// Why a schema edit was refused. The schema is unchanged.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SchemaEditError {
    /// Nothing of that kind has this name.
    #[error("no {item} called {name}")]
    NotFound {
        /// Label, relation or cross-document kind.
        item: DefinitionKind,
        /// The name looked for.
        name: String,
    },
    /// A new name that another of its kind already has.
    #[error("a {item} called {name} exists already")]
    Exists {
        /// Label, relation or cross-document kind.
        item: DefinitionKind,
        /// The name.
        name: String,
    },
    /// A new name that is empty once trimmed.
    #[error("{0} cannot be empty")]
    EmptyName(&'static str),
    /// A `Set…` edit whose new definition has another name.
    #[error("changing {item} {name} cannot rename it to {new_name}; rename it instead")]
    NameChanged {
        /// Label, relation or cross-document kind.
        item: DefinitionKind,
        /// The name it has.
        name: String,
        /// The name the new definition has.
        new_name: String,
    },
    /// A position past the end of its list.
    #[error("position {} is past the end of a list of {len}", .at + 1)]
    NoSuchPosition {
        /// The 0-based position asked for.
        at: usize,
        /// How long the list is.
        len: usize,
    },
    /// The label has no attribute of this name.
    #[error("{label} has no attribute called {attribute}")]
    NoSuchAttribute {
        /// The label.
        label: String,
        /// The attribute looked for.
        attribute: String,
    },
    /// A new attribute name the label already has.
    #[error("{label} has an attribute called {attribute} already")]
    AttributeExists {
        /// The label.
        label: String,
        /// The name.
        attribute: String,
    },
    /// Values were asked of an attribute that is not a list of values.
    #[error("attribute {attribute} of {label} is not a list of values")]
    NotAnEnum {
        /// The label.
        label: String,
        /// The attribute.
        attribute: String,
    },
    /// The enum attribute has no such value.
    #[error("attribute {attribute} of {label} has no value {value}")]
    NoSuchValue {
        /// The label.
        label: String,
        /// The attribute.
        attribute: String,
        /// The value looked for.
        value: String,
    },
    /// A new value the enum attribute already has.
    #[error("attribute {attribute} of {label} has a value {value} already")]
    ValueExists {
        /// The label.
        label: String,
        /// The attribute.
        attribute: String,
        /// The value.
        value: String,
    },
    /// A hotkey another label has (hotkeys are case-insensitive).
    #[error("hotkey '{key}' is taken by {label}")]
    HotkeyTaken {
        /// The key.
        key: char,
        /// The label that has it.
        label: String,
    },
    /// Removing the label would empty a list of labels, which would then accept any label.
    #[error("{}", widening_message(.list, .label))]
    WouldAcceptAny {
        /// The label to be removed.
        label: String,
        /// The list that names only it.
        list: LabelList,
    },
    /// A [`SchemaEdit::RestoreLabel`] names a list the schema does not have.
    #[error("cannot put {label} back among {list}: there is no such list")]
    NoSuchList {
        /// The label being restored.
        label: String,
        /// The list.
        list: LabelList,
    },
    /// The schema afterwards would not hold together (a digit hotkey, an enum without
    /// values, a reference to an unknown label, …).
    #[error("{}", schema_problem(.0))]
    Invalid(#[from] SchemaError),
}

fn widening_message(list: &LabelList, label: &str) -> String {
    let (only, owner) = match list {
        LabelList::SpanRef {
            label: owner,
            attribute,
        } => (
            format!("attribute {attribute} of {owner} may only point at {label}"),
            "that attribute",
        ),
        LabelList::RelationFrom(name) => (
            format!("relation {name} may only start from {label}"),
            "the relation",
        ),
        LabelList::RelationTo(name) => (
            format!("relation {name} may only point to {label}"),
            "the relation",
        ),
        LabelList::GroupKind(name) => (
            format!("cross-document kind {name} may only group {label}"),
            "that kind",
        ),
    };
    format!("{only}; without {label} it would accept any label. Change or remove {owner} first")
}

/// [`SchemaError`]'s message without its "schema: " prefix: here the user is editing the
/// schema, so the prefix says nothing.
fn schema_problem(error: &SchemaError) -> String {
    match error {
        SchemaError::Invalid(message) => message.clone(),
        other => other.to_string(),
    }
}

impl SchemaEdit {
    /// Applies the edit to `schema` and returns the edit that undoes it exactly. The schema
    /// afterwards passes [`Schema::check`]; otherwise nothing changes and the error says why.
    pub fn apply(self, schema: &mut Schema) -> Result<SchemaEdit, SchemaEditError> {
        // Work on a copy, so that an edit refused halfway (a batch, a restore) leaves no
        // trace; a schema is a few dozen small definitions.
        let mut changed = schema.clone();
        let inverse = self.apply_checked(&mut changed)?;
        *schema = changed;
        Ok(inverse)
    }

    /// One line for the undo menu and the status bar, e.g. "rename label ORG → ORGANISATION".
    pub fn describe(&self) -> String {
        match self {
            SchemaEdit::AddLabel { label, .. } => format!("add label {}", label.name.trim()),
            SchemaEdit::RemoveLabel { name } => format!("remove label {name}"),
            SchemaEdit::RestoreLabel { label, .. } => format!("restore label {}", label.name),
            SchemaEdit::RenameLabel { from, to } => format!("rename label {from} → {}", to.trim()),
            SchemaEdit::SetLabel { name, .. } => format!("change label {name}"),
            SchemaEdit::MoveLabel { name, to } => {
                format!("move label {name} to position {}", to + 1)
            }
            SchemaEdit::RenameAttribute { label, from, to } => {
                format!("rename attribute {from} of {label} → {}", to.trim())
            }
            SchemaEdit::RenameEnumValue {
                label,
                attribute,
                from,
                to,
            } => format!(
                "rename value {from} of {label}'s {attribute} → {}",
                to.trim()
            ),
            SchemaEdit::AddRelation { relation, .. } => {
                format!("add relation {}", relation.name.trim())
            }
            SchemaEdit::RemoveRelation { name } => format!("remove relation {name}"),
            SchemaEdit::SetRelation { name, .. } => format!("change relation {name}"),
            SchemaEdit::RenameRelation { from, to } => {
                format!("rename relation {from} → {}", to.trim())
            }
            SchemaEdit::AddGroupKind { kind, .. } => {
                format!("add cross-document kind {}", kind.name.trim())
            }
            SchemaEdit::RemoveGroupKind { name } => format!("remove cross-document kind {name}"),
            SchemaEdit::SetGroupKind { name, .. } => format!("change cross-document kind {name}"),
            SchemaEdit::RenameGroupKind { from, to } => {
                format!("rename cross-document kind {from} → {}", to.trim())
            }
            SchemaEdit::Batch(edits) => match edits.as_slice() {
                [] => "no change".to_owned(),
                [one] => one.describe(),
                several => several
                    .iter()
                    .map(SchemaEdit::describe)
                    .collect::<Vec<_>>()
                    .join("; "),
            },
        }
    }

    /// Applies the edit (each step of a batch) and checks the result. On error `schema` may
    /// be half changed: [`SchemaEdit::apply`] then drops it.
    fn apply_checked(self, schema: &mut Schema) -> Result<SchemaEdit, SchemaEditError> {
        let inverse = self.apply_unchecked(schema)?;
        schema.check()?;
        Ok(inverse)
    }

    fn apply_unchecked(self, schema: &mut Schema) -> Result<SchemaEdit, SchemaEditError> {
        Ok(match self {
            SchemaEdit::AddLabel { at, label } => {
                let name = insert_new(&mut schema.labels, at, label)?;
                check_hotkey_free(&schema.labels, at)?;
                SchemaEdit::RemoveLabel { name }
            }
            SchemaEdit::RemoveLabel { name } => remove_label(schema, name)?,
            SchemaEdit::RestoreLabel {
                at,
                label,
                references,
            } => restore_label(schema, at, label, references)?,
            SchemaEdit::RenameLabel { from, to } => {
                let to = rename(&mut schema.labels, &from, &to)?;
                for names in label_lists_mut(schema) {
                    for name in names.iter_mut().filter(|n| **n == from) {
                        name.clone_from(&to);
                    }
                }
                SchemaEdit::RenameLabel { from: to, to: from }
            }
            SchemaEdit::SetLabel { name, label } => {
                let (at, old) = replace(&mut schema.labels, &name, label)?;
                check_hotkey_free(&schema.labels, at)?;
                SchemaEdit::SetLabel { name, label: old }
            }
            SchemaEdit::MoveLabel { name, to } => {
                let from = position(&schema.labels, &name)?;
                let len = schema.labels.len();
                if to >= len {
                    return Err(SchemaEditError::NoSuchPosition { at: to, len });
                }
                let label = schema.labels.remove(from);
                schema.labels.insert(to, label);
                SchemaEdit::MoveLabel { name, to: from }
            }
            SchemaEdit::RenameAttribute { label, from, to } => {
                let to = rename_attribute(schema, &label, &from, &to)?;
                SchemaEdit::RenameAttribute {
                    label,
                    from: to,
                    to: from,
                }
            }
            SchemaEdit::RenameEnumValue {
                label,
                attribute,
                from,
                to,
            } => {
                let to = rename_enum_value(schema, &label, &attribute, &from, &to)?;
                SchemaEdit::RenameEnumValue {
                    label,
                    attribute,
                    from: to,
                    to: from,
                }
            }
            SchemaEdit::AddRelation { at, relation } => SchemaEdit::RemoveRelation {
                name: insert_new(&mut schema.relations, at, relation)?,
            },
            SchemaEdit::RemoveRelation { name } => {
                let at = position(&schema.relations, &name)?;
                SchemaEdit::AddRelation {
                    at,
                    relation: schema.relations.remove(at),
                }
            }
            SchemaEdit::SetRelation { name, relation } => SchemaEdit::SetRelation {
                relation: replace(&mut schema.relations, &name, relation)?.1,
                name,
            },
            SchemaEdit::RenameRelation { from, to } => SchemaEdit::RenameRelation {
                from: rename(&mut schema.relations, &from, &to)?,
                to: from,
            },
            SchemaEdit::AddGroupKind { at, kind } => SchemaEdit::RemoveGroupKind {
                name: insert_new(&mut schema.cross_document, at, kind)?,
            },
            SchemaEdit::RemoveGroupKind { name } => {
                let at = position(&schema.cross_document, &name)?;
                SchemaEdit::AddGroupKind {
                    at,
                    kind: schema.cross_document.remove(at),
                }
            }
            SchemaEdit::SetGroupKind { name, kind } => SchemaEdit::SetGroupKind {
                kind: replace(&mut schema.cross_document, &name, kind)?.1,
                name,
            },
            SchemaEdit::RenameGroupKind { from, to } => SchemaEdit::RenameGroupKind {
                from: rename(&mut schema.cross_document, &from, &to)?,
                to: from,
            },
            SchemaEdit::Batch(edits) => {
                let mut inverses = edits
                    .into_iter()
                    .map(|edit| edit.apply_checked(schema))
                    .collect::<Result<Vec<_>, _>>()?;
                inverses.reverse();
                SchemaEdit::Batch(inverses)
            }
        })
    }
}

/// Labels, relation kinds and cross-document kinds: definitions known by a unique name.
trait Named {
    const KIND: DefinitionKind;
    fn name(&self) -> &str;
    fn name_mut(&mut self) -> &mut String;
}

impl Named for LabelDef {
    const KIND: DefinitionKind = DefinitionKind::Label;
    fn name(&self) -> &str {
        &self.name
    }
    fn name_mut(&mut self) -> &mut String {
        &mut self.name
    }
}

impl Named for RelationDef {
    const KIND: DefinitionKind = DefinitionKind::Relation;
    fn name(&self) -> &str {
        &self.name
    }
    fn name_mut(&mut self) -> &mut String {
        &mut self.name
    }
}

impl Named for GroupKindDef {
    const KIND: DefinitionKind = DefinitionKind::GroupKind;
    fn name(&self) -> &str {
        &self.name
    }
    fn name_mut(&mut self) -> &mut String {
        &mut self.name
    }
}

fn position<T: Named>(items: &[T], name: &str) -> Result<usize, SchemaEditError> {
    items
        .iter()
        .position(|item| item.name() == name)
        .ok_or_else(|| SchemaEditError::NotFound {
            item: T::KIND,
            name: name.to_owned(),
        })
}

/// `name` trimmed, refused when empty or when another item than the one at `own` has it.
fn new_name<T: Named>(
    items: &[T],
    name: &str,
    own: Option<usize>,
) -> Result<String, SchemaEditError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(SchemaEditError::EmptyName(match T::KIND {
            DefinitionKind::Label => "a label's name",
            DefinitionKind::Relation => "a relation's name",
            DefinitionKind::GroupKind => "a cross-document kind's name",
        }));
    }
    match items.iter().position(|item| item.name() == name) {
        Some(other) if Some(other) != own => Err(SchemaEditError::Exists {
            item: T::KIND,
            name: name.to_owned(),
        }),
        _ => Ok(name.to_owned()),
    }
}

/// Inserts `item` at `at` under its trimmed name; returns that name.
fn insert_new<T: Named>(
    items: &mut Vec<T>,
    at: usize,
    mut item: T,
) -> Result<String, SchemaEditError> {
    let name = new_name(items, item.name(), None)?;
    if at > items.len() {
        return Err(SchemaEditError::NoSuchPosition {
            at,
            len: items.len(),
        });
    }
    item.name_mut().clone_from(&name);
    items.insert(at, item);
    Ok(name)
}

/// Replaces the item called `name` by `item`, which must have that name; returns where it
/// is and the old item.
fn replace<T: Named>(items: &mut [T], name: &str, item: T) -> Result<(usize, T), SchemaEditError> {
    let at = position(items, name)?;
    // Not trimmed: the inverse puts back the old definition, which must come back as it was.
    if item.name() != name {
        return Err(SchemaEditError::NameChanged {
            item: T::KIND,
            name: name.to_owned(),
            new_name: item.name().to_owned(),
        });
    }
    Ok((at, std::mem::replace(&mut items[at], item)))
}

/// Renames the item called `from`; returns the new name, trimmed.
fn rename<T: Named>(items: &mut [T], from: &str, to: &str) -> Result<String, SchemaEditError> {
    let at = position(items, from)?;
    let to = new_name(items, to, Some(at))?;
    items[at].name_mut().clone_from(&to);
    Ok(to)
}

/// Refuses the label at `at` when another label has its hotkey. [`Schema::check`] would too,
/// but would name whichever of the two comes later in the palette, perhaps the one the user
/// did not touch.
fn check_hotkey_free(labels: &[LabelDef], at: usize) -> Result<(), SchemaEditError> {
    let Some(key) = labels[at].hotkey else {
        return Ok(());
    };
    let same_key = |other: &LabelDef| {
        other.hotkey.map(|h| h.to_ascii_lowercase()) == Some(key.to_ascii_lowercase())
    };
    match labels
        .iter()
        .enumerate()
        .find(|(i, other)| *i != at && same_key(other))
    {
        Some((_, other)) => Err(SchemaEditError::HotkeyTaken {
            key,
            label: other.name.clone(),
        }),
        None => Ok(()),
    }
}

/// Every list of label names in the schema, with which list it is.
fn label_lists(schema: &Schema) -> Vec<(LabelList, &[String])> {
    let mut lists: Vec<(LabelList, &[String])> = Vec::new();
    for label in &schema.labels {
        for attr in &label.attributes {
            if let AttributeKind::SpanRef { labels, .. } = &attr.kind {
                let list = LabelList::SpanRef {
                    label: label.name.clone(),
                    attribute: attr.name.clone(),
                };
                lists.push((list, labels));
            }
        }
    }
    for rel in &schema.relations {
        lists.push((LabelList::RelationFrom(rel.name.clone()), &rel.from_labels));
        lists.push((LabelList::RelationTo(rel.name.clone()), &rel.to_labels));
    }
    for kind in &schema.cross_document {
        lists.push((LabelList::GroupKind(kind.name.clone()), &kind.labels));
    }
    lists
}

/// Every list of label names in the schema, to change.
fn label_lists_mut(schema: &mut Schema) -> impl Iterator<Item = &mut Vec<String>> {
    let span_refs = schema
        .labels
        .iter_mut()
        .flat_map(|label| &mut label.attributes)
        .filter_map(|attr| match &mut attr.kind {
            AttributeKind::SpanRef { labels, .. } => Some(labels),
            _ => None,
        });
    let relations = schema
        .relations
        .iter_mut()
        .flat_map(|rel| [&mut rel.from_labels, &mut rel.to_labels]);
    let kinds = schema
        .cross_document
        .iter_mut()
        .map(|kind| &mut kind.labels);
    span_refs.chain(relations).chain(kinds)
}

/// The list `list` of `schema`, to change.
fn label_list_mut<'a>(schema: &'a mut Schema, list: &LabelList) -> Option<&'a mut Vec<String>> {
    match list {
        LabelList::SpanRef { label, attribute } => {
            let label = schema.labels.iter_mut().find(|l| l.name == *label)?;
            let attr = label.attributes.iter_mut().find(|a| a.name == *attribute)?;
            match &mut attr.kind {
                AttributeKind::SpanRef { labels, .. } => Some(labels),
                _ => None,
            }
        }
        LabelList::RelationFrom(name) => schema
            .relations
            .iter_mut()
            .find(|r| r.name == *name)
            .map(|r| &mut r.from_labels),
        LabelList::RelationTo(name) => schema
            .relations
            .iter_mut()
            .find(|r| r.name == *name)
            .map(|r| &mut r.to_labels),
        LabelList::GroupKind(name) => schema
            .cross_document
            .iter_mut()
            .find(|k| k.name == *name)
            .map(|k| &mut k.labels),
    }
}

fn remove_label(schema: &mut Schema, name: String) -> Result<SchemaEdit, SchemaEditError> {
    let at = position(&schema.labels, &name)?;
    let mut references = Vec::new();
    for (list, names) in label_lists(schema) {
        // The label's own attributes go with it; they come back with it too.
        if matches!(&list, LabelList::SpanRef { label, .. } if *label == name) {
            continue;
        }
        let indices: Vec<usize> = (0..names.len()).filter(|&i| names[i] == name).collect();
        if !indices.is_empty() && indices.len() == names.len() {
            return Err(SchemaEditError::WouldAcceptAny { label: name, list });
        }
        references.extend(indices.into_iter().map(|index| LabelReference {
            list: list.clone(),
            index,
        }));
    }
    let label = schema.labels.remove(at);
    for names in label_lists_mut(schema) {
        names.retain(|n| *n != name);
    }
    Ok(SchemaEdit::RestoreLabel {
        at,
        label,
        references,
    })
}

fn restore_label(
    schema: &mut Schema,
    at: usize,
    label: LabelDef,
    references: Vec<LabelReference>,
) -> Result<SchemaEdit, SchemaEditError> {
    // Not through `insert_new`: the name comes back exactly as it was, untrimmed.
    let name = label.name.clone();
    if schema.label(&name).is_some() {
        return Err(SchemaEditError::Exists {
            item: DefinitionKind::Label,
            name,
        });
    }
    let len = schema.labels.len();
    if at > len {
        return Err(SchemaEditError::NoSuchPosition { at, len });
    }
    schema.labels.insert(at, label);
    check_hotkey_free(&schema.labels, at)?;
    // Ascending indices within a list: each insertion lands where the name stood.
    for LabelReference { list, index } in references {
        let Some(names) = label_list_mut(schema, &list) else {
            return Err(SchemaEditError::NoSuchList { label: name, list });
        };
        if index > names.len() {
            return Err(SchemaEditError::NoSuchPosition {
                at: index,
                len: names.len(),
            });
        }
        names.insert(index, name.clone());
    }
    Ok(SchemaEdit::RemoveLabel { name })
}

fn rename_attribute(
    schema: &mut Schema,
    label: &str,
    from: &str,
    to: &str,
) -> Result<String, SchemaEditError> {
    let at = position(&schema.labels, label)?;
    let attributes = &mut schema.labels[at].attributes;
    let Some(index) = attributes.iter().position(|a| a.name == from) else {
        return Err(SchemaEditError::NoSuchAttribute {
            label: label.to_owned(),
            attribute: from.to_owned(),
        });
    };
    let to = to.trim();
    if to.is_empty() {
        return Err(SchemaEditError::EmptyName("an attribute's name"));
    }
    if to != from && attributes.iter().any(|a| a.name == to) {
        return Err(SchemaEditError::AttributeExists {
            label: label.to_owned(),
            attribute: to.to_owned(),
        });
    }
    attributes[index].name = to.to_owned();
    Ok(to.to_owned())
}

fn rename_enum_value(
    schema: &mut Schema,
    label: &str,
    attribute: &str,
    from: &str,
    to: &str,
) -> Result<String, SchemaEditError> {
    let at = position(&schema.labels, label)?;
    let Some(attr) = schema.labels[at]
        .attributes
        .iter_mut()
        .find(|a| a.name == attribute)
    else {
        return Err(SchemaEditError::NoSuchAttribute {
            label: label.to_owned(),
            attribute: attribute.to_owned(),
        });
    };
    let AttributeKind::Enum { values } = &mut attr.kind else {
        return Err(SchemaEditError::NotAnEnum {
            label: label.to_owned(),
            attribute: attribute.to_owned(),
        });
    };
    let Some(index) = values.iter().position(|v| v == from) else {
        return Err(SchemaEditError::NoSuchValue {
            label: label.to_owned(),
            attribute: attribute.to_owned(),
            value: from.to_owned(),
        });
    };
    let to = to.trim();
    if to.is_empty() {
        return Err(SchemaEditError::EmptyName("a value"));
    }
    if to != from && values.iter().any(|v| v == to) {
        return Err(SchemaEditError::ValueExists {
            label: label.to_owned(),
            attribute: attribute.to_owned(),
            value: to.to_owned(),
        });
    }
    values[index] = to.to_owned();
    Ok(to.to_owned())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::schema::{AttributeDef, Layer, Rgb};

    fn new_label(name: &str, hotkey: Option<char>) -> LabelDef {
        LabelDef {
            name: name.to_owned(),
            layer: Layer::Entity,
            color: Rgb([1, 2, 3]),
            hotkey,
            description: String::new(),
            attributes: Vec::new(),
        }
    }

    fn span_ref_labels<'a>(schema: &'a Schema, label: &str, attribute: &str) -> &'a [String] {
        match schema.reference_labels(label, attribute) {
            Some((labels, _)) => labels,
            None => panic!("{label}.{attribute} is a span reference"),
        }
    }

    fn names(schema: &Schema) -> Vec<&str> {
        schema.labels.iter().map(|l| l.name.as_str()).collect()
    }

    /// Applies `edit`, expecting it to fail; returns the message and checks nothing changed.
    fn refused(schema: &mut Schema, edit: SchemaEdit) -> String {
        let before = schema.clone();
        let error = edit.apply(schema).expect_err("edit is refused");
        assert_eq!(*schema, before, "a refused edit changes nothing");
        error.to_string()
    }

    #[test]
    fn rename_label_renames_every_reference_and_undo_restores() {
        let mut schema = Schema::default_schema();
        let edit = SchemaEdit::RenameLabel {
            from: "ORG".into(),
            to: " ORGANISATION ".into(),
        };
        assert_eq!(edit.describe(), "rename label ORG → ORGANISATION");
        let undo = edit.apply(&mut schema).unwrap();

        assert!(schema.label("ORG").is_none());
        assert_eq!(
            schema.label("ORGANISATION").map(|l| l.hotkey),
            Some(Some('o'))
        );
        assert_eq!(
            span_ref_labels(&schema, "COMMITMENT", "actors"),
            ["PERSON", "COUNTRY", "ORGANISATION"]
        );
        assert!(span_ref_labels(&schema, "COMMITMENT", "target").contains(&"ORGANISATION".into()));
        let located_in = schema.relation("located_in").unwrap();
        assert_eq!(
            located_in.from_labels,
            ["ORGANISATION", "LOCATION", "EVENT"]
        );
        let represents = schema.relation("represents").unwrap();
        assert_eq!(represents.to_labels, ["COUNTRY", "ORGANISATION"]);
        assert!(
            schema
                .group_kind("same_entity")
                .unwrap()
                .allows("ORGANISATION")
        );

        assert_eq!(
            undo,
            SchemaEdit::RenameLabel {
                from: "ORGANISATION".into(),
                to: "ORG".into()
            }
        );
        undo.apply(&mut schema).unwrap();
        assert_eq!(schema, Schema::default_schema());
    }

    #[test]
    fn rename_label_refuses_taken_empty_and_unknown_names() {
        let mut schema = Schema::default_schema();
        let rename = |from: &str, to: &str| SchemaEdit::RenameLabel {
            from: from.into(),
            to: to.into(),
        };
        assert_eq!(
            refused(&mut schema, rename("ORG", "COUNTRY ")),
            "a label called COUNTRY exists already"
        );
        assert_eq!(
            refused(&mut schema, rename("ORG", " \t")),
            "a label's name cannot be empty"
        );
        assert_eq!(refused(&mut schema, rename("X", "Y")), "no label called X");
        // Renaming to its own name changes nothing and is undone by the same.
        let undo = rename("ORG", "ORG").apply(&mut schema).unwrap();
        assert_eq!(undo, rename("ORG", "ORG"));
        assert_eq!(schema, Schema::default_schema());
    }

    #[test]
    fn remove_label_drops_its_references_and_restore_puts_them_back() {
        let mut schema = Schema::default_schema();
        let at = names(&schema).iter().position(|n| *n == "ORG").unwrap();
        let undo = SchemaEdit::RemoveLabel { name: "ORG".into() }
            .apply(&mut schema)
            .unwrap();
        assert!(schema.label("ORG").is_none());
        assert_eq!(
            span_ref_labels(&schema, "COMMITMENT", "actors"),
            ["PERSON", "COUNTRY"]
        );
        assert_eq!(
            schema.relation("represents").unwrap().to_labels,
            ["COUNTRY"]
        );
        assert!(!schema.group_kind("same_entity").unwrap().allows("ORG"));

        let SchemaEdit::RestoreLabel {
            at: restored_at,
            references,
            ..
        } = &undo
        else {
            panic!("removal is undone by a restore: {undo:?}");
        };
        assert_eq!(*restored_at, at);
        assert!(references.contains(&LabelReference {
            list: LabelList::SpanRef {
                label: "COMMITMENT".into(),
                attribute: "actors".into()
            },
            index: 2
        }));
        assert_eq!(undo.describe(), "restore label ORG");
        let redo = undo.apply(&mut schema).unwrap();
        assert_eq!(schema, Schema::default_schema());
        assert_eq!(redo, SchemaEdit::RemoveLabel { name: "ORG".into() });
    }

    #[test]
    fn removing_the_only_label_of_a_restricted_list_is_refused() {
        let mut schema = Schema::default_schema();
        let remove = |name: &str| SchemaEdit::RemoveLabel { name: name.into() };
        assert_eq!(
            refused(&mut schema, remove("PERSON")),
            "relation represents may only start from PERSON; without PERSON it would accept \
             any label. Change or remove the relation first"
        );
        assert_eq!(
            refused(&mut schema, remove("DATE")),
            "attribute deadline of COMMITMENT may only point at DATE; without DATE it would \
             accept any label. Change or remove that attribute first"
        );
        assert!(
            refused(&mut schema, remove("COMMITMENT"))
                .starts_with("cross-document kind same_commitment may only group COMMITMENT;")
        );
        assert_eq!(refused(&mut schema, remove("NOPE")), "no label called NOPE");

        // Once the relation accepts another label too, PERSON can go.
        let mut represents = schema.relation("represents").unwrap().clone();
        represents.from_labels.push("ORG".into());
        SchemaEdit::SetRelation {
            name: "represents".into(),
            relation: represents,
        }
        .apply(&mut schema)
        .unwrap();
        let before = schema.clone();
        let undo = remove("PERSON").apply(&mut schema).unwrap();
        assert_eq!(schema.relation("represents").unwrap().from_labels, ["ORG"]);
        undo.apply(&mut schema).unwrap();
        assert_eq!(schema, before);
    }

    #[test]
    fn remove_label_restores_a_name_listed_twice() {
        let mut schema = Schema::default_schema();
        let mut represents = schema.relation("represents").unwrap().clone();
        represents.to_labels = vec!["ORG".into(), "COUNTRY".into(), "ORG".into()];
        SchemaEdit::SetRelation {
            name: "represents".into(),
            relation: represents,
        }
        .apply(&mut schema)
        .unwrap();
        let before = schema.clone();
        let undo = SchemaEdit::RemoveLabel { name: "ORG".into() }
            .apply(&mut schema)
            .unwrap();
        assert_eq!(
            schema.relation("represents").unwrap().to_labels,
            ["COUNTRY"]
        );
        undo.apply(&mut schema).unwrap();
        assert_eq!(schema, before);
    }

    #[test]
    fn add_label_inserts_trimmed_and_checks_name_hotkey_and_position() {
        let mut schema = Schema::default_schema();
        let add = |at: usize, name: &str, hotkey: Option<char>| SchemaEdit::AddLabel {
            at,
            label: new_label(name, hotkey),
        };
        assert_eq!(add(1, " TREATY ", None).describe(), "add label TREATY");
        let undo = add(1, " TREATY ", Some('t')).apply(&mut schema).unwrap();
        assert_eq!(names(&schema)[..3], ["PERSON", "TREATY", "COUNTRY"]);
        assert_eq!(
            undo,
            SchemaEdit::RemoveLabel {
                name: "TREATY".into()
            }
        );
        undo.apply(&mut schema).unwrap();
        assert_eq!(schema, Schema::default_schema());

        assert_eq!(
            refused(&mut schema, add(0, "COUNTRY", None)),
            "a label called COUNTRY exists already"
        );
        // The label that has the key is named, even when the new one comes first.
        assert_eq!(
            refused(&mut schema, add(0, "PARTY", Some('P'))),
            "hotkey 'P' is taken by PERSON"
        );
        assert_eq!(
            refused(&mut schema, add(0, "PARTY", Some('1'))),
            "label \"PARTY\" has hotkey '1': digits are reserved for palette order"
        );
        let len = schema.labels.len();
        assert_eq!(
            refused(&mut schema, add(len + 1, "PARTY", None)),
            format!("position {} is past the end of a list of {len}", len + 2)
        );
        add(len, "PARTY", None).apply(&mut schema).unwrap();
        assert_eq!(names(&schema).last(), Some(&"PARTY"));
    }

    #[test]
    fn set_label_changes_everything_but_the_name() {
        let mut schema = Schema::default_schema();
        let mut person = schema.label("PERSON").unwrap().clone();
        person.color = Rgb([0, 0, 0]);
        person.hotkey = Some('q');
        person.layer = Layer::Commitment;
        person.description = "someone".into();
        person.attributes.push(AttributeDef {
            name: "title".into(),
            kind: AttributeKind::Text,
            required: false,
            description: String::new(),
        });
        let edit = SchemaEdit::SetLabel {
            name: "PERSON".into(),
            label: person.clone(),
        };
        assert_eq!(edit.describe(), "change label PERSON");
        let undo = edit.apply(&mut schema).unwrap();
        assert_eq!(schema.label("PERSON"), Some(&person));
        assert_eq!(
            schema.label_for_hotkey('q').map(|l| l.name.as_str()),
            Some("PERSON")
        );
        undo.apply(&mut schema).unwrap();
        assert_eq!(schema, Schema::default_schema());

        let set = |label: LabelDef| SchemaEdit::SetLabel {
            name: "PERSON".into(),
            label,
        };
        let mut renamed = person.clone();
        renamed.name = "HUMAN".into();
        assert_eq!(
            refused(&mut schema, set(renamed)),
            "changing label PERSON cannot rename it to HUMAN; rename it instead"
        );
        let mut taken = person.clone();
        taken.hotkey = Some('o');
        assert_eq!(
            refused(&mut schema, set(taken)),
            "hotkey 'o' is taken by ORG"
        );
        let mut bad_reference = person;
        bad_reference.attributes.push(AttributeDef {
            name: "boss".into(),
            kind: AttributeKind::SpanRef {
                labels: vec!["BOSS".into()],
                many: false,
                text_allowed: false,
            },
            required: false,
            description: String::new(),
        });
        assert_eq!(
            refused(&mut schema, set(bad_reference)),
            "attribute \"boss\" of label \"PERSON\" refers to unknown label \"BOSS\""
        );
        assert_eq!(
            refused(
                &mut schema,
                SchemaEdit::SetLabel {
                    name: "X".into(),
                    label: new_label("X", None)
                }
            ),
            "no label called X"
        );
    }

    #[test]
    fn move_label_reorders_the_palette() {
        let mut schema = Schema::default_schema();
        let edit = SchemaEdit::MoveLabel {
            name: "COMMITMENT".into(),
            to: 0,
        };
        assert_eq!(edit.describe(), "move label COMMITMENT to position 1");
        let undo = edit.apply(&mut schema).unwrap();
        assert_eq!(names(&schema)[..3], ["COMMITMENT", "PERSON", "COUNTRY"]);
        undo.apply(&mut schema).unwrap();
        assert_eq!(schema, Schema::default_schema());

        let len = schema.labels.len();
        SchemaEdit::MoveLabel {
            name: "PERSON".into(),
            to: len - 1,
        }
        .apply(&mut schema)
        .unwrap();
        assert_eq!(names(&schema).last(), Some(&"PERSON"));
        assert_eq!(
            refused(
                &mut schema,
                SchemaEdit::MoveLabel {
                    name: "PERSON".into(),
                    to: len
                }
            ),
            format!("position {} is past the end of a list of {len}", len + 1)
        );
    }

    #[test]
    fn rename_attribute_and_enum_value() {
        let mut schema = Schema::default_schema();
        let edit = SchemaEdit::RenameAttribute {
            label: "COMMITMENT".into(),
            from: "actors".into(),
            to: " who ".into(),
        };
        assert_eq!(
            edit.describe(),
            "rename attribute actors of COMMITMENT → who"
        );
        let undo = edit.apply(&mut schema).unwrap();
        let commitment = schema.label("COMMITMENT").unwrap();
        assert!(commitment.attribute("actors").is_none());
        assert_eq!(span_ref_labels(&schema, "COMMITMENT", "who").len(), 3);
        undo.apply(&mut schema).unwrap();
        assert_eq!(schema, Schema::default_schema());

        let rename_attribute = |from: &str, to: &str| SchemaEdit::RenameAttribute {
            label: "COMMITMENT".into(),
            from: from.into(),
            to: to.into(),
        };
        assert_eq!(
            refused(&mut schema, rename_attribute("actors", "status")),
            "COMMITMENT has an attribute called status already"
        );
        assert_eq!(
            refused(&mut schema, rename_attribute("nope", "x")),
            "COMMITMENT has no attribute called nope"
        );
        assert_eq!(
            refused(&mut schema, rename_attribute("actors", "")),
            "an attribute's name cannot be empty"
        );

        let rename_value = |attribute: &str, from: &str, to: &str| SchemaEdit::RenameEnumValue {
            label: "COMMITMENT".into(),
            attribute: attribute.into(),
            from: from.into(),
            to: to.into(),
        };
        let edit = rename_value("kind", "pledge", "promise");
        assert_eq!(
            edit.describe(),
            "rename value pledge of COMMITMENT's kind → promise"
        );
        let undo = edit.apply(&mut schema).unwrap();
        let kind = schema
            .label("COMMITMENT")
            .unwrap()
            .attribute("kind")
            .unwrap();
        let AttributeKind::Enum { values } = &kind.kind else {
            panic!("kind is an enum");
        };
        assert_eq!(values[..2], ["promise", "agreement"]);
        undo.apply(&mut schema).unwrap();
        assert_eq!(schema, Schema::default_schema());

        assert_eq!(
            refused(&mut schema, rename_value("kind", "pledge", "request")),
            "attribute kind of COMMITMENT has a value request already"
        );
        assert_eq!(
            refused(&mut schema, rename_value("kind", "vow", "x")),
            "attribute kind of COMMITMENT has no value vow"
        );
        assert_eq!(
            refused(&mut schema, rename_value("actors", "x", "y")),
            "attribute actors of COMMITMENT is not a list of values"
        );
        assert_eq!(
            refused(&mut schema, rename_value("kind", "pledge", " ")),
            "a value cannot be empty"
        );
    }

    #[test]
    fn relations_are_added_changed_renamed_and_removed() {
        let mut schema = Schema::default_schema();
        let relation = |name: &str, from: &[&str]| RelationDef {
            name: name.into(),
            from_labels: from.iter().map(|&l| l.to_owned()).collect(),
            to_labels: Vec::new(),
            description: String::new(),
        };
        let undo_add = SchemaEdit::AddRelation {
            at: 0,
            relation: relation(" meets ", &["PERSON"]),
        }
        .apply(&mut schema)
        .unwrap();
        assert_eq!(schema.relations[0].name, "meets");
        let undo_set = SchemaEdit::SetRelation {
            name: "meets".into(),
            relation: relation("meets", &["PERSON", "ORG"]),
        }
        .apply(&mut schema)
        .unwrap();
        assert!(schema.relation("meets").unwrap().allows("ORG", "ORG"));
        let rename = SchemaEdit::RenameRelation {
            from: "meets".into(),
            to: "met".into(),
        };
        assert_eq!(rename.describe(), "rename relation meets → met");
        let undo_rename = rename.apply(&mut schema).unwrap();
        assert!(schema.relation("meets").is_none());
        let undo_remove = SchemaEdit::RemoveRelation { name: "met".into() }
            .apply(&mut schema)
            .unwrap();
        assert!(schema.relation("met").is_none());
        for undo in [undo_remove, undo_rename, undo_set, undo_add] {
            undo.apply(&mut schema).unwrap();
        }
        assert_eq!(schema, Schema::default_schema());

        assert_eq!(
            refused(
                &mut schema,
                SchemaEdit::AddRelation {
                    at: 0,
                    relation: relation("represents", &[])
                }
            ),
            "a relation called represents exists already"
        );
        assert_eq!(
            refused(
                &mut schema,
                SchemaEdit::AddRelation {
                    at: 0,
                    relation: relation("x", &["NOPE"])
                }
            ),
            "relation \"x\" refers to unknown label \"NOPE\""
        );
        assert_eq!(
            refused(&mut schema, SchemaEdit::RemoveRelation { name: "x".into() }),
            "no relation called x"
        );
        assert_eq!(
            refused(
                &mut schema,
                SchemaEdit::RenameRelation {
                    from: "represents".into(),
                    to: "".into()
                }
            ),
            "a relation's name cannot be empty"
        );
    }

    #[test]
    fn group_kinds_are_added_changed_renamed_and_removed() {
        let mut schema = Schema::default_schema();
        let kind = |name: &str, labels: &[&str]| GroupKindDef {
            name: name.into(),
            labels: labels.iter().map(|&l| l.to_owned()).collect(),
            description: String::new(),
        };
        let len = schema.cross_document.len();
        let undo_add = SchemaEdit::AddGroupKind {
            at: len,
            kind: kind("same_sum", &["MONEY"]),
        }
        .apply(&mut schema)
        .unwrap();
        assert_eq!(schema.cross_document[len].name, "same_sum");
        let undo_set = SchemaEdit::SetGroupKind {
            name: "same_sum".into(),
            kind: kind("same_sum", &[]),
        }
        .apply(&mut schema)
        .unwrap();
        assert!(schema.group_kind("same_sum").unwrap().allows("PERSON"));
        let undo_rename = SchemaEdit::RenameGroupKind {
            from: "same_sum".into(),
            to: "same_amount".into(),
        }
        .apply(&mut schema)
        .unwrap();
        let remove = SchemaEdit::RemoveGroupKind {
            name: "same_amount".into(),
        };
        assert_eq!(remove.describe(), "remove cross-document kind same_amount");
        let undo_remove = remove.apply(&mut schema).unwrap();
        for undo in [undo_remove, undo_rename, undo_set, undo_add] {
            undo.apply(&mut schema).unwrap();
        }
        assert_eq!(schema, Schema::default_schema());

        assert_eq!(
            refused(
                &mut schema,
                SchemaEdit::RenameGroupKind {
                    from: "same_event".into(),
                    to: "same_entity".into()
                }
            ),
            "a cross-document kind called same_entity exists already"
        );
        assert_eq!(
            refused(
                &mut schema,
                SchemaEdit::SetGroupKind {
                    name: "same_event".into(),
                    kind: kind("same_events", &[])
                }
            ),
            "changing cross-document kind same_event cannot rename it to same_events; rename it \
             instead"
        );
    }

    #[test]
    fn a_batch_is_all_or_nothing_and_undone_backwards() {
        let mut schema = Schema::default_schema();
        let rename = |from: &str, to: &str| SchemaEdit::RenameLabel {
            from: from.into(),
            to: to.into(),
        };
        assert_eq!(
            refused(
                &mut schema,
                SchemaEdit::Batch(vec![rename("ORG", "X"), rename("PERSON", "COUNTRY")])
            ),
            "a label called COUNTRY exists already"
        );

        // Swapping two hotkeys takes three steps, each a valid schema.
        let with_key = |name: &str, key: Option<char>| {
            let mut label = Schema::default_schema().label(name).unwrap().clone();
            label.hotkey = key;
            SchemaEdit::SetLabel {
                name: name.into(),
                label,
            }
        };
        let swap = SchemaEdit::Batch(vec![
            with_key("PERSON", None),
            with_key("ORG", Some('p')),
            with_key("PERSON", Some('o')),
        ]);
        assert_eq!(
            swap.describe(),
            "change label PERSON; change label ORG; change label PERSON"
        );
        let undo = swap.apply(&mut schema).unwrap();
        assert_eq!(schema.label_for_hotkey('p').unwrap().name, "ORG");
        assert_eq!(schema.label_for_hotkey('o').unwrap().name, "PERSON");
        undo.apply(&mut schema).unwrap();
        assert_eq!(schema, Schema::default_schema());
    }

    // Random sequences of edits, built against the schema as it is at each step, so that
    // most name things that exist and some do not.

    /// Names that are not in the default schema, or are but with spaces, or are empty.
    const OTHER_NAMES: [&str; 6] = ["NEW", " SPACED ", "", " ", "PERSON ", "x"];
    const HOTKEYS: [Option<char>; 6] =
        [None, Some('p'), Some('z'), Some('Z'), Some('1'), Some('q')];

    fn pick(existing: impl IntoIterator<Item = String>, choice: usize) -> String {
        let mut candidates: Vec<String> = existing.into_iter().collect();
        candidates.extend(OTHER_NAMES.iter().map(|&n| n.to_owned()));
        candidates[choice % candidates.len()].clone()
    }

    fn label_names(schema: &Schema) -> Vec<String> {
        schema.labels.iter().map(|l| l.name.clone()).collect()
    }

    fn picks(schema: &Schema, choices: &[usize]) -> Vec<String> {
        choices
            .iter()
            .map(|&c| pick(label_names(schema), c))
            .collect()
    }

    #[derive(Clone, Debug)]
    enum Op {
        AddLabel(usize, usize, usize, Vec<usize>),
        RemoveLabel(usize),
        RenameLabel(usize, usize),
        SetLabel(usize, usize, u8, Option<usize>, Vec<usize>),
        MoveLabel(usize, usize),
        RenameAttribute(usize, usize, usize),
        RenameEnumValue(usize, usize, usize, usize),
        AddRelation(usize, usize, Vec<usize>, Vec<usize>),
        RemoveRelation(usize),
        SetRelation(usize, Vec<usize>, Vec<usize>),
        RenameRelation(usize, usize),
        AddGroupKind(usize, usize, Vec<usize>),
        RemoveGroupKind(usize),
        SetGroupKind(usize, Vec<usize>),
        RenameGroupKind(usize, usize),
        Batch(Vec<Op>),
    }

    fn single_op() -> impl Strategy<Value = Op> {
        let n = || 0..20usize;
        let few = || prop::collection::vec(0..20usize, 0..3);
        prop_oneof![
            (n(), n(), n(), few()).prop_map(|(a, b, c, d)| Op::AddLabel(a, b, c, d)),
            n().prop_map(Op::RemoveLabel),
            (n(), n()).prop_map(|(a, b)| Op::RenameLabel(a, b)),
            (n(), n(), any::<u8>(), prop::option::of(n()), few())
                .prop_map(|(a, b, c, d, e)| Op::SetLabel(a, b, c, d, e)),
            (n(), n()).prop_map(|(a, b)| Op::MoveLabel(a, b)),
            (n(), n(), n()).prop_map(|(a, b, c)| Op::RenameAttribute(a, b, c)),
            (n(), n(), n(), n()).prop_map(|(a, b, c, d)| Op::RenameEnumValue(a, b, c, d)),
            (n(), n(), few(), few()).prop_map(|(a, b, c, d)| Op::AddRelation(a, b, c, d)),
            n().prop_map(Op::RemoveRelation),
            (n(), few(), few()).prop_map(|(a, b, c)| Op::SetRelation(a, b, c)),
            (n(), n()).prop_map(|(a, b)| Op::RenameRelation(a, b)),
            (n(), n(), few()).prop_map(|(a, b, c)| Op::AddGroupKind(a, b, c)),
            n().prop_map(Op::RemoveGroupKind),
            (n(), few()).prop_map(|(a, b)| Op::SetGroupKind(a, b)),
            (n(), n()).prop_map(|(a, b)| Op::RenameGroupKind(a, b)),
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => single_op(),
            1 => prop::collection::vec(single_op(), 0..4).prop_map(Op::Batch),
        ]
    }

    impl Op {
        fn to_edit(&self, schema: &Schema) -> SchemaEdit {
            let label_name = |c| pick(label_names(schema), c);
            let relation_name = |c| pick(schema.relations.iter().map(|r| r.name.clone()), c);
            let kind_name = |c| pick(schema.cross_document.iter().map(|k| k.name.clone()), c);
            // Half the names asked for new things are fresh, so that more adds succeed.
            let new_name = |c: usize, existing: &dyn Fn(usize) -> String| {
                if c.is_multiple_of(2) {
                    format!("NEW{c}")
                } else {
                    existing(c / 2)
                }
            };
            let attribute_names = |label: &str| -> Vec<String> {
                schema
                    .label(label)
                    .map(|l| l.attributes.iter().map(|a| a.name.clone()).collect())
                    .unwrap_or_default()
            };
            let span_ref = |choices: &[usize]| AttributeDef {
                name: "ref".into(),
                kind: AttributeKind::SpanRef {
                    labels: picks(schema, choices),
                    many: true,
                    text_allowed: false,
                },
                required: false,
                description: String::new(),
            };
            match self {
                Op::AddLabel(at, name, key, refs) => {
                    let name = new_name(*name, &label_name);
                    let mut label = new_label(&name, HOTKEYS[key % HOTKEYS.len()]);
                    if !refs.is_empty() {
                        label.attributes.push(span_ref(refs));
                    }
                    SchemaEdit::AddLabel {
                        at: at % (schema.labels.len() + 2),
                        label,
                    }
                }
                Op::RemoveLabel(name) => SchemaEdit::RemoveLabel {
                    name: label_name(*name),
                },
                Op::RenameLabel(from, to) => SchemaEdit::RenameLabel {
                    from: label_name(*from),
                    to: new_name(*to, &label_name),
                },
                Op::SetLabel(name, key, colour, drop, refs) => {
                    let name = label_name(*name);
                    let mut label = schema
                        .label(&name)
                        .cloned()
                        .unwrap_or_else(|| new_label(&name, None));
                    label.hotkey = HOTKEYS[key % HOTKEYS.len()];
                    label.color = Rgb([*colour, 0, 0]);
                    if let Some(drop) = drop
                        && !label.attributes.is_empty()
                    {
                        label.attributes.remove(drop % label.attributes.len());
                    }
                    if !refs.is_empty() && label.attribute("ref").is_none() {
                        label.attributes.push(span_ref(refs));
                    }
                    SchemaEdit::SetLabel { name, label }
                }
                Op::MoveLabel(name, to) => SchemaEdit::MoveLabel {
                    name: label_name(*name),
                    to: to % (schema.labels.len() + 1),
                },
                Op::RenameAttribute(label, from, to) => {
                    let with_attributes: Vec<String> = schema
                        .labels
                        .iter()
                        .filter(|l| !l.attributes.is_empty())
                        .map(|l| l.name.clone())
                        .collect();
                    // Mostly a label with attributes; sometimes any name.
                    let label = match with_attributes.get(*label % with_attributes.len().max(1)) {
                        Some(name) if *from % 4 != 0 => name.clone(),
                        _ => label_name(*label),
                    };
                    let attributes = attribute_names(&label);
                    let existing_attribute = |c| pick(attributes.clone(), c);
                    SchemaEdit::RenameAttribute {
                        from: existing_attribute(*from),
                        to: new_name(*to, &existing_attribute),
                        label,
                    }
                }
                Op::RenameEnumValue(label, attribute, from, to) => {
                    let enums: Vec<(String, String)> = schema
                        .labels
                        .iter()
                        .flat_map(|l| l.attributes.iter().map(move |a| (l, a)))
                        .filter(|(_, a)| matches!(a.kind, AttributeKind::Enum { .. }))
                        .map(|(l, a)| (l.name.clone(), a.name.clone()))
                        .collect();
                    // Mostly an enum attribute; sometimes any label and attribute.
                    let (label, attribute) = match enums.get(*label % enums.len().max(1)) {
                        Some(pair) if *attribute % 4 != 0 => pair.clone(),
                        _ => {
                            let label = label_name(*label);
                            let attribute = pick(attribute_names(&label), *attribute);
                            (label, attribute)
                        }
                    };
                    let values = match schema.label(&label).and_then(|l| l.attribute(&attribute)) {
                        Some(AttributeDef {
                            kind: AttributeKind::Enum { values },
                            ..
                        }) => values.clone(),
                        _ => Vec::new(),
                    };
                    SchemaEdit::RenameEnumValue {
                        from: pick(values.clone(), *from),
                        to: new_name(*to, &|c| pick(values.clone(), c)),
                        label,
                        attribute,
                    }
                }
                Op::AddRelation(at, name, from, to) => SchemaEdit::AddRelation {
                    at: at % (schema.relations.len() + 2),
                    relation: RelationDef {
                        name: new_name(*name, &relation_name),
                        from_labels: picks(schema, from),
                        to_labels: picks(schema, to),
                        description: String::new(),
                    },
                },
                Op::RemoveRelation(name) => SchemaEdit::RemoveRelation {
                    name: relation_name(*name),
                },
                Op::SetRelation(name, from, to) => {
                    let name = relation_name(*name);
                    SchemaEdit::SetRelation {
                        relation: RelationDef {
                            name: name.clone(),
                            from_labels: picks(schema, from),
                            to_labels: picks(schema, to),
                            description: "changed".into(),
                        },
                        name,
                    }
                }
                Op::RenameRelation(from, to) => SchemaEdit::RenameRelation {
                    from: relation_name(*from),
                    to: new_name(*to, &relation_name),
                },
                Op::AddGroupKind(at, name, labels) => SchemaEdit::AddGroupKind {
                    at: at % (schema.cross_document.len() + 2),
                    kind: GroupKindDef {
                        name: new_name(*name, &kind_name),
                        labels: picks(schema, labels),
                        description: String::new(),
                    },
                },
                Op::RemoveGroupKind(name) => SchemaEdit::RemoveGroupKind {
                    name: kind_name(*name),
                },
                Op::SetGroupKind(name, labels) => {
                    let name = kind_name(*name);
                    SchemaEdit::SetGroupKind {
                        kind: GroupKindDef {
                            name: name.clone(),
                            labels: picks(schema, labels),
                            description: "changed".into(),
                        },
                        name,
                    }
                }
                Op::RenameGroupKind(from, to) => SchemaEdit::RenameGroupKind {
                    from: kind_name(*from),
                    to: new_name(*to, &kind_name),
                },
                // Each step is built against the schema as it is before the batch: later
                // steps may name what earlier ones removed, which a batch must survive too.
                Op::Batch(ops) => {
                    SchemaEdit::Batch(ops.iter().map(|op| op.to_edit(schema)).collect())
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn every_applied_edit_is_undone_exactly(ops in prop::collection::vec(op(), 1..30)) {
            let mut schema = Schema::default_schema();
            for op in ops {
                let edit = op.to_edit(&schema);
                let before = schema.clone();
                match edit.clone().apply(&mut schema) {
                    Ok(undo) => {
                        prop_assert!(schema.check().is_ok(), "{edit:?} left an invalid schema");
                        let after = schema.clone();
                        let redo = undo.clone().apply(&mut schema).map_err(|e| {
                            TestCaseError::fail(format!("undo {undo:?} of {edit:?} failed: {e}"))
                        })?;
                        prop_assert_eq!(&schema, &before, "undo of {:?}", edit);
                        redo.clone().apply(&mut schema).map_err(|e| {
                            TestCaseError::fail(format!("redo {redo:?} of {edit:?} failed: {e}"))
                        })?;
                        prop_assert_eq!(&schema, &after, "redo of {:?}", edit);
                    }
                    Err(_) => prop_assert_eq!(&schema, &before, "refused {:?}", edit),
                }
            }
        }
    }
}
