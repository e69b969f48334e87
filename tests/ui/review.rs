//! The reviewers' workspace, driven like a user would on the two-annotator samples: other
//! annotators' layers offered to a newcomer, drawn, and never written to their file; a review
//! by keyboard (accept, reject, take a version, undo), a comment, saving and reading the
//! curated file back; the agreement panel's figures; the document list's progress.

use crate::ui_support::*;
use accord::agreement::{Keep, Selection, agree_project};
use accord::model::{CharRange, ReviewState, Timestamp};
use accord::project::{CURATED, DocId, Project};
use accord::review::ItemStatus;
use accord::store::AnnotationFile;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

type H = Harness<'static, accord::ui::AccordApp>;

/// The reviewer's decisions in `doc`, as the workspace holds them: (label, state, proposers).
fn decisions(h: &H, doc: DocId) -> Vec<(String, ReviewState, Vec<String>)> {
    let mut out: Vec<_> = ws(h)
        .store(doc)
        .annotations()
        .map(|a| {
            (
                a.label.clone(),
                a.review.state,
                a.review.proposed_by.clone(),
            )
        })
        .collect();
    out.sort_by(|a, b| (&a.0, a.1.name(), &a.2).cmp(&(&b.0, b.1.name(), &b.2)));
    out
}

/// Opens the project as `reviewer`, declines the layers offer, and starts a review of both
/// sample annotators through the dialog.
fn start_review(project: &std::path::Path, reviewer: &str) -> H {
    let mut h = harness_as(project, reviewer);
    h.get_by_label("Not now").click();
    h.run_steps(2);
    press(&mut h, Modifiers::NONE, Key::F7);
    h.get_by_label("Start review").click();
    h.run_steps(3);
    h
}

#[test]
fn a_newcomer_is_offered_the_others_layers_which_are_drawn_and_never_written() {
    let project = annotated_sample_project();
    let aigerim_file = project
        .path()
        .join("annotations/aigerim")
        .join(format!("{ZH}.ron"));
    let aigerim_before = std::fs::read(&aigerim_file).unwrap();
    let mut h = harness_as(project.path(), "newbie");
    let zh = doc_index(&h, ZH);
    h.get_by_label_contains("aigerim, dilnoza have annotated");
    let layer_spans = |h: &H, annotator: &str| -> usize {
        drawn(h, 0, Role::Mark)
            .iter()
            .filter(|(label, _)| label.starts_with(&format!("{annotator}: ")))
            .count()
    };
    assert_eq!(
        layer_spans(&h, "aigerim") + layer_spans(&h, "dilnoza"),
        0,
        "nothing of theirs is drawn before the answer"
    );
    h.get_by_label("Show them").click();
    h.run_steps(3);
    let pane = &app_state(&h).panes[0];
    assert_eq!(pane.doc, zh);
    assert_eq!(pane.layers, ["aigerim", "dilnoza"]);
    for annotator in ["aigerim", "dilnoza"] {
        assert!(
            layer_spans(&h, annotator) > 0,
            "{annotator}'s spans are drawn: {:?}",
            drawn(&h, 0, Role::Mark)
        );
    }
    // The legend names both, next to their outline samples.
    h.get_by_label("aigerim");
    h.get_by_label("dilnoza");

    // Hiding one layer in the pane header's Layers menu stops drawing it.
    h.get_by_label("Layers (3)").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::CheckBox, "dilnoza").click();
    h.run_steps(3);
    assert_eq!(app_state(&h).panes[0].layers, ["aigerim"]);
    assert!(layer_spans(&h, "aigerim") > 0);
    assert_eq!(layer_spans(&h, "dilnoza"), 0);
    press(&mut h, Modifiers::NONE, Key::Escape);

    // The newcomer's own span, saved: their file holds it alone; aigerim's is untouched.
    let range = find(&h, zh, "联合声明", 0);
    show(&mut h, 0, zh, range);
    let (from, to) = drag_points(&mut h, 0, range, false);
    drag(&mut h, from, to);
    press(&mut h, Modifiers::NONE, Key::A);
    press(&mut h, Modifiers::COMMAND, Key::S);
    let own = AnnotationFile::load_store(
        &project
            .path()
            .join("annotations/newbie")
            .join(format!("{ZH}.ron")),
    )
    .unwrap()
    .store;
    assert_eq!(own.len(), 1, "only the newcomer's span is in their file");
    assert_eq!(own.annotations().next().unwrap().author, "newbie");
    assert_eq!(std::fs::read(&aigerim_file).unwrap(), aigerim_before);
}

#[test]
fn a_review_by_keyboard_decides_undoes_saves_and_reads_back() {
    let project = annotated_sample_project();
    let mut h = start_review(project.path(), "reviewer");
    let zh = doc_index(&h, ZH);
    assert_eq!(ws(&h).annotator, CURATED);
    let review = app_state(&h).review.as_ref().expect("reviewing");
    assert_eq!(review.annotators, ["aigerim", "dilnoza"]);
    let items = review.items(zh).to_vec();
    assert!(items.len() > 50, "{} items", items.len());
    let (doc, first) = review.current.expect("the first disagreement is current");
    assert_eq!(doc, zh);
    assert!(items[first].status.is_disagreement());
    assert!(
        items[..first].iter().all(|i| !i.status.is_disagreement()),
        "N starts at the first disagreement"
    );
    // The panes draw both annotators and the items' marks.
    assert_eq!(app_state(&h).panes[0].layers, ["aigerim", "dilnoza"]);
    let others = drawn(&h, 0, Role::Mark)
        .into_iter()
        .filter(|(label, _)| label.starts_with("aigerim: ") || label.starts_with("dilnoza: "))
        .count();
    assert!(others > 0);

    // The first disagreement is a tie (one version each): A decides nothing and says so,
    // naming the versions with their text; 1 takes the first.
    press(&mut h, Modifiers::NONE, Key::A);
    assert!(decisions(&h, zh).is_empty(), "a tie is not decided by A");
    let message = app_state(&h).status.message.clone().unwrap();
    assert!(message.error, "{message:?}");
    for (k, v) in items[first].versions.iter().enumerate() {
        let text = ws(&h)
            .document(zh)
            .unwrap()
            .slice(v.ranges[0])
            .unwrap()
            .to_owned();
        assert!(
            message
                .text
                .contains(&format!("{} {}: {} “{text}”", k + 1, v.annotator, v.label)),
            "{message:?}"
        );
    }
    assert_eq!(
        app_state(&h).review.as_ref().unwrap().current,
        Some((zh, first)),
        "still on the tie"
    );
    press(&mut h, Modifiers::NONE, Key::Num1);
    let accepted = items[first].versions[0].clone();
    let after_accept = decisions(&h, zh);
    assert_eq!(after_accept.len(), 1, "{after_accept:?}");
    assert_eq!(after_accept[0].0, accepted.label);
    assert_eq!(after_accept[0].1, ReviewState::Accepted);
    let (_, second) = app_state(&h).review.as_ref().unwrap().current.unwrap();
    assert!(second > first, "1 went on to the next disagreement");

    // X rejects it.
    press(&mut h, Modifiers::NONE, Key::X);
    let rejected: Vec<_> = decisions(&h, zh)
        .into_iter()
        .filter(|d| d.1 == ReviewState::Rejected)
        .collect();
    assert_eq!(rejected.len(), 1);
    assert_eq!(
        rejected[0].0,
        items[second].versions[items[second].majority()].label
    );

    // 2 takes dilnoza's version of a label conflict.
    let conflict = items
        .iter()
        .position(|i| i.status == ItemStatus::LabelConflict && i.versions.len() == 2)
        .expect("the samples have a label conflict");
    h.state_mut().push(accord::ui::Action::SelectItem {
        doc: zh,
        index: conflict,
    });
    h.run_steps(3);
    let theirs = items[conflict].version_of("dilnoza").unwrap();
    press(&mut h, Modifiers::NONE, [Key::Num1, Key::Num2][theirs]);
    let taken_label = items[conflict].versions[theirs].label.clone();
    let with_take = decisions(&h, zh);
    assert_eq!(with_take.len(), 3, "{with_take:?}");
    assert!(
        with_take
            .iter()
            .any(|d| d.0 == taken_label && d.2 == ["dilnoza"]),
        "dilnoza's version, proposed by dilnoza: {with_take:?}"
    );
    // The item now reads as decided, in the document list too, its figures whole beside the
    // bar.
    let figures = h
        .get_by_label(&format!("3 of {} items decided", items.len()))
        .rect();
    for bar in h.query_all_by_role(Role::ProgressIndicator) {
        assert!(
            !bar.rect().intersects(figures),
            "the bar {:?} covers the figures {figures:?}",
            bar.rect()
        );
    }

    assert_eq!(app_state(&h).review.as_ref().unwrap().total_progress().0, 3);

    // Ctrl+Z takes the last decision back.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(decisions(&h, zh).len(), 2);
    let review = app_state(&h).review.as_ref().unwrap();
    let (decided, total) = review.total_progress();
    assert_eq!(decided, 2, "the project's count follows undo");
    assert_eq!(
        total,
        review
            .documents()
            .map(|d| review.items(d).len())
            .sum::<usize>()
    );
    assert!(
        !app_state(&h).review.as_ref().unwrap().items(zh)[conflict].is_decided(),
        "the undone item is undecided again"
    );

    // Saved like any annotation file, and read back with the decisions' provenance.
    press(&mut h, Modifiers::COMMAND, Key::S);
    let project_ = Project::open(project.path()).unwrap();
    let curated = AnnotationFile::load_store(&project_.annotation_path(CURATED, ZH))
        .unwrap()
        .store;
    let mut states: Vec<&str> = curated
        .annotations()
        .map(|a| a.review.state.name())
        .collect();
    states.sort();
    assert_eq!(states, ["accepted", "rejected"]);
    for a in curated.annotations() {
        assert_eq!(a.review.reviewer.as_deref(), Some("reviewer"));
        assert_eq!(a.author, "reviewer");
        assert!(
            a.review
                .time
                .as_ref()
                .is_some_and(|t: &Timestamp| !t.0.is_empty())
        );
        assert!(!a.review.proposed_by.is_empty());
    }
    // The annotators' files were only read.
    for who in ["aigerim", "dilnoza"] {
        let path = project_.annotation_path(who, ZH);
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample_docs/annotations")
            .join(who)
            .join(format!("{ZH}.ron"));
        assert_eq!(std::fs::read(path).unwrap(), std::fs::read(sample).unwrap());
    }
}

#[test]
fn a_comment_is_kept_with_the_item() {
    let project = annotated_sample_project();
    let mut h = start_review(project.path(), "reviewer");
    let zh = doc_index(&h, ZH);
    let (_, current) = app_state(&h).review.as_ref().unwrap().current.unwrap();
    h.get_by_label("Reviewer's comment").click();
    h.run_steps(2);
    h.get_by_label("Reviewer's comment")
        .type_text("Both readings are defensible");
    h.run_steps(2);
    h.get_by_label("Save comment").click();
    h.run_steps(3);
    let item = &app_state(&h).review.as_ref().unwrap().items(zh)[current];
    let (id, state) = item.decision.expect("a comment makes a pending copy");
    assert_eq!(state, ReviewState::Pending);
    assert!(!item.is_decided(), "a comment alone decides nothing");
    assert_eq!(
        ws(&h).store(zh).get(id).unwrap().note,
        "Both readings are defensible"
    );
}

#[test]
fn a_comment_left_with_escape_or_by_moving_on_is_kept() {
    let project = annotated_sample_project();
    let mut h = start_review(project.path(), "reviewer");
    let zh = doc_index(&h, ZH);
    let note_of = |h: &H, index: usize| {
        let item = &app_state(h).review.as_ref().unwrap().items(zh)[index];
        item.decision
            .and_then(|(id, _)| ws(h).store(zh).get(id))
            .map(|a| a.note.clone())
    };
    let (_, first) = app_state(&h).review.as_ref().unwrap().current.unwrap();
    h.get_by_label("Reviewer's comment").click();
    h.run_steps(2);
    h.get_by_label("Reviewer's comment")
        .type_text("Check the guideline");
    h.run_steps(2);
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert_eq!(note_of(&h, first).as_deref(), Some("Check the guideline"));
    // Typed, then on to the next item with N (after leaving the field): kept on the first.
    press(&mut h, Modifiers::NONE, Key::N);
    let (_, second) = app_state(&h).review.as_ref().unwrap().current.unwrap();
    h.get_by_label("Reviewer's comment").click();
    h.run_steps(2);
    h.get_by_label("Reviewer's comment")
        .type_text("Boundary per §3");
    h.run_steps(2);
    h.state_mut().push(accord::ui::Action::SelectItem {
        doc: zh,
        index: first,
    });
    h.run_steps(4);
    assert_eq!(note_of(&h, second).as_deref(), Some("Boundary per §3"));
    assert_eq!(note_of(&h, first).as_deref(), Some("Check the guideline"));
}

/// The agreement figures are computed off the UI thread: frames go on meanwhile, with a
/// spinner, until they are in.
fn wait_for_agreement(h: &mut egui_kittest::Harness<'_, accord::ui::AccordApp>) {
    assert!(app_state(h).agreement_pending || app_state(h).agreement.is_some());
    for _ in 0..600 {
        if !app_state(h).agreement_pending {
            break;
        }
        h.run_steps(1);
        if app_state(h).agreement_pending {
            // The frame just drawn was drawn while they were being computed.
            h.get_by_label("Computing the figures…");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(!app_state(h).agreement_pending, "the figures came in");
    h.run_steps(2);
}

#[test]
fn the_agreement_panel_shows_the_figures_of_accord_agree() {
    let project = annotated_sample_project();
    let mut h = harness_as(project.path(), "aigerim");
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::M);
    wait_for_agreement(&mut h);
    let shown = match &app_state(&h).agreement {
        Some(Ok(report)) => report.overall.krippendorff_alpha.value.unwrap(),
        other => panic!("{other:?}"),
    };
    let cli = agree_project(project.path(), &Selection::default(), Keep::ALL)
        .unwrap()
        .overall
        .krippendorff_alpha
        .value
        .unwrap();
    assert_eq!(shown, cli);
    assert!(
        h.query_all_by_label(&format!("{cli:.3}")).next().is_some(),
        "the panel shows α as `accord agree` computes it"
    );
    h.get_by_label("Krippendorff's α");
}

#[test]
fn keys_answer_the_dialogs_and_then_step_through_disagreements() {
    let project = annotated_sample_project();
    let mut h = harness_as(project.path(), "reviewer");
    press(&mut h, Modifiers::NONE, Key::Escape);
    press(&mut h, Modifiers::NONE, Key::F7);
    press(&mut h, Modifiers::NONE, Key::Enter);
    let first = app_state(&h).review.as_ref().unwrap().current.unwrap();
    press(&mut h, Modifiers::NONE, Key::N);
    let second = app_state(&h).review.as_ref().unwrap().current.unwrap();
    assert_ne!(first, second, "N goes to the next disagreement");
    press(&mut h, Modifiers::NONE, Key::P);
    assert_eq!(
        app_state(&h).review.as_ref().unwrap().current.unwrap(),
        first,
        "P goes back"
    );
}

#[test]
fn accepting_commitments_then_all_agreed_adds_each_item_once() {
    let project = annotated_sample_project();
    let mut h = start_review(project.path(), "rustam");
    let zh = doc_index(&h, ZH);
    // Make each commitment item current (a click on it) and accept it.
    loop {
        let next = app_state(&h)
            .review
            .as_ref()
            .unwrap()
            .items(zh)
            .iter()
            .position(|i| !i.is_decided() && i.versions.iter().any(|v| v.label == "COMMITMENT"));
        let Some(index) = next else { break };
        h.state_mut()
            .push(accord::ui::Action::SelectItem { doc: zh, index });
        h.run_steps(2);
        press(&mut h, Modifiers::NONE, Key::A);
    }
    show(&mut h, 0, zh, CharRange::new(0, 1));
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::A);
    let store = ws(&h).store(zh);
    let mut seen = std::collections::HashMap::new();
    for a in store.in_file_order() {
        let key = (
            a.label.clone(),
            a.fragments.iter().map(|f| f.range()).collect::<Vec<_>>(),
        );
        if let Some(first) = seen.insert(key, a.id) {
            panic!("{} {} “{}” is also {}", a.label, first, a.text(), a.id);
        }
    }
}

#[test]
fn the_agreement_panel_lists_labels_as_accord_agree_opens_documents_and_keeps_its_figures() {
    let project = annotated_sample_project();
    let mut h = harness_as(project.path(), "reviewer");
    h.get_by_label("Not now").click();
    h.run_steps(2);
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::M);
    wait_for_agreement(&mut h);
    let cli = agree_project(project.path(), &Selection::default(), Keep::ALL).unwrap();
    let expected: Vec<String> = cli
        .labels_worst_first()
        .into_iter()
        .map(|(l, _)| l.clone())
        .collect();
    let mut rows: Vec<(f32, String)> = h
        .query_all_by_role(Role::Meter)
        .map(|n| {
            let label = n.accesskit_node().label().unwrap_or_default();
            (n.rect().top(), label.split(':').next().unwrap().to_owned())
        })
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let shown: Vec<String> = rows.into_iter().map(|(_, l)| l).collect();
    assert_eq!(shown, expected, "the order `accord agree` prints");
    // A click on a document shows it.
    let ar = doc_index(&h, "tj-kz-talks-astana.ar.txt");
    h.get_by_label("tj-kz-talks-astana.ar.txt").click();
    h.run_steps(3);
    assert_eq!(app_state(&h).active_doc(), Some(ar));
    // Starting a review keeps the figures.
    press(&mut h, Modifiers::NONE, Key::F7);
    h.get_by_label("Start review").click();
    h.run_steps(3);
    assert!(app_state(&h).review.is_some());
    assert!(matches!(app_state(&h).agreement, Some(Ok(_))));
}

#[test]
fn leaving_review_brings_back_the_layers_and_asks_nothing() {
    let project = annotated_sample_project();
    let mut h = harness_as(project.path(), "newbie");
    h.get_by_label("Show them").click();
    h.run_steps(3);
    h.get_by_label("Layers (3)").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::CheckBox, "dilnoza").click();
    h.run_steps(3);
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert_eq!(app_state(&h).panes[0].layers, ["aigerim"]);
    press(&mut h, Modifiers::NONE, Key::F7);
    h.get_by_label("Start review").click();
    h.run_steps(3);
    press(&mut h, Modifiers::SHIFT, Key::F7);
    h.run_steps(3);
    assert!(app_state(&h).review.is_none());
    assert_eq!(ws(&h).annotator, "newbie");
    assert_eq!(
        app_state(&h).panes[0].layers,
        ["aigerim"],
        "as chosen before"
    );
    assert!(
        h.query_by_label_contains("have annotated these documents")
            .is_none(),
        "not asked again"
    );
}

/// A colleague's file changed on disk while their layer is shown (a `git pull` brought their
/// work) is read again: the pane draws their new span, without reopening the project.
#[test]
fn another_annotators_layer_is_read_again_when_their_file_changes_on_disk() {
    let project = annotated_sample_project();
    let mut h = harness_as(project.path(), "newbie");
    let zh = doc_index(&h, ZH);
    h.get_by_label("Show them").click();
    h.run_steps(3);
    assert_eq!(app_state(&h).panes[0].layers, ["aigerim", "dilnoza"]);
    let range = find(&h, zh, "人道主义", 0);
    show(&mut h, 0, zh, range);

    // aigerim adds a span elsewhere and saves (as her window would, or as a pull brings it).
    let added = {
        let mut theirs =
            accord::project::Workspace::open(Project::open(project.path()).unwrap(), "aigerim");
        let applied = theirs
            .apply(vec![(
                zh,
                accord::edit::Edit::Add {
                    label: "EVENT".into(),
                    ranges: vec![range],
                    attributes: Default::default(),
                    source: None,
                },
            )])
            .unwrap();
        for (_, saved) in theirs.save_all() {
            saved.unwrap();
        }
        applied.created[0].1
    };
    let name = format!("aigerim: EVENT {added} ");
    let shown = |h: &H| {
        drawn(h, 0, Role::Mark)
            .iter()
            .any(|(label, _)| label.starts_with(&name))
    };
    assert!(!shown(&h), "not drawn before the window looks");
    for _ in 0..400 {
        if shown(&h) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.run_steps(1);
    }
    assert!(
        shown(&h),
        "{name:?} is drawn: {:?}",
        drawn(&h, 0, Role::Mark)
    );
    h.get_by_label_contains("Read again, changed on disk: aigerim's");
}
