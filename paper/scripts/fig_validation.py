"""Figure: F1 and AUROC per construct, the trained scorer against the rules and two baselines,
all on the sentences the rules were not written from.

    python paper/scripts/fig_validation.py

Reads ``build/data/validation_metrics.csv`` (``compute_validation.py``) and writes
``figures/fig_validation.pdf`` and ``.png``: one panel per metric, one row per construct,
a dot (the estimate) and a line (the document-bootstrap 95% interval) per method, on the
``held_out`` subset (no sentence of the labels' first release, which the rules were written
from): the trained scorer's out-of-fold scores, the rules, the keyword count and VADER
(threat only; its threshold chosen on these sentences). Methods differ by marker and grey
level and are offset within a row.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import log, out_dirs  # noqa: E402
from _style import CONSTRUCT_LABEL, METHOD, METHOD_LABEL, WIDTH, save, setup  # noqa: E402

from rhetoric.constructs import CONSTRUCTS  # noqa: E402  (the registry)

METHODS = ("trained", "rules", "keyword", "vader")
LABEL = {**METHOD_LABEL, "vader": "VADER negativity (threshold tuned here)"}
METRICS = {"f1": "F1 (threshold 0.5)", "auroc": "AUROC"}
OFFSET = {"trained": -0.27, "rules": -0.09, "keyword": 0.09, "vader": 0.27}
SUBSET = "held_out"


def main() -> int:
    import pandas as pd

    plt = setup()
    dirs = out_dirs()
    tidy = pd.read_csv(dirs["data"] / "validation_metrics.csv")
    tidy = tidy[tidy["subset"] == SUBSET]
    positives = tidy.groupby("construct")["positives"].first()

    fig, axes = plt.subplots(1, len(METRICS), figsize=(WIDTH, 2.9), sharey=True)
    rows = {c: len(CONSTRUCTS) - 1 - i for i, c in enumerate(CONSTRUCTS)}  # threat on top
    for ax, (metric, title) in zip(axes, METRICS.items()):
        for method in METHODS:
            d = tidy[(tidy["method"] == method) & (tidy["metric"] == metric)].dropna(subset=["estimate"])
            if d.empty:
                continue
            y = [rows[c] + OFFSET[method] for c in d["construct"]]
            low = d["low"].fillna(d["estimate"])
            high = d["high"].fillna(d["estimate"])
            err = [(d["estimate"] - low).clip(lower=0), (high - d["estimate"]).clip(lower=0)]
            ax.errorbar(d["estimate"], y, xerr=err, capsize=0, elinewidth=1.0, markersize=4.2,
                        label=LABEL[method], **METHOD[method])
        if metric == "auroc":
            ax.axvline(0.5, color="0.6", linestyle=(0, (3, 2)), linewidth=0.7, zorder=0)
        ax.set_xlim(0, 1.02)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        ax.set_xticklabels(["0", ".25", ".5", ".75", "1"])
        ax.set_title(title)
        ax.grid(axis="x", color="0.9", linewidth=0.6)
        ax.set_axisbelow(True)
        for r in range(len(CONSTRUCTS) - 1):
            ax.axhline(r + 0.5, color="0.85", linewidth=0.5)
    axes[0].set_yticks([rows[c] for c in CONSTRUCTS])
    axes[0].set_yticklabels([f"{CONSTRUCT_LABEL[c]}\n({positives[c]} positive)" for c in CONSTRUCTS])
    axes[0].set_ylim(-0.6, len(CONSTRUCTS) - 0.4)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, bbox_to_anchor=(0.55, -0.02))
    fig.subplots_adjust(bottom=0.27, wspace=0.1)
    save(fig, "fig_validation")
    log("fig_validation done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
