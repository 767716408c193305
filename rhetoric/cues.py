"""Cue matching shared by the constructs: boosters, hedges, negation, denial, reported
speech, questions and target actors.

Each cue is a lexicon in ``rhetoric/lexicons``; this module finds them once per
sentence (:func:`find_cues`) and answers the questions the construct modules ask
("is this match negated?", "is the sentence hedged?").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import islice

from .lexicon import Match, load, match_many

__all__ = ["Match", "SentenceCues", "find_cues", "is_question", "lowercase", "CUE_LEXICONS"]

# The cue lexicons, by the feature name each one's count is reported under.
CUE_LEXICONS = {
    "boosters": "boosters",
    "hedges": "hedges",
    "negations": "negation",
    "denials": "denial",
    "reported_speech": "reporting",
    "procedural": "procedural",
}

def _construct_lexicons() -> tuple[str, ...]:
    from .constructs import REGISTRY  # the registry imports this module: read it late

    return tuple(c.lexicon for c in REGISTRY)

# How far before a cue a negation still reaches it: at most this many words, and no
# clause punctuation in between ("we will not impose sanctions": 1 word; "not, as some
# say, sanctions": cut by the comma; "they do not have five options - we will ...": cut
# by the dash).
NEGATION_WINDOW_WORDS = 3
_CLAUSE_BREAK = re.compile(r"[,;:()]|\s-\s|\b(?:but|and|because|while|whereas|which|who|that)\b")
_WORD = re.compile(r"[\w']+")

# A sentence is a question when it ends in "?" (allowing closing quotes and brackets),
# or it is a journalist's turn in a briefing transcript ("Q", "QUESTION:").
_QUESTION_END = re.compile(r"\?[\"')\]\s]*$")
_JOURNALIST_TURN = re.compile(
    r"^\s*(?:q\b[:.]?|question\s*:|(?:and |so |but )?i (?:just )?(?:wanted|want|would like) to ask\b|i (?:was |am )?wonder(?:ing)?\b)", re.IGNORECASE
)


@dataclass(slots=True)
class SentenceCues:
    """Every cue found in one sentence (offsets relative to the sentence)."""

    low: str
    matches: dict[str, list[Match]]
    targets: list[Match]
    question: bool
    # Every lexicon's matches, by lexicon id (see rhetoric.lexicon.match_many).
    found: dict[int, list[Match]]
    # (starts, ends) of the negations, made on the first question about them: a long
    # sentence with many cues and negations is then answered by bisection, not by a
    # scan of every negation for every cue.
    _negation_bounds: tuple[list[int], list[int]] | None = field(default=None, repr=False, compare=False)

    def of(self, lex) -> list[Match]:
        """The matches of lexicon ``lex`` (a construct's own rules) in this sentence."""
        return self.found.get(lex.id, _NONE)

    def first(self, feature: str) -> Match | None:
        found = self.matches[feature]
        return found[0] if found else None

    def negation_before(self, start: int, end: int | None = None) -> Match | None:
        """The negation that cancels a cue at ``[start, end)``, if any: one inside the
        cue's own words ("will not impose sanctions") or just before it."""
        negations = self.matches["negations"]
        if not negations:
            return None
        if self._negation_bounds is None:
            # Matches of one lexicon do not overlap and come in order, so both the
            # starts and the ends are sorted.
            self._negation_bounds = ([n.start for n in negations], [n.end for n in negations])
        starts, ends = self._negation_bounds
        if end is not None:
            i = bisect_left(starts, start)  # the first negation starting inside the cue
            if i < len(starts) and starts[i] < end:
                return negations[i]
        i = bisect_right(ends, start) - 1  # the nearest negation ending before the cue
        if i < 0:
            return None
        neg = negations[i]
        between = self.low[neg.end : start]
        # More than NEGATION_WINDOW_WORDS words between: counted up to one past it.
        if next(islice(_WORD.finditer(between), NEGATION_WINDOW_WORDS, None), None) is not None:
            return None
        if _CLAUSE_BREAK.search(between):
            return None
        return neg

    def target_groups(self) -> list[str]:
        return [m.rule.group for m in self.targets if m.rule.group]


def lowercase(text: str) -> str:
    """Lower-case ``text`` without changing its length (so offsets stay valid)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


# (((feature, cue lexicon), ...), targets lexicon), as :func:`load_lexicons` last
# found them: the lexicons are looked up once per call of the scorer, not per sentence.
_lexicons: tuple = ((), None)


def load_lexicons() -> tuple[tuple, tuple, object]:
    """Every lexicon scoring depends on, loaded (so registered with the matcher):
    ``(construct lexicons, ((feature, cue lexicon), ...), targets lexicon)``; the cue
    lexicons are remembered for :func:`cues_from_matches`. ``load`` is cached: after
    ``load.cache_clear()`` this picks up the lexicons anew."""
    global _lexicons
    constructs = tuple(load(name) for name in _construct_lexicons())
    cues = tuple((feature, load(name)) for feature, name in CUE_LEXICONS.items())
    _lexicons = (cues, load("targets"))
    return constructs, *_lexicons


def find_cues(sentence: str, low: str | None = None) -> SentenceCues:
    """Find all shared cues in one normalised sentence.

    >>> cues = find_cues("We will not impose swift sanctions on Russia, we may wait.")
    >>> [m.rule.name for m in cues.matches["boosters"]], cues.target_groups()
    (['swift'], ['russia'])
    """
    if low is None:
        low = lowercase(sentence)
    constructs, cue_lexicons, targets = load_lexicons()  # registered before matching
    lexicons = (*constructs, *(lex for _, lex in cue_lexicons), targets)
    return cues_from_matches(sentence, low, match_many([low], lexicons)[0] or {})


def cues_from_matches(sentence: str, low: str, found: dict[int, list[Match]]) -> SentenceCues:
    """The cues of a sentence whose lexicon matches are known (``match_many``)."""
    cue_lexicons, target_lexicon = _lexicons
    matches = {feature: found.get(lex.id, _NONE) for feature, lex in cue_lexicons}
    return SentenceCues(low, matches, found.get(target_lexicon.id, _NONE), is_question(sentence), found)


# No matches (shared, never changed: callers only read it).
_NONE: list[Match] = []


def is_question(sentence: str) -> bool:
    """True for a question or a journalist's turn (see :data:`_QUESTION_END`).

    >>> is_question("Will you respond?"), is_question("Q: And sanctions"), is_question("We act.")
    (True, True, False)
    """
    return bool(("?" in sentence and _QUESTION_END.search(sentence)) or _JOURNALIST_TURN.match(sentence))
