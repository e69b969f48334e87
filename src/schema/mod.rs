//! The annotation schema: labels (entities and commitments), their typed attributes, and the
//! relation kinds that may link annotations. Loaded from RON; the default ships in `assets/`.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub mod edit;
pub mod import;
pub mod lenient;

/// The default schema, as shipped in `assets/default_schema.ron`.
pub const DEFAULT_SCHEMA_RON: &str = include_str!("../../assets/default_schema.ron");

/// Which layer a label belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Layer {
    /// Named things: people, countries, dates, sums of money, …
    Entity,
    /// Promises: who commits, to what, by when.
    Commitment,
}

impl Layer {
    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Entity => "Entities",
            Layer::Commitment => "Commitments",
        }
    }
}

/// An sRGB colour written as `"#rrggbb"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rgb(pub [u8; 3]);

impl TryFrom<String> for Rgb {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let hex = s
            .strip_prefix('#')
            .filter(|h| h.len() == 6 && h.is_ascii())
            .ok_or_else(|| format!("colour {s:?} is not of the form \"#rrggbb\""))?;
        let channel = |i: usize| {
            u8::from_str_radix(&hex[i..i + 2], 16)
                .map_err(|_| format!("colour {s:?} is not of the form \"#rrggbb\""))
        };
        Ok(Rgb([channel(0)?, channel(2)?, channel(4)?]))
    }
}

impl From<Rgb> for String {
    fn from(c: Rgb) -> String {
        format!("#{:02x}{:02x}{:02x}", c.0[0], c.0[1], c.0[2])
    }
}

/// The type of an attribute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttributeKind {
    /// One value out of a fixed list.
    Enum {
        /// The allowed values, in menu order.
        values: Vec<String>,
    },
    /// Free text.
    Text,
    /// Yes or no.
    Bool,
    /// Points at other annotations of the same document.
    SpanRef {
        /// Labels the referenced annotations may have; empty means any.
        #[serde(default)]
        labels: Vec<String>,
        /// May hold several references.
        #[serde(default)]
        many: bool,
        /// May hold free text instead (e.g. a deadline that is not a DATE span).
        #[serde(default)]
        text_allowed: bool,
    },
}

/// One typed attribute of a label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeDef {
    /// Name, unique within its label.
    pub name: String,
    /// Type and allowed values.
    pub kind: AttributeKind,
    /// Must be filled in before the annotation counts as complete (reported by `validate`).
    #[serde(default)]
    pub required: bool,
    /// Guideline text shown to annotators.
    #[serde(default)]
    pub description: String,
}

/// A label annotators can give to spans.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelDef {
    /// Name, unique in the schema (e.g. `PERSON`).
    pub name: String,
    /// Entity or commitment.
    pub layer: Layer,
    /// Highlight colour.
    pub color: Rgb,
    /// Key that applies the label to the selection.
    #[serde(default)]
    pub hotkey: Option<char>,
    /// Guideline text shown on hover.
    #[serde(default)]
    pub description: String,
    /// Typed attributes.
    #[serde(default)]
    pub attributes: Vec<AttributeDef>,
}

impl LabelDef {
    /// The attribute called `name`, if the label has one.
    pub fn attribute(&self, name: &str) -> Option<&AttributeDef> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// A kind of link between two annotations of one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationDef {
    /// Name, unique among relations.
    pub name: String,
    /// Labels the link may start from; empty means any.
    #[serde(default)]
    pub from_labels: Vec<String>,
    /// Labels the link may point to; empty means any.
    #[serde(default)]
    pub to_labels: Vec<String>,
    /// Guideline text.
    #[serde(default)]
    pub description: String,
}

/// A kind of cross-document group (e.g. `same_commitment`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupKindDef {
    /// Name, unique among group kinds.
    pub name: String,
    /// Labels the members may have; empty means any.
    #[serde(default)]
    pub labels: Vec<String>,
    /// Guideline text.
    #[serde(default)]
    pub description: String,
}

impl GroupKindDef {
    /// True when an annotation labelled `label` may be a member.
    pub fn allows(&self, label: &str) -> bool {
        self.labels.is_empty() || self.labels.iter().any(|l| l == label)
    }
}

impl RelationDef {
    /// True when a link of this kind may go from a `from` annotation to a `to` annotation.
    pub fn allows(&self, from: &str, to: &str) -> bool {
        let fits = |allowed: &[String], label: &str| {
            allowed.is_empty() || allowed.iter().any(|l| l == label)
        };
        fits(&self.from_labels, from) && fits(&self.to_labels, to)
    }
}

/// The whole schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    /// Labels in palette order.
    pub labels: Vec<LabelDef>,
    /// Kinds of links inside a document.
    #[serde(default)]
    pub relations: Vec<RelationDef>,
    /// Kinds of cross-document groups.
    #[serde(default)]
    pub cross_document: Vec<GroupKindDef>,
}

/// A schema that does not hold together.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SchemaError {
    /// The RON text could not be parsed.
    #[error("schema is not valid RON at line {line}, column {column}: {message}")]
    Parse {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// Something inside the schema contradicts itself.
    #[error("schema: {0}")]
    Invalid(String),
}

impl Schema {
    /// The schema shipped with Accord.
    pub fn default_schema() -> Self {
        // The asset is checked by a unit test, so this cannot fail in a release.
        Self::from_ron(DEFAULT_SCHEMA_RON).unwrap_or_else(|e| panic!("built-in schema: {e}"))
    }

    /// A schema with no label yet: a new project's, before its labels are added.
    pub fn empty() -> Self {
        Self {
            labels: Vec::new(),
            relations: Vec::new(),
            cross_document: Vec::new(),
        }
    }

    /// Parses and checks a schema.
    pub fn from_ron(text: &str) -> Result<Self, SchemaError> {
        let schema: Schema = crate::ron_io::from_str(text).map_err(|e| SchemaError::Parse {
            line: e.line,
            column: e.column,
            message: e.message,
        })?;
        schema.check()?;
        Ok(schema)
    }

    /// Checks that names are unique, hotkeys distinct and references point at real labels.
    pub fn check(&self) -> Result<(), SchemaError> {
        let invalid = |m: String| Err(SchemaError::Invalid(m));
        let mut names = HashSet::new();
        let mut hotkeys = HashSet::new();
        for label in &self.labels {
            if label.name.trim().is_empty() {
                return invalid("a label has an empty name".into());
            }
            if !names.insert(label.name.as_str()) {
                return invalid(format!("label {:?} is declared twice", label.name));
            }
            if let Some(key) = label.hotkey {
                let key = key.to_ascii_lowercase();
                if key.is_ascii_digit() {
                    return invalid(format!(
                        "label {:?} has hotkey {key:?}: digits are reserved for palette order",
                        label.name
                    ));
                }
                if !hotkeys.insert(key) {
                    return invalid(format!(
                        "hotkey {key:?} of label {:?} is already taken",
                        label.name
                    ));
                }
            }
            let mut attrs = HashSet::new();
            for attr in &label.attributes {
                if !attrs.insert(attr.name.as_str()) {
                    return invalid(format!(
                        "label {:?} declares attribute {:?} twice",
                        label.name, attr.name
                    ));
                }
                if let AttributeKind::Enum { values } = &attr.kind
                    && values.is_empty()
                {
                    return invalid(format!(
                        "enum attribute {:?} of label {:?} has no values",
                        attr.name, label.name
                    ));
                }
            }
        }
        let known = |l: &String| names.contains(l.as_str());
        for label in &self.labels {
            for attr in &label.attributes {
                if let AttributeKind::SpanRef { labels, .. } = &attr.kind
                    && let Some(bad) = labels.iter().find(|l| !known(l))
                {
                    return invalid(format!(
                        "attribute {:?} of label {:?} refers to unknown label {bad:?}",
                        attr.name, label.name
                    ));
                }
            }
        }
        let mut relations = HashSet::new();
        for rel in &self.relations {
            if !relations.insert(rel.name.as_str()) {
                return invalid(format!("relation {:?} is declared twice", rel.name));
            }
            if let Some(bad) = rel
                .from_labels
                .iter()
                .chain(&rel.to_labels)
                .find(|l| !known(l))
            {
                return invalid(format!(
                    "relation {:?} refers to unknown label {bad:?}",
                    rel.name
                ));
            }
        }
        let mut kinds = HashSet::new();
        for kind in &self.cross_document {
            if !kinds.insert(kind.name.as_str()) {
                return invalid(format!(
                    "cross-document kind {:?} is declared twice",
                    kind.name
                ));
            }
            if let Some(bad) = kind.labels.iter().find(|l| !known(l)) {
                return invalid(format!(
                    "cross-document kind {:?} refers to unknown label {bad:?}",
                    kind.name
                ));
            }
        }
        Ok(())
    }

    /// The label called `name`.
    pub fn label(&self, name: &str) -> Option<&LabelDef> {
        self.labels.iter().find(|l| l.name == name)
    }

    /// The relation called `name`.
    pub fn relation(&self, name: &str) -> Option<&RelationDef> {
        self.relations.iter().find(|r| r.name == name)
    }

    /// The cross-document kind called `name`.
    pub fn group_kind(&self, name: &str) -> Option<&GroupKindDef> {
        self.cross_document.iter().find(|k| k.name == name)
    }

    /// The relation kinds a link from a `from` to a `to` annotation may have, in schema order.
    pub fn relations_between<'a>(
        &'a self,
        from: &'a str,
        to: &'a str,
    ) -> impl Iterator<Item = &'a RelationDef> + 'a {
        self.relations.iter().filter(move |r| r.allows(from, to))
    }

    /// The cross-document kinds that may group annotations with these labels, in schema order.
    pub fn group_kinds_for<'a>(
        &'a self,
        labels: &'a [&'a str],
    ) -> impl Iterator<Item = &'a GroupKindDef> + 'a {
        self.cross_document
            .iter()
            .filter(move |k| labels.iter().all(|l| k.allows(l)))
    }

    /// What span-reference attribute `attribute` of label `label` accepts: the labels it may
    /// point at (empty: any) and whether it takes several. `None` when it is not one.
    pub fn reference_labels(&self, label: &str, attribute: &str) -> Option<(&[String], bool)> {
        let def = self
            .label(label)?
            .attributes
            .iter()
            .find(|a| a.name == attribute)?;
        match &def.kind {
            AttributeKind::SpanRef { labels, many, .. } => Some((labels.as_slice(), *many)),
            _ => None,
        }
    }

    /// The label whose hotkey is `key` (case-insensitive).
    pub fn label_for_hotkey(&self, key: char) -> Option<&LabelDef> {
        let key = key.to_ascii_lowercase();
        self.labels
            .iter()
            .find(|l| l.hotkey.map(|h| h.to_ascii_lowercase()) == Some(key))
    }

    /// Labels of one layer, in palette order.
    pub fn labels_of(&self, layer: Layer) -> impl Iterator<Item = &LabelDef> {
        self.labels.iter().filter(move |l| l.layer == layer)
    }
}

/// Label names as a sentence says them: "PERSON, COUNTRY or ORG" ("any" for none).
pub fn or_list(names: &[String]) -> String {
    match names {
        [] => "any".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schema_loads_and_has_the_promised_labels() {
        let schema = Schema::default_schema();
        for name in [
            "PERSON",
            "COUNTRY",
            "ORG",
            "LOCATION",
            "DATE",
            "MONEY",
            "EVENT",
            "AGREEMENT",
        ] {
            assert_eq!(
                schema.label(name).map(|l| l.layer),
                Some(Layer::Entity),
                "{name}"
            );
        }
        let commitment = schema.label("COMMITMENT").unwrap();
        assert_eq!(commitment.layer, Layer::Commitment);
        for attr in ["kind", "status", "actors", "target", "deadline"] {
            assert!(commitment.attribute(attr).is_some(), "{attr}");
        }
        let Some(AttributeKind::SpanRef { labels, many, .. }) =
            commitment.attribute("actors").map(|a| &a.kind)
        else {
            panic!("actors is a span reference");
        };
        assert!(*many);
        assert_eq!(labels, &["PERSON", "COUNTRY", "ORG"]);
    }

    #[test]
    fn contradictions_are_refused() {
        let mut schema = Schema::default_schema();
        schema.labels[1].hotkey = schema.labels[0].hotkey;
        assert!(matches!(schema.check(), Err(SchemaError::Invalid(_))));

        let mut schema = Schema::default_schema();
        schema.relations.push(RelationDef {
            name: "x".into(),
            from_labels: vec!["NOPE".into()],
            to_labels: vec![],
            description: String::new(),
        });
        assert!(matches!(schema.check(), Err(SchemaError::Invalid(_))));
    }

    #[test]
    fn parse_errors_have_a_position() {
        let err = Schema::from_ron("(labels: [\n  (name: )\n])").unwrap_err();
        assert!(matches!(err, SchemaError::Parse { line: 2, .. }), "{err:?}");
    }
}
