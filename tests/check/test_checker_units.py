"""Focused checks of the checker: codes, spans (line:column), labels and help texts.

Each test writes one small rubric (a variant of `BASE`) to a temporary folder and runs
`check_files` on it. The section "Known bugs" at the end holds strict xfails: each says what
the checker should report; when a fix lands the test passes, pytest fails it as XPASS, and
the marker is removed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rubric.diagnostics import render_rich
from rubric.diagnostics.model import Diagnostic, Severity
from rubric.driver import check_files, compile_source, shipped_rules_dir
from rubric.source import SourceFile, display_width

BASE = """\
rubric seller_health "Seller health" | "卖家健康分"
  source "seeds/seller-health.txt"
  uses commerce
  scores merchants
  time zone UTC+8
  assessed weekly
  scale 0 to 100

window recent "Last 30 days" | "近30天" = last 30 days                      [illustrative]

indicator negative_review_rate "Negative review rate" | "差评率"
  = share of orders paid in recent
      that have a review with stars <= 2
  lower is better
  excellent at <= 1%                                                        [confirmed]
  score 1% -> 100, 5% -> 0                                                  [illustrative]

indicator ship_48h_rate "Shipped within 48 h" | "48小时发货率"
  = share of orders paid in recent and at least 48 h before as-of
      where shipped_at - paid_at <= 48 h
  higher is better
  score 85% -> 0, 99% -> 100                                                [illustrative]

dimension product "Product" | "商品" weight 50%                            [confirmed]
  mean of negative_review_rate

dimension logistics "Logistics" | "物流" weight 50%                        [confirmed]
  mean of ship_48h_rate

total score "Seller health score" | "卖家健康分"
  = weighted mean of product, logistics

tier good "Good" | "良好"       when score >= 80                           [confirmed]
tier fair "Fair" | "一般"       when score >= 60                           [confirmed]
tier poor "Poor" | "较差"       otherwise
"""


# --- helpers --------------------------------------------------------------------------------

def variant(*subs: tuple[str, str], append: str = "") -> str:
    """BASE with each `old` (which must occur exactly once) replaced by `new`."""
    text = BASE
    for old, new in subs:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in BASE"
        text = text.replace(old, new)
    return text + append


class Checked:
    def __init__(self, diagnostics: list[Diagnostic], sources: dict[str, SourceFile], path: str):
        self.diagnostics = diagnostics
        self.sources = sources
        self.source = sources.get(path)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def codes(self) -> list[str]:
        return [d.code for d in self.diagnostics]

    def only(self, code: str) -> Diagnostic:
        found = [d for d in self.diagnostics if d.code == code]
        assert len(found) == 1, f"expected one {code}, got {self.codes}:\n{self.render()}"
        return found[0]

    def where(self, diag: Diagnostic) -> tuple[int, int]:
        return self.source.position(diag.span.start)

    def text(self, diag: Diagnostic) -> str:
        return self.source.text[diag.span.start:diag.span.end]

    def render(self) -> str:
        return render_rich(self.diagnostics, self.sources)


@pytest.fixture
def check(tmp_path: Path):
    def run(text: str, name: str = "case.rubric") -> Checked:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        diagnostics, sources = check_files([str(path)])
        return Checked(diagnostics, sources, str(path))
    return run


# --- tests ----------------------------------------------------------------------------------

def test_base_rubric_is_clean(check):
    assert check(BASE).diagnostics == []


def test_unknown_column_suggests_the_close_column(check):
    result = check(variant(("with stars <= 2", "with star <= 2")))
    diag = result.only("R0203")
    assert result.where(diag) == (13, 31)
    assert result.text(diag) == "star"
    assert diag.labels[0].message == "unknown column"
    assert diag.help == "did you mean `stars`?"


def test_weights_message_gives_the_sum(check):
    result = check(variant(('"商品" weight 50%', '"商品" weight 40%')))
    diag = result.only("R0401")
    assert "sum to 90%" in diag.message
    assert result.where(diag) == (24, 43)
    assert result.text(diag) == "40%"
    assert diag.notes == ("product: 40%", "logistics: 50%")


def test_unknown_module_points_at_its_name(check):
    result = check(variant(("  uses commerce\n", "  uses commerse\n")))
    diag = result.only("R0205")
    assert result.where(diag) == (3, 8)
    assert result.text(diag) == "commerse"
    assert "commerse.rubric" in diag.help


def test_unknown_label_value_suggests_the_declared_value(check):
    result = check(variant(("that have a review with stars <= 2", "that have a case with kind = retrun_refund")))
    diag = result.only("R0206")
    assert result.text(diag) == "retrun_refund"
    assert diag.help == "did you mean `return_refund`?"


def test_missing_and_unknown_time_zone(check):
    missing = check(variant(("  time zone UTC+8\n", "")))
    diag = missing.only("R0211")
    assert missing.text(diag) == "seller_health"
    assert "time zone" in diag.message and "time zone UTC+8" in diag.help

    unknown = check(variant(("  time zone UTC+8\n", '  time zone "Asia/Beijing"\n')))
    diag = unknown.only("R0212")
    assert unknown.where(diag) == (5, 13)
    assert unknown.text(diag) == '"Asia/Beijing"'


def test_share_compared_with_hours_is_a_unit_error(check):
    result = check(variant(("when score >= 80 ", "when ship_48h_rate >= 72 h ")))
    diag = result.only("R0302")
    assert diag.message == "cannot compare a share (a percentage) with a duration (hours)"
    assert result.text(diag) == "ship_48h_rate >= 72 h"
    assert result.where(diag) == (33, 36)


def test_hours_added_to_a_share_is_a_type_error(check):
    result = check(variant(("when score >= 60 ", "when ship_48h_rate + 48 h >= 90% ")))
    diag = result.only("R0301")
    assert diag.message == "cannot add a share (a percentage) and a duration (hours)"
    assert result.text(diag) == "ship_48h_rate + 48 h"


def test_share_written_as_a_fraction_suggests_a_percentage(check):
    result = check(variant(("when score >= 80 ", "when ship_48h_rate >= 0.95 ")))
    assert result.only("R0302").help == "write shares as percentages, e.g. 90% rather than 0.9"


def test_unsorted_curve_points_at_the_second_point(check):
    result = check(variant(("score 85% -> 0, 99% -> 100", "score 99% -> 100, 85% -> 0")))
    diag = result.only("R0402")
    assert result.where(diag) == (22, 21)
    assert result.text(diag) == "85%"
    assert diag.labels[0].message == "not above 99%"


def test_curve_against_its_direction(check):
    result = check(variant(("score 85% -> 0, 99% -> 100", "score 85% -> 100, 99% -> 0")))
    diag = result.only("R0403")
    assert diag.message == "`ship_48h_rate` is higher-is-better, but its score falls from 85% to 99%"
    assert result.text(diag) == "99% -> 0"


@pytest.mark.parametrize(("subs", "code", "name"), [
    pytest.param([('"良好"       when score >= 80', '"良好"       when score >= 60'),
                   ('"一般"       when score >= 60', '"一般"       when score >= 80')],
                 "R0404", "score >= 80", id="out-of-order"),
    pytest.param([("tier poor \"Poor\" | \"较差\"       otherwise",
                   "tier poor \"Poor\" | \"较差\"       otherwise\ntier banned \"Banned\" | \"封禁\" when score < 20 [confirmed]")],
                 "R0405", "banned", id="after-otherwise"),
    pytest.param([("       otherwise", "       when score < 60 [confirmed]")], "R0406", "poor", id="not-exhaustive"),
])
def test_tier_table_structure(check, subs, code, name):
    result = check(variant(*subs))
    assert result.codes == [code], result.render()
    assert result.text(result.only(code)) == name


def test_consequence_naming_an_undefined_tier(check):
    result = check(variant(append='\nconsequence warning "Warning" | "警告" when tier = critical   [confirmed]\n'))
    diag = result.only("R0208")
    assert result.where(diag) == (37, 50)
    assert result.text(diag) == "critical"
    assert diag.help == "the values are: good, fair, poor"


def test_weight_without_percent_sign(check):
    result = check(variant(('"商品" weight 50%', '"商品" weight 50')))
    diag = result.only("R0101")
    assert result.where(diag) == (24, 43)
    assert diag.help == "write a percentage: 50%"


def test_missing_translation_is_only_a_warning(check, tmp_path):
    text = variant(('tier fair "Fair" | "一般" ', 'tier fair "Fair" '))
    result = check(text)
    diag = result.only("R0501")
    assert diag.severity is Severity.WARNING
    assert diag.message == "tier `fair` has no Chinese title"
    assert result.text(diag) == '"Fair"'
    assert compile_source(text, path=str(tmp_path / "w.rubric"), base=shipped_rules_dir()).name == "seller_health"


def test_five_independent_errors_are_all_reported(check):
    result = check(variant(
        ("with stars <= 2", "with star <= 2"),
        ("paid in recent and at least 48 h", "paid in recnet and at least 48 h"),
        ("score 85% -> 0, 99% -> 100", "score 99% -> 100, 85% -> 0"),
        ('"物流" weight 50%', '"物流" weight 40%'),
        append='\nconsequence warning "Warning" | "警告" when tier = critical   [confirmed]\n',
    ))
    assert [d.code for d in result.errors] == ["R0203", "R0207", "R0402", "R0401", "R0208"], result.render()
    lines = [result.where(d)[0] for d in result.errors]
    assert lines == sorted(lines) and len(set(lines)) == 5


def test_several_syntax_errors_are_reported_in_one_run(check):
    result = check(variant(
        ('"商品" weight 50%', '"商品" weight 50'),
        ("weighted mean of product, logistics", "weighted mean of product logistics"),
        ('tier fair "Fair" | "一般"', "tier fair “Fair” | “一般”"),
    ))
    assert result.codes == ["R0101", "R0101", "R0102"], result.render()
    assert [result.where(d)[0] for d in result.diagnostics] == [24, 31, 34]
    assert result.diagnostics[1].help == "separate the items of a list with commas"
    assert result.diagnostics[2].help == 'use straight quotes: "Title"'


def test_carets_are_aligned_in_display_cells_after_chinese_text(check):
    result = check(variant(append='\nconsequence warning "警告信" when tier = poorr   [confirmed]\n'))
    diag = result.only("R0208")
    line, col = result.where(diag)
    text = result.source.line_text(line)
    rendered = render_rich([diag], result.sources).splitlines()
    caret_line = next(r for r in rendered if r.strip().startswith("|") and "^" in r)
    gutter = caret_line.index("|") + 2
    assert caret_line.index("^") - gutter == display_width(text[: col - 1]) == col - 1 + 3
    assert caret_line.count("^") == len("poorr")


def test_unreadable_files(tmp_path):
    latin1 = tmp_path / "latin1.rubric"
    latin1.write_bytes(b'rubric x "Caf\xe9"\n')
    missing = tmp_path / "nowhere.rubric"
    diagnostics, _ = check_files([str(latin1), str(missing)])
    assert [d.code for d in diagnostics] == ["R0105", "R0105"]
    assert "not UTF-8" in diagnostics[0].message
    assert str(missing) in diagnostics[1].message


# --- regressions: each was a bug; the test states the diagnostic the checker must give ---------

def _no_traceback_and_reports(check, text: str, code: str) -> Checked:
    result = check(text)
    assert code in result.codes, result.render()
    return result


def test_regression_unknown_column_inside_a_used_condition(check):
    result = _no_traceback_and_reports(check, variant(append=(
        '\ncondition slow_ship "Slow shipping" | "发货慢" = shipped_att - paid_at > 48 h\n'
        'value slow "Slow" | "慢" = count of orders paid in recent with slow_ship   [illustrative]\n')), "R0203")
    assert result.text(result.only("R0203")) == "shipped_att"


def test_regression_unknown_column_inside_an_unused_condition(check):
    _no_traceback_and_reports(check, variant(append=(
        '\ncondition slow_ship "Slow shipping" | "发货慢" = shipped_att - paid_at > 48 h\n')), "R0203")


def test_regression_boolean_excellence_threshold(check):
    result = check(variant(("  excellent at <= 1%", "  excellent at <= yes")))
    diag = result.diagnostics[0]
    assert "validation error" not in diag.message and "\n" not in diag.message
    assert result.where(diag)[0] == 15


def test_regression_unexpected_keyword_wording(check):
    result = check(variant(("  = share of orders paid in recent\n      that have",
                            "  share of orders paid in recent\n      that have")))
    diag = result.only("R0101")
    assert "unexpected the keyword" not in diag.message
    assert diag.message.startswith("unexpected keyword `share`; expected `=`"), diag.message
    assert "`-`" not in diag.message and "a number" not in diag.message, "LALR lookaheads leak into the list"


def test_regression_duplicate_name_note_gives_a_line(check):
    result = check(variant(('indicator ship_48h_rate "Shipped within 48 h"',
                            'indicator negative_review_rate "Shipped within 48 h"')))
    diag = next(d for d in result.diagnostics if d.code == "R0204")
    assert not any("offset" in note for note in diag.notes), diag.notes


def test_regression_value_using_a_value(check):
    result = check(variant(append=(
        '\nvalue gmv "GMV" | "成交额" = sum of amount over orders paid in recent   [illustrative]\n'
        'value gmv_per_day "GMV per day" | "日均成交额" = gmv / 30   [illustrative]\n')))
    assert result.diagnostics == [], result.render()


@pytest.mark.parametrize(("subs", "append", "expected"), [
    pytest.param([("  excellent at <= 1%", "  excellent at >= 1%")], "", ">= 1%", id="excellent"),
    pytest.param([], "\nclamp score to 100 .. 0                                   [illustrative]\n", "100 .. 0", id="clamp"),
    pytest.param([("= last 30 days", "= days 30..1 ago")], "", "days 30..1 ago", id="days-ago"),
    pytest.param([("  scale 0 to 100", "  scale 100 to 0")], "", "scale 100 to 0", id="scale"),
])
def test_regression_spans_of_structural_errors_are_too_wide(check, subs, append, expected):
    result = check(variant(*subs, append=append))
    assert result.text(result.diagnostics[0]) == expected


def test_regression_empty_window_label(check):
    result = check(variant(("= last 30 days", "= last 0 days")))
    assert result.only("R0302").labels[0].message != "not a duration"


def test_regression_window_in_percent(check):
    result = check(variant(("= last 30 days", "= last 30%")))
    assert "right after its number" not in (result.diagnostics[0].help or "")


def test_regression_unknown_unit(check):
    result = check(variant(("where shipped_at - paid_at <= 48 h", "where shipped_at - paid_at <= 48 hrs")))
    diag = result.diagnostics[0]
    assert "indicator name" not in (diag.help or "") and "h" in (diag.help or "")


def test_regression_time_compared_with_a_duration(check):
    result = check(variant(("where shipped_at - paid_at <= 48 h", "where shipped_at <= 48 h")))
    diag = result.diagnostics[0]
    assert diag.code == "R0301" and "subtract" in (diag.help or "")


def test_regression_and_inside_a_relation(check):
    result = check(variant(("that have a review with stars <= 2",
                            "that have a case with kind = return_refund and reason = quality")))
    assert len(result.diagnostics) <= 1, result.render()
    assert "after_sales" in (result.diagnostics[0].help or "") if result.diagnostics else True


def test_regression_scored_table_typo_cascades(check):
    result = check(variant(("  scores merchants\n", "  scores merchant\n")))
    assert result.codes == ["R0202"], result.render()


def test_regression_wrong_column_type_in_a_table_clause(check):
    result = check('data d "D" | "数据"\n\ntable coupons "Coupons" | "优惠券"\n  one coupon\n  key coupon_id\n'
                   '  leave out rows where is_test\n  columns\n    coupon_id id\n    is_test text\n')
    diag = result.only("R0301")     # a type mismatch, not an unknown column
    assert "needs a bool column" in diag.message and diag.labels[0].message == "not a bool"


def test_regression_misspelled_score(check):
    result = check(variant(("when score >= 60 ", "when scor >= 60 ")))
    assert result.only("R0201").help == "did you mean `score`?"


@pytest.mark.parametrize(("subs", "append"), [
    pytest.param([('tier good "Good" | "良好"', 'tier good "良好" | "Good"')], "", id="title-halves-swapped"),
    pytest.param([], "\nweights for region in (US, UK) [illustrative]\n  product 40%, logistics 60%\n"
                     "weights for region in (UK, EU) [illustrative]\n  product 30%, logistics 70%\n",
                 id="overlapping-weight-variants"),
    pytest.param([("when score >= 80 ", "when score >= 800 ")], "", id="tier-threshold-outside-scale"),
    pytest.param([("mean of ship_48h_rate", "mean of ship_48h_rate, ship_48h_rate")], "", id="member-listed-twice"),
])
def test_regression_missing_diagnostics(check, subs, append):
    result = check(variant(*subs, append=append))
    assert result.diagnostics, "expected a diagnostic"


def test_regression_direction_given_twice(check):
    result = check(variant(("  higher is better\n", "  higher is better\n  lower is better\n")))
    assert any(result.text(d).startswith("lower") for d in result.diagnostics), result.render()
