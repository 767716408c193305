"""Human-readable explanations: every score, its intercept, and each term (a rule, cue or
word feature) with its weight and the words it matched, optionally highlighted with ANSI
colours in a terminal.

The account is complete: ``score = sigmoid(intercept + sum of the weights listed)``.
Terms whose weight is below :data:`SMALL` in size are summed on one line (named, not
dropped), so a trained model's many word features do not bury the ones that decide."""

from __future__ import annotations

from .constructs import CONSTRUCTS
from .scoring import TextScore

__all__ = ["explain_text", "highlight", "SMALL", "HIGHLIGHT"]

#: Terms with |weight| below this are summed on one line of the explanation.
SMALL = 0.1
#: Terms with at least this positive weight are highlighted in the sentence.
HIGHLIGHT = 0.5

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
    ``sigmoid(intercept + sum of weights)`` and one line per term (weight, rule or
    feature, matched words, reason), largest first; terms smaller than :data:`SMALL`
    are summed on one line that names them.
    """
    lines: list[str] = []
    for c in CONSTRUCTS:
        lines.append(f"{c} {result.features[c]:.3f}")
    for sent in result.sentences:
        spans = [(e.start - sent.start, e.end - sent.start, e.construct)
                 for e in sent.evidence if e.start is not None and e.weight >= HIGHLIGHT]
        lines.append("")
        lines.append(highlight(result.text[sent.start : sent.end], spans, color=color))
        for c in CONSTRUCTS:
            evs = [e for e in sent.evidence if e.construct == c]
            if not evs:
                continue
            intercept = sent.intercepts[c]
            total = sum(e.weight for e in evs)
            lines.append(f"  {c} {sent.scores[c]:.3f} = sigmoid({intercept:+.2f} {total:+.2f} = {intercept + total:+.2f})"
                         f"  [intercept {intercept:+.2f}, {len(evs)} terms]")
            big = sorted((e for e in evs if abs(e.weight) >= SMALL), key=lambda e: -abs(e.weight))
            small = [e for e in evs if abs(e.weight) < SMALL]
            for e in big:
                where = f"{e.start}-{e.end} '{e.text}'" if e.start is not None else "(sentence)"
                lines.append(f"    {e.weight:+6.2f}  {e.rule:<34} {where}  # {e.reason}")
            if small:
                names = ", ".join(e.rule for e in small)
                lines.append(f"    {sum(e.weight for e in small):+6.2f}  {len(small)} terms under {SMALL:g}: {names}")
    return "\n".join(lines)

