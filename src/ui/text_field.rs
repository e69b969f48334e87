//! A text field that shows right-to-left and mixed text in visual order while it is typed:
//! [`TextEditor`] (parley's editor over our fonts) drawn with our glyph atlas. egui's own text
//! field has no bidi, so an Arabic note would show its words left to right. Keys work as in a
//! browser's field: arrows the way they point, Ctrl for words, Home/End, Shift to select,
//! Ctrl+A, copy, cut and paste, IME composition; Enter ends a one-line field, Escape leaves.
//!
//! The view that owns a field keeps it from frame to frame; while the field is not being
//! edited, [`TextField::show_value`] makes it follow the stored value (after an undo).

use egui::{
    CornerRadius, Event, Id, ImeEvent, Key, Response, Sense, Shape, Stroke, Ui, pos2, vec2,
};

use crate::layout::editor::{Motion, TextEditor};
use crate::layout::{Direction, Rect as LayoutRect, TextStyle};

use super::text::TextEngine;

/// Space between the frame and the text.
const MARGIN: f32 = 4.0;

/// What happened to a field this frame.
#[derive(Debug)]
pub struct FieldOutput {
    /// The field's response (for `labelled_by`, hover text, focus).
    pub response: Response,
    /// The text changed this frame.
    pub changed: bool,
    /// Enter was pressed in a one-line field.
    pub submitted: bool,
}

/// A text field's state: its editor and where it is scrolled.
#[derive(Debug)]
pub struct TextField {
    editor: Option<TextEditor>,
    /// The text the field shows until it has an editor.
    text: String,
    multiline: bool,
    rows: usize,
    scroll_x: f32,
    /// The name assistive technology gives the field when no visible label names it.
    label: Option<String>,
}

impl TextField {
    /// A one-line field holding `text`.
    pub fn singleline(text: &str) -> Self {
        Self {
            editor: None,
            text: text.to_owned(),
            multiline: false,
            rows: 1,
            scroll_x: 0.0,
            label: None,
        }
    }

    /// The field named `label` for assistive technology (and tests).
    pub fn labelled(mut self, label: &str) -> Self {
        self.label = Some(label.to_owned());
        self
    }

    /// A field of at least `rows` lines holding `text`; Enter starts a new line.
    pub fn multiline(text: &str, rows: usize) -> Self {
        Self {
            multiline: true,
            rows: rows.max(1),
            ..Self::singleline(text)
        }
    }

    /// The text.
    pub fn text(&self) -> String {
        self.editor
            .as_ref()
            .map_or_else(|| self.text.clone(), TextEditor::text)
    }

    /// Shows `value` unless the field is being edited (has the keyboard).
    pub fn show_value(&mut self, ui: &Ui, id: Id, engine: &mut TextEngine, value: &str) {
        if ui.memory(|m| m.has_focus(id)) || self.text() == value {
            return;
        }
        match &mut self.editor {
            Some(editor) => editor.set_text(&mut engine.fonts, value),
            None => value.clone_into(&mut self.text),
        }
    }

    fn editor(&mut self, engine: &mut TextEngine, style: TextStyle) -> &mut TextEditor {
        let (text, multiline) = (&self.text, self.multiline);
        self.editor
            .get_or_insert_with(|| TextEditor::new(&mut engine.fonts, text, style, multiline))
    }

    /// Draws the field `width` points wide (the available width when infinite) and handles
    /// the pointer and the keyboard when it has the focus.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        engine: &mut TextEngine,
        id: Id,
        width: f32,
        hint: &str,
    ) -> FieldOutput {
        let scale = ui.ctx().pixels_per_point();
        let font_size = egui::TextStyle::Body.resolve(ui.style()).size;
        let style = TextStyle {
            font_size,
            line_height: 1.35,
        };
        let line_height = font_size * style.line_height;
        let width = if width.is_finite() {
            width
        } else {
            ui.available_width()
        }
        .max(40.0);
        let inner_width = width - 2.0 * MARGIN;
        let multiline = self.multiline;
        let rows = self.rows;
        let mut scroll_x = self.scroll_x;
        let editor = self.editor(engine, style);
        editor.set_geometry(Some(inner_width), scale);
        let (_, text_height) = editor.size(&mut engine.fonts);
        let height = if multiline {
            text_height.max(rows as f32 * line_height)
        } else {
            line_height
        } + 2.0 * MARGIN;
        let (_, rect) = ui.allocate_space(vec2(width, height));
        let response = ui.interact(rect, id, Sense::click_and_drag());
        if response.clicked() || response.drag_started() {
            response.request_focus();
        }
        let focused = response.has_focus();
        if focused {
            ui.memory_mut(|m| {
                m.set_focus_lock_filter(
                    id,
                    // Escape is the field's: it leaves the field (keeping what was typed)
                    // rather than reaching the window's commands.
                    egui::EventFilter {
                        tab: false,
                        horizontal_arrows: true,
                        vertical_arrows: true,
                        escape: true,
                    },
                );
            });
        }
        let before = editor.text();

        // Where the text's (0, 0) is: one-line right-to-left text ends at the right edge.
        let direction = editor.direction(&mut engine.fonts);
        let (text_width, _) = editor.size(&mut engine.fonts);
        let mut origin = rect.min + vec2(MARGIN, MARGIN);
        if !multiline {
            if direction == Direction::Rtl && text_width < inner_width {
                origin.x += inner_width - text_width;
            }
            origin.x -= scroll_x;
        }

        // The pointer.
        let shift = ui.input(|i| i.modifiers.shift);
        if let Some(pos) = response.interact_pointer_pos() {
            let local = pos - origin;
            if response.double_clicked() {
                editor.select_word_at(&mut engine.fonts, local.x, local.y);
            } else if response.drag_started() || response.clicked() {
                editor.click(&mut engine.fonts, local.x, local.y, shift);
            } else if response.dragged() {
                editor.drag_to(&mut engine.fonts, local.x, local.y);
            }
        }

        // The keyboard.
        let mut submitted = false;
        if focused {
            let events = ui.input(|i| i.events.clone());
            for event in events {
                match handle_event(editor, engine, ui, event, multiline) {
                    KeyOutcome::Continue => {}
                    KeyOutcome::Submit => submitted = true,
                    KeyOutcome::Leave => ui.memory_mut(|m| m.surrender_focus(id)),
                }
            }
        }
        let text = editor.text();
        let changed = text != before;

        // Keep the caret in view in a one-line field.
        let caret = editor.caret_rect(&mut engine.fonts);
        if !multiline
            && focused
            && let Some(c) = caret
        {
            let x = origin.x + c.x0 - rect.min.x - MARGIN;
            if x < 0.0 {
                scroll_x = (scroll_x + x).max(0.0);
            } else if x > inner_width - 2.0 {
                scroll_x += x - inner_width + 2.0;
            }
        } else if !focused {
            scroll_x = 0.0;
        }

        // Paint: frame, selection, glyphs, caret.
        let visuals = ui.visuals();
        let stroke = if focused {
            visuals.selection.stroke
        } else {
            visuals.widgets.inactive.bg_stroke
        };
        let painter = ui.painter_at(rect.expand(1.0));
        painter.rect(
            rect,
            CornerRadius::same(2),
            visuals.extreme_bg_color,
            stroke,
            egui::StrokeKind::Inside,
        );
        let clip = ui.painter_at(rect.shrink(1.0));
        let to_screen = |r: &LayoutRect| {
            egui::Rect::from_min_max(pos2(r.x0, r.y0), pos2(r.x1, r.y1)).translate(origin.to_vec2())
        };
        if focused {
            for r in editor.selection_rects(&mut engine.fonts) {
                clip.rect_filled(to_screen(&r), 0.0, visuals.selection.bg_fill);
            }
        }
        let color = if ui.is_enabled() {
            visuals.text_color()
        } else {
            visuals.weak_text_color()
        };
        if text.is_empty() && !editor.is_composing() {
            clip.text(
                rect.min + vec2(MARGIN, MARGIN),
                egui::Align2::LEFT_TOP,
                hint,
                egui::FontId::proportional(font_size),
                visuals.weak_text_color(),
            );
        }
        let runs = editor.glyph_runs(&mut engine.fonts);
        let mut meshes = Vec::new();
        engine
            .atlas
            .add_runs(ui.ctx(), &runs, origin, scale, color, &mut meshes);
        clip.extend(meshes.into_iter().map(Shape::mesh));
        if focused && let Some(c) = caret {
            let c = to_screen(&c);
            clip.line_segment(
                [pos2(c.center().x, c.top()), pos2(c.center().x, c.bottom())],
                Stroke::new(1.5, visuals.text_cursor.stroke.color),
            );
            ui.ctx().output_mut(|o| {
                o.ime = Some(egui::output::IMEOutput {
                    purpose: egui::IMEPurpose::Normal,
                    rect,
                    cursor_rect: c,
                    should_interrupt_composition: false,
                });
            });
        }
        response.widget_info(|| egui::WidgetInfo {
            label: self.label.clone(),
            ..egui::WidgetInfo::text_edit(ui.is_enabled(), &before, &text, hint)
        });
        if changed {
            ui.ctx().request_repaint();
        }
        self.scroll_x = scroll_x;
        FieldOutput {
            response,
            changed,
            submitted,
        }
    }

    /// Where chars `start..end` of the text are drawn, for tests and tools: in the field's own
    /// coordinates (the top-left of its text).
    pub fn char_rects(
        &mut self,
        engine: &mut TextEngine,
        start: usize,
        end: usize,
    ) -> Vec<LayoutRect> {
        match &mut self.editor {
            Some(editor) => editor.char_rects(&mut engine.fonts, start, end),
            None => Vec::new(),
        }
    }
}

/// What a key asks of the field besides editing.
enum KeyOutcome {
    Continue,
    Submit,
    Leave,
}

fn handle_event(
    editor: &mut TextEditor,
    engine: &mut TextEngine,
    ui: &Ui,
    event: Event,
    multiline: bool,
) -> KeyOutcome {
    let fonts = &mut engine.fonts;
    match event {
        Event::Text(text) => {
            let text: String = text.chars().filter(|c| !c.is_control()).collect();
            if !text.is_empty() {
                editor.insert(fonts, &text);
            }
        }
        Event::Paste(text) => editor.insert(fonts, &text),
        Event::Copy => {
            if let Some(text) = editor.selected_text() {
                ui.ctx().copy_text(text);
            }
        }
        Event::Cut => {
            if let Some(text) = editor.selected_text() {
                ui.ctx().copy_text(text);
                editor.delete_backward(fonts, false);
            }
        }
        Event::Ime(ImeEvent::Preedit { text, .. }) => editor.compose(fonts, &text),
        Event::Ime(ImeEvent::Commit(text)) => editor.commit(fonts, &text),
        Event::Key {
            key,
            pressed: true,
            modifiers,
            ..
        } => {
            let (word, extend) = (modifiers.command || modifiers.alt, modifiers.shift);
            let motion = match key {
                Key::ArrowLeft if word => Some(Motion::WordLeft),
                Key::ArrowLeft => Some(Motion::Left),
                Key::ArrowRight if word => Some(Motion::WordRight),
                Key::ArrowRight => Some(Motion::Right),
                Key::ArrowUp if multiline => Some(Motion::Up),
                Key::ArrowDown if multiline => Some(Motion::Down),
                Key::Home if modifiers.command => Some(Motion::TextStart),
                Key::Home => Some(Motion::LineStart),
                Key::End if modifiers.command => Some(Motion::TextEnd),
                Key::End => Some(Motion::LineEnd),
                _ => None,
            };
            if let Some(motion) = motion {
                editor.move_caret(fonts, motion, extend);
                return KeyOutcome::Continue;
            }
            match key {
                Key::Backspace => editor.delete_backward(fonts, word),
                Key::Delete => editor.delete_forward(fonts, word),
                Key::A if modifiers.command => editor.select_all(fonts),
                Key::Enter if multiline && !modifiers.command => editor.insert(fonts, "\n"),
                Key::Enter => return KeyOutcome::Submit,
                Key::Escape => return KeyOutcome::Leave,
                _ => {}
            }
        }
        _ => {}
    }
    KeyOutcome::Continue
}
