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
before general ones. (A lexicon runs only the rules whose anchor words occur in the
text, see the Prefilter section below; the matches are those of the full alternation.) To swap a lexicon, point :func:`load` at another file with the same
columns, or set ``RHETORIC_LEXICONS`` to a folder holding files of the same names.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

# The regular expression parser (Python >= 3.11), to read which words a pattern needs.
from re import _constants as _sre
from re import _parser as _sre_parse

__all__ = ["Rule", "Match", "Lexicon", "LexiconError", "load", "lexicon_dir", "may_match", "any_match", "match_many"]

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


class Match(NamedTuple):
    """One lexicon rule matched at ``[start, end)`` of a text (a tuple: cheap to make,
    and it unpacks as ``rule, start, end``)."""

    rule: Rule
    start: int
    end: int


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


def _wrap(pattern: str) -> str:
    # Whole words only: not inside a word, nor after an apostrophe ("don't" is no "t").
    return rf"(?<![\w'])(?:{pattern})(?![\w])"


def _compile(rules) -> re.Pattern[str]:
    if not rules:
        return re.compile(r"(?!x)x")  # matches nothing
    return re.compile("|".join(f"(?P<r{i}>{_wrap(r.pattern)})" for i, r in enumerate(rules)))


# --- Prefilter -----------------------------------------------------------------------
#
# Python's regex engine tries every branch of an alternation at every character, so
# one scan of a lexicon costs (characters x rules) whatever the text says. Most
# sentences carry no cue, so the scorer first asks which rules could match at all.
#
# For each rule, :func:`_anchor` reads the parsed pattern and finds *anchors*: a set
# of words (or, failing that, substrings) such that every match of the rule contains
# one of them as a whole word (or as a substring). ``sanction(s|ed|ing)?`` has the
# anchors {sanction, sanctions, sanctioned, sanctioning}; ``(\S+ ){0,4}(commitment|
# resolve)`` has {commitment, resolve}. A text's words are collected once (one
# translate and split in C for ASCII text), intersected with all lexicons' anchor words,
# and only rules with an anchor in the text are run. The analysis is conservative: a
# rule it cannot read (back-references, long repetitions of wildcards only) is always
# run, so a prefiltered scan finds exactly what the full alternation finds. Tests check
# that against ``Lexicon.regex`` on random and corpus text.

_MAX_STRINGS = 64  # largest finite set of strings tracked for one part of a pattern
_MAX_CLASS = 32  # largest character class expanded into its characters
_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT)
_NONWORD_CATEGORIES = (_sre.CATEGORY_SPACE, _sre.CATEGORY_NOT_WORD)
_WORD_CHAR = re.compile(r"\w")
_WORD_RUN = re.compile(r"\w+")
_LITERALS = "LITERALS"  # a run of LITERAL items merged into one string

# Words so common that an anchor on them filters little: a rule anchored on "the" or
# "will" runs on most sentences, so the analysis prefers any rarer word of the rule.
_COMMON = frozenset(
    """
    the of to and a in is that for on with as by it be are this was we i will not have
    has an at from our or their they he his its you would all which can more been but
    no also should must there were these those us who them may could so if any new
    other one said about what into up do only than out had very well now then just some
    such how when because her she my me your s t ll d re ve
    """.split()
)


# Results for the parts of the pattern being read, by id() of the part (alive while
# the pattern is read; cleared after each pattern).
_memo: dict = {}


class _Unsupported(Exception):
    """A pattern construct the analysis does not read; the rule is always run."""


def _is_word(ch: str) -> bool:
    return _WORD_CHAR.match(ch) is not None


def _class_chars(items) -> frozenset[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            chars.add(chr(av))
        elif op is _sre.RANGE and av[1] - av[0] < _MAX_CLASS:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:  # NEGATE, CATEGORY, big ranges
            return None
    return frozenset(chars) if len(chars) <= _MAX_CLASS else None


def _merge_literals(items) -> list:
    """The items of a sequence, consecutive LITERALs merged into one string."""
    out: list = []
    for op, av in items:
        if op is _sre.LITERAL:
            if out and out[-1][0] is _LITERALS:
                out[-1] = (_LITERALS, out[-1][1] + chr(av))
            else:
                out.append((_LITERALS, chr(av)))
        else:
            out.append((op, av))
    return out


def _check_group(av) -> list:
    group, add_flags, del_flags, p = av
    if add_flags or del_flags:
        raise _Unsupported("scoped flags")
    return p.data


def _strings(op, av) -> frozenset[str] | None:
    """Every string the item can match, when there are few; else None."""
    if op is _LITERALS:
        return frozenset((av,))
    if op is _sre.LITERAL:
        return frozenset((chr(av),))
    if op is _sre.IN:
        return _class_chars(av)
    if op is _sre.SUBPATTERN:
        return _seq_strings(_check_group(av))
    if op is _sre.ATOMIC_GROUP:
        return _seq_strings(av.data)
    if op is _sre.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            part = _seq_strings(branch.data)
            if part is None:
                return None
            out |= part
            if len(out) > _MAX_STRINGS:
                return None
        return frozenset(out)
    if op in _REPEATS:
        lo, hi, p = av
        if hi > 4:
            return None
        base = _seq_strings(p.data)
        if base is None:
            return None
        out, power = set(), {""}
        for k in range(hi + 1):
            if k >= lo:
                out |= power
            if k < hi:
                power = {a + b for a in power for b in base}
            if len(out) > _MAX_STRINGS or len(power) > _MAX_STRINGS:
                return None
        return frozenset(out)
    if op in _ZERO_WIDTH:
        return frozenset(("",))
    return None


def _seq_strings(items) -> frozenset[str] | None:
    key = ("strings", id(items))
    if key not in _memo:
        _memo[key] = _seq_strings_uncached(items)
    return _memo[key]


def _seq_strings_uncached(items) -> frozenset[str] | None:
    out = {""}
    for op, av in _merge_literals(items):
        part = _strings(op, av)
        if part is None:
            return None
        out = {a + b for a in out for b in part}
        if len(out) > _MAX_STRINGS:
            return None
    return frozenset(out)


def _edge(op, av) -> tuple[bool, bool, bool]:
    """``(can_be_empty, starts_nonword, ends_nonword)``: whether the item can match the
    empty string, and whether every non-empty match starts / ends with a character that
    is not a word character (``\\w``)."""
    if op is _LITERALS:
        return False, not _is_word(av[0]), not _is_word(av[-1])
    if op is _sre.LITERAL:
        nonword = not _is_word(chr(av))
        return False, nonword, nonword
    if op is _sre.IN:
        chars = _class_chars(av)
        if chars is not None:
            nonword = not any(_is_word(c) for c in chars)
        else:
            nonword = all(o is _sre.CATEGORY and a in _NONWORD_CATEGORIES for o, a in av)
        return False, nonword, nonword
    if op is _sre.SUBPATTERN:
        return _seq_edge(_check_group(av))
    if op is _sre.ATOMIC_GROUP:
        return _seq_edge(av.data)
    if op is _sre.BRANCH:
        edges = [_seq_edge(b.data) for b in av[1]]
        return any(e[0] for e in edges), all(e[1] for e in edges), all(e[2] for e in edges)
    if op in _REPEATS:
        lo, hi, p = av
        empty, first, last = _seq_edge(p.data)
        return lo == 0 or empty, first, last
    if op in _ZERO_WIDTH:
        return True, True, True  # no non-empty match: vacuously true
    if op in (_sre.ANY, _sre.NOT_LITERAL):
        return False, False, False
    raise _Unsupported(str(op))


def _seq_edge(items) -> tuple[bool, bool, bool]:
    key = ("edge", id(items))
    if key not in _memo:
        _memo[key] = _seq_edge_uncached(items)
    return _memo[key]


def _seq_edge_uncached(items) -> tuple[bool, bool, bool]:
    edges = [_edge(op, av) for op, av in _merge_literals(items)]
    first = last = True
    for e in edges:
        first = first and e[1]
        if not e[0]:
            break
    for e in reversed(edges):
        last = last and e[2]
        if not e[0]:
            break
    return all(e[0] for e in edges), first, last


def _word_cost(word: str) -> float:
    return 50.0 if word in _COMMON else 1.0 + 4.0 / len(word)


def _substring_cost(sub: str) -> float:
    # Short ones ("ing") are in most sentences.
    return 10.0 + 40.0 / len(sub) + (200.0 if len(sub) <= 3 else 0.0)


class _Anchor:
    """Any match contains one of ``words`` as a whole word or one of ``substrings``."""

    __slots__ = ("words", "substrings", "cost")

    def __init__(self, words=frozenset(), substrings=frozenset()):
        self.words = frozenset(words)
        self.substrings = frozenset(substrings)
        # What the anchor costs at run time: common words let the rule run often, and
        # every substring is one more ``in`` test per sentence.
        self.cost = sum(map(_word_cost, self.words)) + sum(map(_substring_cost, self.substrings))

    def __or__(self, other: "_Anchor") -> "_Anchor":
        return _Anchor(self.words | other.words, self.substrings | other.substrings)


def _string_anchor(strings, word_before: bool, word_after: bool) -> _Anchor | None:
    """Anchor for a part that matches one of ``strings``, given whether the text is
    known to have a non-word character (or the text's edge) just before / after it."""
    words: set[str] = set()
    substrings: set[str] = set()
    for s in strings:
        best, best_cost = None, 0.0
        for m in _WORD_RUN.finditer(s):
            if (m.start() > 0 or word_before) and (m.end() < len(s) or word_after):
                w = m.group()
                cost = _word_cost(w)
                if best is None or cost < best_cost:
                    best, best_cost = w, cost
        if best is not None:
            words.add(best)
        elif len(s) >= 3:
            substrings.add(s)
        else:
            return None
    return _Anchor(words, substrings)


def _seq_anchors(items, word_before: bool, word_after: bool) -> list[_Anchor]:
    """Anchors of a sequence: every match of it contains one of each anchor's words or
    substrings. From each run of parts with few strings, and from each part alone."""
    items = _merge_literals(items)
    n = len(items)
    edges = [_edge(op, av) for op, av in items]
    # before[i]: a non-word character (or the edge of the text) precedes item i.
    before = [word_before] * n
    for i in range(1, n):
        empty, _, last = edges[i - 1]
        before[i] = last and (before[i - 1] if empty else True)
    after = [word_after] * n
    for i in range(n - 2, -1, -1):
        empty, first, _ = edges[i + 1]
        after[i] = first and (after[i + 1] if empty else True)
    strings = [_strings(op, av) for op, av in items]
    found: list[_Anchor] = []
    for a in range(n):
        if strings[a] is None:
            found += _item_anchors(*items[a], before[a], after[a])
            continue
        # The part alone, and the longest run of parts from it whose strings stay few
        # (a longer run knows more of the words' edges).
        anchor = _string_anchor(strings[a], before[a], after[a])
        if anchor is not None:
            found.append(anchor)
        product, end = strings[a], a
        for b in range(a + 1, n):
            if strings[b] is None:
                break
            longer = {x + y for x in product for y in strings[b]}
            if len(longer) > _MAX_STRINGS:
                break
            product, end = longer, b
        if end > a:
            anchor = _string_anchor(product, before[a], after[end])
            if anchor is not None:
                found.append(anchor)
    return found


def _item_anchors(op, av, word_before: bool, word_after: bool) -> list[_Anchor]:
    if op is _sre.SUBPATTERN:
        return _seq_anchors(_check_group(av), word_before, word_after)
    if op is _sre.ATOMIC_GROUP:
        return _seq_anchors(av.data, word_before, word_after)
    if op is _sre.BRANCH:
        # One of the branches matches: the union of one anchor from each.
        union = _Anchor()
        for branch in av[1]:
            parts = _seq_anchors(branch.data, word_before, word_after)
            if not parts:
                return []
            union = union | min(parts, key=_cost)
        return [union]
    if op in _REPEATS and av[0] >= 1:
        lo, hi, p = av
        if hi == 1:
            return _seq_anchors(p.data, word_before, word_after)
        # Later repetitions follow (precede) the previous one.
        _, first, last = _seq_edge(p.data)
        return _seq_anchors(p.data, word_before and last, word_after and first)
    return []


def _cost(anchor: _Anchor) -> float:
    return anchor.cost


_MAX_ANCHORS = 3  # anchors checked per rule: the rule runs only when all are present


def _anchors(pattern: str) -> list[_Anchor]:
    """Up to three anchors of a rule's pattern (matched between non-word characters),
    cheapest first and sharing no word, the second and third of words only; empty
    when every text must be scanned."""
    parsed = _PARSED.get(pattern) or _sre_parse.parse(pattern)
    if parsed.state.flags & ~_sre.SRE_FLAG_UNICODE:
        return []
    try:
        found = sorted(_seq_anchors(parsed.data, True, True), key=_cost)
    except (_Unsupported, RecursionError):
        return []
    finally:
        _memo.clear()
    chosen: list[_Anchor] = []
    for anchor in found:
        if len(chosen) == _MAX_ANCHORS:
            break
        if chosen and anchor.substrings:
            continue  # a further anchor must be cheap to test: words only
        if all(anchor.words.isdisjoint(c.words) and anchor.substrings.isdisjoint(c.substrings) for c in chosen):
            chosen.append(anchor)
    return chosen


# The lexicons' pattern trees, parsed once when the files are read.
_PARSED: dict[str, object] = {}

# A rule's own search pattern. When the pattern starts with plain letters ("sanction"),
# they go first and the boundary check follows them ("sanction(?<![\w']sanction)"):
# the regex engine then finds candidate positions with a fast substring search
# instead of trying the pattern at every character.
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 '-")


def _structure(pattern: str):
    """``(index, char, depth)`` of each ``(``, ``)`` and ``|`` of ``pattern`` outside
    escapes and character classes; ``depth`` counts the groups open around it."""
    depth, i, n = 0, 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # skip the class: "[]...]" and "[^]...]" start with a literal ]
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif c == "(":
            yield i, c, depth
            depth += 1
        elif c == ")":
            depth -= 1
            yield i, c, depth
        elif c == "|":
            yield i, c, depth
        i += 1


def _literal_head(pattern: str) -> int:
    """Length of the plain letters ``pattern`` starts with (not the last, if repeated)."""
    head = 0
    while head < len(pattern) and pattern[head] in _PLAIN:
        head += 1
    if head < len(pattern) and pattern[head] in "?*+{":
        head -= 1  # the last plain character is repeated: not part of a fixed head
    return head


_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


def _rule_source(pattern: str) -> str:
    r"""The search pattern of one rule: ``_wrap(pattern)``, rearranged when possible so
    that it starts with a literal (the engine then jumps to where that literal occurs):

    - ``sanction(s|ed)?`` becomes ``sanction(?<![\w']sanction)(?:(s|ed)?)(?![\w])``;
    - ``(we|i) will ...`` becomes ``(?:we(?<![\w']we)|i(?<![\w']i))(?: will ...)(?![\w])``.

    Each form matches exactly what the wrapped pattern matches, at the same places: the
    boundary check moves behind the literal and looks back past it.
    """
    marks = list(_structure(pattern))
    bars = [i for i, c, depth in marks if c == "|" and depth == 0]
    if bars:  # alternatives at the top: each must start with plain letters
        cuts = [-1] + bars + [len(pattern)]
        heads = _literal_heads([pattern[a + 1 : b] for a, b in zip(cuts, cuts[1:])])
        return f"(?:{heads})(?![\\w])" if heads else _wrap(pattern)
    head = _literal_head(pattern)
    if head:
        lit, rest = pattern[:head], pattern[head:]
        return rf"{lit}(?<![\w']{lit})(?:{rest})(?![\w])"
    # A leading group of alternatives that each start with plain letters.
    if not pattern.startswith("(") or (pattern.startswith("(?") and not pattern.startswith("(?:")):
        return _wrap(pattern)
    if _BACKREFERENCE.search(pattern):  # the group's number would change
        return _wrap(pattern)
    close = next((i for i, c, depth in marks if c == ")" and depth == 0), None)
    if close is None or (close + 1 < len(pattern) and pattern[close + 1] in "?*+{"):
        return _wrap(pattern)
    first = 3 if pattern.startswith("(?:") else 1
    cuts = [first - 1] + [i for i, c, depth in marks if c == "|" and depth == 1 and i < close] + [close]
    heads = _literal_heads([pattern[a + 1 : b] for a, b in zip(cuts, cuts[1:])])
    return f"(?:{heads})(?:{pattern[close + 1:]})(?![\\w])" if heads else _wrap(pattern)


def _literal_heads(alternatives: list[str]) -> str | None:
    """``a1|a2|...`` with the boundary check behind each one's plain letters; None
    when an alternative does not start with plain letters."""
    parts = []
    for alt in alternatives:
        h = _literal_head(alt)
        if not h:
            return None
        parts.append(rf"{alt[:h]}(?<![\w']{alt[:h]})(?:{alt[h:]})")
    return "|".join(parts)


class _Registry:
    """Anchor words and substrings of every lexicon loaded, and which rules of which
    lexicon each one calls for: one lookup per text serves all lexicons."""

    def __init__(self):
        # First (cheapest) anchor -> the rules to consider, as (lexicon id, rule index).
        self.by_word: dict[str, tuple[tuple[int, int], ...]] = {}
        self.by_substring: dict[str, tuple[tuple[int, int], ...]] = {}
        # (lexicon id, rule index) -> its other anchors' words: one of each must be in
        # the text too.
        self.more: dict[tuple[int, int], tuple[frozenset[str], ...]] = {}
        self.more_keys: frozenset[tuple[int, int]] = frozenset()
        self.words: frozenset[str] = frozenset()  # every anchor word, first or other
        self.ascii_keys: frozenset[bytes] = frozenset()
        self.by_ascii_word: dict[bytes, tuple[tuple[int, int], ...]] = {}
        self.ascii_more: dict[tuple[int, int], tuple[frozenset[bytes], ...]] = {}
        self.substrings: tuple[str, ...] = ()
        self.always_run = False  # some lexicon has a rule without anchor
        self.always_pairs: tuple[tuple[int, int], ...] = ()  # those rules, as (lexicon id, index)
        self.filters: list[_Prefilter] = []  # by lexicon id
        self.count = 0

    def add(self, prefilter: "_Prefilter", anchors: list[list[_Anchor]]) -> int:
        """Register one lexicon's rules' anchors (``anchors[i]`` for rule ``i``)."""
        lexicon_id = self.count
        self.filters.append(prefilter)
        words, subs = set(self.words), set(self.substrings)
        for i, found in enumerate(anchors):
            pair = (lexicon_id, i)
            if not found:
                self.always_run = True
                self.always_pairs += (pair,)
                continue
            for w in found[0].words:
                self.by_word[w] = self.by_word.get(w, ()) + (pair,)
            for sub in found[0].substrings:
                self.by_substring[sub] = self.by_substring.get(sub, ()) + (pair,)
            if len(found) > 1:
                self.more[pair] = tuple(a.words for a in found[1:])
            for a in found:
                words |= a.words
                subs |= a.substrings
        self.more_keys = frozenset(self.more)
        self.words = frozenset(words)
        # The same, keyed by bytes, for ASCII text (most text: one C-level split).
        self.ascii_keys = frozenset(w.encode("ascii") for w in self.words if w.isascii())
        self.by_ascii_word = {w.encode("ascii"): v for w, v in self.by_word.items() if w.isascii()}
        self.ascii_more = {k: tuple(frozenset(w.encode("ascii") for w in ws if w.isascii()) for ws in v)
                           for k, v in self.more.items()}
        self.substrings = tuple(sorted(subs))
        # For match_many: by first-anchor word, the rules with no other anchor, and the
        # rules with others (each with those, to check), for str and ASCII-bytes words.
        self.plain, self.gated = _split_index(self.by_word, self.more)
        self.ascii_plain, self.ascii_gated = _split_index(self.by_ascii_word, self.ascii_more)
        self.count += 1
        return lexicon_id


def _split_index(by_word: dict, more: dict) -> tuple[dict, dict]:
    plain, gated = {}, {}
    for w, pairs in by_word.items():
        if any(p not in more for p in pairs):
            plain[w] = tuple(p for p in pairs if p not in more)
        if any(p in more for p in pairs):
            gated[w] = tuple((p, more[p]) for p in pairs if p in more)
    return plain, gated


_REGISTRY = _Registry()
# ASCII bytes: word characters (as ``\w`` defines them) stay, everything else is a space.
_ASCII_WORDS = bytes(b if _is_word(chr(b)) else 32 for b in range(128)) + b" " * 128
_NO_CANDIDATES: dict[int, tuple[int, ...]] = {}
# (text, lexicons registered, {lexicon id: indices of its rules whose anchors are in text})
_text_memo: tuple = (None, -1, _NO_CANDIDATES)


def _anchored_rules(text: str) -> dict[int, tuple[int, ...]]:
    """For each registered lexicon with a rule whose anchors are all in ``text``: the
    indices of those rules, in order."""
    global _text_memo
    memo = _text_memo
    reg = _REGISTRY
    if memo[0] is text and memo[1] == reg.count:
        return memo[2]
    if text.isascii():
        words = reg.ascii_keys.intersection(text.encode().translate(_ASCII_WORDS).split())
        by_word, more = reg.by_ascii_word, reg.ascii_more
    else:
        words = reg.words.intersection(_WORD_RUN.findall(text))
        by_word, more = reg.by_word, reg.more
    pairs: set[tuple[int, int]] = set()
    for w in words:
        if w in by_word:
            pairs.update(by_word[w])
    if reg.substrings:
        for sub in reg.substrings:
            if sub in text:
                pairs.update(reg.by_substring.get(sub, ()))
    result = _NO_CANDIDATES
    if pairs:
        for pair in reg.more_keys.intersection(pairs):
            for other in more[pair]:
                if other.isdisjoint(words):
                    pairs.discard(pair)
                    break
        if pairs:
            grouped: dict[int, list[int]] = {}
            for lexicon_id, i in sorted(pairs):
                if lexicon_id in grouped:
                    grouped[lexicon_id].append(i)
                else:
                    grouped[lexicon_id] = [i]
            result = {k: tuple(v) for k, v in grouped.items()}
    _text_memo = (text, reg.count, result)
    return result


def any_match(lexicons, text: str) -> bool:
    """``any(lex.search(text) for lex in lexicons)``, asking only the lexicons with an
    anchor in ``text``."""
    anchored = _anchored_rules(text)
    if not anchored and not _REGISTRY.always_run:
        return False
    for lex in lexicons:
        f = lex._filter
        if (f.id in anchored or f.always) and f.matches(text):
            return True
    return False


def may_match(text: str) -> bool:
    """False when no rule of any lexicon loaded so far can match ``text`` (its words
    hold no anchor): the scorer's shortcut for the many sentences without any cue.

    >>> _ = load("threat")
    >>> may_match("the weather was fine"), may_match("new sanctions")
    (False, True)
    """
    return _REGISTRY.always_run or bool(_anchored_rules(text))


# --- Many texts at once ----------------------------------------------------------------
#
# Scoring a corpus asks every lexicon about every sentence. Asking lexicon by lexicon
# costs a round of Python calls per sentence and lexicon, most of them to hear "nothing
# here". :func:`match_many` turns the loop around: one pass over the texts collects, from
# their words, which rules each text could hold (two on average in the crisis corpus,
# none for a third of its sentences); then each such rule runs on its texts alone.


def _rule_texts(texts: list[str]) -> dict[tuple[int, int], list[int]]:
    """``{(lexicon id, rule index): [indices of the texts holding all the rule's
    anchors]}`` for every registered lexicon (rules without anchors: every text)."""
    reg = _REGISTRY
    table = _ASCII_WORDS
    todo: dict[tuple[int, int], list[int]] = {}
    for k, text in enumerate(texts):
        if text.isascii():
            hits = reg.ascii_keys.intersection(text.encode().translate(table).split())
            plain, gated, more = reg.ascii_plain, reg.ascii_gated, reg.ascii_more
        else:
            hits = reg.words.intersection(_WORD_RUN.findall(text))
            plain, gated, more = reg.plain, reg.gated, reg.more
        pairs: list[tuple[int, int]] = []
        for w in hits:
            # A rule is indexed by its first anchor; its other anchors must be here too.
            if w in plain:
                pairs += plain[w]
            if w in gated:
                for pair, others in gated[w]:
                    for other in others:
                        if other.isdisjoint(hits):
                            break
                    else:
                        pairs.append(pair)
        for sub in reg.substrings:
            if sub in text:
                for pair in reg.by_substring.get(sub, ()):
                    if pair not in more or not any(other.isdisjoint(hits) for other in more[pair]):
                        pairs.append(pair)
        for pair in pairs:
            found = todo.get(pair)
            if found is None:
                todo[pair] = [k]
            elif found[-1] != k:  # two words of one anchor in the same text
                found.append(k)
    if reg.always_pairs:
        every = list(range(len(texts)))
        for pair in reg.always_pairs:
            todo[pair] = every
    return todo


def match_many(texts: list[str], lexicons=None) -> list[dict[int, list[Match]] | None]:
    """The matches of ``lexicons`` (default: every lexicon loaded) in each of ``texts``.

    Returns, for each text, ``None`` when no rule of any lexicon matches it, else a dict
    ``{lexicon id: [Match, ...]}`` (``Lexicon.id``) holding the lexicons that match, each
    list exactly what ``lexicon.finditer(text)`` gives: the alternation of the lexicon's
    rules, first listed rule winning at a position.

    Each candidate rule is run over its texts on its own. Where a lexicon has matches of
    several rules in one text and two of them overlap, the alternation's choice is made
    by :meth:`_Prefilter.scan`; where they do not overlap, the alternation finds exactly
    their union (it starts where the leftmost of them starts, takes it, and resumes at
    its end, before every other match).

    >>> lex = load("boosters")
    >>> found = match_many(["nothing here", "a swift and severe response"])
    >>> found[0], [m.rule.name for m in found[1][lex.id]]
    (None, ['swift', 'severe'])
    """
    reg = _REGISTRY
    filters = reg.filters
    wanted = range(len(filters)) if lexicons is None else frozenset(lex.id for lex in lexicons)
    out: list[dict[int, list[Match]] | None] = [None] * len(texts)
    several: list[tuple[int, int]] = []  # (text, lexicon id) with matches of several rules
    for (lexicon_id, i), ks in sorted(_rule_texts(texts).items()):
        f = filters[lexicon_id]
        if lexicon_id not in wanted or f.may_be_empty:
            continue  # empty matches: the alternation's own stepping, text by text, below
        rule, rx = f.rules[i], f._rule_regex(i)
        search, finditer = rx.search, rx.finditer
        for k in ks:
            text = texts[k]
            m = search(text)  # most candidates do not match: no list for them
            if m is None:
                continue
            found = [Match(rule, *m.span())]
            found += [Match(rule, *m.span()) for m in finditer(text, m.end())]
            if found:
                by_lexicon = out[k]
                if by_lexicon is None:
                    out[k] = {lexicon_id: found}
                elif lexicon_id not in by_lexicon:
                    by_lexicon[lexicon_id] = found
                else:
                    if by_lexicon[lexicon_id][-1].rule is not rule:
                        several.append((k, lexicon_id))
                    by_lexicon[lexicon_id] += found
    for k, lexicon_id in dict.fromkeys(several):
        found = out[k][lexicon_id]
        f = filters[lexicon_id]
        found.sort(key=lambda m: (m.start, f.order[m.rule.name]))
        if any(b.start < a.end for a, b in zip(found, found[1:])):
            out[k][lexicon_id] = f.scan(texts[k], tuple(sorted({f.order[m.rule.name] for m in found})))
    for f in filters:
        if f.may_be_empty and f.id in wanted:
            for k, text in enumerate(texts):
                found = f.matches(text)
                if found:
                    if out[k] is None:
                        out[k] = {}
                    out[k][f.id] = found
    return out


class _Prefilter:
    """A lexicon's rules indexed by anchor, and each rule's own compiled pattern."""

    def __init__(self, rules: tuple[Rule, ...], path: str, analysis: "_Analysis | None" = None):
        self.rules = rules
        self.order = {rule.name: i for i, rule in enumerate(rules)}
        self.path = path
        if analysis is None:
            analysis = _analyse(rules)
        anchors, self.may_be_empty = analysis
        self.anchors = anchors
        self.always = tuple(i for i, found in enumerate(anchors) if not found)
        self.compiled: list[re.Pattern[str] | None] = [None] * len(rules)
        self.subsets: dict[tuple[int, ...], re.Pattern[str]] = {}
        self.full: re.Pattern[str] | None = None
        self.last: tuple = (None, [])  # (text, matches) of the last text asked about
        self.id = _REGISTRY.add(self, anchors)

    def full_regex(self) -> re.Pattern[str]:
        if self.full is None:
            self.full = _compile(self.rules)
        return self.full

    def _rule_regex(self, i: int) -> re.Pattern[str]:
        rx = self.compiled[i]
        if rx is None:
            rule = self.rules[i]
            try:
                rx = self.compiled[i] = re.compile(_rule_source(rule.pattern))
            except re.error as exc:
                raise LexiconError(f"{self.path}: rule {rule.name!r}: bad pattern {rule.pattern!r}: {exc}") from None
        return rx

    def rule_matches(self, i: int, text: str) -> list[Match]:
        """Every match of rule ``i`` alone in ``text``."""
        rule = self.rules[i]
        return [Match(rule, *m.span()) for m in self._rule_regex(i).finditer(text)]

    def _subset_regex(self, idx: tuple[int, ...]) -> re.Pattern[str]:
        rx = self.subsets.get(idx)
        if rx is None:
            if len(self.subsets) >= 512:  # bounded: a pathological input cannot grow it
                self.subsets.clear()
            rx = self.subsets[idx] = re.compile(
                "|".join(f"(?P<r{i}>{_wrap(self.rules[i].pattern)})" for i in idx)
            )
        return rx

    def matches(self, text: str) -> list[Match]:
        """``(rule, start, end)`` of every match, as the full alternation finds them.
        The last text's answer is kept: the scorer asks about each sentence a few
        times (any match? which cues? which evidence?)."""
        last = self.last
        if last[0] is text:
            return last[1]
        memo = _text_memo
        if memo[0] is text and memo[1] == _REGISTRY.count:
            idx = memo[2].get(self.id, ())
        else:
            idx = _anchored_rules(text).get(self.id, ())
        if self.always:
            idx = tuple(sorted(set(idx) | set(self.always)))
        found = self.scan(text, idx) if idx else []
        self.last = (text, found)  # one assignment: consistent across threads
        return found

    def scan(self, text: str, idx: tuple[int, ...]) -> list[Match]:
        """Matches of the rules ``idx`` (in lexicon order), with the alternation's
        semantics."""
        rules = self.rules
        if len(idx) == 1:
            return self.rule_matches(idx[0], text)
        if self.may_be_empty:
            # Empty matches make the alternation's stepping subtle: let the engine do it.
            return [Match(rules[int(m.lastgroup[1:])], *m.span()) for m in self._subset_regex(idx).finditer(text)]
        # The alternation's semantics, rule by rule: the leftmost position where any rule
        # matches wins, and there the first listed rule; the scan goes on at its end.
        # A rule's next match at or after ``pos`` stays valid until ``pos`` passes it.
        heads = []
        for i in idx:
            m = self._rule_regex(i).search(text)
            if m is not None:
                heads.append((m.start(), i, m))
        out: list[Match] = []
        while heads:
            start, i, m = min(heads)
            end = m.end()
            out.append(Match(rules[i], start, end))
            kept = []
            for h in heads:
                if h[0] >= end:
                    kept.append(h)
                else:
                    m2 = self._rule_regex(h[1]).search(text, end)
                    if m2 is not None:
                        kept.append((m2.start(), h[1], m2))
            heads = kept
        return out


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
    stored = _read_analysis(path, data)
    if stored is not None:
        rules, analysis = stored
    else:
        rules = tuple(_parse(path))
        analysis = _analyse(rules)
        _write_analysis(path, data, (rules, analysis))
    return Lexicon(name=path.stem, rules=rules, path=str(path), _analysis=analysis)


# --- The analysis of a lexicon file, kept beside it -------------------------------------
#
# Reading a lexicon's patterns and finding their anchors takes most of the start-up of a
# scoring run (about 80 ms for the packaged lexicons), so, as Python keeps the byte code
# of a module, the result is kept in ``__pycache__`` beside the file, under a key of the
# file's bytes, this module's source and the Python version: any change to either reads
# the file again. Nothing is written where writing is not allowed (a read-only install)
# or not wanted (``PYTHONDONTWRITEBYTECODE``).

# (anchors of each rule, whether some rule can match the empty string)
_Analysis = tuple[list[list["_Anchor"]], bool]


def _analyse(rules) -> "_Analysis":
    anchors = [_anchors(rule.pattern) for rule in rules]
    may_be_empty = any((_PARSED.get(r.pattern) or _sre_parse.parse(r.pattern)).getwidth()[0] == 0 for r in rules)
    return anchors, may_be_empty


@lru_cache(maxsize=1)
def _analysis_version() -> bytes:
    import sys

    return Path(__file__).read_bytes() + sys.version.encode()


def _analysis_path(path: Path, data: bytes) -> Path:
    import hashlib

    key = hashlib.sha256(data + b"\0" + _analysis_version()).hexdigest()[:20]
    return path.parent / "__pycache__" / f"{path.stem}.{key}.lexicon.pickle"


def _read_analysis(path: Path, data: bytes):
    import pickle

    try:
        with open(_analysis_path(path, data), "rb") as fh:
            return pickle.load(fh)
    except Exception:  # none yet, unreadable, or written by another version: read the file
        return None


def _write_analysis(path: Path, data: bytes, analysis) -> None:
    import pickle
    import sys
    import tempfile

    if sys.dont_write_bytecode:
        return
    target = _analysis_path(path, data)
    try:
        target.parent.mkdir(exist_ok=True)
        for old in target.parent.glob(f"{path.stem}.*.lexicon.pickle"):  # other versions
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(analysis, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)  # whole or not at all: a reader never sees half a file
    except OSError:
        return
