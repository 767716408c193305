"""The HTML report in a real browser (Debian's headless chromium): the DOM it builds has
the marks and sentence rows the records call for, the page's own script runs under its
Content-Security-Policy while the hostile input does not, and a screenshot is not blank.

Skipped, saying why, where chromium is not installed (``apt-get install -y chromium``;
``.ci/run`` installs it where it can)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import rhetoric
from rhetoric import report
from test_report import HOSTILE_ID, HOSTILE_TEXT, RECORDS, parse

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium): "
                                "the report's browser tests need a real browser")
BROWSER_TIMEOUT = 90  # seconds; a first start of chromium on a busy machine takes a few
# A page whose script changed the title would show that the hostile input ran.
PWNED = "pwned"


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """Run headless chromium with a throw-away profile, nothing fetched in the background."""
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}", *args],
        capture_output=True, timeout=BROWSER_TIMEOUT,
    )


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> tuple[Path, list]:
    records = [*RECORDS, (HOSTILE_ID, HOSTILE_TEXT + f' <img src=x onerror="document.title=\'{PWNED}\'">')]
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(report.to_html(records), encoding="utf-8")
    return path, records


def test_the_browsers_dom_has_the_expected_marks_and_rows(page_file, tmp_path):
    path, records = page_file
    res = chromium(tmp_path, "--dump-dom", path.as_uri())
    assert res.returncode == 0, res.stderr.decode(errors="replace")[-2000:]
    dom = parse(res.stdout.decode("utf-8"))
    sentences = [s for _, text in records for s in rhetoric.score(text).sentences]
    expected_marks = sum(len(report.marked_evidence(s.evidence, s.scores)) for s in sentences)
    assert expected_marks > 0
    assert sum(tag == "mark" for tag, _ in dom.elements) == expected_marks
    assert len(dom.rows) == len(sentences)
    # the page's own script ran (its hash is in the policy) and showed the controls
    html_attrs = next(attrs for tag, attrs in dom.elements if tag == "html")
    assert html_attrs.get("data-enhanced") == "yes"
    assert "hidden" not in next(attrs for tag, attrs in dom.elements if attrs.get("id") == "controls")
    # the hostile record is text: no element, no handler, no changed title
    assert not any(tag == "img" for tag, _ in dom.elements)
    assert not any(name.startswith("on") for _, attrs in dom.elements for name in attrs)
    assert PWNED not in res.stdout.decode("utf-8").split("<body")[0]
    hostile = [r for r in dom.rows if r["attrs"]["data-id"] == HOSTILE_ID]
    assert hostile and hostile[0]["text"].startswith("<script>alert(1)</script>")
    # every mark still holds its span's characters after the browser parsed the page
    for row in dom.rows:
        start = int(row["attrs"]["data-start"])
        for mark in row["marks"]:
            s, e = int(mark["attrs"]["data-start"]), int(mark["attrs"]["data-end"])
            assert mark["text"] == row["text"][s - start : e - start]


def test_a_screenshot_is_not_blank(page_file, tmp_path):
    from matplotlib.image import imread

    path, _ = page_file
    shot = tmp_path / "shot.png"
    res = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,1600", path.as_uri())
    assert res.returncode == 0 and shot.is_file(), res.stderr.decode(errors="replace")[-2000:]
    pixels = imread(shot)
    assert pixels.shape[:2] == (1600, 1200)
    grey = pixels[..., :3].mean(axis=2)
    assert grey.std() > 0.02, "the screenshot is one flat colour"
    assert 0.005 < (grey < 0.5).mean() < 0.5, "no dark text on the page, or no light background"
