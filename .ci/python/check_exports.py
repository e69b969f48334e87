"""Accord's exports read by the tools they are for: spaCy, seqeval, a brat standoff parser
(bratly), a WebAnno TSV reader (web-anno-tsv) and the Label Studio SDK.

    check_exports.py PATH_TO_ACCORD

Exports the sample project's annotations (aigerim's, one of its two annotators) and a
generated project (astral characters, Arabic with harakat, CRLF text, a BOM, overlapping and
discontinuous spans, a span across a line break) to every format, then has each peer read its format and compares what it read
with Accord's JSONL export of the same annotations (whose offsets are themselves checked
against the text by Python's own string slicing). Exits non-zero naming what disagreed.
"""

import collections
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FAILURES = []

# Python's str.splitlines() line boundaries: brat tools read .ann files with it.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def fail(message):
    FAILURES.append(message)
    print(f"  FAIL {message}")


def run(*args, expect=0):
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != expect:
        sys.exit(f"{' '.join(map(str, args))} exited {result.returncode}:\n{result.stdout}{result.stderr}")
    return result.stdout


# --- The generated project -------------------------------------------------------------

GENERATED = [
    {
        "file": "astral.txt",
        "bom": False,
        "language": "en",
        "text": "Smile 😊 and 𠀀 (U+20000), 😊😊 twice; 𝄞 clef, 👩‍👩‍👧 family.\nSecond line 𠀀𠀁𠀂 ends with 😊 in Astana.\n",
        "spans": [
            ("EVENT", ["Smile 😊"]),
            ("MONEY", ["𠀀 (U+20000)"]),
            ("EVENT", ["😊 and 𠀀"]),  # overlaps the MONEY span
            ("COUNTRY", ["😊😊"]),
            ("PERSON", ["👩‍👩‍👧 family"]),
            ("AGREEMENT", ["Second line", "ends with 😊"]),  # discontinuous
            ("LOCATION", ["Astana"]),
        ],
    },
    {
        "file": "harakat.ar.txt",
        "bom": False,
        "language": "ar",
        "text": "كَتَبَ الوَلَدُ الدَّرْسَ.\nقالَ الرَّئِيسُ إِمامُ عَلِي رَحْمان: «نَحْنُ شُرَكاءُ».\nعام ٢٠٢٤، ومبلغ ٢ مليار دولار.\n",
        "spans": [
            ("ORG", ["الوَلَدُ", "الدَّرْسَ"]),  # discontinuous
            ("PERSON", ["إِمامُ عَلِي رَحْمان"]),
            ("DATE", ["عام ٢٠٢٤"]),
            ("COMMITMENT", ["ومبلغ ٢ مليار دولار"]),
            ("MONEY", ["٢ مليار دولار"]),  # inside the commitment
        ],
    },
    {
        "file": "crlf.txt",
        "bom": False,
        "language": "en",
        "text": "First line in Astana\r\nSecond line, Қазақстан and Tajikistan\r\n\r\n中文 第三行 20亿美元\r\nlast line",
        "spans": [
            ("EVENT", ["Astana\r\nSecond line"]),  # across a CRLF
            ("LOCATION", ["Astana"]),
            ("COUNTRY", ["Қазақстан"]),
            ("COUNTRY", ["Tajikistan"]),
            ("MONEY", ["20亿美元"]),
            ("DATE", ["第三行", "last line"]),  # discontinuous, across lines
        ],
    },
    {
        "file": "bom-crlf.ar.txt",
        "bom": True,
        "language": "ar",
        "text": "زيارة إلى أستانا 😊\r\nبين طاجيكستان وكازاخستان\r\n",
        "spans": [
            ("EVENT", ["زيارة إلى أستانا 😊"]),
            ("LOCATION", ["أستانا"]),
            ("COUNTRY", ["طاجيكستان"]),
            ("COUNTRY", ["كازاخستان"]),  # inside the word وكازاخستان
        ],
    },
]


def generated_jsonl(copies=1):
    """JSONL lines for the generated documents, offsets found with Python's own str; with
    `copies`, that many of each, named `NN-file`."""
    lines = []
    for copy, doc in ((c, d) for c in range(copies) for d in GENERATED):
        text = doc["text"]
        annotations = []
        for n, (label, pieces) in enumerate(doc["spans"], start=1):
            fragments = []
            for piece in pieces:
                start = text.find(piece)
                assert start >= 0, piece
                fragments.append([start, start + len(piece)])
            annotations.append({"id": n, "label": label, "fragments": fragments})
        relations = []
        ids = {a["label"]: a["id"] for a in annotations}
        if "LOCATION" in ids and "COUNTRY" in ids:
            relations.append({"id": 100, "kind": "located_in", "from": ids["LOCATION"], "to": ids["COUNTRY"]})
        for a in annotations:
            if a["label"] == "COMMITMENT":
                a["attributes"] = {"kind": {"Enum": "pledge"}}
        lines.append(
            json.dumps(
                {
                    "text": text,
                    "annotations": annotations,
                    "relations": relations,
                    "meta": {
                        "file": doc["file"] if copies == 1 else f"{copy:02}-{doc['file']}",
                        "bom": doc["bom"],
                        "language": doc["language"],
                    },
                },
                ensure_ascii=False,
            )
        )
    return "\n".join(lines) + "\n"


# --- What Accord says it has --------------------------------------------------------------


def reference(jsonl_path):
    """Documents of Accord's JSONL export, checked against the texts they index."""
    docs = {}
    for line in Path(jsonl_path).read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        text = d["text"]
        for start, end, label in d["spans"]:
            assert 0 <= start < end <= len(text), (d["meta"]["file"], start, end)
        docs[d["meta"]["file"]] = d
    return docs


def check_generated_offsets(docs):
    """The generated spans came back at the offsets Python found for them."""
    for doc in GENERATED:
        d = docs[doc["file"]]
        if d["text"] != doc["text"]:
            fail(f"{doc['file']}: the JSONL text is not the document's text")
        got = sorted((a["label"], tuple(d["text"][s:e] for s, e in a["fragments"])) for a in d["annotations"])
        want = sorted((label, tuple(pieces)) for label, pieces in doc["spans"])
        if got != want:
            fail(f"{doc['file']}: JSONL spans {got} != generated {want}")


# --- spaCy ------------------------------------------------------------------------------------


def spacy_debug_data(name, spacy_path, tmp, allow_small):
    """`spacy debug data` on a DocBin, with a blank multi-language NER + spancat pipeline.
    Returns its exit code. With `allow_small`, its one complaint about a corpus too small to
    train on (fewer than 100 documents: about size, not format) is not a failure."""
    config = Path(tmp) / f"{name}.cfg"
    run(sys.executable, "-m", "spacy", "init", "config", str(config), "--lang", "xx", "--pipeline", "ner,spancat", "--force")
    env = dict(os.environ, NO_COLOR="1")
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "debug", "data", str(config), "--paths.train", str(spacy_path), "--paths.dev", str(spacy_path)],
        capture_output=True,
        text=True,
        env=env,
    )
    out = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    errors = [line for line in out.splitlines() if line.startswith("✘") and not re.match(r"✘ \d+ errors?$", line)]
    if allow_small:
        errors = [e for e in errors if "Low number of examples to train" not in e]
    elif result.returncode != 0:
        errors.append(f"exit code {result.returncode}")
    if errors or "Traceback" in out:
        fail(f"spacy debug data on {name}: {errors or out[-2000:]}")
    return result.returncode


def check_spacy(name, spacy_path, docs, tmp):
    import spacy
    from spacy.tokens import Doc, DocBin

    nlp = spacy.blank("xx")
    n_spans = 0
    for d in docs.values():
        text = d["text"]
        chars = list(text)
        char_doc = Doc(nlp.vocab, words=chars, spaces=[False] * len(chars))
        for start, end, label in d["spans"]:
            span = char_doc.char_span(start, end, label=label, alignment_mode="strict")
            if span is None or span.text != text[start:end]:
                fail(f"spaCy char_span({start}, {end}, {label}) on {d['meta']['file']}: {span!r}")
            n_spans += 1
    loaded = list(DocBin().from_disk(spacy_path).get_docs(nlp.vocab))
    if len(loaded) != len(docs):
        fail(f"spaCy: DocBin has {len(loaded)} docs, expected {len(docs)}")
    n_ents = n_sc = n_pieces = 0
    for doc, d in zip(loaded, docs.values()):
        file = d["meta"]["file"]
        if doc.text != d["text"]:
            fail(f"spaCy: DocBin text of {file} differs from the document")
        contiguous = {(a["fragments"][0][0], a["fragments"][0][1], a["label"]) for a in d["annotations"] if len(a["fragments"]) == 1}
        pieces = {(s, e, a["label"]) for a in d["annotations"] if len(a["fragments"]) > 1 for s, e in a["fragments"]}
        ents = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
        sc = {(s.start_char, s.end_char, s.label_) for s in doc.spans.get("sc", [])}
        disc = {(s.start_char, s.end_char, s.label_) for s in doc.spans.get("discontinuous", [])}
        if sc != contiguous:
            fail(f"spaCy: doc.spans['sc'] of {file} differs: {sorted(sc ^ contiguous)}")
        if disc != pieces:
            fail(f"spaCy: doc.spans['discontinuous'] of {file} differs: {sorted(disc ^ pieces)}")
        if not ents <= contiguous:
            fail(f"spaCy: doc.ents of {file} not among the spans: {sorted(ents - contiguous)}")
        for a, b in zip(sorted(ents), sorted(ents)[1:]):
            if a[1] > b[0]:
                fail(f"spaCy: overlapping ents in {file}: {a} {b}")
        n_ents += len(ents)
        n_sc += len(sc)
        n_pieces += len(disc)
    code = spacy_debug_data(name, spacy_path, tmp, allow_small=len(docs) < 100)
    print(
        f"  spaCy {spacy.__version__}: {n_spans} spans → char_span(strict) on character-tokenised Docs; "
        f"DocBin loaded {len(loaded)} docs, {n_ents} ents, {n_sc} spans in 'sc', {n_pieces} fragments in "
        f"'discontinuous'; debug data: no format errors (exit {code}"
        + (", only 'too few examples to train'" if code else "")
        + ")"
    )


# --- seqeval ---------------------------------------------------------------------------------


def check_conll(name, conll_path):
    from seqeval.metrics import f1_score
    from seqeval.metrics.sequence_labeling import get_entities
    from seqeval.scheme import IOB2

    sentences, sentence, docstarts, b_tags = [], [], 0, 0
    for line in Path(conll_path).read_text(encoding="utf-8").split("\n"):
        cols = line.split(" ")
        if cols[0] == "-DOCSTART-":
            docstarts += 1
            continue
        if line == "":
            if sentence:
                sentences.append(sentence)
                sentence = []
            continue
        if len(cols) != 4:
            fail(f"CoNLL {name}: line {line!r} has {len(cols)} columns")
        sentence.append(cols[-1])
        b_tags += cols[-1].startswith("B-")
    if sentence:
        sentences.append(sentence)
    f1 = f1_score(sentences, sentences, mode="strict", scheme=IOB2)
    entities = get_entities(sentences)
    if f1 != 1.0:
        fail(f"seqeval on {name}: F1 against itself is {f1}")
    if len(entities) != b_tags:
        fail(f"seqeval on {name}: {len(entities)} entities but {b_tags} B- tags")
    print(f"  seqeval: {docstarts} documents, {len(sentences)} sentences, {len(entities)} entities, F1 against itself {f1}")
    return docstarts


# --- brat (bratly) ---------------------------------------------------------------------------


def brat_pieces(text, fragments):
    """Accord's fragments as brat writes them: split at line breaks."""
    pieces = []
    for start, end in fragments:
        at = None
        for i in range(start, end):
            if text[i] in LINE_BREAKS:
                if at is not None:
                    pieces.append((at, i))
                at = None
            elif at is None:
                at = i
        if at is not None:
            pieces.append((at, end))
    return pieces


def quietly(function):
    """Calls `function` with its prints silenced."""
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        return function()


def check_brat(name, folder, docs):
    from bratly import EntityAnnotation, RelationAnnotation
    from bratly.io import read_and_load_ann_file, read_from_file

    n_entities = n_relations = 0
    for file, d in docs.items():
        stem = file[: -len(".txt")]
        txt = read_from_file(str(Path(folder) / f"{stem}.txt"))
        if txt != d["text"]:
            fail(f"brat {file}: the .txt is not the document's text (BOM? line endings?)")
        collection = read_and_load_ann_file(
            str(Path(folder) / f"{stem}.ann"), no_duplicates=False, sorting=False, renumerotize=False, grammar_check=False
        )
        entities = {a.id: a for a in collection.annotations if isinstance(a, EntityAnnotation)}
        relations = [a for a in collection.annotations if isinstance(a, RelationAnnotation)]
        for a in d["annotations"]:
            pieces = brat_pieces(d["text"], a["fragments"])
            entity = entities.get(f"T{a['id']}")
            if entity is None:
                fail(f"brat {file}: bratly has no T{a['id']}")
                continue
            got = [(f.start, f.end) for f in entity.fragments]
            if got != pieces or entity.label != a["label"]:
                fail(f"brat {file} T{a['id']}: bratly read {entity.label} {got}, Accord has {a['label']} {pieces}")
            content = " ".join(txt[s:e] for s, e in got)
            if entity.content != content:
                fail(f"brat {file} T{a['id']}: text {entity.content!r} != {content!r}")
        if len(entities) != len(d["annotations"]):
            fail(f"brat {file}: {len(entities)} entities for {len(d['annotations'])} annotations")
        links = {(r["kind"], r["from"], r["to"]) for r in d["relations"]}
        read = {(r.label, r.argument1[1].id, r.argument2[1].id) for r in relations}
        want = {(k, f"T{f}", f"T{t}") for k, f, t in links}
        if not want <= read:
            fail(f"brat {file}: relations {sorted(want - read)} not read")
        n_entities += len(entities)
        n_relations += len(relations)
    print(f"  bratly: {len(docs)} .ann files, {n_entities} entities (fragments and texts as Accord's), {n_relations} relations")
    # bratly's own consistency check opens the .txt with newline translation (CRLF read as
    # one char), unlike its read_from_file and brat itself: say so rather than fail.
    from bratly.io import read_document_collection_from_folder

    collection = read_document_collection_from_folder(str(folder))
    refused = [Path(doc.fullpath).name for doc in collection.documents if not quietly(doc.check_ann_compatibility_with_txt)]
    crlf = [f for f, d in docs.items() if "\r\n" in d["text"]]
    if sorted(refused) != sorted(crlf):
        fail(f"bratly's check_ann_compatibility_with_txt refused {refused}, not just the CRLF documents {crlf}")
    elif refused:
        print(
            f"  bratly: its check_ann_compatibility_with_txt() reads CRLF as one char and so refuses the "
            f"{len(refused)} CRLF documents (brat counts both chars, as Accord does)"
        )


# --- WebAnno TSV (web-anno-tsv) ------------------------------------------------------------


def check_webanno(name, folder, docs):
    from web_anno_tsv import open_web_anno_tsv

    n = 0
    for file, d in docs.items():
        text = d["text"]
        want = collections.Counter()
        for a in d["annotations"]:
            for s, e in a["fragments"]:
                # One span per sentence (line) it touches, without white space at its edges.
                for piece in re.split(r"\n", text[s:e]):
                    piece = piece.strip()
                    if piece:
                        want[(a["label"], piece)] += 1
        got = collections.Counter()
        with open_web_anno_tsv(str(Path(folder) / (file[: -len(".txt")] + ".tsv"))) as f:
            for sentence in f:
                for a in sentence.annotations:
                    if sentence.text[a.start : a.stop] != a.text:
                        fail(f"WebAnno {file}: {a}")
                    got[(a.label, a.text)] += 1
        if got != want:
            fail(f"WebAnno {file}: read {sorted((got - want).items())}, missing {sorted((want - got).items())}")
        n += sum(got.values())
    print(f"  web-anno-tsv: {len(docs)} TSV files, {n} spans with the labels and texts Accord has (UTF-16 offsets mapped back by the reader)")


# --- Label Studio SDK -------------------------------------------------------------------------


def check_label_studio(name, folder, docs, tmp):
    from label_studio_sdk.converter import Converter
    from label_studio_sdk.label_interface import LabelInterface

    config = (Path(folder) / "config.xml").read_text(encoding="utf-8")
    tasks = json.loads((Path(folder) / "tasks.json").read_text(encoding="utf-8"))
    interface = LabelInterface(config)
    for task in tasks:
        for annotation in task["annotations"]:
            if not interface.validate_annotation(annotation):
                errors = interface.validate_prediction(annotation, return_errors=True)
                fail(f"Label Studio: task {task['id']} ({task['data']['file']}) does not validate: {errors[:5]}")
    out = Path(tmp) / f"ls-{name}"
    converter = Converter(config=config, project_dir=str(folder), download_resources=False)
    converter.convert_to_json_min(str(Path(folder) / "tasks.json"), str(out), is_dir=False)
    records = json.loads((out / "result.json").read_text(encoding="utf-8"))
    n = 0
    for record, d in zip(records, docs.values()):
        text = record["text"]
        if text != d["text"]:
            fail(f"Label Studio: the converter's text of {d['meta']['file']} differs")
        got = sorted((r["start"], r["end"], r["labels"][0]) for r in record.get("label", []))
        want = sorted((s, e, label) for s, e, label in d["spans"])
        if got != want:
            fail(f"Label Studio {d['meta']['file']}: converter read {got}, Accord has {want}")
        for r in record.get("label", []):
            if text[r["start"] : r["end"]] != r["text"]:
                fail(f"Label Studio {d['meta']['file']}: {r}")
        n += len(got)
    print(f"  Label Studio SDK: {len(tasks)} tasks validate against config.xml; the converter read {n} regions at Accord's offsets")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    accord = str(Path(sys.argv[1]).resolve())
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "generated.jsonl"
        source.write_text(generated_jsonl(), encoding="utf-8")
        run(accord, "import", "--format", "jsonl", str(source), "--into", str(Path(tmp) / "generated"), "--annotator", "gen")
        many = Path(tmp) / "generated-x30.jsonl"
        many.write_text(generated_jsonl(copies=30), encoding="utf-8")
        run(accord, "import", "--format", "jsonl", str(many), "--into", str(Path(tmp) / "generated-x30"), "--annotator", "gen")
        bom = (Path(tmp) / "generated" / "bom-crlf.ar.txt").read_bytes()
        if not bom.startswith(b"\xef\xbb\xbf"):
            fail("the generated BOM document lost its BOM")
        projects = [
            ("sample", ROOT / "sample_docs", "aigerim"),
            ("generated", Path(tmp) / "generated", "gen"),
            # 120 documents: enough for `spacy debug data` to have nothing to say about size.
            ("generated-x30", Path(tmp) / "generated-x30", "gen"),
        ]
        for name, project, annotator in projects:
            print(f"{name} ({annotator}):")
            out = Path(tmp) / f"export-{name}"
            out.mkdir()
            paths = {}
            for fmt in ["jsonl", "spacy", "conll", "brat", "webanno-tsv", "label-studio", "html"]:
                # spaCy's corpus reader wants the `.spacy` suffix.
                paths[fmt] = out / (f"out.{fmt}" if fmt in ("jsonl", "spacy", "conll") else fmt)
                run(accord, "export", str(project), "--format", fmt, "--out", str(paths[fmt]), "--annotator", annotator)
            docs = reference(paths["jsonl"])
            if name == "generated":
                check_generated_offsets(docs)
            check_spacy(name, paths["spacy"], docs, tmp)
            if check_conll(name, paths["conll"]) != len(docs):
                fail(f"CoNLL {name}: not one -DOCSTART- per document")
            check_brat(name, paths["brat"], docs)
            check_webanno(name, paths["webanno-tsv"], docs)
            check_label_studio(name, paths["label-studio"], docs, tmp)
    if FAILURES:
        sys.exit(f"{len(FAILURES)} disagreement(s); first: {FAILURES[0]}")
    print("every peer read what Accord wrote")


if __name__ == "__main__":
    main()
