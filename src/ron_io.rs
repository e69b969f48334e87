//! RON conventions shared by every file Accord reads and writes: how a value is pretty-printed
//! (plain UTF-8 strings, nested values on one line) and where a parse error is, as the 1-based
//! line and column every error message names.

use serde::Serialize;

/// Where a RON parse error is and what the parser said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseErrorAt {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What the parser said.
    pub message: String,
}

impl From<&ron::error::SpannedError> for ParseErrorAt {
    fn from(e: &ron::error::SpannedError) -> Self {
        Self {
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        }
    }
}

/// Parses RON text, locating any error.
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ParseErrorAt> {
    ron::from_str(text).map_err(|e| ParseErrorAt::from(&e))
}

/// The pretty RON text of Accord's data files, ending in a newline: one field per line down to
/// `depth` levels, deeper values on one line, strings written as they are (never `\u{…}`).
pub fn to_pretty_ron<T: Serialize>(value: &T, depth: usize) -> Result<String, ron::Error> {
    let config = ron::ser::PrettyConfig::new()
        .depth_limit(depth)
        .struct_names(false)
        .escape_strings(false)
        .new_line("\n".to_owned());
    let mut text = ron::ser::to_string_pretty(value, config)?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_located_by_line_and_column() {
        let err = from_str::<Vec<u32>>("[\n  1,\n  x]").unwrap_err();
        assert_eq!((err.line, err.column), (3, 3));
        assert!(!err.message.is_empty());
    }
}
