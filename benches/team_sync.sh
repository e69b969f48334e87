#!/usr/bin/env bash
# Whole-process bench of Sync on a 1,000-document project: the same annotator changed one
# document on two machines; one machine has pushed, the other syncs (commit, fetch, a merge
# that runs Accord's merge driver on that document's file, push).
#
#   benches/team_sync.sh setup DIR          # once: DIR/template (a bare remote and a clone)
#   benches/team_sync.sh accord DIR         # a fresh copy of the template, then `accord sync`
#   benches/team_sync.sh git DIR            # a fresh copy, then the same git commands by hand
#   benches/team_sync.sh copy DIR           # a fresh copy only (what both of the above include)
#
# `accord` is target/release/accord (build it first: cargo build --release). Time the three
# with any whole-process timer (e.g. hyperfine, or /usr/bin/time in a loop); `accord` minus
# `copy` is the sync, `git` minus `copy` is git's own share of it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
accord=${ACCORD:-$here/target/release/accord}
cmd=${1:?usage: team_sync.sh setup|accord|git|copy DIR}
dir=${2:?usage: team_sync.sh setup|accord|git|copy DIR}
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
g() { git -c user.name=bench -c user.email=bench@example.invalid "$@"; }

setup() {
    rm -rf "$dir/template" && mkdir -p "$dir/template" && cd "$dir/template"
    git init -q --bare --initial-branch=main remote.git
    git init -q --initial-branch=main a
    python3 - a/project <<'PY'
import hashlib, os, sys
root = sys.argv[1]
os.makedirs(f"{root}/annotations/alice", exist_ok=True)
docs = []
for i in range(1000):
    name = f"doc{i:04}.txt"
    text = " ".join(f"Word{i}x{j} Казахстан" for j in range(150)) + "\n"
    open(f"{root}/{name}", "w", encoding="utf-8").write(text)
    docs.append(f'(file: "{name}")')
    anns = []
    for k in range(20):
        word = f"Word{i}x{k * 7}"
        start = text.find(word)
        anns.append(f'        (id: {k + 1}, label: "PERSON", fragments: [(start: {start}, end: {start + len(word)}, text: "{word}")], author: "alice", created: "2026-12-06T00:00:00Z", modified: "2026-12-06T00:00:00Z"),')
    sha = hashlib.sha256(text.encode()).hexdigest()
    open(f"{root}/annotations/alice/{name}.ron", "w").write(
        f'(\n    format: 1,\n    document: (file: "{name}", sha256: "{sha}", chars: {len(text)}),\n    annotator: "alice",\n    next_id: 21,\n    annotations: [\n' + "\n".join(anns) + "\n    ],\n    links: [],\n)\n")
open(f"{root}/accord.ron", "w").write('(format: 1, name: "bench", documents: [' + ", ".join(docs) + "])\n")
PY
    printf 'project/annotations/** merge=accord\n' > a/.gitattributes
    (cd a && g add -A && g commit -qm "1,000 documents" && git remote add origin ../remote.git \
        && g push -q -u origin main 2>/dev/null)
    git -C a config merge.accord.driver "'$accord' merge-file %O %A %B %P"
    git -C a config user.name bench && git -C a config user.email bench@example.invalid
    # The other machine: a new span in doc0007, pushed.
    git clone -q remote.git b
    git -C b config merge.accord.driver "'$accord' merge-file %O %A %B %P"
    add_span b 700 ORG
    (cd b && g commit -qam "the other machine" && g push -q 2>/dev/null)
    rm -rf b
    # This machine: another new span in the same document, not committed yet.
    add_span a 350 DATE
}

# add_span CLONE AFTER LABEL: a new annotation (id 21) over the first "Казахстан" after char
# AFTER in doc0007, in alice's file.
add_span() {
    python3 - "$1/project" "$2" "$3" <<'PY'
import sys
root, after, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
path = f"{root}/annotations/alice/doc0007.txt.ron"
offset = open(f"{root}/doc0007.txt", encoding="utf-8").read().find("Казахстан", after)
text = open(path).read()
new = f'        (id: 21, label: "{label}", fragments: [(start: {offset}, end: {offset + 9}, text: "Казахстан")], author: "alice", created: "2026-12-06T00:00:00Z", modified: "2026-12-06T00:00:00Z"),\n    ],\n    links'
text = text.replace("    ],\n    links", new, 1).replace("next_id: 21", "next_id: 22")
open(path, "w").write(text)
PY
}

copy() { rm -rf "$dir/run" && cp -a "$dir/template" "$dir/run"; }

case "$cmd" in
    setup) setup ;;
    copy) copy ;;
    accord) copy && cd "$dir/run/a/project" && "$accord" sync --annotator alice >/dev/null ;;
    git) copy && cd "$dir/run/a" && g add -A project && g commit -qm "alice: 1 document" \
        && g fetch -q && g merge -q --no-edit '@{u}' && g push -q 2>/dev/null ;;
    *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
