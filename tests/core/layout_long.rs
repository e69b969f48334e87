//! Paragraphs of any length: a single paragraph of 100k+ chars in Arabic, Chinese and mixed
//! scripts wraps as one paragraph (no line ends early, every char round-trips), starting in
//! the middle gives the same lines as breaking from the top, and a right-to-left line that
//! wraps after a Latin word draws its trailing space at its visual end (bidi rule L1).

use accord::layout::audit::check_document;
use accord::layout::breaking::{BreakSettings, break_from, resync};
use accord::layout::{Direction, DocumentLayout, FontSet, ParagraphLayout, TextStyle};
use accord::model::{CharRange, Document};

/// One paragraph of at least `chars` chars made of the sample documents' lines in `files`.
fn single_paragraph(files: &[&str], chars: usize) -> Document {
    let mut pieces = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(crate::common::sample_dir().join(f)).unwrap();
        pieces.extend(
            text.lines()
                .filter(|l| l.chars().count() > 20)
                .map(str::to_owned),
        );
    }
    let mut out = String::new();
    let mut n = 0;
    while out.chars().count() < chars {
        out.push_str(&pieces[n % pieces.len()]);
        out.push(' ');
        n += 1;
    }
    Document::from_text("long.txt", out.trim_end().to_owned())
}

const AR: &[&str] = &["tj-kz-talks-astana.ar.txt", "tj-cn-talks-xian.ar.txt"];
const ZH: &[&str] = &["kz-tj-joint-statement.zh.txt"];
const MIXED: &[&str] = &[
    "tj-kz-talks-astana.ar.txt",
    "kz-tj-joint-statement.zh.txt",
    "kz-tj-foreign-ministers.kk.txt",
];

#[test]
fn a_single_paragraph_of_100k_chars_wraps_as_one_in_arabic_chinese_and_mixed_scripts() {
    let mut fonts = FontSet::bundled().unwrap();
    for files in [AR, ZH, MIXED] {
        let doc = single_paragraph(files, 100_000);
        assert_eq!(doc.paragraph_count(), 1);
        let report = check_document(&mut fonts, &doc, 600.0);
        assert!(
            report.is_ok(),
            "{files:?}: {}\n{}",
            report.summary(),
            report
                .failures
                .iter()
                .take(5)
                .map(|f| f.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
        assert_eq!(report.checked, report.passed);
        // Every line but the last was checked full: far more lines than the 50 blocks.
        assert_eq!(report.full_lines_checked, report.lines.len() - 1);
        assert!(report.lines.len() > 1000, "{}", report.lines.len());
        // The lines tile the paragraph without gaps.
        for pair in report.lines.windows(2) {
            assert_eq!(pair[0].end, pair[1].start);
        }
    }
}

fn settings(width: f32, direction: Direction) -> BreakSettings<'static> {
    BreakSettings {
        style: TextStyle::default(),
        width,
        scale: 1.0,
        direction,
        language: None,
    }
}

#[test]
fn resynchronising_in_the_middle_finds_the_lines_of_breaking_from_the_top() {
    let mut fonts = FontSet::bundled().unwrap();
    for (files, direction) in [
        (AR, Direction::Rtl),
        (MIXED, Direction::Rtl),
        (ZH, Direction::Ltr),
    ] {
        let doc = single_paragraph(files, 30_000);
        let end = doc.len_chars();
        let s = settings(500.0, direction);
        let (lines, _) = break_from(&mut fonts, &doc, 0, end, end, &s);
        let truth: std::collections::BTreeSet<usize> =
            lines.iter().map(|l| l.chars.start).collect();
        let mut proven = 0;
        for k in 1..20 {
            // A place just after a space, as the blocks are cut.
            let target = end * k / 20;
            let near = (target..end)
                .find(|&c| {
                    c > 0
                        && doc
                            .slice(CharRange::new(c - 1, c))
                            .is_some_and(|p| p == " ")
                })
                .unwrap_or(target);
            let (start, exact) = resync(&mut fonts, &doc, near, 0, end, &s);
            assert!(start >= near);
            if exact {
                proven += 1;
                assert!(
                    truth.contains(&start) || start == end,
                    "{files:?}: {start} was proven a line start but breaking from the top has no line there"
                );
            }
        }
        // Chinese of uniform widths rarely agrees within the budget; Arabic always does.
        match files {
            f if f == AR => assert_eq!(proven, 19, "{files:?}"),
            f if f == MIXED => assert!(proven >= 15, "{files:?}: only {proven} of 19 proven"),
            _ => {}
        }
    }
}

/// The lines of block `i` of a layout, if it is laid out.
fn lines_of(layout: &DocumentLayout, i: usize) -> Option<Vec<std::ops::Range<usize>>> {
    layout
        .laid_out(i)
        .map(|b| b.lines().into_iter().map(|l| l.chars).collect())
}

#[test]
fn jumping_into_the_middle_shows_the_lines_scrolling_from_the_top_shows() {
    let mut fonts = FontSet::bundled().unwrap();
    let style = TextStyle::default();
    for files in [AR, MIXED] {
        let doc = single_paragraph(files, 60_000);
        // From the top: every block in order.
        let mut scrolled = DocumentLayout::new(&doc, style, 700.0, 1.0, None);
        let n = scrolled.blocks().len();
        for i in 0..n {
            scrolled.ensure(&mut fonts, &doc, i);
        }
        // A jump straight to a block shows the lines scrolling shows, whenever the jump could
        // prove its start (at this width, Arabic usually can).
        let mut proven = 0;
        for k in 1..n {
            let mut jumped = DocumentLayout::new(&doc, style, 500.0, 1.0, None);
            let mut from_top = DocumentLayout::new(&doc, style, 500.0, 1.0, None);
            jumped.ensure(&mut fonts, &doc, k);
            if !jumped.is_exact(k) {
                continue;
            }
            proven += 1;
            for i in 0..=k {
                from_top.ensure(&mut fonts, &doc, i);
            }
            assert_eq!(
                jumped.blocks()[k].text.start,
                from_top.blocks()[k].text.start
            );
            assert_eq!(lines_of(&jumped, k), lines_of(&from_top, k), "block {k}");
        }
        if files == AR {
            assert!(proven * 2 >= n, "{proven} of {n} jumps proven");
        }
        // Whatever a jump found, scrolling back up and down again ends with the same lines.
        let mut jumped = DocumentLayout::new(&doc, style, 700.0, 1.0, None);
        for i in (0..n).rev() {
            jumped.ensure(&mut fonts, &doc, i);
        }
        for i in 0..n {
            jumped.ensure(&mut fonts, &doc, i);
        }
        for i in 0..n {
            assert_eq!(
                jumped.blocks()[i],
                scrolled.blocks()[i],
                "{files:?} block {i}"
            );
            assert_eq!(
                lines_of(&jumped, i),
                lines_of(&scrolled, i),
                "{files:?} block {i}"
            );
        }
    }
}

/// An Arabic paragraph that wraps right after a Latin word followed by a number: that space
/// resolves left to right (L, EN after L), so parley alone draws it between the Latin word and
/// the Arabic before it.
fn l1_case() -> Document {
    let text =
        "التقى الرئيس بالوفد في Astana 2024 لبحث التعاون الاقتصادي والتجاري بين البلدين الشقيقين";
    Document::from_text("l1.ar.txt", text)
}

#[test]
fn trailing_space_after_a_latin_word_in_right_to_left_text_is_drawn_at_the_line_end() {
    let mut fonts = FontSet::bundled().unwrap();
    let doc = l1_case();
    let style = TextStyle::default();
    // The space after "Astana".
    let space = accord::search::find_all(&doc, "Astana", true)[0].end;
    // A width at which the line breaks right after "Astana ".
    let whole = ParagraphLayout::single_line(&mut fonts, doc.text(), &style, 1.0);
    let before_break = doc.slice(CharRange::new(0, space + 1)).unwrap();
    let line = ParagraphLayout::single_line(&mut fonts, before_break.trim_end(), &style, 1.0);
    let width = line.content_width() + 4.0;
    assert!(width < whole.content_width());

    // Parley alone: the space sits inside the line, right of "Astana".
    let plain = ParagraphLayout::new(&mut fonts, doc.text(), &style, width, 1.0, None, None);
    let first = &plain.lines()[0];
    assert_eq!(
        first.chars.end,
        space + 1,
        "the line breaks after the space"
    );
    let latin = plain.range_rects(space - 6, space)[0];
    let _ = Direction::Rtl;
    let gap = plain.range_rects(space, space + 1)[0];
    assert!(
        gap.x0 >= latin.x1 - 0.5 && gap.x1 > latin.x1,
        "parley draws it right after the Latin word, inside the line"
    );

    // Accord: at the line's visual end, left of everything on it.
    let report = check_document(&mut fonts, &doc, width);
    assert!(report.is_ok(), "{:?}", report.failures);
    assert!(report.trailing_space_checked >= 1);
    let mut layout = DocumentLayout::new(&doc, style, width, 1.0, None);
    let content = layout.range_rects(&mut fonts, &doc, CharRange::new(0, space));
    let trailing = layout.range_rects(&mut fonts, &doc, CharRange::new(space, space + 1));
    let leftmost_text = content
        .iter()
        .filter(|r| r.y0 < trailing[0].y1)
        .map(|r| r.x0)
        .fold(f32::MAX, f32::min);
    assert!(
        trailing[0].x1 <= leftmost_text + 0.5,
        "the space is left of the line's text: {:?} vs {leftmost_text}",
        trailing[0]
    );
}

/// A span's rectangles are remembered between frames; a narrower pane breaks the lines again,
/// and the span must then be drawn where its text went, in Arabic as in Kazakh.
#[test]
fn a_spans_rectangles_follow_its_text_when_the_pane_narrows() {
    let mut fonts = FontSet::bundled().unwrap();
    let style = TextStyle::default();
    for text in [
        "Қазақстан мен Тәжікстан екі ел арасындағы сауданы бес жылда екі миллиард долларға жеткізуге уәде берді",
        "التقى الرئيس بالوفد في أستانا لبحث التعاون الاقتصادي والتجاري بين البلدين الشقيقين في السنوات الخمس",
    ] {
        let len = text.chars().count();
        let span = (len / 2, len / 2 + 12);
        let mut paragraph = ParagraphLayout::new(&mut fonts, text, &style, 2000.0, 1.0, None, None);
        let wide = paragraph.range_rects(span.0, span.1);
        assert_eq!(
            paragraph.range_rects(span.0, span.1),
            wide,
            "asked again: the same"
        );
        paragraph.set_width(120.0);
        let narrow = paragraph.range_rects(span.0, span.1);
        let fresh = ParagraphLayout::new(&mut fonts, text, &style, 120.0, 1.0, None, None);
        assert_eq!(narrow, fresh.range_rects(span.0, span.1), "{text}");
        assert_ne!(narrow, wide, "the span moved to another line: {text}");
    }
}
