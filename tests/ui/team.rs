//! Working as a team in the window: the documents assigned to the annotator first in the
//! list, marked so; the Progress panel's figures per annotator; marking a document finished.

use std::time::{Duration, Instant};

use accord::ui::commands::Command;
use accord::ui::{AccordApp, Action};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

use crate::ui_support::{
    AR, KK, RU, ZH, annotated_sample_project, app_state, harness_as, sample_project,
};

const XIAN: &str = "tj-cn-talks-xian.ar.txt";

fn write_assignments(root: &std::path::Path, entries: &[(&str, &[&str])], overlap: usize) {
    let annotators: Vec<String> = entries
        .iter()
        .map(|(name, docs)| {
            let docs: Vec<String> = docs.iter().map(|d| format!("{d:?}")).collect();
            format!("(annotator: {name:?}, documents: [{}])", docs.join(", "))
        })
        .collect();
    std::fs::write(
        root.join("assignments.ron"),
        format!(
            "(format: 1, overlap: {overlap}, annotators: [{}])",
            annotators.join(", ")
        ),
    )
    .unwrap();
}

/// Steps the window until the progress figures are computed.
fn wait_for_progress(h: &mut Harness<'_, AccordApp>) {
    let start = Instant::now();
    while app_state(h).progress_pending || app_state(h).progress.is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the progress was never computed"
        );
        std::thread::sleep(Duration::from_millis(5));
        h.run_steps(1);
    }
    h.run_steps(2);
}

/// The top of the document list's row of `file`.
fn row_top(h: &Harness<'_, AccordApp>, file: &str) -> f32 {
    h.query_all_by_label_contains(&format!("{file} ["))
        .map(|n| n.rect())
        .find(|r| r.left() < 300.0)
        .unwrap_or_else(|| panic!("{file} is not in the document list"))
        .top()
}

#[test]
fn the_documents_assigned_to_you_come_first_marked_so() {
    let dir = sample_project();
    write_assignments(
        dir.path(),
        &[("tester", &[RU, XIAN]), ("alice", &[ZH, AR, KK])],
        1,
    );
    let h = harness_as(dir.path(), "tester");
    let mine = [row_top(&h, RU), row_top(&h, XIAN)];
    let others = [row_top(&h, ZH), row_top(&h, AR), row_top(&h, KK)];
    let last_mine = mine.iter().copied().fold(f32::MIN, f32::max);
    let first_other = others.iter().copied().fold(f32::MAX, f32::min);
    assert!(
        last_mine < first_other,
        "assigned rows {mine:?} should be above the others {others:?}"
    );
    assert!(mine[0] < mine[1], "project order within the assigned ones");
    let marks: Vec<f32> = h
        .query_all_by_label("assigned to you")
        .map(|n| n.rect().top())
        .collect();
    assert_eq!(marks.len(), 2, "one mark per assigned document");
    assert!(
        marks.iter().all(|&y| y < first_other),
        "the marks are on the assigned rows: {marks:?}"
    );
}

#[test]
fn the_progress_panel_shows_each_annotators_figures_and_marking_finished_counts() {
    let dir = annotated_sample_project();
    let docs = [ZH, AR, RU, KK, XIAN];
    write_assignments(
        dir.path(),
        &[
            ("tester", &docs[..3]),
            ("aigerim", &docs),
            ("dilnoza", &docs[2..]),
        ],
        2,
    );
    let mut h = harness_as(dir.path(), "tester");
    h.state_mut().push(Action::Run(Command::ShowProgress));
    h.run_steps(2);
    wait_for_progress(&mut h);
    let expected = app_state(&h).progress.clone().unwrap();
    let aigerim = expected
        .annotators
        .iter()
        .find(|a| a.annotator == "aigerim")
        .unwrap();
    assert!(
        aigerim.annotations > 0,
        "the sample annotator has annotations"
    );

    // The row of each annotator reads their figures, left to right.
    let row = |h: &Harness<'_, AccordApp>, name: &str| -> Vec<String> {
        let name_rect = h
            .query_all_by_label(name)
            .map(|n| n.rect())
            .find(|r| r.left() > 700.0)
            .unwrap_or_else(|| panic!("{name} is not in the Progress panel"));
        let mut cells: Vec<(f32, String)> = h
            .query_all_by(|n| n.role() == egui::accesskit::Role::Label)
            .filter_map(|n| {
                let r = n.rect();
                let same_row = (r.center().y - name_rect.center().y).abs() < 3.0
                    && r.left() > name_rect.left();
                let node = n.accesskit_node();
                let text = node.label().or_else(|| node.value())?;
                same_row.then(|| (r.left(), text))
            })
            .collect();
        cells.sort_by(|a, b| a.0.total_cmp(&b.0));
        cells.into_iter().map(|(_, l)| l).collect()
    };
    let figures = |a: &accord::progress::AnnotatorProgress| {
        [a.assigned, a.started, a.finished, a.annotations].map(|n| n.to_string())
    };
    let cells = row(&h, "aigerim");
    assert_eq!(cells[..4], figures(aigerim)[..], "{cells:?}");
    assert_eq!(cells[..2], ["5", "5"], "{cells:?}");
    assert_eq!(row(&h, "dilnoza")[0], "3");
    let tester = row(&h, "tester");
    assert_eq!(tester[..4], ["3", "0", "0", "0"], "{tester:?}");

    // Marking the active document finished: written to the annotator's own file, shown in
    // the list and counted.
    h.state_mut().push(Action::Run(Command::MarkFinished));
    h.run_steps(2);
    let status = std::fs::read_to_string(dir.path().join("status/tester.ron")).unwrap();
    let active = {
        let state = app_state(&h);
        let ws = state.workspace.as_ref().unwrap();
        ws.file_name(state.active_doc().unwrap()).to_owned()
    };
    assert!(status.contains(&active), "{status}");
    assert!(
        h.query_all_by_label_contains("· finished").next().is_some(),
        "the list says the document is finished"
    );
    wait_for_progress(&mut h);
    assert_eq!(row(&h, "tester")[2], "1");
}
