"""The main job: score the crisis corpus and print a short summary.

    python -m rhetoric.summary [--limit N] [--n-jobs J] [-o outputs/crisis_scores.csv]

Scores every crisis document (sentences split, scored, aggregated per document), writes
the per-document features to a CSV (atomically), and prints, per actor and period (before
and after 24 February 2022), the number of documents and sentences and the share of
sentences that carry each construct.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .constructs import CONSTRUCTS

INVASION = "2022-02-24"


def summarise(docs, feats):
    """Per actor and period: documents, sentences and sentence-weighted construct shares."""
    import pandas as pd

    table = docs[["actor", "date"]].join(feats)
    table["period"] = (table["date"] >= pd.Timestamp(INVASION)).map({False: "before", True: "after"})
    rows = []
    for (actor, period), g in table.groupby(["actor", "period"], sort=True):
        n = g["n_sentences"].sum()
        row = {"actor": actor, "period": period, "documents": len(g), "sentences": int(n)}
        for c in CONSTRUCTS:
            # share of all the group's sentences at >= 0.5, weighting documents by length
            row[f"{c}_%"] = 100 * (g[f"{c}_share"] * g["n_sentences"]).sum() / n if n else 0.0
        rows.append(row)
    out = pd.DataFrame(rows)
    out["period"] = pd.Categorical(out["period"], ["before", "after"])
    return out.sort_values(["actor", "period"]).reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    from . import data

    parser = argparse.ArgumentParser(prog="python -m rhetoric.summary", description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="score only the first N documents")
    parser.add_argument("--n-jobs", type=int, default=-1, help="worker processes (-1: all cores)")
    parser.add_argument("-o", "--output", default="outputs/crisis_scores.csv", help="per-document features (CSV)")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    docs = data.load_crisis(limit=args.limit)
    feats = data.featurise(docs["text"], n_jobs=args.n_jobs, progress=True)
    elapsed = time.perf_counter() - t0

    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    docs.drop(columns=["text"]).join(feats).to_csv(tmp, index=False)
    tmp.replace(out)

    table = summarise(docs, feats)
    print(f"Scored {len(docs):,} documents, {int(feats['n_sentences'].sum()):,} sentences in {elapsed:.1f} s "
          f"(cached runs are faster); per-document features in {out}")
    print("Share of sentences (%) scoring >= 0.5, by actor and period (24 Feb 2022):")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
