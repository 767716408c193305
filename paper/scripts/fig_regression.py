"""Figure: naive and design-based (DSL) estimates of the actor x period model, side by
side, per construct, with 95% intervals clustered by document.

    python paper/scripts/fig_regression.py

Reads ``build/data/regression_coefs.csv`` (``compute_regression.py``) and writes
``figures/fig_regression.pdf`` and ``.png``: one panel per construct, one row per term
(in percentage points; the intercept, a level, is left out; each actor's implied change
after 24 February 2022 below the line), the naive estimate (the scorer's predicted labels
taken as true: open circles) just above the DSL estimate (corrected with the expert-coded
random sample: filled squares), a dotted line at zero.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import log, out_dirs  # noqa: E402
from _style import CONSTRUCT_LABEL, WIDTH, save, setup  # noqa: E402

#: term -> label, top to bottom
TERMS = {
    "RU": "Russia vs US, before",
    "UA": "Ukraine vs US, before",
    "after": "After 24 Feb (US)",
    "RU:after": "Russia \u00d7 after",
    "UA:after": "Ukraine \u00d7 after",
    "change:US": "Change after: US",
    "change:RU": "Change after: Russia",
    "change:UA": "Change after: Ukraine",
}
#: method -> (label, vertical offset within a term's row, style)
METHODS = {
    "naive": ("Naive: predicted labels as true", -0.17,
              {"marker": "o", "color": "0.45", "markerfacecolor": "white"}),
    "dsl": ("DSL: corrected with the expert-coded random sample", 0.17,
            {"marker": "s", "color": "0.0", "markerfacecolor": "0.0"}),
}


def main() -> int:
    import pandas as pd

    plt = setup()
    dirs = out_dirs()
    coefs = pd.read_csv(dirs["data"] / "regression_coefs.csv")
    constructs = list(dict.fromkeys(coefs["construct"]))
    fig, axes = plt.subplots(1, len(constructs), figsize=(WIDTH, 3.3), sharey=True)
    axes = list(axes) if len(constructs) > 1 else [axes]
    ypos = {t: i for i, t in enumerate(TERMS)}  # top to bottom (the axis is inverted below)
    for ax, c in zip(axes, constructs):
        for method, (label, dy, style) in METHODS.items():
            d = coefs[(coefs["construct"] == c) & (coefs["method"] == method) & coefs["term"].isin(TERMS)]
            ax.errorbar(d["coef"], [ypos[t] + dy for t in d["term"]],
                        xerr=[d["coef"] - d["low"], d["high"] - d["coef"]],
                        linestyle="none", markersize=3.4, elinewidth=1.0, capsize=0, label=label, **style)
        ax.axvline(0, color="0.4", linestyle=":", linewidth=0.8, zorder=0)
        ax.axhline(4.5, color="0.8", linewidth=0.6)  # coefficients above, implied changes below
        ax.set_title(CONSTRUCT_LABEL.get(c, c))
        ax.set_xlabel("Percentage points")
        ax.xaxis.set_major_locator(plt.MaxNLocator(nbins=4))
        ax.tick_params(axis="x", labelsize=6.5)
    axes[0].set_yticks(list(ypos.values()))
    axes[0].set_yticklabels(list(TERMS.values()))
    axes[0].set_ylim(len(TERMS) - 0.5, -0.5)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, bbox_to_anchor=(0.6, -0.01))
    fig.subplots_adjust(bottom=0.24, wspace=0.15)
    save(fig, "fig_regression")
    log("fig_regression done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
