#!/usr/bin/env bash
# Coverage-guided fuzzing of Accord's loaders (annotation files with the fast reader and the
# `ron` fallback, project and schema files, document bytes and their encodings) and importers
# (brat, JSONL, Label Studio, CoNLL) with cargo-afl on stable Rust, for a bounded time:
#
#   bash fuzz/run.sh [SECONDS_PER_TARGET]        # default 60
#   FUZZ_SAVE_CORPUS=1 bash fuzz/run.sh 600      # also keep inputs that found new coverage
#
# Installs cargo-afl when it is missing. Prints each target's executions and crashes, copies
# every crash to fuzz/regressions/<target>/ (commit it: `cargo test --test core fuzz_regressions`
# replays it from then on) and exits 1 when there was one.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
targets=(annotation_file project_file document
    import_brat import_jsonl import_label_studio import_conll journal lock)

if ! cargo afl --version >/dev/null 2>&1; then
    echo "installing cargo-afl"
    cargo install --quiet --locked cargo-afl --version 0.18.2
fi
cargo afl build --release --quiet

# No free core to bind to on a busy machine, no core-dump set-up: neither matters here.
export AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_UI=1 AFL_QUIET=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
crashes=0
for target in "${targets[@]}"; do
    cargo afl fuzz -V "$seconds" -t 2000 -i "corpus/$target" -o "$out/$target" \
        "target/release/$target" >"$out/$target.log" 2>&1 || {
        tail -n 20 "$out/$target.log"
        echo "afl-fuzz failed for $target"
        exit 2
    }
    stats="$out/$target/default/fuzzer_stats"
    stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
    found=0
    for crash in "$out/$target/default/crashes"/id:*; do
        [ -e "$crash" ] || continue
        found=$((found + 1))
        mkdir -p "regressions/$target"
        cp "$crash" "regressions/$target/crash-$(sha1sum "$crash" | cut -c1-16)"
    done
    crashes=$((crashes + found))
    printf '%-16s %10s execs in %5ss (%s/s), %s paths, %s crashes, %s hangs\n' \
        "$target" "$(stat execs_done)" "$(stat run_time)" "$(stat execs_per_sec)" \
        "$(stat corpus_count)" "$found" "$(stat saved_hangs)"
    if [ "${FUZZ_SAVE_CORPUS:-}" = 1 ]; then
        # The inputs that found new coverage, small ones first, at most 200 a target.
        find "$out/$target/default/queue" -maxdepth 1 -name 'id:*+cov' -size -4k -printf '%s %p\n' |
            sort -n | head -n 200 | while read -r _ input; do
            cp "$input" "corpus/$target/q-$(sha1sum "$input" | cut -c1-16)"
        done
    fi
done
if [ "$crashes" -gt 0 ]; then
    echo "$crashes crash(es) saved under fuzz/regressions/: fix them and commit the files"
    exit 1
fi
