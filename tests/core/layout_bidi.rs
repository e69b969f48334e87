//! Right-to-left lines that end in a bracket or a comma show them where a browser does: the
//! bidi levels are those of the whole paragraph (UAX #9, with brackets paired across lines),
//! each line reordered by itself (rules L1–L2). The text reproduces two reports: a wrapped
//! "(… Aluminium Company)" drew its closing bracket mirrored at the line's far end, and a line
//! ending "Astana, " drew ",Astana –" (Chromium: "Aluminium Company)" and "Astana, –").

use accord::layout::audit::check_document;
use accord::layout::{DocumentLayout, FontSet, ParagraphLayout, Rect, TextStyle};
use accord::model::{CharRange, Document};

const TEXT: &str = include_str!("data/bidi-line-ends.ar.txt");

fn doc() -> Document {
    Document::from_text("bidi-line-ends.ar.txt", TEXT)
}

/// The text of each line at `width`.
fn lines_at(fonts: &mut FontSet, doc: &Document, width: f32) -> Vec<(CharRange, String)> {
    check_document(fonts, doc, width)
        .lines
        .iter()
        .map(|l| {
            let range = CharRange::new(l.start, l.end);
            (range, doc.slice(range).unwrap().to_owned())
        })
        .collect()
}

/// A width at which the bracketed company name starts on one line and its closing bracket
/// ends the next one, and another line ends with "Astana, ". Found by trying, so that the
/// test follows the fonts' metrics.
fn reported_width(fonts: &mut FontSet, doc: &Document) -> f32 {
    (300..700)
        .step_by(2)
        .map(|w| w as f32)
        .find(|&w| {
            let lines = lines_at(fonts, doc, w);
            let bracket = lines.windows(2).any(|p| {
                p[0].1.contains('(') && !p[1].1.contains('(') && p[1].1.ends_with("Company) ")
            });
            bracket && lines.iter().any(|(_, t)| t.ends_with("Astana, "))
        })
        .expect("a width that wraps after \"Company)\" and after \"Astana, \"")
}

fn rect(layout: &mut DocumentLayout, fonts: &mut FontSet, doc: &Document, c: usize) -> Rect {
    layout.range_rects(fonts, doc, CharRange::new(c, c + 1))[0]
}

#[test]
fn a_bracket_and_a_comma_at_the_end_of_a_right_to_left_line_sit_where_a_browser_draws_them() {
    let mut fonts = FontSet::bundled().unwrap();
    let doc = doc();
    let width = reported_width(&mut fonts, &doc);
    let mut layout = DocumentLayout::new(&doc, TextStyle::default(), width, 1.0, Some("ar"));
    let find = |s: &str| accord::search::find_all(&doc, s, true)[0];

    // "Aluminium Company)": the closing bracket is right of the "y" it closes, on the same
    // line, drawn as ")" (not mirrored), as Chromium shows it.
    let close = find("Company)").end - 1;
    let y = rect(&mut layout, &mut fonts, &doc, close - 1);
    let bracket = rect(&mut layout, &mut fonts, &doc, close);
    assert_eq!(y.y0, bracket.y0, "same line");
    assert!(
        bracket.center().0 > y.center().0,
        "\")\" is drawn right of \"Company\": {bracket:?} vs {y:?}"
    );
    let plain = ParagraphLayout::single_line(&mut fonts, "()", &TextStyle::default(), 1.0);
    let block = layout.laid_out(layout.block_of_char(close)).unwrap();
    let local = close - layout.blocks()[layout.block_of_char(close)].text.start;
    assert_eq!(
        block.glyphs_of(local)[0].0,
        plain.glyphs_of(1)[0].0,
        "drawn with the glyph of \")\", not mirrored"
    );
    // Nothing of the line is left of "Pavlodar": the bracket is not at the line's far end.
    let p = find("Pavlodar").start;
    let leftmost = rect(&mut layout, &mut fonts, &doc, p);
    let line_rects = layout.range_rects(&mut fonts, &doc, CharRange::new(p, close + 1));
    let line_left = line_rects.iter().map(|r| r.x0).fold(f32::MAX, f32::min);
    assert!(
        (leftmost.x0 - line_left).abs() < 0.5,
        "{leftmost:?} vs {line_left}"
    );

    // "– Astana, ": the comma is right of "Astana" and the dash right of the comma, as
    // Chromium shows "Astana, –".
    let astana = find("Astana,");
    let a = rect(&mut layout, &mut fonts, &doc, astana.end - 2);
    let comma = rect(&mut layout, &mut fonts, &doc, astana.end - 1);
    let dash = rect(&mut layout, &mut fonts, &doc, astana.start - 2);
    assert_eq!(a.y0, comma.y0);
    assert_eq!(a.y0, dash.y0);
    assert!(comma.center().0 > a.center().0, "\",\" right of \"Astana\"");
    assert!(dash.center().0 > comma.center().0, "\"–\" right of \",\"");
}

#[test]
fn check_layout_compares_every_line_with_the_whole_paragraphs_bidi_order() {
    let mut fonts = FontSet::bundled().unwrap();
    let doc = doc();
    let width = reported_width(&mut fonts, &doc);
    for width in [width, 200.0, 300.0, 500.0] {
        let report = check_document(&mut fonts, &doc, width);
        assert!(report.is_ok(), "at {width}: {:#?}", report.failures);
        assert_eq!(report.bidi_lines_checked, report.lines.len());
    }
}

#[test]
fn a_drag_over_what_is_shown_stores_what_is_shown() {
    let mut fonts = FontSet::bundled().unwrap();
    let doc = doc();
    let width = reported_width(&mut fonts, &doc);
    let mut layout = DocumentLayout::new(&doc, TextStyle::default(), width, 1.0, Some("ar"));
    let pav = accord::search::find_all(&doc, "Pavlodar", true)[0].start;
    let close = accord::search::find_all(&doc, "Company)", true)[0].end;
    // From the left edge of the line to the left edge of the "l" in "Pavlodar": "Pav" is
    // what is shown there (it was the mirrored closing bracket and "Pav").
    let line = layout.range_rects(&mut fonts, &doc, CharRange::new(pav, close));
    let left = line.iter().map(|r| r.x0).fold(f32::MAX, f32::min);
    let first = rect(&mut layout, &mut fonts, &doc, pav);
    let fourth = rect(&mut layout, &mut fonts, &doc, pav + 3);
    let y = first.center().1;
    let from = layout.boundary_at(&mut fonts, &doc, left + 0.5, y);
    let to = layout.boundary_at(&mut fonts, &doc, fourth.x0 + 0.5, y);
    let range = CharRange::new(from.min(to), from.max(to));
    assert_eq!(doc.slice(range), Some("Pav"));
    // From the right edge of the line's content back over "y)": what is shown there.
    let bracket = rect(&mut layout, &mut fonts, &doc, close - 1);
    let y_rect = rect(&mut layout, &mut fonts, &doc, close - 2);
    let from = layout.boundary_at(&mut fonts, &doc, bracket.x1 - 0.5, y);
    let to = layout.boundary_at(&mut fonts, &doc, y_rect.x0 + 0.5, y);
    let range = CharRange::new(from.min(to), from.max(to));
    assert_eq!(doc.slice(range), Some("y)"));
    // And the rectangles of what a drag stores are where it was dragged.
    for c in pav..pav + 3 {
        let r = rect(&mut layout, &mut fonts, &doc, c);
        assert!(
            r.x0 >= first.x0 - 0.5 && r.x1 <= fourth.x0 + 0.5,
            "char {c}: {r:?}"
        );
    }
}

#[test]
fn explicit_embeddings_and_isolates_hold_across_line_breaks() {
    // An isolate (RLI … PDI) and an embedding (RLE … PDF) opened on one line and closed on a
    // later one: the lines between are in the paragraph's order, and the controls themselves
    // are neither drawn nor applied twice.
    let text = format!(
        "The minutes quote \u{2067}{} (Dushanbe){}\u{2069} and then \u{202B}{}\u{202C} again.",
        "قال الرئيس إمام علي رحمان إن العلاقات بين البلدين تتطور بسرعة كبيرة",
        " في جميع المجالات الاقتصادية والثقافية",
        "نص مضمن طويل بما يكفي ليمتد على أكثر من سطر واحد في العرض"
    );
    let doc = Document::from_text("isolates.txt", text);
    let mut fonts = FontSet::bundled().unwrap();
    for width in [180.0, 260.0, 400.0] {
        let report = check_document(&mut fonts, &doc, width);
        assert!(report.is_ok(), "at {width}: {:#?}", report.failures);
        assert!(report.lines.len() >= 3);
        assert_eq!(report.bidi_lines_checked, report.lines.len());
    }
}
