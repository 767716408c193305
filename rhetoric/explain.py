"""Human-readable explanations: every score, the bias, and each rule with its weight and
the words it matched, optionally highlighted with ANSI colours in a terminal."""

from __future__ import annotations

from .constructs import CONSTRUCTS
from .scoring import BIASES, TextScore

__all__ = ["explain_text", "highlight"]

_COLOURS = {"threat": "31", "conditionality": "33", "two_path": "35", "commitment": "36"}


def highlight(text: str, spans: list[tuple[int, int, str]], color: bool = True) -> str:
    """Mark ``spans`` (start, end, construct) in ``text``: ANSI colour, or [brackets]."""
    out: list[str] = []
    pos = 0
    for start, end, construct in sorted(s for s in spans if s[0] >= 0):
        if start < pos:  # overlapping spans: the first one marks the words
            continue
        out.append(text[pos:start])
        word = text[start:end]
        if color:
            out.append(f"\x1b[1;{_COLOURS.get(construct, '1')}m{word}\x1b[0m")
        else:
            out.append(f"[{word}]")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def explain_text(result: TextScore, color: bool = False) -> str:
    """Explain a :class:`~rhetoric.scoring.TextScore`, sentence by sentence.

    For each sentence and construct with any evidence: the score, then
    ``sigmoid(bias + weights)`` and one line per rule (weight, rule, matched words, reason).
    """
    lines: list[str] = []
    for c in CONSTRUCTS:
        lines.append(f"{c} {result.features[c]:.3f}")
    for sent in result.sentences:
        spans = [(e.start - sent.start, e.end - sent.start, e.construct)
                 for e in sent.evidence if e.start is not None and e.weight > 0]
        lines.append("")
        lines.append(highlight(result.text[sent.start : sent.end], spans, color=color))
        for c in CONSTRUCTS:
            evs = [e for e in sent.evidence if e.construct == c]
            if not evs:
                continue
            logit = BIASES[c] + sum(e.weight for e in evs)
            terms = " ".join(f"{e.weight:+.2f}" for e in evs)
            lines.append(f"  {c} {sent.scores[c]:.3f} = sigmoid({BIASES[c]:+.2f} {terms} = {logit:+.2f})")
            for e in evs:
                where = f"{e.start}-{e.end} '{e.text}'" if e.start is not None else "(sentence)"
                lines.append(f"    {e.weight:+6.2f}  {e.rule:<28} {where}  # {e.reason}")
    return "\n".join(lines)

