//! Finding text in documents, in char offsets.

use crate::model::{CharRange, Document};

/// Every non-overlapping occurrence of `query` in `doc`, in order. Case-insensitive matching
/// folds each char to its simple lower case, so offsets stay those of the document.
pub fn find_all(doc: &Document, query: &str, match_case: bool) -> Vec<CharRange> {
    let needle: Vec<char> = query.chars().map(|c| fold(c, match_case)).collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let hay: Vec<char> = doc.text().chars().map(|c| fold(c, match_case)).collect();
    let mut hits = Vec::new();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()] == needle[..] {
            hits.push(CharRange::new(i, i + needle.len()));
            i += needle.len();
        } else {
            i += 1;
        }
    }
    hits
}

fn fold(c: char, match_case: bool) -> char {
    if match_case {
        return c;
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        // Folding that changes the length (e.g. 'İ') would shift offsets: keep the char.
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_in_chars_across_scripts() {
        let doc = Document::from_text("t.txt", "Қазақстан мен Тәжікстан. ҚАЗАҚСТАН! 20亿美元 20亿");
        assert_eq!(
            find_all(&doc, "қазақстан", false),
            vec![CharRange::new(0, 9), CharRange::new(25, 34)]
        );
        assert_eq!(find_all(&doc, "қазақстан", true), vec![]);
        let hits = find_all(&doc, "20亿", true);
        assert_eq!(hits.len(), 2);
        assert_eq!(doc.slice(hits[1]), Some("20亿"));
    }
}
