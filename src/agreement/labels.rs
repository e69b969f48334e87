//! Labels as numbers. The labels taking part get codes after `O` (code 0) in alphabetical
//! order, so comparing codes compares names (the unit policy's tie-break) and every tally is
//! indexed by code. Annotations are read once: their labels are numbered in order of
//! appearance by [`LabelNumbering`], which then gives each number its alphabetical code.

/// A label's number in a [`super::UnitTable`] and in every tally: 0 is `O`, the others follow
/// the labels' alphabetical order (so comparing codes compares names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LabelCode(pub u32);

impl LabelCode {
    /// `O`: no span covers the unit.
    pub const OUTSIDE: LabelCode = LabelCode(0);

    /// The code as an index into the table's labels.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Numbers labels in the order they are first seen (a handful of labels, so a list).
#[derive(Debug, Default)]
pub(crate) struct LabelNumbering<'a> {
    seen: Vec<&'a str>,
}

impl<'a> LabelNumbering<'a> {
    /// The number of `label`: its place among the labels seen so far, numbering it if new.
    pub fn number(&mut self, label: &'a str) -> usize {
        match self.seen.iter().position(|l| *l == label) {
            Some(number) => number,
            None => {
                self.seen.push(label);
                self.seen.len() - 1
            }
        }
    }

    /// The names by code (`O` first, then the labels seen, alphabetically) and the code of
    /// each number.
    pub fn codes(&self) -> (Vec<String>, Vec<LabelCode>) {
        let mut by_name: Vec<usize> = (0..self.seen.len()).collect();
        by_name.sort_by_key(|&number| self.seen[number]);
        let mut code_of_number = vec![LabelCode::OUTSIDE; self.seen.len()];
        let mut names = vec!["O".to_owned()];
        for (rank, &number) in by_name.iter().enumerate() {
            code_of_number[number] = LabelCode(rank as u32 + 1);
            names.push(self.seen[number].to_owned());
        }
        (names, code_of_number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_numbered_as_seen_get_alphabetical_codes_after_o() {
        let mut numbering = LabelNumbering::default();
        assert_eq!(numbering.number("PERSON"), 0);
        assert_eq!(numbering.number("COUNTRY"), 1);
        assert_eq!(numbering.number("PERSON"), 0);
        assert_eq!(numbering.number("MONEY"), 2);
        let (names, codes) = numbering.codes();
        assert_eq!(names, ["O", "COUNTRY", "MONEY", "PERSON"]);
        assert_eq!(codes, [LabelCode(3), LabelCode(1), LabelCode(2)]);
    }
}
