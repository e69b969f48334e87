//! JSONL: one JSON object per document and line, holding everything Accord knows.
//!
//! ```json
//! {"text": "…", "spans": [[613, 618, "MONEY"], …],
//!  "annotations": [{"id": 1, "label": "MONEY", "fragments": [[613, 618]], "attributes": {…},
//!                   "note": "", "review": {"state": "Accepted", …}, "author": "…", …}],
//!  "relations": [{"id": 12, "kind": "located_in", "from": 3, "to": 4}],
//!  "groups": [{"id": 1, "kind": "same_commitment", "members": [{"document": "…", "annotation": 9}]}],
//!  "meta": {"file": "….zh.txt", "language": "zh", "date": null, "title": "…", "annotator": "…",
//!           "bom": false, "next_id": 10, "offsets": "unicode code points, end-exclusive"}}
//! ```
//!
//! `spans` is the doccano/spaCy view: every fragment as `[start, end, label]` in code points
//! (a discontinuous annotation shows as its pieces). `annotations` is the whole record, which
//! an import reads back exactly. A line with only `text` and `spans` (or doccano's `label`) is
//! imported too, each span becoming one annotation.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{
    Corpus, CorpusDocument, Format, FormatError, FormatSpec, ImportContext, ImportSpec, Imported,
    Loss, LossKind, Output, OutputFile, SourceKind, Stage, byte_offsets, fragments_from, step,
};
use crate::model::{
    Annotation, AnnotationId, AttributeValue, CrossGroup, CrossMember, GroupId, Link, LinkId,
    Review, Timestamp,
};

const OFFSETS: &str = "unicode code points, end-exclusive";

#[derive(Serialize, Deserialize)]
struct Line {
    text: String,
    #[serde(default, alias = "label")]
    spans: Vec<(usize, usize, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    annotations: Option<Vec<JsonAnnotation>>,
    #[serde(default)]
    relations: Vec<JsonRelation>,
    #[serde(default)]
    groups: Vec<JsonGroup>,
    #[serde(default)]
    meta: Meta,
}

#[derive(Serialize, Deserialize)]
struct JsonAnnotation {
    id: u64,
    label: String,
    fragments: Vec<(usize, usize)>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    attributes: BTreeMap<String, AttributeValue>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    note: String,
    #[serde(default)]
    review: Review,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    modified: Option<Timestamp>,
}

#[derive(Serialize, Deserialize)]
struct JsonRelation {
    id: u64,
    kind: String,
    from: u64,
    to: u64,
}

#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
struct JsonGroup {
    id: u64,
    kind: String,
    members: Vec<CrossMember>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    note: String,
}

#[derive(Serialize, Deserialize, Default)]
struct Meta {
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    annotator: Option<String>,
    #[serde(default)]
    bom: bool,
    #[serde(default)]
    next_id: Option<u64>,
    #[serde(default)]
    offsets: Option<String>,
}

/// The JSONL format, as the registry (`formats/mod.rs`) lists it.
pub(super) const SPEC: FormatSpec = FormatSpec {
    format: Format::Jsonl,
    name: "jsonl",
    title: "JSONL",
    writes: "one file, a document per line: text, spans and everything else",
    output: Output::File { extension: "jsonl" },
    export,
    import: Some(ImportSpec {
        reads: "a .jsonl file: Accord's export, or lines of text and spans",
        source: SourceKind::File(&["jsonl", "json"]),
        read: import,
        parse: |path, source, ctx, control| parse(source.text(), path, ctx, control),
    }),
};

/// The JSONL file of a corpus.
pub(super) fn export(
    corpus: &Corpus,
    control: super::Control<'_>,
) -> Result<(Vec<OutputFile>, Vec<Loss>), FormatError> {
    let groups_of = corpus.groups_by_document();
    let line_of = |doc: &CorpusDocument| -> Result<Vec<u8>, FormatError> {
        let groups = groups_of
            .get(doc.file.as_str())
            .into_iter()
            .flatten()
            .map(|g| JsonGroup {
                id: g.id.0,
                kind: g.kind.clone(),
                members: g.members.clone(),
                note: g.note.clone(),
            })
            .collect();
        let line = Line {
            text: doc.text.clone(),
            spans: doc
                .annotations
                .iter()
                .flat_map(|a| {
                    a.fragments
                        .iter()
                        .map(|f| (f.start, f.end, a.label.clone()))
                })
                .collect(),
            annotations: Some(
                doc.annotations
                    .iter()
                    .map(|a| JsonAnnotation {
                        id: a.id.0,
                        label: a.label.clone(),
                        fragments: a.fragments.iter().map(|f| (f.start, f.end)).collect(),
                        attributes: a.attributes.clone(),
                        note: a.note.clone(),
                        review: a.review.clone(),
                        author: Some(a.author.clone()),
                        created: Some(a.created.clone()),
                        modified: Some(a.modified.clone()),
                    })
                    .collect(),
            ),
            relations: doc
                .links
                .iter()
                .map(|l| JsonRelation {
                    id: l.id.0,
                    kind: l.kind.clone(),
                    from: l.from.0,
                    to: l.to.0,
                })
                .collect(),
            groups,
            meta: Meta {
                file: Some(doc.file.clone()),
                language: doc.language.clone(),
                date: doc.date.clone(),
                title: doc.title.clone(),
                annotator: Some(corpus.annotator.clone()),
                bom: doc.bom,
                next_id: Some(doc.next_id),
                offsets: Some(OFFSETS.to_owned()),
            },
        };
        // Writing to a Vec cannot fail, and every key is a string.
        let mut out = Vec::with_capacity(doc.json_size_hint());
        serde_json::to_writer(&mut out, &line).map_err(|e| FormatError::Parse {
            path: doc.file.clone().into(),
            line: 0,
            message: format!("cannot encode as JSON: {e}"),
        })?;
        out.push(b'\n');
        Ok(out)
    };
    let (lines, _) = corpus.convert(control, |_, doc, _| line_of(doc))?;
    let mut out = Vec::with_capacity(lines.iter().map(|l| l.as_ref().map_or(0, Vec::len)).sum());
    for line in lines {
        out.extend_from_slice(&line?);
    }
    Ok((
        vec![OutputFile {
            path: Default::default(),
            bytes: out,
        }],
        Vec::new(),
    ))
}

/// Reads a JSONL file: one document per non-empty line.
pub(super) fn import(
    path: &Path,
    ctx: &ImportContext<'_>,
    control: super::Control<'_>,
) -> Result<Imported, FormatError> {
    let text = super::read_source_text_file(path)?;
    parse(&text, path, ctx, control)
}

/// Reads the text of a JSONL file; `path` names it in errors and gives unnamed documents
/// their names.
pub(super) fn parse(
    text: &str,
    path: &Path,
    ctx: &ImportContext<'_>,
    control: super::Control<'_>,
) -> Result<Imported, FormatError> {
    let stem = path.file_stem().map_or_else(
        || "document".to_owned(),
        |s| s.to_string_lossy().into_owned(),
    );
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let mut imported = Imported::default();
    let mut groups: BTreeMap<u64, JsonGroup> = BTreeMap::new();
    for (n, (line_no, line)) in lines.iter().enumerate() {
        step(control, Stage::Reading, n, lines.len(), &stem)?;
        let parsed: Line = serde_json::from_str(line).map_err(|e| FormatError::Parse {
            path: path.to_path_buf(),
            line: line_no + 1,
            message: format!("not a JSONL document line: {e}"),
        })?;
        let file = parsed
            .meta
            .file
            .clone()
            .unwrap_or_else(|| format!("{stem}-{:04}.txt", n + 1));
        let doc = document(parsed, file, ctx, &mut imported.problems, &mut groups);
        imported.documents.push(doc);
    }
    imported.groups = groups
        .into_values()
        .map(|g| CrossGroup {
            id: GroupId(g.id),
            kind: g.kind,
            members: g.members,
            note: g.note,
        })
        .collect();
    Ok(imported)
}

fn document(
    line: Line,
    file: String,
    ctx: &ImportContext<'_>,
    problems: &mut Vec<Loss>,
    groups: &mut BTreeMap<u64, JsonGroup>,
) -> CorpusDocument {
    let offsets = byte_offsets(&line.text);
    let mut doc = CorpusDocument::new(file, line.text.clone());
    doc.bom = line.meta.bom;
    doc.language = line.meta.language;
    doc.date = line.meta.date;
    doc.title = line.meta.title;
    let mut problem = |annotation: Option<AnnotationId>, detail: String| {
        problems.push(Loss {
            document: doc.file.clone(),
            annotation,
            kind: LossKind::NotMapped,
            detail,
        })
    };
    let records: Vec<JsonAnnotation> = match line.annotations {
        Some(records) => records,
        // doccano / spaCy style: each span is an annotation.
        None => line
            .spans
            .into_iter()
            .enumerate()
            .map(|(i, (start, end, label))| JsonAnnotation {
                id: i as u64 + 1,
                label,
                fragments: vec![(start, end)],
                attributes: BTreeMap::new(),
                note: String::new(),
                review: Review::default(),
                author: None,
                created: None,
                modified: None,
            })
            .collect(),
    };
    let mut ids = std::collections::HashSet::new();
    for r in records {
        let id = AnnotationId(r.id);
        if !ids.insert(r.id) {
            problem(
                Some(id),
                format!("id {} is used twice: the second is left out", r.id),
            );
            continue;
        }
        match fragments_from(&line.text, &offsets, r.fragments) {
            Ok(fragments) => doc.annotations.push(Annotation {
                id,
                label: r.label,
                fragments,
                attributes: r.attributes,
                note: r.note,
                review: r.review,
                author: r.author.unwrap_or_else(|| ctx.annotator.to_owned()),
                created: r.created.unwrap_or_else(|| ctx.now.clone()),
                modified: r.modified.unwrap_or_else(|| ctx.now.clone()),
                source: None,
                conflict: None,
            }),
            Err(why) => problem(Some(id), format!("{} left out: {why}", r.label)),
        }
    }
    for rel in line.relations {
        if !ids.insert(rel.id) {
            problem(
                None,
                format!("relation id {} is taken: the relation is left out", rel.id),
            );
            continue;
        }
        doc.links.push(Link {
            id: LinkId(rel.id),
            kind: rel.kind,
            from: AnnotationId(rel.from),
            to: AnnotationId(rel.to),
        });
    }
    let max_id = ids.iter().copied().max().unwrap_or(0);
    doc.next_id = line.meta.next_id.unwrap_or(0).max(max_id + 1);
    doc.annotations.sort_by_key(|a| (a.extent().start, a.id));
    for g in line.groups {
        match groups.get(&g.id) {
            Some(seen) if *seen != g => problem(
                None,
                format!(
                    "group {} differs from the one of the same id on an earlier line: the first is kept",
                    g.id
                ),
            ),
            Some(_) => {}
            None => {
                groups.insert(g.id, g);
            }
        }
    }
    doc
}
