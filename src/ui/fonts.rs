//! Registers the bundled fonts with egui, so menus, lists and text fields can show every
//! script we ship (document text itself is drawn by [`super::text_view`]).

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

use crate::layout::{BUNDLED_BOLD, BUNDLED_FONTS};

/// Name of the bold family, for headings.
pub const BOLD: &str = "Accord Bold";

/// egui font definitions: Noto Sans first (it covers Kazakh), then the other bundled fonts as
/// fallbacks, then egui's defaults (for its icons).
pub fn font_definitions() -> FontDefinitions {
    let mut defs = FontDefinitions::default();
    let mut ours = Vec::new();
    for font in BUNDLED_FONTS {
        defs.font_data.insert(
            font.family.to_owned(),
            Arc::new(FontData::from_static(font.bytes)),
        );
        ours.push(font.family.to_owned());
    }
    defs.font_data.insert(
        BOLD.to_owned(),
        Arc::new(FontData::from_static(BUNDLED_BOLD.bytes)),
    );
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        let list = defs.families.entry(family.clone()).or_default();
        let defaults = std::mem::take(list);
        if family == FontFamily::Proportional {
            list.extend(ours.iter().cloned());
            list.extend(defaults);
        } else {
            list.extend(defaults);
            list.extend(ours.iter().cloned());
        }
    }
    let mut bold = vec![BOLD.to_owned()];
    bold.extend(ours.iter().skip(1).cloned());
    defs.families.insert(FontFamily::Name(BOLD.into()), bold);
    defs
}

/// Installs the fonts. Call before the first frame (the test harness panics on characters it
/// has no glyph for).
pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(font_definitions());
}
