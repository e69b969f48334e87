//! Document dates as a project file writes them: a year, a month or a day, or a day without a
//! year when the text gives none. What the ledger and the thread timeline sort by, and what
//! `accord validate` checks.

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

/// A date as written in a project file: a year, a month or a day (`2024`, `2024-08`,
/// `2024-08-25`), or, when the text gives a day or month but no year, ISO 8601's yearless
/// `--08-25` or `--08`. Only dates with a year can be placed in time: [`by_date`] puts the
/// yearless with the undated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PartialDate {
    /// The year, when the text gives one.
    pub year: Option<u16>,
    /// The month, 1–12, when known.
    pub month: Option<u8>,
    /// The day, 1–31, when known.
    pub day: Option<u8>,
}

impl PartialDate {
    /// Reads `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `--MM` or `--MM-DD`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (year, rest) = match text.strip_prefix("--") {
            Some(rest) => (None, rest),
            None => {
                let (year, rest) = text.split_at_checked(4)?;
                if !year.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let rest = match rest {
                    "" => "",
                    _ => rest.strip_prefix('-').filter(|r| !r.is_empty())?,
                };
                (Some(year.parse().ok()?), rest)
            }
        };
        let number = |p: &str, max: u8| -> Option<u8> {
            if p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            p.parse::<u8>().ok().filter(|n| (1..=max).contains(n))
        };
        let mut parts = rest.split('-').filter(|_| !rest.is_empty());
        let month = parts.next().map(|p| number(p, 12));
        let day = parts.next().map(|p| number(p, 31));
        if parts.next().is_some() || month == Some(None) || day == Some(None) {
            return None;
        }
        let (month, day) = (month.flatten(), day.flatten());
        if year.is_none() && month.is_none() {
            return None;
        }
        Some(Self { year, month, day })
    }

    /// True when the date can be placed in time.
    pub fn has_year(&self) -> bool {
        self.year.is_some()
    }

    /// The date as people write it: "25 Aug 2024", "Aug 2024", "2024", and without a year
    /// "25 Aug" or "Aug" (the window says elsewhere that the year is missing; the ISO form
    /// `--08-25` reads as a mistake).
    pub fn human(&self) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let mut parts = Vec::new();
        if let (Some(d), Some(_)) = (self.day, self.month) {
            parts.push(d.to_string());
        }
        if let Some(m) = self.month {
            parts.push(MONTHS[usize::from(m.clamp(1, 12) - 1)].to_owned());
        }
        if let Some(y) = self.year {
            parts.push(y.to_string());
        }
        parts.join(" ")
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.year {
            Some(year) => write!(f, "{year:04}")?,
            None => write!(f, "-")?,
        }
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

/// Dated before undated, earlier first; `2024` before `2024-08` before `2024-08-01`. A date
/// without a year counts as undated: it cannot be placed.
pub fn by_date(a: &Option<PartialDate>, b: &Option<PartialDate>) -> Ordering {
    let key = |d: &Option<PartialDate>| {
        d.filter(PartialDate::has_year)
            .map(|d| (d.year, d.month, d.day))
    };
    match (key(a), key(b)) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_people_write_them() {
        let human = |s| PartialDate::parse(s).unwrap().human();
        assert_eq!(human("2024-08-25"), "25 Aug 2024");
        assert_eq!(human("2024-08"), "Aug 2024");
        assert_eq!(human("2024"), "2024");
        assert_eq!(human("--08-25"), "25 Aug");
        assert_eq!(human("--05"), "May");
    }

    #[test]
    fn partial_dates_read_and_sort_as_a_reviewer_expects() {
        let d = |s| PartialDate::parse(s);
        assert_eq!(
            d("2024-08"),
            Some(PartialDate {
                year: Some(2024),
                month: Some(8),
                day: None
            })
        );
        assert_eq!(
            d("--05-20"),
            Some(PartialDate {
                year: None,
                month: Some(5),
                day: Some(20)
            })
        );
        for good in ["2024", "2024-08", "2024-08-25", "--05", "--05-20"] {
            assert_eq!(d(good).map(|d| d.to_string()).as_deref(), Some(good));
        }
        for bad in [
            "24",
            "2024-8",
            "2024-13",
            "2024-08-32",
            "August 2024",
            "2024-08-25-1",
            "",
            "--",
            "---20",
            "20245",
            "2024-",
            "+024",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
        let mut dates = vec![
            d("2025-05-20"),
            None,
            d("--05-18"),
            d("2024-08"),
            d("2024"),
            d("2024-08-22"),
        ];
        dates.sort_by(by_date);
        assert_eq!(
            dates,
            vec![
                d("2024"),
                d("2024-08"),
                d("2024-08-22"),
                d("2025-05-20"),
                None,
                d("--05-18")
            ]
        );
    }
}
