"""Matching lexicons against sentences: one rule at a time, only where its anchors are.

Every lexicon loaded registers its rules' anchors (see :mod:`rhetoric._patterns`) in one
index, :data:`_REGISTRY`. :func:`match_many` matches a batch of sentences against the
lexicons in one pass (what scoring uses); :class:`_Prefilter` answers for one lexicon
and one text (``Lexicon.finditer``). Both find exactly what the alternation of all the
lexicon's rules would find, first listed rule winning at a position.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from ._patterns import (_WORD_RUN, LexiconError, _Analysis, _analyse, _Anchor, _compile, _compile_rule, _is_word,
                        _rule_source, _wrap)

if TYPE_CHECKING:
    from .lexicon import Rule

__all__ = ["Match", "match_many"]


class Match(NamedTuple):
    """One lexicon rule matched at ``[start, end)`` of a text (a tuple: cheap to make,
    and it unpacks as ``rule, start, end``)."""

    rule: Rule
    start: int
    end: int


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
        self.words: frozenset[str] = frozenset()  # every anchor word, first or other
        self.ascii_keys: frozenset[bytes] = frozenset()
        self.ascii_more: dict[tuple[int, int], tuple[frozenset[bytes], ...]] = {}
        self.substrings: tuple[str, ...] = ()
        # Rules without anchors (run on every text), as (lexicon id, rule index).
        self.always_pairs: tuple[tuple[int, int], ...] = ()
        self.filters: list[_Prefilter] = []  # by lexicon id
        self.indexed = False
        # (lexicon id, rule index) -> the rule's alternatives (``_patterns._alternatives``)
        # as _alternative_check gives them: it runs only on a text holding a word of each
        # anchor of one of them. By str words and, for ASCII text, by bytes.
        self.alternatives: dict[tuple[int, int], tuple] = {}
        self.ascii_alternatives: dict[tuple[int, int], tuple] = {}

    def add(self, prefilter: "_Prefilter", anchors: list[list[_Anchor]], alternatives: list) -> int:
        """Register one lexicon's rules' anchors (``anchors[i]`` for rule ``i``) and
        alternatives (``alternatives[i]``, None when a rule has none worth checking)."""
        lexicon_id = len(self.filters)
        self.filters.append(prefilter)
        words, subs = set(self.words), set(self.substrings)
        for i, found in enumerate(anchors):
            pair = (lexicon_id, i)
            if found and alternatives[i] is not None:
                alts = tuple(tuple(frozenset(ws) for ws in alt) for alt in alternatives[i])
                self.alternatives[pair] = _alternative_check(alts)
                # a word that is not ASCII is in no ASCII text: its anchor is met by the others
                self.ascii_alternatives[pair] = _alternative_check(tuple(
                    tuple(frozenset(w.encode("ascii") for w in ws if w.isascii()) for ws in alt) for alt in alts))
                for alt in alts:  # a text's words are looked for among these: add them
                    for ws in alt:
                        words |= ws
            if not found:
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
        self.words = frozenset(words)
        self.substrings = tuple(sorted(subs))
        self.indexed = False  # the lookup tables below: built by index() when next needed
        return lexicon_id

    def index(self) -> None:
        """Build the lookup tables :func:`_rule_texts` reads from the lexicons registered
        (once after the last of them, not once per lexicon: start-up reads eleven)."""
        # The words, keyed by bytes, for ASCII text (most text: one C-level split).
        self.ascii_keys = frozenset(w.encode("ascii") for w in self.words if w.isascii())
        by_ascii_word = {w.encode("ascii"): v for w, v in self.by_word.items() if w.isascii()}
        self.ascii_more = {k: tuple(frozenset(w.encode("ascii") for w in ws if w.isascii()) for ws in v)
                           for k, v in self.more.items()}
        # For match_many: by first-anchor word, the rules with no other anchor, and the
        # rules with others (each with those, to check), for str and ASCII-bytes words.
        self.index_of_word = _split_index(self.by_word, self.more, self.alternatives)
        self.ascii_index_of_word = _split_index(by_ascii_word, self.ascii_more, self.ascii_alternatives)
        self.indexed = True


def _split_index(by_word: dict, more: dict, alternatives: dict) -> dict:
    """By first-anchor word (one lookup per word of a text): the rules with nothing else
    to check, and the rules with other anchors or alternatives to check, as ``(pair,
    other anchors, alternatives or None)``."""
    return {w: (tuple(p for p in pairs if p not in more and p not in alternatives),
                tuple((p, more.get(p, ()), alternatives.get(p)) for p in pairs if p in more or p in alternatives))
            for w, pairs in by_word.items()}


_REGISTRY = _Registry()
# ASCII bytes: word characters (as ``\w`` defines them) stay, everything else is a space.
_ASCII_WORDS = bytes(b if _is_word(chr(b)) else 32 for b in range(128)) + b" " * 128


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
    if not reg.indexed:
        reg.index()
    table = _ASCII_WORDS
    todo: dict[tuple[int, int], list[int]] = {}
    for k, text in enumerate(texts):
        if text.isascii():
            hits = reg.ascii_keys.intersection(text.encode().translate(table).split())
            index, more, alternatives = reg.ascii_index_of_word, reg.ascii_more, reg.ascii_alternatives
        else:
            hits = reg.words.intersection(_WORD_RUN.findall(text))
            index, more, alternatives = reg.index_of_word, reg.more, reg.alternatives
        pairs: list[tuple[int, int]] = []
        for w in hits:
            # A rule is indexed by its first anchor; its other anchors must be here too.
            entry = index.get(w)
            if entry is None:  # another anchor's word only
                continue
            free, checked = entry
            pairs += free
            for pair, others, alts in checked:
                for other in others:
                    if other.isdisjoint(hits):
                        break
                else:
                    if alts is None or _has_alternative(alts, hits):
                        pairs.append(pair)
        for sub in reg.substrings:
            if sub in text:
                for pair in reg.by_substring.get(sub, ()):
                    if pair not in more or not any(other.isdisjoint(hits) for other in more[pair]):
                        if pair not in alternatives or _has_alternative(alternatives[pair], hits):
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


def _has_alternative(check, hits) -> bool:
    """Whether ``hits`` (a text's anchor words) hold a word of each anchor of one of a
    rule's alternatives; ``check`` is :func:`_alternative_check` of them."""
    shared, firsts, alternatives = check
    for words in shared:
        if words.isdisjoint(hits):
            return False
    if firsts is None:  # some alternative needs only the shared anchors
        return True
    if firsts.isdisjoint(hits):
        return False
    for anchors in alternatives:
        for words in anchors:
            if words.isdisjoint(hits):
                break
        else:
            return True
    return False


def _alternative_check(alternatives) -> tuple:
    """``(anchors every alternative has, the words of each alternative's first other
    anchor, each alternative's other anchors)``: most texts fail one of the first two
    tests, a set operation each, before the alternatives are tried one by one."""
    shared = tuple(a for a in alternatives[0] if all(a in alt for alt in alternatives[1:]))
    rest = tuple(tuple(a for a in alt if a not in shared) for alt in alternatives)
    if any(not alt for alt in rest):  # an alternative with no other anchor: shared decides
        return shared, None, ()
    return shared, frozenset().union(*(alt[0] for alt in rest)), rest


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

    >>> from rhetoric.lexicon import load
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
            m = search(text, m.end())  # most matching candidates match once: no iterator
            if m is not None:
                found.append(Match(rule, *m.span()))
                found += [Match(rule, *m.span()) for m in finditer(text, m.end())]
            by_lexicon = out[k]
            if by_lexicon is None:
                out[k] = {lexicon_id: found}
            elif lexicon_id not in by_lexicon:
                by_lexicon[lexicon_id] = found
            else:  # an earlier rule of this lexicon matched this text too
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
            every_rule = tuple(range(len(f.rules)))
            for k, text in enumerate(texts):
                found = f.scan(text, every_rule)
                if found:
                    if out[k] is None:
                        out[k] = {}
                    out[k][f.id] = found
    return out


class _Prefilter:
    """A lexicon's rules indexed by anchor, and each rule's own compiled pattern."""

    def __init__(self, rules: tuple[Rule, ...], path: str, analysis: _Analysis | None = None):
        self.rules = rules
        self.order = {rule.name: i for i, rule in enumerate(rules)}
        self.path = path
        if analysis is None:
            analysis = _analyse(rules)
        anchors, self.may_be_empty, self.programs, self.alternatives = analysis
        self.anchors = anchors
        self.compiled: list[re.Pattern[str] | None] = [None] * len(rules)
        self.subsets: dict[tuple[int, ...], re.Pattern[str]] = {}
        self.full: re.Pattern[str] | None = None
        self.last: tuple = (None, [])  # (text, matches) of the last text asked about
        self.id = _REGISTRY.add(self, anchors, self.alternatives)

    def full_regex(self) -> re.Pattern[str]:
        if self.full is None:
            self.full = _compile(self.rules)
        return self.full

    def _rule_regex(self, i: int) -> re.Pattern[str]:
        rx = self.compiled[i]
        if rx is None:
            rule = self.rules[i]
            try:
                rx = self.compiled[i] = _compile_rule(_rule_source(rule.pattern), self.programs[i])
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
        """The matches of this lexicon in ``text`` (:func:`match_many` of one text).
        The last text's answer is kept: a caller may ask about a text several times
        (``search``, then ``finditer``)."""
        last = self.last
        if last[0] is text:
            return last[1]
        found = match_many([text], [self])[0]
        found = found[self.id] if found else []
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
