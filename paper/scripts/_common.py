"""What every paper script shares: where outputs go, the config, logging, whole-or-nothing
writes, the numbers the text quotes, and the crisis sentences two analyses use.

>>> from _common import fmt, macro                    # doctest: +SKIP
>>> macro("two_path", "f1", "low")
'TwoPathFOneLow'
>>> fmt(0.7149, 2), fmt(3946), fmt(0.12345, 1, percent=True)
('0.71', '3,946', '12.3')

Outputs go under ``paper/`` (``build/data``, ``build/numbers``, ``figures``, ``tables``),
or under ``$RHETORIC_PAPER_OUT`` when it is set (tests build into a temporary folder).
``--small`` or ``RHETORIC_PAPER_SMALL=1`` asks a compute script for its small slice;
``RHETORIC_PAPER_FULL=1`` (``build.py --full``) lays each section's ``full`` settings over
the defaults (:func:`section`).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import sys
import time
from pathlib import Path

PAPER = Path(__file__).resolve().parents[1]
REPO = PAPER.parent
CONFIG = PAPER / "config.yaml"
_T0 = time.perf_counter()

__all__ = [
    "PAPER", "REPO", "CONFIG", "is_small", "is_full", "out_dirs", "config", "section", "log", "parse_args",
    "atomic_write_csv", "atomic_write_text", "atomic_write_json", "numbers_json", "read_numbers",
    "macro", "fmt", "fmt_date", "crisis_sentences",
]


# ---------------------------------------------------------------- where, what, how big

def is_small(flag: bool = False) -> bool:
    """The small slice: ``--small`` given, or ``RHETORIC_PAPER_SMALL`` set (not "" or "0")."""
    return bool(flag) or os.environ.get("RHETORIC_PAPER_SMALL", "") not in ("", "0")


def is_full() -> bool:
    """The full settings: ``RHETORIC_PAPER_FULL`` set (not "" or "0"; ``build.py --full``)."""
    return os.environ.get("RHETORIC_PAPER_FULL", "") not in ("", "0")


def out_root() -> Path:
    """``$RHETORIC_PAPER_OUT`` if set, else ``paper/``."""
    env = os.environ.get("RHETORIC_PAPER_OUT")
    return Path(env).expanduser().resolve() if env else PAPER


def out_dirs() -> dict[str, Path]:
    """The output folders (created): build, data, numbers, sweeps, figures, tables."""
    root = out_root()
    dirs = {
        "root": root,
        "build": root / "build",
        "data": root / "build" / "data",
        "numbers": root / "build" / "numbers",
        "sweeps": root / "build" / "sweeps",
        "figures": root / "figures",
        "tables": root / "tables",
    }
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    return dirs


def config(path: Path = CONFIG) -> dict:
    """``paper/config.yaml`` as a dict ({} when the file is absent)."""
    if not path.is_file():
        return {}
    import yaml

    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SystemExit(f"{path}: not valid YAML ({exc})") from None
    if loaded is not None and not isinstance(loaded, dict):
        raise SystemExit(f"{path}: expected a mapping at the top level, got {type(loaded).__name__}")
    return loaded or {}


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in (over or {}).items():
        out[k] = _merge(out[k], v) if isinstance(out.get(k), dict) and isinstance(v, dict) else v
    return out


def section(name: str, defaults: dict) -> tuple[int, dict]:
    """``(seed, settings)``: the config's section ``name`` laid over ``defaults``; with
    :func:`is_full`, its ``full`` subsection laid over that."""
    cfg = config()
    settings = _merge(defaults, cfg.get(name) or {})
    if is_full():
        settings = _merge(settings, settings.get("full") or {})
    return int(cfg.get("seed", 20240224)), settings


def log(msg: str) -> None:
    """A progress line with the seconds since the script started."""
    print(f"[{time.perf_counter() - _T0:7.1f} s] {msg}", flush=True)


def parse_args(doc: str | None, argv: list[str] | None = None) -> argparse.Namespace:
    """The compute scripts' command line: ``[--small]``."""
    first = (doc or "").strip().splitlines()[0] if doc else None
    parser = argparse.ArgumentParser(description=first)
    parser.add_argument("--small", action="store_true",
                        help="run on the small slice (seconds; also RHETORIC_PAPER_SMALL=1)")
    args = parser.parse_args(argv)
    args.small = is_small(args.small)
    return args


# ---------------------------------------------------------------- whole-or-nothing writes

def _atomic(target: Path, write) -> None:
    """Write via a temporary file beside ``target``, then rename: whole or not at all
    (:func:`rhetoric._atomic.atomic_path`, the project's one helper for it)."""
    from rhetoric._atomic import atomic_path

    with atomic_path(target) as tmp:
        write(tmp)


def atomic_write_csv(frame, target: Path) -> None:
    """A DataFrame as CSV (no index), floats written in full so re-runs compare equal."""
    _atomic(Path(target), lambda tmp: frame.to_csv(tmp, index=False))


def atomic_write_text(text: str, target: Path) -> None:
    _atomic(Path(target), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def atomic_write_json(value, target: Path) -> None:
    atomic_write_text(json.dumps(value, indent=2, sort_keys=True) + "\n", target)


_MACRO = re.compile(r"[A-Za-z]+")


def numbers_json(values: dict[str, str], target: Path) -> None:
    """The numbers a text quotes, ``{"MacroName": "formatted value"}``, written whole.

    Macro names must be letters only (LaTeX control words); values must be strings
    (formatted here, so the paper never rounds anything itself).
    """
    bad = [k for k in values if not _MACRO.fullmatch(k)]
    if bad:
        raise ValueError(f"macro names must be letters only: {bad}")
    not_str = [k for k, v in values.items() if not isinstance(v, str)]
    if not_str:
        raise TypeError(f"macro values must be formatted strings: {not_str}")
    atomic_write_json(values, target)


def read_numbers(name: str) -> dict[str, str]:
    """The numbers an analysis wrote (for figure and table scripts that quote them)."""
    path = out_dirs()["numbers"] / f"{name}.json"
    if not path.is_file():
        raise SystemExit(f"{path} is missing: run paper/scripts/compute_{name}.py first")
    return json.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- formatting numbers

_DIGITS = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]


def macro(*parts: str) -> str:
    """A LaTeX macro name from words: ``macro("two_path", "f1") == "TwoPathFOne"``.

    Underscores, spaces and hyphens separate words; digits become their English names
    (macro names are letters only).
    """
    words = []
    for part in parts:
        for word in re.split(r"[_\s\-]+", str(part)):
            if not word:
                continue
            word = re.sub(r"\d", lambda m: _DIGITS[int(m.group())], word)
            words.append(word[0].upper() + word[1:])
    name = "".join(words)
    if not _MACRO.fullmatch(name):
        raise ValueError(f"cannot make a macro name from {parts!r} (got {name!r})")
    return name


def fmt(value, digits: int = 0, *, percent: bool = False, sign: bool = False) -> str:
    """A number for the text: ``digits`` decimals, thousands separated by commas,
    ``percent=True`` multiplies by 100 (the text writes the ``\\%``); negative values get a
    true minus (``$-$``), and ``sign=True`` writes ``+`` before positive ones.
    """
    import math

    x = float(value) * (100 if percent else 1)
    if math.isnan(x):
        return "n/a"
    text = f"{abs(x):,.{digits}f}"
    if float(text.replace(",", "")) == 0:
        return text  # no "-0.0"
    if x < 0:
        return "$-$" + text  # a true minus sign in running text (never use a macro in math mode)
    return ("+" + text) if sign else text


def f1_digits(value) -> int:
    """Decimals for an F1 score: two, three when two would print a score just short of
    perfect as 1.00."""
    return 3 if 0.995 <= value < 1.0 else 2


def fmt_date(value) -> str:
    """A date for the text: ``24 February 2022``."""
    import pandas as pd

    ts = pd.Timestamp(value)
    return f"{ts.day} {ts.strftime('%B %Y')}"


# ---------------------------------------------------------------- the crisis sentences

def crisis_documents(small: bool, seed: int, settings: dict | None = None):
    """The crisis documents: all of them, or the small slice.

    The small slice is a seeded sample of ``docs_per_actor_period`` documents per actor
    before and after the invasion (so every model term can be estimated), each cut to
    its first ``max_chars`` characters.
    """
    from rhetoric.data import load_crisis

    docs = load_crisis()
    if not small:
        return docs
    if settings is None:
        _, settings = section("crisis", {"small": {"docs_per_actor_period": 6, "max_chars": 3000},
                                         "invasion": "2022-02-24"})
    sm = settings["small"]
    import pandas as pd

    after = docs["date"] >= pd.Timestamp(settings.get("invasion", "2022-02-24"))
    sample = (docs.assign(_after=after)
              .groupby(["actor", "_after"], group_keys=False)
              .sample(n=int(sm["docs_per_actor_period"]), random_state=seed)
              .drop(columns="_after")
              .sort_values(["date", "doc_id"]))
    sample["text"] = sample["text"].str.slice(0, int(sm["max_chars"]))
    return sample.reset_index(drop=True)


def crisis_sentences(small: bool, seed: int, threshold: float | None = None, docs=None):
    """One row per crisis sentence: doc_id, sent_index, actor, date, text and the
    construct scores, featurised with ``split=False`` (cached: the second analysis that
    asks reads the scores back). With ``threshold``, adds ``<construct>_on`` (0/1).
    ``docs``: the documents from :func:`crisis_documents`, if the caller has them already.
    """
    from rhetoric import CONSTRUCTS
    from rhetoric.data import featurise, to_sentences

    _, settings = section("crisis", {"n_jobs": -1, "invasion": "2022-02-24",
                                     "small": {"docs_per_actor_period": 6, "max_chars": 3000}})
    if docs is None:
        docs = crisis_documents(small, seed, settings)
    log(f"crisis: {len(docs):,} documents; splitting into sentences")
    sents = to_sentences(docs[["doc_id", "actor", "date", "doc_type", "text"]])
    log(f"crisis: {len(sents):,} sentences; featurising (cached after the first run)")
    # the small slice is scored in this process: starting workers would take longer
    n_jobs = int(settings["small"].get("n_jobs", 1) if small else settings["n_jobs"])
    feats = featurise(sents["text"], split=False, n_jobs=n_jobs, progress=None if not small else False)
    out = sents.join(feats[list(CONSTRUCTS)])
    if threshold is not None:
        for c in CONSTRUCTS:
            out[f"{c}_on"] = (out[c] >= threshold).astype("int8")
    log("crisis: sentences scored")
    return out


if __name__ == "__main__":  # pragma: no cover - a quick look at the settings
    json.dump({"out": {k: str(v) for k, v in out_dirs().items()}, "config": config()}, sys.stdout, indent=2)
