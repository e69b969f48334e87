//! The string suggesters: every surface form the annotators labelled (and every form of a
//! gazetteer) proposed wherever it occurs in any document, in the forms each script needs.
//!
//! Documents are cut into tokens ([`crate::model::tokens`]: words, numbers and punctuation;
//! one token per character in Chinese and Japanese) and each token into its *readings*
//! ([`morph`]): its folded text and, by language, the same word without Arabic proclitics and
//! article, or reduced to its Russian or Kazakh stem. A labelled form is stored under the keys
//! of its tokens, once per morphology the project's documents use, in a trie over keys. Matching
//! walks that trie from each token of a document, over every reading of each token, and keeps
//! the longest match (leftmost-longest, no overlaps). So `وكازاخستان` meets `كازاخستان`,
//! `Тәжікстанның` meets `Тәжікстан`, and `哈萨克斯坦` is found inside a run of Chinese with no
//! spaces. The trie is an automaton over tokens, not a loop of `find` per form: a document's
//! cost is its tokens times the depth of the longest match, whatever the number of forms.
//!
//! Analysing a document (cutting and reducing its words) is the costly part and is done once
//! per document and once per distinct word in it ([`DocTokens`]); learning forms again after
//! an edit and matching them again use only integer keys.
//!
//! **How much a match covers** is learned from how the annotator labelled the form: with or
//! without the Arabic article, and the whole inflected word or only its stem (a Kazakh
//! annotator who labels `Қазақстан` inside `Қазақстанның` gets `Қазақстан` inside
//! `Қазақстанмен` too).

use rustc_hash::FxHashMap as HashMap;
use std::hash::{Hash, Hasher};

use super::morph::{self, Morphology};
use crate::model::{CharIndex, CharRange, Suggester, tokens::tokens_with_bytes};

/// Where the parts of a token's reading are, in chars from the token's start (a token with
/// readings has at most [`LONGEST_WORD`] chars): what a match covers of its first and last
/// token.
#[derive(Clone, Copy, Debug)]
struct ReadingShape {
    /// Chars of proclitics, then of the article, before the stem.
    proclitics: u8,
    article: u8,
    /// Where the stem's surface ends.
    stem_end: u8,
}

/// Tokens longer than this are never part of a form (a run of garbage, a URL): they are left
/// without readings so that nothing matches them.
const LONGEST_WORD: usize = 64;
/// The most tokens one form may have.
const LONGEST_FORM: usize = 24;
/// The most readings a token keeps (its count is a byte).
const MOST_READINGS: usize = u8::MAX as usize;
/// Tokens analysed before [`DocTokens::analyse`] reserves for the rest of a text.
const SAMPLE_TOKENS: usize = 4096;

/// One distinct token text of a document, analysed once however often it occurs.
#[derive(Clone, Copy, Debug)]
struct Word {
    /// Its length in bytes.
    len: u32,
    /// Where its readings start in [`DocTokens::keys`] and how many it has.
    first_reading: u32,
    readings: u8,
}

/// A document analysed once for matching: where its tokens are and the key of each of their
/// readings.
///
/// A 100 MB Russian document has 7.7 million tokens and about twice as many readings. Kept
/// per token (char and byte offsets, keys, where the stem is) they took 410 MB in the
/// suggestions' worker, four times the text; 208 MB at 7 bytes a token and 11 a reading.
/// Here a token is 8 bytes, where it starts and which word it is: a word's readings are kept
/// once (a text repeats its words, so most tokens are not analysed at all), and chars are
/// counted from the documents' sparse [`CharIndex`], only for a match.
#[derive(Clone, Debug, Default)]
pub struct DocTokens {
    morphology: Option<Morphology>,
    /// Each token's first byte.
    starts: Vec<u32>,
    /// Each token's word, an index into `vocabulary`.
    words: Vec<u32>,
    /// Each distinct token text, in the order first met.
    vocabulary: Vec<Word>,
    /// Each reading's key, word after word.
    keys: Vec<u64>,
    /// Each reading's shape, as `keys`.
    shapes: Vec<ReadingShape>,
    /// Char offsets to bytes and back without counting from the start (the documents' own
    /// index: nothing for ASCII, a checkpoint every 64 chars otherwise).
    chars: CharIndex,
}

impl DocTokens {
    /// Cuts `text` into tokens and each distinct one into its readings under `morphology`.
    /// Offsets are kept in 32 bits: a text of 4 GiB or more is analysed up to there.
    pub fn analyse(text: &str, morphology: Morphology) -> DocTokens {
        let mut out = DocTokens {
            morphology: Some(morphology),
            ..DocTokens::default()
        };
        // Each word met so far (borrowed from the text, dropped with the analysis).
        let mut met: HashMap<&str, u32> = HashMap::default();
        for (_, bytes) in tokens_with_bytes(text) {
            if bytes.end > u32::MAX as usize {
                break;
            }
            if out.starts.len() == SAMPLE_TOKENS {
                out.reserve_for_the_rest(bytes.start, text.len());
            }
            let surface = &text[bytes.clone()];
            let word = match met.get(surface) {
                Some(&word) => word,
                None => {
                    let word = out.add_word(surface, morphology);
                    met.insert(surface, word);
                    word
                }
            };
            out.starts.push(bytes.start as u32);
            out.words.push(word);
        }
        out.chars = CharIndex::new(text);
        out.starts.shrink_to_fit();
        out.words.shrink_to_fit();
        out.vocabulary.shrink_to_fit();
        out.keys.shrink_to_fit();
        out.shapes.shrink_to_fit();
        out
    }

    /// Adds `surface` to the vocabulary with its readings (none when it is too long to be part
    /// of a form), returning its index.
    fn add_word(&mut self, surface: &str, morphology: Morphology) -> u32 {
        let first_reading = self.keys.len();
        if surface.chars().nth(LONGEST_WORD).is_none() {
            let readings = morph::readings(surface, morphology);
            for reading in readings.iter().take(MOST_READINGS) {
                self.keys.push(key_hash(morphology, &reading.key));
                self.shapes.push(ReadingShape {
                    proclitics: reading.proclitics.min(LONGEST_WORD) as u8,
                    article: reading.article.min(LONGEST_WORD) as u8,
                    stem_end: reading.stem_end.min(LONGEST_WORD) as u8,
                });
            }
        }
        self.vocabulary.push(Word {
            len: surface.len() as u32,
            first_reading: first_reading as u32,
            readings: (self.keys.len() - first_reading) as u8,
        });
        (self.vocabulary.len() - 1) as u32
    }

    /// Reserves room for the tokens of the text after byte `done` of `total`, at the rate
    /// seen up to there and a fifth more. Growing by doubling (or reserving for the most a
    /// text could hold, then giving back what was left) held two copies of a big document's
    /// index at once.
    fn reserve_for_the_rest(&mut self, done: usize, total: usize) {
        let rate = total.saturating_sub(done) as f64 / done.max(1) as f64 * 1.2;
        let tokens = (self.starts.len() as f64 * rate) as usize;
        self.starts.reserve(tokens);
        self.words.reserve(tokens);
    }

    /// How many tokens it has.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// True when it has no tokens.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The word token `token` is.
    fn word(&self, token: usize) -> Word {
        self.vocabulary[self.words[token] as usize]
    }

    /// Where the readings of token `token` are in `keys` and `shapes`.
    fn readings(&self, token: usize) -> std::ops::Range<usize> {
        let word = self.word(token);
        let first = word.first_reading as usize;
        first..first + usize::from(word.readings)
    }

    /// Where token `token` is, in bytes.
    fn byte_range(&self, token: usize) -> std::ops::Range<usize> {
        let start = self.starts[token] as usize;
        start..start + self.word(token).len as usize
    }

    /// Where token `token` is, in chars of `text` (the text it was analysed from).
    fn char_range(&self, text: &str, token: usize) -> CharRange {
        let bytes = self.byte_range(token);
        let start = self.chars.byte_to_char(text, bytes.start);
        CharRange::new(start, start + text[bytes].chars().count())
    }

    /// The byte offset of char `offset` of `text` (its length past the end).
    pub fn byte_at_char(&self, text: &str, offset: usize) -> usize {
        self.chars
            .char_to_byte(text, offset.min(self.chars.len_chars()))
    }

    /// The index of the token holding char `offset` of `text`, if one does.
    fn token_at(&self, text: &str, offset: usize) -> Option<usize> {
        let byte = self.byte_at_char(text, offset);
        let after = self.starts.partition_point(|&s| s as usize <= byte);
        let token = after.checked_sub(1)?;
        self.byte_range(token).contains(&byte).then_some(token)
    }
}

/// A key's hash, in the namespace of its morphology (a Russian stem and a Kazakh one never
/// meet by accident). 64 bits: two different keys of one project sharing a hash is about as
/// likely as a cosmic-ray bit flip, and storing hashes keeps a million tokens' readings small.
fn key_hash(morphology: Morphology, key: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    morphology.hash(&mut hasher);
    key.hash(&mut hasher);
    hasher.finish()
}

/// How far a match reaches at its end, as the annotator labelled the form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum End {
    /// To the end of the last word, inflection and all.
    Word,
    /// The part of the last word the annotator labelled (folded): a match covers as much of
    /// its last word as it shares with this, and at least the word's stem.
    Prefix(String),
}

/// What was learned about one labelled form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Convention {
    /// The annotator labelled the Arabic article with the word (`الصين`, not `صين`).
    pub keeps_article: bool,
    /// How far the label reaches into the last word.
    pub end: End,
}

impl Default for Convention {
    fn default() -> Self {
        Convention {
            keeps_article: true,
            end: End::Word,
        }
    }
}

/// A labelled form, to be learned.
#[derive(Clone, Debug)]
pub struct FormInput<'a> {
    /// The form's text.
    pub text: &'a str,
    /// Its label.
    pub label: &'a str,
    /// Who proposes it.
    pub suggester: Suggester,
    /// How much a match covers.
    pub convention: Convention,
    /// The morphology of the document it was labelled in (`None`: a gazetteer's form, read in
    /// every morphology alike).
    pub labelled_in: Option<Morphology>,
}

/// What a trie node ends: the forms whose keys lead to it, by label and suggester.
#[derive(Clone, Debug, Default)]
struct Terminal {
    /// Each (label, suggester, convention) and how often it was learned.
    forms: Vec<(FormInfo, u32)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct FormInfo {
    label: String,
    suggester: Suggester,
    convention: Convention,
    /// The text as first learned, for messages.
    text: String,
}

/// The known forms: a trie over token keys.
#[derive(Clone, Debug, Default)]
pub struct FormIndex {
    /// (node, key) → child node. Node 0 is the root.
    edges: HashMap<(u32, u64), u32>,
    nodes: u32,
    terminals: HashMap<u32, Terminal>,
    /// The morphologies forms are stored under.
    morphologies: Vec<Morphology>,
    /// Each distinct form learned (by label, suggester and text), however many paths it is
    /// stored under.
    distinct: std::collections::HashSet<(String, Suggester, String)>,
}

/// A form found in a document.
#[derive(Clone, Debug, PartialEq)]
pub struct FormMatch {
    /// What it covers, in the document's chars.
    pub range: CharRange,
    /// The label.
    pub label: String,
    /// Who proposes it.
    pub suggester: Suggester,
    /// The trie node it ends at with its label and suggester: the same form everywhere, for
    /// counting how often the annotator took it.
    pub form: (u32, usize),
}

impl FormIndex {
    /// An empty index that stores forms under each of `morphologies` (those of the project's
    /// documents).
    pub fn new(morphologies: impl IntoIterator<Item = Morphology>) -> FormIndex {
        let mut morphologies: Vec<Morphology> = morphologies.into_iter().collect();
        morphologies.sort_by_key(|m| format!("{m:?}"));
        morphologies.dedup();
        FormIndex {
            nodes: 1,
            morphologies,
            ..FormIndex::default()
        }
    }

    /// How many distinct forms it holds (by label, suggester and text).
    pub fn len(&self) -> usize {
        self.distinct.len()
    }

    /// True when it holds no form.
    pub fn is_empty(&self) -> bool {
        self.terminals.is_empty()
    }

    /// Learns a form under every morphology of the index. A form with no token, or longer
    /// than [`LONGEST_FORM`] tokens, is left out.
    pub fn learn(&mut self, form: &FormInput<'_>) {
        self.distinct.insert((
            form.label.to_owned(),
            form.suggester.clone(),
            form.text.to_owned(),
        ));
        let info = FormInfo {
            label: form.label.to_owned(),
            suggester: form.suggester.clone(),
            convention: form.convention.clone(),
            text: form.text.to_owned(),
        };
        for m in self.morphologies.clone() {
            for keys in learning_paths(form.text, m) {
                let mut node = 0;
                for key in keys {
                    node = match self.edges.get(&(node, key)) {
                        Some(&child) => child,
                        None => {
                            let child = self.nodes;
                            self.nodes += 1;
                            self.edges.insert((node, key), child);
                            child
                        }
                    };
                }
                let terminal = self.terminals.entry(node).or_default();
                match terminal.forms.iter_mut().find(|(f, _)| *f == info) {
                    Some((_, n)) => *n += 1,
                    None => terminal.forms.push((info.clone(), 1)),
                }
            }
        }
    }

    /// The forms found in `doc` (whose text is `text`), leftmost-longest, not overlapping. At
    /// a place several forms end, each suggester proposes its most often learned label there.
    pub fn find(&self, doc: &DocTokens, text: &str) -> Vec<FormMatch> {
        let mut found = Vec::new();
        if self.terminals.is_empty() {
            return found;
        }
        let mut at = 0;
        while at < doc.len() {
            at = match self.longest_from(doc, at) {
                Some(best) => {
                    self.push_matches(doc, text, at, &best, &mut found);
                    best.last + 1
                }
                None => at + 1,
            };
        }
        found
    }

    /// The longest path of keys from the root starting at token `first`, over every reading
    /// of each token. The readings it names are indexes into the document's.
    fn longest_from(&self, doc: &DocTokens, first: usize) -> Option<Best> {
        let mut best: Option<Best> = None;
        // Depth-first over (node, next token, reading of the first token); forms are short,
        // so the stack stays small.
        let mut stack: Vec<(u32, usize, usize)> = vec![(0, first, 0)];
        while let Some((node, token, first_r)) = stack.pop() {
            if token >= doc.len() || token - first >= LONGEST_FORM {
                continue;
            }
            for r in doc.readings(token) {
                let Some(&child) = self.edges.get(&(node, doc.keys[r])) else {
                    continue;
                };
                let first_r = if token == first { r } else { first_r };
                if self.terminals.contains_key(&child) {
                    let better = match &best {
                        None => true,
                        // Longer wins; at equal length, the least stripped reading (first
                        // found in reading order) stays.
                        Some(b) => token > b.last,
                    };
                    if better {
                        best = Some(Best {
                            node: child,
                            last: token,
                            first_reading: first_r,
                            last_reading: r,
                        });
                    }
                }
                stack.push((child, token + 1, first_r));
            }
        }
        best
    }

    fn push_matches(
        &self,
        doc: &DocTokens,
        text: &str,
        first: usize,
        best: &Best,
        found: &mut Vec<FormMatch>,
    ) {
        let Some(terminal) = self.terminals.get(&best.node) else {
            return;
        };
        let first_reading = doc.shapes[best.first_reading];
        let last_reading = doc.shapes[best.last_reading];
        let first_token = doc.char_range(text, first);
        let last_token = doc.char_range(text, best.last);
        // Per suggester, its most often learned label here.
        let mut chosen: Vec<(usize, &FormInfo, u32)> = Vec::new();
        for (i, (info, n)) in terminal.forms.iter().enumerate() {
            match chosen
                .iter_mut()
                .find(|(_, f, _)| f.suggester == info.suggester)
            {
                Some(c) if *n > c.2 => *c = (i, info, *n),
                Some(_) => {}
                None => chosen.push((i, info, *n)),
            }
        }
        for (i, info, _) in chosen {
            let mut start = first_token.start + usize::from(first_reading.proclitics);
            if !info.convention.keeps_article {
                start += usize::from(first_reading.article);
            }
            let end = match &info.convention.end {
                End::Word => last_token.end,
                End::Prefix(prefix) => {
                    let word = &text[doc.byte_range(best.last)];
                    last_token.start
                        + shared_prefix(word, prefix)
                            .max(usize::from(last_reading.stem_end))
                            .min(last_token.len())
                }
            };
            if start < end {
                found.push(FormMatch {
                    range: CharRange::new(start, end),
                    label: info.label.clone(),
                    suggester: info.suggester.clone(),
                    form: (best.node, i),
                });
            }
        }
    }

    /// The text a form was first learned from, for messages.
    pub fn form_text(&self, form: (u32, usize)) -> Option<&str> {
        self.terminals
            .get(&form.0)
            .and_then(|t| t.forms.get(form.1))
            .map(|(f, _)| f.text.as_str())
    }
}

struct Best {
    node: u32,
    last: usize,
    first_reading: usize,
    last_reading: usize,
}

/// The paths of keys a labelled form is stored under in `morphology`: per token, each of its
/// readings that keeps what the annotator put at its start (no proclitic stripped: they
/// labelled from where they wanted), so `الصين` is stored as `الصين` and `صين`, and `بكين` as
/// `بكين` only; a Russian or Kazakh word under its whole form and each stem. A form whose
/// tokens have too many readings together is stored under its most reduced path only.
fn learning_paths(text: &str, morphology: Morphology) -> Vec<Vec<u64>> {
    /// Paths stored per form at most: a long inflected name has a few readings per word.
    const MOST_PATHS: usize = 64;
    let mut per_token: Vec<Vec<u64>> = Vec::new();
    for (chars, bytes) in tokens_with_bytes(text) {
        if chars.len() > LONGEST_WORD {
            return Vec::new();
        }
        let mut keys: Vec<u64> = morph::readings(&text[bytes], morphology)
            .iter()
            .filter(|r| r.proclitics == 0)
            .map(|r| key_hash(morphology, &r.key))
            .collect();
        keys.dedup();
        if keys.is_empty() {
            return Vec::new();
        }
        per_token.push(keys);
    }
    if per_token.is_empty() || per_token.len() > LONGEST_FORM {
        return Vec::new();
    }
    let combinations = per_token
        .iter()
        .try_fold(1usize, |n, k| n.checked_mul(k.len()))
        .unwrap_or(usize::MAX);
    if combinations > MOST_PATHS {
        return vec![per_token.iter().filter_map(|k| k.last().copied()).collect()];
    }
    let mut paths: Vec<Vec<u64>> = vec![Vec::new()];
    for keys in &per_token {
        paths = paths
            .iter()
            .flat_map(|p| {
                keys.iter().map(move |k| {
                    let mut p = p.clone();
                    p.push(*k);
                    p
                })
            })
            .collect();
    }
    paths
}

/// How many chars at the start of `word` fold to the start of `prefix`.
fn shared_prefix(word: &str, prefix: &str) -> usize {
    let folded = morph::fold(word);
    let shared = folded
        .text
        .chars()
        .zip(prefix.chars())
        .take_while(|(a, b)| a == b)
        .count();
    folded
        .origin
        .get(shared)
        .copied()
        .unwrap_or_else(|| word.chars().count())
}

/// How the annotator labelled `range` of a document analysed as `doc` from `text`, whose text
/// there is `labelled`: with the Arabic article or without it, to the end of its last word or
/// not.
pub fn convention_of(doc: &DocTokens, text: &str, labelled: &str, range: CharRange) -> Convention {
    let Some(morphology) = doc.morphology else {
        return Convention::default();
    };
    let first_word = tokens_with_bytes(labelled).next();
    let keeps_article = first_word.is_some_and(|(_, bytes)| {
        morph::readings(&labelled[bytes], morphology)
            .iter()
            .any(|r| r.proclitics == 0 && r.article > 0)
    });
    let end = match range
        .end
        .checked_sub(1)
        .and_then(|last| doc.token_at(text, last))
    {
        Some(t) if doc.char_range(text, t).end > range.end => {
            let last_word = tokens_with_bytes(labelled).last();
            match last_word {
                Some((_, bytes)) => End::Prefix(morph::fold(&labelled[bytes]).text),
                None => End::Word,
            }
        }
        _ => End::Word,
    };
    Convention { keeps_article, end }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index_of(forms: &[(&str, &str, Morphology, Convention)]) -> FormIndex {
        let mut index = FormIndex::new(forms.iter().map(|f| f.2));
        for (text, label, m, convention) in forms {
            index.learn(&FormInput {
                text,
                label,
                suggester: Suggester::Project,
                convention: convention.clone(),
                labelled_in: Some(*m),
            });
        }
        index
    }

    fn found(index: &FormIndex, text: &str, m: Morphology) -> Vec<(String, String)> {
        let doc = DocTokens::analyse(text, m);
        index
            .find(&doc, text)
            .into_iter()
            .map(|f| {
                let t: String = text
                    .chars()
                    .skip(f.range.start)
                    .take(f.range.len())
                    .collect();
                (t, f.label)
            })
            .collect()
    }

    fn learned(text: &str, range: (usize, usize), m: Morphology) -> Convention {
        let labelled: String = text.chars().skip(range.0).take(range.1 - range.0).collect();
        convention_of(
            &DocTokens::analyse(text, m),
            text,
            &labelled,
            CharRange::new(range.0, range.1),
        )
    }

    #[test]
    fn arabic_proclitics_and_article_still_match_and_the_label_covers_what_the_annotator_did() {
        let text = "زار كازاخستان ثم الصين";
        let kz = learned(text, (4, 13), Morphology::Arabic);
        let cn = learned(text, (17, 22), Morphology::Arabic);
        assert!(cn.keeps_article);
        let index = index_of(&[
            ("كازاخستان", "COUNTRY", Morphology::Arabic, kz),
            ("الصين", "COUNTRY", Morphology::Arabic, cn),
        ]);
        let doc = "وكازاخستان والصين وبالصين للصين، وكَازَاخِسْتَان";
        assert_eq!(
            found(&index, doc, Morphology::Arabic),
            [
                ("كازاخستان", "COUNTRY"),
                ("الصين", "COUNTRY"),
                ("الصين", "COUNTRY"),
                ("لصين", "COUNTRY"),
                ("كَازَاخِسْتَان", "COUNTRY")
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
    }

    #[test]
    fn chinese_is_found_without_spaces_longest_first() {
        let m = Morphology::Plain;
        let index = index_of(&[
            ("哈萨克斯坦", "COUNTRY", m, Convention::default()),
            ("哈萨克斯坦共和国", "COUNTRY", m, Convention::default()),
            ("中国", "COUNTRY", m, Convention::default()),
        ]);
        assert_eq!(
            found(&index, "哈萨克斯坦共和国同中国和哈萨克斯坦", m),
            [
                ("哈萨克斯坦共和国", "COUNTRY"),
                ("中国", "COUNTRY"),
                ("哈萨克斯坦", "COUNTRY")
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
    }

    #[test]
    fn kazakh_stem_convention_is_learned_from_the_annotator() {
        let m = Morphology::Kazakh;
        // Labelled the stem only, inside an inflected word.
        let stem = learned("Қазақстанның президенті", (0, 9), m);
        assert_eq!(stem.end, End::Prefix("қазақстан".into()));
        // Labelled the whole inflected word.
        let whole = learned("Тәжікстанмен келісім", (0, 12), m);
        assert_eq!(whole.end, End::Word);
        let index = index_of(&[
            ("Қазақстан", "COUNTRY", m, stem),
            ("Тәжікстанмен", "COUNTRY", m, whole),
        ]);
        assert_eq!(
            found(&index, "Қазақстанмен және Тәжікстанның", m),
            [("Қазақстан", "COUNTRY"), ("Тәжікстанның", "COUNTRY")]
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
    }

    /// Char offsets come from a sparse index of the text: a match far into a long document,
    /// after chars of one, two, three and four bytes, is where it is in chars.
    #[test]
    fn a_match_far_into_a_long_text_has_its_char_offsets() {
        let m = Morphology::Russian;
        let index = index_of(&[("Казахстан", "COUNTRY", m, Convention::default())]);
        let filler = "a é 中 😊 ".repeat(1000);
        let text = format!("{filler}с Казахстаном {filler}");
        let doc = DocTokens::analyse(&text, m);
        let matches = index.find(&doc, &text);
        let start = filler.chars().count() + 2;
        assert_eq!(
            matches.iter().map(|f| f.range).collect::<Vec<_>>(),
            [CharRange::new(start, start + "Казахстаном".chars().count())]
        );
        assert_eq!(doc.token_at(&text, start + 3), Some(doc.len() / 2));
    }

    /// A word is analysed once however often it occurs: each occurrence, and each token too
    /// long to be a word, still has its own place.
    #[test]
    fn repeated_words_and_overlong_tokens_keep_their_own_places() {
        let m = Morphology::Russian;
        let index = index_of(&[("Казахстан", "COUNTRY", m, Convention::default())]);
        let long = |n: usize| "x".repeat(LONGEST_WORD + n);
        let text = format!(
            "Казахстан {} Казахстаном {} Казахстан {}",
            long(1),
            long(30),
            long(1)
        );
        let doc = DocTokens::analyse(&text, m);
        let at = |needle: &str, nth: usize| {
            let byte = text.match_indices(needle).nth(nth).unwrap().0;
            text[..byte].chars().count()
        };
        let found: Vec<CharRange> = index.find(&doc, &text).iter().map(|f| f.range).collect();
        assert_eq!(
            found,
            [
                CharRange::new(0, 9),
                CharRange::new(at("Казахстаном", 0), at("Казахстаном", 0) + 11),
                CharRange::new(at("Казахстан ", 1), at("Казахстан ", 1) + 9),
            ]
        );
        assert_eq!(doc.token_at(&text, at("x", 0) + LONGEST_WORD), Some(1));
        assert_eq!(doc.token_at(&text, at("Казахстаном", 0) - 1), None);
    }

    #[test]
    fn russian_inflections_match_at_word_boundaries_only() {
        let m = Morphology::Russian;
        let index = index_of(&[("Казахстан", "COUNTRY", m, Convention::default())]);
        assert_eq!(
            found(&index, "с Казахстаном и Казахстана, но не Казахстанский", m),
            [("Казахстаном", "COUNTRY"), ("Казахстана", "COUNTRY")]
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
    }

    #[test]
    fn multi_word_forms_and_the_majority_label() {
        let m = Morphology::Russian;
        let mut index = index_of(&[
            ("Эмомали Рахмон", "PERSON", m, Convention::default()),
            ("Астана", "CITY", m, Convention::default()),
            ("Астана", "CITY", m, Convention::default()),
            ("Астана", "ORG", m, Convention::default()),
        ]);
        index.learn(&FormInput {
            text: "Астана",
            label: "GPE",
            suggester: Suggester::Gazetteer("g".into()),
            convention: Convention::default(),
            labelled_in: None,
        });
        let doc = "Эмомали Рахмоном в Астане";
        let got = found(&index, doc, m);
        assert_eq!(
            got,
            [
                ("Эмомали Рахмоном", "PERSON"),
                ("Астане", "CITY"),
                ("Астане", "GPE")
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
    }
}
