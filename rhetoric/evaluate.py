"""Evaluate the scorers against the labelled sentences, honestly.

    rhetoric evaluate [--engine both|trained|rules] [--annotations PATH] [--limit N]
                      [--n-boot N] [--no-learning-curve] [--output results.json] [--json]
                      [--errors CONSTRUCT]

**Trained scorer**: document-grouped cross-validation over the annotations' ``fold``
(:func:`rhetoric.training.cross_validate`): every sentence is scored by a model fitted
to the other four folds, whose settings and thresholds were chosen by inner folds of
those four. **Rules**: their fixed scores, on every sentence and on the sentences the
rules were *not* written from (without the first release of the labels).

Printed per construct: precision, recall, F1 and the false-positive rate at 0.5, and
AUROC, each with a 95% interval from a document-clustered bootstrap; the same by corpus
and actor; a calibration table; a learning curve (F1 when the models see 10%, 20%,
50% and 100% of the training documents). ``--output`` writes all of it as JSON (the
paper's validation section reads that file).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .constructs import CONSTRUCTS

__all__ = ["evaluate", "main", "format_report"]


def evaluate(annotations: str | Path | None = None, *, engines=("trained", "rules"), limit: int | None = None,
             n_boot: int = 1000, learning: bool = True, cfg: dict | None = None, progress=None,
             out_of_fold: tuple[dict, dict] | None = None) -> dict:
    """All the figures, as a JSON-ready dict (see the module docstring).

    ``out_of_fold``: ``(scores by construct, settings by fold)`` that
    :func:`rhetoric.training.cross_fit` already computed for these sentences, in their
    order, with this ``cfg`` (the paper fits the folds once for two analyses); the
    trained scorer's cross-validation is then not run again."""
    import numpy as np

    from .training import _merged, cross_validate, labelled_terms, term_options
    from .validation import FIRST_RELEASE_STRATA, labelled_frame, learning_curve, require_folds, rules_scores, summarise

    cfg = _merged(cfg or {})
    seed = int(cfg["seed"])
    frame, path = labelled_frame(annotations, limit)
    from .data.checksums import sha256_file

    out: dict = {
        "annotations": {"file": str(path), "sha256": sha256_file(path), "sentences": int(len(frame)),
                        "documents": int(frame["doc_id"].nunique()),
                        "positives": {c: int(frame[c].sum()) for c in CONSTRUCTS}},
        "threshold": 0.5,
        "bootstrap": {"resamples": n_boot, "unit": "document", "seed": seed},
        "engines": {},
    }
    scores_by_engine = {}
    if "trained" in engines:
        require_folds(frame, path)
        if progress:
            progress("evaluate: features of the labelled sentences")
        terms = labelled_terms(frame["text"], term_options(cfg))
        Y = {c: frame[c].to_numpy() for c in CONSTRUCTS}
        if progress:
            progress("evaluate: trained scorer, document-grouped CV over `fold` (inner folds choose settings and thresholds)")
        if out_of_fold is None:
            oof, settings = cross_validate(terms, Y, frame["fold"].to_numpy(), cfg, progress=progress)
        else:
            oof, settings = out_of_fold
            bad = [c for c in CONSTRUCTS if len(oof[c]) != len(frame) or not np.isfinite(oof[c]).all()]
            if bad:
                raise ValueError(f"out_of_fold: the scores of {bad} do not cover the {len(frame)} labelled sentences")
        scores_by_engine["trained"] = oof
        entry = {"how": "out-of-fold: 5-fold document-grouped CV over `fold`, settings and thresholds chosen in inner folds",
                 "figures": summarise(frame, oof, seed=seed, n_boot=n_boot),
                 "settings_by_fold": {str(k): v for k, v in settings.items()},
                 "config": {k: cfg[k] for k in ("features", "model")}}
        if learning:
            entry["learning_curve"] = learning_curve(frame, terms, cfg, progress=progress, full_scores=oof)
        out["engines"]["trained"] = entry
    if "rules" in engines:
        if progress:
            progress("evaluate: rules engine")
        rules = rules_scores(frame["text"])
        scores_by_engine["rules"] = rules
        held = ~frame["stratum"].isin(FIRST_RELEASE_STRATA).to_numpy()
        out["engines"]["rules"] = {
            "how": "fixed hand-set weights; 'all' includes the 1,088 first-release sentences the rules were written "
                   "from (in-sample for them); 'held_out_for_rules' leaves them out",
            "figures": summarise(frame, rules, seed=seed, n_boot=n_boot),
            "held_out_for_rules": summarise(frame[held].reset_index(drop=True),
                                            {c: v[held] for c, v in rules.items()}, seed=seed, n_boot=n_boot),
        }
    out["_scores"] = {e: {c: np.round(v, 6).tolist() for c, v in s.items()} for e, s in scores_by_engine.items()}
    out["_ids"] = frame["id"].tolist()
    return out


def _ci(m: dict, key: str) -> str:
    lo, hi = m.get(f"{key}_ci") or (None, None)
    v = m.get(key)
    if v is None:
        return f"{'-':>17}"
    if lo is None:
        return f"{v:6.3f}           "
    return f"{v:6.3f} [{lo:.2f},{hi:.2f}]"


def _table(title: str, rows: list[tuple[str, dict]]) -> list[str]:
    lines = [title, f"  {'':<22}{'n':>6}{'pos':>6}  {'precision':<17} {'recall':<17} {'F1':<17} {'AUROC':<17} {'FPR':>6}"]
    for name, m in rows:
        fpr = m.get("fpr")
        lines.append(f"  {name:<22}{m['n']:>6}{m['positives']:>6}  {_ci(m, 'precision')} {_ci(m, 'recall')} "
                     f"{_ci(m, 'f1')} {_ci(m, 'auroc')} {(f'{fpr:.3f}' if fpr is not None else '-'):>6}")
    return lines


def format_report(result: dict) -> str:
    """The printed report of :func:`evaluate`'s result."""
    a = result["annotations"]
    lines = [f"{a['sentences']} labelled sentences from {a['documents']} documents ({a['file']}); "
             f"threshold 0.5; 95% intervals: {result['bootstrap']['resamples']} document-clustered bootstrap resamples", ""]
    for engine, entry in result["engines"].items():
        lines.append(f"== {engine}: {entry['how']}")
        figs = entry["figures"]
        lines += _table("  all sentences", [(c, figs[c]["all"]) for c in CONSTRUCTS])
        if "held_out_for_rules" in entry:
            lines += _table("  without the first release (held out for the rules)",
                            [(c, entry["held_out_for_rules"][c]["all"]) for c in CONSTRUCTS])
        for c in CONSTRUCTS:
            rows = [(f"corpus {k}", m) for k, m in figs[c]["by_corpus"].items()]
            rows += [(f"actor {k}", m) for k, m in figs[c]["by_actor"].items()]
            lines += _table(f"  {c} by corpus and actor", rows)
        lines.append("  calibration (score bin: n, mean score, share labelled 1)")
        for c in CONSTRUCTS:
            cells = [f"{r['bin']}:{r['n']}/{r['observed']:.2f}" if r["n"] else f"{r['bin']}:0"
                     for r in figs[c]["calibration"]]
            lines.append(f"    {c:<15}" + " ".join(cells))
        if "learning_curve" in entry:
            lines.append("  learning curve (out-of-fold F1 [95% CI] by share of training documents)")
            for row in entry["learning_curve"]:
                cells = "  ".join(f"{c} {row[c]['f1']:.3f} [{row[c]['f1_ci'][0]:.2f},{row[c]['f1_ci'][1]:.2f}]"
                                  for c in CONSTRUCTS)
                lines.append(f"    {row['fraction']:>4.0%} ({row['sentences']:>5} sentences)  {cells}")
            last = entry["learning_curve"][-1]
            if all("to_aim" in last[c] for c in CONSTRUCTS):
                lines.append("  labels the aims need at the gain of the curve's last step (F1 taken to rise "
                             "linearly in log labels;")
                lines.append("  curves flatten, so a lower bound; 95% CI of paired document resamples)")
                for c in CONSTRUCTS:
                    lines.append(f"    {c:<15}{_to_aim(last[c]['to_aim'])}")
        lines.append("")
    return "\n".join(lines)


def _to_aim(t: dict) -> str:
    """One construct's :func:`rhetoric.validation.labels_needed`, in words."""
    def times(v):
        return "no bound" if v is None else f"{v:.1f}x"

    lo, hi = t["gain_ci"]
    head = (f"aim F1 {t['aim']:.2f}, now {t['f1']:.3f}; {t['gain_per_doubling']:+.3f} F1 per doubling "
            f"[{lo:+.3f}, {hi:+.3f}]: ")
    if t["multiple"] == 1.0:
        return head + "met"
    return head + f"{times(t['multiple'])} today's labels [{times(t['multiple_ci'][0])}, {times(t['multiple_ci'][1])}]"


def main(argv: list[str] | None = None, prog: str = "python -m rhetoric.evaluate") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--annotations", help="annotation JSONL (default: $RHETORIC_DATA/annotations/train.jsonl)")
    parser.add_argument("--engine", choices=("both", "trained", "rules"), default="both")
    parser.add_argument("--limit", type=int, help="the first N labelled sentences only (a quick trial)")
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples (default 1000)")
    parser.add_argument("--n-jobs", type=int, default=1, help="outer folds in parallel (default 1)")
    parser.add_argument("--no-learning-curve", action="store_true", help="skip the learning curve (4x faster)")
    parser.add_argument("overrides", nargs="*", metavar="KEY=VALUE",
                        help="settings of the trained scorer, as for `rhetoric train` (e.g. features.pairs=true)")
    parser.add_argument("--output", help="write every figure (and the out-of-fold scores) as JSON here")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of tables")
    parser.add_argument("--card", action="store_true",
                        help="print the shipped model card's out-of-fold figures as a Markdown table and stop "
                        "(what the README shows; no computation)")
    parser.add_argument("--errors", choices=CONSTRUCTS,
                        help="also list the out-of-fold false positives and negatives of CONSTRUCT")
    args = parser.parse_args(argv)
    if args.card:
        from .validation import card_table

        print(card_table())
        return 0
    engines = ("trained", "rules") if args.engine == "both" else (args.engine,)
    cfg = {"n_jobs": args.n_jobs}
    if args.overrides:
        from .training import compose_config

        cfg = {**compose_config(args.overrides), **cfg}
    result = evaluate(args.annotations, engines=engines, limit=args.limit, n_boot=args.n_boot,
                      learning=not args.no_learning_curve, cfg=cfg,
                      progress=lambda m: print(m, file=sys.stderr, flush=True))
    if args.output:
        from ._atomic import atomic_path

        with atomic_path(args.output) as tmp:
            tmp.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    public = {k: v for k, v in result.items() if not k.startswith("_")}
    print(json.dumps(public, indent=2) if args.json else format_report(public))
    if args.errors:
        from .validation import labelled_frame

        frame, _ = labelled_frame(args.annotations, args.limit)
        c = args.errors
        for engine, scores in result["_scores"].items():
            for row, s in zip(frame.itertuples(), scores[c]):
                p = s >= 0.5
                if p != bool(getattr(row, c)):
                    print(f"{engine} {'FP' if p else 'FN'} {s:.2f} [{row.actor}] {row.text[:220]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
