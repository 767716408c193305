"""Figure: each model x feature set, one panel per experiment and target, by the experiment's metric.

    python paper/scripts/fig_classifiers.py

Reads ``build/data/classifiers_summary.csv`` (written by ``compute_classifiers.py``;
plotting only, no model is fitted here) and writes ``figures/fig_classifiers.pdf`` and
``.png``. Each panel's axis is named by its metric (the summary's ``metric_name``: the
labels' F1 of the positive class, the actor's macro-F1). Dots are means over the held-out
folds (and seeds, when there are several), bars their 95% interval (corrected resampled
t); feature sets are told apart by marker and fill, and the extractor's own scores (no
training) are a dashed vertical line with a grey band for their interval. The panels'
height follows the number of models (two in the default build, four with ``--full``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import out_dirs  # noqa: E402
from _style import CONSTRUCT_LABEL, WIDTH, save, setup  # noqa: E402

MODEL_ORDER = ["logreg", "linear_svm", "random_forest", "hist_gb"]
FEATURE_ORDER = ["rhetoric", "tfidf", "rhetoric_tfidf"]
FEATURE_STYLE = {
    "rhetoric": {"marker": "o", "color": "0.0", "mfc": "0.0"},
    "tfidf": {"marker": "s", "color": "0.45", "mfc": "white"},
    "rhetoric_tfidf": {"marker": "^", "color": "0.25", "mfc": "0.65"},
}
PANEL_TITLES = {("actor", "actor"): "Actor: US/RU/UA"}
#: axis labels for summaries written before the ``metric_name`` column
METRIC_LABELS = {"f1": "F1 (positive class)", "macro_f1": "Macro-F1"}


def metric_label(rows) -> str:
    """The axis label of a panel: its rows' metric name (one per panel)."""
    if "metric_name" in rows and rows["metric_name"].notna().any():
        names = rows["metric_name"].dropna().unique()
    else:
        names = [METRIC_LABELS.get(m, m) for m in (rows["metric"].dropna().unique() if "metric" in rows else [])]
    if len(names) > 1:
        raise SystemExit(f"fig_classifiers: one panel mixes metrics {list(names)}")
    return names[0] if len(names) else "F1"


def panel_title(experiment: str, target: str) -> str:
    if (experiment, target) in PANEL_TITLES:
        return PANEL_TITLES[(experiment, target)]
    if experiment == "labels":
        return f"Label: {CONSTRUCT_LABEL.get(target, target)}"
    return f"{experiment}: {target}"


def main(argv: list[str] | None = None) -> int:
    import pandas as pd

    from matplotlib.ticker import FuncFormatter

    plt = setup()
    summary = pd.read_csv(out_dirs()["data"] / "classifiers_summary.csv")
    panels = list(dict.fromkeys(zip(summary["experiment"], summary["target"])))
    trained = summary[summary["model"] != "none"]
    models = [m for m in MODEL_ORDER if m in set(trained["model"])] + sorted(set(trained["model"]) - set(MODEL_ORDER))
    feats = [f for f in FEATURE_ORDER if f in set(trained["features"])] + sorted(set(trained["features"]) - set(FEATURE_ORDER))
    names = dict(zip(trained["model"], trained["model_name"]))
    feat_names = dict(zip(trained["features"], trained["features_name"]))

    ncols = 3
    nrows = -(-(len(panels) + 1) // ncols)  # one cell for the legend
    panel_height = 0.95 + 0.32 * len(models)  # title and axis, then one band per model
    fig, axes = plt.subplots(nrows, ncols, figsize=(WIDTH, panel_height * nrows + 0.1), sharey=True, squeeze=False)
    lo = max(0.0, min(summary["ci_low"].min(), summary["mean"].min()) - 0.03)
    dodge = {f: (i - (len(feats) - 1) / 2) * 0.24 for i, f in enumerate(feats)}
    for ax, (exp, target) in zip(axes.flat, panels):
        sub = summary[(summary["experiment"] == exp) & (summary["target"] == target)]
        base = sub[sub["model"] == "none"]
        for _, b in base.iterrows():
            ax.axvspan(b["ci_low"], b["ci_high"], color="0.88", zorder=0, lw=0)
            ax.axvline(b["mean"], color="0.3", ls="--", lw=0.9, zorder=1)
        for f in feats:
            st = FEATURE_STYLE.get(f, {"marker": "D", "color": "0.5", "mfc": "0.8"})
            d = sub[sub["features"] == f].set_index("model").reindex(models)
            y = [i + dodge[f] for i in range(len(models))]
            ax.errorbar(d["mean"], y, xerr=[d["mean"] - d["ci_low"], d["ci_high"] - d["mean"]],
                        ls="none", marker=st["marker"], color=st["color"], mfc=st["mfc"], mec=st["color"],
                        ms=4, elinewidth=0.9, capsize=1.5, zorder=2)
        ax.set_title(panel_title(exp, target))
        ax.set_xlim(lo, 1.02)  # room for markers at 1
        ax.set_xticks([t for t in (0, 0.2, 0.4, 0.6, 0.8, 1.0) if t >= lo])
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.2f}".rstrip("0").rstrip(".").replace("0.", ".", 1)))
        ax.set_yticks(range(len(models)), [names.get(m, m) for m in models])
        ax.set_ylim(len(models) - 0.5, -0.5)
        ax.set_xlabel(metric_label(sub))
        ax.grid(axis="x", color="0.9", lw=0.5)
        ax.set_axisbelow(True)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Line2D([], [], ls="none", marker=FEATURE_STYLE[f]["marker"], color=FEATURE_STYLE[f]["color"],
                      mfc=FEATURE_STYLE[f]["mfc"], ms=5) for f in feats if f in FEATURE_STYLE]
    labels = [(lambda n: n[:1].upper() + n[1:])(feat_names.get(f, f)) for f in feats if f in FEATURE_STYLE]
    if (summary["model"] == "none").any():
        handles += [(Patch(color="0.88", lw=0), Line2D([], [], color="0.3", ls="--", lw=0.9))]
        labels += ["Extractor's own score, no training"]
    legend_ax = list(axes.flat)[len(panels)] if len(panels) < axes.size else axes.flat[-1]
    seeds, folds = int(summary["seeds"].max()), summary["folds"].max()
    n_folds = f"{int(folds)} held-out folds" if folds == folds else "held-out folds"
    note = (f"Mean over {n_folds}" + (f" x {seeds} seeds" if seeds > 1 else "")
            + ";\nbars: 95% interval (corrected t)")
    legend_ax.legend(handles, labels, loc="center left", title=note, title_fontsize=7, alignment="left")
    fig.tight_layout(h_pad=0.8, w_pad=0.6)
    save(fig, "fig_classifiers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
