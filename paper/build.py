"""Build the paper from the raw data: every number, table and figure, then the PDF.

    python paper/build.py [--small] [--only NAME ...] [--no-pdf] [--list]

Steps, each printed with its time:

1. every ``paper/scripts/compute_<name>.py`` in sorted order (data, models, the numbers
   the text quotes: ``build/data/``, ``build/numbers/<name>.json``);
2. every ``fig_<name>*.py`` and ``tab_<name>*.py`` (plots and tables from the build data
   only: ``figures/``, ``tables/``);
3. the numbers of every analysis merged into ``build/numbers.tex``, one
   ``\\newcommand{\\MacroName}{value}`` each;
4. ``paper.pdf`` with latexmk (or pdflatex + bibtex) when a LaTeX toolchain is installed;
   otherwise it says so and which Debian packages to install.

``--small`` runs every compute script on its small slice (seconds; what the tests use);
``--full`` gives each analysis its ``full`` settings of ``config.yaml`` (the classifier
comparison's whole sweep: every model, feature set and seed; ``make reproduce FULL=1``);
``--only NAME`` (repeatable, or comma-separated) runs the scripts of those analyses only
and still merges every numbers file present; ``--no-pdf`` stops before LaTeX.

A compute script is skipped ("up to date") when nothing it could depend on has changed
since its last successful run into the same output folder: its own source, the shared
``paper/scripts/_*.py``, ``paper/config.yaml``, the package (``rhetoric/``: code, lexicons,
the trained model and its training config), ``experiments/`` and ``configs/``,
``pyproject.toml``, the data files (size and modification time), the compute scripts it
reads the output of (:data:`REQUIRES`), ``--small`` and ``--full``.
``--force`` runs everything again. An analysis whose required analysis failed is skipped.
``RHETORIC_PAPER_OUT=<dir>`` sends every output to ``<dir>`` instead of ``paper/``.

A failing script is reported and the figures and tables of its analysis are skipped; the
other analyses go on, and the build exits 1 at the end. Numbers that ``paper.tex`` uses
but no analysis wrote are typeset as **??** and listed (a LaTeX command of that name, such
as ``\\LaTeX``, is left alone).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

PAPER = Path(__file__).resolve().parent
REPO = PAPER.parent
SCRIPTS = PAPER / "scripts"
TEX = PAPER / "paper.tex"
KINDS = ("compute", "fig", "tab")
TEX_PACKAGES = ("texlive-latex-base texlive-latex-recommended texlive-latex-extra "
                "texlive-fonts-recommended latexmk")
_T0 = time.perf_counter()


def say(msg: str) -> None:
    print(f"[build {time.perf_counter() - _T0:7.1f} s] {msg}", flush=True)


def out_root() -> Path:
    env = os.environ.get("RHETORIC_PAPER_OUT")
    return Path(env).expanduser().resolve() if env else PAPER


# ---------------------------------------------------------------- finding the scripts

def discover(scripts: Path = SCRIPTS) -> dict[str, list[Path]]:
    """``{"compute": [...], "fig": [...], "tab": [...]}``, each sorted by file name."""
    found = {kind: sorted(scripts.glob(f"{kind}_*.py")) for kind in KINDS}
    return found


#: figure and table scripts whose names do not start with their analysis's name
REGISTERED = {"learning_curve": "validation", "calibration": "validation"}


def analysis_of(script: Path, analyses: list[str]) -> str:
    """The analysis a script belongs to: the one :data:`REGISTERED` for its name, else the
    longest compute name that its name starts with (``fig_timeline_swift.py`` belongs to
    ``timeline``), else its own name."""
    name = script.stem.split("_", 1)[1]
    if REGISTERED.get(name) in analyses:
        return REGISTERED[name]
    matches = [a for a in analyses if name == a or name.startswith(a + "_")]
    return max(matches, key=len) if matches else name


#: analyses whose compute step reads another's output: ``--only`` runs that one too (the
#: sorted order already runs it first: ``compute_crossfit`` fits the cross-fitted scorer
#: once for the validation and the design-based regression)
REQUIRES = {"regression": ("crossfit",), "validation": ("crossfit",)}


def select(found: dict[str, list[Path]], only: list[str] | None) -> dict[str, list[Path]]:
    if not only:
        return found
    only = sorted(set(only) | {r for name in only for r in REQUIRES.get(name, ())})
    analyses = [p.stem.split("_", 1)[1] for p in found["compute"]]
    known = set(analyses) | {analysis_of(p, analyses) for k in ("fig", "tab") for p in found[k]}
    unknown = sorted(set(only) - known)
    if unknown:
        raise SystemExit(f"--only: no scripts for {unknown}; the analyses are {sorted(known)}")
    return {k: [p for p in v if analysis_of(p, analyses) in only] for k, v in found.items()}


# ---------------------------------------------------------------- running them

# ---------------------------------------------------------------- up to date?

#: what every compute script may read, besides its own source and the data
DEPENDENCIES = ("paper/scripts/_*.py", "paper/config.yaml", "rhetoric/**/*.py", "rhetoric/lexicons/*",
                "rhetoric/models/**/*", "rhetoric/conf/*", "experiments/**/*.py", "configs/**/*.yaml",
                "pyproject.toml")


def input_digest(script: Path, small: bool) -> str:
    """A hash of everything ``script`` could depend on (see the module docstring)."""
    import hashlib

    h = hashlib.sha256(f"small={small}\0full={os.environ.get('RHETORIC_PAPER_FULL', '') not in ('', '0')}\0".encode())
    files = {script.resolve()}
    name = script.stem.split("_", 1)[1]
    files.update((script.parent / f"compute_{r}.py").resolve() for r in REQUIRES.get(name, ()))
    for pattern in DEPENDENCIES:
        files.update(p.resolve() for p in REPO.glob(pattern) if p.is_file() and "__pycache__" not in p.parts)
    for path in sorted(files):
        data = path.read_bytes()
        h.update(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}\0{len(data)}\0".encode())
        h.update(data)
    try:
        from rhetoric.paths import data_root

        root = data_root(required=False)
    except ImportError:  # the package is not installed: always run
        return ""
    h.update(f"data={root}\0".encode())
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            st = path.stat()
            h.update(f"{path.relative_to(root)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


def stamp_path(out: Path, script: Path) -> Path:
    return out / "build" / "stamps" / f"{script.stem}.sha256"


def up_to_date(out: Path, script: Path, digest: str) -> bool:
    """The last successful run had the same inputs, and its numbers are still there."""
    stamp = stamp_path(out, script)
    numbers = out / "build" / "numbers" / f"{script.stem.split('_', 1)[1]}.json"
    return bool(digest) and stamp.is_file() and numbers.is_file() and stamp.read_text().strip() == digest


def run_script(script: Path, small: bool) -> tuple[bool, float]:
    """Run one script (from the repository root, so the featurisation cache is shared)."""
    cmd = [sys.executable, str(script)]
    if small and script.name.startswith("compute_"):
        cmd.append("--small")
    env = dict(os.environ)
    if small:
        env["RHETORIC_PAPER_SMALL"] = "1"
    say(f"run   {script.relative_to(REPO)}{' --small' if '--small' in cmd else ''}")
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=env)
    took = time.perf_counter() - t0
    ok = proc.returncode == 0
    say(f"{'done ' if ok else 'FAIL '} {script.name} in {took:.1f} s"
        + ("" if ok else f" (exit {proc.returncode})"))
    return ok, took


# ---------------------------------------------------------------- numbers.tex

_NAME = re.compile(r"[A-Za-z]+")
_USED = re.compile(r"\\([A-Z][A-Za-z]*)")


def merge_numbers(numbers_dir: Path, tex: Path = TEX) -> tuple[str, dict[str, str], list[str]]:
    """``numbers.tex`` text from every ``numbers/*.json``; also the merged dict and the
    capitalised control words ``tex`` uses that no analysis defined.

    A macro defined by two analyses, a name that is not letters only or a value that is
    not a string is an error naming the file.
    """
    merged: dict[str, str] = {}
    origin: dict[str, str] = {}
    for path in sorted(numbers_dir.glob("*.json")):
        try:
            values = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{path}: not valid JSON ({exc})") from None
        if not isinstance(values, dict):
            raise SystemExit(f"{path}: expected an object of macro names to strings")
        for key, value in values.items():
            if not _NAME.fullmatch(key):
                raise SystemExit(f"{path}: macro name {key!r} is not letters only")
            if not isinstance(value, str):
                raise SystemExit(f"{path}: the value of {key} is not a string ({value!r})")
            if key in merged:
                raise SystemExit(f"{path}: macro {key} is also defined by {origin[key]}")
            merged[key] = value
            origin[key] = path.name
    lines = [
        "% Generated by paper/build.py from build/numbers/*.json: do not edit.",
        "% Each number the paper quotes, written by the analysis named beside it.",
    ]
    for key in sorted(merged):
        lines.append(f"\\newcommand{{\\{key}}}{{{merged[key]}}}% {origin[key]}")
    used = sorted(set(_USED.findall(tex.read_text(encoding="utf-8")))) if tex.is_file() else []
    unresolved = [u for u in used if u not in merged]
    lines += [
        "",
        "% Capitalised commands paper.tex uses that no analysis wrote: a LaTeX command of",
        "% that name is kept (\\providecommand does nothing then); a missing number prints ??.",
        "\\providecommand{\\missingnumber}[1]{\\textbf{??}\\typeout{MISSING NUMBER: #1}}",
    ]
    lines += [f"\\providecommand{{\\{u}}}{{\\missingnumber{{{u}}}}}" for u in unresolved]
    return "\n".join(lines) + "\n", merged, unresolved


def write_whole(text: str, target: Path) -> None:
    """Write ``text`` to ``target`` whole or not at all (creating its folder)."""
    from rhetoric._atomic import atomic_path

    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- the PDF

def build_pdf(out: Path) -> bool:
    """Compile paper.tex in ``out`` (figures, tables and numbers are found there, the
    .tex and .bib in paper/); auxiliary files stay in ``out/build/latex``."""
    latexmk, pdflatex = shutil.which("latexmk"), shutil.which("pdflatex")
    if not (latexmk or pdflatex):
        say("no LaTeX toolchain found: skipped the PDF. Install it with "
            f"`apt-get install -y --no-install-recommends {TEX_PACKAGES}`")
        return True
    aux = out / "build" / "latex"
    aux.mkdir(parents=True, exist_ok=True)
    sep = os.pathsep
    env = dict(os.environ, TEXINPUTS=f"{out}{sep}{PAPER}{sep}", BIBINPUTS=f"{PAPER}{sep}",
               BSTINPUTS=f"{PAPER}{sep}")
    log = aux / "latex-run.log"
    with open(log, "w", encoding="utf-8") as fh:
        if latexmk:
            cmd = [latexmk, "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
                   f"-outdir={aux}", str(TEX)]
            ok = subprocess.run(cmd, cwd=out, env=env, stdout=fh, stderr=subprocess.STDOUT).returncode == 0
        else:
            ok = True
            for step in ("pdflatex", "bibtex", "pdflatex", "pdflatex"):
                if step == "bibtex":
                    bibtex = shutil.which("bibtex")
                    if bibtex:
                        subprocess.run([bibtex, "paper"], cwd=aux, env=env, stdout=fh, stderr=subprocess.STDOUT)
                    continue
                cmd = [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
                       f"-output-directory={aux}", str(TEX)]
                if subprocess.run(cmd, cwd=out, env=env, stdout=fh, stderr=subprocess.STDOUT).returncode:
                    ok = False
                    break
    texlog = aux / "paper.log"
    if not ok:
        tail = texlog.read_text(errors="replace").splitlines()[-25:] if texlog.is_file() else []
        say(f"LaTeX FAILED; see {log} and {texlog}. Last lines:\n  " + "\n  ".join(tail))
        return False
    pdf = out / "paper.pdf"
    from rhetoric._atomic import atomic_path

    with atomic_path(pdf) as tmp:
        shutil.copyfile(aux / "paper.pdf", tmp)
    missing = sorted(set(re.findall(r"MISSING NUMBER: (\w+)", texlog.read_text(errors="replace"))))
    undefined_refs = "There were undefined references" in texlog.read_text(errors="replace")
    say(f"wrote {pdf}" + (f"; numbers printed as ?? (not built): {', '.join(missing)}" if missing else "")
        + ("; LaTeX reports undefined references" if undefined_refs else ""))
    return True


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="the small slice of every analysis (seconds)")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run only this analysis's scripts (repeatable or comma-separated)")
    parser.add_argument("--full", action="store_true",
                        help="each analysis's `full` settings (the whole classifier sweep; slow)")
    parser.add_argument("--no-pdf", action="store_true", help="stop before LaTeX")
    parser.add_argument("--force", action="store_true", help="run every compute script, even when up to date")
    parser.add_argument("--list", action="store_true", help="list the scripts that would run, and stop")
    args = parser.parse_args(argv)
    only = sorted({n.strip() for item in args.only or [] for n in item.split(",") if n.strip()}) or None
    if args.full:
        if args.small:
            parser.error("--full and --small exclude each other")
        os.environ["RHETORIC_PAPER_FULL"] = "1"  # the scripts inherit it (_common.is_full)

    found = select(discover(), only)
    if args.list:
        for kind in KINDS:
            for p in found[kind]:
                print(p.relative_to(REPO))
        return 0

    out = out_root()
    for sub in ("build/data", "build/numbers", "figures", "tables"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    say(f"output in {out}{' (small slice)' if args.small else ''}{' (full settings)' if args.full else ''}"
        + (f"; only {', '.join(only)}" if only else ""))

    analyses = [p.stem.split("_", 1)[1] for p in discover()["compute"]]
    times: list[tuple[str, float, bool]] = []
    failed_analyses: set[str] = set()
    for script in found["compute"]:
        needed = [r for r in REQUIRES.get(analysis_of(script, analyses), ()) if r in failed_analyses]
        if needed:
            say(f"skip  {script.name}: it reads the output of {', '.join(needed)}, which failed")
            times.append((script.name + " (skipped)", 0.0, False))
            failed_analyses.add(analysis_of(script, analyses))
            continue
        digest = input_digest(script, args.small)
        if not args.force and up_to_date(out, script, digest):
            say(f"skip  {script.name}: up to date (inputs unchanged since its last run; --force runs it)")
            times.append((script.name + " (up to date)", 0.0, True))
            continue
        stamp = stamp_path(out, script)
        stamp.unlink(missing_ok=True)
        ok, took = run_script(script, args.small)
        times.append((script.name, took, ok))
        if ok and digest:
            write_whole(digest + "\n", stamp)
        if not ok:
            failed_analyses.add(analysis_of(script, analyses))
    for kind in ("fig", "tab"):
        for script in found[kind]:
            if analysis_of(script, analyses) in failed_analyses:
                say(f"skip  {script.name} (its compute step failed)")
                continue
            ok, took = run_script(script, args.small)
            times.append((script.name, took, ok))

    t0 = time.perf_counter()
    text, merged, _ = merge_numbers(out / "build" / "numbers")
    write_whole(text, out / "build" / "numbers.tex")
    say(f"wrote {out / 'build' / 'numbers.tex'} ({len(merged)} numbers)")
    times.append(("numbers.tex", time.perf_counter() - t0, True))

    pdf_ok = True
    if args.no_pdf:
        say("--no-pdf: skipped LaTeX")
    else:
        t0 = time.perf_counter()
        pdf_ok = build_pdf(out)
        times.append(("paper.pdf", time.perf_counter() - t0, pdf_ok))

    print("\nstep                                      seconds  status")
    for name, took, ok in times:
        print(f"{name:<42}{took:8.1f}  {'ok' if ok else 'FAILED'}")
    total = time.perf_counter() - _T0
    print(f"{'total':<42}{total:8.1f}")
    failures = [n for n, _, ok in times if not ok]
    if failures:
        print(f"\nfailed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0 if pdf_ok else 1


if __name__ == "__main__":
    sys.exit(main())
