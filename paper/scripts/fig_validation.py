"""Figure: precision, recall and F1 per construct for the rules and the two baselines.

    python paper/scripts/fig_validation.py

Reads ``build/data/validation_metrics.csv`` (``compute_validation.py``) and writes
``figures/fig_validation.pdf`` and ``.png``: one panel per metric, one row per construct,
a dot (the estimate on all annotated sentences) and a line (the bootstrap 95% interval)
per method; methods differ by marker and grey level and are offset within a row.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import log, out_dirs  # noqa: E402
from _style import CONSTRUCT_LABEL, METHOD, METHOD_LABEL, WIDTH, save, setup  # noqa: E402

from rhetoric.constructs import CONSTRUCTS  # noqa: E402  (the registry)
METHODS = ("extractor", "keyword", "vader")  # style keys; "extractor" is the rules
CSV_METHOD = {"extractor": "rules", "keyword": "keyword", "vader": "vader"}
METRICS = {"precision": "Precision", "recall": "Recall", "f1": "F1"}
OFFSET = {"extractor": -0.22, "keyword": 0.0, "vader": 0.22}


def main() -> int:
    import pandas as pd

    plt = setup()
    dirs = out_dirs()
    tidy = pd.read_csv(dirs["data"] / "validation_metrics.csv")
    positives = tidy.groupby("construct")["positives"].first()

    fig, axes = plt.subplots(1, 3, figsize=(WIDTH, 2.6), sharey=True)
    rows = {c: len(CONSTRUCTS) - 1 - i for i, c in enumerate(CONSTRUCTS)}  # threat on top
    for ax, (metric, title) in zip(axes, METRICS.items()):
        for method in METHODS:
            d = tidy[(tidy["method"] == CSV_METHOD[method]) & (tidy["metric"] == metric)]
            if d.empty:
                continue
            y = [rows[c] + OFFSET[method] for c in d["construct"]]
            err = [d["estimate"] - d["low"], d["high"] - d["estimate"]]
            ax.errorbar(d["estimate"], y, xerr=err, capsize=0, elinewidth=1.0, markersize=4.2,
                        label=METHOD_LABEL[method], **METHOD[method])
        ax.set_xlim(0, 1.02)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        ax.set_xticklabels(["0", ".25", ".5", ".75", "1"])
        ax.set_title(title)
        ax.set_xlabel(f"{title} (0-1)")
        ax.grid(axis="x", color="0.9", linewidth=0.6)
        ax.set_axisbelow(True)
        for r in range(len(CONSTRUCTS) - 1):
            ax.axhline(r + 0.5, color="0.85", linewidth=0.5)
    axes[0].set_yticks([rows[c] for c in CONSTRUCTS])
    axes[0].set_yticklabels([f"{CONSTRUCT_LABEL[c]}\n({positives[c]} positive)" for c in CONSTRUCTS])
    axes[0].set_ylim(-0.6, len(CONSTRUCTS) - 0.4)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, bbox_to_anchor=(0.55, -0.01))
    fig.subplots_adjust(bottom=0.27, wspace=0.12)
    save(fig, "fig_validation")
    log("fig_validation done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
