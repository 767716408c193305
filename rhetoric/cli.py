"""The ``rhetoric`` command line.

    rhetoric score INPUT [-o OUTPUT] [--text-field F] [--id-field F] [--no-split]
    rhetoric explain "TEXT"          (or - to read the text from standard input)
    rhetoric report INPUT [-o report.html] [--text-field F] [--id-field F] [--top N]
    rhetoric evaluate [--annotations PATH] [--errors CONSTRUCT] [--json]
    rhetoric --version

``score`` streams: it reads one row, scores it and writes it before reading the next,
so memory stays flat however large the input. INPUT is ``.jsonl``, ``.csv`` or
``.txt`` (one statement per line), optionally gzipped (``.jsonl.gz``), or ``-`` for
standard input (format from ``--format``, default txt). OUTPUT is ``.csv`` or
``.jsonl`` (optionally ``.gz``); without it, CSV goes to standard output. Columns: ``id``
(the ``--id-field`` value, else the 0-based row number), the four constructs, then the
rest of :func:`rhetoric.feature_names`. OUTPUT is written whole or not at all.

Bad input stops the run with exit code 2 and ``rhetoric: error: FILE:LINE: problem``.

Only the standard library is imported here (no numpy, pandas or scikit-learn): start-up
time is most of the cost of scoring a short file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys

__all__ = ["main", "build_parser"]

PROG = "rhetoric"
EXIT_USAGE = 2  # argparse's code for bad usage; bad input is the same kind of mistake
EXIT_INTERRUPTED = 130


class _Failure(Exception):
    """An error to report as ``rhetoric: error: ...`` with exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Explainable measures of coercive rhetoric (threat, conditionality, "
        "two-path, commitment) in diplomatic statements.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "score",
        help="score every statement of a file, streaming, to CSV or JSON lines",
        description="Score every row of INPUT and write one output row per input row, in order. "
        "Output columns: id, threat, conditionality, two_path, commitment, then the other features.",
    )
    p.add_argument("input", metavar="INPUT",
                   help="a .jsonl, .csv or .txt file (one statement per line), optionally .gz; - for stdin")
    p.add_argument("-o", "--output", metavar="OUTPUT",
                   help="a .csv or .jsonl file (optionally .gz), written whole or not at all; "
                   "default: CSV on stdout")
    p.add_argument("--format", choices=("jsonl", "csv", "txt"),
                   help="the input format (default: from INPUT's suffix; txt for stdin)")
    p.add_argument("--text-field", default="text", metavar="F",
                   help="the field (jsonl) or column (csv) holding the text (default: text)")
    p.add_argument("--id-field", metavar="F",
                   help="the field or column copied to the output's id column "
                   "(default: the 0-based row number)")
    p.add_argument("--no-split", action="store_true",
                   help="score each row as one sentence instead of splitting it into sentences")
    p.add_argument("--digits", type=int, default=4, metavar="N",
                   help="decimals kept in scores (default: 4)")
    p.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                   help="score on N worker processes (-1: all cores; default: 1). Rows are read "
                   "and written in order, with at most a few batches in flight")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show a progress bar on stderr (needs tqdm; default: when stderr is a "
                   "terminal and OUTPUT is a file)")
    _engine_argument(p)
    p.set_defaults(func=_cmd_score)

    p = sub.add_parser(
        "explain",
        help="show the scores of one text and the words behind them",
        description="Print the scores of TEXT, each sentence with the matched words highlighted, "
        "and every rule with its weight.",
    )
    p.add_argument("text", metavar="TEXT", help="the text to explain; - reads it from stdin")
    p.add_argument("--no-split", action="store_true", help="score the text as one sentence")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="highlight with ANSI colours (auto: when stdout is a terminal and "
                   "NO_COLOR is unset); without colour, matched words are [bracketed]")
    p.add_argument("--json", action="store_true",
                   help="print, per sentence, the scores, the intercepts and every evidence record "
                   "(sigmoid(intercept + sum of a construct's weights) is its score) as JSON")
    _engine_argument(p)
    p.set_defaults(func=_cmd_explain)

    p = sub.add_parser(
        "report",
        help="write one self-contained HTML page: each sentence's scores and the words behind them",
        description="Score every row of INPUT and write one HTML page (no network needed): a summary "
        "with the model card's figures, then each document's sentences with their scores as bars and "
        "every evidence term highlighted, with filters and sorting. A large input shows only the "
        "highest-scoring sentences per construct (rhetoric.report.DEFAULT_TOP of them, above "
        "rhetoric.report.LARGE_INPUT records) unless --top or --all says otherwise.",
    )
    p.add_argument("input", metavar="INPUT",
                   help="a .jsonl, .csv or .txt file (one statement per line), optionally .gz; - for stdin")
    p.add_argument("-o", "--output", metavar="OUTPUT", default="report.html",
                   help="the HTML file, written whole or not at all (default: report.html; - for stdout)")
    p.add_argument("--format", choices=("jsonl", "csv", "txt"),
                   help="the input format (default: from INPUT's suffix; txt for stdin)")
    p.add_argument("--text-field", default="text", metavar="F",
                   help="the field (jsonl) or column (csv) holding the text (default: text)")
    p.add_argument("--id-field", metavar="F",
                   help="the field or column naming each document (default: the 0-based row number)")
    show = p.add_mutually_exclusive_group()
    show.add_argument("--top", type=int, metavar="N",
                      help="show only the N highest-scoring sentences per construct (their union, each "
                      "under its document); the default for large inputs")
    show.add_argument("--all", action="store_true", dest="show_all",
                      help="show every sentence however large the input (memory and page grow with it)")
    p.add_argument("--title", metavar="TEXT", help="the page's title (default: rhetoric report: INPUT)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show a progress bar on stderr (needs tqdm; default: when stderr is a "
                   "terminal and OUTPUT is a file)")
    _engine_argument(p)
    p.set_defaults(func=_cmd_report)

    sub.add_parser("train", add_help=False,
                   help="rebuild the trained scorer from the labels (Hydra overrides, e.g. "
                   "`rhetoric train output=/tmp/model seed=1`; rhetoric train --help)")
    # Listed for --help; the arguments go to rhetoric.evaluate untouched (see main()).
    sub.add_parser("evaluate", add_help=False,
                   help="compare the scores with the labelled sentences "
                   "(rhetoric evaluate --help for its options)")
    return parser


# --- score ---------------------------------------------------------------------------

def _cmd_score(args) -> int:
    from .io import RecordWriter, atomic_output, output_format, read_records
    from .scoring import CHUNK_TEXTS, feature_names, feature_rows

    columns = feature_names()  # id first (the writer's), then the four constructs, then the rest
    to_stdout = args.output in (None, "-")
    try:
        out_fmt = "csv" if to_stdout else output_format(args.output)
    except ValueError as exc:
        raise _Failure(str(exc)) from None
    if args.digits < 0:
        raise _Failure("--digits must be 0 or more")
    jobs = _resolve_jobs(args.jobs)
    records = read_records(args.input, text_field=args.text_field, id_field=args.id_field,
                           format=args.format)
    show = args.progress if args.progress is not None else (sys.stderr.isatty() and not to_stdout)
    if show:
        records = _with_progress(records)
    split = not args.no_split

    def run(fh) -> None:
        writer = RecordWriter(fh, out_fmt, columns, digits=args.digits)
        # lexicons and model loaded now, once: a model that cannot be read fails here
        _scored(feature_rows, [], engine=args.engine)
        if jobs == 1:
            # Typed at a terminal, each line is answered at once; otherwise in chunks.
            interactive = args.input == "-" and sys.stdin.isatty()
            with _collect_less():
                for chunk in _chunks(records, 1 if interactive else CHUNK_TEXTS):
                    rows = _scored(feature_rows, [r.text for r in chunk], split=split, engine=args.engine)
                    writer.write_rows([r.id for r in chunk], rows)
                    if chunk.error is not None:
                        raise chunk.error
        else:
            for rid, row in _score_in_parallel(records, split, jobs, args.engine):
                writer.write_row(rid, row)

    if to_stdout:
        run(sys.stdout)
        sys.stdout.flush()
    else:
        with atomic_output(args.output) as fh:
            run(fh)
    return 0


# Scoring allocates many short-lived containers (matches, rows) and frees them by
# reference count; the cyclic garbage collector's default pace (a young collection every
# 700 allocations, full ones over every lexicon object) spent 2-2.5% of a corpus run
# (callgrind, 25,000 sentences). Scoring makes no cycles that need it sooner.
GC_YOUNG_THRESHOLD = 10_000


@contextlib.contextmanager
def _collect_less():
    """Exempt what is loaded by then (lexicons, model) from garbage collection and
    collect young objects less often, while scoring; as before afterwards (``main`` may
    be called in a longer process)."""
    import gc

    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


class _Chunk(list):
    """Records read together, and the input error that stopped the reading, if any
    (the rows before it are scored and written first, as when rows went one by one)."""

    error: BaseException | None = None


def _chunks(records, size: int):
    records = iter(records)
    while True:
        chunk = _Chunk()
        try:
            for rec in records:
                chunk.append(rec)
                if len(chunk) == size:
                    break
        except Exception as exc:  # InputError: reported after the rows before it
            chunk.error = exc
        if chunk or chunk.error is not None:
            yield chunk
        if chunk.error is not None or len(chunk) < size:
            return


def _resolve_jobs(jobs: int) -> int:
    from ._pool import resolve_jobs

    try:
        return resolve_jobs(jobs)  # -1: all cores, -2: all but one
    except ValueError:
        raise _Failure("--jobs 0 makes no sense: use 1, N > 1, or -1 for all cores") from None


BATCH_ROWS = 32  # rows sent to a worker at once: amortises the cost of a round trip


def _worker_signals() -> None:
    # Ctrl-C goes to the whole process group; the parent alone handles it (and removes
    # the temporary output), the workers finish their batch and are shut down.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _score_in_parallel(records, split: bool, jobs: int, engine: str | None = None):
    """Yield ``(id, features)`` in input order, scoring batches on ``jobs`` processes.

    At most ``2 * jobs`` batches are in flight (:func:`rhetoric._pool.imap_ordered`, as
    for :func:`rhetoric.data.featurise`), so memory stays flat (a Pool.imap would read
    the whole input ahead). A bad row stops the run when its batch is read.
    """
    from concurrent.futures import ProcessPoolExecutor
    from itertools import islice

    from ._pool import imap_ordered
    from .data._worker import featurise_chunk

    def batches():
        rows = iter(records)
        while batch := list(islice(rows, BATCH_ROWS)):
            yield batch

    # Compile the lexicons once, before the workers are forked (they inherit them).
    featurise_chunk(["If they attack, we will respond with force; we will defend every inch."], True, engine)
    with ProcessPoolExecutor(jobs, initializer=_worker_signals) as pool:

        def submit(batch):
            return pool.submit(featurise_chunk, [r.text for r in batch], split, engine)

        for batch, rows in imap_ordered(submit, batches(), 2 * jobs):
            yield from zip([r.id for r in batch], rows)


def _with_progress(records):
    try:
        from tqdm import tqdm
    except ImportError:
        raise _Failure("--progress needs tqdm: pip install 'rhetoric[progress]'") from None
    return tqdm(records, unit=" rows", file=sys.stderr, dynamic_ncols=True)


# --- report --------------------------------------------------------------------------

def _cmd_report(args) -> int:
    from pathlib import Path

    from .io import atomic_output, read_records
    from .report import collect, write_html

    if args.top is not None and args.top < 1:
        raise _Failure("--top must be 1 or more")
    to_stdout = args.output == "-"
    if not to_stdout and not Path(args.output).resolve().parent.is_dir():
        # found before the input is read, not after minutes of scoring
        raise _Failure(f"{args.output}: the folder does not exist")
    records = read_records(args.input, text_field=args.text_field, id_field=args.id_field, format=args.format)
    show = args.progress if args.progress is not None else (sys.stderr.isatty() and not to_stdout)
    if show:
        records = _with_progress(records)
    title = args.title or f"rhetoric report: {'<stdin>' if args.input == '-' else Path(args.input).name}"
    # The whole input is read (and bad input reported) before the output is opened; what
    # is kept meanwhile is bounded (at most LARGE_INPUT documents, or the top N per construct).
    data = _scored(collect, records, top=args.top, show_all=args.show_all, engine=args.engine, title=title)
    if to_stdout:
        _scored(write_html, data, sys.stdout)
        sys.stdout.flush()
    else:
        with atomic_output(args.output) as fh:
            _scored(write_html, data, fh)
    if data.top is not None and args.top is None:
        print(f"{PROG}: {data.n_documents:,} records: showing the top {data.top} sentences per construct "
              f"({data.n_shown:,} of {data.n_sentences:,}); --all shows every one", file=sys.stderr)
    return 0


# --- explain -------------------------------------------------------------------------

def _read_stdin_text() -> str:
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _Failure(f"<stdin>:{line}: not UTF-8: byte 0x{data[exc.start]:02x}") from None


def _use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    # https://no-color.org: set and not empty disables colour.
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _cmd_explain(args) -> int:
    from .explain import explain_text
    from .scoring import score

    text = _read_stdin_text() if args.text == "-" else args.text
    result = _scored(score, text, split=not args.no_split, engine=args.engine)
    if args.json:
        doc = {
            "engine": args.engine,
            "features": result.features,
            "sentences": [
                {"start": s.start, "end": s.end, "text": s.text, "scores": s.scores,
                 "intercepts": s.intercepts, "evidence": [e.as_dict() for e in s.evidence]}
                for s in result.sentences
            ],
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        print(explain_text(result, color=_use_color(args.color)))
    return 0


def _engine_argument(p) -> None:
    p.add_argument("--engine", choices=("trained", "rules"), default="trained",
                   help="trained: the logistic regressions fitted to the labels (default); "
                   "rules: the lexicons' hand-set weights")


def _scored(fn, *args, **kwargs):
    """Call a scorer; a model that cannot be read is a clear error, not a traceback."""
    from .trained import ModelError

    try:
        return fn(*args, **kwargs)
    except ModelError as exc:
        raise _Failure(str(exc)) from None


# --- entry point ---------------------------------------------------------------------

def _error(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["evaluate"]:  # its own parser reads the rest
        return _run_evaluate(argv[1:])
    if argv[:1] == ["train"]:  # Hydra overrides
        return _run_train(argv[1:])
    args = build_parser().parse_args(argv)

    from .io import InputError

    try:
        with _sigterm_as_exit():
            return args.func(args)
    except (InputError, _Failure) as exc:
        return _error(str(exc))
    except OSError as exc:  # e.g. the output folder does not exist, disk full
        if isinstance(exc, BrokenPipeError):
            return _broken_pipe()
        name = f"{exc.filename}: " if exc.filename else ""
        return _error(f"{name}{exc.strerror or exc}")
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except _Terminated:
        print(f"{PROG}: terminated", file=sys.stderr)
        return EXIT_TERMINATED


EXIT_TERMINATED = 143  # 128 + SIGTERM, what a shell reports for a terminated process


class _Terminated(BaseException):
    """SIGTERM arrived (``kill``, a batch scheduler's time limit)."""


@contextlib.contextmanager
def _sigterm_as_exit():
    """While a command runs, SIGTERM raises :class:`_Terminated`, so the temporary
    output is removed as on Ctrl-C instead of being left behind. The previous handler
    comes back afterwards (``main`` may be called from Python)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():  # only it may set handlers
        yield
        return

    def stop(signum, frame):
        raise _Terminated()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _broken_pipe() -> int:
    # The reader went away (`rhetoric score big.jsonl | head`): stop quietly. Pointing
    # stdout at devnull stops Python complaining again when it flushes at exit.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 1


def _run_train(argv: list[str]) -> int:
    from . import training
    from .paths import DataNotFound

    try:
        return training.main(argv)
    except (DataNotFound, ValueError, OSError) as exc:
        return _error(str(exc))
    except Exception as exc:  # Hydra's override errors name the bad override
        if type(exc).__module__.startswith(("hydra", "omegaconf")):
            return _error(f"train: {exc}")
        raise


def _run_evaluate(argv: list[str]) -> int:
    from . import evaluate
    from .paths import DataNotFound

    try:
        return evaluate.main(argv, prog=f"{PROG} evaluate")
    except (DataNotFound, ValueError, OSError) as exc:
        return _error(str(exc))


if __name__ == "__main__":
    sys.exit(main())
