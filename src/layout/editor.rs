//! An editable text (notes, attribute values, the find query, names) with bidi: parley's
//! `PlainEditor` over Accord's fonts, its indices turned into chars. Right-to-left and mixed
//! text shows in visual order while it is typed; arrows move the caret the way they point
//! on screen; Home/End, words, shift-selection, clicks and drags, and IME composition work
//! the way a browser's text field does. Pure: the window draws it and feeds it keys.

use std::borrow::Cow;

use parley::editing::Selection;
use parley::{Alignment, FontFamily, LineHeight, PlainEditor, StyleProperty};

use super::bidi::Direction;
use super::fonts::FontSet;
use super::paragraph::{GlyphRunData, Rect, TextStyle, glyph_runs_of};

/// Where a caret move goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Motion {
    /// One cluster left on screen.
    Left,
    /// One cluster right on screen.
    Right,
    /// One word left on screen.
    WordLeft,
    /// One word right on screen.
    WordRight,
    /// The line above.
    Up,
    /// The line below.
    Down,
    /// The start of the visual line (Home).
    LineStart,
    /// The end of the visual line (End).
    LineEnd,
    /// The start of the text.
    TextStart,
    /// The end of the text.
    TextEnd,
}

/// An editable text and its layout.
pub struct TextEditor {
    editor: PlainEditor<()>,
    style: TextStyle,
    multiline: bool,
    /// The width the editor was given, physical pixels: parley lays the text out again
    /// whenever it is set, so it is set only when it changes (a field is drawn every frame).
    width: Option<f32>,
}

impl std::fmt::Debug for TextEditor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextEditor")
            .field("text", &self.editor.raw_text())
            .field("multiline", &self.multiline)
            .finish_non_exhaustive()
    }
}

impl TextEditor {
    /// An editor holding `text`, one line (Enter does not insert) or several, with the caret
    /// at its end.
    pub fn new(fonts: &mut FontSet, text: &str, style: TextStyle, multiline: bool) -> Self {
        let mut editor = PlainEditor::new(style.font_size);
        let styles = editor.edit_styles();
        styles.insert(StyleProperty::FontFamily(FontFamily::List(Cow::Owned(
            fonts.stack().to_vec(),
        ))));
        styles.insert(StyleProperty::LineHeight(LineHeight::FontSizeRelative(
            style.line_height,
        )));
        editor.set_alignment(Alignment::Start);
        editor.set_text(text);
        editor.set_width(None);
        let mut this = Self {
            editor,
            style,
            multiline,
            width: None,
        };
        this.driver(fonts).move_to_text_end();
        this
    }

    /// The text (without an unfinished IME composition).
    pub fn text(&self) -> String {
        self.editor.text().chars().collect()
    }

    /// Replaces the whole text; the caret goes to its end.
    pub fn set_text(&mut self, fonts: &mut FontSet, text: &str) {
        self.editor.set_text(text);
        self.driver(fonts).move_to_text_end();
    }

    /// True when the editor holds several lines.
    pub fn is_multiline(&self) -> bool {
        self.multiline
    }

    /// Wraps at `width` logical pixels (multi-line editors), and lays out for `scale`
    /// physical pixels per logical one.
    pub fn set_geometry(&mut self, width: Option<f32>, scale: f32) {
        let width = if self.multiline { width } else { None };
        let width = width.map(|w| w * scale);
        if self.editor.get_scale() != scale {
            self.editor.set_scale(scale);
        }
        if self.width != width {
            self.width = width;
            self.editor.set_width(width);
        }
    }

    fn driver<'a>(&'a mut self, fonts: &'a mut FontSet) -> parley::PlainEditorDriver<'a, ()> {
        self.editor.driver(&mut fonts.fcx, &mut fonts.lcx)
    }

    fn scale(&self) -> f32 {
        self.editor.get_scale()
    }

    /// Moves the caret; with `extend` (Shift held) the selection grows to it instead.
    pub fn move_caret(&mut self, fonts: &mut FontSet, motion: Motion, extend: bool) {
        let mut d = self.driver(fonts);
        match (motion, extend) {
            (Motion::Left, false) => d.move_left(),
            (Motion::Right, false) => d.move_right(),
            (Motion::WordLeft, false) => d.move_word_left(),
            (Motion::WordRight, false) => d.move_word_right(),
            (Motion::Up, false) => d.move_up(),
            (Motion::Down, false) => d.move_down(),
            (Motion::LineStart, false) => d.move_to_line_start(),
            (Motion::LineEnd, false) => d.move_to_line_end(),
            (Motion::TextStart, false) => d.move_to_text_start(),
            (Motion::TextEnd, false) => d.move_to_text_end(),
            (Motion::Left, true) => d.select_left(),
            (Motion::Right, true) => d.select_right(),
            (Motion::WordLeft, true) => d.select_word_left(),
            (Motion::WordRight, true) => d.select_word_right(),
            (Motion::Up, true) => d.select_up(),
            (Motion::Down, true) => d.select_down(),
            (Motion::LineStart, true) => d.select_to_line_start(),
            (Motion::LineEnd, true) => d.select_to_line_end(),
            (Motion::TextStart, true) => d.select_to_text_start(),
            (Motion::TextEnd, true) => d.select_to_text_end(),
        }
    }

    /// Types `text` over the selection (line breaks are dropped in a one-line editor).
    pub fn insert(&mut self, fonts: &mut FontSet, text: &str) {
        let text: Cow<'_, str> = if self.multiline {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(text.replace(['\n', '\r'], " "))
        };
        self.driver(fonts).insert_or_replace_selection(&text);
    }

    /// Backspace: the selection, or the cluster before the caret (a word with `word`).
    pub fn delete_backward(&mut self, fonts: &mut FontSet, word: bool) {
        let mut d = self.driver(fonts);
        if word {
            d.backdelete_word();
        } else {
            d.backdelete();
        }
    }

    /// Delete: the selection, or the cluster after the caret (a word with `word`).
    pub fn delete_forward(&mut self, fonts: &mut FontSet, word: bool) {
        let mut d = self.driver(fonts);
        if word {
            d.delete_word();
        } else {
            d.delete();
        }
    }

    /// Selects everything.
    pub fn select_all(&mut self, fonts: &mut FontSet) {
        self.driver(fonts).select_all();
    }

    /// The selected text, if any.
    pub fn selected_text(&self) -> Option<String> {
        self.editor.selected_text().map(str::to_owned)
    }

    /// The selection as chars: (anchor, caret).
    pub fn selection_chars(&self) -> (usize, usize) {
        let selection: &Selection = self.editor.raw_selection();
        let text = self.editor.raw_text();
        let chars = |byte: usize| text.get(..byte).map_or(0, |t| t.chars().count());
        (
            chars(selection.anchor().index()),
            chars(selection.focus().index()),
        )
    }

    /// A click at `(x, y)` (logical pixels in the editor): the caret goes there; with
    /// `extend` (Shift) the selection grows to it.
    pub fn click(&mut self, fonts: &mut FontSet, x: f32, y: f32, extend: bool) {
        let (x, y) = (x * self.scale(), y * self.scale());
        let mut d = self.driver(fonts);
        if extend {
            d.shift_click_extension(x, y);
        } else {
            d.move_to_point(x, y);
        }
    }

    /// A drag reached `(x, y)`: the selection grows to it.
    pub fn drag_to(&mut self, fonts: &mut FontSet, x: f32, y: f32) {
        let (x, y) = (x * self.scale(), y * self.scale());
        self.driver(fonts).extend_selection_to_point(x, y);
    }

    /// A double click at `(x, y)`: selects the word there.
    pub fn select_word_at(&mut self, fonts: &mut FontSet, x: f32, y: f32) {
        let (x, y) = (x * self.scale(), y * self.scale());
        self.driver(fonts).select_word_at_point(x, y);
    }

    /// The IME's text being composed (shown, not yet typed), with its caret as a byte range.
    pub fn compose(&mut self, fonts: &mut FontSet, text: &str) {
        let mut d = self.driver(fonts);
        if text.is_empty() {
            d.clear_compose();
        } else {
            d.set_compose(text, Some((text.len(), text.len())));
        }
    }

    /// The IME committed `text`: it replaces the composition (or the selection).
    pub fn commit(&mut self, fonts: &mut FontSet, text: &str) {
        let mut d = self.driver(fonts);
        d.clear_compose();
        d.insert_or_replace_selection(text);
    }

    /// True while the IME is composing.
    pub fn is_composing(&self) -> bool {
        self.editor.is_composing()
    }

    /// Lays the text out if it changed.
    pub fn refresh(&mut self, fonts: &mut FontSet) {
        self.editor.refresh_layout(&mut fonts.fcx, &mut fonts.lcx);
    }

    /// Width and height of the text, logical pixels (at least one line high).
    pub fn size(&mut self, fonts: &mut FontSet) -> (f32, f32) {
        let scale = self.scale();
        let layout = self.editor.layout(&mut fonts.fcx, &mut fonts.lcx);
        let line = self.style.font_size * self.style.line_height;
        (layout.width() / scale, (layout.height() / scale).max(line))
    }

    /// The base direction of the text (of its first strong character).
    pub fn direction(&mut self, fonts: &mut FontSet) -> Direction {
        if self.editor.layout(&mut fonts.fcx, &mut fonts.lcx).is_rtl() {
            Direction::Rtl
        } else {
            Direction::Ltr
        }
    }

    /// The glyphs to draw, physical pixels from the editor's top-left.
    pub fn glyph_runs(&mut self, fonts: &mut FontSet) -> Vec<GlyphRunData> {
        glyph_runs_of(self.editor.layout(&mut fonts.fcx, &mut fonts.lcx))
    }

    /// The selected parts, logical pixels.
    pub fn selection_rects(&mut self, fonts: &mut FontSet) -> Vec<Rect> {
        self.refresh(fonts);
        let s = f64::from(self.scale());
        self.editor
            .selection_geometry()
            .into_iter()
            .map(|(b, _)| rect(b, s))
            .collect()
    }

    /// The caret, logical pixels, if it is shown.
    pub fn caret_rect(&mut self, fonts: &mut FontSet) -> Option<Rect> {
        self.refresh(fonts);
        let s = f64::from(self.scale());
        self.editor
            .cursor_geometry(1.5 * self.scale())
            .map(|b| rect(b, s))
    }

    /// Rectangles covering chars `start..end` of the text, logical pixels: where they are on
    /// screen, for tests and tools.
    pub fn char_rects(&mut self, fonts: &mut FontSet, start: usize, end: usize) -> Vec<Rect> {
        self.refresh(fonts);
        let text = self.editor.raw_text();
        let byte = |c: usize| text.char_indices().nth(c).map_or(text.len(), |(b, _)| b);
        let (start, end) = (byte(start), byte(end));
        let s = f64::from(self.editor.get_scale());
        let layout = self.editor.layout(&mut fonts.fcx, &mut fonts.lcx);
        let selection = Selection::new(
            parley::Cursor::from_byte_index(layout, start, parley::Affinity::Downstream),
            parley::Cursor::from_byte_index(layout, end, parley::Affinity::Upstream),
        );
        selection
            .geometry(layout)
            .into_iter()
            .map(|(b, _)| rect(b, s))
            .collect()
    }
}

fn rect(b: parley::BoundingBox, scale: f64) -> Rect {
    Rect {
        x0: (b.x0 / scale) as f32,
        y0: (b.y0 / scale) as f32,
        x1: (b.x1 / scale) as f32,
        y1: (b.y1 / scale) as f32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn editor(fonts: &mut FontSet, text: &str) -> TextEditor {
        TextEditor::new(fonts, text, TextStyle::default(), false)
    }

    fn type_text(e: &mut TextEditor, fonts: &mut FontSet, text: &str) {
        for c in text.chars() {
            e.insert(fonts, &c.to_string());
        }
    }

    fn center_x(e: &mut TextEditor, fonts: &mut FontSet, c: usize) -> f32 {
        let r = e.char_rects(fonts, c, c + 1)[0];
        (r.x0 + r.x1) / 2.0
    }

    #[test]
    fn arabic_typed_with_latin_and_digits_shows_in_visual_order() {
        let mut fonts = FontSet::bundled().unwrap();
        let mut e = editor(&mut fonts, "");
        // "A note: the meeting in Astana on 25 August" typed one char at a time.
        let typed = "ملاحظة: الاجتماع في Astana يوم 25 أغسطس";
        type_text(&mut e, &mut fonts, typed);
        assert_eq!(e.text(), typed);
        assert_eq!(e.direction(&mut fonts), Direction::Rtl);
        let at = |s: &str| typed[..typed.find(s).unwrap()].chars().count();
        let (mim, astana, two, alif) = (0, at("Astana"), at("25"), at("أغسطس"));
        let x = |e: &mut TextEditor, fonts: &mut FontSet, c| center_x(e, fonts, c);
        // Arabic reads right to left: the first word is rightmost, the month leftmost.
        assert!(x(&mut e, &mut fonts, mim) > x(&mut e, &mut fonts, astana));
        assert!(x(&mut e, &mut fonts, astana) > x(&mut e, &mut fonts, two));
        assert!(x(&mut e, &mut fonts, two) > x(&mut e, &mut fonts, alif));
        // Inside the Latin word and the number, left to right.
        assert!(x(&mut e, &mut fonts, astana) < x(&mut e, &mut fonts, astana + 1));
        assert!(x(&mut e, &mut fonts, two) < x(&mut e, &mut fonts, two + 1));
        // The caret is at the logical end: the left end of the line.
        let caret = e.caret_rect(&mut fonts).unwrap();
        assert!(caret.x0 <= x(&mut e, &mut fonts, alif + 4), "{caret:?}");
    }

    #[test]
    fn arrows_move_the_way_they_point_and_home_end_shift_select() {
        let mut fonts = FontSet::bundled().unwrap();
        let text = "كتب الولد";
        let mut e = editor(&mut fonts, text);
        e.move_caret(&mut fonts, Motion::TextStart, false);
        assert_eq!(e.selection_chars(), (0, 0));
        // Right to left: Left moves forward in the text, Right moves back.
        e.move_caret(&mut fonts, Motion::Left, false);
        assert_eq!(e.selection_chars(), (1, 1));
        e.move_caret(&mut fonts, Motion::Right, false);
        assert_eq!(e.selection_chars(), (0, 0));
        // End then Shift+Home selects the whole line; typing replaces it.
        e.move_caret(&mut fonts, Motion::LineEnd, false);
        assert_eq!(e.selection_chars(), (9, 9));
        e.move_caret(&mut fonts, Motion::LineStart, true);
        assert_eq!(e.selected_text().as_deref(), Some(text));
        e.insert(&mut fonts, "نعم");
        assert_eq!(e.text(), "نعم");
        e.delete_backward(&mut fonts, false);
        assert_eq!(e.text(), "نع");
    }

    #[test]
    fn an_ime_composition_shows_and_commits_once() {
        let mut fonts = FontSet::bundled().unwrap();
        let mut e = editor(&mut fonts, "会谈 ");
        e.compose(&mut fonts, "zhong");
        assert!(e.is_composing());
        assert_eq!(e.text(), "会谈 ", "the composition is not text yet");
        e.compose(&mut fonts, "中");
        e.commit(&mut fonts, "中国");
        assert!(!e.is_composing());
        assert_eq!(e.text(), "会谈 中国");
    }

    #[test]
    fn a_one_line_editor_keeps_one_line() {
        let mut fonts = FontSet::bundled().unwrap();
        let mut e = editor(&mut fonts, "");
        e.insert(&mut fonts, "a\nb");
        assert_eq!(e.text(), "a b");
        let mut m = TextEditor::new(&mut fonts, "", TextStyle::default(), true);
        m.insert(&mut fonts, "a\nb");
        assert_eq!(m.text(), "a\nb");
    }

    /// The width is given to parley only when it changes; a note field made narrower (a
    /// narrower side panel) or wider must still wrap anew, in Kazakh as in Arabic.
    #[test]
    fn a_note_wraps_anew_when_its_field_narrows_or_widens() {
        let mut fonts = FontSet::bundled().unwrap();
        for text in [
            "Тараптар екі ел арасындағы сауданы бес жылда екі миллиард долларға жеткізуге келісті",
            "اتفق الطرفان على زيادة التبادل التجاري بين البلدين إلى ملياري دولار خلال خمس سنوات",
        ] {
            let mut note = TextEditor::new(&mut fonts, text, TextStyle::default(), true);
            note.set_geometry(Some(2000.0), 1.0);
            let (_, one_line) = note.size(&mut fonts);
            note.set_geometry(Some(2000.0), 1.0);
            assert_eq!(
                note.size(&mut fonts).1,
                one_line,
                "the same width: the same lines"
            );
            note.set_geometry(Some(150.0), 1.0);
            let (width, wrapped) = note.size(&mut fonts);
            assert!(
                wrapped > 2.0 * one_line,
                "narrower: several lines ({wrapped} vs {one_line})"
            );
            assert!(width <= 150.0 + 1.0, "{width}");
            note.set_geometry(Some(2000.0), 1.0);
            assert_eq!(note.size(&mut fonts).1, one_line, "wider again: one line");
        }
    }
}
