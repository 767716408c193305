"""Evaluate the extractors against sentences labelled with the codebook.

    python -m rhetoric.evaluate [--annotations PATH] [--errors CONSTRUCT]

prints precision, recall, F1 and AUROC per construct (threshold 0.5 on the score), from
the annotation file (default: ``$RHETORIC_DATA/annotations/train.jsonl``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .constructs import CONSTRUCTS
from .scoring import score

__all__ = ["load_annotations", "evaluate", "main"]


def load_annotations(path: str | Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
    return rows


def _auroc(y: list[int], s: list[float]) -> float:
    """Mann-Whitney AUROC (ties count half); NaN when a class is missing."""
    pos = [v for v, t in zip(s, y) if t]
    neg = [v for v, t in zip(s, y) if not t]
    if not pos or not neg:
        return float("nan")
    order = sorted(range(len(s)), key=lambda i: s[i])
    ranks = [0.0] * len(s)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and s[order[j + 1]] == s[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    rank_pos = sum(r for r, t in zip(ranks, y) if t)
    return (rank_pos - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def metrics(y: list[int], s: list[float], threshold: float = 0.5) -> dict[str, float]:
    pred = [v >= threshold for v in s]
    tp = sum(p and t for p, t in zip(pred, y))
    fp = sum(p and not t for p, t in zip(pred, y))
    fn = sum((not p) and t for p, t in zip(pred, y))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n": len(y), "positives": sum(y), "tp": tp, "fp": fp, "fn": fn,
            "precision": precision, "recall": recall, "f1": f1, "auroc": _auroc(y, s)}


def evaluate(rows: list[dict]) -> tuple[dict[str, dict[str, float]], list]:
    """Score each annotated sentence (as one sentence) and compare with its labels."""
    scored = [score(r["text"], split=False) for r in rows]
    table = {}
    for c in CONSTRUCTS:
        table[c] = metrics([int(r[c]) for r in rows], [t.features[c] for t in scored])
    return table, scored


def main(argv: list[str] | None = None, prog: str = "python -m rhetoric.evaluate") -> int:
    from .paths import data_root

    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n")[0])
    parser.add_argument("--annotations", help="annotation JSONL (default: $RHETORIC_DATA/annotations/train.jsonl)")
    parser.add_argument("--errors", choices=CONSTRUCTS, help="also list false positives and negatives")
    parser.add_argument("--json", action="store_true", help="print the table as JSON")
    args = parser.parse_args(argv)
    path = Path(args.annotations) if args.annotations else data_root() / "annotations" / "train.jsonl"
    rows = load_annotations(path)
    table, scored = evaluate(rows)
    if args.json:
        print(json.dumps(table, indent=2))
    else:
        print(f"{'construct':<16}{'n':>6}{'pos':>6}{'prec':>8}{'recall':>8}{'F1':>8}{'AUROC':>8}")
        for c, m in table.items():
            print(f"{c:<16}{m['n']:>6}{m['positives']:>6}{m['precision']:>8.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}{m['auroc']:>8.3f}")
    if args.errors:
        c = args.errors
        for r, t in zip(rows, scored):
            p = t.features[c] >= 0.5
            if p != bool(r[c]):
                kind = "FP" if p else "FN"
                rules = ",".join(f"{e.rule}{e.weight:+.1f}" for e in t.evidence if e.construct == c)
                print(f"{kind} {t.features[c]:.2f} [{r['actor']}] {r['text'][:220]}  <{rules}>")
    return 0


if __name__ == "__main__":
    sys.exit(main())
