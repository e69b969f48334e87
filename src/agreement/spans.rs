//! Span agreement between two annotators on one document: precision, recall and F1 under three
//! notions of "the same span".
//!
//! - **exact**: the same fragments (every `start..end`, discontinuous spans included) and the
//!   same label;
//! - **boundary**: the same fragments, whatever the labels (label-blind);
//! - **overlap**: the same label and at least one shared char. Spans are paired one-to-one, as
//!   many pairs as possible: a maximum bipartite matching (augmenting paths, Kuhn's algorithm),
//!   where each span of the first annotator tries the other's spans in order of most shared
//!   chars first, then by position, so where several pairings reach the maximum, the one
//!   pairing the largest overlaps first is kept.
//!
//! Exact and boundary matches are one-to-one too: two identical spans of one annotator match
//! at most two identical spans of the other. Every exact match is an overlap match and a
//! boundary match, so overlap F1 ≥ exact F1 and boundary F1 ≥ exact F1.
//!
//! The first annotator of a pair is taken as the reference: precision is matched / the second
//! annotator's spans, recall matched / the first's; F1 = 2 · matched / (both annotators'
//! spans), symmetric.

use std::cmp::Ordering;

use serde::Serialize;

use crate::model::{Annotation, CharRange};

use super::labels::LabelCode;

/// One annotation as span agreement sees it. A contiguous span (one fragment, most of them)
/// is compared from this value alone, without reading the annotation again: annotations are
/// many and scattered in memory.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Span<'a> {
    /// Its label's code.
    pub label: LabelCode,
    /// The annotation itself (fragments, attributes).
    pub annotation: &'a Annotation,
    /// From the first fragment's start to the last one's end.
    pub extent: CharRange,
    /// Chars in all fragments.
    pub chars: usize,
    /// The first fragment's start and end.
    first: (usize, usize),
    /// True when the annotation has other fragments than the first (a discontinuous span).
    discontinuous: bool,
}

impl<'a> Span<'a> {
    /// The span of `annotation`, labelled `label`.
    pub fn new(label: LabelCode, annotation: &'a Annotation) -> Self {
        let fragments = &annotation.fragments;
        let chars = fragments.iter().map(|f| f.range().len()).sum();
        let start = fragments.iter().map(|f| f.start).min();
        let end = fragments.iter().map(|f| f.end).max();
        Self {
            label,
            annotation,
            extent: CharRange::new(start.unwrap_or(0), end.unwrap_or(0)),
            chars,
            first: fragments.first().map_or((0, 0), |f| (f.start, f.end)),
            discontinuous: fragments.len() > 1,
        }
    }

    /// The fragments' char ranges, in the annotation's order.
    pub fn ranges(&self) -> impl Iterator<Item = CharRange> + '_ {
        let (only, all) = if self.discontinuous {
            (None, self.annotation.fragments.as_slice())
        } else {
            (Some(CharRange::new(self.first.0, self.first.1)), &[][..])
        };
        only.into_iter().chain(all.iter().map(|f| f.range()))
    }

    /// Orders spans by their fragments (lexicographically), so equal fragments sit together.
    pub fn cmp_fragments(&self, other: &Span<'_>) -> Ordering {
        self.first.cmp(&other.first).then_with(|| {
            if !self.discontinuous && !other.discontinuous {
                return Ordering::Equal;
            }
            let key = |r: CharRange| (r.start, r.end);
            self.ranges().map(key).cmp(other.ranges().map(key))
        })
    }

    /// Chars that both spans cover.
    fn shared_chars(&self, other: &Span<'_>) -> usize {
        let mut shared = 0;
        for a in self.ranges() {
            for b in other.ranges() {
                shared += a.intersection(&b).map_or(0, |r| r.len());
            }
        }
        shared
    }
}

/// Sorts spans for [`compare`]: by label, then fragments.
pub(crate) fn sort_spans(spans: &mut [Span<'_>]) {
    spans.sort_by(|a, b| a.label.cmp(&b.label).then_with(|| a.cmp_fragments(b)));
}

/// One annotator's spans of a document in the two orders [`compare`] walks, sorted once
/// for all the pairs the annotator is in.
pub(crate) struct Sorted<'s, 'a> {
    /// By label, then fragments ([`sort_spans`]).
    pub spans: &'s [Span<'a>],
    /// By fragments, whatever the label.
    by_fragments: Vec<&'s Span<'a>>,
}

impl<'s, 'a> Sorted<'s, 'a> {
    /// `spans` must be sorted by [`sort_spans`].
    pub fn new(spans: &'s [Span<'a>]) -> Self {
        let mut by_fragments: Vec<&Span<'a>> = spans.iter().collect();
        by_fragments.sort_by(|x, y| x.cmp_fragments(y));
        Self {
            spans,
            by_fragments,
        }
    }
}

/// Matched spans and how many each annotator has: the counts behind precision, recall and F1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SpanCounts {
    /// Pairs of matching spans (one-to-one).
    pub matched: u64,
    /// Spans of the first annotator (the reference).
    pub spans_a: u64,
    /// Spans of the second annotator.
    pub spans_b: u64,
}

impl SpanCounts {
    /// Adds another tally.
    pub fn merge(&mut self, other: &SpanCounts) {
        self.matched += other.matched;
        self.spans_a += other.spans_a;
        self.spans_b += other.spans_b;
    }

    /// The figures these counts give.
    pub fn scores(&self) -> SpanScores {
        let ratio = |num: u64, den: u64| (den > 0).then(|| num as f64 / den as f64);
        SpanScores {
            matched: self.matched,
            spans_a: self.spans_a,
            spans_b: self.spans_b,
            precision: ratio(self.matched, self.spans_b),
            recall: ratio(self.matched, self.spans_a),
            f1: ratio(2 * self.matched, self.spans_a + self.spans_b),
        }
    }
}

/// Precision, recall and F1 with the counts behind them. `precision` is `None` when the second
/// annotator has no span, `recall` when the first has none, `f1` when neither has (nothing to
/// agree or disagree on); one side without spans gives F1 = 0.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SpanScores {
    /// Pairs of matching spans.
    pub matched: u64,
    /// Spans of the first annotator (the reference).
    pub spans_a: u64,
    /// Spans of the second annotator.
    pub spans_b: u64,
    /// matched / spans_b.
    pub precision: Option<f64>,
    /// matched / spans_a.
    pub recall: Option<f64>,
    /// 2 · matched / (spans_a + spans_b).
    pub f1: Option<f64>,
}

/// One label's exact and overlap counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LabelCounts {
    pub exact: SpanCounts,
    pub overlap: SpanCounts,
}

/// Span counts of one annotator pair, per label and label-blind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SpanTally {
    /// Indexed by label code (`O`, code 0, stays empty).
    pub per_label: Vec<LabelCounts>,
    /// Same fragments, any label.
    pub boundary: SpanCounts,
}

impl SpanTally {
    pub fn new(labels: usize) -> Self {
        Self {
            per_label: vec![LabelCounts::default(); labels],
            boundary: SpanCounts::default(),
        }
    }

    pub fn merge(&mut self, other: &SpanTally) {
        for (mine, theirs) in self.per_label.iter_mut().zip(&other.per_label) {
            mine.exact.merge(&theirs.exact);
            mine.overlap.merge(&theirs.overlap);
        }
        self.boundary.merge(&other.boundary);
    }

    /// Adds another tally whose label `l` is this one's `code[l]`.
    pub fn merge_recoded(&mut self, other: &SpanTally, code: &[usize]) {
        for (l, theirs) in other.per_label.iter().enumerate() {
            let mine = &mut self.per_label[code[l]];
            mine.exact.merge(&theirs.exact);
            mine.overlap.merge(&theirs.overlap);
        }
        self.boundary.merge(&other.boundary);
    }

    /// All labels together, exact and overlap.
    pub fn totals(&self) -> LabelCounts {
        let mut all = LabelCounts::default();
        for l in &self.per_label {
            all.exact.merge(&l.exact);
            all.overlap.merge(&l.overlap);
        }
        all
    }
}

/// Compares two annotators' spans of one document. Adds the counts to `tally` and returns the
/// overlap matching as pairs of indices into `a.spans` and `b.spans`.
pub(crate) fn compare(
    a: &Sorted<'_, '_>,
    b: &Sorted<'_, '_>,
    tally: &mut SpanTally,
) -> Vec<(usize, usize)> {
    let (by_fragments_a, by_fragments_b) = (&a.by_fragments, &b.by_fragments);
    let (a, b) = (a.spans, b.spans);
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let label = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.label.min(y.label),
            (Some(x), None) => x.label,
            (None, Some(y)) => y.label,
            (None, None) => break,
        };
        let a_end = i + a[i..].partition_point(|s| s.label == label);
        let b_end = j + b[j..].partition_point(|s| s.label == label);
        let (sa, sb) = (&a[i..a_end], &b[j..b_end]);
        let counts = &mut tally.per_label[label.index()];
        let exact = count_equal_fragments(sa, sb);
        counts.exact.merge(&exact);
        let matching = overlap_matching(sa, sb);
        counts.overlap.merge(&SpanCounts {
            matched: matching.len() as u64,
            spans_a: sa.len() as u64,
            spans_b: sb.len() as u64,
        });
        pairs.extend(matching.into_iter().map(|(x, y)| (i + x, j + y)));
        (i, j) = (a_end, b_end);
    }
    tally
        .boundary
        .merge(&count_equal_fragments(by_fragments_a, by_fragments_b));
    pairs
}

/// One-to-one matches of identical fragments between two lists sorted by fragments.
fn count_equal_fragments<'s, S: std::borrow::Borrow<Span<'s>>>(a: &[S], b: &[S]) -> SpanCounts {
    let (mut i, mut j, mut matched) = (0, 0, 0u64);
    while i < a.len() && j < b.len() {
        match a[i].borrow().cmp_fragments(b[j].borrow()) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                let run = |list: &[S], from: usize| {
                    list[from..]
                        .iter()
                        .take_while(|s| s.borrow().cmp_fragments(list[from].borrow()).is_eq())
                        .count()
                };
                let (run_a, run_b) = (run(a, i), run(b, j));
                matched += run_a.min(run_b) as u64;
                (i, j) = (i + run_a, j + run_b);
            }
        }
    }
    SpanCounts {
        matched,
        spans_a: a.len() as u64,
        spans_b: b.len() as u64,
    }
}

/// The overlap matching of spans of one label (both sorted by fragments, so by extent start):
/// pairs of indices into `a` and `b`, sorted by `a`.
fn overlap_matching(a: &[Span<'_>], b: &[Span<'_>]) -> Vec<(usize, usize)> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    // A span of `b` that overlaps `x` starts before `x` ends and after `x.start − longest`.
    // (Sorted by fragments is sorted by extent start only when fragments are in order, which
    // `accord validate` checks but loading does not: sort by start here.)
    let longest = b.iter().map(|s| s.extent.len()).max().unwrap_or(0);
    let mut by_start: Vec<usize> = (0..b.len()).collect();
    by_start.sort_by_key(|&k| b[k].extent.start);
    let candidates: Vec<Vec<usize>> = a
        .iter()
        .map(|x| {
            let from = by_start.partition_point(|&k| b[k].extent.start + longest <= x.extent.start);
            let to = by_start.partition_point(|&k| b[k].extent.start < x.extent.end);
            let mut near: Vec<(usize, usize)> = by_start[from..to.max(from)]
                .iter()
                .copied()
                .filter(|&k| b[k].extent.overlaps(&x.extent))
                .map(|k| (x.shared_chars(&b[k]), k))
                .filter(|&(shared, _)| shared > 0)
                .collect();
            near.sort_by(|p, q| q.0.cmp(&p.0).then(p.1.cmp(&q.1)));
            near.into_iter().map(|(_, k)| k).collect()
        })
        .collect();
    let partner_of_a = maximum_matching(&candidates, b.len());
    partner_of_a
        .into_iter()
        .enumerate()
        .filter_map(|(x, y)| Some((x, y?)))
        .collect()
}

/// A maximum one-to-one matching of a bipartite graph (Kuhn's augmenting paths): `edges[a]`
/// lists the right-hand nodes `a` may be paired with, in order of preference. Returns each
/// left-hand node's partner. Iterative, so long chains of overlapping spans cannot exhaust the
/// stack.
fn maximum_matching(edges: &[Vec<usize>], right: usize) -> Vec<Option<usize>> {
    let mut partner_of_left: Vec<Option<usize>> = vec![None; edges.len()];
    let mut partner_of_right: Vec<Option<usize>> = vec![None; right];
    let mut seen_in_round = vec![usize::MAX; right];
    for root in 0..edges.len() {
        // Depth-first search for an augmenting path: `stack` holds left nodes with the next
        // edge to try, `via[d]` the right node that led from `stack[d]` to `stack[d + 1]`.
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        let mut via: Vec<usize> = Vec::new();
        while let Some(&(left, next)) = stack.last() {
            let Some(&r) = edges[left].get(next) else {
                stack.pop();
                via.pop();
                continue;
            };
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            if seen_in_round[r] == root {
                continue;
            }
            seen_in_round[r] = root;
            via.push(r);
            match partner_of_right[r] {
                Some(other_left) => stack.push((other_left, 0)),
                None => {
                    for (&(l, _), &r) in stack.iter().zip(&via) {
                        partner_of_left[l] = Some(r);
                        partner_of_right[r] = Some(l);
                    }
                    break;
                }
            }
        }
    }
    partner_of_left
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(id: u64, ranges: &[(usize, usize)]) -> Annotation {
        Annotation::fixture(id, "X", ranges)
    }

    fn spans<'a>(anns: &'a [(u32, Annotation)]) -> Vec<Span<'a>> {
        let mut s: Vec<Span<'a>> = anns
            .iter()
            .map(|(l, a)| Span::new(LabelCode(*l), a))
            .collect();
        sort_spans(&mut s);
        s
    }

    #[test]
    fn maximum_matching_reassigns_where_greedy_would_stop_short() {
        // Left 0 prefers right 0, but left 1 can only take right 0: the maximum is 2.
        let m = maximum_matching(&[vec![0, 1], vec![0]], 2);
        assert_eq!(m, vec![Some(1), Some(0)]);
        // A chain: 0–{0}, 1–{0,1}, 2–{1,2}, 3–{2}: the maximum leaves one left node alone.
        let m = maximum_matching(&[vec![0], vec![0, 1], vec![1, 2], vec![2]], 3);
        assert_eq!(m.iter().flatten().count(), 3);
        let mut rights: Vec<usize> = m.iter().flatten().copied().collect();
        rights.sort();
        rights.dedup();
        assert_eq!(rights.len(), 3, "one-to-one: {m:?}");
    }

    #[test]
    fn a_boundary_conflict_is_an_overlap_match_but_not_an_exact_one() {
        let a = [(1, ann(1, &[(0, 17)]))];
        let b = [(1, ann(7, &[(10, 17)]))];
        let mut tally = SpanTally::new(2);
        let pairs = compare(
            &Sorted::new(&spans(&a)),
            &Sorted::new(&spans(&b)),
            &mut tally,
        );
        assert_eq!(pairs, vec![(0, 0)]);
        let label = tally.per_label[1];
        assert_eq!(label.exact.scores().f1, Some(0.0));
        assert_eq!(label.overlap.scores().f1, Some(1.0));
        assert_eq!(tally.boundary.matched, 0);
    }

    #[test]
    fn a_label_conflict_matches_boundaries_only_and_discontinuous_spans_compare_every_fragment() {
        let a = [(1, ann(1, &[(0, 5), (9, 12)])), (2, ann(2, &[(20, 25)]))];
        let b = [
            (2, ann(1, &[(0, 5), (9, 12)])),
            (2, ann(2, &[(20, 25)])),
            (2, ann(3, &[(0, 5)])),
        ];
        let mut tally = SpanTally::new(3);
        compare(
            &Sorted::new(&spans(&a)),
            &Sorted::new(&spans(&b)),
            &mut tally,
        );
        let totals = tally.totals();
        assert_eq!(
            totals.exact,
            SpanCounts {
                matched: 1,
                spans_a: 2,
                spans_b: 3
            }
        );
        assert_eq!(totals.overlap.matched, 1, "labels differ on 0..5 + 9..12");
        assert_eq!(tally.boundary.matched, 2, "0..5 alone is not 0..5 + 9..12");
        let scores = totals.exact.scores();
        assert_eq!(scores.precision, Some(1.0 / 3.0));
        assert_eq!(scores.recall, Some(0.5));
        assert_eq!(scores.f1, Some(0.4));
    }

    #[test]
    fn identical_spans_match_one_to_one_and_overlap_prefers_the_larger_overlap() {
        let a = [
            (1, ann(1, &[(0, 4)])),
            (1, ann(2, &[(0, 4)])),
            (1, ann(3, &[(10, 20)])),
        ];
        let b = [
            (1, ann(1, &[(0, 4)])),
            (1, ann(2, &[(18, 30)])),
            (1, ann(3, &[(11, 20)])),
        ];
        let mut tally = SpanTally::new(2);
        let pairs = compare(
            &Sorted::new(&spans(&a)),
            &Sorted::new(&spans(&b)),
            &mut tally,
        );
        assert_eq!(
            tally.per_label[1].exact.matched, 1,
            "two identical spans, one partner"
        );
        assert_eq!(tally.per_label[1].overlap.matched, 2);
        // a's 10..20 pairs with b's 11..20 (9 shared chars), not 18..30 (2).
        let (sa, sb) = (spans(&a), spans(&b));
        let paired: Vec<(CharRange, CharRange)> = pairs
            .iter()
            .map(|&(x, y)| (sa[x].extent, sb[y].extent))
            .collect();
        assert!(
            paired.contains(&(CharRange::new(10, 20), CharRange::new(11, 20))),
            "{paired:?}"
        );
    }

    #[test]
    fn no_spans_on_either_side_leaves_figures_undefined() {
        let scores = SpanCounts::default().scores();
        assert_eq!(
            (scores.precision, scores.recall, scores.f1),
            (None, None, None)
        );
        let one_sided = SpanCounts {
            matched: 0,
            spans_a: 3,
            spans_b: 0,
        }
        .scores();
        assert_eq!(
            (one_sided.precision, one_sided.recall, one_sided.f1),
            (None, Some(0.0), Some(0.0))
        );
    }
}
