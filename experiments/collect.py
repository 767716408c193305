"""Gather runs into one tidy table: one row per run x target x metric.

    python experiments/collect.py multirun/labels/2026-01-01_12-00-00     # -> .../runs.csv
    python experiments/collect.py outputs/actor multirun/actor -o actor_runs.csv
    python experiments/collect.py DIR -o -                                 # to stdout

Every ``metrics.json`` under the folders given (a sweep, several runs, or a tree of
them) contributes. Columns: ``run_dir``; what identifies the run (``experiment``,
``data``, ``features``, ``model``, ``cv``, ``seed``); one column per other command-line
override (``model.C``, ``data.max_items``, ...; empty where a run did not set it);
then ``target``, ``subset`` (``all`` for the pooled metrics; ``corpus=crisis``,
``corpus=ungdc``, ... for a run's per-subset metrics, ``data.report_by``), ``n_items``,
``metric``, ``value``, ``ci_low``, ``ci_high``. The file
is written whole or not at all. Exit status 2 on bad input (a missing folder, no run
found, a damaged metrics.json), naming it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: import this folder as the package
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import pandas as pd  # noqa: E402

from experiments.writing import write_csv  # noqa: E402

__all__ = ["collect", "find_runs", "main", "IDENTITY", "ALL"]

IDENTITY = ("experiment", "data", "features", "model", "cv", "seed")
VALUE_COLUMNS = ("target", "subset", "n_items", "metric", "value", "ci_low", "ci_high")
#: The ``subset`` of a run's pooled metrics (all its items).
ALL = "all"


class CollectError(ValueError):
    """Bad input to collect; the message names it."""


def _natural(path: Path):
    """Sort key that puts sweep job 10 after job 9."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(path))]


def find_runs(folders) -> list[Path]:
    """The ``metrics.json`` files under ``folders`` (a folder may itself be a run)."""
    found = []
    for folder in map(Path, folders):
        if not folder.is_dir():
            raise CollectError(f"{folder}: not a folder")
        found += [p for p in folder.rglob("metrics.json") if ".submitit" not in p.parts]
    if not found:
        raise CollectError(f"no metrics.json under {', '.join(map(str, folders))}: is it a run or sweep folder?")
    return sorted(set(found), key=_natural)


def _override_columns(overrides: list[str]) -> dict[str, str]:
    """``key=value`` overrides as columns (``+key`` and ``++key`` as ``key``)."""
    columns = {}
    for item in overrides:
        key, sep, value = item.partition("=")
        key = key.lstrip("+~")
        if sep and not key.startswith("hydra."):
            columns[key] = value
    return columns


def _rows(path: Path) -> list[dict]:
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
        run, targets = result["run"], result["targets"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise CollectError(f"{path}: not a metrics.json written by experiments/train.py ({exc})") from None
    base = {"run_dir": str(path.parent), **{k: run.get(k) for k in IDENTITY}}
    for key, value in _override_columns(run.get("overrides", [])).items():
        base.setdefault(key, value)
    rows = []
    for name, entry in targets.items():
        subsets = [(ALL, entry)] + [(f"{column}={value}", sub) for column, by in (entry.get("by") or {}).items()
                                    for value, sub in by.items()]
        for subset, part in subsets:
            for metric, m in (part.get("metrics") or {}).items():
                rows.append({**base, "target": name, "subset": subset, "n_items": part.get("n_items"),
                             "metric": metric, "value": m["value"], "ci_low": m["ci_low"], "ci_high": m["ci_high"]})
        if not entry.get("metrics"):
            print(f"collect: {path}: target {name!r} has no metrics ({'; '.join(entry.get('notes', []))})",
                  file=sys.stderr)
    return rows


def collect(folders) -> pd.DataFrame:
    """The tidy table of every run under ``folders``."""
    rows = [row for path in find_runs(folders) for row in _rows(path)]
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=["run_dir", *IDENTITY, *VALUE_COLUMNS])
    extra = sorted(c for c in frame.columns if c not in ("run_dir", *IDENTITY, *VALUE_COLUMNS))
    return frame[["run_dir", *IDENTITY, *extra, *VALUE_COLUMNS]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python experiments/collect.py", description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="+", metavar="DIR", help="a sweep folder, a run folder, or a tree of them")
    parser.add_argument("-o", "--output", help="CSV to write ('-' for stdout; default DIR/runs.csv for one DIR)")
    args = parser.parse_args(argv)
    if args.output is None:
        if len(args.folders) > 1:
            parser.error("with several folders, say where the table goes: -o runs.csv")
        args.output = str(Path(args.folders[0]) / "runs.csv")
    try:
        table = collect(args.folders)
    except CollectError as exc:
        print(f"collect: {exc}", file=sys.stderr)
        return 2
    if args.output == "-":
        table.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        write_csv(args.output, table)
        print(f"collect: {table['run_dir'].nunique()} runs, {len(table)} rows -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
