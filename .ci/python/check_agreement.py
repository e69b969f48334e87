"""Checks `accord agree` against independent implementations of its unit-level figures.

    check_agreement.py path/to/accord

For each case (the sample project as it is, the sample project with perturbed copies of its
first annotator, and generated projects: perfect agreement, no agreement, a missing annotator,
a label used by one annotator only, three annotators, and random projects), it runs
`accord agree --json --dump-units FILE`, reads the unit × annotator table from FILE, computes
the figures itself from that table, and compares them with Accord's JSON, per document and
overall, to 1e-9:

- Cohen's κ per annotator pair, on units both labelled: sklearn.metrics.cohen_kappa_score;
- Fleiss' κ (three or more annotators), on units every annotator labelled:
  statsmodels.stats.inter_rater.fleiss_kappa;
- Krippendorff's α, nominal, with missing values: krippendorff.alpha.

The counts behind each figure (units per pair, units for Fleiss' κ, pairable units for α) are
compared too. A figure the reference library leaves undefined (nan, or an error for no
pairable data) must be null in Accord's JSON. Exits 1 naming what disagreed.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import shutil
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

TOLERANCE = 1e-9
REPO = Path(__file__).resolve().parents[2]
TIME = "2026-11-23T15:10:00Z"


# --- The unit table ---------------------------------------------------------------------------


@dataclass
class Units:
    """The `--dump-units` table: annotators, and per document its rows of labels (None: no
    file, a missing value)."""

    annotators: list[str]
    documents: dict[str, list[list[str | None]]] = field(default_factory=dict)

    def all_rows(self) -> list[list[str | None]]:
        return [row for rows in self.documents.values() for row in rows]


def read_units(path: Path) -> Units:
    # Split at "\n" only: str.splitlines() would also split at characters a token may hold.
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "", "the dump ends with a line feed"
    header = lines[0].split("\t")
    assert header[:4] == ["document", "start", "end", "text"], header
    units = Units(annotators=header[4:])
    for line in lines[1:-1]:
        cells = line.split("\t")
        assert len(cells) == len(header), f"{len(cells)} cells, header has {len(header)}: {line!r}"
        labels = [cell if cell != "" else None for cell in cells[4:]]
        units.documents.setdefault(cells[0], []).append(labels)
    return units


# --- Reference figures, from the table alone ----------------------------------------------------


def undefined_to_none(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def reference_cohen(rows, i: int, j: int) -> tuple[float | None, int]:
    both = [(r[i], r[j]) for r in rows if r[i] is not None and r[j] is not None]
    if not both:
        return None, 0
    a, b = zip(*both)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return undefined_to_none(cohen_kappa_score(list(a), list(b))), len(both)


def reference_fleiss(rows, annotators: int) -> tuple[float | None, int]:
    complete = [r for r in rows if all(v is not None for v in r)]
    if annotators < 3 or not complete:
        return None, len(complete)
    labels = sorted({v for r in complete for v in r})
    codes = np.array([[labels.index(v) for v in r] for r in complete])
    table, _ = aggregate_raters(codes)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return undefined_to_none(fleiss_kappa(table, method="fleiss")), len(complete)


def reference_alpha(rows, annotators: int) -> tuple[float | None, int]:
    pairable = sum(1 for r in rows if sum(v is not None for v in r) >= 2)
    labels = sorted({v for r in rows for v in r if v is not None})
    if not rows or annotators == 0:
        return None, pairable
    data = np.array(
        [[np.nan if r[a] is None else float(labels.index(r[a])) for r in rows] for a in range(annotators)]
    )
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:
        # "There has to be more than one value in the domain" / "at least one unit with
        # values assigned by at least two coders": undefined.
        return None, pairable
    return undefined_to_none(value), pairable


# --- Comparison --------------------------------------------------------------------------------


class Mismatch(Exception):
    pass


@dataclass
class Tally:
    compared: int = 0
    defined: int = 0
    worst: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)


def same(case: str, what: str, ours, reference, tally: Tally, kind: str) -> None:
    tally.compared += 1
    tally.by_kind[kind] = tally.by_kind.get(kind, 0) + 1
    if reference is None or ours is None:
        if reference is not None or ours is not None:
            raise Mismatch(f"{case}: {what}: accord {ours!r}, reference {reference!r}")
        return
    tally.defined += 1
    diff = abs(float(ours) - float(reference))
    tally.worst = max(tally.worst, diff)
    if not diff <= TOLERANCE:
        raise Mismatch(f"{case}: {what}: accord {ours!r}, reference {reference!r} (differ by {diff:.3g})")


def same_count(case: str, what: str, ours, reference) -> None:
    if ours != reference:
        raise Mismatch(f"{case}: {what}: accord counts {ours}, the dump gives {reference}")


def compare_scope(case: str, scope: str, figures: dict, rows, annotators: list[str], tally: Tally) -> None:
    n = len(annotators)
    same_count(case, f"{scope} units", figures["units"], len(rows))
    alpha, pairable = reference_alpha(rows, n)
    same(case, f"{scope} Krippendorff's α", figures["krippendorff_alpha"]["value"], alpha, tally, "alpha")
    same_count(case, f"{scope} α pairable units", figures["krippendorff_alpha"]["pairable_units"], pairable)
    fleiss, complete = reference_fleiss(rows, n)
    same(case, f"{scope} Fleiss' κ", figures["fleiss_kappa"]["value"], fleiss, tally, "fleiss")
    same_count(case, f"{scope} Fleiss units", figures["fleiss_kappa"]["units"], complete)
    pairs = {(p["a"], p["b"]): p for p in figures["pairs"]}
    same_count(case, f"{scope} pairs", len(pairs), n * (n - 1) // 2)
    for i in range(n):
        for j in range(i + 1, n):
            pair = pairs[(annotators[i], annotators[j])]
            kappa, both = reference_cohen(rows, i, j)
            label = f"{scope} Cohen's κ {annotators[i]}–{annotators[j]}"
            same(case, label, pair["cohen_kappa"], kappa, tally, "cohen")
            same_count(case, f"{label}: units", pair["units"], both)


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def check_case(accord: str, case: str, root: Path, extra: list[str], work: Path, totals: Tally) -> Units:
    dump = work / f"{case}.units.tsv"
    run = subprocess.run(
        [accord, "agree", "--json", "--per-document", "--dump-units", str(dump), str(root), *extra],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        raise Mismatch(f"{case}: accord agree exited {run.returncode}: {run.stderr}")
    report = json.loads(run.stdout)
    units = read_units(dump)
    if units.annotators != report["annotators"]:
        raise Mismatch(f"{case}: dump columns {units.annotators}, JSON annotators {report['annotators']}")
    tally = Tally()
    compare_scope(case, "overall", report["overall"], units.all_rows(), units.annotators, tally)
    for doc in report["documents"]:
        rows = units.documents.get(doc["file"], [])
        compare_scope(case, doc["file"], doc, rows, units.annotators, tally)
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(tally.by_kind.items()))
    print(
        f"  {case}: {plural(len(units.annotators), 'annotator')}, "
        f"{plural(len(report['documents']), 'document')}, {plural(len(units.all_rows()), 'unit')}; "
        f"{tally.compared} figures ({kinds}), "
        f"{tally.defined} defined, max |difference| {tally.worst:.2e}"
    )
    totals.compared += tally.compared
    totals.defined += tally.defined
    totals.worst = max(totals.worst, tally.worst)
    for k, v in tally.by_kind.items():
        totals.by_kind[k] = totals.by_kind.get(k, 0) + v
    return units


# --- Generated projects ------------------------------------------------------------------------

WORDS = {
    "latin": ["President", "Tokayev", "met", "Rahmon", "in", "Dushanbe", "to", "raise", "trade",
              "billion", "dollars", "within", "five", "years", "Astana", "treaty", "talks"],
    "cyrillic": ["Президент", "Токаев", "встретился", "с", "Рахмоном", "в", "Душанбе", "договор",
                 "Қазақстан", "мен", "Тәжікстан"],
    "arabic": ["الرئيس", "توكاييف", "التقى", "رحمان", "في", "دوشنبه", "مليار", "دولار"],
    "han": ["哈萨克斯坦", "塔吉克斯坦", "总统", "会谈", "二十亿美元", "杜尚别"],
}
LABELS = ["PERSON", "COUNTRY", "ORG", "LOCATION", "DATE", "MONEY", "EVENT"]


@dataclass
class Doc:
    file: str
    text: str
    words: list[tuple[int, int]]  # char ranges of the words placed


def make_doc(rng: random.Random, file: str, n_words: int, punctuation: bool = True) -> Doc:
    """Words of several scripts with known char ranges; without `punctuation`, every unit is
    a word (or a Han character of one)."""
    parts, words, at = [], [], 0
    for k in range(n_words):
        script = rng.choice(list(WORDS))
        word = rng.choice(WORDS[script])
        words.append((at, at + len(word)))
        parts.append(word)
        at += len(word)
        if not punctuation:
            sep = " " if k + 1 < n_words else "\n"
        else:
            sep = rng.choice([" ", " ", " ", ", ", ". ", "\n"]) if k + 1 < n_words else ".\n"
        parts.append(sep)
        at += len(sep)
    return Doc(file, "".join(parts), words)


def ron_string(s: str) -> str:
    # JSON and RON escape a line feed alike; the generator writes no other character that
    # needs escaping.
    text = json.dumps(s, ensure_ascii=False)
    assert "\\" not in text.replace("\\n", ""), f"generated text needs other escapes: {s!r}"
    return text


def write_annotations(root: Path, annotator: str, doc: Doc, spans: list[tuple[str, list[tuple[int, int]]]]) -> None:
    """Writes annotations/<annotator>/<doc>.ron: `spans` are (label, fragments)."""
    entries = []
    for i, (label, frags) in enumerate(sorted(spans, key=lambda s: (s[1][0][0], s[0])), start=1):
        fragments = ", ".join(
            f"(start: {s}, end: {e}, text: {ron_string(doc.text[s:e])})" for s, e in frags
        )
        entries.append(
            f"        (id: {i}, label: {ron_string(label)}, fragments: [{fragments}], "
            f"author: {ron_string(annotator)}, created: \"{TIME}\", modified: \"{TIME}\"),\n"
        )
    raw = doc.text.encode("utf-8")
    text = (
        "(\n    format: 1,\n"
        f"    document: (file: {ron_string(doc.file)}, sha256: \"{hashlib.sha256(raw).hexdigest()}\", "
        f"chars: {len(doc.text)}),\n"
        f"    annotator: {ron_string(annotator)},\n"
        f"    next_id: {len(entries) + 1},\n"
        "    annotations: [\n" + "".join(entries) + "    ],\n    links: [],\n)\n"
    )
    folder = root / "annotations" / annotator
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{doc.file}.ron").write_text(text, encoding="utf-8")


def new_project(
    work: Path, name: str, rng: random.Random, n_docs: int, n_words: int, punctuation: bool = True
) -> tuple[Path, list[Doc]]:
    root = work / name
    root.mkdir()
    docs = []
    for d in range(n_docs):
        doc = make_doc(rng, f"doc-{d}.txt", n_words, punctuation)
        (root / doc.file).write_text(doc.text, encoding="utf-8")
        docs.append(doc)
    return root, docs


def random_spans(rng: random.Random, doc: Doc, count: int, labels=LABELS) -> list[tuple[str, list[tuple[int, int]]]]:
    """Spans over whole words, some several words long (so they nest and overlap), some
    discontinuous, some cutting a word short."""
    spans = []
    for _ in range(count):
        first = rng.randrange(len(doc.words))
        last = min(len(doc.words) - 1, first + rng.choice([0, 0, 0, 1, 2]))
        start, end = doc.words[first][0], doc.words[last][1]
        if rng.random() < 0.1 and end - start > 2:
            end -= 1  # part of a word
        frags = [(start, end)]
        if rng.random() < 0.1 and last + 2 < len(doc.words):
            frags.append(doc.words[last + 2])  # a second fragment after a gap
        spans.append((rng.choice(labels), frags))
    return spans


def perturb(rng: random.Random, spans, drop: float, relabel: float, labels=LABELS):
    out = []
    for label, frags in spans:
        if rng.random() < drop:
            continue
        if rng.random() < relabel:
            label = rng.choice(labels)
        out.append((label, frags))
    return out


def generated_cases(work: Path):
    """(name, project folder, extra arguments, check of the dump) for each generated case."""
    rng = random.Random(20261123)

    root, docs = new_project(work, "perfect", rng, 3, 60)
    for doc in docs:
        spans = random_spans(rng, doc, 12)
        for annotator in ["alice", "bob"]:
            write_annotations(root, annotator, doc, spans)

    def perfect(units: Units, report):
        assert all(r[0] == r[1] for r in units.all_rows()), "identical files, identical units"
        assert report["overall"]["pairs"][0]["cohen_kappa"] == 1.0
        assert report["overall"]["krippendorff_alpha"]["value"] == 1.0

    yield "perfect agreement", root, [], perfect

    root, docs = new_project(work, "none", rng, 2, 40, punctuation=False)
    for doc in docs:
        # alice labels the even words PERSON, bob the odd ones LOCATION: no unit agrees.
        write_annotations(root, "alice", doc, [("PERSON", [w]) for w in doc.words[0::2]])
        write_annotations(root, "bob", doc, [("LOCATION", [w]) for w in doc.words[1::2]])

    def nothing_agrees(units: Units, report):
        pair = report["overall"]["pairs"][0]
        assert pair["observed_agreement"] == 0.0, pair["observed_agreement"]
        assert pair["cohen_kappa"] < 0, pair["cohen_kappa"]
        assert report["overall"]["spans"]["overlap"]["matched"] == 0

    yield "no agreement", root, [], nothing_agrees

    root, docs = new_project(work, "missing", rng, 3, 50)
    for d, doc in enumerate(docs):
        spans = random_spans(rng, doc, 10)
        for annotator in ["alice", "bob", "carol"]:
            if annotator == "carol" and d == 1:
                continue  # carol has no file for doc-1
            write_annotations(root, annotator, doc, perturb(rng, spans, 0.2, 0.2))

    def carol_missing(units: Units, report):
        assert all(r[2] is None for r in units.documents["doc-1.txt"]), "carol: missing on doc-1"
        assert all(r[2] is not None for r in units.documents["doc-0.txt"])
        doc1 = next(d for d in report["documents"] if d["file"] == "doc-1.txt")
        assert doc1["annotators_with_file"] == ["alice", "bob"]

    yield "missing annotator", root, [], carol_missing

    root, docs = new_project(work, "one-sided", rng, 2, 50)
    for doc in docs:
        spans = random_spans(rng, doc, 10, labels=["PERSON", "COUNTRY"])
        write_annotations(root, "alice", doc, spans + [("ORG", [doc.words[-1]])])
        write_annotations(root, "bob", doc, perturb(rng, spans, 0.1, 0.0))

    def org_alone(units: Units, report):
        assert any(r[0] == "ORG" for r in units.all_rows())
        assert not any(r[1] == "ORG" for r in units.all_rows())
        org = report["overall"]["pairs"][0]["spans"]["labels"]["ORG"]["exact"]
        assert org["spans_b"] == 0 and org["precision"] is None and org["f1"] == 0.0, org

    yield "label used by one annotator only", root, [], org_alone

    root, docs = new_project(work, "three", rng, 4, 80)
    for doc in docs:
        spans = random_spans(rng, doc, 20)
        for annotator in ["alice", "bob", "carol"]:
            write_annotations(root, annotator, doc, perturb(rng, spans, 0.15, 0.15) + random_spans(rng, doc, 2))

    def fleiss_defined(units: Units, report):
        assert report["overall"]["fleiss_kappa"]["value"] is not None

    yield "three annotators", root, [], fleiss_defined

    for seed in range(4):
        local = random.Random(seed)
        annotators = ["a", "b", "c", "d"][: 2 + seed % 3]
        root, docs = new_project(work, f"random-{seed}", local, 3, 70)
        for doc in docs:
            spans = random_spans(local, doc, 15)
            for annotator in annotators:
                if local.random() < 0.2 and doc.file != "doc-0.txt":
                    continue  # no file (doc-0 keeps everyone's, so there is always a pair)
                write_annotations(root, annotator, doc, perturb(local, spans, 0.3, 0.3) + random_spans(local, doc, 3))
        yield f"random {seed} ({len(annotators)} annotators)", root, [], None

    # Restricted to two labels and two of three annotators: the options change the table.
    yield "three annotators, --labels PERSON,MONEY --annotators carol,alice", work / "three", [
        "--labels", "PERSON,MONEY", "--annotators", "carol,alice"], None


def sample_with_copies(work: Path) -> Path | None:
    """The sample project with two perturbed copies of its first annotator, so real
    multilingual text gets non-trivial figures (None when it has no annotator)."""
    root = work / "sample-copies"
    shutil.copytree(REPO / "sample_docs", root)
    annotators = sorted(p.name for p in (root / "annotations").iterdir() if p.is_dir() and p.name != "curated")
    if not annotators:
        return None
    first = root / "annotations" / annotators[0]
    for copy, changes in [("zz-relabel", [('label: "DATE"', 'label: "EVENT"')]),
                          ("zz-country", [('label: "COUNTRY"', 'label: "ORG"')])]:
        shutil.copytree(first, root / "annotations" / copy)
        for k, path in enumerate(sorted((root / "annotations" / copy).glob("*.ron"))):
            if k % 2 == 1 and copy == "zz-country":
                path.unlink()  # a missing file
                continue
            text = path.read_text(encoding="utf-8")
            for old, new in changes:
                text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
    return root


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    accord = sys.argv[1]
    totals = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        try:
            print("accord agree against scikit-learn (Cohen's κ), statsmodels (Fleiss' κ), krippendorff (α):")
            check_case(accord, "sample_docs", REPO / "sample_docs", [], work, totals)
            copies = sample_with_copies(work)
            if copies is not None:
                check_case(accord, "sample_docs + perturbed copies", copies, [], work, totals)
            for name, root, extra, expect in generated_cases(work):
                units = check_case(accord, name, root, extra, work, totals)
                if expect is not None:
                    report = json.loads(
                        subprocess.run([accord, "agree", "--json", "--per-document", str(root), *extra], capture_output=True,
                                       text=True, check=True).stdout
                    )
                    try:
                        expect(units, report)
                    except AssertionError as e:
                        raise Mismatch(f"{name}: {e}") from e
        except Mismatch as e:
            print(f"MISMATCH: {e}", file=sys.stderr)
            return 1
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(totals.by_kind.items()))
    print(
        f"ok: {totals.compared} figures agree to {TOLERANCE:g} ({kinds}); {totals.defined} defined, "
        f"the rest null on both sides; max |difference| {totals.worst:.2e}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
