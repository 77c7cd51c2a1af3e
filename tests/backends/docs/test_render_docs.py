"""Rendering the docs site: all shipped rubrics in both languages and formats, the change log,
drift, escaping and missing translations."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import pytest

from rubric.backends.docs import DocsError, render_docs
from rubric.backends.docs.render import md_escape

SHIPPED = ("tiktok_shop_store_rating", "shopee_service_rating", "douyin_experience_score",
           "douyin_cs_satisfaction", "aicaigou_store_score")


@pytest.fixture(scope="module")
def site(programs, tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("site")
    files = render_docs([programs[n] for n in SHIPPED], out)
    return out, files


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_every_page_of_every_shipped_rubric_is_written(site):
    out, files = site
    rel = {str(f.relative_to(out)) for f in files}
    for fmt in ("html", "md"):
        assert f"index.{fmt}" in rel
        for lang in ("zh", "en"):
            assert f"{lang}/index.{fmt}" in rel
            for name in SHIPPED:
                assert f"{lang}/{name}.{fmt}" in rel
            assert f"{lang}/douyin_experience_score.changes.{fmt}" in rel
            assert f"{lang}/douyin_experience_score.v2022_06.{fmt}" in rel
    # Markdown pages link their curve charts as files
    assert "zh/charts/tiktok_shop_store_rating.negative_review_rate.svg" in rel
    assert all(f.exists() for f in files)
    assert files == sorted(files)


@pytest.mark.parametrize("name", SHIPPED)
def test_rule_pages_hold_the_rules(site, programs, name):
    out, _ = site
    p = programs[name]
    for lang in ("zh", "en"):
        html, md = _read(out / lang / f"{name}.html"), _read(out / lang / f"{name}.md")
        title = p.title.zh if lang == "zh" else p.title.en
        assert f"<h1>{title}</h1>" in html
        assert md.startswith(f"# {md_escape(title)}\n")
        for ind in p.indicators:
            shown = ind.title.zh if lang == "zh" else ind.title.en
            assert escape(shown) in html, shown
            assert f'id="ind-{ind.name}"' in html
        for tier in p.tiers:
            assert escape(tier.title.zh if lang == "zh" else tier.title.en) in html
        badge = "已确认" if lang == "zh" else "confirmed"
        assert f'class="prov prov-confirmed">{badge}' in html
        assert 'href="#src-1"' in html and 'id="src-1"' in html
        assert "<script" not in html
        assert "built-in method" not in html and "Undefined" not in html
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html), "a page must not load from the network"
        assert "<link" not in html


def test_tiktok_page_numbers_and_marks(site):
    out, _ = site
    html = _read(out / "en" / "tiktok_shop_store_rating.html")
    # the excellence threshold (confirmed) and the curve (illustrative), each with its mark
    assert re.search(r"≤ 1\.2% <span class=\"prov prov-confirmed\">confirmed", html)
    assert "1.2% → 5; 6% → 1 <span class=\"prov prov-illustrative\">illustrative" in html
    # regional weights
    assert "region: US, UK, EU" in html
    assert re.search(r"25%\s*<span class=\"prov prov-illustrative\">", html)
    # the curve chart is inline SVG with a stable id
    assert '<svg xmlns="http://www.w3.org/2000/svg" id="chart-tiktok_shop_store_rating-negative_review_rate"' in html
    # consequences with history and charge
    assert "in each of the last 3 weekly assessments" in html
    assert "charges 0.8% × GMV (output column traffic_fee_amount)" in html
    zh = _read(out / "zh" / "tiktok_shop_store_rating.html")
    assert "近30天内付款的订单中，有1星或2星评价的订单所占比例；没有评价的订单也计入分母。" in zh
    assert "须在最近连续3次周度考核中均满足" in zh


def test_star_table_statuses_bands_and_ranks(site):
    out, _ = site
    aicaigou = _read(out / "en" / "aicaigou_store_score.html")
    assert "Star table" in aicaigou
    assert "<th>score of IM answered within 3 minutes</th>" in aicaigou
    assert '<td class="num">≥ 5.56</td>' in aicaigou
    assert "10 × percentile of the value among open merchants of the same category" in aicaigou
    assert "protection score 4" in aicaigou
    shopee = _read(out / "zh" / "shopee_service_rating.html")
    assert "状态与保护期" in shopee and "首月不计入考核" in shopee and "开店以来的整自然月数 = 0" in shopee
    douyin = _read(out / "en" / "douyin_experience_score.html")
    assert "Displayed score bands" in douyin and "4.9 – 5" in douyin
    assert "moves one band down (once) when IM dissatisfaction rate ≥ 15%" in douyin


# Latin words a Chinese page may show: product and platform names, the language link, the time zone
_LATIN_OK = {"Rubric", "English", "UTC", "TK", "Shopee", "Feed", "Flash", "Sale", "Mall", "Standard", "Seller", "IM", "NPS"}


def _latin_words(page: str) -> set[str]:
    """Latin words of a page's visible text, leaving out identifiers (in <code>), charts and
    source file names."""
    text = re.sub(r"<(style|svg|code|script)\b.*?</\1>", " ", page, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"seeds/[\w.-]+", " ", text)
    text = re.sub(r"（输出列 \w+）", " ", text)             # a charge names its output column
    return set(re.findall(r"[A-Za-z]{2,}", text.replace("&amp;", "&").replace("&lt;", "<")))


@pytest.mark.parametrize("name", SHIPPED)
def test_chinese_pages_have_no_english_fragments(site, name):
    out, _ = site
    pages = [out / "zh" / f"{name}.html", out / "zh" / "index.html"]
    pages += list((out / "zh").glob(f"{name}.*.html"))       # versions and the change log
    for page in pages:
        assert _latin_words(_read(page)) <= _LATIN_OK, page.name


def test_markdown_is_escaped_and_links_charts(site):
    out, _ = site
    md = _read(out / "en" / "tiktok_shop_store_rating.md")
    assert "![Score curve: Negative review rate](charts/tiktok_shop_store_rating.negative_review_rate.svg)" in md
    assert "`negative_review_rate`" in md
    assert "\n\n\n" not in md
    svg = _read(out / "en" / "charts" / "tiktok_shop_store_rating.negative_review_rate.svg")
    assert svg.startswith("<svg") and "<script" not in svg


def test_change_log_of_douyin(site):
    out, _ = site
    en = _read(out / "en" / "douyin_experience_score.changes.html")
    assert ("From 2022-09-26, the logistics quality return rate is replaced by the logistics negative feedback "
            "rate in the logistics experience dimension.") in en
    assert "From 2022-09-26, the definition of the timely pickup rate changes (72 h → 48 h)." in en
    assert ("From 2022-09-26, a new gate, the IM dissatisfaction gate, applies: a merchant in the band 4.9 to 5.0 "
            "or 4.8 to 4.9 moves one band down when IM dissatisfaction rate ≥ 15%.") in en
    assert "in force from 2022-09-26; shown as a shadow score from 2022-09-08" in en
    assert "in force until 2022-09-25" in en
    zh = _read(out / "zh" / "douyin_experience_score.changes.html")
    assert "自2022-09-26起，物流体验中的“物流品退率”由“物流负向反馈率”取代。" in zh
    assert "自2022-09-26起，“揽收及时率”的口径变更（72小时 → 48小时）。" in zh
    assert "自2022-09-26起，新增门槛“IM不满意率考核”" in zh
    md = _read(out / "en" / "douyin_experience_score.changes.md")
    assert "72 h → 48 h" in md
    # the old version's own rule page shows the replaced indicator
    old = _read(out / "en" / "douyin_experience_score.v2022_06.html")
    assert "Logistics quality return rate" in old and "IM dissatisfaction gate" not in old


def test_docs_cannot_drift(rubric_copy, tmp_path):
    """Changing a number in the rubric changes the rendered page accordingly."""
    before = rubric_copy("tiktok_shop_store_rating", file_name="before.rubric")
    after = rubric_copy("tiktok_shop_store_rating",
                        ("excellent at <= 1.2%                                                      [confirmed]\n"
                         "  score 1.2% -> 5, 6% -> 1",
                         "excellent at <= 1.1%                                                      [confirmed]\n"
                         "  score 1.1% -> 5, 7% -> 1"),
                        ("weight 40%            [confirmed]", "weight 35%            [confirmed]"),
                        ("weight 30%        [confirmed]", "weight 35%        [confirmed]"),
                        ("weights for region in (SEA)                                                [illustrative]\n"
                         "  product 45%, logistics 25%",
                         "weights for region in (SEA)                                                [illustrative]\n"
                         "  product 40%, logistics 30%"),
                        ("tier excellent \"Excellent\" | \"优秀\"                   when score >= 4.8",
                         "tier excellent \"Excellent\" | \"优秀\"                   when score >= 4.75"),
                        file_name="after.rubric")
    old_page = _read(next(f for f in render_docs([before], tmp_path / "a", langs=("en",), formats=("html",))
                          if f.name == "tiktok_shop_store_rating.html"))
    new_page = _read(next(f for f in render_docs([after], tmp_path / "b", langs=("en",), formats=("html",))
                          if f.name == "tiktok_shop_store_rating.html"))
    assert "≤ 1.2%" in old_page and "≤ 1.2%" not in new_page and "≤ 1.1%" in new_page
    assert "1.1% → 5; 7% → 1" in new_page and "1.2% → 5; 6% → 1" not in new_page
    assert "Store rating ≥ 4.75" in new_page and "Store rating ≥ 4.8<" not in new_page
    dims = lambda page: re.search(r'<td><a href="#dim-product">.*?</tr>', page, re.S).group(0)  # noqa: E731
    assert "40%" in dims(old_page) and "35%" in dims(new_page)


def test_a_script_in_a_title_is_text(rubric_copy, tmp_path):
    evil = rubric_copy("douyin_cs_satisfaction",
                       ('title "Douyin customer-service satisfaction" | "抖音小店客服满意度"',
                        'title "<script>alert(1)</script> & co" | "<script>alert(1)</script>满意度"'),
                       ('indicator satisfaction_rate "Satisfaction rate" | "客服满意度"',
                        'indicator satisfaction_rate "Rate <img src=x onerror=alert(2)>" | "客服满意度"'))
    files = render_docs([evil], tmp_path / "site")
    for f in files:
        text = _read(f)
        assert "<script>alert" not in text and "<img src=x" not in text, f
    html = _read(tmp_path / "site" / "en" / "douyin_cs_satisfaction.html")
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</h1>" in html
    assert "Rate &lt;img src=x onerror=alert(2)&gt;" in html
    md = _read(tmp_path / "site" / "en" / "douyin_cs_satisfaction.md")
    assert md.startswith("# &lt;script&gt;alert(1)&lt;/script&gt; &amp; co\n")


def test_a_missing_translation_is_an_error(rubric_copy, tmp_path):
    broken = rubric_copy("tiktok_shop_store_rating",
                         ('indicator return_rate "Return rate" | "退货率"', 'indicator return_rate "Return rate"'),
                         ('tier standard "Standard" | "达标"', 'tier standard "达标"'))
    with pytest.raises(DocsError) as err:
        render_docs([broken], tmp_path / "site")
    missing = err.value.missing
    assert len(missing) == 2
    assert re.match(r".*tiktok_shop_store_rating\.rubric:\d+:1: indicator `return_rate` has no Chinese title", missing[0])
    assert re.match(r".*tiktok_shop_store_rating\.rubric:\d+:1: tier `standard` has no English title", missing[1])
    assert str(err.value).startswith("2 missing translations:")
    assert not (tmp_path / "site").exists(), "nothing is written when a translation is missing"
    # a language that is not asked for is not required
    with pytest.raises(DocsError):
        render_docs([broken], tmp_path / "en-only", langs=("en",))


def test_a_translation_missing_only_in_an_unrequested_language_renders(rubric_copy, tmp_path):
    p = rubric_copy("tiktok_shop_store_rating",
                    ('indicator return_rate "Return rate" | "退货率"', 'indicator return_rate "Return rate"'))
    files = render_docs([p], tmp_path / "site", langs=("en",), formats=("md",))
    assert {f.name for f in files} >= {"index.md", "tiktok_shop_store_rating.md"}


def test_bad_arguments(programs, tmp_path):
    with pytest.raises(ValueError, match="unknown language"):
        render_docs([programs["douyin_cs_satisfaction"]], tmp_path, langs=("fr",))
    with pytest.raises(ValueError, match="unknown format"):
        render_docs([programs["douyin_cs_satisfaction"]], tmp_path, formats=("pdf",))
    with pytest.raises(ValueError, match="same name"):
        render_docs([programs["douyin_cs_satisfaction"]] * 2, tmp_path)


def test_rendering_is_deterministic(programs, tmp_path):
    p = [programs["tiktok_shop_store_rating"]]
    a = render_docs(p, tmp_path / "a", langs=("zh",))
    b = render_docs(p, tmp_path / "b", langs=("zh",))
    assert [_read(x) for x in a] == [_read(y) for y in b]
