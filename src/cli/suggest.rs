//! `accord suggest`: the suggestions an annotator would see, listed, applied as
//! pre-annotation, or measured.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use serde::Serialize;

use accord::edit::Edit;
use accord::project::{DocId, Project, Workspace, WorkspaceFile};
use accord::suggest::engine::{Labels, labels_of, others_labels};
use accord::suggest::evaluate::Counts;
use accord::suggest::{Engine, Suggestion};

use super::{project_or_cwd, unreadable};

/// Arguments of `accord suggest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project folder (default: the current folder).
    project: Option<PathBuf>,
    /// Whose labels the suggesters learn from, and whose suggestions these are.
    #[arg(long)]
    annotator: String,
    /// Only these suggesters, comma-separated: `project`, `others` (also the other
    /// annotators' labels), `gazetteer`, `tagger`, or the URL of a Label Studio ML backend
    /// (default: those the project's `suggestions` settings switch on).
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    suggesters: Vec<String>,
    /// Only these documents, comma-separated, by file name (default: all).
    #[arg(long, value_name = "FILES", value_delimiter = ',')]
    documents: Vec<String>,
    /// Print JSON for machines.
    #[arg(long)]
    json: bool,
    /// Add the suggestions to the annotator's files as pre-annotation: one journalled edit per
    /// document, each annotation marked with the suggester it came from.
    #[arg(long, conflicts_with = "evaluate")]
    apply: bool,
    /// With --apply: only suggestions at least this sure (0–1), on top of each suggester's
    /// threshold in the project (which `accord.ron` sets; lower those to take more).
    #[arg(long, value_name = "S", requires = "apply")]
    min_score: Option<f32>,
    /// Print each suggester's precision, recall and F1 per language and label, measured on
    /// documents it did not learn from (leave-one-document-out, or five folds by document).
    #[arg(long)]
    evaluate: bool,
    /// Seconds to wait for an external recommender's answer to one document.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
}

/// One suggestion as printed.
#[derive(Serialize)]
struct Row<'a> {
    document: &'a str,
    start: usize,
    end: usize,
    text: String,
    label: &'a str,
    source: String,
    score: f32,
}

/// Exit 0; 1 when an external recommender failed (the rest is still listed or applied); 2
/// when the project cannot be read or --apply cannot write.
pub fn run(args: Args, out: &mut super::Out) -> anyhow::Result<ExitCode> {
    let root = project_or_cwd(args.project);
    accord::project::check_annotator_name(&args.annotator).map_err(unreadable)?;
    let mut project = Project::open(&root).map_err(unreadable)?;
    if !args.suggesters.is_empty() {
        let settings = &mut project.file.suggestions;
        let wanted = |name: &str| args.suggesters.iter().any(|s| s == name);
        settings.project = wanted("project") || wanted("others");
        settings.others = wanted("others");
        settings.tagger = wanted("tagger");
        if !wanted("gazetteer") {
            settings.gazetteers.clear();
        }
        settings.external = args
            .suggesters
            .iter()
            .find(|s| s.starts_with("http://") || s.starts_with("https://"))
            .cloned();
        if let Some(unknown) = args.suggesters.iter().find(|s| {
            !["project", "others", "gazetteer", "tagger"].contains(&s.as_str())
                && !s.starts_with("http://")
                && !s.starts_with("https://")
        }) {
            anyhow::bail!(
                "unknown suggester {unknown:?}: use project, others, gazetteer, tagger or a URL"
            );
        }
    }
    let docs: Vec<usize> = if args.documents.is_empty() {
        (0..project.documents.len()).collect()
    } else {
        args.documents
            .iter()
            .map(|f| {
                project
                    .document_index(f)
                    .map(|d| d.0)
                    .with_context(|| format!("{f} is not a document of the project"))
            })
            .collect::<anyhow::Result<_>>()?
    };
    let Prepared {
        mut ws,
        mut engine,
        own,
        rejections,
        failed,
    } = prepare(
        project,
        &args.annotator,
        &docs,
        Duration::from_secs(args.timeout.max(1)),
    );

    if args.evaluate {
        let evaluation = engine.evaluate(&own, &rejections);
        if args.json {
            serde_json::to_writer_pretty(&mut *out, &evaluation).context("writing JSON")?;
            writeln!(out)?;
        } else {
            writeln!(
                out,
                "{} ({}); a proposal is right when its range and label are exactly a label's",
                evaluation.method, args.annotator
            )?;
            for (name, measured) in &evaluation.suggesters {
                writeln!(out, "\n{name}")?;
                write_counts(out, "all", &measured.all)?;
                for (language, counts) in &measured.by_language {
                    write_counts(out, &format!("  {language}"), counts)?;
                }
                for (label, counts) in &measured.by_label {
                    write_counts(out, &format!("  {label}"), counts)?;
                }
                if let Some((found, total)) = measured.unseen {
                    writeln!(
                        out,
                        "  found {found} of the {total} labelled spans whose text occurs in no other document"
                    )?;
                }
            }
        }
        return Ok(exit(failed));
    }

    let mut by_doc: BTreeMap<usize, Vec<Suggestion>> = BTreeMap::new();
    for &doc in &docs {
        by_doc.insert(doc, engine.suggest(doc, &own[doc], &rejections));
    }

    if args.apply {
        let code = apply(&mut ws, &by_doc, args.min_score, &args.annotator, out)?;
        return Ok(if code == ExitCode::SUCCESS {
            exit(failed)
        } else {
            code
        });
    }

    let rows: Vec<Row<'_>> = by_doc
        .iter()
        .flat_map(|(&doc, suggestions)| {
            let file = engine.corpus.files[doc].as_str();
            let corpus = &engine.corpus;
            suggestions.iter().map(move |s| Row {
                document: file,
                start: s.range.start,
                end: s.range.end,
                text: corpus.slice(doc, s.range).to_owned(),
                label: &s.label,
                source: s.suggester.name(),
                score: s.score,
            })
        })
        .collect();
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &rows).context("writing JSON")?;
        writeln!(out)?;
    } else {
        for r in &rows {
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{:.2}\t{}",
                r.document,
                r.start,
                r.end,
                r.label,
                r.source,
                r.score,
                r.text.replace(['\n', '\t'], " ")
            )?;
        }
    }
    Ok(exit(failed))
}

/// The annotator's workspace and an engine that learned from their labels.
pub(super) struct Prepared {
    pub ws: Workspace,
    pub engine: Engine,
    pub own: Labels,
    pub rejections: accord::suggest::rejections::RejectionsFile,
    /// Something was said on stderr: a gazetteer or the external recommender failed.
    pub failed: bool,
}

/// Opens `annotator`'s workspace of `project`, learns from their labels (and the others',
/// when the settings say so) and asks the external recommender about `docs`; problems are
/// said on stderr.
pub(super) fn prepare(
    project: Project,
    annotator: &str,
    docs: &[usize],
    timeout: Duration,
) -> Prepared {
    let mut engine = Engine::for_project(&project);
    let others = if project.file.suggestions.others {
        others_labels(&project.dir, &engine.corpus.files, annotator)
    } else {
        Labels::new()
    };
    let schema_labels: Vec<String> = project
        .schema
        .labels
        .iter()
        .map(|l| l.name.clone())
        .collect();
    let ws = Workspace::open(project, annotator);
    let mut failed = false;
    for problem in &engine.problems {
        eprintln!("accord suggest: {problem}");
        failed = true;
    }
    let own: Labels = ws
        .project
        .doc_ids()
        .map(|d| labels_of(ws.store(d)))
        .collect();
    let rejections = ws.rejections().clone();
    if let Some(problem) = ws.rejections_problem() {
        eprintln!("accord suggest: {problem}");
    }
    engine.learn(&own, &others, &rejections, true);
    if engine.settings.external.is_some() {
        let labels: Vec<&str> = schema_labels.iter().map(String::as_str).collect();
        if let Err(e) = engine.ask_external(docs, &labels, timeout) {
            eprintln!("accord suggest: {e}");
            failed = true;
        }
    }
    Prepared {
        ws,
        engine,
        own,
        rejections,
        failed,
    }
}

/// Adds `by_doc`'s suggestions (at least `min_score` sure) to the annotator's files as
/// pre-annotation, one journalled step per document, and saves. Exit 2 when one cannot be
/// applied or saved.
pub(super) fn apply(
    ws: &mut Workspace,
    by_doc: &BTreeMap<usize, Vec<Suggestion>>,
    min_score: Option<f32>,
    annotator: &str,
    out: &mut super::Out,
) -> anyhow::Result<ExitCode> {
    let mut added = 0;
    for (&doc, suggestions) in by_doc {
        let store = ws.store(DocId(doc));
        let edits: Vec<(DocId, Edit)> = suggestions
            .iter()
            .filter(|s| min_score.is_none_or(|min| s.score >= min))
            // Not over any fragment of a span of theirs (a discontinuous one too).
            .filter(|s| store.fragments_in(s.range).is_empty())
            .map(|s| {
                (
                    DocId(doc),
                    Edit::Add {
                        label: s.label.clone(),
                        ranges: vec![s.range],
                        attributes: Default::default(),
                        source: Some(s.source()),
                    },
                )
            })
            .collect();
        if edits.is_empty() {
            continue;
        }
        let n = edits.len();
        match ws.apply(edits) {
            Ok(_) => added += n,
            Err(e) => {
                writeln!(out, "{}: not applied: {e}", ws.file_name(DocId(doc)))?;
                return Ok(ExitCode::from(2));
            }
        }
    }
    let mut write_failed = false;
    for (file, result) in ws.save_all() {
        if let Err(e) = result {
            let name = match file {
                WorkspaceFile::Doc(doc) => ws.file_name(doc).to_owned(),
                WorkspaceFile::Groups => "the cross-document groups".to_owned(),
            };
            writeln!(out, "{name}: not saved: {e}")?;
            write_failed = true;
        }
    }
    if write_failed {
        return Ok(ExitCode::from(2));
    }
    writeln!(
        out,
        "added {added} suggested annotations to {annotator}'s files"
    )?;
    Ok(ExitCode::SUCCESS)
}

fn exit(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn write_counts(out: &mut super::Out, what: &str, c: &Counts) -> std::io::Result<()> {
    writeln!(
        out,
        "{what:<24} P {:.3}  R {:.3}  F1 {:.3}  ({} right, {} wrong, {} missed)",
        c.precision(),
        c.recall(),
        c.f1(),
        c.right,
        c.wrong,
        c.missed
    )
}
