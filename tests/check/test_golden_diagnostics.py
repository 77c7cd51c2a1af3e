"""Golden diagnostics: every tests/cases/<feature>/bad/<name>.rubric against <name>.diagnostics.

Each bad rubric is a realistic mistake; its golden file holds the rich render (no colour) of
every diagnostic of one `check_files` run, with paths relative to the repository root.
`pytest --update-goldens` rewrites the golden files; review their diff like code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rubric.diagnostics import render_rich
from rubric.diagnostics.codes import CODES
from rubric.diagnostics.model import Severity
from rubric.driver import check_files

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "tests" / "cases"
BAD = sorted(CASES.glob("*/bad/*.rubric"))
_HEAD = re.compile(r"^(error|warning)\[(R\d{4})\]: ")


def _id(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.stem}"


def _is_warnings_case(path: Path) -> bool:
    return "warnings" in path.relative_to(CASES).parts


@pytest.fixture
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root so that rendered paths read `tests/cases/...`."""
    monkeypatch.chdir(REPO)
    return REPO


def _check(path: Path):
    relative = path.relative_to(REPO).as_posix()
    diagnostics, sources = check_files([relative])
    return relative, diagnostics, sources


def test_there_are_enough_cases():
    assert len(BAD) >= 45, f"only {len(BAD)} bad rubrics under {CASES}"


@pytest.mark.parametrize("path", BAD, ids=_id)
def test_golden(path: Path, at_repo_root: Path, update_goldens: bool):
    _, diagnostics, sources = _check(path)
    rendered = render_rich(diagnostics, sources, colour=False)
    golden = path.with_suffix(".diagnostics")
    if update_goldens:
        golden.write_text(rendered, encoding="utf-8")
        return
    assert golden.is_file(), f"no golden file {golden.relative_to(REPO)}; run pytest --update-goldens"
    assert rendered == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", BAD, ids=_id)
def test_severity(path: Path, at_repo_root: Path):
    _, diagnostics, _ = _check(path)
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    warnings = [d for d in diagnostics if d.severity is Severity.WARNING]
    if _is_warnings_case(path):
        assert warnings and not errors, "a `warnings` case has warnings and no error"
    else:
        assert errors, "a bad rubric has at least one error"


@pytest.mark.parametrize("path", BAD, ids=_id)
def test_every_diagnostic_has_a_span_inside_the_file(path: Path, at_repo_root: Path):
    relative, diagnostics, sources = _check(path)
    assert diagnostics
    for diag in diagnostics:
        assert diag.code in CODES, diag.code
        span = diag.span
        assert span is not None, f"{diag.code} has no span: {diag.message}"
        assert span.path == relative, f"{diag.code} points into another file: {span.path}"
        text = sources[relative].text
        assert 0 <= span.start < span.end <= len(text), f"{diag.code} span {span} is empty or outside the file"


@pytest.mark.parametrize("path", BAD, ids=_id)
def test_golden_names_a_known_code(path: Path):
    golden = path.with_suffix(".diagnostics")
    if not golden.is_file():
        pytest.skip("golden not written yet")
    first = golden.read_text(encoding="utf-8").splitlines()[0]
    match = _HEAD.match(first)
    assert match, f"the first line of {golden.name} is not a diagnostic header: {first!r}"
    assert match.group(2) in CODES


def test_no_orphan_goldens():
    orphans = [g for g in CASES.glob("*/bad/*.diagnostics") if not g.with_suffix(".rubric").is_file()]
    assert not orphans, orphans
