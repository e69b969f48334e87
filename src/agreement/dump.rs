//! The unit table as TSV (`accord agree --dump-units FILE`): the data behind the unit-level
//! figures, for checking them with other tools.
//!
//! ```text
//! document⇥start⇥end⇥text⇥alice⇥bob
//! a.zh.txt⇥0⇥1⇥哈⇥COUNTRY⇥COUNTRY
//! a.zh.txt⇥5⇥6⇥和⇥O⇥O
//! b.txt⇥0⇥6⇥Astana⇥LOCATION⇥
//! ```
//!
//! One header line, then one line per unit: the document's file, the unit's start and end
//! (char offsets, end exclusive), its text, and one column per annotator with their label,
//! `O`, or an **empty cell when the annotator has no file for the document** (a missing value;
//! label names are never empty). In every field a backslash, tab, line feed and carriage return
//! are written `\\`, `\t`, `\n` and `\r`.

use std::io::{self, Write};

use super::units::UnitTable;

impl UnitTable {
    /// Writes the table as TSV (see the module documentation for the layout).
    pub fn write_tsv(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut out = io::BufWriter::new(out);
        write!(out, "document\tstart\tend\ttext")?;
        for annotator in &self.annotators {
            write!(out, "\t{}", escape(annotator))?;
        }
        writeln!(out)?;
        let labels: Vec<String> = self.labels.iter().map(|l| escape(l)).collect();
        for doc in &self.documents {
            let file = escape(&doc.file);
            for i in 0..doc.len() {
                let range = doc.range(i);
                write!(
                    out,
                    "{file}\t{}\t{}\t{}",
                    range.start,
                    range.end,
                    escape(doc.text(i))
                )?;
                for value in doc.row(i) {
                    out.write_all(b"\t")?;
                    if let Some(code) = value {
                        out.write_all(labels[code.index()].as_bytes())?;
                    }
                }
                out.write_all(b"\n")?;
            }
        }
        out.flush()
    }
}

/// A field with its backslashes, tabs and line breaks escaped.
fn escape(field: &str) -> String {
    if !field.contains(['\\', '\t', '\n', '\r']) {
        return field.to_owned();
    }
    let mut escaped = String::with_capacity(field.len() + 4);
    for c in field.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '\t' => escaped.push_str("\\t"),
            '\n' => escaped.push_str("\\n"),
            '\r' => escaped.push_str("\\r"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_escape_backslashes_tabs_and_line_breaks() {
        assert_eq!(escape("a\tb\\c\nd\re"), "a\\tb\\\\c\\nd\\re");
        assert_eq!(escape("哈萨克斯坦"), "哈萨克斯坦");
    }
}
