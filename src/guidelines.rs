//! A project's annotation guidelines: `guidelines.md` (CommonMark) beside `accord.ron`, read
//! as blocks the window's Guidelines panel draws (headings, paragraphs, list items, code),
//! with each label's section found by its heading, and a first version written from the
//! label set ([`skeleton`]).

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::schema::{AttributeKind, Schema};

/// What a block of the guidelines is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// A heading of level 1–6.
    Heading(u8),
    /// A paragraph.
    Paragraph,
    /// An item of a list, nested `depth` lists deep (1 for a top-level list).
    Item {
        /// How deep.
        depth: usize,
    },
    /// A code block, kept as written.
    Code,
    /// A thematic break.
    Rule,
}

/// One block: what it is and its text (inline marks dropped, line breaks kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// What it is.
    pub kind: BlockKind,
    /// Its text.
    pub text: String,
}

/// Guidelines read into blocks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Guidelines {
    /// The blocks in order.
    pub blocks: Vec<Block>,
}

impl Guidelines {
    /// Reads Markdown text.
    pub fn parse(markdown: &str) -> Self {
        let mut blocks = Vec::new();
        let mut text = String::new();
        let mut depth = 0usize;
        let mut kind: Option<BlockKind> = None;
        let flush = |blocks: &mut Vec<Block>, kind: &mut Option<BlockKind>, text: &mut String| {
            let trimmed = text.trim();
            if let Some(k) = kind.take()
                && !trimmed.is_empty()
            {
                blocks.push(Block {
                    kind: k,
                    text: trimmed.to_owned(),
                });
            }
            text.clear();
        };
        for event in Parser::new(markdown) {
            match event {
                Event::Start(Tag::Heading { level, .. }) => {
                    flush(&mut blocks, &mut kind, &mut text);
                    kind = Some(BlockKind::Heading(heading_level(level)));
                }
                // A paragraph inside a list item belongs to the item.
                Event::Start(Tag::Paragraph) if kind.is_none() => {
                    kind = Some(BlockKind::Paragraph);
                }
                Event::Start(Tag::List(_)) => {
                    flush(&mut blocks, &mut kind, &mut text);
                    depth += 1;
                }
                Event::End(TagEnd::List(_)) => {
                    flush(&mut blocks, &mut kind, &mut text);
                    depth = depth.saturating_sub(1);
                }
                Event::Start(Tag::Item) => {
                    flush(&mut blocks, &mut kind, &mut text);
                    kind = Some(BlockKind::Item { depth });
                }
                Event::Start(Tag::CodeBlock(_)) => {
                    flush(&mut blocks, &mut kind, &mut text);
                    kind = Some(BlockKind::Code);
                }
                Event::End(
                    TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock,
                ) => {
                    if !matches!(kind, Some(BlockKind::Item { .. }))
                        || matches!(event, Event::End(TagEnd::Item))
                    {
                        flush(&mut blocks, &mut kind, &mut text);
                    } else {
                        text.push('\n');
                    }
                }
                Event::Rule => {
                    flush(&mut blocks, &mut kind, &mut text);
                    blocks.push(Block {
                        kind: BlockKind::Rule,
                        text: String::new(),
                    });
                }
                Event::Text(t) | Event::Code(t) => {
                    kind.get_or_insert(BlockKind::Paragraph);
                    text.push_str(&t);
                }
                Event::SoftBreak => text.push(' '),
                Event::HardBreak => text.push('\n'),
                _ => {}
            }
        }
        flush(&mut blocks, &mut kind, &mut text);
        Self { blocks }
    }

    /// The block where `label`'s section starts: the first heading that names it (as a word,
    /// any case), or else the first list item or paragraph that starts with it.
    pub fn section_of(&self, label: &str) -> Option<usize> {
        let label = label.to_lowercase();
        let words = |text: &str| {
            text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        };
        let names = |text: &str| words(text).contains(&label);
        let starts_with = |text: &str| words(text).first() == Some(&label);
        self.blocks
            .iter()
            .position(|b| matches!(b.kind, BlockKind::Heading(_)) && names(&b.text))
            .or_else(|| {
                self.blocks.iter().position(|b| {
                    matches!(b.kind, BlockKind::Item { .. } | BlockKind::Paragraph)
                        && starts_with(&b.text)
                })
            })
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A first `guidelines.md` for a label set: a section per label with its description and
/// attributes, for the team to fill in.
pub fn skeleton(project_name: &str, schema: &Schema) -> String {
    let mut out = format!(
        "# Annotation guidelines: {project_name}\n\nWhat to mark, and how. Each label has its section below; the window scrolls to it when a span of that label is selected.\n"
    );
    for label in &schema.labels {
        out.push_str(&format!("\n## {}\n\n", label.name));
        if label.description.is_empty() {
            out.push_str("What it covers, with examples; what it does not.\n");
        } else {
            out.push_str(&format!("{}\n", label.description));
        }
        for attribute in &label.attributes {
            let values = match &attribute.kind {
                AttributeKind::Enum { values } => format!(" ({})", values.join(", ")),
                AttributeKind::Bool => " (yes or no)".to_owned(),
                AttributeKind::Text => " (free text)".to_owned(),
                AttributeKind::SpanRef { .. } => " (spans of the document)".to_owned(),
            };
            out.push_str(&format!(
                "\n- `{}`{values}{}{}\n",
                attribute.name,
                if attribute.required { ", required" } else { "" },
                if attribute.description.is_empty() {
                    String::new()
                } else {
                    format!(": {}", attribute.description)
                }
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_paragraphs_and_lists_become_blocks() {
        let guidelines = Guidelines::parse(
            "# Guide\n\nMark **names** as\nwritten.\n\n## PERSON\n\n- a person's name\n  - nested\n- title *not* included\n\n```\ncode\n```\n---\n## Страна / COUNTRY\nКазахстан, Тәжікстан.\n",
        );
        let kinds: Vec<(BlockKind, &str)> = guidelines
            .blocks
            .iter()
            .map(|b| (b.kind, b.text.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (BlockKind::Heading(1), "Guide"),
                (BlockKind::Paragraph, "Mark names as written."),
                (BlockKind::Heading(2), "PERSON"),
                (BlockKind::Item { depth: 1 }, "a person's name"),
                (BlockKind::Item { depth: 2 }, "nested"),
                (BlockKind::Item { depth: 1 }, "title not included"),
                (BlockKind::Code, "code"),
                (BlockKind::Rule, ""),
                (BlockKind::Heading(2), "Страна / COUNTRY"),
                (BlockKind::Paragraph, "Казахстан, Тәжікстан."),
            ]
        );
        assert_eq!(guidelines.section_of("PERSON"), Some(2));
        assert_eq!(guidelines.section_of("country"), Some(8));
        assert_eq!(guidelines.section_of("MONEY"), None);
    }

    #[test]
    fn the_skeleton_has_a_section_for_every_label() {
        let schema = Schema::default_schema();
        let guidelines = Guidelines::parse(&skeleton("Sample", &schema));
        for label in &schema.labels {
            let at = guidelines.section_of(&label.name).unwrap();
            assert_eq!(
                guidelines.blocks[at].kind,
                BlockKind::Heading(2),
                "{}",
                label.name
            );
        }
    }
}
