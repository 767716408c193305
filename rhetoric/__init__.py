"""rhetoric: explainable measures of coercive rhetoric in diplomatic statements.

>>> import rhetoric
>>> s = rhetoric.score("Russia will pay a heavy price.")
>>> round(s.threat, 2) >= 0.5
True

The package imports only the standard library at start-up (the command line scores
without loading numpy, pandas or scikit-learn); :class:`rhetoric.RhetoricFeatures`
and :mod:`rhetoric.data` load those when first used.
"""

from .scoring import CONSTRUCTS, SentenceScore, TextScore, feature_names, feature_rows, score, score_sentence
from .text import normalise, sentences, split_sentences

__version__ = "0.1.0"

__all__ = [
    "CONSTRUCTS",
    "SentenceScore",
    "TextScore",
    "feature_names",
    "feature_rows",
    "score",
    "score_sentence",
    "normalise",
    "sentences",
    "split_sentences",
    "RhetoricFeatures",
    "__version__",
]


def __getattr__(name):
    # Lazy: scikit-learn is imported only by those who ask for the transformer.
    if name == "RhetoricFeatures":
        from .features import RhetoricFeatures

        return RhetoricFeatures
    raise AttributeError(f"module 'rhetoric' has no attribute {name!r}")
