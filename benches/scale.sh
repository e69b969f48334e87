#!/usr/bin/env bash
# Whole-process timings of issue 19 (scale): what a user waits for, from launch to exit (or to
# the first frame), on generated projects in a scratch folder. Not run by CI; the figures go in
# the closing note. Needs python3 (to generate the projects) and, for the window, Xvfb.
#
#   bash benches/scale.sh [SCRATCH] [RUNS]      (default /tmp/accord-scale, 5 runs each)
#
# Prints the median wall time and peak memory of each command:
#   - documents of 1, 10 and 100 MB of Russian: `accord stats`, and the window's first frame
#     (launch to the first frame laid out, from RUST_LOG=accord=debug) with its resident memory;
#   - projects of 100, 1,000 and 10,000 documents × 3 annotators × ~95 spans: `stats`,
#     `validate`, `agree`, `agree --json`, and every export of one annotator's annotations.
# Targets: first frame of 100 MB ≤ 0.5 s at ≤ 1.5× the text; 1,000 documents: agree ≤ 0.2 s,
# --json ≤ 0.3 s, exports ≥ 100 MB/s of output.
set -euo pipefail
scratch=${1:-/tmp/accord-scale}
runs=${2:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
accord=$here/target/release/accord
mkdir -p "$scratch"

# Median wall seconds and peak resident KB of RUNS runs of a command.
measure() {
    local walls=() peaks=()
    for _ in $(seq "$runs"); do
        /usr/bin/time -o "$scratch/time.out" -f "%e %M" "$@" >/dev/null 2>&1 || true
        local out
        out=$(tail -1 "$scratch/time.out")
        walls+=("${out% *}") peaks+=("${out#* }")
    done
    printf '%s %s\n' \
        "$(printf '%s\n' "${walls[@]}" | sort -g | sed -n "$(((runs + 1) / 2))p")" \
        "$(printf '%s\n' "${peaks[@]}" | sort -g | sed -n "$(((runs + 1) / 2))p")"
}

# The window on PROJECT as ANNOTATOR under a virtual display, its log in LOG: sets app, xvfb
# and home for close_window, and launched (when the app started, in seconds).
launch() {
    local project=$1 annotator=$2 log=$3
    Xvfb :93 -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb=$!
    sleep 0.5
    home=$(mktemp -d)
    launched=$(date +%s.%N)
    HOME=$home DISPLAY=:93 RUST_LOG=accord=debug,warn "$accord" --annotator "$annotator" "$project" 2>"$log" &
    app=$!
}

close_window() {
    kill "$app" 2>/dev/null || true
    wait "$app" 2>/dev/null || true
    kill "$xvfb" 2>/dev/null || true
    wait "$xvfb" 2>/dev/null || true
    rm -rf "$home"
}

# Launch to first frame (seconds) and resident memory then (KB).
first_frame() {
    local project=$1 log=$scratch/first-frame.log
    command -v Xvfb >/dev/null || { echo "- -"; return; }
    launch "$project" bench "$log"
    for _ in $(seq 500); do
        grep -q "first frame" "$log" && break
        sleep 0.02
    done
    local rss
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$app/status" 2>/dev/null || echo -)
    close_window
    local ms
    ms=$(grep -o 'first frame laid out [0-9.]*m\?s' "$log" | awk '{v=$5; if (v ~ /ms$/) {sub(/ms$/,"",v); v/=1000} else sub(/s$/,"",v); print v}')
    echo "${ms:--} $rss"
}

echo "== one document of Russian (the sample repeated)"
printf '%-10s %12s %10s %14s %12s\n' size "stats s" "peak MB" "first frame s" "resident MB"
for mb in 1 10 100; do
    dir=$scratch/doc-${mb}mb
    if [ ! -d "$dir" ]; then
        mkdir -p "$dir"
        python3 - "$here/sample_docs" "$dir/ru.ru.txt" "$mb" <<'EOF'
import glob, sys
text = open(glob.glob(sys.argv[1] + "/*.ru.txt")[0], encoding="utf-8").read()
size, out, n = int(sys.argv[3]) * 1_000_000, open(sys.argv[2], "w", encoding="utf-8"), 0
while n < size:
    out.write(text)
    n += len(text.encode())
EOF
    fi
    read -r wall peak <<<"$(measure "$accord" stats "$dir")"
    frames=()
    for _ in $(seq "$runs"); do frames+=("$(first_frame "$dir")"); done
    frame=$(printf '%s\n' "${frames[@]}" | sort -g | sed -n "$(((runs + 1) / 2))p")
    printf '%-10s %12s %10s %14s %12s\n' "${mb} MB" "$wall" "$((peak / 1024))" "${frame% *}" \
        "$(( ${frame#* } / 1024 ))" 2>/dev/null || printf '%-10s %12s %10s %14s\n' "${mb} MB" "$wall" "$((peak / 1024))" "$frame"
done

# The window on a project as alice: launch to first frame, launch to the project open (its
# documents and alice's annotations read), both in seconds, and resident MB then.
window_open() {
    local project=$1 log=$scratch/window-open.log
    command -v Xvfb >/dev/null || { echo "- - -"; return; }
    local first=- open=-
    launch "$project" alice "$log"
    for _ in $(seq 6000); do
        if [ "$first" = - ] && grep -q "first frame" "$log"; then
            first=$(echo "$(date +%s.%N) - $launched" | bc)
        fi
        if grep -qE "their annotations (by|read)" "$log"; then
            open=$(echo "$(date +%s.%N) - $launched" | bc)
            break
        fi
        sleep 0.02
    done
    # A small project is open before its first frame.
    if [ "$first" = - ]; then first=$open; fi
    local rss
    rss=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$app/status" 2>/dev/null || echo -)
    close_window
    awk -v f="$first" -v o="$open" -v r="$rss" 'BEGIN {printf "%.2f %.2f %s\n", f, o, r}'
}

# A project of N documents of 600 words, each annotated with ~95 spans by each annotator named
# (comma-separated).
generate_project() {
    python3 - "$@" <<'EOF'
import hashlib, os, random, sys
root, n, annotators = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
random.seed(19)
os.makedirs(root)
pool = ["Kazakhstan", "Tajikistan", "Tokayev", "Rahmon", "Astana", "Dushanbe", "trade",
        "billion", "Казахстан", "Таджикистан", "Токаев", "договор", "сотрудничество",
        "哈萨克斯坦", "塔吉克斯坦", "合作", "كازاخستان", "طاجيكستان", "التجارة", "Қазақстан",
        "ынтымақтастық"]
labels = ["PERSON", "COUNTRY", "ORG", "LOCATION", "DATE", "MONEY"]
entries = []
for i in range(n):
    name = f"doc{i:05}.txt"
    words = [random.choice(pool) for _ in range(600)]
    text = " ".join(words) + "\n"
    open(f"{root}/{name}", "w", encoding="utf-8").write(text)
    entries.append(f'        (file: "{name}"),')
    sha = hashlib.sha256(text.encode()).hexdigest()
    places, p = [], 0
    for w in words:
        places.append((p, p + len(w), w))
        p += len(w) + 1
    chosen = sorted(random.sample(range(600), 100))
    for who in annotators:
        os.makedirs(f"{root}/annotations/{who}", exist_ok=True)
        picks = [k for k in chosen if random.random() < 0.95]
        spans = []
        for j, k in enumerate(picks):
            s, e, w = places[k]
            label = labels[(k + (1 if random.random() < 0.1 else 0)) % 6]
            spans.append(f'        (\n            id: {j + 1},\n            label: "{label}",\n'
                         f'            fragments: [(start: {s}, end: {e}, text: "{w}")],\n'
                         f'            author: "{who}",\n            created: "2026-12-06T00:00:00Z",\n'
                         f'            modified: "2026-12-06T00:00:00Z",\n        ),')
        open(f"{root}/annotations/{who}/{name}.ron", "w", encoding="utf-8").write(
            f'(\n    format: 1,\n    document: (\n        file: "{name}",\n        sha256: "{sha}",\n'
            f'        chars: {len(text)},\n    ),\n    annotator: "{who}",\n    next_id: {len(picks) + 1},\n'
            '    annotations: [\n' + "\n".join(spans) + '\n    ],\n)\n')
open(f"{root}/accord.ron", "w").write('(\n    format: 1,\n    name: "Scale",\n    schema: Default,\n'
                                      '    documents: [\n' + "\n".join(entries) + '\n    ],\n)\n')
EOF
}

echo "== projects: N documents x 3 annotators x ~95 spans"
for n in 100 1000 10000; do
    dir=$scratch/project-$n
    [ -d "$dir" ] || generate_project "$dir" "$n" alice,bob,carol
    echo "-- $n documents ($(du -sm "$dir/annotations" | cut -f1) MB of annotation files)"
    for cmd in "stats" "validate" "agree" "agree --json"; do
        # shellcheck disable=SC2086
        read -r wall peak <<<"$(measure "$accord" $cmd "$dir")"
        printf '   %-28s %8s s %6s MB\n' "$cmd" "$wall" "$((peak / 1024))"
    done
    for format in jsonl spacy conll brat webanno-tsv label-studio html; do
        # A new output each run (removing the last one is not the export's time).
        out=$scratch/export-$format
        rm -rf "$out" && mkdir -p "$out"
        read -r wall peak <<<"$(measure sh -c "'$accord' export '$dir' --annotator alice --format $format --out \"\$(mktemp -u -p '$out')\"")"
        bytes=$(($(du -sb "$out" | cut -f1) / runs))
        rm -rf "$out"
        printf '   %-28s %8s s %6s MB  %6s MB out, %s MB/s\n' "export $format" "$wall" "$((peak / 1024))" \
            "$((bytes / 1000000))" "$(awk -v b="$bytes" -v t="$wall" 'BEGIN {printf "%.0f", b / 1e6 / (t > 0 ? t : 0.001)}')"
    done
    read -r first open rss <<<"$(window_open "$dir")"
    printf '   %-28s %8s s to the first frame, %s s to the project open, %s MB\n' window "$first" "$open" "$rss"
done

if [ "${SCALE_100K:-0}" = 1 ]; then
    dir=$scratch/project-100000
    [ -d "$dir" ] || generate_project "$dir" 100000 alice
    echo "== 100,000 documents x 1 annotator x ~95 spans"
    read -r first open rss <<<"$(window_open "$dir")"
    printf '   %-28s %8s s to the first frame (the list), %s s to the project open, %s MB\n' window "$first" "$open" "$rss"
fi
