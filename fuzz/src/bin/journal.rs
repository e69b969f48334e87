//! Fuzz target: `checks::journal` (see `tests/fuzz/checks.rs`).

#[path = "../../../tests/fuzz/checks.rs"]
mod checks;

fn main() {
    afl::fuzz!(|data: &[u8]| checks::journal(data));
}
