//! Two versions of any annotation or link file of a project compared by id (`accord diff`,
//! and git's diffs once `accord git setup` has run): annotation files through
//! [`crate::store::diff`], cross-document link files (`links/<annotator>.ron`) group by group.
//!
//! ```text
//! + group same_commitment #3: "a.zh.txt" #12, "b.ar.txt" #4
//! ~ group same_person #1: members + "c.kk.txt" #9
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::CrossLinkFile;
use crate::model::{AnnotationId, CrossGroup, CrossMember};
use crate::project_dir::{Limit, read_outside};
use crate::store::blocks;
use crate::store::diff::{Change, quote};
use crate::store::file::{MAX_FILE_BYTES, parse_annotation_file};
use crate::store::merge::{Item, ItemChange};
use crate::store::{AnnotationFile, StoreError};

/// One version of a file that [`diff`] compares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Version {
    /// An annotation file, `annotations/<annotator>/<doc>.ron`.
    Annotations(AnnotationFile),
    /// A cross-document link file, `links/<annotator>.ron`.
    Links(CrossLinkFile),
}

impl Version {
    /// Reads the text of an annotation or link file (which one, from its fields); `path` names
    /// it in errors. The error is the annotation file's unless the text is a link file's.
    pub fn parse(text: &str, path: &Path) -> Result<Self, StoreError> {
        match parse_annotation_file(text, path) {
            Ok(file) => Ok(Self::Annotations(file)),
            Err(annotations_error) => match CrossLinkFile::parse(text, path) {
                Ok(file) => Ok(Self::Links(file)),
                Err(links_error) if text.contains("groups") && !text.contains("document") => {
                    Err(links_error)
                }
                Err(_) => Err(annotations_error),
            },
        }
    }

    /// Reads the file at `path`, which may be outside any project (git's temporary copies of
    /// old versions), or `None` when there is no file there.
    pub fn read(path: &Path) -> Result<Option<Self>, StoreError> {
        match read_text(path)? {
            Some(text) => Self::parse(&text, path).map(Some),
            None => Ok(None),
        }
    }

    /// The same kind of file with nothing in it: the side of a diff where it did not exist.
    pub fn empty_like(&self) -> Self {
        match self {
            Self::Annotations(f) => Self::Annotations(crate::store::diff::empty_like(f)),
            Self::Links(f) => Self::Links(CrossLinkFile::new(&f.annotator)),
        }
    }

    /// One line per item, sorted (see [`crate::store::diff::listing`]).
    pub fn listing(&self) -> String {
        match self {
            Self::Annotations(f) => crate::store::diff::listing(f),
            Self::Links(f) => links_listing(f),
        }
    }
}

/// The text of the file at `path` (outside any project: a regular file, at most
/// [`MAX_FILE_BYTES`], UTF-8), or `None` when there is none.
pub fn read_text(path: &Path) -> Result<Option<String>, StoreError> {
    let Some(bytes) = read_outside(path, LIMIT)? else {
        return Ok(None);
    };
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| StoreError::Io {
            action: "read",
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8"),
        })
}

/// How much of a file is read.
const LIMIT: Limit = Limit::new(MAX_FILE_BYTES, "an annotation or link file");

/// [`read_text`] of two files at once, on two threads.
pub fn read_texts(
    old: &Path,
    new: &Path,
) -> (
    Result<Option<String>, StoreError>,
    Result<Option<String>, StoreError>,
) {
    rayon::join(|| read_text(old), || read_text(new))
}

/// Why two texts cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// A text is neither an annotation file nor a link file.
    #[error(transparent)]
    Unreadable(#[from] StoreError),
    /// One is an annotation file, the other a link file.
    #[error(transparent)]
    Mismatch(#[from] KindMismatch),
}

/// [`diff`] of two versions' texts (`None`: the file did not exist; the path names it in
/// errors). Two versions of a 100 000-annotation file differ in a few thousand annotations:
/// those the same byte for byte in both are left out before either is read
/// (`store::blocks`).
pub fn diff_texts(
    old: Option<(&str, &Path)>,
    new: Option<(&str, &Path)>,
) -> Result<Vec<Change>, DiffError> {
    type Parsed = Result<Option<Version>, StoreError>;
    fn parse_two(old: Option<(&str, &Path)>, new: Option<(&str, &Path)>) -> (Parsed, Parsed) {
        let parse = |side: Option<(&str, &Path)>| {
            side.map(|(text, path)| Version::parse(text, path))
                .transpose()
        };
        rayon::join(|| parse(old), || parse(new))
    }
    if let (Some((o, old_path)), Some((n, new_path))) = (old, new)
        && let Some(differing) = blocks::without_common(o, n)
        && let (Ok(Some(Version::Annotations(o))), Ok(Some(Version::Annotations(n)))) = parse_two(
            Some((&differing.old, old_path)),
            Some((&differing.new, new_path)),
        )
    {
        let start = |id: AnnotationId| differing.starts.get(&id.0).copied();
        return Ok(crate::store::diff::diff_within(&o, &n, &start));
    }
    let (o, n) = parse_two(old, new);
    Ok(diff(o?.as_ref(), n?.as_ref())?)
}

/// Why two versions cannot be compared.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot compare an annotation file with a cross-document link file; give two versions of the same file"
)]
pub struct KindMismatch;

/// The changes from `old` to `new` (`None`: the file did not exist), one per item.
pub fn diff(old: Option<&Version>, new: Option<&Version>) -> Result<Vec<Change>, KindMismatch> {
    let (old, new) = match (old, new) {
        (None, None) => return Ok(Vec::new()),
        (Some(o), Some(n)) => (o.clone(), n.clone()),
        (Some(o), None) => (o.clone(), o.empty_like()),
        (None, Some(n)) => (n.empty_like(), n.clone()),
    };
    match (&old, &new) {
        (Version::Annotations(o), Version::Annotations(n)) => Ok(crate::store::diff::diff(o, n)),
        (Version::Links(o), Version::Links(n)) => Ok(diff_links(o, n)),
        _ => Err(KindMismatch),
    }
}

/// `"a.zh.txt" #12`.
fn member_text(m: &CrossMember) -> String {
    format!("{} #{}", quote(&m.document), m.annotation.0)
}

fn group_head(g: &CrossGroup) -> String {
    let members: Vec<String> = g.members.iter().map(member_text).collect();
    format!("group {} #{}: {}", g.kind, g.id.0, members.join(", "))
}

fn links_listing(file: &CrossLinkFile) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "links by {}", quote(&file.annotator));
    let mut groups: Vec<&CrossGroup> = file.groups.iter().collect();
    groups.sort_by_key(|g| g.id);
    for g in groups {
        let mut members = g.clone();
        members.members.sort();
        let _ = write!(out, "{}", group_head(&members));
        if !g.note.is_empty() {
            let _ = write!(out, " note={}", quote(&g.note));
        }
        out.push('\n');
    }
    out
}

fn diff_links(old: &CrossLinkFile, new: &CrossLinkFile) -> Vec<Change> {
    let mut changes = Vec::new();
    if old.annotator != new.annotator {
        changes.push(Change {
            change: ItemChange::Changed,
            item: None,
            at: 0,
            head: "annotator".into(),
            details: vec![format!(
                "{} → {}",
                quote(&old.annotator),
                quote(&new.annotator)
            )],
        });
    }
    let by_id = |f: &CrossLinkFile| -> BTreeMap<u64, CrossGroup> {
        f.groups
            .iter()
            .map(|g| {
                let mut g = g.clone();
                g.members.sort();
                (g.id.0, g)
            })
            .collect()
    };
    let (o, n) = (by_id(old), by_id(new));
    let ids: std::collections::BTreeSet<u64> = o.keys().chain(n.keys()).copied().collect();
    for id in ids {
        let (change, now, details) = match (o.get(&id), n.get(&id)) {
            (Some(a), Some(b)) if a == b => continue,
            (None, None) => continue,
            (None, Some(b)) => (ItemChange::Added, b, Vec::new()),
            (Some(a), None) => (ItemChange::Removed, a, Vec::new()),
            (Some(a), Some(b)) => (ItemChange::Changed, b, group_details(a, b)),
        };
        changes.push(Change {
            change,
            item: Some(Item::Group(now.id)),
            at: 0,
            head: group_head(now),
            details,
        });
    }
    changes
}

fn group_details(a: &CrossGroup, b: &CrossGroup) -> Vec<String> {
    let mut d = Vec::new();
    if a.kind != b.kind {
        d.push(format!("kind {} → {}", a.kind, b.kind));
    }
    let added: Vec<String> = b
        .members
        .iter()
        .filter(|m| !a.members.contains(m))
        .map(|m| format!("+ {}", member_text(m)))
        .collect();
    let removed: Vec<String> = a
        .members
        .iter()
        .filter(|m| !b.members.contains(m))
        .map(|m| format!("- {}", member_text(m)))
        .collect();
    if !added.is_empty() || !removed.is_empty() {
        d.push(format!(
            "members {}",
            removed
                .into_iter()
                .chain(added)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if a.note != b.note {
        d.push(format!("note {} → {}", quote(&a.note), quote(&b.note)));
    }
    d
}
