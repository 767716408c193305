"""Scaling benchmark: how scoring time grows with the length of one run-on text.

    python bench/bench_long_text.py [--words 20000] [--steps 4] [--repeats 3] [--seed 0]

A text with no sentence end is scored as one sentence, so every cue and negation in it
meets every other: an engine that compares them pairwise grows with the square of the
length. This builds seeded texts of cue words (from the lexicons: negations, modals,
sanctions, conditions) of ``--words``, 2x, 4x, ... words, times ``rhetoric.score`` on
each (the median of ``--repeats`` runs, in this process) and prints each time with its
ratio to the previous size. Linear growth shows ratios near 2; quadratic near 4.

The peer is the same words cut into sentences of 20 words (the ordinary case, linear by
construction), timed in the same run: the last column is long-text time / peer time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

# Words that fire many rules and negations at once: the worst case for cue x cue work.
CUE_WORDS = (
    "if we will must whether or not give and then sanctions punish take steps russia the "
    "will not be punished call for costs otherwise they thought never accept respond"
).split()


def make_words(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(CUE_WORDS) for _ in range(n)]


def timed(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=20000, help="words in the smallest text (default: 20000)")
    parser.add_argument("--steps", type=int, default=4, help="sizes, each twice the last (default: 4)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per size (default: 3)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.words < 20 or args.steps < 1 or args.repeats < 1:
        parser.error("--words must be at least 20, --steps and --repeats at least 1")

    from rhetoric import score

    score("Warm-up: load the lexicons, if Russia invades it will not face sanctions.")
    print(f"{'words':>9} {'chars':>10} {'one text s':>11} {'x previous':>11} {'sentences s':>12} {'text/peer':>10}")
    previous = None
    for step in range(args.steps):
        n = args.words * 2**step
        words = make_words(n, args.seed)
        text = " ".join(words)
        cut = ". ".join(" ".join(words[i : i + 20]).capitalize() for i in range(0, n, 20)) + "."
        t_text = timed(lambda: score(text), args.repeats)
        t_peer = timed(lambda: score(cut), args.repeats)
        growth = f"{t_text / previous:.2f}" if previous else "-"
        print(f"{n:>9,} {len(text):>10,} {t_text:>11.2f} {growth:>11} {t_peer:>12.2f} {t_text / t_peer:>10.2f}",
              flush=True)
        previous = t_text
    print("x previous: the time for twice the words over the time before (2: linear, 4: quadratic)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
