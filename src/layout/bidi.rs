//! Bidi classes and a paragraph's base direction (UAX #9 rules P2–P3), for the levels of
//! [`super::levels`] and the line ends of rule L1.

use icu_properties::CodePointMapData;
use icu_properties::props::BidiClass;

/// Text direction of a paragraph or run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Left to right.
    Ltr,
    /// Right to left.
    Rtl,
}

impl Direction {
    /// True when moving right on screen moves forward in the text: in left-to-right text, not
    /// in right-to-left text. Arrow keys move edges the way they point.
    pub fn is_forward(self, rightwards: bool) -> bool {
        rightwards == (self == Direction::Ltr)
    }
}

/// A strong bidi class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strong {
    /// Left to right (L).
    Ltr,
    /// Right to left (R).
    Rtl,
    /// Arabic letter (AL): right to left, and it turns following European digits into Arabic
    /// numbers.
    Arabic,
}

impl Strong {
    /// The direction of this class.
    pub fn direction(self) -> Direction {
        match self {
            Strong::Ltr => Direction::Ltr,
            Strong::Rtl | Strong::Arabic => Direction::Rtl,
        }
    }
}

fn class(c: char) -> BidiClass {
    CodePointMapData::<BidiClass>::new().get(c)
}

/// The strong class of `c`, if it has one.
pub fn strong(c: char) -> Option<Strong> {
    match class(c) {
        BidiClass::LeftToRight => Some(Strong::Ltr),
        BidiClass::RightToLeft => Some(Strong::Rtl),
        BidiClass::ArabicLetter => Some(Strong::Arabic),
        _ => None,
    }
}

/// True for what rule L1 puts at the paragraph's level at the end of a line: white space,
/// segment and paragraph separators, and isolate controls.
pub fn is_line_end_whitespace(c: char) -> bool {
    matches!(
        class(c),
        BidiClass::WhiteSpace
            | BidiClass::SegmentSeparator
            | BidiClass::ParagraphSeparator
            | BidiClass::LeftToRightIsolate
            | BidiClass::RightToLeftIsolate
            | BidiClass::FirstStrongIsolate
            | BidiClass::PopDirectionalIsolate
    )
}

/// The base direction of a paragraph by rules P2–P3: its first strong character outside
/// isolates decides; left to right when it has none.
pub fn paragraph_direction(chars: impl Iterator<Item = char>) -> Direction {
    let mut isolates = 0usize;
    for c in chars {
        match class(c) {
            BidiClass::LeftToRightIsolate
            | BidiClass::RightToLeftIsolate
            | BidiClass::FirstStrongIsolate => isolates += 1,
            BidiClass::PopDirectionalIsolate => isolates = isolates.saturating_sub(1),
            BidiClass::LeftToRight if isolates == 0 => return Direction::Ltr,
            BidiClass::RightToLeft | BidiClass::ArabicLetter if isolates == 0 => {
                return Direction::Rtl;
            }
            _ => {}
        }
    }
    Direction::Ltr
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_of_the_sample_scripts() {
        assert_eq!(strong('Қ'), Some(Strong::Ltr));
        assert_eq!(strong('中'), Some(Strong::Ltr));
        assert_eq!(strong('ك'), Some(Strong::Arabic));
        assert_eq!(strong('א'), Some(Strong::Rtl));
        assert_eq!(strong('2'), None, "digits are weak");
        assert_eq!(strong(' '), None);
        assert!(is_line_end_whitespace(' '));
        assert!(
            !is_line_end_whitespace('\u{a0}'),
            "a no-break space is not white space here"
        );
        assert_eq!(
            strong('\u{200F}'),
            Some(Strong::Rtl),
            "a right-to-left mark is strong"
        );
    }

    #[test]
    fn the_first_strong_character_outside_isolates_decides() {
        assert_eq!(paragraph_direction("2024 عام".chars()), Direction::Rtl);
        assert_eq!(paragraph_direction("«Токаев» قال".chars()), Direction::Ltr);
        assert_eq!(
            paragraph_direction("\u{2067}abc\u{2069} كتب".chars()),
            Direction::Rtl
        );
        assert_eq!(paragraph_direction("123 ...".chars()), Direction::Ltr);
    }
}
