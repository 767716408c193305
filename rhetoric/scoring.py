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
from .cues import CUE_LEXICONS, _cue_lexicons, find_cues, is_question, lowercase
from . import lexicon
from .lexicon import any_match, load
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


# (lexicons registered, construct lexicons, every lexicon a score depends on): looked
# up again whenever a lexicon is (re)loaded, e.g. after load.cache_clear().
_lexicon_cache: tuple = (-1, (), ())


def _lexicons() -> tuple[tuple, tuple]:
    global _lexicon_cache
    if _lexicon_cache[0] != lexicon._REGISTRY.count:
        constructs = tuple(load(n) for n in ("threat", "conditionality", "two_path", "commitment"))
        everything = constructs + tuple(load(n) for n in CUE_LEXICONS.values()) + (load("targets"),)
        if not _cue_count_template:
            counts = {f: 0 for f in CUE_LEXICONS}
            counts["questions"] = 0
            for g in target_groups():
                counts[f"target_{g}"] = 0
            _cue_count_template.update(counts)
        _lexicon_cache = (lexicon._REGISTRY.count, constructs, everything)
    return _lexicon_cache[1], _lexicon_cache[2]


def _construct_lexicons() -> tuple:
    return _lexicons()[0]


def _all_lexicons() -> tuple:
    """Every lexicon a sentence's scores depend on. Loading them registers their anchor
    words, so that ``any_match`` can vouch that none of them matches."""
    return _lexicons()[1]


# The cue counts of a sentence without cues, in output order (filled by _lexicons).
_cue_count_template: dict[str, int] = {}
# (biases, scores) of a sentence without evidence: recomputed if a bias is changed.
_no_evidence: tuple = ((), {})


def _scores(ev_threat: list[Evidence], ev_cond: list[Evidence], ev_two: list[Evidence], ev_commit: list[Evidence]) -> dict[str, float]:
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
    return scores


def _scores_without_evidence() -> dict[str, float]:
    global _no_evidence
    biases = (threat.BIAS, conditionality.BIAS, conditionality.TWO_PATH_BIAS, commitment.BIAS)
    if _no_evidence[0] != biases:
        _no_evidence = (biases, _scores([], [], [], []))
    return _no_evidence[1]


def score_sentence(sentence: str, offset: int = 0) -> SentenceScore:
    """Score one sentence (no splitting). ``offset`` shifts the evidence spans, for
    sentences cut from a longer text. The sentence should be :func:`normalise`\\ d."""
    low = lowercase(sentence)
    lexicons = _all_lexicons()
    if not any_match(lexicons, low):
        # Most sentences: no lexicon matches (most hold none of their words), so there
        # is no cue and no evidence; only the question flag is left to find.
        counts = _cue_count_template.copy()
        if is_question(sentence):
            counts["questions"] = 1
        return SentenceScore(offset, offset + len(sentence), sentence, _scores_without_evidence().copy(), [], counts)
    if not any_match(_construct_lexicons(), low):
        # Cues but no construct rule (a name, a negation, "said"): no evidence, only
        # counts, straight from the lexicons' matches.
        counts = _cue_count_template.copy()
        cue_lexicons, target_lexicon = _cue_lexicons()
        for feature, lex in cue_lexicons:
            n = lex.count(low)
            if n:
                counts[feature] = n
        for rule, _, _ in target_lexicon.finditer(low):
            if rule.group:
                counts["target_" + rule.group] += 1
        if is_question(sentence):
            counts["questions"] = 1
        return SentenceScore(offset, offset + len(sentence), sentence, _scores_without_evidence().copy(), [], counts)
    cues = find_cues(sentence, low)
    ev_threat = threat.evidence(sentence, cues, offset)
    ev_cond = conditionality.evidence(sentence, cues, ev_threat, offset)
    ev_two = conditionality.two_path_evidence(sentence, cues, offset)
    ev_commit = commitment.evidence(sentence, cues, offset)
    if ev_threat or ev_cond or ev_two or ev_commit:
        scores = _scores(ev_threat, ev_cond, ev_two, ev_commit)
    else:
        scores = _scores_without_evidence().copy()
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


@lru_cache(maxsize=None)
def _aggregate_keys() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    counts = CUE_FEATURES + tuple(f"target_{g}" for g in target_groups())
    return counts, tuple(f"{c}_share" for c in CONSTRUCTS), tuple(f"{c}_mean" for c in CONSTRUCTS)


@lru_cache(maxsize=None)
def _one_sentence_keys() -> tuple[str, ...]:
    count_keys, share_keys, mean_keys = _aggregate_keys()
    return CONSTRUCTS + count_keys + ("n_sentences",) + share_keys + mean_keys


def _aggregate(sents: list[SentenceScore]) -> dict[str, float]:
    count_keys, share_keys, mean_keys = _aggregate_keys()
    n = len(sents)
    if n == 1:
        # The common case (one sentence per row) without the loops. Same arithmetic as
        # below: max of one value, 0 + value, divided by 1.
        sent = sents[0]
        values = [sent.scores[c] for c in CONSTRUCTS]
        return dict(zip(
            _one_sentence_keys(),
            [
                *values,
                *map(sent.cues.__getitem__, count_keys),
                1,
                *[(v >= THRESHOLD) / 1 for v in values],
                *[(0.0 + v) / 1 for v in values],  # sum([v]) / 1
            ],
        ))
    all_scores = [s.scores for s in sents]
    values = {c: [sc[c] for sc in all_scores] for c in CONSTRUCTS}
    feats = {c: max(values[c], default=0.0) for c in CONSTRUCTS}
    all_cues = [s.cues for s in sents]
    for f in count_keys:
        feats[f] = sum([cues[f] for cues in all_cues])
    feats["n_sentences"] = n
    for c, key in zip(CONSTRUCTS, share_keys):
        feats[key] = (sum([v >= THRESHOLD for v in values[c]]) / n) if n else 0.0
    for c, key in zip(CONSTRUCTS, mean_keys):
        feats[key] = (sum(values[c]) / n) if n else 0.0
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
