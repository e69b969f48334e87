//! Fuzz target: `checks::import_label_studio` (see `tests/fuzz/checks.rs`).

#[path = "../../../tests/fuzz/checks.rs"]
mod checks;

fn main() {
    afl::fuzz!(|data: &[u8]| checks::import_label_studio(data));
}
