//! Writes an annotation file in exactly the bytes [`super::file::to_pretty_ron`] gives, but
//! straight from borrowed data and several times faster: `ron`'s serializer, plus the copy of
//! every annotation that [`super::AnnotationFile::from_store`] makes, took most of a save of a
//! large file. `tests/core/store.rs` checks the two agree on random files.
//!
//! The layout is `ron`'s pretty printing with depth limit 3: the file, the document stamp, and
//! each annotation and link have one field per line; everything deeper (fragments, attributes,
//! review) is written on one line.

use super::stamp::DocumentStamp;
use crate::model::{Annotation, AttributeValue, Link, Review, ReviewState};

/// The parts of an annotation file, borrowed.
pub(crate) struct FileParts<'a, A, L> {
    pub format: u32,
    pub document: &'a DocumentStamp,
    pub annotator: &'a str,
    pub next_id: u64,
    pub annotations: A,
    pub links: L,
}

/// The RON text of an annotation file, ending in a newline.
pub(crate) fn write_file<'a, A, L>(parts: FileParts<'a, A, L>) -> String
where
    A: ExactSizeIterator<Item = &'a Annotation>,
    L: ExactSizeIterator<Item = &'a Link>,
{
    // About 300 bytes per annotation in practice; one allocation for the common case.
    let mut out =
        String::with_capacity(512 + parts.annotations.len() * 320 + parts.links.len() * 96);
    out.push_str("(\n    format: ");
    push_u64(&mut out, u64::from(parts.format));
    out.push_str(",\n    document: (\n        file: ");
    push_str(&mut out, &parts.document.file);
    out.push_str(",\n        sha256: ");
    push_str(&mut out, &parts.document.sha256);
    out.push_str(",\n        chars: ");
    push_u64(&mut out, parts.document.chars as u64);
    if let Some(encoding) = &parts.document.encoding {
        out.push_str(",\n        encoding: Some(");
        push_str(&mut out, encoding);
        out.push(')');
    }
    out.push_str(",\n    ),\n    annotator: ");
    push_str(&mut out, parts.annotator);
    out.push_str(",\n    next_id: ");
    push_u64(&mut out, parts.next_id);
    out.push_str(",\n    annotations: [");
    if parts.annotations.len() > 0 {
        out.push('\n');
        for a in parts.annotations {
            push_annotation(&mut out, a);
        }
        out.push_str("    ");
    }
    out.push_str("],\n    links: [");
    if parts.links.len() > 0 {
        out.push('\n');
        for l in parts.links {
            out.push_str("        (\n            id: ");
            push_u64(&mut out, l.id.0);
            out.push_str(",\n            kind: ");
            push_str(&mut out, &l.kind);
            out.push_str(",\n            from: ");
            push_u64(&mut out, l.from.0);
            out.push_str(",\n            to: ");
            push_u64(&mut out, l.to.0);
            out.push_str(",\n        ),\n");
        }
        out.push_str("    ");
    }
    out.push_str("],\n)\n");
    out
}

fn push_annotation(out: &mut String, a: &Annotation) {
    out.push_str("        (\n            id: ");
    push_u64(out, a.id.0);
    out.push_str(",\n            label: ");
    push_str(out, &a.label);
    out.push_str(",\n            fragments: [");
    for (i, f) in a.fragments.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str("(start: ");
        push_u64(out, f.start as u64);
        out.push_str(", end: ");
        push_u64(out, f.end as u64);
        out.push_str(", text: ");
        push_str(out, &f.text);
        out.push(')');
    }
    out.push_str("],\n");
    if !a.attributes.is_empty() {
        out.push_str("            attributes: {");
        for (i, (name, value)) in a.attributes.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            push_str(out, name);
            out.push_str(": ");
            push_value(out, value);
        }
        out.push_str("},\n");
    }
    if !a.note.is_empty() {
        out.push_str("            note: ");
        push_str(out, &a.note);
        out.push_str(",\n");
    }
    if a.review != Review::default() {
        out.push_str("            review: (state: ");
        out.push_str(match a.review.state {
            ReviewState::Pending => "Pending",
            ReviewState::Accepted => "Accepted",
            ReviewState::Rejected => "Rejected",
            ReviewState::Edited => "Edited",
        });
        if let Some(reviewer) = &a.review.reviewer {
            out.push_str(", reviewer: Some(");
            push_str(out, reviewer);
            out.push(')');
        }
        if let Some(time) = &a.review.time {
            out.push_str(", time: Some(");
            push_str(out, &time.0);
            out.push(')');
        }
        if !a.review.proposed_by.is_empty() {
            out.push_str(", proposed_by: [");
            for (i, name) in a.review.proposed_by.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_str(out, name);
            }
            out.push(']');
        }
        out.push_str("),\n");
    }
    out.push_str("            author: ");
    push_str(out, &a.author);
    out.push_str(",\n            created: ");
    push_str(out, &a.created.0);
    out.push_str(",\n            modified: ");
    push_str(out, &a.modified.0);
    out.push_str(",\n        ),\n");
}

fn push_value(out: &mut String, value: &AttributeValue) {
    match value {
        AttributeValue::Enum(v) => {
            out.push_str("Enum(");
            push_str(out, v);
        }
        AttributeValue::Text(v) => {
            out.push_str("Text(");
            push_str(out, v);
        }
        AttributeValue::Bool(b) => out.push_str(if *b { "Bool(true" } else { "Bool(false" }),
        AttributeValue::Refs(ids) => {
            out.push_str("Refs([");
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_u64(out, id.0);
            }
            out.push(']');
        }
    }
    out.push(')');
}

/// A string as `ron` writes it without escaping: as is between quotes, or as a raw string
/// (`r#"…"#`, with one more `#` than the longest run in the text) when it holds `"` or `\`.
fn push_str(out: &mut String, s: &str) {
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

fn push_u64(out: &mut String, mut n: u64) {
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
        out.push(char::from(d));
    }
}
