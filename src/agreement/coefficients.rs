//! Chance-corrected agreement on nominal labels: Cohen's κ (two annotators), Fleiss' κ (every
//! unit labelled by the same number of annotators) and Krippendorff's α (any number of
//! annotators, missing values allowed).
//!
//! Each coefficient is a tally of integer counts that can be merged (a document's tally into the
//! whole project's) and is turned into a value only at the end, `None` where the coefficient is
//! undefined: no units to compare, or no variance (every value the same label), where the
//! formula divides zero by zero. Labels are `usize` category numbers `0..categories`.

/// Counts of label pairs given by two annotators to the same units: Cohen's κ.
///
/// Cohen, J. (1960), "A coefficient of agreement for nominal scales": with `p_o` the share of
/// units both gave the same label and `p_e = Σ_k p_a(k) · p_b(k)` the agreement expected from
/// each annotator's own label shares, `κ = (p_o − p_e) / (1 − p_e)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confusion {
    categories: usize,
    /// `counts[a * categories + b]`: units the first annotator labelled `a`, the second `b`.
    counts: Vec<u64>,
}

impl Confusion {
    /// No units yet, over `categories` labels.
    pub fn new(categories: usize) -> Self {
        Self {
            categories,
            counts: vec![0; categories * categories],
        }
    }

    /// One unit: the first annotator's label and the second's.
    pub fn add(&mut self, first: usize, second: usize) {
        self.counts[first * self.categories + second] += 1;
    }

    /// Adds another tally whose label `c` is this one's `code[c]` (a document's labels coded
    /// on their own, added to the project's).
    pub fn merge_recoded(&mut self, other: &Confusion, code: &[usize]) {
        for a in 0..other.categories {
            for b in 0..other.categories {
                self.counts[code[a] * self.categories + code[b]] +=
                    other.counts[a * other.categories + b];
            }
        }
    }

    /// Units counted.
    pub fn units(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Units both annotators gave the same label.
    pub fn agreed(&self) -> u64 {
        (0..self.categories)
            .map(|k| self.counts[k * self.categories + k])
            .sum()
    }

    /// The share of units with the same label; `None` without units.
    pub fn observed_agreement(&self) -> Option<f64> {
        let units = self.units();
        (units > 0).then(|| self.agreed() as f64 / units as f64)
    }

    /// Cohen's κ; `None` without units, or when `p_e = 1` (both annotators gave every unit one
    /// and the same label, so there is no variance to agree on).
    pub fn cohen_kappa(&self) -> Option<f64> {
        // In counts: κ = (N·D − E) / (N² − E), D the agreeing units and E = Σ_k row_k · col_k,
        // computed exactly in integers with one division at the end.
        let n = self.categories;
        let units = u128::from(self.units());
        let agreed = u128::from(self.agreed());
        let expected: u128 = (0..n)
            .map(|k| {
                let row: u64 = self.counts[k * n..(k + 1) * n].iter().sum();
                let col: u64 = (0..n).map(|a| self.counts[a * n + k]).sum();
                u128::from(row) * u128::from(col)
            })
            .sum();
        let denominator = units * units - expected;
        if units == 0 || denominator == 0 {
            return None;
        }
        let numerator = (units * agreed) as f64 - expected as f64;
        Some(numerator / denominator as f64)
    }
}

/// Fleiss' κ over units that every one of `raters` annotators labelled.
///
/// Fleiss, J. L. (1971), "Measuring nominal scale agreement among many raters": with `n` raters,
/// `N` units and `n_ij` the raters who gave unit `i` label `j`, `P_i = (Σ_j n_ij² − n) / (n(n −
/// 1))`, `P̄` their mean, `p_j = Σ_i n_ij / (N n)`, `P̄_e = Σ_j p_j²`, and
/// `κ = (P̄ − P̄_e) / (1 − P̄_e)` (the example of the Wikipedia article "Fleiss' kappa" is a test).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FleissTally {
    raters: usize,
    units: u64,
    /// Σ_i Σ_j n_ij².
    sum_of_squares: u64,
    /// Σ_i n_ij per label `j`.
    totals: Vec<u64>,
}

impl FleissTally {
    /// No units yet, for `raters` annotators and `categories` labels.
    pub fn new(raters: usize, categories: usize) -> Self {
        Self {
            raters,
            units: 0,
            sum_of_squares: 0,
            totals: vec![0; categories],
        }
    }

    /// One unit, as how many raters gave it each label (`per_label[j] = n_ij`, summing to the
    /// number of raters).
    pub fn add(&mut self, per_label: impl IntoIterator<Item = (usize, u64)>) {
        self.units += 1;
        for (label, count) in per_label {
            self.sum_of_squares += count * count;
            self.totals[label] += count;
        }
    }

    /// Adds another tally whose label `j` is this one's `code[j]`.
    pub fn merge_recoded(&mut self, other: &FleissTally, code: &[usize]) {
        self.units += other.units;
        self.sum_of_squares += other.sum_of_squares;
        for (j, theirs) in other.totals.iter().enumerate() {
            self.totals[code[j]] += theirs;
        }
    }

    /// Units counted.
    pub fn units(&self) -> u64 {
        self.units
    }

    /// Fleiss' κ; `None` without units, with fewer than two raters, or when `P̄_e = 1` (every
    /// rating is the same label).
    pub fn kappa(&self) -> Option<f64> {
        // With M = N·n and Q = Σ_j total_j²: κ = ((S − M)·M − Q·(n − 1)) / ((n − 1)·(M² − Q)),
        // S the sum of squares: the formula above multiplied through by M²·(n − 1).
        let raters = self.raters as i128;
        let ratings = i128::from(self.units) * raters;
        let squares_of_totals: i128 = self.totals.iter().map(|&t| i128::from(t).pow(2)).sum();
        let denominator = (raters - 1) * (ratings * ratings - squares_of_totals);
        if self.units == 0 || raters < 2 || denominator == 0 {
            return None;
        }
        let numerator = (i128::from(self.sum_of_squares) - ratings) * ratings
            - squares_of_totals * (raters - 1);
        Some(numerator as f64 / denominator as f64)
    }
}

/// Krippendorff's α for nominal data, any number of annotators, missing values allowed.
///
/// Krippendorff, K. (2011), "Computing Krippendorff's Alpha-Reliability" (and *Content
/// Analysis*, 2013, ch. 12): a unit with `m_u ≥ 2` values adds `n_uc · (n_uk − [c = k]) / (m_u
/// − 1)` to the coincidence `o_ck` (units with fewer values cannot be paired and add nothing);
/// `n_c = Σ_k o_ck`, `n = Σ_c n_c`, and `α = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c · n_k`.
/// The published example with missing data (4 coders, 12 units, α = 0.743) is a test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlphaTally {
    categories: usize,
    /// `by_values[m][c * categories + k]`: Σ n_uc · (n_uk − [c = k]) over units with `m`
    /// values, kept apart by `m` so the division by `m − 1` happens once, at the end.
    by_values: Vec<Vec<u64>>,
    pairable_units: u64,
    pairable_values: u64,
}

impl AlphaTally {
    /// No units yet, for up to `annotators` values per unit and `categories` labels.
    pub fn new(annotators: usize, categories: usize) -> Self {
        Self {
            categories,
            by_values: vec![Vec::new(); annotators + 1],
            pairable_units: 0,
            pairable_values: 0,
        }
    }

    /// One unit, as how many annotators gave it each label (labels with a count of 0 may be
    /// left out). Units with fewer than two values are not pairable and change nothing.
    pub fn add(&mut self, per_label: &[(usize, u64)]) {
        let values: u64 = per_label.iter().map(|&(_, n)| n).sum();
        if values < 2 {
            return;
        }
        self.pairable_units += 1;
        self.pairable_values += values;
        let k = self.categories;
        let slot = values as usize;
        if slot >= self.by_values.len() {
            self.by_values.resize(slot + 1, Vec::new());
        }
        let counts = &mut self.by_values[slot];
        if counts.is_empty() {
            *counts = vec![0; k * k];
        }
        for &(c, n_c) in per_label {
            for &(d, n_d) in per_label {
                counts[c * k + d] += n_c * (n_d - u64::from(c == d).min(n_d));
            }
        }
    }

    /// Adds another tally whose label `c` is this one's `code[c]`.
    pub fn merge_recoded(&mut self, other: &AlphaTally, code: &[usize]) {
        if other.by_values.len() > self.by_values.len() {
            self.by_values.resize(other.by_values.len(), Vec::new());
        }
        let (k, theirs_k) = (self.categories, other.categories);
        for (mine, theirs) in self.by_values.iter_mut().zip(&other.by_values) {
            if theirs.is_empty() {
                continue;
            }
            if mine.is_empty() {
                *mine = vec![0; k * k];
            }
            for c in 0..theirs_k {
                for d in 0..theirs_k {
                    mine[code[c] * k + code[d]] += theirs[c * theirs_k + d];
                }
            }
        }
        self.pairable_units += other.pairable_units;
        self.pairable_values += other.pairable_values;
    }

    /// Units with at least two values.
    pub fn pairable_units(&self) -> u64 {
        self.pairable_units
    }

    /// Values in those units (`n` of the definition).
    pub fn pairable_values(&self) -> u64 {
        self.pairable_values
    }

    /// Krippendorff's α; `None` when no unit is pairable or all pairable values are one label
    /// (the expected disagreement is 0).
    pub fn alpha(&self) -> Option<f64> {
        let k = self.categories;
        let mut coincidences = vec![0.0_f64; k * k];
        for (values, counts) in self.by_values.iter().enumerate() {
            if counts.is_empty() || values < 2 {
                continue;
            }
            let weight = (values - 1) as f64;
            for (o, &c) in coincidences.iter_mut().zip(counts) {
                *o += c as f64 / weight;
            }
        }
        let marginals: Vec<f64> = (0..k)
            .map(|c| coincidences[c * k..(c + 1) * k].iter().sum())
            .collect();
        let total: f64 = marginals.iter().sum();
        let mut observed = 0.0;
        let mut expected = 0.0;
        for c in 0..k {
            for d in 0..k {
                if c != d {
                    observed += coincidences[c * k + d];
                    expected += marginals[c] * marginals[d];
                }
            }
        }
        if self.pairable_units == 0 || expected == 0.0 {
            return None;
        }
        Some(1.0 - (total - 1.0) * observed / expected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    /// Wikipedia, "Cohen's kappa": 50 proposals, yes/yes 20, yes/no 5, no/yes 10, no/no 15:
    /// p_o = 0.7, p_e = 0.5, κ = 0.4.
    #[test]
    fn cohen_kappa_of_the_wikipedia_example_is_0_4() {
        let mut t = Confusion::new(2);
        for (a, b, n) in [(0, 0, 20), (0, 1, 5), (1, 0, 10), (1, 1, 15)] {
            for _ in 0..n {
                t.add(a, b);
            }
        }
        assert!(close(t.observed_agreement(), 0.7));
        assert!(close(t.cohen_kappa(), 0.4), "{:?}", t.cohen_kappa());
    }

    #[test]
    fn cohen_kappa_is_undefined_without_units_or_variance_and_minus_one_when_opposite() {
        let mut t = Confusion::new(3);
        assert_eq!(t.cohen_kappa(), None);
        assert_eq!(t.observed_agreement(), None);
        t.add(2, 2);
        t.add(2, 2);
        assert_eq!(t.cohen_kappa(), None, "both gave every unit the same label");
        let mut opposite = Confusion::new(2);
        opposite.add(0, 1);
        opposite.add(1, 0);
        assert!(close(opposite.cohen_kappa(), -1.0));
        // Merging is adding the counts.
        let mut merged = Confusion::new(2);
        merged.merge_recoded(&opposite, &[0, 1]);
        merged.merge_recoded(&opposite, &[0, 1]);
        assert_eq!(merged.units(), 4);
    }

    /// Wikipedia, "Fleiss' kappa": 10 subjects, 14 raters, 5 categories; P̄ = 0.378,
    /// P̄_e = 0.213, κ = 0.210 (0.20993070442195522 in full).
    #[test]
    fn fleiss_kappa_of_the_wikipedia_example_is_0_210() {
        let table: [[u64; 5]; 10] = [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ];
        let mut t = FleissTally::new(14, 5);
        for row in table {
            t.add(row.iter().copied().enumerate());
        }
        let kappa = t.kappa().unwrap();
        assert_eq!(format!("{kappa:.3}"), "0.210");
        assert!((kappa - 0.20993070442195522).abs() < 1e-15, "{kappa}");
        assert_eq!(t.units(), 10);
    }

    #[test]
    fn fleiss_kappa_is_undefined_when_every_rating_is_one_label() {
        let mut t = FleissTally::new(3, 2);
        assert_eq!(t.kappa(), None);
        t.add([(1, 3)]);
        assert_eq!(t.kappa(), None);
        t.add([(0, 3)]);
        assert!(close(t.kappa(), 1.0));
    }

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example of 4
    /// coders and 12 units with missing data: nominal α = 0.743 (113/152 exactly).
    #[test]
    fn alpha_of_krippendorffs_example_with_missing_values_is_0_743() {
        let m = None;
        let coders: [[Option<usize>; 12]; 4] = [
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(1),
                Some(4),
                Some(1),
                Some(2),
                m,
                m,
                m,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(2),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                m,
                Some(3),
            ],
            [
                m,
                Some(3),
                Some(3),
                Some(3),
                Some(2),
                Some(3),
                Some(4),
                Some(2),
                Some(2),
                Some(5),
                Some(1),
                m,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(4),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                Some(1),
                m,
            ],
        ];
        let mut t = AlphaTally::new(4, 6);
        for unit in 0..12 {
            let mut counts = [0u64; 6];
            for coder in &coders {
                if let Some(v) = coder[unit] {
                    counts[v] += 1;
                }
            }
            let per_label: Vec<(usize, u64)> = counts
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(c, n)| (c, *n))
                .collect();
            t.add(&per_label);
        }
        let alpha = t.alpha().unwrap();
        assert_eq!(format!("{alpha:.3}"), "0.743");
        assert!((alpha - 113.0 / 152.0).abs() < 1e-12, "{alpha}");
        assert_eq!(t.pairable_units(), 11, "unit 12 has one value");
        assert_eq!(t.pairable_values(), 40);
    }

    #[test]
    fn alpha_is_undefined_without_pairs_or_variance_and_merging_splits_nothing() {
        let mut t = AlphaTally::new(3, 3);
        t.add(&[(1, 1)]);
        assert_eq!(t.alpha(), None, "one value: not pairable");
        t.add(&[(1, 2)]);
        assert_eq!(t.alpha(), None, "one label only");
        let mut other = AlphaTally::new(3, 3);
        other.add(&[(1, 1), (2, 2)]);
        other.add(&[(2, 3)]);
        let mut whole = t.clone();
        whole.merge_recoded(&other, &[0, 1, 2]);
        let mut at_once = AlphaTally::new(3, 3);
        for unit in [&[(1, 1)][..], &[(1, 2)], &[(1, 1), (2, 2)], &[(2, 3)]] {
            at_once.add(unit);
        }
        assert_eq!(whole, at_once);
        assert!(whole.alpha().is_some());
    }
}
