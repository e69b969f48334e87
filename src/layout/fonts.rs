//! The fonts Accord ships (one per script, in `assets/fonts/`) and the font context every
//! layout is made with.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use parley::fontique::{
    Blob, Collection, CollectionOptions, FontInfoOverride, GenericFamily, SourceCache,
};
use parley::{FontContext, FontFamily, FontFamilyName, Layout, LayoutContext, StyleProperty};
use thiserror::Error;

/// A font file compiled into the program.
#[derive(Clone, Copy, Debug)]
pub struct BundledFont {
    /// File name in `assets/fonts/`.
    pub file: &'static str,
    /// The family name Accord registers it under (prefixed, so a system font with the same
    /// name can never take its place).
    pub family: &'static str,
    /// What it covers.
    pub covers: &'static str,
    /// The font file.
    pub bytes: &'static [u8],
}

macro_rules! bundled {
    ($file:literal, $family:literal, $covers:literal) => {
        BundledFont {
            file: $file,
            family: $family,
            covers: $covers,
            bytes: include_bytes!(concat!("../../assets/fonts/", $file)),
        }
    };
}

/// The bundled fonts in fallback order: a character is drawn with the first that has it.
pub const BUNDLED_FONTS: &[BundledFont] = &[
    bundled!(
        "NotoSans-Regular.ttf",
        "Accord Noto Sans",
        "Latin, Cyrillic (Kazakh Қ Ә Ө Ұ Ү І Ң Ғ Һ), Greek"
    ),
    bundled!(
        "NotoSansArabic-Regular.ttf",
        "Accord Noto Sans Arabic",
        "Arabic, Persian, Urdu"
    ),
    bundled!(
        "NotoSansHebrew-Regular.ttf",
        "Accord Noto Sans Hebrew",
        "Hebrew"
    ),
    bundled!(
        "NotoSansDevanagari-Regular.ttf",
        "Accord Noto Sans Devanagari",
        "Devanagari"
    ),
    // Before the CJK fallback, which has some emoji in black and white only; after Noto Sans,
    // which draws the digits, `#` and `*` that are also keycap bases here.
    bundled!(
        "TwemojiMozilla.ttf",
        "Accord Twemoji",
        "Emoji in colour (COLR), with ZWJ sequences, flags, skin tones and keycaps"
    ),
    // Arrows, technical and geometric symbols, circled numbers: in documents (bullets, arrows
    // in news text) and in the window's own labels. After the emoji font: Noto Sans Symbols
    // has the combining keycap, which would split keycap emoji (1️⃣) over two fonts. (So the
    // few symbols Twemoji also has, like ↔ and ▶, are drawn as emoji.)
    bundled!(
        "NotoSansSymbols-Regular.ttf",
        "Accord Noto Sans Symbols",
        "Arrows, technical symbols, circled numbers"
    ),
    bundled!(
        "NotoSansSymbols2-Regular.ttf",
        "Accord Noto Sans Symbols 2",
        "Geometric shapes, more arrows and technical symbols"
    ),
    bundled!(
        "DroidSansFallbackFull.ttf",
        "Accord Droid Sans Fallback",
        "Chinese, Japanese, Korean"
    ),
];

/// The family emoji clusters fall back to.
const EMOJI_FAMILY: &str = "Accord Twemoji";

/// The bold face used for UI headings.
pub const BUNDLED_BOLD: BundledFont = bundled!(
    "NotoSans-Bold.ttf",
    "Accord Noto Sans Bold",
    "Latin, Cyrillic (bold)"
);

/// Fonts could not be set up.
#[derive(Debug, Error)]
pub enum FontError {
    /// A bundled font file holds no usable face.
    #[error("bundled font {0} holds no usable face; the build is broken")]
    NoFace(&'static str),
}

/// Font collection plus the reusable contexts parley lays text out with.
pub struct FontSet {
    pub(crate) fcx: FontContext,
    pub(crate) lcx: LayoutContext<()>,
    stack: Vec<FontFamilyName<'static>>,
    /// Blob id → font file name, to say which font drew a glyph.
    names: HashMap<u64, &'static str>,
}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontSet")
            .field("stack", &self.stack)
            .finish_non_exhaustive()
    }
}

impl FontSet {
    /// The bundled fonts first, then the system's fonts (through fontconfig) for any script
    /// they do not cover. This is what the app uses.
    pub fn with_system_fallback() -> Result<Self, FontError> {
        Self::new(true)
    }

    /// Only the bundled fonts: the same result on every machine.
    pub fn bundled() -> Result<Self, FontError> {
        Self::new(false)
    }

    fn new(system_fonts: bool) -> Result<Self, FontError> {
        let mut collection = Collection::new(CollectionOptions {
            shared: false,
            system_fonts,
        });
        let mut names = HashMap::new();
        let mut stack = Vec::new();
        for font in BUNDLED_FONTS.iter().chain([&BUNDLED_BOLD]) {
            let blob = Blob::new(Arc::new(font.bytes));
            names.insert(blob.id(), font.file);
            let family_name = if std::ptr::eq(font, &BUNDLED_BOLD) {
                // The bold face joins the regular Latin family as its bold weight.
                BUNDLED_FONTS[0].family
            } else {
                stack.push(FontFamilyName::named(font.family));
                font.family
            };
            let faces = collection.register_fonts(
                blob,
                Some(FontInfoOverride {
                    family_name: Some(family_name),
                    ..Default::default()
                }),
            );
            if faces.is_empty() {
                return Err(FontError::NoFace(font.file));
            }
        }
        // Emoji clusters fall back to the generic emoji family after our stack: ours, not the
        // system's.
        if let Some(emoji) = collection.family_id(EMOJI_FAMILY) {
            collection.set_generic_families(GenericFamily::Emoji, std::iter::once(emoji));
        }
        Ok(Self {
            fcx: FontContext {
                collection,
                source_cache: SourceCache::default(),
            },
            lcx: LayoutContext::new(),
            stack,
            names,
        })
    }

    /// The font family stack every layout starts from: the bundled fonts in fallback order.
    pub(crate) fn stack(&self) -> &[FontFamilyName<'static>] {
        &self.stack
    }

    /// The file name of a bundled font by blob id, or `None` for a system font.
    pub fn font_name(&self, blob_id: u64) -> Option<&'static str> {
        self.names.get(&blob_id).copied()
    }
}

impl FontSet {
    /// Builds a parley layout of `text` with the bundled font stack, `configure` adding the
    /// rest of the style.
    pub(crate) fn build_layout(
        &mut self,
        text: &str,
        scale: f32,
        configure: impl FnOnce(&mut parley::RangedBuilder<'_, ()>),
    ) -> Layout<()> {
        let family = FontFamily::List(Cow::Borrowed(&self.stack[..]));
        let mut builder = self.lcx.ranged_builder(&mut self.fcx, text, scale, true);
        builder.push_default(StyleProperty::FontFamily(family));
        configure(&mut builder);
        builder.build(text)
    }
}
