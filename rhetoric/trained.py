"""The trained scorer: one logistic regression per construct over named features.

A sentence's features are *terms*, each a named feature found at a place in the sentence:

``rule:{construct}:{rule}``
    a rule of the rules engine fired (its evidence record: the rule, a negation that
    cancelled it, a booster or target counted for it); the span is the rule's match;
``cue:{cue}``
    a shared cue (booster, hedge, negation, denial, reported speech, procedural talk),
    once per match, at most :data:`CUE_CAP` times; ``cue:question`` for a question;
``target:{group}``
    a named actor of the gazetteer, once per match, at most :data:`CUE_CAP` times;
``w:{word}`` and ``w:{word} {word}``
    a word or a pair of adjacent words (lower-cased; once per sentence);
``pair:{a}&{b}`` (when the model asks for them)
    two of the rule, target or question terms above in one sentence: a linear model
    cannot otherwise see that a condition marker *and* a consequent are both there.

A construct's score is ``sigmoid(intercept + sum of the weights of the sentence's terms)``
and every term with a weight becomes an :class:`~rhetoric.constructs._base.Evidence`
record, so the explanation is complete by construction. The intercept already holds the
decision threshold chosen by cross-validation (``intercept = fitted intercept -
logit(threshold)``): a score >= 0.5 means the label is 1, as for the rules engine.

The weights are data (``rhetoric/models/scorer/``: ``model.json``, ``weights.tsv`` and
the model card ``card.json``), read with the standard library, never unpickled; they are
rebuilt by ``rhetoric train`` (:mod:`rhetoric.training`). ``RHETORIC_MODEL`` points at
another model folder.

>>> from rhetoric.text import normalise
>>> terms = sentence_terms("Russia will pay a price.", "russia will pay a price.", None, [], False)
>>> [t[0] for t in terms][:4]
['w:russia', 'w:will', 'w:pay', 'w:a']
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, reduce
from itertools import repeat
from operator import add
from pathlib import Path

from .constructs import CONSTRUCTS
from .constructs._base import Evidence

__all__ = [
    "CUE_CAP",
    "MODEL_DIR",
    "TrainedModel",
    "card_mismatch",
    "load_model",
    "model_dir",
    "sentence_names",
    "sentence_terms",
    "term_names",
    "tokens",
]

#: The shipped model's folder.
MODEL_DIR = Path(__file__).resolve().parent / "models" / "scorer"
MODEL_FILE = "model.json"
WEIGHTS_FILE = "weights.tsv"
CARD_FILE = "card.json"
FORMAT = "rhetoric-linear/1"

#: A cue counts at most this many times in a sentence ("very, very, very" is not three
#: times the emphasis of one "very" for the model either).
CUE_CAP = 3

# Words: letters and digits, with an inner apostrophe ("don't", "russia's").
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

# Term: (feature name, start, end, words, reason); start/end relative to the sentence,
# None for sentence-level terms.
Term = tuple


def tokens(low: str) -> list[tuple[str, int, int]]:
    """The words of a lower-cased sentence with their offsets.

    >>> tokens("we'll respond -- swiftly.")
    [("we'll", 0, 5), ('respond', 6, 13), ('swiftly', 17, 24)]
    """
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(low)]


def _targets(found: dict, target_lexicon) -> list:
    """The target matches that count: those of a gazetteer group, at most
    :data:`CUE_CAP` per group, in sentence order."""
    counts: dict[str, int] = {}
    out = []
    for m in found.get(target_lexicon.id, ()):
        group = m.rule.group
        if group and counts.get(group, 0) < CUE_CAP:
            counts[group] = counts.get(group, 0) + 1
            out.append(m)
    return out


def sentence_terms(sentence: str, low: str, found: dict | None, rules_evidence: list[Evidence],
                   question: bool, *, ngram_max: int = 2, pairs: bool = False, cue_lexicons=(),
                   target_lexicon=None) -> list[Term]:
    """Every term of one sentence (see the module docstring), in a fixed order: rules,
    cues, targets, words. ``found`` is the sentence's lexicon matches by lexicon id
    (``match_many``), ``rules_evidence`` the rules engine's evidence (offsets relative
    to the sentence), ``cue_lexicons`` ((feature, lexicon), ...) and ``target_lexicon``
    the loaded cue lexicons."""
    out: list[Term] = []
    seen: set[str] = set()
    for e in rules_evidence:
        name = f"rule:{e.construct}:{e.rule}"
        if name not in seen:
            seen.add(name)
            out.append((name, e.start, e.end, e.text, e.reason))
    if found:
        for feature, lex in cue_lexicons:
            for m in found.get(lex.id, ())[:CUE_CAP]:
                out.append((f"cue:{feature}", m.start, m.end, sentence[m.start:m.end], m.rule.reason))
        if target_lexicon is not None:
            for m in _targets(found, target_lexicon):
                out.append((f"target:{m.rule.group}", m.start, m.end, sentence[m.start:m.end], "a named actor"))
    if question:
        out.append(("cue:question", None, None, "", "the sentence is a question or a journalist's turn"))
    if pairs:
        out += _pairs(sentence, out)
    words = tokens(low)
    for n in range(1, ngram_max + 1):
        for i in range(len(words) - n + 1):
            gram = words[i : i + n]
            name = "w:" + " ".join(w for w, _, _ in gram)
            if name not in seen:
                seen.add(name)
                start, end = gram[0][1], gram[-1][2]
                out.append((name, start, end, sentence[start:end], "words"))
    return out


def sentence_names(low: str, found: dict | None, rules_evidence: list[Evidence], question: bool, *,
                   ngram_max: int = 2, pairs: bool = False, cue_lexicons=(), target_lexicon=None) -> list[str]:
    """``term_names(sentence_terms(...))`` without the terms' spans, texts and reasons:
    the same names in the same order, built faster (what scoring without evidence needs).

    >>> sentence_names("russia will pay, will pay.", None, [], False)
    ['w:russia', 'w:will', 'w:pay', 'w:russia will', 'w:will pay', 'w:pay will']
    """
    out: list[str] = []
    if rules_evidence:
        out += dict.fromkeys([f"rule:{e.construct}:{e.rule}" for e in rules_evidence])
    if found:
        for feature, lex in cue_lexicons:
            matches = found.get(lex.id)
            if matches:
                out += [f"cue:{feature}"] * min(len(matches), CUE_CAP)
        if target_lexicon is not None:
            out += [f"target:{m.rule.group}" for m in _targets(found, target_lexicon)]
    if question:
        out.append("cue:question")
    if pairs:
        out += _pair_names(out)
    if ngram_max >= 1:
        words = _TOKEN.findall(low)
        grams = ["w:" + w for w in words]
        if ngram_max >= 2:
            grams += [f"w:{a} {b}" for a, b in zip(words, words[1:])]
        for n in range(3, ngram_max + 1):
            grams += ["w:" + " ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
        out += dict.fromkeys(grams)  # each once, in order of first occurrence
    return out


# The terms that pair (rules, targets, the question flag); cue counts and words do not.
_PAIRED = ("rule:", "target:", "cue:question")


def _pair_names(names: list[str]) -> list[str]:
    """The names of :func:`_pairs` from the names of the terms."""
    paired = sorted(dict.fromkeys(n for n in names if n.startswith(_PAIRED)))
    return [f"pair:{a}&{b}" for i, a in enumerate(paired) for b in paired[i + 1 :]]


def _pairs(sentence: str, terms: list[Term]) -> list[Term]:
    """``pair:{a}&{b}`` for every two distinct paired terms (first occurrences), with
    the span from the first one's start to the last one's end."""
    first: dict[str, Term] = {}
    for t in terms:
        if t[0].startswith(_PAIRED) and t[0] not in first:
            first[t[0]] = t
    names = sorted(first)
    out = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            ta, tb = first[a], first[b]
            starts = [x for x in (ta[1], tb[1]) if x is not None]
            ends = [x for x in (ta[2], tb[2]) if x is not None]
            s = min(starts) if starts else None
            e = max(ends) if ends else None
            out.append((f"pair:{a}&{b}", s, e, sentence[s:e] if s is not None else "", "two terms together"))
    return out


def term_names(terms: list[Term]) -> list[str]:
    """The feature names of ``terms`` (one per occurrence): what the model counts."""
    return [t[0] for t in terms]


def model_dir() -> Path:
    """``$RHETORIC_MODEL`` if set, else the shipped model (:data:`MODEL_DIR`)."""
    env = os.environ.get("RHETORIC_MODEL")
    return Path(env).expanduser() if env else MODEL_DIR


class ModelError(ValueError):
    """A model folder that cannot be read; the message names the file and the problem."""


@dataclass(frozen=True, eq=False)
class TrainedModel:
    """A fitted linear model per construct: intercepts (threshold folded in) and the
    weight of each feature for each construct: ``names[i]`` has weight ``columns[j][i]``
    for ``constructs[j]`` (as :attr:`weights`, ``weights[feature]`` is a tuple in
    ``constructs`` order)."""

    constructs: tuple[str, ...]
    intercepts: dict[str, float]
    thresholds: dict[str, float]
    ngram_max: int
    pairs: bool = False
    path: Path | None = None
    card: dict | None = None
    #: ``weights.tsv`` and its SHA-256 (the key of the numpy copy of the weights kept in
    #: the user's cache, see :class:`_Batch`)
    weights_file: Path | None = None
    weights_sha256: str = ""
    #: ``(names, columns)`` as :func:`read_weights` gives them, when already read; else
    #: read from ``weights_file`` when first needed
    table: tuple | None = field(default=None, repr=False)

    @cached_property
    def _table(self) -> tuple:
        return self.table if self.table is not None else read_weights(self.weights_file, self.constructs)

    @property
    def names(self) -> tuple[str, ...]:
        """The features, in the order of ``weights.tsv``."""
        return self._table[0]

    @property
    def columns(self) -> tuple[tuple[float, ...], ...]:
        """One tuple of weights per construct, in :attr:`names` order."""
        return self._table[1]

    @cached_property
    def weights(self) -> dict[str, tuple[float, ...]]:
        """``{feature: (weight for each construct, in constructs order)}``."""
        return dict(zip(self.names, zip(*self.columns)))

    def logits(self, names) -> list[float]:
        """Each construct's log-odds for a sentence with these feature occurrences: the
        intercept plus each weight, added one by one in the order of ``names``."""
        out = [self.intercepts[c] for c in self.constructs]
        found = list(filter(None, map(self.weights.get, names)))  # the weights, in order
        if not found:
            return out
        # reduce adds left to right, as a loop would (sum() may round differently)
        return [reduce(add, column, start) for start, column in zip(out, zip(*found))]

    def evidence(self, terms: list[Term], offset: int) -> list[Evidence]:
        """One :class:`Evidence` record per term and construct with a non-zero weight."""
        out: list[Evidence] = []
        get = self.weights.get
        for name, start, end, text, reason in terms:
            w = get(name)
            if w is None:
                continue
            s = None if start is None else offset + start
            e = None if end is None else offset + end
            for c, v in zip(self.constructs, w):
                if v:
                    out.append(Evidence(c, name, v, s, e, text, reason))
        return out

    # --- many sentences at once (numpy) --------------------------------------------

    @property
    def batchable(self) -> bool:
        """Whether :meth:`logit_matrix` can score sentences of this model (words and word
        pairs, no ``pair:`` terms)."""
        return not self.pairs and 1 <= self.ngram_max <= 2

    @cached_property
    def _batch(self) -> "_Batch":
        return _Batch(self)

    def head_rows(self, found: dict | None, rules_evidence: list[Evidence], question: bool, *,
                  cue_lexicons=(), target_lexicon=None) -> list[int]:
        """The rows (in :attr:`names`) of a sentence's rule, cue, target and question terms
        that have a weight, in the order of :func:`sentence_names` (its words aside)."""
        index = self._batch.index
        names = sentence_names("", found, rules_evidence, question, ngram_max=0, cue_lexicons=cue_lexicons,
                               target_lexicon=target_lexicon)
        return [index[n] for n in names if n in index]

    def logit_matrix(self, lows: list[str], heads: list):
        """The log-odds of many lower-cased sentences, an array of one row per sentence and
        one column per construct: each the same float as :meth:`logits` of the
        sentence's :func:`sentence_names` (``heads[i]``: :meth:`head_rows` of sentence
        ``i``). The weights are added in the same order, one by one, only for all
        sentences at once: numpy adds the first term of every sentence, then the second
        of every sentence that has one, and so on."""
        return self._batch.logits(lows, heads)


_BATCH_FORMAT = b"rhetoric-linear-batch/1"


def batch_cache_dir() -> Path:
    """Where the numpy copies of models' weights are kept: ``$RHETORIC_CACHE/models``
    when ``RHETORIC_CACHE`` is set, else ``rhetoric/models`` in the user's cache folder
    (``$XDG_CACHE_HOME``, default ``~/.cache``), beside the lexicons' analyses."""
    from .lexicon import analysis_cache_dir

    return analysis_cache_dir().parent / "models"


def _batch_cache_path(model: TrainedModel) -> Path | None:
    """``<cache>/<folder hash>.<key>.npz``: one entry per model folder, keyed on the
    SHA-256 of its ``weights.tsv`` (None for a model not read from a file)."""
    if not model.weights_sha256 or model.path is None:
        return None
    import hashlib

    folder = hashlib.sha256(str(model.path.resolve()).encode()).hexdigest()[:12]
    key = hashlib.sha256(model.weights_sha256.encode() + b"\0" + _BATCH_FORMAT).hexdigest()[:20]
    return batch_cache_dir() / f"{folder}.{key}.npz"


# A token no lower-cased sentence holds (its letters would have been lowered), to join
# sentences with: their words are then found by one call of the tokenizer.
_SENTINEL = "Q"
# ASCII letters, digits and the apostrophe stay, every other byte becomes a space.
_ASCII_WORD_BYTES = bytes(c if chr(c).isalnum() or c == 39 else 32 for c in range(128)) + b" " * 128


def _ascii_tokens(text: str) -> list[str]:
    """``_TOKEN.findall(text)`` for an ASCII ``text``, faster: the words are runs of
    letters and digits joined by single inner apostrophes, so every apostrophe next to
    a space (at either end of the text, or next to another apostrophe) is a space.

    >>> _ascii_tokens("'tis rock'n'roll, isn't it? dogs' 'quoted' a''b 'x'")
    ['tis', "rock'n'roll", "isn't", 'it', 'dogs', 'quoted', 'a', 'b', 'x']
    """
    b = b" " + text.encode("ascii").translate(_ASCII_WORD_BYTES) + b" "
    if b"'" in b:
        while b"''" in b:
            b = b.replace(b"''", b"  ")
        b = b.replace(b" '", b"  ").replace(b"' ", b"  ")
    return b.decode("ascii").split()


# Fewer sentences than this still adding terms at a step: finish them one by one.
_TAIL = 8


class _Batch:
    """The weights as numpy arrays, and the words of the model as ids, for
    :meth:`TrainedModel.logit_matrix`.

    Building them takes longer than scoring a thousand sentences, so they are kept in the
    user's cache folder (:func:`batch_cache_dir`) as one ``.npz`` of plain arrays (read
    with ``allow_pickle=False``: a file planted there can at worst give wrong weights,
    as an edited ``weights.tsv`` would, never run code), under the SHA-256 of
    ``weights.tsv``: another file is another key. A file that is not exactly what
    :meth:`_save` writes is ignored, and nothing is written where writing is not
    allowed or not wanted (``PYTHONDONTWRITEBYTECODE``)."""

    def __init__(self, model: TrainedModel):
        import numpy as np

        self.np = np
        self.width = len(model.constructs)
        self.intercepts = np.array([model.intercepts[c] for c in model.constructs], dtype=np.float64)
        cache = _batch_cache_path(model)
        arrays = self._read(cache) if cache is not None else None
        if arrays is None:
            arrays = self._build(model)
            if cache is not None:
                self._save(cache, arrays)
        weights, unigram_row, codes, rows, head_rows, text = arrays
        tokens_text, heads_text = text.tobytes().decode("utf-8").split("\0")
        vocab = tokens_text.split("\n") if tokens_text else []
        heads = heads_text.split("\n") if heads_text else []
        self.weights = weights
        self.unigram_row, self.bigram_codes, self.bigram_rows = unigram_row, codes, rows
        self.index = dict(zip(heads, head_rows.tolist()))  # rule, cue, target... terms
        v = len(vocab)
        self.unknown, self.sep = v, v + 1  # ids of a word the model lacks and of the sentinel
        self.base = v + 2
        self.lookup = dict(zip(vocab, range(v)))
        self.lookup[_SENTINEL] = self.sep
        self.bigrams = model.ngram_max >= 2 and len(codes) > 0
        # the words that open, and those that close, some pair of the model: only pairs of
        # such words are looked up (four in five of the corpus's pairs)
        self.opens = np.zeros(self.base, dtype=bool)
        self.closes = np.zeros(self.base, dtype=bool)
        self.opens[codes // self.base] = True
        self.closes[codes % self.base] = True

    def _build(self, model: TrainedModel) -> tuple:
        np = self.np
        n = len(model.names)
        weights = np.array(model.columns, dtype=np.float64).reshape(self.width, n).T.copy()
        vocab: dict[str, int] = {}
        unigrams, bigrams, heads = [], [], []  # (token id, row), ((id, id), row), (name, row)
        for row, name in enumerate(model.names):
            if name.startswith("w:"):
                gram = name[2:].split(" ")
                ids = [vocab.setdefault(w, len(vocab)) for w in gram]
                if len(ids) == 1:
                    unigrams.append((ids[0], row))
                elif len(ids) == 2:
                    bigrams.append((ids, row))
            else:
                heads.append((name, row))
        v = len(vocab)
        unigram_row = np.full(v + 2, -1, dtype=np.int64)
        if unigrams:
            ids, rows = zip(*unigrams)
            unigram_row[list(ids)] = rows
        codes = np.array([a * (v + 2) + b for (a, b), _ in bigrams], dtype=np.int64)
        rows = np.array([row for _, row in bigrams], dtype=np.int64)
        order = np.argsort(codes)
        head_rows = np.array([row for _, row in heads], dtype=np.int64)
        # token and head names never hold a line break or a NUL (split at those)
        text = "\n".join(vocab) + "\0" + "\n".join(name for name, _ in heads)
        return (weights, unigram_row, codes[order], rows[order], head_rows,
                np.frombuffer(text.encode("utf-8"), dtype=np.uint8))

    _NAMES = ("weights", "unigram_row", "bigram_codes", "bigram_rows", "head_rows", "text")

    def _read(self, path: Path):
        np = self.np
        try:
            with np.load(path, allow_pickle=False) as npz:
                if sorted(npz.files) != sorted(self._NAMES):
                    return None
                arrays = tuple(npz[name] for name in self._NAMES)
        except Exception:  # none yet, unreadable, or not ours: build them
            return None
        weights, unigram_row, codes, rows, head_rows, text = arrays
        ints = (unigram_row, codes, rows, head_rows)
        if weights.dtype != np.float64 or weights.ndim != 2 or weights.shape[1] != self.width \
                or any(a.dtype != np.int64 or a.ndim != 1 for a in ints) or text.dtype != np.uint8 \
                or len(codes) != len(rows) or text.tobytes().count(b"\0") != 1:
            return None
        try:
            vocab = text.tobytes().split(b"\0")[0].decode("utf-8")
        except UnicodeDecodeError:
            return None
        n, v = len(weights), (vocab.count("\n") + 1 if vocab else 0)
        if len(unigram_row) != v + 2 or any(len(a) and (a.min() < -1 or a.max() >= n) for a in (unigram_row, rows)) \
                or (len(head_rows) and (head_rows.min() < 0 or head_rows.max() >= n)) \
                or (len(codes) and (codes.min() < 0 or codes.max() >= (v + 2) ** 2)) \
                or not np.isfinite(weights).all():
            return None
        return arrays

    def _save(self, path: Path, arrays: tuple) -> None:
        import sys

        from ._atomic import atomic_path

        if sys.dont_write_bytecode:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            for old in path.parent.glob(f"{path.name.split('.')[0]}.*.npz"):  # other versions
                old.unlink(missing_ok=True)
            with atomic_path(path, suffix=".npz") as tmp:
                with open(tmp, "wb") as fh:
                    self.np.savez(fh, **dict(zip(self._NAMES, arrays)))
        except (OSError, ValueError):  # read-only
            return

    def _first(self, seg, rows, n_rows: int):
        """The entries of ``rows`` (>= 0) met first in their sentence, in their order."""
        np = self.np
        keep = rows >= 0
        seg, rows = seg[keep], rows[keep]
        if not len(rows):
            return seg, rows
        _, first = np.unique(seg * n_rows + rows, return_index=True)
        first.sort()
        return seg[first], rows[first]

    def logits(self, lows: list[str], heads: list):
        np = self.np
        n = len(lows)
        n_rows = len(self.weights) + 1
        ids, seg = self._words(lows)
        parts = [(np.repeat(np.arange(n), list(map(len, heads))),
                  np.fromiter((r for h in heads for r in h), dtype=np.int64))]
        # each word and each pair of words once, in order of first occurrence (the words
        # first: _first keeps the order, the sort by sentence below is stable)
        segs, rows = [seg], [self.unigram_row[ids]]
        if self.bigrams and len(ids) > 1:
            # pairs of two words of the model in one sentence
            at = np.flatnonzero((seg[1:] == seg[:-1]) & self.opens[ids[:-1]] & self.closes[ids[1:]])
            codes = ids[at] * self.base + ids[at + 1]
            # looked up in sorted order: each search starts where the last one ended
            order = np.argsort(codes)
            ordered = codes[order]
            found = np.minimum(np.searchsorted(self.bigram_codes, ordered), len(self.bigram_codes) - 1)
            pair_rows = np.empty_like(codes)
            pair_rows[order] = np.where(self.bigram_codes[found] == ordered, self.bigram_rows[found], -1)
            segs.append(seg[at])
            rows.append(pair_rows)
        parts.append(self._first(np.concatenate(segs), np.concatenate(rows), n_rows))
        segs = np.concatenate([p[0] for p in parts])
        rows = np.concatenate([p[1] for p in parts])
        order = np.argsort(segs, kind="stable")  # by sentence: rules, cues..., words, pairs
        segs, rows = segs[order], rows[order]
        return self._sums(n, segs, rows)

    def _words(self, lows: list[str]):
        """The ids of the words of all ``lows`` (:func:`tokens`), and the sentence of each."""
        np = self.np
        ascii_ = list(map(str.isascii, lows))
        if all(ascii_):
            groups = [(None, lows, _ascii_tokens)]
        else:  # the sentences of non-ASCII text through the tokenizer's pattern
            some = [i for i, a in enumerate(ascii_) if a]
            others = [i for i, a in enumerate(ascii_) if not a]
            groups = [(some, [lows[i] for i in some], _ascii_tokens),
                      (others, [lows[i] for i in others], _TOKEN.findall)]
        all_ids, all_segs = [], []
        for index, texts, split in groups:
            if not texts:
                continue
            words = split(f"\n{_SENTINEL}\n".join(texts))
            ids = np.fromiter(map(self.lookup.get, words, repeat(self.unknown)), dtype=np.int64, count=len(words))
            sep = ids == self.sep
            seg = np.cumsum(sep)[~sep]  # the sentence of each word
            all_ids.append(ids[~sep])
            all_segs.append(seg if index is None else np.array(index, dtype=np.int64)[seg])
        if len(all_ids) == 1:
            return all_ids[0], all_segs[0]
        ids, seg = np.concatenate(all_ids), np.concatenate(all_segs)
        order = np.argsort(seg, kind="stable")  # sentence by sentence, each in its order
        return ids[order], seg[order]

    def _sums(self, n: int, segs, rows):
        """Per sentence, its intercepts plus the weights of its ``rows`` (``segs``: the
        sentence of each, grouped by sentence), added left to right."""
        np = self.np
        weights = self.weights
        lengths = np.bincount(segs, minlength=n)
        starts = np.zeros(n, dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        by_length = np.argsort(-lengths, kind="stable")  # rank -> sentence
        rank = np.empty(n, dtype=np.int64)
        rank[by_length] = np.arange(n)
        acc = np.tile(self.intercepts, (n, 1))
        if len(rows):
            # entry of every sentence's j-th term: in order of j, then of rank
            j = np.arange(len(rows)) - starts[segs]
            terms = weights[rows[np.argsort(j * n + rank[segs])]]
            active = np.bincount(j)  # sentences with more than j terms
            at = 0
            for step, k in enumerate(active.tolist()):
                if k < _TAIL:
                    # the longest few: the rest of their terms one sentence at a time
                    for r in range(k):
                        s = by_length[r]
                        rest = weights[rows[starts[s] + step : starts[s] + lengths[s]]]
                        acc[r] = np.add.accumulate(np.vstack([acc[r : r + 1], rest]), axis=0)[-1]
                    break
                acc[:k] += terms[at : at + k]
                at += k
        return acc[rank]


def read_weights(path: Path, constructs: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[tuple[float, ...], ...]]:
    """Read ``weights.tsv``: a header ``feature`` + the constructs, one row per feature.
    Returns the features' names and one column of weights per construct.

    It is read at every start, so at once: the text split into cells and its numbers
    parsed column by column; a file that fails a check of this fast path is read again
    row by row (:func:`_read_weights_rows`), which names the line of the error."""
    width = len(constructs) + 1
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    header = "\t".join(["feature", *constructs]) + "\n"
    if not text.startswith(header) or not text.endswith("\n"):
        return _read_weights_rows(path, constructs)
    body = text[len(header):]
    # every line is a row of ``width`` cells
    if body and set(map(str.count, body[:-1].split("\n"), repeat("\t"))) != {width - 1}:
        return _read_weights_rows(path, constructs)
    cells = body.replace("\n", "\t").split("\t")
    try:
        columns = tuple(tuple(map(float, cells[j:-1:width])) for j in range(1, width))
    except ValueError:
        return _read_weights_rows(path, constructs)
    # every weight is finite when the sum of their magnitudes is
    if not all(math.isfinite(sum(map(abs, c))) for c in columns):
        return _read_weights_rows(path, constructs)
    names = tuple(cells[0:-1:width])
    if len(set(names)) != len(names):  # a feature twice: the last row counts, as row by row
        return _read_weights_rows(path, constructs)
    return names, columns


def _read_weights_rows(path: Path, constructs: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[tuple[float, ...], ...]]:
    """:func:`read_weights` row by row, with the line of the first error."""
    weights: dict[str, tuple[float, ...]] = {}
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if header != ["feature", *constructs]:
            raise ModelError(f"{path}:1: header {header} is not ['feature', {', '.join(map(repr, constructs))}]")
        for lineno, line in enumerate(fh, 2):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != len(constructs) + 1:
                raise ModelError(f"{path}:{lineno}: expected {len(constructs) + 1} tab-separated columns, got {len(parts)}")
            try:
                values = tuple(float(v) for v in parts[1:])
            except ValueError as exc:
                raise ModelError(f"{path}:{lineno}: {exc}") from None
            if not all(math.isfinite(v) for v in values):
                raise ModelError(f"{path}:{lineno}: a weight is not a finite number")
            weights[parts[0]] = values
    columns = tuple(zip(*weights.values())) if weights else tuple(() for _ in constructs)
    return tuple(weights), columns


@lru_cache(maxsize=4)
def _load(path: str, stamp: tuple) -> TrainedModel:
    folder = Path(path)
    meta_path = folder / MODEL_FILE
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"no trained model at {folder} ({MODEL_FILE} is missing); rebuild it with "
                         "`rhetoric train`, unset RHETORIC_MODEL, or use engine='rules'") from None
    except json.JSONDecodeError as exc:
        raise ModelError(f"{meta_path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if meta.get("format") != FORMAT:
        raise ModelError(f"{meta_path}: format {meta.get('format')!r} is not {FORMAT!r}")
    constructs = tuple(meta["constructs"])
    if set(constructs) != set(CONSTRUCTS):
        raise ModelError(f"{meta_path}: constructs {constructs} are not {CONSTRUCTS}")
    weights_file = folder / meta["weights_file"]
    try:
        sha = hashlib.sha256(weights_file.read_bytes()).hexdigest()
    except OSError:
        sha = ""
    table = None
    model_args = (constructs, {c: float(meta["intercepts"][c]) for c in constructs},
                  {c: float(meta["thresholds"][c]) for c in constructs},
                  int(meta["features"]["ngram_max"]), bool(meta["features"].get("pairs", False)), folder)
    probe = TrainedModel(*model_args, weights_file=weights_file, weights_sha256=sha)
    cached = _batch_cache_path(probe)
    if cached is None or not cached.is_file():
        # read (and checked) now; with a numpy copy kept, when first needed (explain)
        table = read_weights(weights_file, constructs)
    card_path = folder / CARD_FILE
    card = json.loads(card_path.read_text(encoding="utf-8")) if card_path.is_file() else None
    return TrainedModel(*model_args, card, weights_file, sha, table)


def load_model(path: str | Path | None = None) -> TrainedModel:
    """The trained model in ``path`` (default :func:`model_dir`), read once per change
    of its files."""
    folder = Path(path) if path is not None else model_dir()
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*")) if p.is_file()) \
        if folder.is_dir() else ()
    return _load(str(folder), stamp)


def card_mismatch(labels: str | Path, folder: str | Path | None = None) -> str | None:
    """None when the model in ``folder`` (default :func:`model_dir`) was fitted to the
    label file ``labels`` (same SHA-256, recorded in its card); otherwise a message that
    says what differs and how to rebuild the model."""
    folder = Path(folder) if folder is not None else model_dir()
    card_path = folder / CARD_FILE
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
        recorded = card["training_data"]["sha256"]
    except (OSError, ValueError, KeyError) as exc:
        return f"{card_path}: no training-data checksum to compare ({type(exc).__name__}: {exc})"
    from .data.checksums import sha256_file

    found = sha256_file(labels)
    if found == recorded:
        return None
    data = card["training_data"]
    return (f"the trained model in {folder} was fitted to {data.get('file')} with sha256 {recorded} "
            f"({data.get('sentences')} sentences, card dated {card.get('date')}), but {labels} has sha256 "
            f"{found}: the labels changed. Rebuild the model with `rhetoric train` (and commit it), "
            "or point RHETORIC_MODEL at a model fitted to these labels.")
