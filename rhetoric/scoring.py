"""Scores with evidence: the library's main entry points.

>>> s = score("If Russia invades, it will face swift and severe consequences.")
>>> s.threat >= 0.5, s.conditionality >= 0.5, s.two_path < 0.5
(True, True, True)
>>> print(s.explain())  # doctest: +ELLIPSIS
threat 0.9...
>>> r = score("If Russia invades, it will face swift and severe consequences.", engine="rules")
>>> print(r.explain().splitlines()[6])  # doctest: +ELLIPSIS
  threat 0.9... = sigmoid(-4.00 ...

Two engines score a sentence. ``engine="trained"`` (the default) is a logistic
regression per construct fitted to the labelled sentences (:mod:`rhetoric.trained`): its
features are the rules' hits, the shared cues, target actors and word n-grams.
``engine="rules"`` gives the hand-set weights of the lexicons alone. Both explain every
score the same way: ``score = sigmoid(intercept + sum of evidence weights)``, and a
score >= 0.5 means the codebook label is 1.

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

from .constructs import CONSTRUCTS, REGISTRY
from .constructs._base import Evidence, sigmoid
from .cues import CUE_LEXICONS, cues_from_matches, is_question, load_lexicons, lowercase
from . import trained as _trained
from .lexicon import load, match_many
from .text import normalise, split_sentences, stripped_span

__all__ = [
    "CONSTRUCTS",
    "SentenceScore",
    "TextScore",
    "score",
    "score_sentence",
    "feature_rows",
    "feature_names",
    "BIASES",
    "ENGINES",
    "DEFAULT_ENGINE",
]

#: The scoring engines: the trained model (default) and the hand-set rules.
ENGINES = ("trained", "rules")
DEFAULT_ENGINE = "trained"

# A construct that implies another (codebook: TWO_PATH = 1 implies CONDITIONALITY = 1):
# when its log-odds exceed the implied one's, the implied construct is lifted to them by
# an evidence record named "{construct}_implies_{implied}".
_IMPLICATIONS = tuple((c.name, c.implies) for c in REGISTRY if c.implies)


def check_engine(engine: str | None) -> str:
    """``engine``, or the default for None; a clear error for an unknown one."""
    if engine is None:
        return DEFAULT_ENGINE
    if engine not in ENGINES:
        raise ValueError(f"engine={engine!r} is not one of {ENGINES}")
    return engine

def biases() -> dict[str, float]:
    """The rules engine's bias of each construct (read from the construct modules now)."""
    return {c.name: c.bias for c in REGISTRY}


#: The rules engine's biases as the package ships them (see :func:`biases`).
BIASES = biases()
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
    intercepts: dict[str, float]

    def __getattr__(self, name: str):  # s.threat, s.commitment, ...
        try:
            return self.scores[name]
        except KeyError:
            raise AttributeError(name) from None

    def logit(self, construct: str) -> float:
        """``intercept + sum of the construct's evidence weights``: sigmoid of it is the score."""
        return self.intercepts[construct] + sum(e.weight for e in self.evidence if e.construct == construct)


# The lexicons a score depends on, as :func:`_lexicons` last found them: (the lexicons,
# construct lexicon ids, ((count key, lexicon id), ...) of the cue lexicons, the targets
# lexicon, the ids of the threat, conditionality, two_path and commitment lexicons).
_lexicon_cache: tuple = ((), frozenset(), (), None, (-1, -1, -1, -1))
# ((count key, cue lexicon), ...), as :func:`_lexicons` last found them.
_cue_lexicons: tuple = ()


def _lexicons() -> None:
    """Load the lexicons (cached by ``load``; anew after ``load.cache_clear()``) and
    remember their ids. Called once per call of the scorer, before matching."""
    global _lexicon_cache, _cue_lexicons
    constructs, cue_lexicons, targets = load_lexicons()
    _cue_lexicons = cue_lexicons
    everything = (*constructs, *(lex for _, lex in cue_lexicons), targets)
    if len(everything) != len(_lexicon_cache[0]) or any(a is not b for a, b in zip(everything, _lexicon_cache[0])):
        cue_ids = tuple((feature, lex.id) for feature, lex in cue_lexicons)
        by_construct = tuple(lex.id for lex in constructs)
        _lexicon_cache = (everything, frozenset(by_construct), cue_ids, targets, by_construct)
    _refresh_no_evidence()


def _scores(found: dict[str, list[Evidence]]) -> dict[str, float]:
    """The rules engine's scores from each construct's evidence; appends the records of
    implied constructs' lifts to ``found``."""
    logits = {c.name: c.bias + sum(e.weight for e in found[c.name]) for c in REGISTRY}
    for lift in _lifts(logits):
        found[lift.construct].append(lift)
    return {c: sigmoid(v) for c, v in logits.items()}


def _lifts(logits: dict[str, float]) -> list[Evidence]:
    """The evidence records that lift each implied construct to the construct implying
    it (updating ``logits``): none where the implied one is already as high."""
    out = []
    for name, implied in _IMPLICATIONS:
        gap = logits[name] - logits[implied]
        if gap > 0:
            logits[implied] += gap
            out.append(Evidence(implied, f"{name}_implies_{implied}", gap, None, None, "",
                                f"codebook: {name} = 1 implies {implied} = 1"))
    return out


def _counts(found: dict | None, question: bool) -> tuple[int, ...]:
    """The cue counts of one sentence, in the order of :func:`_count_keys`."""
    _, _, cue_ids, targets, _ = _lexicon_cache
    if not found:
        return _no_cues(question)
    counts = [len(found.get(i, ())) for _, i in cue_ids]
    counts.append(int(question))
    groups = target_groups()
    by_group = [0] * len(groups)
    for m in found.get(targets.id, ()):
        if m.rule.group:
            by_group[groups.index(m.rule.group)] += 1
    return (*counts, *by_group)


def _score_found(sentence: str, low: str, found: dict | None, offset: int, model=None) -> SentenceScore:
    """Score one sentence whose lexicon matches are known (:func:`match_many`; None when
    no lexicon matches), with the rules (``model`` None) or a trained model."""
    if model is None:
        evidence, scores, question = _evidence(sentence, low, found, offset)
        intercepts = biases()
    else:
        # the rules' evidence as terms of the sentence itself (offset 0); the model's
        # evidence is shifted by ``offset`` like the rules'
        rules_evidence, _, question = _evidence(sentence, low, found, 0)
        evidence, scores = _trained_evidence(sentence, low, found, offset, model, rules_evidence, question)
        intercepts = model.intercepts
    return SentenceScore(offset, offset + len(sentence), sentence, scores.copy(), evidence,
                         dict(zip(_count_keys(), _counts(found, question))), dict(intercepts))


def _terms(sentence: str, low: str, found: dict | None, model, rules_evidence: list[Evidence],
           question: bool) -> list:
    """The trained model's terms of a sentence; ``rules_evidence`` and the terms have
    offsets relative to the sentence."""
    return _trained.sentence_terms(sentence, low, found, rules_evidence, question, ngram_max=model.ngram_max,
                                   pairs=model.pairs, cue_lexicons=_cue_lexicons, target_lexicon=_lexicon_cache[3])


def _trained_logits(model, names) -> dict[str, float]:
    return dict(zip(model.constructs, model.logits(names)))


def _trained_evidence(sentence, low, found, offset, model, rules_evidence, question):
    """``(evidence, scores)`` of the trained model for one sentence."""
    terms = _terms(sentence, low, found, model, rules_evidence, question)
    evidence = model.evidence(terms, offset)
    logits = _trained_logits(model, _trained.term_names(terms))
    evidence += _lifts(logits)
    return evidence, {c: sigmoid(logits[c]) for c in CONSTRUCTS}


def _trained_scores(sentence, low, found, model, rules_evidence, question) -> dict[str, float]:
    """The trained model's scores of one sentence, without evidence records: the names of
    its terms (:func:`_terms`) are all it takes, built without their spans."""
    names = _trained.sentence_names(low, found, rules_evidence, question, ngram_max=model.ngram_max,
                                    pairs=model.pairs, cue_lexicons=_cue_lexicons, target_lexicon=_lexicon_cache[3])
    logits = _trained_logits(model, names)
    _lifts(logits)
    return {c: sigmoid(logits[c]) for c in CONSTRUCTS}


def _evidence(sentence: str, low: str, found: dict | None, offset: int) -> tuple[list[Evidence], dict, bool]:
    """``(evidence, scores, is a question)`` of one sentence. Most sentences carry no
    construct cue: no evidence then, and the scores of the biases alone (shared: copy
    before changing them)."""
    if not found or _lexicon_cache[1].isdisjoint(found):
        return [], _scores_without_evidence(), is_question(sentence)
    cues = cues_from_matches(sentence, low, found)
    # A construct without a match of its own rules has no evidence (its modifiers apply
    # only on top of its own rules): skip its module.
    by_construct: dict[str, list[Evidence]] = {}
    for construct, lexicon_id in zip(REGISTRY, _lexicon_cache[4]):
        by_construct[construct.name] = (construct.evidence(sentence, cues, offset, by_construct)
                                        if lexicon_id in found else [])
    if any(by_construct.values()):
        scores = _scores(by_construct)  # may add lift records
        return [e for c in CONSTRUCTS for e in by_construct[c]], scores, cues.question
    return [], _scores_without_evidence(), cues.question


# (biases, scores) of a sentence without evidence: recomputed if a bias is changed.
_no_evidence: tuple = ((), {})


def _scores_without_evidence() -> dict[str, float]:
    """The scores of a sentence without evidence (shared: copy before changing them),
    as :func:`_refresh_no_evidence` last computed them."""
    return _no_evidence[1]


def _refresh_no_evidence() -> None:
    """Recompute the scores of a sentence without evidence if a bias changed: once per
    call of the scorer (from :func:`_lexicons`), not once per sentence."""
    global _no_evidence
    now = tuple(c.bias for c in REGISTRY)
    if _no_evidence[0] != now:
        found: dict[str, list[Evidence]] = {c: [] for c in CONSTRUCTS}
        scores = _scores(found)
        # an implied construct's bias below its implier's would need a lift record on
        # every sentence; the biases are set so that it never does
        assert not any(found.values()), "a construct's bias is above the bias of a construct it implies"
        _no_evidence = (now, scores)


def _model_for(engine: str | None):
    """The trained model for ``engine`` (None for the rules)."""
    return _trained.load_model() if check_engine(engine) == "trained" else None


def score_sentence(sentence: str, offset: int = 0, *, engine: str | None = None) -> SentenceScore:
    """Score one sentence (no splitting). ``offset`` shifts the evidence spans, for
    sentences cut from a longer text. The sentence should be :func:`normalise`\\ d."""
    model = _model_for(engine)
    _lexicons()  # loaded (and registered with the matcher) before matching
    low = lowercase(sentence)
    return _score_found(sentence, low, match_many([low], _lexicon_cache[0])[0], offset, model)


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
        """A plain-text account of every score: intercept, each term, weight and span."""
        from .explain import explain_text

        return explain_text(self, color=False)


@lru_cache(maxsize=None)
def _count_keys() -> tuple[str, ...]:
    """The cue counts of a sentence, in output order."""
    return CUE_FEATURES + tuple(f"target_{g}" for g in target_groups())


@lru_cache(maxsize=None)
def _no_cues(question: bool) -> tuple[int, ...]:
    """The counts of a sentence without any cue (only, maybe, the question flag)."""
    counts = [0] * len(_count_keys())
    counts[len(CUE_FEATURES) - 1] = int(question)  # "questions" closes CUE_FEATURES
    return tuple(counts)


def _sentence_row(sent: SentenceScore) -> tuple:
    """One sentence's scores and cue counts, in output order."""
    return (*map(sent.scores.__getitem__, CONSTRUCTS), *map(sent.cues.__getitem__, _count_keys()))


def _aggregate(rows: list[tuple]) -> tuple:
    """A text's features (in :func:`feature_names` order) from its sentences' rows: the
    maximum score, summed counts, the number of sentences, shares and means."""
    n = len(rows)
    k = len(CONSTRUCTS)
    if n == 1:
        # The common case (one sentence per row) without the loops. Same arithmetic as
        # below: max of one value, 0 + value, divided by 1.
        row = rows[0]
        values = row[:k]
        return (*row, 1, *[(v >= THRESHOLD) / 1 for v in values], *[(0.0 + v) / 1 for v in values])
    if n == 0:
        return (*[0.0] * k, *[0] * len(_count_keys()), 0, *[0.0] * k, *[0.0] * k)
    columns = list(zip(*rows))
    scores, counts = columns[:k], columns[k:]
    return (
        *[max(v) for v in scores],
        *[sum(c) for c in counts],
        n,
        *[sum([v >= THRESHOLD for v in col]) / n for col in scores],
        *[sum(col) / n for col in scores],
    )


def _sentence_spans(norm: str, split: bool) -> list[tuple[int, int]]:
    return split_sentences(norm) if split else stripped_span(norm)


def score(text: str, *, split: bool = True, engine: str | None = None) -> TextScore:
    """Score ``text``: split it into sentences, score each, aggregate.

    With ``split=False`` the whole text is scored as one sentence (for data already cut
    into sentences, such as the annotations). Evidence spans are offsets into ``text``.
    ``engine``: "trained" (default) or "rules" (see the module docstring).

    >>> t = score("We will not impose sanctions. We will defend every inch.", engine="rules")
    >>> t.n_sentences, t.threat < 0.5, t.commitment >= 0.5
    (2, True, True)
    """
    if not isinstance(text, str):
        raise TypeError(f"score() takes a str, got {type(text).__name__}")
    model = _model_for(engine)
    _lexicons()  # loaded (and registered with the matcher) before matching
    norm = normalise(text)
    spans = _sentence_spans(norm, split)
    lows = [lowercase(norm[s:e]) for s, e in spans]
    found = match_many(lows, _lexicon_cache[0])
    sents = [_score_found(norm[s:e], low, f, s, model) for (s, e), low, f in zip(spans, lows, found)]
    features = dict(zip(feature_names(), _aggregate([_sentence_row(sent) for sent in sents])))
    return TextScore(text=text, sentences=sents, features=features)


# Texts to pass to feature_rows at once (the CLI and the transformer do): their sentences
# meet the lexicons in one pass, and memory stays flat however large the input.
CHUNK_TEXTS = 2000


def feature_rows(texts, *, split: bool = True, engine: str | None = None) -> list[tuple]:
    """The features of many texts, one tuple per text in :func:`feature_names` order:
    the numbers of ``score(text, split=split).features``, without keeping the evidence.

    All the texts' sentences go through the lexicons together (:func:`match_many`), which
    is what makes scoring a corpus fast; pass texts in chunks of :data:`CHUNK_TEXTS`.

    >>> rows = feature_rows(["We will defend every inch.", "Nice weather."])
    >>> [dict(zip(feature_names(), r))["commitment"] >= 0.5 for r in rows]
    [True, False]
    """
    model = _model_for(engine)
    _lexicons()  # loaded (and registered with the matcher) before matching
    norms, spans = [], []
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"feature_rows() takes str texts, got {type(text).__name__}")
        norm = normalise(text)
        norms.append(norm)
        spans.append(_sentence_spans(norm, split))
    sentences = [norm[s:e] for norm, sp in zip(norms, spans) for s, e in sp]
    # A sentence's row depends on its text alone, and corpora repeat some ("(Applause.)",
    # "Thank you.": 7% of crisis sentences): each distinct sentence is scored once.
    position = {}
    which = [position.setdefault(sent, len(position)) for sent in sentences]
    distinct = list(position)
    lows = [lowercase(sent) for sent in distinct]
    found = match_many(lows, _lexicon_cache[0])
    if model is not None and len(distinct) >= BATCH_SENTENCES and model.batchable:
        rows = _trained_rows(distinct, lows, found, model)
    else:
        rows = [_fast_sentence_row(*args, model) for args in zip(distinct, lows, found)]
    if len(distinct) < len(sentences):
        rows = [rows[i] for i in which]
    # The rules give few distinct rows (1,700 among 25,000 corpus sentences): aggregate
    # each once, and give equal rows the same features object (a writer formats each
    # object once). The trained model's rows differ unless their sentences are the same,
    # and then they are one object: known by identity, without hashing floats.
    keys = rows if model is None else list(map(id, rows))
    single: dict = {}
    out, at = [], 0
    for sp in spans:
        if len(sp) == 1:
            features = single.get(keys[at])
            if features is None:
                features = single[keys[at]] = _aggregate([rows[at]])
            out.append(features)
        else:
            out.append(_aggregate(rows[at : at + len(sp)]))
        at += len(sp)
    return out


# From this many sentences at once, feature_rows sums the trained model's weights with
# numpy (imported then: a short input starts without it).
BATCH_SENTENCES = 200


def _trained_rows(sentences: list[str], lows: list[str], found: list, model) -> list[tuple]:
    """``[_fast_sentence_row(...) for each sentence]`` with the trained ``model``, the
    same floats, computed for all the sentences at once
    (:meth:`rhetoric.trained.TrainedModel.logit_matrix`)."""
    heads, counts = [], []
    head_rows = model.head_rows
    cue_lexicons, targets = _cue_lexicons, _lexicon_cache[3]
    for sentence, low, f in zip(sentences, lows, found):
        evidence, _, question = _evidence(sentence, low, f, 0)
        heads.append(head_rows(f, evidence, question, cue_lexicons=cue_lexicons, target_lexicon=targets)
                     if f or question else ())
        counts.append(_counts(f, question))
    logits = model.logit_matrix(lows, heads)
    column = {c: i for i, c in enumerate(model.constructs)}
    for name, implied in _IMPLICATIONS:  # as _lifts does, for every sentence
        gap = logits[:, column[name]] - logits[:, column[implied]]
        lift = gap > 0
        logits[lift, column[implied]] += gap[lift]
    ordered = logits[:, [column[c] for c in CONSTRUCTS]].tolist()
    return [(*map(sigmoid, scores), *c) for scores, c in zip(ordered, counts)]


def _fast_sentence_row(sentence: str, low: str, found: dict | None, model=None) -> tuple:
    """:func:`_sentence_row` of :func:`_score_found`, without its objects."""
    evidence, scores, question = _evidence(sentence, low, found, 0)
    if model is not None:
        scores = _trained_scores(sentence, low, found, model, evidence, question)
    return (*map(scores.__getitem__, CONSTRUCTS), *_counts(found, question))


def term_lists(texts, *, ngram_max: int = 2, pairs: bool = False) -> list[list[str]]:
    """The trained model's feature occurrences of each text, scored as one sentence
    (``split=False``, as the annotations are): what :mod:`rhetoric.training` fits on.
    The same function names the terms at scoring time, so training and scoring agree.

    >>> names = term_lists(["Russia will pay."])[0]
    >>> "target:russia" in names, "w:will pay" in names
    (True, True)
    """
    _lexicons()
    out = []
    norms = [normalise(t) for t in texts]
    sentences = []
    for norm in norms:
        (s, e), = stripped_span(norm) or [(0, 0)]
        sentences.append(norm[s:e])
    lows = [lowercase(sent) for sent in sentences]
    found = match_many(lows, _lexicon_cache[0])

    from types import SimpleNamespace

    engine = SimpleNamespace(ngram_max=ngram_max, pairs=pairs)  # the term options _terms reads of a model
    for sent, low, f in zip(sentences, lows, found):
        evidence, _, question = _evidence(sent, low, f, 0)
        out.append(_trained.term_names(_terms(sent, low, f, engine, evidence, question)))
    return out
