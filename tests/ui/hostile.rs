//! A project from someone else, opened in the window: what it refuses is said, nothing of it
//! is replayed or written unasked, and the window keeps working.

use accord::edit::Edit;
use accord::model::CharRange;
use accord::project::{Project, Workspace};

use crate::ui_support::*;
use egui_kittest::kittest::Queryable as _;

const ZH: &str = "kz-tj-joint-statement.zh.txt";

#[test]
fn a_journal_written_elsewhere_is_offered_and_put_back_only_when_accepted() {
    // Two unsaved edits in one clone, its journal copied into another.
    let theirs = sample_project();
    {
        let mut ws = Workspace::open(Project::open(theirs.path()).unwrap(), "tester");
        let doc = ws.project.document_index(ZH).unwrap();
        for start in [0, 10] {
            ws.apply(vec![(
                doc,
                Edit::Add {
                    label: "COUNTRY".into(),
                    ranges: vec![CharRange::new(start, start + 2)],
                    attributes: Default::default(),
                    source: None,
                },
            )])
            .unwrap();
        }
    }
    let mine = sample_project();
    std::fs::create_dir_all(mine.path().join("annotations")).unwrap();
    let journal = |root: &std::path::Path| accord::project::journal::journal_path(root, "tester");
    std::fs::copy(journal(theirs.path()), journal(mine.path())).unwrap();

    let mut h = harness(mine.path());
    let zh = doc_index(&h, ZH);
    assert_eq!(ws(&h).store(zh).len(), 0, "nothing replayed unasked");
    h.get_by_label_contains("written for another machine or project folder");
    h.get_by_label("They are mine: put them back").click();
    h.run_steps(4);
    assert_eq!(ws(&h).store(zh).len(), 2, "put back once accepted");
}
