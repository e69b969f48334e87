//! A document's language guessed from its text, for documents added to a project: the script
//! its letters are written in, and within a script what a few letters or words tell cheaply
//! (Kazakh's ә, қ, ң among Cyrillic; Persian's پ, گ among Arabic; kana among Han). The guess
//! is shown and editable; it is a starting point, not a classifier.
//!
//! Written here rather than taken from a language-identification crate: those carry n-gram
//! models of dozens of languages (megabytes) to tell apart what the script alone already
//! tells for most of the languages we annotate.

/// How many chars of a text the guess looks at: enough for a stable count, cheap for a
/// 100 MB document.
const SAMPLE_CHARS: usize = 20_000;

/// The BCP 47 tag of the language `text` is most likely in, or `None` when its letters say
/// too little (no letters, mixed scripts, or a Latin text without enough common words).
pub fn guess(text: &str) -> Option<&'static str> {
    let mut counts = ScriptCounts::default();
    for c in text.chars().take(SAMPLE_CHARS) {
        counts.add(c);
    }
    let letters = counts.total();
    if letters == 0 {
        return None;
    }
    let (script, count) = counts.dominant();
    // A text mostly in one script: at least three letters in five.
    if count * 5 < letters * 3 {
        return None;
    }
    let share = |n: usize| n * 1000 / count.max(1);
    Some(match script {
        Script::Han => {
            // Japanese writes kana between its kanji; a few kana in Chinese are quotations.
            if share(counts.kana) > 50 { "ja" } else { "zh" }
        }
        Script::Kana => "ja",
        Script::Hangul => "ko",
        Script::Arabic => {
            if share(counts.urdu) > 5 {
                "ur"
            } else if share(counts.persian) > 5 {
                "fa"
            } else {
                "ar"
            }
        }
        Script::Cyrillic => {
            if share(counts.kazakh) > 5 {
                "kk"
            } else if counts.ukrainian > 0 || share(counts.dotted_i) > 5 {
                "uk"
            } else if counts.belarusian > 0 {
                "be"
            } else {
                "ru"
            }
        }
        Script::Hebrew => "he",
        Script::Greek => "el",
        Script::Thai => "th",
        Script::Devanagari => "hi",
        Script::Armenian => "hy",
        Script::Georgian => "ka",
        Script::Latin => return latin_language(text),
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Arabic,
    Han,
    Kana,
    Hangul,
    Hebrew,
    Greek,
    Thai,
    Devanagari,
    Armenian,
    Georgian,
}

/// Letters counted by script, and the few letters that tell languages of one script apart.
#[derive(Debug, Default)]
struct ScriptCounts {
    by_script: [usize; 12],
    kana: usize,
    /// ә ғ қ ң ө ұ ү һ: Kazakh's letters that Russian lacks.
    kazakh: usize,
    /// ї є ґ: only Ukrainian among the languages guessed.
    ukrainian: usize,
    /// і without Kazakh's letters: Ukrainian (or Belarusian).
    dotted_i: usize,
    /// ў: Belarusian.
    belarusian: usize,
    /// پ چ ژ گ ک ی: Persian's letters (also Urdu's).
    persian: usize,
    /// ٹ ڈ ڑ ں ے: Urdu's own.
    urdu: usize,
}

const SCRIPTS: [Script; 12] = [
    Script::Latin,
    Script::Cyrillic,
    Script::Arabic,
    Script::Han,
    Script::Kana,
    Script::Hangul,
    Script::Hebrew,
    Script::Greek,
    Script::Thai,
    Script::Devanagari,
    Script::Armenian,
    Script::Georgian,
];

impl ScriptCounts {
    fn add(&mut self, c: char) {
        let script = match c as u32 {
            0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
            0x400..=0x52F => {
                match c {
                    'ә' | 'Ә' | 'ғ' | 'Ғ' | 'қ' | 'Қ' | 'ң' | 'Ң' | 'ө' | 'Ө' | 'ұ' | 'Ұ' | 'ү'
                    | 'Ү' | 'һ' | 'Һ' => self.kazakh += 1,
                    'ї' | 'Ї' | 'є' | 'Є' | 'ґ' | 'Ґ' => self.ukrainian += 1,
                    'і' | 'І' => self.dotted_i += 1,
                    'ў' | 'Ў' => self.belarusian += 1,
                    _ => {}
                }
                Script::Cyrillic
            }
            0x600..=0x6FF | 0x750..=0x77F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
                match c {
                    'ٹ' | 'ڈ' | 'ڑ' | 'ں' | 'ے' => self.urdu += 1,
                    'پ' | 'چ' | 'ژ' | 'گ' | 'ک' | 'ی' => self.persian += 1,
                    _ => {}
                }
                // Digits, punctuation and marks of the block are not letters.
                if !c.is_alphabetic() {
                    return;
                }
                Script::Arabic
            }
            0x3040..=0x30FF | 0x31F0..=0x31FF => {
                self.kana += 1;
                Script::Kana
            }
            0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2FA1F | 0xF900..=0xFAFF => Script::Han,
            0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F => Script::Hangul,
            0x590..=0x5FF => Script::Hebrew,
            0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
            0xE00..=0xE7F => Script::Thai,
            0x900..=0x97F => Script::Devanagari,
            0x530..=0x58F => Script::Armenian,
            0x10A0..=0x10FF => Script::Georgian,
            _ => return,
        };
        if !c.is_alphabetic() {
            return;
        }
        self.by_script[script as usize] += 1;
    }

    fn total(&self) -> usize {
        self.by_script.iter().sum()
    }

    /// The script with most letters, Han and kana counted together (Japanese mixes them).
    fn dominant(&self) -> (Script, usize) {
        let mut best = (Script::Latin, 0);
        for script in SCRIPTS {
            let mut n = self.by_script[script as usize];
            if script == Script::Han {
                n += self.kana;
            }
            if script != Script::Kana && n > best.1 {
                best = (script, n);
            }
        }
        best
    }
}

/// Common short words of the Latin-script languages guessed; a text is in the language whose
/// words it uses most, if it uses them often enough to tell.
const LATIN_WORDS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "the", "and", "of", "to", "in", "is", "that", "for", "with", "was", "on", "by",
        ],
    ),
    (
        "fr",
        &[
            "le", "la", "les", "et", "des", "est", "une", "du", "que", "dans", "pour", "au",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "und", "das", "ist", "nicht", "mit", "den", "von", "zu", "ein", "sich",
        ],
    ),
    (
        "es",
        &[
            "el", "los", "las", "y", "que", "del", "en", "por", "una", "con", "para", "se",
        ],
    ),
    (
        "it",
        &[
            "il", "di", "che", "e", "della", "per", "un", "non", "sono", "gli", "delle", "nel",
        ],
    ),
    (
        "pt",
        &[
            "o", "os", "as", "e", "do", "da", "que", "em", "não", "para", "com", "uma",
        ],
    ),
    (
        "nl",
        &[
            "de", "het", "een", "en", "van", "is", "dat", "niet", "op", "met", "zijn", "voor",
        ],
    ),
    (
        "tr",
        &[
            "ve", "bir", "bu", "için", "ile", "da", "de", "olarak", "çok", "olan", "gibi", "daha",
        ],
    ),
];

fn latin_language(text: &str) -> Option<&'static str> {
    let mut scores = [0usize; LATIN_WORDS.len()];
    let mut words = 0usize;
    for word in text
        .chars()
        .take(SAMPLE_CHARS)
        .collect::<String>()
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        words += 1;
        let lower = word.to_lowercase();
        for (score, (_, common)) in scores.iter_mut().zip(LATIN_WORDS) {
            if common.contains(&lower.as_str()) {
                *score += 1;
            }
        }
    }
    let (best, &top) = scores.iter().enumerate().max_by_key(|&(_, s)| *s)?;
    let runner_up = scores
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != best)
        .map(|(_, s)| *s)
        .max()
        .unwrap_or(0);
    // Common words are a tenth or more of running text; ask for fewer, and a clear lead.
    (top >= 3 && top * 20 >= words && top * 2 > runner_up * 3).then_some(LATIN_WORDS[best].0)
}

#[cfg(test)]
mod tests {
    use super::guess;

    #[test]
    fn the_sample_documents_are_guessed_right() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs");
        for (file, language) in [
            ("kz-tj-joint-statement.zh.txt", "zh"),
            ("tj-kz-talks-astana.ar.txt", "ar"),
            ("kz-tj-alliance-treaty.ru.txt", "ru"),
            ("kz-tj-foreign-ministers.kk.txt", "kk"),
            ("tj-cn-talks-xian.ar.txt", "ar"),
        ] {
            let text = std::fs::read_to_string(root.join(file)).unwrap();
            assert_eq!(guess(&text), Some(language), "{file}");
        }
    }

    #[test]
    fn scripts_and_the_letters_that_tell_languages_apart() {
        for (text, language) in [
            ("東京は日本の首都です。", Some("ja")),
            ("서울은 한국의 수도입니다.", Some("ko")),
            ("پایتخت ایران تهران است و زبان مردم فارسی است.", Some("fa")),
            (
                "Україна — держава у Східній Європі, її столиця Київ.",
                Some("uk"),
            ),
            (
                "Қазақстан Республикасы — Орталық Азиядағы мемлекет.",
                Some("kk"),
            ),
            ("Москва — столица России.", Some("ru")),
            ("ירושלים היא עיר הבירה.", Some("he")),
            (
                "The treaty was signed in Astana by the presidents of the two countries.",
                Some("en"),
            ),
            (
                "Le traité a été signé à Astana par les présidents des deux pays.",
                Some("fr"),
            ),
            (
                "Der Vertrag wurde von den Präsidenten der beiden Länder unterzeichnet, und das ist nicht neu.",
                Some("de"),
            ),
            ("12345 — 678", None),
            ("", None),
            // Half Latin, half Cyrillic: no script has three letters in five.
            ("Astana Астана Dushanbe Душанбе", None),
        ] {
            assert_eq!(guess(text), language, "{text}");
        }
    }
}
