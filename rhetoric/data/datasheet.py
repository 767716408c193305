"""The numbers of ``data/DATASHEET.md``, computed from the data.

    python -m rhetoric.data.datasheet            # print the counts (Markdown)
    python -m rhetoric.data.datasheet --write    # also replace them in data/DATASHEET.md

Every number in the datasheet's generated section comes from here: documents per actor,
source and type, words, sentences (from :func:`rhetoric.text.split_sentences` after
:func:`rhetoric.text.normalise`, the splitter the extractor uses), UN speeches and words
per decade, layout quirks; for the annotations, sentences and positives per corpus
(crisis | ungdc), per stratum group and stratum, and per cross-validation fold; the
sampling frame (``annotations/sampling_frame.jsonl.gz``) and which strata were drawn from
it; and the label agreement figures, read from ``annotations/agreement.json`` (never from
the data README's prose). The section sits between ``<!-- BEGIN GENERATED -->`` and
``<!-- END GENERATED -->``; the prose around it is written by hand. Takes about a minute
(it splits every UN speech).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from ..text import normalise, split_sentences
from ._atomic import atomic_path
from .corpora import LABELS, DataFileMissing, data_file, iter_documents, iter_jsonl
from .frame import SAMPLING_FRAME_FILE

__all__ = ["corpus_statistics", "render", "main", "is_hard_wrapped", "has_markdown", "stratum_group",
           "STRATUM_GROUPS", "AGREEMENT_FILE", "FRAME_FILE"]

AGREEMENT_FILE = "annotations/agreement.json"
FRAME_FILE = SAMPLING_FRAME_FILE  # the one name of the file (rhetoric.data.frame)

#: How the annotated sentences were drawn, by stratum name (the data README's table):
#: (group, pattern matching the whole stratum name). A stratum no pattern matches is
#: counted under "other" so that a new one shows up in the datasheet instead of vanishing.
STRATUM_GROUPS = (
    ("first release", r"random|threat2?|cond2?|two2?|alt2"),
    ("crisis random", r"random_r\d+"),
    ("crisis cue vocabulary", r"(?:threat|cond|two|commit)_r\d+"),
    ("crisis explicit alternatives", r"twopath_r\d+"),
    ("crisis extractor score >= 0.3", r"model_r\d+"),
    ("UN random", r"ungdc_random_r\d+"),
    ("UN cue vocabulary", r"ungdc_cue_r\d+"),
    ("UN explicit alternatives", r"ungdc_twopath_r\d+"),
)


def stratum_group(stratum: str) -> str:
    """The group of a stratum name (see :data:`STRATUM_GROUPS`).

    >>> stratum_group("threat2"), stratum_group("commit_r2"), stratum_group("ungdc_cue_r1")
    ('first release', 'crisis cue vocabulary', 'UN cue vocabulary')
    >>> stratum_group("something_new")
    'other'
    """
    for group, pattern in STRATUM_GROUPS:
        if re.fullmatch(pattern, stratum):
            return group
    return "other"

BEGIN = "<!-- BEGIN GENERATED -->"
END = "<!-- END GENERATED -->"
DATASHEET = Path(__file__).resolve().parents[2] / "data" / "DATASHEET.md"

_MARKDOWN = re.compile(r"\*\*|__|^#{1,6} ", re.MULTILINE)


def is_hard_wrapped(text: str) -> bool:
    """Printed-record layout: at least 10 lines, four in five of them 80 characters or
    shorter and not separated by blank lines (a line break inside a paragraph)."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if len(lines) < 10:
        return False
    short = sum(len(ln) <= 80 for ln in lines)
    single_breaks = len(re.findall(r"(?<!\n)\n(?!\n)", text))
    return short >= 0.8 * len(lines) and single_breaks >= 0.5 * len(lines)


def has_markdown(text: str) -> bool:
    """Markdown emphasis (``**``, ``__``) or a heading (``# ...``)."""
    return _MARKDOWN.search(text) is not None


def _n_sentences(text: str) -> int:
    return len(split_sentences(normalise(text)))


def corpus_statistics(root=None) -> dict:
    """All the datasheet's numbers, streamed from the data (one document at a time)."""
    crisis: dict = {
        "docs": Counter(), "words": Counter(), "sentences": Counter(), "no_paragraphs": Counter(),
        "doc_types": Counter(), "dates": {}, "doc_ids": defaultdict(set),
    }
    for r in iter_documents("crisis", root):
        a = r["actor"]
        crisis["docs"][a] += 1
        crisis["doc_ids"][a].add(r["doc_id"])
        crisis["words"][a] += len(r["text"].split())
        crisis["sentences"][a] += _n_sentences(r["text"])
        crisis["no_paragraphs"][a] += "\n\n" not in r["text"]
        crisis["doc_types"][(a, r["source"], r["doc_type"])] += 1
        lo, hi = crisis["dates"].get(a, (r["date"], r["date"]))
        crisis["dates"][a] = (min(lo, r["date"]), max(hi, r["date"]))

    ungdc: dict = {"docs": Counter(), "words": Counter(), "sentences": Counter(), "wrapped": Counter(),
                   "markdown": Counter(), "countries": defaultdict(set), "no_speaker": 0, "years": set()}
    for r in iter_documents("ungdc", root):
        decade = f"{r['year'] // 10 * 10}s"
        ungdc["docs"][decade] += 1
        ungdc["words"][decade] += len(r["text"].split())
        ungdc["sentences"][decade] += _n_sentences(r["text"])
        ungdc["wrapped"][decade] += is_hard_wrapped(r["text"])
        ungdc["markdown"][decade] += has_markdown(r["text"])
        ungdc["countries"][decade].add(r["iso3"])
        ungdc["no_speaker"] += not r["speaker"]
        ungdc["years"].add(r["year"])

    ann: dict = {"strata": Counter(), "positives": defaultdict(Counter), "actors": defaultdict(Counter),
                 "docs": defaultdict(set), "stratum_corpus": {}, "stratum_docs": defaultdict(set),
                 "corpus": Counter(), "corpus_positives": defaultdict(Counter), "dates": {},
                 "folds": defaultdict(Counter), "fold_docs": defaultdict(set), "fold_positives": defaultdict(Counter),
                 "keys": defaultdict(set)}
    for r in iter_documents("annotations", root):
        s, corpus, fold = r["stratum"], r["corpus"], int(r["fold"])
        ann["strata"][s] += 1
        ann["stratum_corpus"].setdefault(s, set()).add(corpus)
        ann["stratum_docs"][s].add(r["doc_id"])
        ann["corpus"][corpus] += 1
        ann["actors"][corpus][r["actor"]] += 1
        ann["docs"][corpus].add(r["doc_id"])
        lo, hi = ann["dates"].get(corpus, (str(r["date"]), str(r["date"])))
        ann["dates"][corpus] = (min(lo, str(r["date"])), max(hi, str(r["date"])))
        ann["folds"][fold][corpus] += 1
        ann["fold_docs"][fold].add(r["doc_id"])
        ann["keys"][s].add((r["doc_id"], int(r["start"]), int(r["end"])))
        for label in LABELS:
            ann["positives"][s][label] += int(r[label])
            ann["corpus_positives"][corpus][label] += int(r[label])
            ann["fold_positives"][fold][label] += int(r[label])

    actor_of = {doc: a for a, docs in crisis.pop("doc_ids").items() for doc in docs}
    frame: dict | None = None
    try:
        frame_path = data_file(FRAME_FILE, root)
    except DataFileMissing:
        frame_path = None
    if frame_path is not None:
        frame = {"sentences": Counter(), "docs": defaultdict(set), "in_frame": Counter()}
        keys = set()
        for r in iter_jsonl(frame_path):
            key = (r["doc_id"], int(r["start"]), int(r["end"]))
            keys.add(key)
            a = actor_of.get(r["doc_id"], "unknown")
            frame["sentences"][a] += 1
            frame["docs"][a].add(r["doc_id"])
        for s, ks in ann["keys"].items():
            frame["in_frame"][s] = len(ks & keys)
        # per actor, the random strata's draws (design weights differ by nothing but n / N)
        frame["drawn"] = {s: Counter(actor_of.get(k[0], "unknown") for k in ks & keys)
                          for s, ks in ann["keys"].items() if stratum_group(s) == "crisis random"}
    del ann["keys"]

    try:
        agreement = json.loads(data_file(AGREEMENT_FILE, root).read_text(encoding="utf-8"))
    except DataFileMissing:
        agreement = None
    return {"crisis": crisis, "ungdc": ungdc, "annotations": ann, "frame": frame, "agreement": agreement}


def _table(header: list[str], rows: list[list]) -> str:
    def fmt(v):
        return f"{v:,}" if isinstance(v, int) else str(v)

    # numbers right-aligned, words left
    align = ["---:" if isinstance(v, (int, float)) else "---" for v in rows[0]] if rows else ["---"] * len(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def render(stats: dict) -> str:
    """The generated section of the datasheet, as Markdown."""
    c, u, a = stats["crisis"], stats["ungdc"], stats["annotations"]
    actors = sorted(c["docs"])
    out = [
        "_Generated by `python -m rhetoric.data.datasheet --write`; do not edit by hand._",
        "",
        "### Crisis statements: per actor",
        "",
        _table(
            ["actor", "documents", "first date", "last date", "words", "sentences", "words / document",
             "documents without a blank line"],
            [[x, c["docs"][x], c["dates"][x][0], c["dates"][x][1], c["words"][x], c["sentences"][x],
              round(c["words"][x] / c["docs"][x]), c["no_paragraphs"][x]] for x in actors]
            + [["all", sum(c["docs"].values()), min(d[0] for d in c["dates"].values()),
                max(d[1] for d in c["dates"].values()), sum(c["words"].values()), sum(c["sentences"].values()),
                round(sum(c["words"].values()) / sum(c["docs"].values())), sum(c["no_paragraphs"].values())]],
        ),
        "",
        "### Crisis statements: per source and document type",
        "",
        _table(["actor", "source", "doc_type", "documents"],
               [[x, src, t, n] for (x, src, t), n in sorted(c["doc_types"].items())]),
        "",
        "### UN General Debate: per decade",
        "",
        _table(
            ["decade", "speeches", "countries", "words", "sentences", "hard-wrapped", "with Markdown"],
            [[d, u["docs"][d], len(u["countries"][d]), u["words"][d], u["sentences"][d], u["wrapped"][d], u["markdown"][d]]
             for d in sorted(u["docs"])]
            + [["all", sum(u["docs"].values()), len(set().union(*u["countries"].values())), sum(u["words"].values()),
                sum(u["sentences"].values()), sum(u["wrapped"].values()), sum(u["markdown"].values())]],
        ),
        "",
        f"Years covered: {min(u['years'])}–{max(u['years'])} ({len(u['years'])} sessions' years); "
        f"speeches without a speaker name: {u['no_speaker']}. \"Hard-wrapped\" and \"with Markdown\" are "
        "the heuristics `is_hard_wrapped` and `has_markdown` of `rhetoric/data/datasheet.py`.",
        "",
    ]
    out += _annotation_sections(a)
    out += _frame_section(stats.get("frame"), a)
    out += _agreement_section(stats.get("agreement"))
    return "\n".join(out) + "\n"



def _pct(k: int, n: int) -> str:
    return f"{100 * k / n:.1f}%" if n else "–"


def _annotation_sections(a: dict) -> list[str]:
    corpora = sorted(a["corpus"])
    total = sum(a["corpus"].values())
    groups: dict = {}
    for s, n in a["strata"].items():
        g = (stratum_group(s), "+".join(sorted(a["stratum_corpus"][s])))
        entry = groups.setdefault(g, {"strata": [], "n": 0, "docs": set(), "pos": Counter()})
        entry["strata"].append(s)
        entry["n"] += n
        entry["docs"] |= a["stratum_docs"][s]
        entry["pos"].update(a["positives"][s])
    order = [name for name, _ in STRATUM_GROUPS] + ["other"]
    group_rows = [[g, c, ", ".join(sorted(e["strata"])), e["n"], len(e["docs"])] + [e["pos"][lab] for lab in LABELS]
                  for (g, c), e in sorted(groups.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1]))]
    all_pos = [sum(a["corpus_positives"][c][lab] for c in corpora) for lab in LABELS]
    crisis_actors = a["actors"].get("crisis", Counter())
    un_actors = a["actors"].get("ungdc", Counter())
    return [
        "### Annotations: per corpus",
        "",
        "Positives per label, and in brackets their share of the corpus's annotated sentences "
        "(enriched strata included, so these are not corpus rates).",
        "",
        _table(["corpus", "sentences", "documents", "speakers", "first date", "last date"] + list(LABELS),
               [[c, a["corpus"][c], len(a["docs"][c]), len(a["actors"][c]), a["dates"][c][0][:10], a["dates"][c][1][:10]]
                + [f"{a['corpus_positives'][c][lab]:,} ({_pct(a['corpus_positives'][c][lab], a['corpus'][c])})"
                   for lab in LABELS] for c in corpora]
               + [["all", total, sum(len(d) for d in a["docs"].values()), sum(len(x) for x in a["actors"].values()),
                   min(d[0] for d in a["dates"].values())[:10], max(d[1] for d in a["dates"].values())[:10]]
                  + [f"{p:,} ({_pct(p, total)})" for p in all_pos]]),
        "",
        (f"Speakers: crisis {', '.join(f'{k} {v:,}' for k, v in sorted(crisis_actors.items()))}; "
         f"UN General Debate {len(un_actors):,} countries (ISO3 codes), at most "
         f"{max(un_actors.values(), default=0):,} sentences from one. UN rows carry the session's year as their date."),
        "",
        "### Annotations: per stratum group",
        "",
        "Groups of the strata by how their sentences were drawn (`stratum_group` in "
        "`rhetoric/data/datasheet.py`; the data README describes each stratum).",
        "",
        _table(["group", "corpus", "strata", "sentences", "documents"] + list(LABELS), group_rows),
        "",
        "### Annotations: per stratum",
        "",
        _table(["stratum", "corpus", "sentences"] + list(LABELS),
               [[s, "+".join(sorted(a["stratum_corpus"][s])), n] + [a["positives"][s][lab] for lab in LABELS]
                for s, n in sorted(a["strata"].items())]
               + [["all", "", total] + all_pos]),
        "",
        "### Annotations: cross-validation folds",
        "",
        "`fold` is a hash of the document: every sentence of a document has the same fold, so "
        "cross-validation over `fold` never splits a document.",
        "",
        _table(["fold"] + [f"{c} sentences" for c in corpora] + ["documents"] + list(LABELS),
               [[str(f)] + [a["folds"][f][c] for c in corpora] + [len(a["fold_docs"][f])]
                + [a["fold_positives"][f][lab] for lab in LABELS] for f in sorted(a["folds"])]),
        "",
    ]


def _frame_section(frame: dict | None, a: dict) -> list[str]:
    out = ["### Sampling frame (`annotations/sampling_frame.jsonl.gz`)", ""]
    if frame is None:
        return out + [f"`{FRAME_FILE}` is not in the data root.", ""]
    n = sum(frame["sentences"].values())
    randoms = sorted(frame["drawn"])
    actors = sorted(frame["sentences"])
    out += [
        _table(["actor", "frame sentences", "documents"] + [f"{s} drawn" for s in randoms],
               [[x, frame["sentences"][x], len(frame["docs"][x])] + [frame["drawn"][s][x] for s in randoms]
                for x in actors]
               + [["all", n, sum(len(d) for d in frame["docs"].values())]
                  + [sum(frame["drawn"][s].values()) for s in randoms]]),
        "",
    ]
    inside = sorted(s for s, k in frame["in_frame"].items() if k == a["strata"][s])
    partly = sorted(s for s, k in frame["in_frame"].items() if 0 < k < a["strata"][s])
    outside = sorted(s for s, k in frame["in_frame"].items() if k == 0)
    round1 = sum(k for s, k in frame["in_frame"].items() if s.endswith("_r1"))
    text = []
    if "random_r1" in frame["drawn"]:
        k = sum(frame["drawn"]["random_r1"].values())
        text.append(f"`random_r1` is a simple random sample of {k:,} of the frame's {n:,} sentences: "
                    f"inclusion probability {k:,} / {n:,} = {k / n:.5f} for every frame sentence, "
                    f"so each of its sentences stands for {n / k:,.2f} frame sentences in an estimate of a rate over "
                    "the frame (not over the whole crisis corpus: the frame keeps sentences of 6-70 words).")
    text.append(f"The round-1 strata (`*_r1`) drew {round1:,} frame sentences, leaving {n - round1:,} for round 2.")
    text.append(f"Strata wholly inside the frame: {', '.join(inside) or 'none'}"
                + (f"; partly: {', '.join(partly)}" if partly else "")
                + f"; outside it (first release, UN General Debate): {', '.join(outside) or 'none'}.")
    return out + [" ".join(text), ""]


def _agreement_section(agreement: dict | None) -> list[str]:
    out = [f"### Label agreement (`{AGREEMENT_FILE}`)", ""]
    if agreement is None:
        return out + [f"`{AGREEMENT_FILE}` is not in the data root."]
    held = agreement["held_out_sample"]
    qc = agreement["training_labels_vs_adjudicated"]
    out += [
        _table(["label", "Cohen's kappa, two passes (held-out)", "F1 between passes (held-out)",
                "F1, training labels vs adjudicated"],
               [[lab, f"{held['cohen_kappa'][lab]:.2f}", f"{held['pairwise_f1'][lab]:.2f}", f"{qc['f1'][lab]:.2f}"]
                for lab in LABELS]),
        "",
        f"Held-out sample: {held['sentences']:,} sentences from documents outside the training file, "
        f"{held['passes']} independent passes of the annotating model. Quality control: "
        f"{qc['quality_control_sentences']:,} adjudicated sentences of that sample mixed, unmarked, into the "
        "annotation batches and compared with the single-pass label they received.",
    ]
    return out


def write(section: str, path: Path = DATASHEET) -> None:
    """Replace the generated section of ``path`` (atomically)."""
    text = path.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise ValueError(f"{path}: no {BEGIN} ... {END} section to replace")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{BEGIN}\n{section}{END}{tail}"
    with atomic_path(path) as tmp:
        tmp.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rhetoric.data.datasheet", description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"replace the generated section of {DATASHEET}")
    parser.add_argument("--root", help="data root (default: $RHETORIC_DATA)")
    args = parser.parse_args(argv)
    section = render(corpus_statistics(args.root))
    print(section)
    if args.write:
        write(section)
        print(f"updated {DATASHEET}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
