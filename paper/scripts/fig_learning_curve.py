"""Figure: the trained scorer's out-of-fold F1 by share of the training documents.

    python paper/scripts/fig_learning_curve.py

Reads ``build/data/validation_learning.csv`` (``compute_validation.py``, from
:func:`rhetoric.validation.learning_curve`: at each share, the models of every outer fold
are fitted to that share of the training documents, the held-out fold staying whole) and
writes ``figures/fig_learning_curve.pdf`` and ``.png``: one panel per construct, F1 against
the share of documents (log scale), with the document-bootstrap 95% interval as a band;
the project's aim as a dashed line, and the curve's last step carried on (dotted, F1
linear in log labels: :func:`rhetoric.validation.labels_needed`) to where it would reach
the aim, drawn up to :data:`MAX_MULTIPLE` times today's labels.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import log, out_dirs  # noqa: E402
from _style import CONSTRUCT_LABEL, CONSTRUCT_STYLE, WIDTH, save, setup  # noqa: E402

from rhetoric.constructs import CONSTRUCTS  # noqa: E402  (the registry)


#: The extrapolation is drawn up to this many times today's labels (beyond: an arrow).
MAX_MULTIPLE = 10.0


def main() -> int:
    import pandas as pd

    plt = setup()
    dirs = out_dirs()
    curve = pd.read_csv(dirs["data"] / "validation_learning.csv")
    if curve.empty:
        raise SystemExit("validation_learning.csv is empty: compute_validation.py ran without the learning curve")
    shares = sorted(curve["fraction"].unique())
    sentences = curve.groupby("fraction")["sentences"].first()

    last = curve[curve["fraction"] == max(shares)].set_index("construct")
    has_aim = "aim" in curve.columns and last["aim"].notna().all()
    right = 100 * MAX_MULTIPLE if has_aim else 100
    fig, axes = plt.subplots(1, len(CONSTRUCTS), figsize=(WIDTH, 2.3), sharey=True)
    for ax, c in zip(axes, CONSTRUCTS):
        d = curve[curve["construct"] == c].sort_values("fraction")
        x = d["fraction"] * 100
        ax.fill_between(x, d["f1_low"], d["f1_high"], color="0.85", linewidth=0)
        ax.plot(x, d["f1"], **CONSTRUCT_STYLE[c])
        if has_aim:
            aim, f1 = last.loc[c, "aim"], last.loc[c, "f1"]
            ax.axhline(aim, color="0.35", linewidth=0.7, linestyle=(0, (4, 2)))
            if c == CONSTRUCTS[0]:
                ax.annotate("aim", (min(shares) * 100, aim), xytext=(0, 2), textcoords="offset points",
                            fontsize=7, color="0.35", va="bottom")
            multiple = last.loc[c, "labels_multiple"]
            gain = last.loc[c, "gain_per_doubling"]
            if gain > 0 and f1 < aim:
                end = min(multiple, MAX_MULTIPLE) if not math.isnan(multiple) else MAX_MULTIPLE
                color = "0.55"  # not a construct's line style: an extrapolation, not a measurement
                ax.plot([100, 100 * end], [f1, f1 + gain * math.log2(end)], color=color, linewidth=1.0,
                        linestyle=":")
                if end >= MAX_MULTIPLE:
                    ax.annotate(f"> {MAX_MULTIPLE:.0f}x", (100 * end, f1 + gain * math.log2(end)),
                                fontsize=7, ha="right", va="bottom")
                else:
                    ax.plot([100 * end], [aim], marker="o", markersize=3, color=color)
        ax.set_title(CONSTRUCT_LABEL[c])
        ax.set_xscale("log")  # the shares are 10, 20, 50, 100%: evenly spread on a log axis
        ax.set_xlim(min(shares) * 100 / 1.4, right * 1.4)
        ticks = [s * 100 for s in shares] + ([right] if has_aim else [])
        ax.set_xticks(ticks)
        # with the extrapolation the axis spans two decades: label the powers of ten only
        # (the shares between them keep their ticks), or the labels run together
        ax.set_xticklabels([f"{t:.0f}" if not has_aim or math.log10(t).is_integer() else "" for t in ticks])
        ax.minorticks_off()
        ax.set_ylim(0, 1)
        ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
        ax.set_yticklabels(["0", ".25", ".5", ".75", "1"])
        ax.grid(axis="y", color="0.9", linewidth=0.6)
        ax.set_axisbelow(True)
    axes[0].set_ylabel("Out-of-fold F1")
    full = sentences[max(shares)]
    fig.supxlabel(f"Training documents, % of today's (log scale; 100% = all {full:,} labelled sentences)",
                  fontsize=8.5, y=0.02)
    fig.subplots_adjust(bottom=0.24, wspace=0.12)
    save(fig, "fig_learning_curve")
    log("fig_learning_curve done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
