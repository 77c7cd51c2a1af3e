"""The generated pages in a real browser: headless Chromium (Debian's `chromium` package)
driven by Playwright for Python. Nothing is skipped: without Chromium or Playwright the tests
fail and say what to install.

Screenshots go to $RUBRIC_SCREENSHOTS when set, else to a temporary folder, and their paths are
printed: rule-zh-tiktok_shop_store_rating.png (a rule page in Chinese) and report-zh-m0005.png
(the Chinese diagnosis report of m0005, below threshold in the sample data).
"""

from __future__ import annotations

import base64
import os
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import rubric
from rubric.backends.docs import render_docs, render_report
from rubric.backends.reference.evaluate import evaluate, prepare
from rubric.driver import compile_file, load_data

CHROMIUM = Path(os.environ.get("RUBRIC_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RULES = rubric.shipped_rules_dir()
SHIPPED = ("tiktok_shop_store_rating", "shopee_service_rating", "douyin_experience_score",
           "douyin_cs_satisfaction", "aicaigou_store_score")
AS_OF = date(2024, 6, 3)
EVIL = "<script>alert(1)</script>"
REPORTED = "m0005"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: install Debian's package "
                    "(apt-get install -y chromium fonts-noto-cjk); these tests never download a browser",
                    pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is missing: pip install playwright (the browser is Debian's chromium; "
                    "never run `playwright install`)", pytrace=False)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict:
    """The docs of every shipped rubric (HTML, both languages), a diagnosis report in Chinese,
    and the docs of a rubric whose title holds a script."""
    root = tmp_path_factory.mktemp("browser-site")
    programs = [compile_file(RULES / f"{name}.rubric") for name in SHIPPED]
    render_docs(programs, root / "site", formats=("html",))

    from rubric.sample.generate import generate_sample

    sample = tmp_path_factory.mktemp("browser-sample")
    generate_sample(sample, merchants=60, seed=7)
    tiktok = programs[0]
    data = prepare(tiktok, load_data(tiktok, sample))
    history = [evaluate(tiktok, data, AS_OF - timedelta(days=7 * k)) for k in (5, 4, 3, 2, 1, 0)]
    merchant = REPORTED
    assert history[-1].results[merchant].row["tier"] == "below_threshold"   # it has something to improve
    report = render_report(tiktok, history, merchant, root / "site" / "reports" / f"{merchant}.zh.html", "zh",
                           data=data)

    evil_dir = root / "evil"
    evil_dir.mkdir()
    (evil_dir / "commerce.rubric").write_text((RULES / "commerce.rubric").read_text(encoding="utf-8"),
                                              encoding="utf-8")
    text = (RULES / "douyin_cs_satisfaction.rubric").read_text(encoding="utf-8").replace(
        'title "Douyin customer-service satisfaction" | "抖音小店客服满意度"', f'title "{EVIL}" | "{EVIL}满意度"')
    (evil_dir / "evil.rubric").write_text(text, encoding="utf-8")
    render_docs([compile_file(evil_dir / "evil.rubric")], root / "evil-site", formats=("html",))
    return {"root": root / "site", "report": report, "merchant": merchant, "evil": root / "evil-site"}


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("RUBRIC_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def _watch(page) -> dict:
    seen = {"errors": [], "network": [], "dialogs": []}
    page.on("console", lambda m: seen["errors"].append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(f"page error: {e}"))
    page.on("request", lambda r: seen["network"].append(r.url) if not r.url.startswith(("file:", "data:", "about:"))
            else None)
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    return seen


def test_every_page_renders_without_console_errors_or_network(browser, site):
    pages = _pages(site["root"])
    assert len(pages) >= 2 * (len(SHIPPED) + 3) + 2
    context = browser.new_context()
    context.route(re.compile(r"^(https?|wss?|ftp)://"), lambda route: route.abort())
    page = context.new_page()
    seen = _watch(page)
    for path in pages:
        page.goto(path.as_uri(), wait_until="load")
        assert page.locator("h1").first.is_visible(), path
    context.close()
    assert seen["errors"] == []
    assert seen["network"] == [], "pages must not load anything from the network"


_LINKS = "Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"


def test_every_internal_link_resolves(browser, site):
    page = browser.new_page()
    ids: dict[Path, set[str]] = {}
    checked = 0
    for path in _pages(site["root"]):
        page.goto(path.as_uri())
        for href in page.evaluate(_LINKS):
            parts = urlsplit(href)
            assert parts.scheme == "file", f"{path.name}: external link {href}"
            target = Path(unquote(parts.path))
            assert target.is_file(), f"{path.name}: broken link {href}"
            if parts.fragment:
                if target not in ids:
                    ids[target] = set(re.findall(r'\bid="([^"]+)"', target.read_text(encoding="utf-8")))
                assert parts.fragment in ids[target], f"{path.name}: no #{parts.fragment} in {target.name}"
            checked += 1
    page.close()
    assert checked > 100


_GLYPHS = """(el) => {
  const font = getComputedStyle(el).fontFamily;
  const draw = (ch) => {
    const c = document.createElement('canvas'); c.width = 64; c.height = 64;
    const g = c.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, 64, 64);
    g.fillStyle = '#000'; g.font = '48px ' + font; g.textBaseline = 'top'; g.fillText(ch, 4, 4);
    return Array.from(g.getImageData(0, 0, 64, 64).data).join(',');
  };
  const shapes = ['店', '铺', '评', '分'].map(draw);
  return {font, distinct: new Set(shapes).size, width: el.getBoundingClientRect().width};
}"""


def test_chinese_text_renders(browser, site, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((site["root"] / "zh" / "tiktok_shop_store_rating.html").as_uri())
    title = page.locator("h1")
    assert title.inner_text() == "TK小店店铺评分"
    assert title.is_visible()
    glyphs = title.evaluate(_GLYPHS)
    assert glyphs["width"] > 0
    # tofu (missing glyphs) draws the same box for every character
    assert glyphs["distinct"] == 4, f"Chinese characters render as identical boxes with {glyphs['font']}"
    assert page.get_by_text("近30天内付款的订单中，有1星或2星评价的订单所占比例").first.is_visible()
    path = shots / "rule-zh-tiktok_shop_store_rating.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    _assert_not_blank(browser, path)
    page.close()


def test_report_renders(browser, site, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen = _watch(page)
    page.goto(site["report"].as_uri())
    assert page.locator("h1").inner_text() == f"店铺诊断报告 · {site['merchant']}"
    assert page.locator("#improve ~ ol li").count() >= 1
    assert page.locator("figure.chart svg").count() == 1
    box = page.locator("figure.chart svg").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    path = shots / f"report-zh-{site['merchant']}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    _assert_not_blank(browser, path)
    page.close()
    assert seen["errors"] == [] and seen["network"] == []


def _assert_not_blank(browser, png: Path) -> None:
    """The screenshot has content: many colours and a spread of brightness (measured in the
    browser's own PNG decoder)."""
    page = browser.new_page()
    data = base64.b64encode(png.read_bytes()).decode()
    stats = page.evaluate("""async (src) => {
      const img = new Image(); img.src = src; await img.decode();
      const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
      const g = c.getContext('2d'); g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      let n = 0, sum = 0, sq = 0; const colours = new Set();
      for (let i = 0; i < d.length; i += 4 * 7) {
        const y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
        n++; sum += y; sq += y * y;
        if (colours.size < 5000) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      }
      const mean = sum / n;
      return {width: c.width, height: c.height, variance: sq / n - mean * mean, colours: colours.size};
    }""", f"data:image/png;base64,{data}")
    page.close()
    assert stats["width"] >= 1000 and stats["height"] >= 800, stats
    assert stats["variance"] > 100, f"{png.name} looks blank: {stats}"
    assert stats["colours"] > 50, f"{png.name} looks blank: {stats}"


def test_a_script_in_a_title_is_shown_as_text(browser, site):
    page = browser.new_page()
    seen = _watch(page)
    for lang in ("en", "zh"):
        page.goto((site["evil"] / lang / "douyin_cs_satisfaction.html").as_uri(), wait_until="load")
        page.wait_for_timeout(200)
        heading = page.locator("h1").inner_text()
        assert EVIL in heading
        assert page.evaluate("document.querySelectorAll('main script').length") == 0
        assert page.title().startswith(EVIL)
    page.goto((site["evil"] / "en" / "index.html").as_uri(), wait_until="load")
    assert page.get_by_text(EVIL).first.is_visible()
    page.close()
    assert seen["dialogs"] == [], "a dialog fired: the title was run as a script"
    assert seen["errors"] == []
