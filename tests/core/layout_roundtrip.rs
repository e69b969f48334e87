//! Every character of every sample document can be hit where it is drawn, is drawn with a real
//! glyph, and sits in the right visual order — at the widths `accord check-layout` promises,
//! and at random widths.

use std::path::PathBuf;

use accord::layout::audit::check_document;
use accord::layout::{DocumentLayout, FontSet, TextStyle};
use accord::model::{CharRange, Document};
use proptest::prelude::*;

fn samples() -> Vec<Document> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample_docs");
    let mut docs: Vec<Document> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| Document::open(&p).unwrap())
        .collect();
    docs.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    assert_eq!(docs.len(), 5);
    docs
}

#[test]
fn every_sample_round_trips_at_300_500_and_900() {
    let mut fonts = FontSet::bundled().unwrap();
    for doc in samples() {
        for width in [300.0, 500.0, 900.0] {
            let report = check_document(&mut fonts, &doc, width);
            assert!(
                report.is_ok(),
                "{} at {width}: {}\n{}",
                doc.file_name,
                report.summary(),
                report
                    .failures
                    .iter()
                    .take(5)
                    .map(|f| f.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            assert_eq!(report.passed, report.checked);
            assert!(
                report.order_pairs > 1000,
                "{}: the order check ran",
                doc.file_name
            );
            assert_eq!(report.missing_glyphs, 0);
        }
    }
}

#[test]
fn arabic_paragraphs_are_right_to_left_and_right_aligned() {
    let mut fonts = FontSet::bundled().unwrap();
    let doc = samples()
        .into_iter()
        .find(|d| d.file_name == "tj-kz-talks-astana.ar.txt")
        .unwrap();
    let report = check_document(&mut fonts, &doc, 500.0);
    assert!(report.rtl_paragraphs >= 10, "{}", report.summary());

    // "25 أغسطس": the digits read left to right, and the number sits right of the month.
    let at = accord::search::find_all(&doc, "25 أغسطس", true)[0];
    let mut layout = DocumentLayout::new(&doc, TextStyle::default(), 500.0, 1.0, Some("ar"));
    let x = |layout: &mut DocumentLayout, fonts: &mut FontSet, c: usize| {
        layout.range_rects(fonts, &doc, CharRange::new(c, c + 1))[0]
            .center()
            .0
    };
    let two = x(&mut layout, &mut fonts, at.start);
    let five = x(&mut layout, &mut fonts, at.start + 1);
    let alif = x(&mut layout, &mut fonts, at.start + 3);
    assert!(two < five, "digits run left to right");
    assert!(alif < two, "the month follows the number leftwards");
    // The paragraph's text ends at the right edge: the first char is near x = 500.
    let first = layout.range_rects(&mut fonts, &doc, CharRange::new(0, 1))[0];
    assert!(first.x1 > 480.0, "right-aligned: {first:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn random_widths_round_trip(doc_index in 0usize..5, width in 120.0f32..1400.0) {
        let mut fonts = FontSet::bundled().unwrap();
        let doc = &samples()[doc_index];
        let report = check_document(&mut fonts, doc, width);
        prop_assert!(report.is_ok(), "{} at {width}: {:?}", doc.file_name, report.failures.first());
    }
}

/// Emoji sequences as users write them: a ZWJ family, flags, a skin tone, a keycap.
const EMOJI: &str =
    "Семья 👨‍👩‍👧‍👦 и флаги 🇰🇿 🇹🇯, одобрение 👍🏽, ключ 1️⃣, улыбка 😊 — عائلة 👨‍👩‍👧‍👦 في أستانا 🇰🇿.";

#[test]
fn emoji_sequences_are_one_cluster_drawn_with_one_real_glyph() {
    let mut fonts = FontSet::bundled().unwrap();
    let doc = Document::from_text("emoji.txt", EMOJI);
    for width in [200.0, 400.0, 1000.0] {
        let report = check_document(&mut fonts, &doc, width);
        assert!(report.is_ok(), "{:?}", report.failures.first());
        assert_eq!(report.missing_glyphs, 0);
    }
    let mut layout = DocumentLayout::new(&doc, TextStyle::default(), 1000.0, 1.0, None);
    layout.ensure(&mut fonts, &doc, 0);
    let block = layout.laid_out(0).unwrap();
    for sequence in ["👨‍👩‍👧‍👦", "🇰🇿", "👍🏽", "1️⃣", "😊"] {
        let at = accord::search::find_all(&doc, sequence, true)[0];
        let glyphs = block.glyphs_of(at.start);
        assert_eq!(glyphs.len(), 1, "{sequence}: one glyph, not {glyphs:?}");
        assert_eq!(
            fonts.font_name(glyphs[0].1),
            Some("TwemojiMozilla.ttf"),
            "{sequence}"
        );
        // Every char of the sequence belongs to that one glyph: its rectangle is the same,
        // and a drag never ends inside it.
        let whole = block.range_rects(at.start, at.end)[0];
        for c in at.start..at.end {
            assert_eq!(
                block.range_rects(c, c + 1)[0],
                whole,
                "{sequence}: char {c}"
            );
        }
        let (x0, x1, y) = (whole.x0, whole.x1, whole.center().1);
        for step in 1..10 {
            let x = x0 + (x1 - x0) * step as f32 / 10.0;
            let b = block.boundary_at(x, y);
            assert!(
                b == at.start || b == at.end,
                "{sequence}: boundary {b} inside {at:?}"
            );
        }
    }
}
