"""Reading the lexicons' regular expressions: what a rule's matches must contain, and
how to search for a rule fast.

Two jobs, both on the pattern text alone (no sentence involved):

- *anchors* (:func:`_anchors`): words (or substrings) one of which every match of a rule
  contains, read from the parsed pattern; the matcher (:mod:`rhetoric._matching`) runs a
  rule only on sentences that hold its anchors;
- a rule's *search pattern* (:func:`_rule_source`): the pattern with its word-boundary
  checks, rearranged so that it starts with a literal where it can.
"""

from __future__ import annotations

import re

# The regular expression parser (Python >= 3.11), to read which words a pattern needs.
from re import _constants as _sre
from re import _parser as _sre_parse

__all__ = ["LexiconError"]


class LexiconError(ValueError):
    """A lexicon file that cannot be read; the message names the file and line."""


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


def _seq_anchors(items, word_before: bool, word_after: bool, every_word: bool = False) -> list[_Anchor]:
    """Anchors of a sequence: every match of it contains one of each anchor's words or
    substrings. From each run of parts with few strings, and from each part alone;
    with ``every_word``, also each whole word of a part that matches one string only
    ("we will pay": we, will and pay, not only the rarest)."""
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
        if every_word and len(strings[a]) == 1:
            found += _word_anchors(next(iter(strings[a])), before[a], after[a])
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


def _word_anchors(string: str, word_before: bool, word_after: bool) -> list[_Anchor]:
    """One anchor per whole word of ``string`` (see :func:`_string_anchor`)."""
    return [_Anchor((m.group(),)) for m in _WORD_RUN.finditer(string)
            if (m.start() > 0 or word_before) and (m.end() < len(string) or word_after)]


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
    parsed = _parsed(pattern)
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


# --- Alternatives ----------------------------------------------------------------------
#
# The anchors above are what *every* match contains, so a pattern of alternatives
# ("diplomacy ... or ... war | two paths") is anchored on the union of one anchor of each
# branch, and runs on every sentence that holds any word of any branch. Read branch by
# branch, each alternative needs all of its own words: "diplomacy" and "or" and "war",
# or "two" and "paths". The matcher runs a rule only where some alternative has all of
# them (a check on the sentence's words, much cheaper than the regex search it spares).

_MAX_ALTERNATIVES = 64  # top-level branches multiplied out, at most


def _alternatives(pattern: str) -> list[list[frozenset[str]]] | None:
    """The pattern's top-level alternatives (its top-level branches and groups of
    branches, multiplied out), each as the word anchors every match of it contains:
    a match of the pattern contains one word of each anchor of some alternative. None
    when that says nothing more than :func:`_anchors` (no branch at the top) or when
    some alternative has no word anchor (it could match anywhere)."""
    parsed = _parsed(pattern)
    if parsed.state.flags & ~_sre.SRE_FLAG_UNICODE:
        return None
    choices: list[list[list]] = []
    for op, av in parsed.data:
        if op is _sre.BRANCH:
            choices.append([list(b.data) for b in av[1]])
        elif (op is _sre.SUBPATTERN and not av[1] and not av[2] and len(av[3].data) == 1
              and av[3].data[0][0] is _sre.BRANCH):
            # a group holding only branches: matching it is matching one of them
            choices.append([list(b.data) for b in av[3].data[0][1][1]])
        else:
            choices.append([[(op, av)]])
    count = 1
    for c in choices:
        count *= len(c)
    if count == 1 or count > _MAX_ALTERNATIVES:
        return None
    import itertools

    out: list[list[frozenset[str]]] = []
    try:
        for combo in itertools.product(*choices):
            sequence = [item for part in combo for item in part]
            found = _seq_anchors(sequence, True, True, every_word=True)
            _memo.clear()  # keyed by id(): the next sequence may reuse this one's ids
            words = sorted(set(a.words for a in found if a.words and not a.substrings),
                           key=lambda ws: (sum(map(_word_cost, ws)), sorted(ws)))
            # the rarest first (the check stops at the first one missing); an anchor that
            # holds all the words of another is met whenever that one is: dropped
            words = [ws for ws in words if not any(other < ws for other in words)]
            if not words:
                return None
            if words not in out:
                out.append(words)
    except (_Unsupported, RecursionError):
        return None
    finally:
        _memo.clear()
    return out


# The lexicons' pattern trees, parsed once when the files are read.
_PARSED: dict[str, object] = {}


def _parsed(pattern: str):
    """The parse tree of ``pattern``: the one kept when its file was read, else parsed."""
    return _PARSED.get(pattern) or _sre_parse.parse(pattern)

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


# (anchors of each rule, whether some rule can match the empty string, each rule's
# search pattern compiled to the regex engine's program: see _program, each rule's
# alternatives: see _alternatives)
_Analysis = tuple[list[list[_Anchor]], bool, list, list]


def _analyse(rules) -> _Analysis:
    """What the matcher needs to know of a lexicon's rules, read from their patterns."""
    anchors = [_anchors(rule.pattern) for rule in rules]
    may_be_empty = any(_parsed(r.pattern).getwidth()[0] == 0 for r in rules)
    alternatives = [_alternatives(rule.pattern) for rule in rules]
    for i, (alts, found) in enumerate(zip(alternatives, anchors)):
        known = [a.words for a in found if not a.substrings]
        # an alternative whose anchors all hold one of the rule's own anchors is met
        # wherever the rule's anchors are: checking the alternatives would spare nothing
        if alts is not None and any(all(any(k <= ws for k in known) for ws in alt) for alt in alts):
            alternatives[i] = None
    return (anchors, may_be_empty, [_program(_rule_source(rule.pattern)) for rule in rules], alternatives)


# --- Compiled patterns, kept -------------------------------------------------------------
#
# Compiling the rules' 189 search patterns is a third of a scoring run's start-up (Python's
# compiler is written in Python). What it produces, the regex engine's program (a list of
# integers), is kept with the lexicon's stored analysis, and the next process hands it
# straight to the engine (``_sre.compile``, as ``re.compile`` itself ends). The stored
# analysis is keyed by the exact Python version, whose engine reads that program; and
# if anything about it fails, the pattern is compiled as usual.


def _program(source: str) -> tuple | None:
    """What ``re.compile(source)`` hands the regex engine, or None if that fails."""
    try:
        from re import _compiler

        parsed = _sre_parse.parse(source)
        code = [int(c) for c in _compiler._code(parsed, 0)]  # plain ints: opcodes are int subclasses
        indexgroup = [None] * parsed.state.groups
        for name, index in parsed.state.groupdict.items():
            indexgroup[index] = name
        return (parsed.state.flags, code, parsed.state.groups - 1, dict(parsed.state.groupdict), tuple(indexgroup))
    except Exception:  # a bad pattern (reported when the rule is first used) or another re
        return None


def _compile_rule(source: str, program: tuple | None) -> re.Pattern[str]:
    """``re.compile(source)``, from its kept program when there is one."""
    if program is not None:
        try:
            import _sre

            flags, code, groups, groupindex, indexgroup = program
            return _sre.compile(source, flags, code, groups, groupindex, indexgroup)
        except Exception:
            pass
    return re.compile(source)
