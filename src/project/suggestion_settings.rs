//! Which suggesters a project uses and how sure each must be: `suggestions: (...)` in
//! `accord.ron` (the suggesters themselves are [`crate::suggest`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::Suggester;

/// The kinds of suggester, each switched on or off and given a threshold in the project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The forms the annotators labelled.
    Project,
    /// The project's gazetteers.
    Gazetteer,
    /// The learned tagger.
    Tagger,
    /// An external recommender.
    External,
}

impl Kind {
    /// Every kind, in the order the window and the command line list them.
    pub const ALL: [Kind; 4] = [Kind::Project, Kind::Gazetteer, Kind::Tagger, Kind::External];

    /// Its name in `accord.ron` and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Project => "project",
            Kind::Gazetteer => "gazetteer",
            Kind::Tagger => "tagger",
            Kind::External => "external",
        }
    }

    /// The kind of a suggester.
    pub fn of(suggester: &Suggester) -> Kind {
        match suggester {
            Suggester::Project => Kind::Project,
            Suggester::Gazetteer(_) => Kind::Gazetteer,
            Suggester::Tagger => Kind::Tagger,
            Suggester::External(_) => Kind::External,
        }
    }

    /// The lowest score shown when the project sets none: strings the annotator did not
    /// mostly refuse, a tagger or recommender at least as sure as not.
    pub fn default_threshold(self) -> f32 {
        match self {
            Kind::Project | Kind::Gazetteer => 0.4,
            Kind::Tagger | Kind::External => 0.5,
        }
    }
}

/// Which suggesters a project uses: `suggestions: (...)` in `accord.ron`.
///
/// ```ron
/// suggestions: (
///     others: true,
///     gazetteers: ["gazetteers/central-asia.ron"],
///     external: Some("http://localhost:9090"),
///     thresholds: {"tagger": 0.6},
/// ),
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Propose the forms the annotator labelled.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub project: bool,
    /// Also the forms other annotators and the curated set labelled.
    #[serde(default, skip_serializing_if = "is_false")]
    pub others: bool,
    /// Gazetteer files, relative to the project folder.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gazetteers: Vec<String>,
    /// Train a tagger on the annotator's labels and propose what it finds.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub tagger: bool,
    /// The URL of a Label Studio ML backend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<String>,
    /// The lowest score shown, by kind (`project`, `gazetteer`, `tagger`, `external`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub thresholds: BTreeMap<String, f32>,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            project: true,
            others: false,
            gazetteers: Vec::new(),
            tagger: true,
            external: None,
            thresholds: BTreeMap::new(),
        }
    }
}

impl Settings {
    /// True when nothing differs from the defaults (then `accord.ron` does not mention it).
    pub fn is_default(&self) -> bool {
        *self == Settings::default()
    }

    /// The lowest score shown for `kind`.
    pub fn threshold(&self, kind: Kind) -> f32 {
        self.thresholds
            .get(kind.name())
            .copied()
            .unwrap_or_else(|| kind.default_threshold())
    }

    /// True when `kind` is switched on (the external one: when it has a URL).
    pub fn enabled(&self, kind: Kind) -> bool {
        match kind {
            Kind::Project => self.project,
            Kind::Gazetteer => !self.gazetteers.is_empty(),
            Kind::Tagger => self.tagger,
            Kind::External => self.external.is_some(),
        }
    }
}
