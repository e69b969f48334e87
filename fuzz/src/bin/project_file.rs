//! Fuzz target: `checks::project_file` (see `tests/fuzz/checks.rs`).

#[path = "../../../tests/fuzz/checks.rs"]
mod checks;

fn main() {
    afl::fuzz!(|data: &[u8]| checks::project_file(data));
}
