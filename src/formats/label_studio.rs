//! Label Studio: `tasks.json` (one task per document, Accord's annotations as one completed
//! annotation of the task) and `config.xml`, the labelling configuration that shows them.
//!
//! ```json
//! [{"id": 1, "data": {"text": "…", "file": "….ar.txt", "language": "ar", "title": "…"},
//!   "annotations": [{"result": [
//!     {"id": "9", "from_name": "label", "to_name": "text", "type": "labels",
//!      "value": {"start": 1467, "end": 1521, "text": "…", "labels": ["COMMITMENT"]},
//!      "meta": {"text": ["the note"]}},
//!     {"id": "9", "from_name": "COMMITMENT.kind", "to_name": "text", "type": "choices",
//!      "value": {"start": 1467, "end": 1521, "text": "…", "choices": ["agreement"]}},
//!     {"type": "relation", "from_id": "9", "to_id": "1", "direction": "right", "labels": ["actors"]}
//!   ]}]}]
//! ```
//!
//! Offsets are code points: Label Studio's front end stores code points, not JavaScript's
//! UTF-16 indices, since its fix for emoji offsets. Region ids are Accord's annotation ids; a
//! discontinuous annotation is one region per fragment (`9`, `9/2`, …), which Label Studio
//! shows as separate regions. Enum and yes/no attributes are per-region `Choices`, text
//! attributes per-region `TextArea`s, span references and links are relations (told apart on
//! import by the schema, as in brat). Not written: review state, authors, times, link ids
//! (renumbered on import), cross-document groups.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use super::{
    Control, Corpus, CorpusDocument, Format, FormatError, FormatSpec, ImportContext, ImportSpec,
    Imported, Loss, LossKind, Output, OutputFile, SourceKind, Stage, byte_offsets, fragments_from,
    label_colour, step,
};
use crate::model::{Annotation, AnnotationId, AttributeValue, Link, LinkId, Review};
use crate::schema::{AttributeKind, Schema};

/// The name of the `Labels` control and of the `Text` object in the configuration.
const LABELS: &str = "label";
const TEXT: &str = "text";

fn region_id(id: AnnotationId, fragment: usize) -> String {
    if fragment == 0 {
        id.0.to_string()
    } else {
        format!("{}/{}", id.0, fragment + 1)
    }
}

/// The control name of a label's attribute: `COMMITMENT.kind`.
fn control_name(label: &str, attribute: &str) -> String {
    format!("{label}.{attribute}")
}

/// The Label Studio format, as the registry (`formats/mod.rs`) lists it.
pub(super) const SPEC: FormatSpec = FormatSpec {
    format: Format::LabelStudio,
    name: "label-studio",
    title: "Label Studio",
    writes: "a folder: tasks.json and the labelling config.xml",
    output: Output::Folder,
    export,
    import: Some(ImportSpec {
        reads: "a tasks JSON file, or the folder of an export",
        source: SourceKind::FileOrFolder(&["json"]),
        read: import,
        parse: |path, source, ctx, control| parse(source.text(), path, ctx, control),
    }),
};

pub(super) fn export(
    corpus: &Corpus,
    control: Control<'_>,
) -> Result<(Vec<OutputFile>, Vec<Loss>), FormatError> {
    // Tasks are numbered from 1.
    let (tasks, mut losses) = corpus.convert(control, |i, doc, lost| task(i + 1, doc, lost))?;
    for g in &corpus.groups {
        losses.push(Loss {
            document: g
                .members
                .first()
                .map_or_else(String::new, |m| m.document.clone()),
            annotation: None,
            kind: LossKind::Group,
            detail: format!(
                "group {} ({}): Label Studio has no cross-task links",
                g.id.0, g.kind
            ),
        });
    }
    let room = corpus.documents.iter().map(CorpusDocument::json_size_hint);
    let mut json = Vec::with_capacity(room.sum());
    serde_json::to_writer(&mut json, &tasks).map_err(|e| FormatError::Parse {
        path: PathBuf::from("tasks.json"),
        line: 0,
        message: format!("cannot encode as JSON: {e}"),
    })?;
    Ok((
        vec![
            OutputFile {
                path: PathBuf::from("tasks.json"),
                bytes: json,
            },
            OutputFile {
                path: PathBuf::from("config.xml"),
                bytes: config(&corpus.schema, corpus).into_bytes(),
            },
        ],
        losses,
    ))
}

// The task JSON, written from borrowed data (serde_json's `Value` would copy every text).

#[derive(Serialize)]
struct Task<'a> {
    id: usize,
    data: Data<'a>,
    annotations: [TaskAnnotation<'a>; 1],
}

#[derive(Serialize)]
struct Data<'a> {
    text: &'a str,
    file: &'a str,
    language: Option<&'a str>,
    date: Option<&'a str>,
    title: Option<&'a str>,
    bom: bool,
    next_id: u64,
}

#[derive(Serialize)]
struct TaskAnnotation<'a> {
    id: usize,
    result: Vec<ResultItem<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum ResultItem<'a> {
    Region(Region<'a>),
    Relation(Relation<'a>),
}

#[derive(Serialize)]
struct Region<'a> {
    id: String,
    from_name: Cow<'a, str>,
    to_name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    origin: &'static str,
    value: RegionValue<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<RegionMeta<'a>>,
}

#[derive(Serialize)]
struct RegionValue<'a> {
    start: usize,
    end: usize,
    /// The span's text; a `TextArea`'s answer for text attributes.
    text: RegionText<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<[&'a str; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    choices: Option<[&'a str; 1]>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum RegionText<'a> {
    Span(&'a str),
    Answer([&'a str; 1]),
}

#[derive(Serialize)]
struct RegionMeta<'a> {
    text: [&'a str; 1],
}

#[derive(Serialize)]
struct Relation<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    from_id: String,
    to_id: String,
    direction: &'static str,
    labels: [&'a str; 1],
}

fn relation(from: AnnotationId, to: AnnotationId, label: &str) -> ResultItem<'_> {
    ResultItem::Relation(Relation {
        kind: "relation",
        from_id: region_id(from, 0),
        to_id: region_id(to, 0),
        direction: "right",
        labels: [label],
    })
}

fn task<'a>(n: usize, doc: &'a CorpusDocument, losses: &mut Vec<Loss>) -> Task<'a> {
    let mut result = Vec::new();
    for a in &doc.annotations {
        for (k, f) in a.fragments.iter().enumerate() {
            result.push(ResultItem::Region(Region {
                id: region_id(a.id, k),
                from_name: Cow::Borrowed(LABELS),
                to_name: TEXT,
                kind: "labels",
                origin: "manual",
                value: RegionValue {
                    start: f.start,
                    end: f.end,
                    text: RegionText::Span(&f.text),
                    labels: Some([&a.label]),
                    choices: None,
                },
                meta: (k == 0 && !a.note.is_empty()).then(|| RegionMeta { text: [&a.note] }),
            }));
        }
        let first = &a.fragments[0];
        for (name, value) in &a.attributes {
            let per_region =
                |kind: &'static str, text: RegionText<'a>, choices: Option<[&'a str; 1]>| {
                    ResultItem::Region(Region {
                        id: region_id(a.id, 0),
                        from_name: Cow::Owned(control_name(&a.label, name)),
                        to_name: TEXT,
                        kind,
                        origin: "manual",
                        value: RegionValue {
                            start: first.start,
                            end: first.end,
                            text,
                            labels: None,
                            choices,
                        },
                        meta: None,
                    })
                };
            match value {
                AttributeValue::Enum(v) => {
                    result.push(per_region(
                        "choices",
                        RegionText::Span(&first.text),
                        Some([v]),
                    ));
                }
                AttributeValue::Bool(b) => {
                    let v = if *b { "true" } else { "false" };
                    result.push(per_region(
                        "choices",
                        RegionText::Span(&first.text),
                        Some([v]),
                    ));
                }
                AttributeValue::Text(t) => {
                    result.push(per_region("textarea", RegionText::Answer([t]), None));
                }
                AttributeValue::Refs(ids) => {
                    result.extend(ids.iter().map(|id| relation(a.id, *id, name)));
                }
            }
        }
        if a.review != Review::default() {
            losses.push(Loss {
                document: doc.file.clone(),
                annotation: Some(a.id),
                kind: LossKind::Attribute,
                detail: "review state: Label Studio regions have none".into(),
            });
        }
    }
    result.extend(doc.links.iter().map(|l| relation(l.from, l.to, &l.kind)));
    Task {
        id: n,
        data: Data {
            text: &doc.text,
            file: &doc.file,
            language: doc.language.as_deref(),
            date: doc.date.as_deref(),
            title: doc.title.as_deref(),
            bom: doc.bom,
            next_id: doc.next_id,
        },
        annotations: [TaskAnnotation { id: n, result }],
    }
}

/// `s` escaped for a double-quoted XML attribute: the five special characters, whitespace that
/// XML would turn into a space written as a character reference, and the characters XML 1.0
/// cannot carry at all (other C0 controls, U+FFFE, U+FFFF) left out. Not worth an XML crate for
/// the labelling configs we only write (here and for a Label Studio ML backend).
pub fn xml_attribute(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The labelling configuration: labels with their colours and hotkeys, relations, and one
/// per-region control for each attribute, shown when a region of its label is selected.
fn config(schema: &Schema, corpus: &Corpus) -> String {
    let mut out = String::from("<View>\n");
    let mut relations: Vec<String> = schema.relations.iter().map(|r| r.name.clone()).collect();
    for l in &schema.labels {
        for a in &l.attributes {
            if matches!(a.kind, AttributeKind::SpanRef { .. }) && !relations.contains(&a.name) {
                relations.push(a.name.clone());
            }
        }
    }
    if !relations.is_empty() {
        out.push_str("  <Relations>\n");
        for r in &relations {
            let _ = writeln!(out, "    <Relation value=\"{}\"/>", xml_attribute(r));
        }
        out.push_str("  </Relations>\n");
    }
    let _ = writeln!(out, "  <Labels name=\"{LABELS}\" toName=\"{TEXT}\">");
    let mut labels: Vec<String> = schema.labels.iter().map(|l| l.name.clone()).collect();
    for doc in &corpus.documents {
        for a in &doc.annotations {
            if !labels.contains(&a.label) {
                labels.push(a.label.clone());
            }
        }
    }
    for name in &labels {
        let hotkey = schema
            .label(name)
            .and_then(|l| l.hotkey)
            .map(|k| format!(" hotkey=\"{}\"", xml_attribute(&k.to_string())))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    <Label value=\"{}\" background=\"{}\"{hotkey}/>",
            xml_attribute(name),
            label_colour(schema, name)
        );
    }
    out.push_str("  </Labels>\n");
    let _ = writeln!(out, "  <Text name=\"{TEXT}\" value=\"$text\"/>");
    for l in &schema.labels {
        let controls: Vec<String> = l
            .attributes
            .iter()
            .filter_map(|a| {
                let name = xml_attribute(&control_name(&l.name, &a.name));
                let header = format!(
                    "    <Header value=\"{}\" size=\"6\"/>\n",
                    xml_attribute(&a.name)
                );
                let text_area = format!(
                    "    <TextArea name=\"{name}\" toName=\"{TEXT}\" perRegion=\"true\" editable=\"true\" maxSubmissions=\"1\"/>\n"
                );
                match &a.kind {
                    AttributeKind::Enum { values } => {
                        let mut s = format!(
                            "{header}    <Choices name=\"{name}\" toName=\"{TEXT}\" perRegion=\"true\" choice=\"single\" showInline=\"true\">\n"
                        );
                        for v in values {
                            let _ = writeln!(s, "      <Choice value=\"{}\"/>", xml_attribute(v));
                        }
                        s.push_str("    </Choices>\n");
                        Some(s)
                    }
                    AttributeKind::Bool => Some(format!(
                        "{header}    <Choices name=\"{name}\" toName=\"{TEXT}\" perRegion=\"true\" choice=\"single\" showInline=\"true\">\n      <Choice value=\"true\"/>\n      <Choice value=\"false\"/>\n    </Choices>\n"
                    )),
                    AttributeKind::Text => Some(format!("{header}{text_area}")),
                    AttributeKind::SpanRef {
                        text_allowed: true, ..
                    } => Some(format!("{header}{text_area}")),
                    AttributeKind::SpanRef { .. } => None,
                }
            })
            .collect();
        if controls.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "  <View visibleWhen=\"region-selected\" whenTagName=\"{LABELS}\" whenLabelValue=\"{}\">",
            xml_attribute(&l.name)
        );
        for c in controls {
            out.push_str(&c);
        }
        out.push_str("  </View>\n");
    }
    out.push_str("</View>\n");
    out
}

// --- Import ---

pub(super) fn import(
    source: &Path,
    ctx: &ImportContext<'_>,
    control: Control<'_>,
) -> Result<Imported, FormatError> {
    let path = if source.is_dir() {
        source.join("tasks.json")
    } else {
        source.to_path_buf()
    };
    let text = super::read_source_text_file(&path)?;
    parse(&text, &path, ctx, control)
}

/// Reads the text of a Label Studio JSON export; `path` names it in errors and gives
/// unnamed documents their names.
pub(super) fn parse(
    text: &str,
    path: &Path,
    ctx: &ImportContext<'_>,
    control: Control<'_>,
) -> Result<Imported, FormatError> {
    let bad = |message: String| FormatError::Parse {
        path: path.to_path_buf(),
        line: 0,
        message,
    };
    let value: Value = serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let tasks = match value {
        Value::Array(tasks) => tasks,
        task @ Value::Object(_) => vec![task],
        _ => return Err(bad("not a list of Label Studio tasks".into())),
    };
    let stem = path
        .file_stem()
        .map_or_else(|| "task".to_owned(), |s| s.to_string_lossy().into_owned());
    let mut imported = Imported::default();
    for (i, t) in tasks.iter().enumerate() {
        let data = &t["data"];
        let Some(text) = data[TEXT].as_str() else {
            return Err(bad(format!("task {} has no data.text", i + 1)));
        };
        let file = data["file"]
            .as_str()
            .map_or_else(|| format!("{stem}-{:04}.txt", i + 1), str::to_owned);
        step(control, Stage::Reading, i, tasks.len(), &file)?;
        let mut doc = CorpusDocument::new(file, text);
        doc.bom = data["bom"].as_bool().unwrap_or(false);
        let string = |key: &str| data[key].as_str().map(str::to_owned);
        doc.language = string("language");
        doc.date = string("date");
        doc.title = string("title");
        // The first annotation that was not cancelled; predictions are not annotations.
        let results = t["annotations"]
            .as_array()
            .and_then(|a| {
                a.iter()
                    .find(|a| !a["was_cancelled"].as_bool().unwrap_or(false))
            })
            .and_then(|a| a["result"].as_array())
            .cloned()
            .unwrap_or_default();
        read_results(&results, &mut doc, ctx, &mut imported.problems);
        let stored_next = data["next_id"].as_u64().unwrap_or(0);
        doc.next_id = doc.next_id.max(stored_next);
        imported.documents.push(doc);
    }
    Ok(imported)
}

fn read_results(
    results: &[Value],
    doc: &mut CorpusDocument,
    ctx: &ImportContext<'_>,
    problems: &mut Vec<Loss>,
) {
    let offsets = byte_offsets(&doc.text);
    let file = doc.file.clone();
    let mut problem = |annotation: Option<AnnotationId>, detail: String| {
        problems.push(Loss {
            document: file.clone(),
            annotation,
            kind: LossKind::NotMapped,
            detail,
        })
    };
    // Regions: id → (annotation key, label, ranges, note).
    struct Region {
        label: String,
        ranges: Vec<(usize, usize)>,
        note: String,
    }
    let mut regions: BTreeMap<String, Region> = BTreeMap::new();
    let mut region_of: HashMap<String, String> = HashMap::new();
    for r in results {
        if r["type"] != "labels" {
            continue;
        }
        let (Some(id), Some(start), Some(end)) = (
            r["id"].as_str(),
            r["value"]["start"].as_u64(),
            r["value"]["end"].as_u64(),
        ) else {
            problem(None, format!("a region without id, start or end: {r}"));
            continue;
        };
        let labels = r["value"]["labels"].as_array().cloned().unwrap_or_default();
        let Some(label) = labels.first().and_then(Value::as_str) else {
            problem(None, format!("region {id} has no label"));
            continue;
        };
        if labels.len() > 1 {
            problem(
                None,
                format!("region {id} has {} labels: the first is kept", labels.len()),
            );
        }
        // `9/2` is the second fragment of annotation 9.
        let key = id.split_once('/').map_or(id, |(k, _)| k).to_owned();
        region_of.insert(id.to_owned(), key.clone());
        let entry = regions.entry(key).or_insert_with(|| Region {
            label: label.to_owned(),
            ranges: Vec::new(),
            note: String::new(),
        });
        entry.ranges.push((start as usize, end as usize));
        if let Some(texts) = r["meta"]["text"].as_array() {
            let note: Vec<&str> = texts.iter().filter_map(Value::as_str).collect();
            if !note.is_empty() {
                entry.note = note.join("\n");
            }
        }
    }
    // Keys → ids: the number when it is one and free, else a new one.
    let mut ids: HashMap<String, AnnotationId> = HashMap::new();
    let mut taken: std::collections::BTreeSet<u64> = regions
        .keys()
        .filter_map(|k| k.parse::<u64>().ok())
        .filter(|k| *k > 0)
        .collect();
    let mut next = taken.iter().next_back().copied().unwrap_or(0) + 1;
    let mut annotations: BTreeMap<AnnotationId, Annotation> = BTreeMap::new();
    for (key, region) in regions {
        let id = match key.parse::<u64>() {
            Ok(k) if k > 0 => AnnotationId(k),
            _ => {
                next += 1;
                taken.insert(next - 1);
                AnnotationId(next - 1)
            }
        };
        match fragments_from(&doc.text, &offsets, region.ranges) {
            Ok(fragments) => {
                ids.insert(key, id);
                annotations.insert(
                    id,
                    Annotation {
                        id,
                        label: region.label,
                        fragments,
                        attributes: BTreeMap::new(),
                        note: region.note,
                        review: Review::default(),
                        author: ctx.annotator.to_owned(),
                        created: ctx.now.clone(),
                        modified: ctx.now.clone(),
                        source: None,
                        conflict: None,
                    },
                );
            }
            Err(why) => problem(Some(id), format!("{} left out: {why}", region.label)),
        }
    }
    let find = |region: &str| region_of.get(region).and_then(|k| ids.get(k)).copied();
    for r in results {
        let kind = r["type"].as_str().unwrap_or("");
        match kind {
            "labels" => {}
            "choices" | "textarea" => {
                let (Some(id), Some(from_name)) =
                    (r["id"].as_str().and_then(&find), r["from_name"].as_str())
                else {
                    problem(
                        None,
                        format!("a {kind} result on no known region: left out"),
                    );
                    continue;
                };
                let Some(a) = annotations.get_mut(&id) else {
                    continue;
                };
                let name = from_name
                    .strip_prefix(&format!("{}.", a.label))
                    .unwrap_or(from_name)
                    .to_owned();
                let key = if kind == "choices" { "choices" } else { "text" };
                let values: Vec<String> = r["value"][key]
                    .as_array()
                    .map(|v| {
                        v.iter()
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                let Some(v) = values.first().cloned() else {
                    continue;
                };
                let is_bool = matches!(
                    ctx.schema
                        .label(&a.label)
                        .and_then(|l| l.attribute(&name))
                        .map(|d| &d.kind),
                    Some(AttributeKind::Bool)
                );
                let value = match (kind, is_bool, v.as_str()) {
                    ("textarea", ..) => AttributeValue::Text(values.join("\n")),
                    (_, true, "true") => AttributeValue::Bool(true),
                    (_, true, "false") => AttributeValue::Bool(false),
                    _ => AttributeValue::Enum(v),
                };
                a.attributes.insert(name, value);
            }
            "relation" => {
                let (Some(from), Some(to)) = (
                    r["from_id"].as_str().and_then(&find),
                    r["to_id"].as_str().and_then(&find),
                ) else {
                    problem(
                        None,
                        "a relation whose ends are not regions: left out".into(),
                    );
                    continue;
                };
                let labels: Vec<String> = r["labels"]
                    .as_array()
                    .map(|v| {
                        v.iter()
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                let Some(rel) = labels.first().cloned() else {
                    problem(Some(from), "a relation without a label: left out".into());
                    continue;
                };
                let from_label = annotations.get(&from).map(|a| a.label.clone());
                let is_ref = from_label
                    .as_deref()
                    .and_then(|l| ctx.schema.label(l))
                    .and_then(|l| l.attribute(&rel))
                    .is_some_and(|d| matches!(d.kind, AttributeKind::SpanRef { .. }));
                if is_ref {
                    if let Some(a) = annotations.get_mut(&from)
                        && let AttributeValue::Refs(ids) = a
                            .attributes
                            .entry(rel)
                            .or_insert_with(|| AttributeValue::Refs(Vec::new()))
                    {
                        ids.push(to);
                    }
                } else {
                    doc.links.push(Link {
                        id: LinkId(0),
                        kind: rel,
                        from,
                        to,
                    });
                }
            }
            other => problem(
                None,
                format!("a {other:?} result has no place in Accord: left out"),
            ),
        }
    }
    // Link ids after every annotation id, in the order the relations came.
    for l in &mut doc.links {
        l.id = LinkId(next);
        next += 1;
    }
    let mut all: Vec<Annotation> = annotations.into_values().collect();
    all.sort_by_key(|a| (a.extent().start, a.id));
    doc.annotations = all;
    doc.next_id = next;
}
