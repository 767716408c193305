"""Scores with evidence: the library's main entry points.

>>> s = score("If Russia invades, it will face swift and severe consequences.")
>>> s.threat >= 0.5, s.conditionality >= 0.5, s.two_path < 0.5
(True, True, True)
>>> print(s.explain())  # doctest: +ELLIPSIS
threat 0.9... = sigmoid(-4.00 ...

A text is split into sentences and each sentence is scored on its own. The text's score
for a construct is the **maximum** over its sentences (a statement carries a threat when
any of its sentences does); :attr:`TextScore.features` adds the document aggregates:

``n_sentences``
    sentences found;
``{construct}_share``
    the share of sentences scoring >= 0.5 (the codebook label would be 1);
``{construct}_mean``
    the mean sentence score;
cue counts (``boosters``, ``hedges``, ``negations``, ``denials``, ``reported_speech``,
``questions``, ``procedural``) and ``target_{group}`` counts
    summed over sentences.

An empty text (no sentence) scores 0 on everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .constructs import CONSTRUCTS, commitment, conditionality, threat
from .constructs._base import Evidence, sigmoid
from .cues import CUE_LEXICONS, find_cues, lowercase
from .lexicon import load
from .text import normalise, split_sentences

__all__ = [
    "CONSTRUCTS",
    "SentenceScore",
    "TextScore",
    "score",
    "score_sentence",
    "feature_names",
    "BIASES",
]

BIASES = {
    "threat": threat.BIAS,
    "conditionality": conditionality.BIAS,
    "two_path": conditionality.TWO_PATH_BIAS,
    "commitment": commitment.BIAS,
}
THRESHOLD = 0.5
CUE_FEATURES = tuple(CUE_LEXICONS) + ("questions",)


@lru_cache(maxsize=None)
def target_groups() -> tuple[str, ...]:
    """Target gazetteer groups, in the order the gazetteer lists them."""
    groups: list[str] = []
    for rule in load("targets").rules:
        if rule.group and rule.group not in groups:
            groups.append(rule.group)
    return tuple(groups)


@lru_cache(maxsize=None)
def feature_names() -> tuple[str, ...]:
    """All features of a :class:`TextScore`, in output order (constructs first)."""
    names = list(CONSTRUCTS)
    names += CUE_FEATURES
    names += [f"target_{g}" for g in target_groups()]
    names.append("n_sentences")
    names += [f"{c}_share" for c in CONSTRUCTS]
    names += [f"{c}_mean" for c in CONSTRUCTS]
    return tuple(names)


@dataclass(slots=True)
class SentenceScore:
    """Scores of one sentence, with every piece of evidence behind them."""

    start: int
    end: int
    text: str
    scores: dict[str, float]
    evidence: list[Evidence]
    cues: dict[str, int]

    def __getattr__(self, name: str):  # s.threat, s.commitment, ...
        try:
            return self.scores[name]
        except KeyError:
            raise AttributeError(name) from None

    def logit(self, construct: str) -> float:
        return BIASES[construct] + sum(e.weight for e in self.evidence if e.construct == construct)


# Fast path: a sentence that matches no construct lexicon has empty evidence; checking
# that with one combined pattern first is what makes cue-less sentences cheap.
@lru_cache(maxsize=None)
def _construct_lexicons():
    return tuple(load(n) for n in ("threat", "conditionality", "two_path", "commitment"))


def score_sentence(sentence: str, offset: int = 0) -> SentenceScore:
    """Score one sentence (no splitting). ``offset`` shifts the evidence spans, for
    sentences cut from a longer text. The sentence should be :func:`normalise`\\ d."""
    low = lowercase(sentence)
    cues = find_cues(sentence, low)
    ev_threat: list[Evidence] = []
    ev_cond: list[Evidence] = []
    ev_two: list[Evidence] = []
    ev_commit: list[Evidence] = []
    if any(lex.search(low) for lex in _construct_lexicons()):
        ev_threat = threat.evidence(sentence, cues, offset)
        ev_cond = conditionality.evidence(sentence, cues, ev_threat, offset)
        ev_two = conditionality.two_path_evidence(sentence, cues, offset)
        ev_commit = commitment.evidence(sentence, cues, offset)
    logits = {
        "threat": threat.BIAS + sum(e.weight for e in ev_threat),
        "conditionality": conditionality.BIAS + sum(e.weight for e in ev_cond),
        "two_path": conditionality.TWO_PATH_BIAS + sum(e.weight for e in ev_two),
        "commitment": commitment.BIAS + sum(e.weight for e in ev_commit),
    }
    scores = {c: sigmoid(v) for c, v in logits.items()}
    # Two paths with different outcomes are a condition (codebook: TWO_PATH = 1 implies
    # CONDITIONALITY = 1).
    if scores["two_path"] > scores["conditionality"]:
        scores["conditionality"] = scores["two_path"]
    counts = {f: cues.count(f) for f in CUE_LEXICONS}
    counts["questions"] = int(cues.question)
    for g in target_groups():
        counts[f"target_{g}"] = 0
    for g in cues.target_groups():
        counts[f"target_{g}"] += 1
    return SentenceScore(
        start=offset,
        end=offset + len(sentence),
        text=sentence,
        scores=scores,
        evidence=ev_threat + ev_cond + ev_two + ev_commit,
        cues=counts,
    )


@dataclass(slots=True)
class TextScore:
    """Scores of a text: per sentence, and aggregated (see the module docstring)."""

    text: str
    sentences: list[SentenceScore] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)

    def __getattr__(self, name: str):  # t.threat, t.threat_share, t.boosters, ...
        try:
            return self.features[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def scores(self) -> dict[str, float]:
        return {c: self.features[c] for c in CONSTRUCTS}

    @property
    def evidence(self) -> list[Evidence]:
        return [e for s in self.sentences for e in s.evidence]

    def as_dict(self) -> dict[str, float]:
        return dict(self.features)

    def explain(self) -> str:
        """A plain-text account of every score: bias, each rule, weight and span."""
        from .explain import explain_text

        return explain_text(self, color=False)


def _aggregate(sents: list[SentenceScore]) -> dict[str, float]:
    feats: dict[str, float] = {}
    n = len(sents)
    for c in CONSTRUCTS:
        feats[c] = max((s.scores[c] for s in sents), default=0.0)
    for f in CUE_FEATURES:
        feats[f] = sum(s.cues[f] for s in sents)
    for g in target_groups():
        feats[f"target_{g}"] = sum(s.cues[f"target_{g}"] for s in sents)
    feats["n_sentences"] = n
    for c in CONSTRUCTS:
        feats[f"{c}_share"] = (sum(s.scores[c] >= THRESHOLD for s in sents) / n) if n else 0.0
    for c in CONSTRUCTS:
        feats[f"{c}_mean"] = (sum(s.scores[c] for s in sents) / n) if n else 0.0
    return feats


def score(text: str, *, split: bool = True) -> TextScore:
    """Score ``text``: split it into sentences, score each, aggregate.

    With ``split=False`` the whole text is scored as one sentence (for data already cut
    into sentences, such as the annotations). Evidence spans are offsets into ``text``.

    >>> t = score("We will not impose sanctions. We will defend every inch.")
    >>> t.n_sentences, t.threat < 0.5, t.commitment >= 0.5
    (2, True, True)
    """
    if not isinstance(text, str):
        raise TypeError(f"score() takes a str, got {type(text).__name__}")
    norm = normalise(text)
    if split:
        spans = split_sentences(norm)
    else:
        stripped = norm.strip()
        spans = [(norm.find(stripped), norm.find(stripped) + len(stripped))] if stripped else []
    sents = [score_sentence(norm[s:e], s) for s, e in spans]
    return TextScore(text=text, sentences=sents, features=_aggregate(sents))
