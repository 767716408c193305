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
    another word, nor right after an apostrophe: a match cannot begin with a clitic,
    so write ``(we|they)'re``, not ``'re``;
``reason``
    why the rule is there, in the codebook's terms.

Named patterns: a pattern may write ``{name}`` for a pattern kept in one place, so that a
list of actors is not copied into every rule that needs it. ``{name}`` is replaced by
``(?:...)`` around the named pattern. The names are the target gazetteer's
(``targets.tsv``: ``{targets}`` is every actor it lists, ``{russia}``, ``{nato}``, ... one
``group=``), then the rules of ``actors.tsv`` (same columns; a row may use the names
defined above it), both read from the lexicon's own folder. An unknown name is an error;
``{0,3}`` and other counted repeats are not names (a name starts with a letter).

At any position the first listed rule that matches wins, so specific rules are listed
before general ones, and the words a match takes are read by no other rule of the file:
an exclusion listed first (a negative weight, or weight 0 where it should only keep its
words from the rules below, as ``commitment.tsv``'s ``others_commitments`` does) stops
the general rules from reading the same words. (A lexicon runs only the rules whose anchor words occur in the
text, see :mod:`rhetoric._patterns` and :mod:`rhetoric._matching`; the matches are those
of the full alternation.) To swap a lexicon, point :func:`load` at another file with the
same columns, or set ``RHETORIC_LEXICONS`` to a folder holding files of the same names.

This module reads the files; :mod:`rhetoric._patterns` reads the patterns (anchors,
search patterns); :mod:`rhetoric._matching` matches them against sentences.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# The regular expression parser (Python >= 3.11): patterns are checked when read.
from re import _constants as _sre
from re import _parser as _sre_parse

from ._matching import Match, _Prefilter, match_many
from ._patterns import _PARSED, LexiconError, _analyse, _Analysis, _Anchor

__all__ = ["Rule", "Match", "Lexicon", "LexiconError", "load", "lexicon_dir", "match_many"]

_COLUMNS = ("rule", "weight", "flags", "pattern", "reason")


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
    """A named, ordered list of rules, matched as one alternation.

    ``finditer`` yields ``(rule, start, end)`` exactly as ``regex.finditer`` (the
    alternation of all rules, first listed rule wins at a position) would, but runs
    only the rules whose anchor words occur in the text (see :class:`_Prefilter`):
    most sentences carry no cue, and for them a scan costs one set intersection.
    """

    name: str
    rules: tuple[Rule, ...]
    path: str
    _analysis: "_Analysis | None" = field(default=None, repr=False, compare=False)
    _filter: "_Prefilter" = field(init=False, repr=False, compare=False)
    #: The key of this lexicon's matches in :func:`match_many`'s answers.
    id: int = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_filter", _Prefilter(self.rules, self.path, self._analysis))
        object.__setattr__(self, "id", self._filter.id)

    @property
    def regex(self) -> re.Pattern[str]:
        """All rules as one alternation (group ``r{i}`` is rule ``i``), compiled on
        first use: scoring itself never needs it."""
        return self._filter.full_regex()

    def finditer(self, text: str):
        """The :class:`Match`\\ es of ``text``, in order."""
        return iter(self._filter.matches(text))

    def search(self, text: str) -> bool:
        return bool(self._filter.matches(text))

    def count(self, text: str) -> int:
        """The number of matches in ``text`` (``len(list(self.finditer(text)))``)."""
        return len(self._filter.matches(text))

    def __len__(self) -> int:
        return len(self.rules)


def lexicon_dir() -> Path:
    """The folder lexicons are read from: ``RHETORIC_LEXICONS`` or the packaged one."""
    override = os.environ.get("RHETORIC_LEXICONS")
    return Path(override) if override else Path(__file__).with_name("lexicons")


# --- Named patterns ({name}, see the module docstring) ------------------------------

_NAME = re.compile(r"(?<!\\)\{([a-z_][a-z0-9_]*)\}")
#: The files named patterns are read from, in this order, beside the lexicons.
DEFINITION_FILES = ("targets", "actors")


def _expand(pattern: str, names, where: str) -> str:
    """``pattern`` with each ``{name}`` replaced by ``(?:`` its pattern ``)``."""

    def named(m: re.Match) -> str:
        if m.group(1) not in names:
            known = ", ".join(sorted(names)) or "none"
            raise LexiconError(f"{where}: {{{m.group(1)}}} is not a named pattern (known: {known})")
        return f"(?:{names[m.group(1)]})"

    return _NAME.sub(named, pattern) if "{" in pattern else pattern


def _definitions(directory: Path) -> tuple[dict[str, str], bytes]:
    """The named patterns of the lexicons in ``directory``, and the bytes of the files
    they come from (a stored analysis is keyed on them too)."""
    parts = _definition_files(directory)
    return _read_definitions(str(directory), *parts), b"\0".join(parts)


def _definition_files(directory: Path) -> list[bytes]:
    """The bytes of the files the named patterns come from (empty for a missing one)."""
    return [p.read_bytes() if p.is_file() else b"" for p in (directory / f"{n}.tsv" for n in DEFINITION_FILES)]


@lru_cache(maxsize=8)
def _read_definitions(directory: str, targets: bytes, actors: bytes) -> dict[str, str]:
    names: dict[str, str] = {}
    if targets:
        rules = _parse(Path(directory) / "targets.tsv", targets, {})
        names["targets"] = "|".join(r.pattern for r in rules)
        for r in rules:
            if r.group:
                names[r.group] = f"{names[r.group]}|{r.pattern}" if r.group in names else r.pattern
    if actors:
        _parse(Path(directory) / "actors.tsv", actors, names, define=True)
    return names


def _parse(path: Path, data: bytes, defined=None, define: bool = False) -> list[Rule]:
    """The rules of the lexicon file ``path``, whose bytes are ``data`` (read once by
    :func:`load`, which also keys the stored analysis on them). ``defined``: the named
    patterns ``{name}`` may use (default: those of the file's folder); ``define``: each
    rule is added to ``defined`` as it is read (``actors.tsv``)."""
    if defined is None:
        defined = _definitions(path.parent)[0]
    rules: list[Rule] = []
    header_seen = False
    names: set[str] = set()
    # newline=None: line endings read as open() in text mode reads them ("\r\n" -> "\n").
    with io.StringIO(data.decode("utf-8"), newline=None) as fh:
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
            pattern = _expand(pattern, defined, f"{path}:{lineno}")
            if define:
                if name in defined:
                    raise LexiconError(f"{path}:{lineno}: named pattern {name!r} defined twice")
                defined[name] = pattern
            try:
                _PARSED[pattern] = _sre_parse.parse(pattern)
            except re.error as exc:
                raise LexiconError(f"{path}:{lineno}: bad pattern {pattern!r}: {exc}") from None
            if _PARSED[pattern].state.flags & ~_sre.SRE_FLAG_UNICODE:
                # "(?i)..." cannot sit inside the alternation of all rules.
                raise LexiconError(f"{path}:{lineno}: bad pattern {pattern!r}: inline flags such as (?i) are not allowed")
            flagset = frozenset() if flags in ("", "-") else frozenset(f.strip() for f in flags.split(","))
            group = None
            for f in flagset:
                if f.startswith("group="):
                    group = f.split("=", 1)[1]
            rules.append(Rule(name=name, weight=w, pattern=pattern, reason=reason, flags=flagset, group=group))
    if not header_seen:
        raise LexiconError(f"{path}: empty lexicon (no header line)")
    return rules


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
    data = path.read_bytes()
    parts = _definition_files(path.parent)
    key = data + b"\0" + b"\0".join(parts)  # the analysis follows the named patterns' files too
    stored = _read_analysis(path, key)
    if stored is not None:  # the named patterns are already expanded in its rules: not read
        rules, analysis = stored
    else:
        rules = tuple(_parse(path, data, _read_definitions(str(path.parent), *parts)))
        analysis = _analyse(rules)
        _write_analysis(path, key, (rules, analysis))
    return Lexicon(name=path.stem, rules=rules, path=str(path), _analysis=analysis)


# --- The analysis of a lexicon file, kept in the user's cache ----------------------------
#
# Reading a lexicon's patterns, finding their anchors and compiling them takes most of
# the start-up of a scoring run (about 0.3 s for the packaged lexicons, against 0.1 s
# with it kept), so the result is kept, as JSON, in the user's cache folder
# (:func:`analysis_cache_dir`), never beside the lexicons nor in the package, under a key
# of the file's bytes (and those of the files its named patterns come from), the source
# of the code that reads it and the Python version: any change reads the file again.
# JSON, not pickle: the folder is writable by the user, and a file planted there can at
# worst give wrong rules (as an edited lexicon would), never run code; a file that is
# not exactly what _write_analysis writes is ignored. Nothing is written where writing
# is not allowed or not wanted (``PYTHONDONTWRITEBYTECODE``, as for byte code).

_ANALYSIS_FORMAT = "rhetoric-lexicon-analysis/2"


def analysis_cache_dir() -> Path:
    """Where lexicon analyses are kept: ``$RHETORIC_CACHE/lexicons`` when
    ``RHETORIC_CACHE`` is set, else ``rhetoric/lexicons`` in the user's cache folder
    (``$XDG_CACHE_HOME``, default ``~/.cache``)."""
    root = os.environ.get("RHETORIC_CACHE")
    if root:
        return Path(root).expanduser() / "lexicons"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "rhetoric" / "lexicons"


@lru_cache(maxsize=1)
def _analysis_version() -> bytes:
    """The code and Python an analysis depends on: this module (reading the files) and
    :mod:`rhetoric._patterns` (reading the patterns)."""
    import sys

    from . import _patterns

    return Path(__file__).read_bytes() + Path(_patterns.__file__).read_bytes() + sys.version.encode()


def _analysis_path(path: Path, data: bytes) -> Path:
    """``<cache>/<stem>-<folder hash>.<key>.json``: one entry per lexicon file (the hash
    of its folder keeps two folders' ``threat.tsv`` apart), keyed on ``data``."""
    import hashlib

    key = hashlib.sha256(data + b"\0" + _analysis_version()).hexdigest()[:20]
    return analysis_cache_dir() / f"{_analysis_stem(path)}.{key}.json"


def _analysis_stem(path: Path) -> str:
    import hashlib

    folder = hashlib.sha256(str(path.resolve().parent).encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{path.stem}-{folder}"


def _encode_analysis(rules, analysis) -> str:
    import json

    anchors, may_be_empty, programs, alternatives = analysis
    return json.dumps({
        "format": _ANALYSIS_FORMAT,
        "rules": [{"name": r.name, "weight": r.weight, "pattern": r.pattern, "reason": r.reason,
                   "flags": sorted(r.flags), "group": r.group} for r in rules],
        "anchors": [[[sorted(a.words), sorted(a.substrings), a.cost] for a in rule_anchors] for rule_anchors in anchors],
        "may_be_empty": bool(may_be_empty),
        "programs": [None if p is None else [p[0], _pack_code(p[1]), p[2], p[3], list(p[4])] for p in programs],
        "alternatives": [None if alts is None else [[sorted(words) for words in alt] for alt in alts]
                         for alts in alternatives],
    }, ensure_ascii=False, separators=(",", ":"))


def _code_array():
    """An empty array of 32-bit unsigned ints (the regex engine's code words)."""
    from array import array

    return array(next(t for t in "IL" if array(t).itemsize == 4))


def _pack_code(code) -> str:
    """A program's code words as base64 of 32-bit little-endian ints: parsed much faster
    than a JSON list, and every value read back is an int of the engine's width."""
    import base64
    import sys

    words = _code_array()
    words.extend(code)
    if sys.byteorder == "big":
        words.byteswap()
    return base64.b64encode(words.tobytes()).decode("ascii")


def _unpack_code(text) -> list[int]:
    import base64
    import sys

    _check(isinstance(text, str))
    words = _code_array()
    words.frombytes(base64.b64decode(text.encode("ascii"), validate=True))
    if sys.byteorder == "big":
        words.byteswap()
    return words.tolist()


class _Malformed(ValueError):
    pass


def _check(ok: bool) -> None:
    if not ok:
        raise _Malformed


def _strings(value) -> list[str]:
    _check(isinstance(value, list) and all(isinstance(s, str) for s in value))
    return value


def _int(value) -> int:
    _check(type(value) is int)
    return value


def _decode_analysis(text: str):
    """``(rules, analysis)`` from what :func:`_encode_analysis` wrote; _Malformed (or
    another ValueError) for anything else. Builds only strings, numbers and this
    module's own types."""
    import json

    doc = json.loads(text)
    _check(isinstance(doc, dict) and doc.get("format") == _ANALYSIS_FORMAT)
    _check(set(doc) == {"format", "rules", "anchors", "may_be_empty", "programs", "alternatives"})
    raw_rules, raw_anchors, raw_programs = doc["rules"], doc["anchors"], doc["programs"]
    raw_alternatives = doc["alternatives"]
    _check(isinstance(raw_rules, list) and isinstance(raw_anchors, list) and isinstance(raw_programs, list)
           and isinstance(raw_alternatives, list))
    _check(len(raw_rules) == len(raw_anchors) == len(raw_programs) == len(raw_alternatives))
    _check(isinstance(doc["may_be_empty"], bool))
    rules = []
    for r in raw_rules:
        _check(isinstance(r, dict) and set(r) == {"name", "weight", "pattern", "reason", "flags", "group"})
        _check(all(isinstance(r[k], str) for k in ("name", "pattern", "reason")))
        _check(type(r["weight"]) in (int, float) and (r["group"] is None or isinstance(r["group"], str)))
        rules.append(Rule(name=r["name"], weight=float(r["weight"]), pattern=r["pattern"], reason=r["reason"],
                          flags=frozenset(_strings(r["flags"])), group=r["group"]))
    anchors = []
    for rule_anchors in raw_anchors:
        _check(isinstance(rule_anchors, list))
        found = []
        for a in rule_anchors:
            _check(isinstance(a, list) and len(a) == 3 and type(a[2]) in (int, float))
            anchor = _Anchor(_strings(a[0]), _strings(a[1]))
            anchor.cost = float(a[2])  # as computed (a sum's rounding follows the set's order)
            found.append(anchor)
        anchors.append(found)
    programs = []
    for p in raw_programs:
        if p is None:
            programs.append(None)
            continue
        _check(isinstance(p, list) and len(p) == 5)
        flags, code, groups, groupindex, indexgroup = p
        _check(isinstance(groupindex, dict) and isinstance(indexgroup, list))
        _check(all(isinstance(k, str) and type(v) is int for k, v in groupindex.items()))
        _check(all(g is None or isinstance(g, str) for g in indexgroup))
        programs.append((_int(flags), _unpack_code(code), _int(groups), groupindex, tuple(indexgroup)))
    alternatives = []
    for alts in raw_alternatives:
        _check(alts is None or (isinstance(alts, list) and alts and all(isinstance(a, list) and a for a in alts)))
        if alts is None:
            alternatives.append(None)
            continue
        alternative_words = [[frozenset(_strings(w)) for w in alt] for alt in alts]
        _check(all(all(alt) for alt in alternative_words))  # an empty anchor would never be met
        alternatives.append(alternative_words)
    return tuple(rules), (anchors, doc["may_be_empty"], programs, alternatives)


def _read_analysis(path: Path, data: bytes):
    try:
        text = _analysis_path(path, data).read_text(encoding="utf-8")
        return _decode_analysis(text)
    except Exception:  # none yet, unreadable, or not ours: read the lexicon file
        return None


def _write_analysis(path: Path, data: bytes, analysis) -> None:
    import sys

    from ._atomic import atomic_path

    if sys.dont_write_bytecode:
        return
    try:
        text = _encode_analysis(*analysis)
        target = _analysis_path(path, data)
        target.parent.mkdir(parents=True, exist_ok=True)
        for old in target.parent.glob(f"{_analysis_stem(path)}.*.json"):  # other versions
            old.unlink(missing_ok=True)
        with atomic_path(target) as tmp:  # whole or not at all: a reader never sees half a file
            tmp.write_text(text, encoding="utf-8")
    except (OSError, TypeError, ValueError, OverflowError):  # read-only, or what JSON cannot hold
        return
