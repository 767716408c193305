"""Statistical inference for the paper's regressions.

:mod:`rhetoric.inference.dsl`: design-based supervised learning (Egami et al. 2023),
regression on imperfect surrogates (the scorer's predictions) corrected with an expert-
coded random sample.

``from rhetoric.inference import dsl`` and ``from rhetoric.inference.dsl import dsl``
both give the function (the package attribute ``dsl`` is the function, not the module;
reach the module as ``sys.modules["rhetoric.inference.dsl"]`` or through its names).
"""

from .dsl import Contrast, DSLConvergenceError, DSLError, DSLResults, dsl

__all__ = ["Contrast", "DSLConvergenceError", "DSLError", "DSLResults", "dsl"]
