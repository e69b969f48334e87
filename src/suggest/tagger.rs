//! A learned span tagger, trained inside the app from the annotator's own labels.
//!
//! The model is an **averaged perceptron** over tokens with BIO tags, decoded greedily
//! left to right with the two previous predicted tags as features:
//!
//! - M. Collins (2002), "Discriminative Training Methods for Hidden Markov Models: Theory and
//!   Experiments with Perceptron Algorithms", EMNLP — the (averaged) perceptron for tagging.
//! - M. Honnibal (2013), "A Good Part-of-Speech Tagger in about 200 Lines of Python" — greedy
//!   decoding, lazily averaged weights, training on the tagger's own predicted history.
//! - L. Ratinov & D. Roth (2009), "Design Challenges and Misconceptions in Named Entity
//!   Recognition", `CoNLL` — BIO encoding, greedy decoding with previous-tag features, and
//!   the word-shape / affix / context features that let it find spans no list holds.
//!
//! Training history: like Honnibal, the previous-tag features come from the tagger's *own
//! predictions* while training, so it learns to recover from its own mistakes as at run time.
//!
//! Scores: at each token the class scores (sums of averaged weights) are turned into a
//! softmax; the token's confidence is the probability of the tag the model chose there, and a
//! span's `score` is the mean of that over its tokens. It lies in 0..=1 and is higher where the
//! model is sure, but it is not calibrated (perceptron scores have no probabilistic scale).
//
// Why by hand: no maintained Rust crate trains a small sequence tagger in-process without
// downloaded weights (the NER crates wrap pretrained transformer/ONNX models), and the
// whole method is a few hundred lines.

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

/// One training or prediction sequence (a sentence): its tokens' texts.
/// Tokens are words, numbers and punctuation; for Chinese/Japanese each character is a token.
#[derive(Clone, Debug, PartialEq)]
pub struct Sequence {
    /// The tokens' texts, in order.
    pub tokens: Vec<String>,
    /// Labelled spans over token indices (start..end, end exclusive), not overlapping, sorted.
    pub spans: Vec<TokenSpan>,
}

/// A labelled run of tokens `start..end` (end exclusive).
#[derive(Clone, Debug, PartialEq)]
pub struct TokenSpan {
    /// Index of the first token.
    pub start: usize,
    /// Index one past the last token.
    pub end: usize,
    /// The entity label, e.g. "PER".
    pub label: String,
    /// In predictions: a confidence in 0..=1 (see the module docs). Ignored in training data.
    pub score: f32,
}

/// How to train a [`Tagger`].
#[derive(Clone, Debug)]
pub struct TrainOptions {
    /// Passes over the data (default 8).
    pub epochs: usize,
    /// Seed of the shuffle between passes, so training is deterministic (default fixed).
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            epochs: 8,
            seed: 0x5EED_ACC0_12D0,
        }
    }
}

/// Bumped whenever the features change: weights saved under other features are meaningless.
const FEATURE_VERSION: u32 = 1;
/// Tag-history sentinels before the first token (never a real class index).
const START: usize = usize::MAX;
const START2: usize = usize::MAX - 1;

/// Feature templates; the discriminant is hashed first so templates never collide by text.
#[rustfmt::skip]
#[derive(Clone, Copy)]
#[repr(u8)]
enum T {
    Bias, Word, Prefix, Suffix, Shape, Flag, Len, Script,
    PrevWord, NextWord, Prev2Word, Next2Word, PrevSuffix, NextSuffix, PrevShape, NextShape,
    BigramLeft, BigramRight, PrevTag, PrevTags, PrevTagWord,
}

const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, written out rather than std's hasher: `RandomState` is randomly keyed per process
/// and `DefaultHasher`'s algorithm may change between Rust releases, either of which would
/// make saved models silently useless. Hashing features to u64 avoids storing strings.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new(template: T) -> Self {
        Fnv(0xcbf2_9ce4_8422_2325).byte(template as u8)
    }
    fn byte(self, b: u8) -> Self {
        Fnv((self.0 ^ u64::from(b)).wrapping_mul(FNV_PRIME))
    }
    /// Ends with 0xff, which never occurs in UTF-8, so consecutive strings cannot run together.
    fn str(self, s: &str) -> Self {
        s.bytes().fold(self, Fnv::byte).byte(0xff)
    }
    fn num(self, v: u64) -> Self {
        v.to_le_bytes().into_iter().fold(self, Fnv::byte)
    }
    fn done(self) -> u64 {
        self.0
    }
}

/// The `SplitMix64` finaliser: a cheap, well-mixing bijection on u64.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Table hasher for keys that are already hashes: only re-mixes them (FNV's low bits are weak),
/// far cheaper than `SipHash` on the hot path.
#[derive(Default)]
struct Mix(u64);

impl Hasher for Mix {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = bytes
            .iter()
            .fold(self.0, |h, &b| (h ^ u64::from(b)).wrapping_mul(FNV_PRIME));
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = mix64(self.0 ^ v);
    }
}

type FeatMap = HashMap<u64, u32, BuildHasherDefault<Mix>>;

/// `SplitMix64` generator for the deterministic shuffle.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.0)
    }
    fn shuffle<X>(&mut self, items: &mut [X]) {
        for i in (1..items.len()).rev() {
            let bound = u64::try_from(i + 1).unwrap_or(u64::MAX);
            let j = usize::try_from(self.next_u64() % bound).unwrap_or(0);
            items.swap(i, j);
        }
    }
}

#[rustfmt::skip]
#[derive(Clone, Copy)]
#[repr(u8)]
enum Script {
    Latin,
    Cyrillic,
    Arabic,
    Han,
    Kana,
    Digit,
    Other,
}

fn script(c: char) -> Script {
    if c.is_numeric() {
        return Script::Digit;
    }
    if !c.is_alphabetic() {
        return Script::Other;
    }
    match u32::from(c) {
        0x41..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
        0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
        0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Script::Arabic
        }
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F => Script::Han,
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Script::Kana,
        _ => Script::Other,
    }
}

/// Word shape: upper→X, lower→x, digit→d, caseless letters→a script letter (Arabic a, Han h,
/// kana k, else l), anything else kept; runs collapsed to 2, e.g. "Tokayev"→"Xxx", "12.5"→"dd.d".
fn shape(word: &str) -> String {
    let mut out = String::new();
    let (mut last, mut run) = ('\0', 0);
    for c in word.chars() {
        let m = if c.is_numeric() {
            'd'
        } else if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_alphabetic() {
            match script(c) {
                Script::Arabic => 'a',
                Script::Han => 'h',
                Script::Kana => 'k',
                _ => 'l',
            }
        } else {
            c
        };
        run = if m == last { run + 1 } else { 1 };
        last = m;
        if run <= 2 {
            out.push(m);
        }
    }
    out
}

/// Byte offset of the `n`th char (or the end): affixes count chars, not bytes.
fn char_byte(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(b, _)| b)
}

fn suffix(s: &str, k: usize) -> &str {
    let n = s.chars().count();
    &s[char_byte(s, n.saturating_sub(k))..]
}

/// The tag-independent features of every token of one sequence, computed once.
struct SeqFeatures {
    feats: Vec<u64>,
    ends: Vec<usize>,
    words: Vec<u64>,
}

impl SeqFeatures {
    fn new<S: AsRef<str>>(tokens: &[S]) -> Self {
        let n = tokens.len();
        // Lower-cased words padded with two sentinels each side; "-START-" cannot be a
        // lower-cased word, so sentinels never collide with text.
        let mut ws: Vec<String> = vec!["-START2-".into(), "-START-".into()];
        ws.extend(tokens.iter().map(|t| t.as_ref().to_lowercase()));
        ws.extend(["-END-".into(), "-END2-".into()]);
        let shapes: Vec<String> = (0..n + 4)
            .map(|p| match p.checked_sub(2).and_then(|i| tokens.get(i)) {
                Some(t) => shape(t.as_ref()),
                None => ws[p].clone(),
            })
            .collect();
        let mut out = SeqFeatures {
            feats: Vec::with_capacity(n * 32),
            ends: Vec::with_capacity(n),
            words: Vec::with_capacity(n),
        };
        for (i, tok) in tokens.iter().enumerate() {
            let (raw, p) = (tok.as_ref(), i + 2);
            let w = ws[p].as_str();
            let f = &mut out.feats;
            let word = Fnv::new(T::Word).str(w).done();
            out.words.push(word);
            f.extend([Fnv::new(T::Bias).done(), word]);
            let len = w.chars().count();
            // Affixes as long as the word itself would only repeat the word feature.
            for k in (1u8..=3).filter(|&k| usize::from(k) < len) {
                let b = char_byte(w, usize::from(k));
                f.push(Fnv::new(T::Prefix).byte(k).str(&w[..b]).done());
                let s = suffix(w, usize::from(k));
                f.push(Fnv::new(T::Suffix).byte(k).str(s).done());
            }
            f.push(Fnv::new(T::Shape).str(&shapes[p]).done());
            let first = raw.chars().next();
            let uppers = raw.chars().filter(|c| c.is_uppercase()).count();
            let has_lower = raw.chars().any(char::is_lowercase);
            let flags = [
                first.is_some_and(char::is_uppercase) && uppers == 1,
                uppers > 1 && !has_lower,
                raw.chars().any(char::is_numeric),
                !raw.is_empty() && raw.chars().all(char::is_numeric),
            ];
            for (bit, _) in (0u8..).zip(flags).filter(|&(_, on)| on) {
                f.push(Fnv::new(T::Flag).byte(bit).done());
            }
            let bucket = match raw.chars().count() {
                0..=1 => 1,
                2 => 2,
                3..=4 => 3,
                5..=8 => 4,
                _ => 5,
            };
            f.push(Fnv::new(T::Len).byte(bucket).done());
            let sc = first.map_or(Script::Other, script);
            f.push(Fnv::new(T::Script).byte(sc as u8).done());
            for (t, q) in [
                (T::PrevWord, p - 1),
                (T::NextWord, p + 1),
                (T::Prev2Word, p - 2),
                (T::Next2Word, p + 2),
            ] {
                f.push(Fnv::new(t).str(&ws[q]).done());
            }
            for (t, q) in [(T::PrevSuffix, p - 1), (T::NextSuffix, p + 1)] {
                f.push(Fnv::new(t).str(suffix(&ws[q], 3)).done());
            }
            for (t, q) in [(T::PrevShape, p - 1), (T::NextShape, p + 1)] {
                f.push(Fnv::new(t).str(&shapes[q]).done());
            }
            // A lone CJK character says little; its neighbours form the words.
            if len == 1 && matches!(sc, Script::Han | Script::Kana) {
                f.push(Fnv::new(T::BigramLeft).str(&ws[p - 1]).str(w).done());
                f.push(Fnv::new(T::BigramRight).str(w).str(&ws[p + 1]).done());
            }
            out.ends.push(f.len());
        }
        out
    }

    fn token(&self, i: usize) -> &[u64] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.feats[start..self.ends[i]]
    }

    /// Tag-history features: t(i-1), (t(i-2), t(i-1)), and t(i-1) with the word.
    fn dynamic(&self, i: usize, t2: usize, t1: usize) -> [u64; 3] {
        // Sentinels spelled out so hashes (and saved models) do not depend on usize's width.
        let code = |t: usize| match t {
            START => u64::MAX,
            START2 => u64::MAX - 1,
            t => t as u64,
        };
        let (t1, t2) = (code(t1), code(t2));
        [
            Fnv::new(T::PrevTag).num(t1).done(),
            Fnv::new(T::PrevTags).num(t2).num(t1).done(),
            Fnv::new(T::PrevTagWord).num(t1).num(self.words[i]).done(),
        ]
    }
}

// Classes: 0 = O, 1 + 2k = B-label[k], 2 + 2k = I-label[k].

/// An I-X not preceded by B-X or I-X starts a new span: it becomes B-X.
fn repair(tag: usize, prev: usize) -> usize {
    let is_inside = tag != 0 && tag.is_multiple_of(2);
    let continues = prev != 0 && prev < START2 && (prev - 1) / 2 == (tag.saturating_sub(2)) / 2;
    if is_inside && !continues {
        tag - 1
    } else {
        tag
    }
}

/// First best class, so ties (e.g. no known feature at all) go to O.
fn argmax(scores: &[f32]) -> usize {
    let mut best = 0;
    for (c, &s) in scores.iter().enumerate() {
        if s > scores[best] {
            best = c;
        }
    }
    best
}

/// Softmax probability of class `c`.
fn probability(scores: &[f32], c: usize) -> f32 {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let sum: f32 = scores.iter().map(|&s| (s - max).exp()).sum();
    let p = (scores[c] - max).exp() / sum;
    if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) }
}

/// Feature → row of per-class weights, rows stored flat.
#[derive(Clone, Debug, Default)]
struct Weights {
    classes: usize,
    index: FeatMap,
    rows: Vec<f32>,
}

impl Weights {
    fn new(classes: usize) -> Self {
        Weights {
            classes,
            ..Weights::default()
        }
    }

    fn add(&self, feats: &[u64], scores: &mut [f32]) {
        for f in feats {
            if let Some(&r) = self.index.get(f) {
                let start = r as usize * self.classes;
                let row = &self.rows[start..start + self.classes];
                scores.iter_mut().zip(row).for_each(|(s, w)| *s += w);
            }
        }
    }

    fn scores(&self, feats: &SeqFeatures, i: usize, t2: usize, t1: usize, out: &mut [f32]) {
        out.fill(0.0);
        self.add(feats.token(i), out);
        self.add(&feats.dynamic(i, t2, t1), out);
    }
}

/// Training state: live weights plus, per weight, the running total and the time of its last
/// change, so averaging costs O(updates) rather than O(features × steps).
struct Trainer {
    weights: Weights,
    totals: Vec<f64>,
    stamps: Vec<u32>,
    time: u32,
}

impl Trainer {
    fn row(&mut self, f: u64) -> usize {
        if let Some(&r) = self.weights.index.get(&f) {
            return r as usize;
        }
        let r = self.weights.index.len();
        let r32 = u32::try_from(r).expect("fewer than 2^32 features fit in memory");
        self.weights.index.insert(f, r32);
        let len = (r + 1) * self.weights.classes;
        self.weights.rows.resize(len, 0.0);
        self.totals.resize(len, 0.0);
        self.stamps.resize(len, 0);
        r
    }

    fn update(&mut self, feats: &[u64], dynamic: &[u64], truth: usize, guess: usize) {
        for &f in feats.iter().chain(dynamic) {
            let row = self.row(f) * self.weights.classes;
            for (c, delta) in [(truth, 1.0), (guess, -1.0)] {
                let k = row + c;
                let held = f64::from(self.time - self.stamps[k]);
                self.totals[k] += held * f64::from(self.weights.rows[k]);
                self.stamps[k] = self.time;
                self.weights.rows[k] += delta;
            }
        }
    }

    /// Averaged weights; rows in key order (deterministic) and all-zero rows dropped.
    fn average(self) -> Weights {
        let n = self.weights.classes;
        let mut keyed: Vec<(u64, u32)> = self.weights.index.iter().map(|(&k, &r)| (k, r)).collect();
        keyed.sort_unstable();
        let steps = f64::from(self.time.max(1));
        let mut out = Weights::new(n);
        for (key, r) in keyed {
            let start = r as usize * n;
            let avg = (start..start + n).map(|k| {
                let held = f64::from(self.time - self.stamps[k]);
                ((self.totals[k] + held * f64::from(self.weights.rows[k])) / steps) as f32
            });
            let avg: Vec<f32> = avg.collect();
            if avg.iter().any(|w| w.abs() > 1e-6) {
                let row = u32::try_from(out.index.len()).expect("no more rows than trained");
                out.index.insert(key, row);
                out.rows.extend(avg);
            }
        }
        out
    }
}

/// A trained model (one per language in the app; the caller keeps several).
///
/// Serialised as its labels and its (feature hash, weights) rows sorted by hash, with a
/// feature-version number; deserialising checks them and rebuilds the lookup table.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "TaggerData", into = "TaggerData")]
pub struct Tagger {
    labels: Vec<String>,
    weights: Weights,
}

/// The serialised form of a [`Tagger`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct TaggerData {
    version: u32,
    labels: Vec<String>,
    keys: Vec<u64>,
    weights: Vec<f32>,
}

impl From<Tagger> for TaggerData {
    fn from(t: Tagger) -> Self {
        let mut rows: Vec<(u32, u64)> = t.weights.index.iter().map(|(&k, &r)| (r, k)).collect();
        rows.sort_unstable();
        TaggerData {
            version: FEATURE_VERSION,
            labels: t.labels,
            keys: rows.into_iter().map(|(_, k)| k).collect(),
            weights: t.weights.rows,
        }
    }
}

impl TryFrom<TaggerData> for Tagger {
    type Error = String;
    fn try_from(d: TaggerData) -> Result<Self, String> {
        if d.version != FEATURE_VERSION {
            return Err(format!(
                "tagger features v{}, expected v{FEATURE_VERSION}",
                d.version
            ));
        }
        if !d.labels.windows(2).all(|w| w[0] < w[1]) {
            return Err("tagger labels are not sorted and unique".into());
        }
        let classes = 1 + 2 * d.labels.len();
        if d.keys.len().checked_mul(classes) != Some(d.weights.len()) {
            return Err("tagger weights do not match its features and labels".into());
        }
        let mut index = FeatMap::default();
        index.reserve(d.keys.len());
        for (r, &k) in d.keys.iter().enumerate() {
            let r = u32::try_from(r).map_err(|_| "too many tagger features".to_string())?;
            if index.insert(k, r).is_some() {
                return Err("duplicate tagger feature".into());
            }
        }
        let weights = Weights {
            classes,
            index,
            rows: d.weights,
        };
        Ok(Tagger {
            labels: d.labels,
            weights,
        })
    }
}

/// Usable spans only: in range, non-empty, not overlapping an earlier one (others are skipped).
fn gold_tags(seq: &Sequence, labels: &[String]) -> Vec<usize> {
    let mut tags = vec![0; seq.tokens.len()];
    let mut free_from = 0;
    for s in &seq.spans {
        let Ok(k) = labels.binary_search(&s.label) else {
            continue;
        };
        if s.start < free_from || s.start >= s.end || s.end > tags.len() {
            continue;
        }
        tags[s.start] = 1 + 2 * k;
        tags[s.start + 1..s.end].fill(2 + 2 * k);
        free_from = s.end;
    }
    tags
}

fn spans_from_tags(tags: &[usize], probs: &[f32], labels: &[String]) -> Vec<TokenSpan> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, usize, f32)> = None; // (start, label, sum of probabilities)
    let close = |(start, k, sum): (usize, usize, f32), end: usize| TokenSpan {
        start,
        end,
        label: labels[k].clone(),
        score: (sum / (end - start) as f32).clamp(0.0, 1.0),
    };
    for (i, (&t, &p)) in tags.iter().zip(probs).enumerate() {
        if let Some(o) = open
            .as_mut()
            .filter(|o| t != 0 && t.is_multiple_of(2) && o.1 == (t - 2) / 2)
        {
            o.2 += p;
            continue;
        }
        if let Some(o) = open.take() {
            spans.push(close(o, i));
        }
        if t != 0 {
            open = Some((i, (t - 1) / 2, p));
        }
    }
    if let Some(o) = open {
        spans.push(close(o, tags.len()));
    }
    spans
}

impl Tagger {
    /// Trains on `sequences` (tokens not covered by a span are outside any entity: "O").
    /// Sequences with no spans at all are still used (they teach "O", e.g. text where the
    /// annotator rejected a suggestion). Deterministic for the same input and options.
    /// Out-of-range, empty or overlapping spans are skipped.
    #[must_use]
    pub fn train(sequences: &[Sequence], options: &TrainOptions) -> Tagger {
        let labels: Vec<String> = sequences
            .iter()
            .flat_map(|s| {
                s.spans
                    .iter()
                    .filter(|sp| sp.start < sp.end && sp.end <= s.tokens.len())
            })
            .map(|sp| sp.label.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let classes = 1 + 2 * labels.len();
        let mut trainer = Trainer {
            weights: Weights::new(classes),
            totals: Vec::new(),
            stamps: Vec::new(),
            time: 0,
        };
        if labels.is_empty() {
            return Tagger {
                labels,
                weights: trainer.weights,
            };
        }
        let data: Vec<(SeqFeatures, Vec<usize>)> = sequences
            .iter()
            .map(|s| (SeqFeatures::new(&s.tokens), gold_tags(s, &labels)))
            .collect();
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut rng = Rng(options.seed);
        let mut scores = vec![0.0; classes];
        for _ in 0..options.epochs {
            rng.shuffle(&mut order);
            for &s in &order {
                let (feats, gold) = &data[s];
                let (mut t2, mut t1) = (START2, START);
                for (i, &truth) in gold.iter().enumerate() {
                    trainer.weights.scores(feats, i, t2, t1, &mut scores);
                    let guess = argmax(&scores);
                    trainer.time += 1;
                    if guess != truth {
                        // History = predicted tags (Honnibal), as it will be when predicting.
                        let dynamic = feats.dynamic(i, t2, t1);
                        trainer.update(feats.token(i), &dynamic, truth, guess);
                    }
                    (t2, t1) = (t1, repair(guess, t1));
                }
            }
        }
        Tagger {
            labels,
            weights: trainer.average(),
        }
    }

    /// Labelled spans predicted over `tokens`, sorted, not overlapping, well-formed BIO
    /// (an I-X with no B-X before it starts a new span), each with a score: the mean over
    /// the span's tokens of the softmax probability of the tag chosen there.
    #[must_use]
    pub fn predict(&self, tokens: &[&str]) -> Vec<TokenSpan> {
        if self.is_empty() || tokens.is_empty() {
            return Vec::new();
        }
        let feats = SeqFeatures::new(tokens);
        let mut scores = vec![0.0; self.weights.classes];
        let mut tags = Vec::with_capacity(tokens.len());
        let mut probs = Vec::with_capacity(tokens.len());
        let (mut t2, mut t1) = (START2, START);
        for i in 0..tokens.len() {
            self.weights.scores(&feats, i, t2, t1, &mut scores);
            let chosen = argmax(&scores);
            probs.push(probability(&scores, chosen));
            let tag = repair(chosen, t1);
            tags.push(tag);
            (t2, t1) = (t1, tag);
        }
        spans_from_tags(&tags, &probs, &self.labels)
    }

    /// The labels it learned, sorted.
    #[must_use]
    pub fn labels(&self) -> Vec<String> {
        self.labels.clone()
    }

    /// True when it has seen no labelled span (predicts nothing).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whitespace-separated tokens; brackets mark spans: "Mr [Tokayev]PER met".
    fn seq(text: &str) -> Sequence {
        let (mut tokens, mut spans, mut open) = (Vec::new(), Vec::new(), None);
        for word in text.split_whitespace() {
            let word = word
                .strip_prefix('[')
                .inspect(|_| open = Some(tokens.len()))
                .unwrap_or(word);
            let (word, label) = word
                .split_once(']')
                .map_or((word, None), |(w, l)| (w, Some(l)));
            tokens.push(word.to_string());
            if let Some(label) = label {
                let start = open.take().expect("[ before ]");
                spans.push(TokenSpan {
                    start,
                    end: tokens.len(),
                    label: label.into(),
                    score: 0.0,
                });
            }
        }
        Sequence { tokens, spans }
    }

    fn train(texts: &[&str]) -> Tagger {
        let data: Vec<Sequence> = texts.iter().map(|t| seq(t)).collect();
        Tagger::train(&data, &TrainOptions::default())
    }

    /// The prediction over `text`, written in the notation of [`seq`].
    fn tag(tagger: &Tagger, text: &str) -> String {
        let tokens: Vec<&str> = text.split_whitespace().collect();
        let mut out: Vec<String> = tokens.iter().map(|t| t.to_string()).collect();
        for s in tagger.predict(&tokens) {
            out[s.start].insert(0, '[');
            out[s.end - 1] += &format!("]{}", s.label);
        }
        out.join(" ")
    }

    #[test]
    fn features_count_chars_not_bytes() {
        assert_eq!(shape("Tokayev"), "Xxx");
        assert_eq!(shape("12.5"), "dd.d");
        assert_eq!(shape("Астана"), "Xxx");
        assert_eq!(shape("القاهرة"), "aa");
        assert_eq!(shape("US$"), "XX$");
        assert_eq!(suffix("долларов", 3), "ров");
        assert_eq!(suffix("中", 3), "中");
        assert!(matches!(script('қ'), Script::Cyrillic));
        assert!(matches!(script('国'), Script::Han));
        assert!(matches!(script('٣'), Script::Digit));
        // I-A after O, after the start, after B-B → B-A; after B-A or I-A it stays I-A.
        assert_eq!([repair(2, 0), repair(2, START), repair(2, 3)], [1, 1, 1]);
        assert_eq!([repair(2, 1), repair(2, 2), repair(4, 3)], [2, 2, 4]);
    }

    #[test]
    fn finds_an_unseen_name() {
        let tagger = train(&[
            "Mr [Tokayev]PER met Mr [Rahmon]PER",
            "Mr [Putin]PER visited Astana",
            "President [Xi]PER said nothing",
            "President [Tokayev]PER spoke in Astana today",
            "Yesterday Mr [Rahmon]PER arrived",
            "The minister met Mr [Lukashenko]PER",
            "President [Putin]PER called Mr [Xi]PER",
            "The talks in Astana ended",
        ]);
        assert_eq!(tagger.labels(), ["PER"]);
        assert_eq!(
            tag(&tagger, "Mr Mirziyoyev arrived"),
            "Mr [Mirziyoyev]PER arrived"
        );
        let text = "President Japarov met Mr Aliyev";
        assert_eq!(
            tag(&tagger, text),
            "President [Japarov]PER met Mr [Aliyev]PER"
        );
    }

    #[test]
    fn finds_an_unseen_sum_of_money_in_russian() {
        let tagger = train(&[
            "Казахстан привлёк [2 миллиарда долларов]MONEY инвестиций",
            "Бюджет составил [500 миллионов долларов]MONEY",
            "Компания потратила [3 миллиарда тенге]MONEY",
            "Он заплатил [40 миллионов рублей]MONEY за дом",
            "В 2020 году рост составил 5 процентов",
            "Сделка на [12 миллиардов долларов]MONEY закрыта",
            "В городе живут 2 миллиона человек",
        ]);
        let text = "Инвесторы вложили 7 миллиардов долларов";
        assert_eq!(
            tag(&tagger, text),
            "Инвесторы вложили [7 миллиардов долларов]MONEY"
        );
        let got = tagger.predict(&text.split(' ').collect::<Vec<_>>());
        assert!(got[0].score > 0.5, "{got:?}");
    }

    #[test]
    fn tags_chinese_characters() {
        let tagger = train(&[
            "我 爱 [中 国]COUNTRY",
            "[中 国]COUNTRY 很 大",
            "他 去 了 [哈 萨 克 斯 坦]COUNTRY",
            "[哈 萨 克 斯 坦]COUNTRY 和 [中 国]COUNTRY 是 邻 国",
            "我 们 在 [哈 萨 克 斯 坦]COUNTRY 工 作",
            "今 天 天 气 很 好",
        ]);
        assert_eq!(tag(&tagger, "她 住 在 中 国"), "她 住 在 [中 国]COUNTRY");
        let text = "我 想 去 哈 萨 克 斯 坦 看 看";
        assert_eq!(tag(&tagger, text), "我 想 去 [哈 萨 克 斯 坦]COUNTRY 看 看");
    }

    #[test]
    fn training_is_deterministic() {
        let texts = [
            "Mr [Tokayev]PER met Mr [Rahmon]PER in [Astana]LOC",
            "Mr [Putin]PER visited [Moscow]LOC",
            "President [Xi]PER said nothing",
            "Nothing happened",
        ];
        let (a, b) = (train(&texts), train(&texts));
        let text = ["Mr", "Aliyev", "flew", "to", "Baku"];
        assert_eq!(a.predict(&text), b.predict(&text));
        let (da, db) = (TaggerData::from(a.clone()), TaggerData::from(b));
        assert!(!da.keys.is_empty());
        assert_eq!(da, db);
        // The serialised form round-trips, and a corrupted one is refused.
        let back = Tagger::try_from(da.clone()).expect("valid data");
        assert_eq!(back.predict(&text), a.predict(&text));
        let mut bad = da;
        bad.weights.pop();
        assert!(Tagger::try_from(bad).is_err());
    }

    #[test]
    fn sequences_without_spans_teach_o() {
        // Without the five span-less sentences this predicts [apple]ORG (checked by hand).
        let tagger = train(&[
            "i love [apple]ORG",
            "we visited [google]ORG",
            "the apple is red",
            "an apple a day",
            "she ate an apple",
            "apple pie is sweet",
            "one apple please",
        ]);
        assert_eq!(tagger.labels(), ["ORG"]);
        assert_eq!(
            tag(&tagger, "they ate an apple today"),
            "they ate an apple today"
        );
    }

    #[test]
    fn predictions_are_well_formed() {
        let mut pool: Vec<&str> = "Mr Tokayev 2 миллиарда долларов 中 国 ، القاهرة Астана $ x1 !! \
            ҚАЗАҚСТАН ١٢٣ the of ひ 12.5"
            .split_whitespace()
            .collect();
        pool.push("");
        let labels = ["A", "B", "C"];
        let mut rng = Rng(42);
        let mut pick = |n: usize| usize::try_from(rng.next_u64() % n as u64).unwrap_or(0);
        let mut data = Vec::new();
        for _ in 0..60 {
            let len = pick(12);
            let tokens = (0..len)
                .map(|_| pool[pick(pool.len())].to_string())
                .collect();
            let (mut spans, mut at) = (Vec::new(), 0);
            while at + 1 < len {
                let start = at + pick(len - at);
                let end = (start + 1 + pick(3)).min(len);
                let label = labels[pick(3)].into();
                spans.push(TokenSpan {
                    start,
                    end,
                    label,
                    score: 0.0,
                });
                at = end + 1;
            }
            data.push(Sequence { tokens, spans });
        }
        let tagger = Tagger::train(&data, &TrainOptions { epochs: 3, seed: 7 });
        assert_eq!(tagger.labels(), labels);
        let mut found = 0;
        for _ in 0..300 {
            let len = pick(30);
            let tokens: Vec<&str> = (0..len).map(|_| pool[pick(pool.len())]).collect();
            let spans = tagger.predict(&tokens);
            found += spans.len();
            let mut prev_end = 0;
            for s in &spans {
                let ok = s.start >= prev_end && s.end > s.start && s.end <= len;
                assert!(ok && (0.0..=1.0).contains(&s.score), "{spans:?}");
                assert!(labels.contains(&s.label.as_str()));
                prev_end = s.end;
            }
        }
        assert!(found > 0, "a model trained on random spans predicts some");
    }

    #[test]
    fn empty_training_set_predicts_nothing() {
        let tagger = Tagger::train(&[], &TrainOptions::default());
        assert!(tagger.is_empty() && tagger.labels().is_empty());
        assert!(tagger.predict(&["Mr", "Tokayev"]).is_empty());
        let unlabelled = train(&["no spans here"]);
        assert!(unlabelled.is_empty() && unlabelled.predict(&["no", "spans"]).is_empty());
    }
}
