//! Fuzz target: `checks::document_bytes` (see `tests/fuzz/checks.rs`).

#[path = "../../../tests/fuzz/checks.rs"]
mod checks;

fn main() {
    afl::fuzz!(|data: &[u8]| checks::document_bytes(data));
}
