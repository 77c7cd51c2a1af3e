"""Diagnostics for ranks, bands, gates and versions: regressions, and known defects (strict xfails).

Each test changes one line of a shipped rubric (douyin_experience_score or
aicaigou_store_score), checks it, and states what a user should see. They fail today; when a
fix makes one pass, strict xfail turns it red: move the case to tests/cases/<feature>/bad/ with
a golden and delete the test here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rubric
from rubric.diagnostics.model import Severity
from rubric.driver import check_files

RULES = rubric.shipped_rules_dir()
known_bug = pytest.mark.xfail(strict=True, raises=AssertionError)


def _variant(tmp_path: Path, shipped: str, *edits: tuple[str, str]) -> str:
    """The shipped rubric with each `old` replaced by `new` (each `old` must occur once)."""
    text = (RULES / f"{shipped}.rubric").read_text(encoding="utf-8")
    for old, new in edits:
        if text.count(old) != 1:
            raise LookupError(f"{old!r} occurs {text.count(old)} times in {shipped}.rubric")
        text = text.replace(old, new)
    path = tmp_path / f"{shipped}.rubric"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "commerce.rubric").write_text((RULES / "commerce.rubric").read_text(encoding="utf-8"),
                                              encoding="utf-8")
    return str(path)


def _check(path: str):
    diagnostics, sources = check_files([path])
    return [d for d in diagnostics if d.severity is Severity.ERROR], sources


def _spanned(diag, sources) -> str:
    return sources[diag.span.path].text[diag.span.start:diag.span.end]


# --- spans ------------------------------------------------------------------------------------------

def test_curve_and_rank_span_stops_before_the_provenance_mark(tmp_path):
    """R0414 underlines the padding and `[confirmed]` after the rank (curves stop at their points)."""
    path = _variant(tmp_path, "aicaigou_store_score",
                    ("      where responded_at - received_at <= 24 h                                          [confirmed]\n"
                     "  higher is better\n",
                     "      where responded_at - received_at <= 24 h                                          [confirmed]\n"
                     "  higher is better\n  score 0% -> 0, 100% -> 10                                  [illustrative]\n"))
    errors, sources = _check(path)
    assert [d.code for d in errors] == ["R0414"]
    assert _spanned(errors[0], sources) == "score 10 × percentile among open merchants of the same category"


def test_rank_floor_span_stops_before_the_provenance_mark(tmp_path):
    """R0414 on `a value <= 0 scores 0` under a curve underlines `[illustrative]` too."""
    path = _variant(tmp_path, "aicaigou_store_score",
                    ("  = count of orders paid in last_30_days                                              [confirmed]\n"
                     "  higher is better\n"
                     "  score 10 × percentile among open merchants                                          [confirmed]\n",
                     "  = count of orders paid in last_30_days                                              [confirmed]\n"
                     "  higher is better\n"
                     "  score 0 -> 0, 500 -> 10                                                             [illustrative]\n"))
    errors, sources = _check(path)
    assert [d.code for d in errors] == ["R0414"]
    assert _spanned(errors[0], sources) == "a value <= 0 scores 0"


# --- cascades ---------------------------------------------------------------------------------------

def test_two_swapped_band_rows_are_one_mistake(tmp_path):
    """Swapping two band rows gives four R0412 errors (order, and three overlap/gap errors whose
    help (`end good at 4.9`, `end upper at 4.7`, `end middle at 4.8`) would make it worse)."""
    upper = '  band upper "4.8 to 4.9" | "4.8至4.9分"       at >= 70% from 4.8 to 4.9\n'
    good = '  band good "4.7 to 4.8" | "4.7至4.8分"        at >= 50% from 4.7 to 4.8\n'
    path = _variant(tmp_path, "douyin_experience_score", (upper + good, good + upper))
    errors, _ = _check(path)
    assert errors and {d.code for d in errors} == {"R0412"}
    assert len(errors) <= 2, [d.message for d in errors]


def test_a_band_with_its_ends_swapped_is_one_error(tmp_path):
    """`from 4.7 to 4.5` gives R0408 (right) plus two R0412 gap errors, one of them on the next
    band with the help `end lower at 4.7`."""
    path = _variant(tmp_path, "douyin_experience_score", ("at >= 30% from 4.5 to 4.7", "at >= 30% from 4.7 to 4.5"))
    errors, _ = _check(path)
    assert [d.code for d in errors] == ["R0408"], [d.message for d in errors]


def test_a_version_that_ends_before_it_starts_is_one_error(tmp_path):
    """R0408 `ends before it starts` is followed by R0413 `no version is in force from 2022-08-26
    to 2022-09-25` whose help (`start it on 2022-08-26`) moves the other, correct, version."""
    path = _variant(tmp_path, "douyin_experience_score",
                    ("effective until 2022-09-25", "effective from 2022-09-01 until 2022-08-25"))
    errors, _ = _check(path)
    assert [d.code for d in errors] == ["R0408"], [(d.code, d.message, d.help) for d in errors]


# --- missing diagnostics ----------------------------------------------------------------------------

def test_a_band_threshold_pointing_down_is_an_error(tmp_path):
    """`band top ... at < 90%` is accepted: the evaluator then puts the bottom 90% in the top band."""
    path = _variant(tmp_path, "douyin_experience_score", ("at >= 90% from 4.9 to 5.0", "at < 90% from 4.9 to 5.0"))
    errors, _ = _check(path)
    assert errors


def test_a_band_outside_the_scale_is_an_error(tmp_path):
    """`from 4.9 to 5.5` under `scale 3 to 5` is accepted, and banded scores can exceed the scale (two members of `top`: 4.9 and 5.2)
    (tier thresholds outside the scale are R0405)."""
    path = _variant(tmp_path, "douyin_experience_score", ("from 4.9 to 5.0", "from 4.9 to 5.5"))
    errors, _ = _check(path)
    assert errors


def test_replacing_an_unknown_indicator_is_an_error(tmp_path):
    """A typo after `replaces` is accepted: the new indicator is added to no dimension, the old
    one stays in force, and the change log says `indicator logistics_quality_retrun_rate replaced
    by logistics_negative_feedback_rate`."""
    path = _variant(tmp_path, "douyin_experience_score",
                    ("replaces logistics_quality_return_rate", "replaces logistics_quality_retrun_rate"))
    errors, _ = _check(path)
    assert errors


# --- confusing messages -----------------------------------------------------------------------------

def test_a_date_with_slashes_says_what_a_date_looks_like(tmp_path):
    """The syntax error says: expected the keyword `\\d{4}-\\d{2}-\\d{2}` (a regex, not a keyword)."""
    path = _variant(tmp_path, "douyin_experience_score", ("effective until 2022-09-25", "effective until 2022/09/25"))
    errors, _ = _check(path)
    assert errors
    assert "\\d" not in errors[0].message and "keyword" not in errors[0].message, errors[0].message


def test_a_band_percentile_written_as_a_fraction_gets_the_right_help(tmp_path):
    """`at >= 0.9` gets the help `weights are percentages: write 0.9%`: not a weight, and 0.9 is 90%."""
    path = _variant(tmp_path, "douyin_experience_score", ("at >= 90% from 4.9 to 5.0", "at >= 0.9 from 4.9 to 5.0"))
    errors, _ = _check(path)
    assert errors
    help_text = errors[0].help or ""
    assert "weight" not in help_text and "0.9%" not in help_text, help_text
