//! Half-open ranges of Unicode scalar values (chars).
//!
//! All positioning in Accord is done with `char` offsets into the document text exactly as
//! stored (the convention of Python's `str`, spaCy, doccano and brat). Ranges are half-open:
//!
//! ```text
//! text:   S o m e ␠ t e x t
//! char:   0 1 2 3 4 5 6 7 8
//! (0, 4): [Some] text
//! (5, 9): Some [text]
//! ```
//!
//! A CRLF line ending counts as two chars. A UTF-8 byte order mark is not part of the text.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// A half-open range of char offsets, `start_char..end_char`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CharRange {
    /// First char inside the range.
    pub start: usize,
    /// First char after the range.
    pub end: usize,
}

impl CharRange {
    /// The range `start..end`. Callers pass `start <= end`; an inverted range is normalised.
    pub fn new(start: usize, end: usize) -> Self {
        if start <= end {
            Self { start, end }
        } else {
            Self {
                start: end,
                end: start,
            }
        }
    }

    /// Number of chars in the range.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the range holds no char.
    pub fn is_empty(&self) -> bool {
        self.start >= self.end
    }

    /// True when `char_offset` lies inside the range.
    pub fn contains(&self, char_offset: usize) -> bool {
        self.start <= char_offset && char_offset < self.end
    }

    /// True when the two ranges share at least one char.
    pub fn overlaps(&self, other: &CharRange) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The chars both ranges hold, if any.
    pub fn intersection(&self, other: &CharRange) -> Option<CharRange> {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (start < end).then_some(CharRange { start, end })
    }

    /// The range as a `std` range.
    pub fn as_range(&self) -> Range<usize> {
        self.start..self.end
    }
}

impl From<Range<usize>> for CharRange {
    fn from(r: Range<usize>) -> Self {
        Self::new(r.start, r.end)
    }
}

impl fmt::Display for CharRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_is_half_open() {
        let a = CharRange::new(0, 4);
        assert!(!a.overlaps(&CharRange::new(4, 6)));
        assert!(a.overlaps(&CharRange::new(3, 6)));
        assert_eq!(
            a.intersection(&CharRange::new(2, 9)),
            Some(CharRange::new(2, 4))
        );
        assert_eq!(CharRange::new(5, 2), CharRange::new(2, 5));
        assert!(a.contains(0) && !a.contains(4));
    }
}
