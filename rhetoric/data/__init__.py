"""The project's corpora and corpus-scale featurisation.

>>> from rhetoric.data import load_crisis, to_sentences, featurise   # doctest: +SKIP
>>> docs = load_crisis(limit=50)                                      # doctest: +SKIP
>>> sents = to_sentences(docs)          # doctest: +SKIP
>>> X = featurise(sents["text"], split=False, n_jobs=-1, progress=True)  # doctest: +SKIP

``to_sentences`` gives one row per sentence with offsets into ``docs.text``; ``featurise``
one row of features per sentence, cached on disk, on all cores.

Loaders (:mod:`rhetoric.data.corpora`): :func:`load_crisis`, :func:`load_ungdc`,
:func:`load_annotations`, :func:`iter_documents`. Sentences
(:mod:`rhetoric.data.sentences`): :func:`to_sentences`. Features
(:mod:`rhetoric.data.parallel`, cached by :mod:`rhetoric.data.cache`): :func:`featurise`,
:func:`clear_cache`. Whole corpora: ``python -m rhetoric.data.score_corpus``. The data
itself is described in ``data/DATASHEET.md``.

Names are imported on first use, so that worker processes which only score texts do
not load pandas.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "load_crisis": "corpora",
    "load_ungdc": "corpora",
    "load_annotations": "corpora",
    "iter_documents": "corpora",
    "data_file": "corpora",
    "DataFileMissing": "corpora",
    "DataFormatError": "corpora",
    "to_sentences": "sentences",
    "featurise": "parallel",
    "Featuriser": "parallel",
    "clear_cache": "cache",
    "extractor_version": "cache",
    "ChecksumMismatch": "checksums",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rhetoric.data' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + __all__)
