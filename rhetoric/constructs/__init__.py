"""The construct registry: each construct declared once; everything else iterates it.

A :class:`Construct` names its codebook label, the lexicon of its own rules, the module
holding its constants, its rules engine bias, the function that finds its evidence in a
sentence, the constructs whose evidence it reads (conditionality reads threat's: a
threatened cost is a consequent) and the construct it implies (two_path implies
conditionality, by the codebook). Scoring, explanations, the trained scorer, the data
loaders and the paper take :data:`CONSTRUCTS` (the names, in output order) or
:data:`REGISTRY` from here; a fifth construct is one more entry (with its lexicon and
module), not ten edits.

>>> [c.name for c in REGISTRY] == list(CONSTRUCTS)
True
>>> REGISTRY_BY_NAME["conditionality"].reads, REGISTRY_BY_NAME["two_path"].implies
(('threat',), 'conditionality')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from . import commitment, conditionality, threat

__all__ = ["CONSTRUCTS", "REGISTRY", "REGISTRY_BY_NAME", "Construct", "threat", "conditionality", "commitment"]


@dataclass(frozen=True)
class Construct:
    """One codebook construct, as the rules engine reads it."""

    name: str
    lexicon: str
    module: ModuleType
    bias_name: str  # the module constant holding the rules engine's bias
    # evidence(sentence, cues, offset, earlier) -> list[Evidence]; ``earlier`` holds
    # the evidence of the constructs listed in ``reads``
    evidence: Callable
    reads: tuple[str, ...] = ()
    implies: str | None = None
    description: str = ""

    @property
    def bias(self) -> float:
        """The rules engine's log-odds without evidence (read from the module, so a
        changed constant takes effect)."""
        return getattr(self.module, self.bias_name)


REGISTRY: tuple[Construct, ...] = (
    Construct("threat", "threat", threat, "BIAS",
              lambda sentence, cues, offset, earlier: threat.evidence(sentence, cues, offset),
              description="costs, force or punishment signalled against a target"),
    Construct("conditionality", "conditionality", conditionality, "BIAS",
              lambda sentence, cues, offset, earlier: conditionality.evidence(sentence, cues, earlier["threat"], offset),
              reads=("threat",), description="an outcome contingent on the target's choice"),
    Construct("two_path", "two_path", conditionality, "TWO_PATH_BIAS",
              lambda sentence, cues, offset, earlier: conditionality.two_path_evidence(sentence, cues, offset),
              implies="conditionality", description="alternative paths with different outcomes"),
    Construct("commitment", "commitment", commitment, "BIAS",
              lambda sentence, cues, offset, earlier: commitment.evidence(sentence, cues, offset),
              description="resolve and binding pledges"),
)
REGISTRY_BY_NAME = {c.name: c for c in REGISTRY}
CONSTRUCTS: tuple[str, ...] = tuple(c.name for c in REGISTRY)

# A construct may read only constructs declared before it.
for _i, _c in enumerate(REGISTRY):
    assert all(r in CONSTRUCTS[:_i] for r in _c.reads), f"{_c.name} reads a construct declared after it"
