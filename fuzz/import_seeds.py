#!/usr/bin/env python3
"""Seeds for the importer fuzz targets, cut from exports of the sample project.

    cargo build --no-default-features
    for f in jsonl brat label-studio conll; do
        target/debug/accord export sample_docs --format $f --annotator aigerim --out /tmp/seeds/$f
    done
    python3 fuzz/import_seeds.py /tmp/seeds

Whole exports are 60-120 KB, which slows a fuzzer down; each seed is a window of one document
(its first 400 characters, and 600 around its first commitment) with the annotations, links,
attributes and notes that fall inside it, so that every kind of line or record is in a small
seed. Writes fuzz/corpus/import_{jsonl,label_studio,conll,brat}/.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def out_dir(target):
    path = os.path.join(HERE, "corpus", target)
    os.makedirs(path, exist_ok=True)
    return path


def windows(text, spans):
    """(lo, hi) windows of a text: its start, and around its first commitment."""
    found = [(lo, hi) for lo, hi in [(0, min(len(text), 400))]]
    commitments = [s for s in spans if s[2] == "COMMITMENT"]
    if commitments:
        lo = max(0, commitments[0][0] - 100)
        found.append((lo, min(len(text), lo + 600)))
    return found


def jsonl(src):
    dest = out_dir("import_jsonl")
    for n, line in enumerate(open(os.path.join(src, "jsonl"), encoding="utf-8")):
        doc = json.loads(line)
        spans = [(a["fragments"][0][0], a["fragments"][-1][1], a["label"]) for a in doc["annotations"]]
        for w, (lo, hi) in enumerate(windows(doc["text"], spans)):
            kept = []
            for a in doc["annotations"]:
                if all(lo <= s and e <= hi for s, e in a["fragments"]):
                    a = dict(a, fragments=[[s - lo, e - lo] for s, e in a["fragments"]])
                    kept.append(a)
            ids = {a["id"] for a in kept}
            cut = dict(
                doc,
                text=doc["text"][lo:hi],
                annotations=kept,
                spans=[[s - lo, e - lo, label] for s, e, label in doc.get("spans", []) if lo <= s and e <= hi],
                relations=[r for r in doc.get("relations", []) if r["from"] in ids and r["to"] in ids],
                groups=doc.get("groups", [])[:1] if w == 0 else [],
            )
            with open(os.path.join(dest, f"doc{n}-w{w}.jsonl"), "w", encoding="utf-8") as f:
                f.write(json.dumps(cut, ensure_ascii=False) + "\n")


def label_studio(src):
    dest = out_dir("import_label_studio")
    tasks = json.load(open(os.path.join(src, "label-studio", "tasks.json"), encoding="utf-8"))
    for n, task in enumerate(tasks):
        text = task["data"]["text"]
        results = task["annotations"][0]["result"] if task["annotations"] else []
        regions = [r for r in results if r["type"] == "labels"]
        spans = [(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]) for r in regions]
        for w, (lo, hi) in enumerate(windows(text, spans)):
            kept_ids = set()
            cut_results = []
            for r in results:
                v = r.get("value", {})
                if r["type"] == "labels" or "start" in v:
                    if not (lo <= v["start"] and v["end"] <= hi):
                        continue
                    r = dict(r, value=dict(v, start=v["start"] - lo, end=v["end"] - lo))
                    if r["type"] == "labels":
                        kept_ids.add(r["id"])
                cut_results.append(r)
            cut_results = [
                r
                for r in cut_results
                if r["type"] != "relation" or (r["from_id"] in kept_ids and r["to_id"] in kept_ids)
            ]
            cut = dict(task, data=dict(task["data"], text=text[lo:hi]))
            cut["annotations"] = [dict(task["annotations"][0], result=cut_results)] if task["annotations"] else []
            with open(os.path.join(dest, f"task{n}-w{w}.json"), "w", encoding="utf-8") as f:
                json.dump([cut], f, ensure_ascii=False)


def conll(src):
    dest = out_dir("import_conll")
    docs = open(os.path.join(src, "conll"), encoding="utf-8").read().split("-DOCSTART- -X- -X- O\n")
    for n, doc in enumerate(d for d in docs if d.strip()):
        sentences = [s for s in doc.split("\n\n") if s.strip()]
        for w, (lo, hi) in enumerate([(0, 4), (len(sentences) // 2, len(sentences) // 2 + 4)]):
            with open(os.path.join(dest, f"doc{n}-w{w}.conll"), "w", encoding="utf-8") as f:
                f.write("-DOCSTART- -X- -X- O\n\n" + "\n\n".join(sentences[lo:hi]) + "\n")


def brat(src):
    dest = out_dir("import_brat")
    folder = os.path.join(src, "brat")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".ann"):
            continue
        stem = name[: -len(".ann")]
        text = open(os.path.join(folder, stem + ".txt"), encoding="utf-8").read()
        lines = open(os.path.join(folder, name), encoding="utf-8").read().splitlines()
        spans = []
        for line in lines:
            if line.startswith("T"):
                _, body, _ = line.split("\t", 2)
                label, offsets = body.split(" ", 1)
                nums = [int(x) for piece in offsets.split(";") for x in piece.split()]
                spans.append((min(nums), max(nums), label))
        for w, (lo, hi) in enumerate(windows(text, spans)):
            kept, out = set(), []
            for line in lines:
                tag, body = line.split("\t")[:2]
                if tag.startswith("T"):
                    label, offsets = body.split(" ", 1)
                    pieces = [[int(x) for x in p.split()] for p in offsets.split(";")]
                    if all(lo <= s and e <= hi for s, e in pieces):
                        kept.add(tag)
                        moved = ";".join(f"{s - lo} {e - lo}" for s, e in pieces)
                        covered = " ".join(text[s:e] for s, e in pieces)
                        out.append(f"{tag}\t{label} {moved}\t{covered}")
                elif tag.startswith("R"):
                    args = [a.split(":", 1)[1] for a in body.split(" ")[1:]]
                    if all(a in kept for a in args):
                        out.append(line)
                elif body.split(" ")[1] in kept:
                    out.append(line)
            seed = text[lo:hi].encode("utf-8") + b"\0" + ("\n".join(out) + "\n").encode("utf-8")
            with open(os.path.join(dest, f"{stem}-w{w}"), "wb") as f:
                f.write(seed)


if __name__ == "__main__":
    src = sys.argv[1]
    jsonl(src)
    label_studio(src)
    conll(src)
    brat(src)
