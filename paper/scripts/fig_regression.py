"""Figure: the linear probability models' coefficients and each actor's implied change
after 24 February 2022, per construct, with 95% intervals clustered by document.

    python paper/scripts/fig_regression.py

Reads ``build/data/regression_coefs.csv`` (``compute_regression.py``) and writes
``figures/fig_regression.pdf`` and ``.png``: one panel per construct, one row per term
(in percentage points; the intercept, a level, is left out), filled dots for the model's
coefficients and open diamonds for the implied changes, a dotted line at zero.
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
STYLE = {
    "coefficient": {"marker": "o", "color": "0.0", "markerfacecolor": "0.0"},
    "contrast": {"marker": "D", "color": "0.35", "markerfacecolor": "white"},
}


def main() -> int:
    import pandas as pd

    plt = setup()
    dirs = out_dirs()
    coefs = pd.read_csv(dirs["data"] / "regression_coefs.csv")
    constructs = list(dict.fromkeys(coefs["construct"]))
    fig, axes = plt.subplots(1, len(constructs), figsize=(WIDTH, 2.9), sharey=True)
    axes = list(axes) if len(constructs) > 1 else [axes]
    ypos = {t: len(TERMS) - 1 - i for i, t in enumerate(TERMS)}
    for ax, c in zip(axes, constructs):
        d = coefs[(coefs["construct"] == c) & coefs["term"].isin(TERMS)]
        for kind, style in STYLE.items():
            k = d[d["kind"] == kind]
            ax.errorbar(k["coef"], [ypos[t] for t in k["term"]],
                        xerr=[k["coef"] - k["low"], k["high"] - k["coef"]],
                        linestyle="none", markersize=3.8, elinewidth=1.0, capsize=0,
                        label="Coefficient" if kind == "coefficient" else "Implied change", **style)
        ax.axvline(0, color="0.4", linestyle=":", linewidth=0.8, zorder=0)
        ax.axhline(2.5, color="0.8", linewidth=0.6)  # coefficients above, implied changes below
        ax.set_title(CONSTRUCT_LABEL.get(c, c))
        ax.set_xlabel("Percentage points")
        ax.xaxis.set_major_locator(plt.MaxNLocator(nbins=5))
        ax.tick_params(axis="x", labelsize=6.5)
    axes[0].set_yticks(list(ypos.values()))
    axes[0].set_yticklabels(list(TERMS.values()))
    axes[0].set_ylim(-0.6, len(TERMS) - 0.4)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, bbox_to_anchor=(0.6, -0.01))
    fig.subplots_adjust(bottom=0.25, wspace=0.15)
    save(fig, "fig_regression")
    log("fig_regression done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
