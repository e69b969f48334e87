//! A project set up from scratch: `project::setup::create` and `add_documents`, as the
//! window's New project and Add documents and `accord init` use them.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use accord::project::setup::{NewProject, SetupError, add_documents, create};
use accord::project::{Project, SchemaSource};
use accord::schema::Schema;

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs")
}

fn new_project(name: &str) -> NewProject {
    NewProject {
        name: name.to_owned(),
        schema: Schema::default_schema(),
    }
}

fn go_on(_: usize, _: usize, _: &str) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

#[test]
fn a_new_project_opens_with_its_schema_file_and_the_documents_added() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("team project");
    let project = create(&folder, &new_project("Our corpus")).unwrap();
    assert_eq!(project.name(), "Our corpus");
    assert_eq!(
        project.file.schema,
        SchemaSource::File("schema.ron".to_owned())
    );
    assert!(project.documents.is_empty());

    let report = add_documents(
        &project,
        &[
            samples().join("kz-tj-joint-statement.zh.txt"),
            samples().join("tj-kz-talks-astana.ar.txt"),
        ],
        &mut go_on,
    )
    .unwrap();
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    let reopened = Project::open(&folder).unwrap();
    assert_eq!(*reopened.schema, Schema::default_schema());
    let listed: Vec<(&str, Option<&str>)> = reopened
        .documents
        .iter()
        .map(|d| (d.file(), d.entry.language.as_deref()))
        .collect();
    assert_eq!(
        listed,
        [
            ("kz-tj-joint-statement.zh.txt", Some("zh")),
            ("tj-kz-talks-astana.ar.txt", Some("ar")),
        ]
    );
    // Copied byte for byte, and titled by their first line.
    for slot in &reopened.documents {
        assert_eq!(
            std::fs::read(folder.join(slot.file())).unwrap(),
            std::fs::read(samples().join(slot.file())).unwrap()
        );
        assert!(slot.doc().is_some());
    }
    assert_eq!(
        reopened.documents[0].entry.title.as_deref(),
        Some("哈萨克斯坦总统与塔吉克斯坦总统发表联合声明")
    );
}

#[test]
fn a_project_is_never_created_over_another() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path();
    create(folder, &new_project("first")).unwrap();
    let before = std::fs::read(folder.join("accord.ron")).unwrap();
    let err = create(folder, &new_project("second")).unwrap_err();
    assert!(matches!(err, SetupError::Exists { .. }), "{err}");
    assert!(err.to_string().contains("already holds a project"), "{err}");
    assert_eq!(std::fs::read(folder.join("accord.ron")).unwrap(), before);

    // A schema.ron of someone else's is not replaced either.
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("schema.ron"), "mine").unwrap();
    let err = create(&other, &new_project("x")).unwrap_err();
    assert!(matches!(err, SetupError::InTheWay { .. }), "{err}");
    assert_eq!(std::fs::read(other.join("schema.ron")).unwrap(), b"mine");
    assert!(!other.join("accord.ron").exists());
}

#[test]
fn a_folder_with_a_binary_and_an_empty_file_adds_the_texts_and_says_why_not_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("incoming");
    std::fs::create_dir_all(source.join("more")).unwrap();
    std::fs::copy(
        samples().join("kz-tj-alliance-treaty.ru.txt"),
        source.join("treaty.txt"),
    )
    .unwrap();
    std::fs::copy(
        samples().join("kz-tj-foreign-ministers.kk.txt"),
        source.join("more/ministers.txt"),
    )
    .unwrap();
    std::fs::write(source.join("photo.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    std::fs::write(source.join("empty.txt"), b"").unwrap();
    std::fs::write(source.join(".hidden.txt"), b"left out").unwrap();
    // Windows-1251 Russian: detected, copied as it is, and named in the project file.
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251
        .encode("Договор о союзнических отношениях между Республикой Казахстан и Республикой Таджикистан подписан в Астане.");
    std::fs::write(source.join("legacy.txt"), &cp1251).unwrap();

    let project = create(&tmp.path().join("p"), &new_project("p")).unwrap();
    let report = add_documents(&project, std::slice::from_ref(&source), &mut go_on).unwrap();
    let added: Vec<(&str, Option<&str>, Option<&str>)> = report
        .added
        .iter()
        .map(|e| {
            (
                e.file.as_str(),
                e.language.as_deref(),
                e.encoding.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        added,
        [
            ("legacy.txt", Some("ru"), Some("windows-1251")),
            ("more/ministers.txt", Some("kk"), None),
            ("treaty.txt", Some("ru"), None),
        ]
    );
    let refused: Vec<(String, &str)> = report
        .refused
        .iter()
        .map(|r| {
            (
                Path::new(&r.source)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                r.reason.split(':').next().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        refused,
        [
            ("empty.txt".to_owned(), "it is empty"),
            (
                "photo.png".to_owned(),
                "it is not a text file (a NUL byte at byte 8); Accord annotates plain text"
            ),
        ]
    );
    let reopened = Project::open(&project.root).unwrap();
    assert_eq!(reopened.documents.len(), 3);
    assert!(reopened.documents.iter().all(|d| d.doc().is_some()));
    assert_eq!(
        std::fs::read(reopened.root.join("legacy.txt")).unwrap(),
        cp1251.as_ref()
    );

    // Added again: nothing new, each file said to be there already.
    let again = add_documents(&reopened, &[source], &mut go_on).unwrap();
    assert!(again.added.is_empty(), "{:?}", again.added);
    assert_eq!(again.already.len(), 3);
}

#[test]
fn a_file_of_the_same_name_and_another_text_gets_a_name_of_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let project = create(&tmp.path().join("p"), &new_project("p")).unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    for (dir, text) in [(&a, "Астана — столица."), (&b, "Душанбе — столица.")]
    {
        std::fs::create_dir(dir).unwrap();
        std::fs::write(dir.join("capital.txt"), text).unwrap();
    }
    let report = add_documents(
        &project,
        &[a.join("capital.txt"), b.join("capital.txt")],
        &mut go_on,
    )
    .unwrap();
    let files: Vec<&str> = report.added.iter().map(|e| e.file.as_str()).collect();
    assert_eq!(files, ["capital.txt", "capital-2.txt"]);
    assert_eq!(
        std::fs::read_to_string(project.root.join("capital-2.txt")).unwrap(),
        "Душанбе — столица."
    );
}

#[test]
fn files_already_in_the_folder_are_listed_where_they_are() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path();
    std::fs::create_dir(folder.join("texts")).unwrap();
    std::fs::copy(
        samples().join("tj-cn-talks-xian.ar.txt"),
        folder.join("texts/xian.ar.txt"),
    )
    .unwrap();
    let project = create(folder, &new_project("here")).unwrap();
    // The whole folder: the text, not the project's own files.
    let report = add_documents(&project, &[folder.to_path_buf()], &mut go_on).unwrap();
    let files: Vec<&str> = report.added.iter().map(|e| e.file.as_str()).collect();
    assert_eq!(files, ["texts/xian.ar.txt"]);
    assert_eq!(report.added[0].language.as_deref(), Some("ar"));
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    // Not copied: the one file.
    assert_eq!(std::fs::read_dir(folder.join("texts")).unwrap().count(), 1);
}

#[test]
fn tables_of_texts_give_a_document_per_row_and_name_the_bad_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let project = create(&tmp.path().join("p"), &new_project("p")).unwrap();
    let jsonl = tmp.path().join("news.jsonl");
    std::fs::write(
        &jsonl,
        concat!(
            "{\"id\": \"kz-1\", \"text\": \"Астана — столица Казахстана.\", \"title\": \"Astana\", \"date\": \"2024-08-22\"}\n",
            "{\"text\": \"\"}\n",
            "\n",
            "[1, 2]\n",
            "{\"text\": \"ألقى الرئيس كلمة في أستانا\", \"lang\": \"ar\"}\n",
        ),
    )
    .unwrap();
    let csv = tmp.path().join("more.csv");
    std::fs::write(&csv, "Text,Title\n\"Қазақстан, Тәжікстан\",Two countries\n").unwrap();
    let no_text = tmp.path().join("wrong.csv");
    std::fs::write(&no_text, "body,title\nx,y\n").unwrap();

    let report = add_documents(&project, &[jsonl, csv, no_text], &mut go_on).unwrap();
    type Row<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>);
    let added: Vec<Row<'_>> = report
        .added
        .iter()
        .map(|e| {
            (
                e.file.as_str(),
                e.title.as_deref(),
                e.language.as_deref(),
                e.date.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        added,
        [
            (
                "news/kz-1.txt",
                Some("Astana"),
                Some("ru"),
                Some("2024-08-22")
            ),
            (
                "news/row-00005.txt",
                Some("ألقى الرئيس كلمة في أستانا"),
                Some("ar"),
                None
            ),
            (
                "more/row-00002.txt",
                Some("Two countries"),
                Some("kk"),
                None
            ),
        ]
    );
    let refused: Vec<String> = report
        .refused
        .iter()
        .map(|r| {
            let name = Path::new(&r.source)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            format!("{name}: {}", r.reason.split(':').next().unwrap())
        })
        .collect();
    assert_eq!(
        refused,
        [
            "news.jsonl:2: no text in this row",
            "news.jsonl:4: not a JSON object",
            "wrong.csv: its header row has no `text` column (it has",
        ]
    );
    assert_eq!(
        std::fs::read_to_string(project.root.join("news/kz-1.txt")).unwrap(),
        "Астана — столица Казахстана."
    );
}

#[test]
fn stopping_an_addition_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let project = create(&tmp.path().join("p"), &new_project("p")).unwrap();
    let before = std::fs::read(project.root.join("accord.ron")).unwrap();
    let mut calls = 0;
    let err = add_documents(&project, &[samples()], &mut |_, _, _| {
        calls += 1;
        if calls > 2 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .unwrap_err();
    assert!(matches!(err, SetupError::Cancelled), "{err}");
    assert_eq!(
        std::fs::read(project.root.join("accord.ron")).unwrap(),
        before
    );
    let names: Vec<String> = std::fs::read_dir(&project.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".txt")), "{names:?}");
}

#[test]
fn an_existing_project_file_keeps_its_comments_when_documents_are_added() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("sample");
    std::fs::create_dir(&folder).unwrap();
    for entry in std::fs::read_dir(samples()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), folder.join(entry.file_name())).unwrap();
        }
    }
    let extra = tmp.path().join("extra.txt");
    std::fs::write(&extra, "Президенты подписали договор.").unwrap();
    let project = Project::open(&folder).unwrap();
    let report = add_documents(&project, &[extra], &mut go_on).unwrap();
    assert_eq!(report.added.len(), 1);
    let text = std::fs::read_to_string(folder.join("accord.ron")).unwrap();
    assert!(text.starts_with("// Accord project file."), "{text}");
    assert!(text.contains("// no date: the text gives no day"), "{text}");
    let reopened = Project::open(&folder).unwrap();
    assert_eq!(reopened.documents.len(), 6);
    assert_eq!(reopened.documents[5].file(), "extra.txt");
}

#[test]
fn a_removed_document_leaves_the_project_file_and_its_annotations_are_kept_aside() {
    let project_dir = crate::common::golden_project();
    let root = project_dir.path();
    let project = Project::open(root).unwrap();
    let file = project.documents[0].file().to_owned();
    let annotators: Vec<String> = project
        .annotators()
        .into_iter()
        .filter(|a| project.dir.is_file(&project.annotation_path(a, &file)))
        .collect();
    assert!(!annotators.is_empty());
    let before: Vec<Vec<u8>> = annotators
        .iter()
        .map(|a| std::fs::read(project.annotation_path(a, &file)).unwrap())
        .collect();

    let removed = accord::project::setup::remove_document(&project, &file).unwrap();
    let reopened = Project::open(root).unwrap();
    assert!(reopened.document_index(&file).is_none());
    assert_eq!(reopened.documents.len(), project.documents.len() - 1);
    // Each annotation file is aside, byte for byte; none is left where it was.
    for (annotator, bytes) in annotators.iter().zip(before) {
        let aside = format!("removed/{annotator}/{file}.ron");
        assert!(
            removed.kept_aside.contains(&aside),
            "{:?}",
            removed.kept_aside
        );
        assert_eq!(std::fs::read(root.join(&aside)).unwrap(), bytes);
        assert!(!project.annotation_path(annotator, &file).exists());
    }
    // The text stays in the folder.
    assert!(root.join(&file).exists());
}

#[test]
fn a_documents_title_language_and_date_are_saved_keeping_the_project_files_comments() {
    let project_dir = crate::common::sample_project();
    let root = project_dir.path();
    let mut project = Project::open(root).unwrap();
    let doc = project
        .document_index("kz-tj-foreign-ministers.kk.txt")
        .unwrap();
    let mut entry = project.slot(doc).unwrap().entry.clone();
    entry.title = Some("Сыртқы істер министрлерінің келіссөздері".to_owned());
    entry.date = Some("2025-03".to_owned());
    project.set_document_entry(doc, entry.clone()).unwrap();
    assert!(
        !project.config_changed_on_disk(),
        "its own write is not a change from elsewhere"
    );
    let reopened = Project::open(root).unwrap();
    assert_eq!(reopened.slot(doc).unwrap().entry, entry);
    let text = std::fs::read_to_string(root.join("accord.ron")).unwrap();
    assert!(text.starts_with("// Accord project file."));
    assert!(text.contains("// dateline \"5月20日\""), "{text}");
}
