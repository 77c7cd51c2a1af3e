"""The docs stay true: every diagnostic code has a page, and the README's commands are real."""

from pathlib import Path

from rubric.diagnostics.codes import CODES

ROOT = Path(__file__).resolve().parents[1]


def test_every_code_has_a_page_and_every_page_a_code():
    pages = {p.stem for p in (ROOT / "docs" / "diagnostics").glob("R[0-9]*.md")}
    assert pages == set(CODES)
    for code, entry in CODES.items():
        text = (ROOT / "docs" / "diagnostics" / f"{code}.md").read_text(encoding="utf-8")
        assert text.startswith(f"# {code}: {entry.title}")
        assert "Wrong:" in text and "Right:" in text


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in ci.splitlines() if "pytest" in line).strip()
    assert command in readme
    assert "pip install -e . && rubric demo" in readme


def test_architecture_names_existing_modules():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for module in ("rubric.syntax", "rubric.check", "rubric.ir", "rubric.data", "rubric.backends.reference"):
        assert f"`{module}" in text
        assert (ROOT / "compiler" / Path(*module.split(".")[1:])).is_dir()
