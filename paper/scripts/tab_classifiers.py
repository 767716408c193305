"""Table: every model x feature set per target, mean +- 95% half-width of the experiment's metric (booktabs).

    python paper/scripts/tab_classifiers.py

Reads ``build/data/classifiers_summary.csv`` (written by ``compute_classifiers.py``) and
writes ``tables/tab_classifiers.tex``: one row per model x feature set (and the
extractor's own scores, when the sweep ran them), one column per experiment target, under
a header naming each experiment and its metric (the summary's ``metric_name``: the labels'
F1 of the positive class, the actor's macro-F1); the best trained model of each column in
bold. A tabular only; the caption belongs to ``paper.tex``.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import atomic_write_text, f1_digits, log, out_dirs  # noqa: E402

MODEL_ORDER = ["logreg", "linear_svm", "random_forest", "hist_gb"]
FEATURE_ORDER = ["rhetoric", "tfidf", "rhetoric_tfidf"]
COLUMN_NAMES = {"threat": "Threat", "conditionality": "Cond.", "two_path": "Two paths",
                "commitment": "Commit.", "actor": "Actor"}
EXPERIMENT_NAMES = {"labels": "Labels (sentences)", "actor": "Actor (documents)"}
#: for summaries written before the ``metric_name`` column
METRIC_LABELS = {"f1": "F1 (positive class)", "macro_f1": "Macro-F1"}


def metric_label(summary, experiment: str) -> str:
    rows = summary[summary["experiment"] == experiment]
    if "metric_name" in rows and rows["metric_name"].notna().any():
        names = list(rows["metric_name"].dropna().unique())
    else:
        names = [METRIC_LABELS.get(m, m) for m in rows["metric"].dropna().unique()] if "metric" in rows else []
    if len(names) > 1:
        raise SystemExit(f"tab_classifiers: the {experiment} experiment mixes metrics {names}")
    return names[0] if names else ""


def cell(row, bold: bool) -> str:
    if row is None or not math.isfinite(row["mean"]):
        return "--"
    digits = f1_digits(row["mean"])
    value = f"{row['mean']:.{digits}f}"
    if bold:
        value = f"\\mathbf{{{value}}}"
    if math.isfinite(row["half_width"]):
        # the t interval is symmetric: mean +- half-width (before clipping to [0, 1])
        return f"${value} \\pm {row['half_width']:.{digits}f}$"
    return f"${value}$"


def render(summary) -> str:
    columns = list(dict.fromkeys(zip(summary["experiment"], summary["target"])))
    trained = summary[summary["model"] != "none"]
    best = {key: trained[(trained["experiment"] == key[0]) & (trained["target"] == key[1])]["mean"].idxmax()
            for key in columns if not trained[(trained["experiment"] == key[0]) & (trained["target"] == key[1])].empty}
    experiments = list(dict.fromkeys(e for e, _ in columns))
    spans = [(e, sum(1 for c in columns if c[0] == e)) for e in experiments]

    lines = ["\\begin{tabular}{@{}ll" + "c" * len(columns) + "@{}}", "\\toprule"]
    header = " & ".join(f"\\multicolumn{{{n}}}{{c}}{{{EXPERIMENT_NAMES.get(e, e)}}}" for e, n in spans)
    lines.append(f" & & {header} \\\\")
    metrics = " & ".join(f"\\multicolumn{{{n}}}{{c}}{{\\footnotesize {metric_label(summary, e)}}}" for e, n in spans)
    lines.append(f" & & {metrics} \\\\")
    start = 3
    rules = []
    for _, n in spans:
        rules.append(f"\\cmidrule(lr){{{start}-{start + n - 1}}}")
        start += n
    lines.append(" ".join(rules))
    lines.append("Model & Features & " + " & ".join(COLUMN_NAMES.get(t, t.replace("_", " ")) for _, t in columns) + " \\\\")
    lines.append("\\midrule")

    def rows_for(model, feats):
        out = []
        for key in columns:
            sel = summary[(summary["experiment"] == key[0]) & (summary["target"] == key[1])
                          & (summary["model"] == model) & (summary["features"] == feats)]
            out.append(cell(sel.iloc[0], best.get(key) == sel.index[0]) if len(sel) else "--")
        return out

    models = [m for m in MODEL_ORDER if m in set(trained["model"])] + sorted(set(trained["model"]) - set(MODEL_ORDER))
    feats = [f for f in FEATURE_ORDER if f in set(trained["features"])] + sorted(set(trained["features"]) - set(FEATURE_ORDER))
    names = dict(zip(summary["model"], summary["model_name"]))
    feat_names = dict(zip(summary["features"], summary["features_name"]))
    for i, model in enumerate(models):
        if i:
            lines.append("\\addlinespace")
        for j, f in enumerate(feats):
            label = names.get(model, model) if j == 0 else ""
            lines.append(f"{label} & {feat_names.get(f, f)} & " + " & ".join(rows_for(model, f)) + " \\\\")
    base = summary[summary["model"] == "none"]
    if not base.empty:
        lines.append("\\midrule")
        for f in base["features"].unique():
            lines.append(f"Extractor, no training & {feat_names.get(f, f)} & " + " & ".join(rows_for("none", f)) + " \\\\")
    lines += [
        "\\bottomrule",
        "\\end{tabular}",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import pandas as pd

    dirs = out_dirs()
    summary = pd.read_csv(dirs["data"] / "classifiers_summary.csv")
    target = dirs["tables"] / "tab_classifiers.tex"
    atomic_write_text(render(summary), target)
    log(f"tab_classifiers: wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
