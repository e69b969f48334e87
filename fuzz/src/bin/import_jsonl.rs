//! Fuzz target: `checks::import_jsonl` (see `tests/fuzz/checks.rs`).

#[path = "../../../tests/fuzz/checks.rs"]
mod checks;

fn main() {
    afl::fuzz!(|data: &[u8]| checks::import_jsonl(data));
}
