//! Two versions of an annotation file compared by id, as a reader wants to see them: what was
//! added, removed and changed, one line each, in document order (`accord diff`, and git's diff
//! of annotation files through `accord git setup`).
//!
//! ```text
//! + COUNTRY 155..163 "وجمهورية" #12
//! ~ MONEY 613..618 "مليار" #7: label ORG → MONEY
//! - PERSON 40..45,50..52 "Tokayev … K." #3
//! ```
//!
//! The quoted text is the fragments' text as the file records it (joined by ` … `), so a diff
//! reads the same without the document, for any version in history. Quotes, backslashes,
//! control characters and bidi controls are escaped, so each change is one line and a
//! terminal shows it as it is. [`listing`] is the other view: every annotation and link of one
//! version on its own line, sorted, for line-based diffs (git's textconv, `git log -p`).

use std::collections::BTreeMap;
use std::fmt;
use std::fmt::Write as _;

use super::file::AnnotationFile;
use super::merge::{Item, ItemChange};
use crate::model::{Annotation, AnnotationId, AttributeValue, Fragment, Link};

/// One added, removed or changed annotation, link or file field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Added, removed or changed.
    pub change: ItemChange,
    /// What changed; `None` for a field of the file itself (its document or annotator).
    pub item: Option<Item>,
    /// Where in the document (the first char of the annotation, new version when there is
    /// one), for the order of the list.
    pub at: usize,
    /// The item as it is now (as it was, when removed): `LABEL 155..163 "text" #12`.
    pub head: String,
    /// For a change: what changed, each `what old → new`.
    pub details: Vec<String>,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = match self.change {
            ItemChange::Added => '+',
            ItemChange::Removed => '-',
            ItemChange::Changed => '~',
        };
        write!(f, "{sign} {}", self.head)?;
        if !self.details.is_empty() {
            write!(f, ": {}", self.details.join("; "))?;
        }
        Ok(())
    }
}

/// The changes from `old` to `new`, file fields first, then annotations and links in
/// document order (by first char, then id). Empty when they hold the same annotations and
/// links for the same document (the id counter and the order in the file do not count).
pub fn diff(old: &AnnotationFile, new: &AnnotationFile) -> Vec<Change> {
    diff_within(old, new, &|_| None)
}

/// [`diff`] of files from which the annotations the same in both were left out: `start`
/// gives where such an annotation starts, for a link from it (which sorts there).
pub fn diff_within(
    old: &AnnotationFile,
    new: &AnnotationFile,
    start: &dyn Fn(AnnotationId) -> Option<usize>,
) -> Vec<Change> {
    let mut changes = Vec::new();
    file_fields(old, new, &mut changes);

    let old_annotations = by_id(&old.annotations, |a| a.id.0);
    let new_annotations = by_id(&new.annotations, |a| a.id.0);
    let mut items = Vec::new();
    merge_by_id(&old_annotations, &new_annotations, |old, new| {
        if let Some(c) = annotation_change(old, new) {
            items.push(c);
        }
    });
    // A link sorts at the annotation it starts from.
    let at_of = |id: AnnotationId| {
        new_annotations
            .get(&id.0)
            .or_else(|| old_annotations.get(&id.0))
            .map(|a| a.extent().start)
            .or_else(|| start(id))
            .unwrap_or(0)
    };
    let old_links = by_id(&old.links, |l| l.id.0);
    let new_links = by_id(&new.links, |l| l.id.0);
    merge_by_id(&old_links, &new_links, |old, new| {
        if let Some(c) = link_change(old, new, at_of) {
            items.push(c);
        }
    });
    items.sort_by_key(|c| (c.at, c.item));
    changes.extend(items);
    changes
}

/// Each version of one file, one line per annotation and link in document order, after a
/// line for the document and annotator: a text whose line diff reads as annotations (what
/// git's textconv shows in `git log -p`). Every field that [`diff`] compares is on an item's
/// line, so a change to any of them changes the line.
pub fn listing(file: &AnnotationFile) -> String {
    let mut out = String::new();
    let d = &file.document;
    let _ = write!(
        out,
        "document {} ({} chars, sha256 {}",
        quote(&d.file),
        d.chars,
        short_hash(&d.sha256)
    );
    if let Some(encoding) = &d.encoding {
        let _ = write!(out, ", {}", quote(encoding));
    }
    let _ = writeln!(out, ") by {}", quote(&file.annotator));
    let mut annotations: Vec<&Annotation> = file.annotations.iter().collect();
    annotations.sort_by_key(|a| (a.extent().start, a.id));
    let starts: BTreeMap<u64, usize> = annotations
        .iter()
        .map(|a| (a.id.0, a.extent().start))
        .collect();
    let mut links: Vec<&Link> = file.links.iter().collect();
    links.sort_by_key(|l| (starts.get(&l.from.0).copied().unwrap_or(0), l.id));
    let mut links = links.into_iter().peekable();
    for a in annotations {
        // Each link right after the annotation it starts from.
        let start = a.extent().start;
        while let Some(l) = links.next_if(|l| starts.get(&l.from.0).copied().unwrap_or(0) < start) {
            let _ = writeln!(out, "{}", link_head(l));
        }
        let _ = write!(out, "{}", annotation_head(a));
        for (name, value) in &a.attributes {
            let _ = write!(out, " {}={}", name, value_text(value));
        }
        if !a.note.is_empty() {
            let _ = write!(out, " note={}", quote(&a.note));
        }
        if a.review != Default::default() {
            let _ = write!(out, " {}", review_text(&a.review));
        }
        if a.conflict.is_some() {
            let _ = write!(
                out,
                " merge-conflict={}",
                conflict_text(a.conflict.as_deref())
            );
        }
        let _ = writeln!(out, " by {}", quote(&a.author));
    }
    for l in links {
        let _ = writeln!(out, "{}", link_head(l));
    }
    out
}

/// A file with no annotations or links for the same document and annotator as `other`: the
/// side of a diff where the file did not exist (git's `/dev/null`).
pub fn empty_like(other: &AnnotationFile) -> AnnotationFile {
    AnnotationFile {
        format: other.format,
        document: other.document.clone(),
        annotator: other.annotator.clone(),
        next_id: 1,
        annotations: Vec::new(),
        links: Vec::new(),
    }
}

/// `text` between double quotes, with `"` and `\` escaped, and every character a terminal
/// would act on (controls, line breaks, bidi controls) as `\n`, `\t` or `\u{…}`: one line,
/// shown as it is.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}') =>
            {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn by_id<T>(items: &[T], id: impl Fn(&T) -> u64) -> BTreeMap<u64, &T> {
    items.iter().map(|item| (id(item), item)).collect()
}

/// Calls `each` with the old and new version of every id in either map, in id order.
fn merge_by_id<'a, T>(
    old: &BTreeMap<u64, &'a T>,
    new: &BTreeMap<u64, &'a T>,
    mut each: impl FnMut(Option<&'a T>, Option<&'a T>),
) {
    let mut old_iter = old.iter().peekable();
    let mut new_iter = new.iter().peekable();
    loop {
        match (old_iter.peek(), new_iter.peek()) {
            (None, None) => break,
            (Some((o, _)), Some((n, _))) if o == n => {
                let a = old_iter.next().map(|(_, v)| *v);
                let b = new_iter.next().map(|(_, v)| *v);
                each(a, b);
            }
            (Some((o, _)), Some((n, _))) if o < n => each(old_iter.next().map(|(_, v)| *v), None),
            (Some(_), None) => each(old_iter.next().map(|(_, v)| *v), None),
            (_, Some(_)) => each(None, new_iter.next().map(|(_, v)| *v)),
        }
    }
}

fn file_fields(old: &AnnotationFile, new: &AnnotationFile, out: &mut Vec<Change>) {
    let field = |details: Vec<String>, head: &str| Change {
        change: ItemChange::Changed,
        item: None,
        at: 0,
        head: head.to_owned(),
        details,
    };
    let (o, n) = (&old.document, &new.document);
    let mut details = Vec::new();
    if o.file != n.file {
        details.push(format!("file {} → {}", quote(&o.file), quote(&n.file)));
    }
    if o.sha256 != n.sha256 || o.chars != n.chars {
        details.push(format!(
            "text {} chars (sha256 {}) → {} chars (sha256 {})",
            o.chars,
            short_hash(&o.sha256),
            n.chars,
            short_hash(&n.sha256)
        ));
    }
    if o.encoding != n.encoding {
        let name = |e: &Option<String>| e.clone().unwrap_or_else(|| "UTF-8".into());
        details.push(format!(
            "encoding {} → {}",
            name(&o.encoding),
            name(&n.encoding)
        ));
    }
    if !details.is_empty() {
        out.push(field(details, &format!("document {}", quote(&n.file))));
    }
    if old.annotator != new.annotator {
        out.push(field(
            vec![format!(
                "{} → {}",
                quote(&old.annotator),
                quote(&new.annotator)
            )],
            "annotator",
        ));
    }
}

fn short_hash(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// `LABEL 155..163,170..172 "text … more" #12`.
fn annotation_head(a: &Annotation) -> String {
    format!(
        "{} {} {} #{}",
        a.label,
        ranges(&a.fragments),
        quote(&a.text()),
        a.id.0
    )
}

fn ranges(fragments: &[Fragment]) -> String {
    let parts: Vec<String> = fragments
        .iter()
        .map(|f| format!("{}..{}", f.start, f.end))
        .collect();
    parts.join(",")
}

fn link_head(l: &Link) -> String {
    format!("link {} #{} → #{} #{}", l.kind, l.from.0, l.to.0, l.id.0)
}

fn value_text(value: &AttributeValue) -> String {
    match value {
        AttributeValue::Text(t) => quote(t),
        AttributeValue::Refs(ids) if ids.is_empty() => "(none)".into(),
        other => other.display().replace(", ", ","),
    }
}

/// A merge conflict's other version, briefly: `(other: ORG 10..20)`, `(other removed it)`.
fn conflict_text(c: Option<&crate::model::MergeConflict>) -> String {
    match c {
        None => "none".to_owned(),
        Some(c) => match &c.other {
            Some(o) => format!("(other: {} {})", o.label, o.extent()),
            None => "(other side removed it)".to_owned(),
        },
    }
}

fn review_text(r: &crate::model::Review) -> String {
    let mut s = format!("review {}", r.state.name());
    if let Some(who) = &r.reviewer {
        let _ = write!(s, " by {}", quote(who));
    }
    if !r.proposed_by.is_empty() {
        let names: Vec<String> = r.proposed_by.iter().map(|n| quote(n)).collect();
        let _ = write!(s, " proposed by {}", names.join(","));
    }
    s
}

fn annotation_change(old: Option<&Annotation>, new: Option<&Annotation>) -> Option<Change> {
    let (change, now, details) = match (old, new) {
        (None, None) => return None,
        (None, Some(n)) => (ItemChange::Added, n, Vec::new()),
        (Some(o), None) => (ItemChange::Removed, o, Vec::new()),
        (Some(o), Some(n)) if o == n => return None,
        (Some(o), Some(n)) => (ItemChange::Changed, n, annotation_details(o, n)),
    };
    Some(Change {
        change,
        item: Some(Item::Annotation(now.id)),
        at: now.extent().start,
        head: annotation_head(now),
        details,
    })
}

/// What differs between two versions of one annotation, each `what old → new`.
fn annotation_details(o: &Annotation, n: &Annotation) -> Vec<String> {
    let mut d = Vec::new();
    if o.label != n.label {
        d.push(format!("label {} → {}", o.label, n.label));
    }
    let same_ranges = o.fragments.len() == n.fragments.len()
        && o.fragments
            .iter()
            .zip(&n.fragments)
            .all(|(a, b)| (a.start, a.end) == (b.start, b.end));
    if !same_ranges {
        d.push(format!(
            "fragments {} → {}",
            ranges(&o.fragments),
            ranges(&n.fragments)
        ));
    }
    if o.text() != n.text() {
        d.push(format!("text {} → {}", quote(&o.text()), quote(&n.text())));
    }
    let names: std::collections::BTreeSet<&String> =
        o.attributes.keys().chain(n.attributes.keys()).collect();
    for name in names {
        match (o.attributes.get(name), n.attributes.get(name)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b)) => d.push(format!(
                "attribute {name}: {} → {}",
                value_text(a),
                value_text(b)
            )),
            (Some(a), None) => d.push(format!("attribute {name}: {} → (unset)", value_text(a))),
            (None, Some(b)) => d.push(format!("attribute {name}: (unset) → {}", value_text(b))),
            (None, None) => {}
        }
    }
    if o.note != n.note {
        d.push(format!("note {} → {}", quote(&o.note), quote(&n.note)));
    }
    if o.review != n.review {
        d.push(format!(
            "{} → {}",
            review_text(&o.review),
            review_text(&n.review).trim_start_matches("review ")
        ));
    }
    if o.author != n.author {
        d.push(format!(
            "author {} → {}",
            quote(&o.author),
            quote(&n.author)
        ));
    }
    if o.created != n.created {
        d.push(format!("created {} → {}", o.created, n.created));
    }
    if o.conflict != n.conflict {
        d.push(format!(
            "merge conflict {} → {}",
            conflict_text(o.conflict.as_deref()),
            conflict_text(n.conflict.as_deref())
        ));
    }
    // The time of a change says little beside the change; alone, it is the only trace.
    if d.is_empty() && o.modified != n.modified {
        d.push(format!("modified {} → {}", o.modified, n.modified));
    }
    d
}

fn link_change(
    old: Option<&Link>,
    new: Option<&Link>,
    at_of: impl Fn(crate::model::AnnotationId) -> usize,
) -> Option<Change> {
    let (change, now, details) = match (old, new) {
        (None, None) => return None,
        (None, Some(n)) => (ItemChange::Added, n, Vec::new()),
        (Some(o), None) => (ItemChange::Removed, o, Vec::new()),
        (Some(o), Some(n)) if o == n => return None,
        (Some(o), Some(n)) => {
            let mut d = Vec::new();
            if o.kind != n.kind {
                d.push(format!("kind {} → {}", o.kind, n.kind));
            }
            if o.from != n.from {
                d.push(format!("from #{} → #{}", o.from.0, n.from.0));
            }
            if o.to != n.to {
                d.push(format!("to #{} → #{}", o.to.0, n.to.0));
            }
            (ItemChange::Changed, n, d)
        }
    };
    Some(Change {
        change,
        item: Some(Item::Link(now.id)),
        at: at_of(now.from),
        head: link_head(now),
        details,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_by_id_visits_every_id_once_with_both_versions() {
        let old = BTreeMap::from([(1, &'a'), (3, &'c'), (4, &'d')]);
        let new = BTreeMap::from([(2, &'B'), (3, &'C'), (5, &'E')]);
        let mut seen = Vec::new();
        merge_by_id(&old, &new, |o, n| seen.push((o.copied(), n.copied())));
        assert_eq!(
            seen,
            [
                (Some('a'), None),
                (None, Some('B')),
                (Some('c'), Some('C')),
                (Some('d'), None),
                (None, Some('E')),
            ]
        );
    }
}
