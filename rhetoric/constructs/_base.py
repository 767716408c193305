"""What every construct shares: evidence records and the log-odds sum.

A construct's score is ``sigmoid(bias + sum of evidence weights)``. Every term of that
sum is an :class:`Evidence` record with the span and rule that produced it, so the
explanation of a score is complete: add the weights shown to the bias and you get the
log-odds, and 0.5 (log-odds 0) is the decision point where the codebook label flips.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..cues import Match, SentenceCues

__all__ = ["Evidence", "sigmoid", "cue_evidence", "modifier_evidence", "Modifiers"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """One term of a construct's log-odds: which rule matched where, and its weight.

    ``start``/``end`` are character offsets into the text that was scored (``None`` for
    sentence-level rules such as "the sentence is a question").
    """

    construct: str
    rule: str
    weight: float
    start: int | None
    end: int | None
    text: str
    reason: str

    @property
    def feature(self) -> str:
        """The name of the term: a rule (rules engine) or a feature of the trained model."""
        return self.rule

    def as_dict(self) -> dict:
        return {
            "construct": self.construct,
            "feature": self.rule,
            "rule": self.rule,
            "weight": self.weight,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "reason": self.reason,
        }


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _ev(construct: str, rule: str, weight: float, m: Match | None, sentence: str, offset: int, reason: str) -> Evidence:
    if m is None:
        return Evidence(construct, rule, weight, None, None, "", reason)
    return Evidence(construct, rule, weight, offset + m.start, offset + m.end, sentence[m.start : m.end], reason)


def cue_evidence(construct: str, lexicon, cues: SentenceCues, sentence: str, offset: int) -> list[Evidence]:
    """Evidence from a construct's own lexicon, with negations that cancel cues.

    A ``negatable`` rule preceded by a negation in scope (see
    :meth:`SentenceCues.negation_before`) gets a second record of opposite weight at the
    negation's span, so the explanation shows both the cue and what cancelled it.
    """
    out: list[Evidence] = []
    for m in cues.of(lexicon):
        rule, s, e = m
        out.append(_ev(construct, rule.name, rule.weight, m, sentence, offset, rule.reason))
        if rule.negatable and rule.weight > 0:
            neg = cues.negation_before(s, e)
            if neg is not None:
                out.append(
                    _ev(construct, f"negated:{neg.rule.name}", -rule.weight, neg, sentence, offset,
                        f"negation cancels '{sentence[s:e]}'")
                )
    return out


@dataclass(frozen=True)
class Modifiers:
    """Weights of the shared cues for one construct (named so that each is explained
    where it is set, in the construct's module). Applied only when the construct's own
    cues have a positive sum: a booster or a hedge alone never makes or breaks a label."""

    booster: float = 0.0
    booster_cap: int = 2
    hedge: float = 0.0
    hedge_cap: int = 2
    target: float = 0.0
    denial: float = 0.0
    question: float = 0.0
    procedural: float = 0.0


def modifier_evidence(construct: str, mods: Modifiers, cues: SentenceCues, sentence: str, offset: int) -> list[Evidence]:
    out: list[Evidence] = []
    if mods.booster:
        for m in cues.matches["boosters"][: mods.booster_cap]:
            out.append(_ev(construct, f"booster:{m.rule.name}", mods.booster, m, sentence, offset, m.rule.reason))
    if mods.hedge:
        for m in cues.matches["hedges"][: mods.hedge_cap]:
            out.append(_ev(construct, f"hedge:{m.rule.name}", mods.hedge, m, sentence, offset, m.rule.reason))
    if mods.target and cues.targets:
        m = cues.targets[0]
        out.append(_ev(construct, f"target:{m.rule.group}", mods.target, m, sentence, offset, "a named target actor"))
    if mods.denial:
        m = cues.first("denials")
        if m is not None:
            out.append(_ev(construct, f"denial:{m.rule.name}", mods.denial, m, sentence, offset, m.rule.reason))
    if mods.procedural:
        m = cues.first("procedural")
        if m is not None:
            out.append(_ev(construct, f"procedural:{m.rule.name}", mods.procedural, m, sentence, offset, m.rule.reason))
    if mods.question and cues.question:
        out.append(_ev(construct, "question", mods.question, None, sentence, offset,
                       "questions (and journalists' turns) are 0 on all labels"))
    return out
