"""The diagnosis report: content for a merchant of the sample data, and points to gain that are
true re-evaluations of the rubric."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest

from rubric.backends.docs import render_report
from rubric.backends.docs.report import peer_percentiles, points_to_gain
from rubric.backends.reference.evaluate import curve_score, evaluate, prepare, round9, what_if
from rubric.driver import load_data

AS_OF = date(2024, 6, 3)


@pytest.fixture(scope="module")
def tiktok(programs, sample_dir):
    p = programs["tiktok_shop_store_rating"]
    data = prepare(p, load_data(p, sample_dir))
    history = [evaluate(p, data, AS_OF - timedelta(days=7 * k)) for k in (4, 3, 2, 1, 0)]
    return p, data, history


def _merchant(evaluation, tier):
    return next(mid for mid, r in sorted(evaluation.results.items()) if r.row["tier"] == tier)


def test_report_of_a_merchant_below_threshold(tiktok, tmp_path):
    p, data, history = tiktok
    latest = history[-1]
    mid = _merchant(latest, "below_threshold")
    row = latest.results[mid].row
    out = render_report(p, history, mid, tmp_path / "report.html", "en", data=data)
    html = out.read_text(encoding="utf-8")
    assert f"Diagnosis report · {mid}" in html
    assert f"{row['score']:.2f} / 5" in html
    assert "Below threshold" in html
    # consequences, with the traffic fee charged
    assert "Traffic adjustment fee" in html and f"Charge: {row['traffic_fee_amount']:.2f}" in html
    # the distance to the next tier
    assert "To reach “Standard” you still need:" in html
    gap = round(4.6 - row["score"], 2)
    assert f"Store rating ≥ 4.6 (you have {row['score']:.2f}; {gap:.2f} to go)" in html
    # each indicator with value, sample, score, peer percentile; the dimension weights used
    assert re.search(r"<td class=\"num\">\d+ / \d+</td>", html)
    assert "Peer percentile" in html
    # what to improve, largest gain first, each one a re-evaluation
    gains = points_to_gain(latest, mid)
    assert gains, "a merchant below threshold has something to improve"
    assert [g.gain for g in gains] == sorted((g.gain for g in gains), reverse=True)
    first = gains[0]
    assert f"adds +{first.gain:.2f}" in html
    assert re.search(r"(Raising|Lowering) “[^”]+” from [^ ]+ to [^ ]+ adds \+\d\.\d\d", html)
    # the history chart and table
    assert html.count("<svg") == 1 and 'id="chart-history-tiktok_shop_store_rating"' in html
    for ev in history:
        assert ev.as_of.isoformat() in html
    assert "<script" not in html


def test_gains_are_re_evaluations(tiktok):
    """Each gain equals a hand recomputation from the trace: the indicator's score at its
    target, the dimension mean and the regional weighted mean renormalised, deductions, clamp."""
    p, data, history = tiktok
    latest = history[-1]
    mid = _merchant(latest, "below_threshold")
    result = latest.results[mid]
    gains = points_to_gain(latest, mid)
    raw = next(s for s in result.trace.children if s.kind == "raw_score")
    used = {m["name"]: m["used_weight"] for m in raw.details["members"]}
    for g in gains:
        ind = p.indicator(g.indicator)
        new_score = curve_score(ind.curve, g.target)[0]
        dims = {}
        for dim in (s for s in result.trace.children if s.kind == "dimension"):
            scores = [new_score if c.name == g.indicator else c.details["score"] for c in dim.children]
            scores = [s for s in scores if s is not None]
            dims[dim.name] = round9(sum(scores) / len(scores)) if scores else None
        total = round9(sum(used[d] * s for d, s in dims.items() if used.get(d) is not None))
        deducted = total - sum(s.value for s in result.trace.children if s.kind == "deduction")
        expected = round9(min(max(deducted, 1.0), 5.0))
        assert g.new_score == pytest.approx(expected, abs=2e-9), g.indicator
        assert g.gain == pytest.approx(expected - result.row["score"], abs=2e-9)


@pytest.mark.parametrize("name", ["tiktok_shop_store_rating", "shopee_service_rating", "douyin_experience_score",
                                  "douyin_cs_satisfaction", "aicaigou_store_score"])
def test_re_evaluation_with_unchanged_values_reproduces_the_evaluation(programs, sample_dir, name):
    p = programs[name]
    data = prepare(p, load_data(p, sample_dir))
    latest = evaluate(p, data, AS_OF)
    rated = [mid for mid, r in sorted(latest.results.items()) if r.row["score"] is not None][:3]
    for mid in rated:
        ind = latest.program.indicators[0]
        value = latest.results[mid].row[f"ind.{ind.name}.value"]
        row, base = what_if(latest, mid, {ind.name: value}).row, latest.results[mid].row
        shadow = {"shadow_score", "shadow_gate"}
        assert set(row) == set(base)
        assert {k: v for k, v in row.items() if k not in shadow} == {k: v for k, v in base.items() if k not in shadow}


def test_a_ranked_indicator_moves_the_ranks(programs, sample_dir):
    """爱采购: an inquiry rate at the best value of the category ranks first in it."""
    p = programs["aicaigou_store_score"]
    data = prepare(p, load_data(p, sample_dir))
    latest = evaluate(p, data, AS_OF)
    mid, r = next((m, r) for m, r in sorted(latest.results.items())
                  if r.row["ind.inquiry_24h_rate.value"] is not None and r.row["ind.inquiry_24h_rate.score"] < 10)
    row = what_if(latest, mid, {"inquiry_24h_rate": 1.0}).row
    assert row["ind.inquiry_24h_rate.score"] == 10.0
    assert row["score"] > r.row["score"]


def test_peer_percentiles_in_the_better_direction(tiktok):
    _, _, history = tiktok
    latest = history[-1]
    mid = _merchant(latest, "below_threshold")
    pct = peer_percentiles(latest, mid)
    values = [r.row["ind.dispute_rate.value"] for r in latest.results.values()
              if r.row["status"] != "not_open" and r.row["ind.dispute_rate.value"] is not None]
    mine = latest.results[mid].row["ind.dispute_rate.value"]
    assert pct["dispute_rate"] == round9(sum(1 for v in values if v >= mine) / len(values))


def test_report_in_chinese_and_markdown(tiktok, tmp_path):
    p, data, history = tiktok
    latest = history[-1]
    mid = _merchant(latest, "critical")
    html = render_report(p, history, mid, tmp_path / "r.html", data=data).read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and "店铺诊断报告" in html and "严重未达标" in html
    assert "要达到“未达标”，还需满足：" in html
    md = render_report(p, history, mid, tmp_path / "r.md", "en", data=data).read_text(encoding="utf-8")
    assert md.startswith(f"# Diagnosis report · {mid}\n")
    assert "| As of | Score | Tier |" in md


def test_star_levels_and_bands_in_reports(programs, sample_dir, tmp_path):
    aicaigou = programs["aicaigou_store_score"]
    data = prepare(aicaigou, load_data(aicaigou, sample_dir))
    latest = evaluate(aicaigou, data, AS_OF)
    mid = next(m for m, r in sorted(latest.results.items()) if r.row["tier"] in ("3", "3.5"))
    html = render_report(aicaigou, [latest], mid, tmp_path / "a.html", "en", data=data).read_text(encoding="utf-8")
    assert "you still need:" in html and "Store percentile rank ≥" in html
    douyin = programs["douyin_experience_score"]
    data = prepare(douyin, load_data(douyin, sample_dir))
    latest = evaluate(douyin, data, AS_OF)
    mid = next(m for m, r in sorted(latest.results.items()) if r.row["band"] not in (None, "top"))
    html = render_report(douyin, [latest], mid, tmp_path / "d.html", "zh", data=data).read_text(encoding="utf-8")
    assert "区间：" in html and "上一区间" in html and "该规则没有等级。" in html


def test_unknown_merchant_and_language(tiktok, tmp_path):
    p, data, history = tiktok
    with pytest.raises(KeyError, match="no merchant"):
        render_report(p, history, "nobody", tmp_path / "x.html", data=data)
    with pytest.raises(ValueError, match="unknown language"):
        render_report(p, history, "m0001", tmp_path / "x.html", "fr", data=data)


_LATIN_OK = {"Rubric", "UTC", "TK", "Feed", "IM", "NPS"}


def test_chinese_report_reads_as_chinese(tiktok, tmp_path):
    p, data, history = tiktok
    latest = history[-1]
    mid = _merchant(latest, "below_threshold")
    row, attributes = latest.results[mid].row, latest.results[mid].trace.details["attributes"]
    html = render_report(p, history, mid, tmp_path / "r.html", "zh").read_text(encoding="utf-8")
    text = re.sub(r"<(style|svg|code)\b.*?</\1>", " ", html, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", " ", text))
    # only product names and the merchant's own data (its category) are in Latin letters
    assert set(re.findall(r"[A-Za-z]{2,}", text)) - {attributes["category"]} <= _LATIN_OK
    assert "考核日 2024-06-03（UTC）" in html
    # each past assessment says whether the condition held, not whether the consequence applied
    assert re.search(r"2024-05-27：\d\.\d\d，(满足条件|不满足条件)", html)
    # the fee is shown as an amount, not as the name of an output column
    assert f"费用：{row['traffic_fee_amount']:.2f}" in html


def test_ranked_scores_say_how_they_were_computed(programs, sample_dir):
    """爱采购: a value of 0 scores 0 (no product of 10 × percentile); the peer percentile of a
    ranked indicator is the one its score used (within the category)."""
    from rubric.backends.docs.report import build_report

    p = programs["aicaigou_store_score"]
    latest = evaluate(p, prepare(p, load_data(p, sample_dir)), AS_OF)
    mid = next(m for m, r in sorted(latest.results.items())
               if r.row["score"] is not None and r.row["ind.video_active.value"] == 0)
    page = build_report(p, [latest], mid, "zh")
    rows = {i.name: i for d in page.dimensions for i in d.indicators}
    assert rows["video_active"].score == "0.00（数值 ≤ 0 时得 0 分）"
    pct = peer_percentiles(latest, mid)
    ranked = [s for s in (latest.results[mid].trace.find("indicator", i.name) for i in p.indicators if i.rank)
              if "rank" in s.details]
    assert ranked and all(pct[s.name] == s.details["rank"]["percentile"] for s in ranked)
    assert rows["inquiry_24h_rate"].sample.count("/") == 1


def test_deductions_read_as_points_taken_off(tiktok, tmp_path):
    """A merchant without cashback-card violations loses 0.00 points (not −0.00); one with
    some loses count × 0.5, shown with a minus sign."""
    p, data, history = tiktok
    latest = history[-1]
    rows = sorted(latest.results.items())
    clean = next(mid for mid, r in rows if r.row["status"] == "rated" and not r.row["ded.cashback_card"])
    html = render_report(p, history, clean, tmp_path / "c.html", "zh", data=data).read_text(encoding="utf-8")
    assert "0 条 × 0.5 分 = 0.00" in html and "−0.00" not in html
    fined = next((mid, r.row["ded.cashback_card"]) for mid, r in rows if r.row["ded.cashback_card"])
    html = render_report(p, history, fined[0], tmp_path / "f.html", "en", data=data).read_text(encoding="utf-8")
    assert f"= −{fined[1]:.2f}" in html


def test_points_to_gain_leave_out_what_only_time_changes(programs, sample_dir):
    """爱采购 scores the shop's age (`years since opened_at`): no advice to "raise" it, though a
    re-evaluation at 5 years would add points; indicators the merchant acts on remain."""
    aicaigou = programs["aicaigou_store_score"]
    latest = evaluate(aicaigou, prepare(aicaigou, load_data(aicaigou, sample_dir)), AS_OF)
    young = [mid for mid, r in sorted(latest.results.items())
             if r.row["status"] == "rated" and (r.row["ind.shop_age.score"] or 10) < 10]
    assert young, "the sample has young rated shops"
    for mid in young[:5]:
        assert what_if(latest, mid, {"shop_age": 5.0}).row["score"] > latest.results[mid].row["score"]
        gains = points_to_gain(latest, mid)
        assert "shop_age" not in {g.indicator for g in gains}
    assert any(points_to_gain(latest, mid) for mid in young[:5])
