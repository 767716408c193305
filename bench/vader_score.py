"""VADER peer for the speed benchmark: score a text file, one statement per line.

    python bench/vader_score.py INPUT.txt [-o OUTPUT.csv]

Reads INPUT line by line (streaming, like ``rhetoric score``) and writes one CSV row per
line: ``compound,neg,neu,pos`` from vaderSentiment's SentimentIntensityAnalyzer. The
output is written whole or not at all (a temporary file beside it, then renamed).
Needs ``pip install 'rhetoric[bench]'`` (vaderSentiment).

>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> src, dst = os.path.join(folder, "in.txt"), os.path.join(folder, "out.csv")
>>> _ = open(src, "w").write("We will respond decisively.\\nThis is terrible.\\n")
>>> main([src, "-o", dst])
0
>>> open(dst).read().splitlines()[0]
'compound,neg,neu,pos'
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile

COLUMNS = ("compound", "neg", "neu", "pos")


def score_lines(lines, out) -> int:
    """Write the header and one row per line of ``lines`` to ``out``; return the count."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for line in lines:
        polarity = analyzer.polarity_scores(line.rstrip("\r\n"))
        writer.writerow([polarity[c] for c in COLUMNS])
        n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vader_score.py", description=__doc__.split("\n")[0])
    parser.add_argument("input", help="a UTF-8 text file, one statement per line")
    parser.add_argument("-o", "--output", help="CSV to write (default: standard output)")
    args = parser.parse_args(argv)
    try:
        with open(args.input, encoding="utf-8") as lines:
            if args.output in (None, "-"):
                score_lines(lines, sys.stdout)
                return 0
            folder = os.path.dirname(os.path.abspath(args.output))
            fd, tmp = tempfile.mkstemp(prefix=".vader-", suffix=".csv", dir=folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                    score_lines(lines, out)
                os.replace(tmp, args.output)
            except BaseException:
                os.unlink(tmp)
                raise
    except UnicodeDecodeError as exc:
        print(f"vader_score.py: error: {args.input}: not UTF-8 ({exc.reason})", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"vader_score.py: error: {exc.filename or args.input}: {exc.strerror}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
