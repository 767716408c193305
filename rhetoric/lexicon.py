"""Lexicons: the rules and word lists, read from the TSV files in ``rhetoric/lexicons``.

Each file is plain text a researcher can read and edit. Lines starting with ``#`` are
comments; the first other line is the header. Columns (tab-separated):

``rule``
    a short unique name, shown in every explanation;
``weight``
    the rule's contribution to the construct's log-odds (cue files) or a number the
    file's consumer documents (for targets: unused, 0);
``flags``
    comma-separated switches, or ``-``: ``negatable`` (a negation just before the match
    cancels it), ``refusal`` (the rule already contains its negation), ``group=NAME``
    (gazetteer group, for targets);
``pattern``
    a Python regular expression matched against the lower-cased, normalised sentence;
    word boundaries are added around it, so ``sanction(s|ed)?`` does not match inside
    another word;
``reason``
    why the rule is there, in the codebook's terms.

At any position the first listed rule that matches wins, so specific rules are listed
before general ones. To swap a lexicon, point :func:`load` at another file with the same
columns, or set ``RHETORIC_LEXICONS`` to a folder holding files of the same names.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

__all__ = ["Rule", "Lexicon", "LexiconError", "load", "lexicon_dir"]

_COLUMNS = ("rule", "weight", "flags", "pattern", "reason")


class LexiconError(ValueError):
    """A lexicon file that cannot be read; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    weight: float
    pattern: str
    reason: str
    flags: frozenset[str] = field(default_factory=frozenset)
    group: str | None = None

    @property
    def negatable(self) -> bool:
        return "negatable" in self.flags


@dataclass(frozen=True)
class Lexicon:
    """A named, ordered list of rules compiled into one alternation.

    ``finditer`` yields ``(rule, start, end)``, scanning the text once for all rules.
    """

    name: str
    rules: tuple[Rule, ...]
    path: str
    regex: re.Pattern[str] = field(repr=False, compare=False)

    def finditer(self, text: str):
        rules = self.rules
        for m in self.regex.finditer(text):
            idx = int(m.lastgroup[1:])  # group names are "r0", "r1", ...
            yield rules[idx], m.start(), m.end()

    def search(self, text: str) -> bool:
        return self.regex.search(text) is not None

    def __len__(self) -> int:
        return len(self.rules)


def lexicon_dir() -> Path:
    """The folder lexicons are read from: ``RHETORIC_LEXICONS`` or the packaged one."""
    override = os.environ.get("RHETORIC_LEXICONS")
    return Path(override) if override else Path(__file__).with_name("lexicons")


def _parse(path: Path) -> list[Rule]:
    rules: list[Rule] = []
    header_seen = False
    names: set[str] = set()
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = line.split("\t")
            if not header_seen:
                if tuple(c.strip() for c in cols) != _COLUMNS:
                    raise LexiconError(f"{path}:{lineno}: header must be {'<TAB>'.join(_COLUMNS)}, got {line!r}")
                header_seen = True
                continue
            if len(cols) != len(_COLUMNS):
                raise LexiconError(f"{path}:{lineno}: expected {len(_COLUMNS)} tab-separated columns, got {len(cols)}")
            name, weight, flags, pattern, reason = (c.strip() for c in cols)
            if name in names:
                raise LexiconError(f"{path}:{lineno}: rule {name!r} defined twice")
            names.add(name)
            try:
                w = float(weight)
            except ValueError:
                raise LexiconError(f"{path}:{lineno}: weight {weight!r} is not a number") from None
            try:
                re.compile(pattern)
            except re.error as exc:
                raise LexiconError(f"{path}:{lineno}: bad pattern {pattern!r}: {exc}") from None
            flagset = frozenset() if flags in ("", "-") else frozenset(f.strip() for f in flags.split(","))
            group = None
            for f in flagset:
                if f.startswith("group="):
                    group = f.split("=", 1)[1]
            rules.append(Rule(name=name, weight=w, pattern=pattern, reason=reason, flags=flagset, group=group))
    if not header_seen:
        raise LexiconError(f"{path}: empty lexicon (no header line)")
    return rules


def _compile(rules: list[Rule]) -> re.Pattern[str]:
    if not rules:
        return re.compile(r"(?!x)x")  # matches nothing
    parts = [rf"(?P<r{i}>(?<![\w'])(?:{r.pattern})(?![\w]))" for i, r in enumerate(rules)]
    return re.compile("|".join(parts))


@lru_cache(maxsize=None)
def load(name: str, directory: str | None = None) -> Lexicon:
    """Load lexicon ``name`` (``rhetoric/lexicons/NAME.tsv``) or a file path.

    >>> lex = load("boosters")
    >>> [rule.name for rule, s, e in lex.finditer("a swift and severe response")]
    ['swift', 'severe']
    """
    if name.endswith(".tsv") or os.sep in name:
        path = Path(name)
    else:
        path = Path(directory) if directory else lexicon_dir()
        path = path / f"{name}.tsv"
    if not path.is_file():
        raise LexiconError(f"lexicon file not found: {path}")
    rules = _parse(path)
    return Lexicon(name=path.stem, rules=tuple(rules), path=str(path), regex=_compile(rules))
