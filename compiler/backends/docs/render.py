"""Rendering the merchant-facing docs site: checked `ir.Program`s -> static HTML and Markdown.

Stage: docs backend. Input: compiled programs (the same IR the evaluator runs), languages and
formats. Output: files under `out_dir`: `index.html`/`index.md` (languages), then per language
`<lang>/index.*`, `<lang>/<rubric>.*` (the rules in force), `<lang>/<rubric>.<version>.*` (each
earlier version) and `<lang>/<rubric>.changes.*` (the change log of a versioned rubric), and
for Markdown the curve charts as `<lang>/charts/*.svg`. HTML is autoescaped by jinja2;
Markdown output escapes every interpolated text. No page loads anything from the network.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from rubric.backends.docs.changes import build_changes_page
from rubric.backends.docs.translations import DocsError, missing_translations
from rubric.backends.docs.view import build_rule_page
from rubric.backends.docs.words import UI
from rubric.ir import nodes as ir

__all__ = ["DocsError", "FORMATS", "LANGS", "html_env", "md_env", "md_escape", "render_docs", "tidy_md"]

LANGS = ("zh", "en")
FORMATS = ("html", "md")
TEMPLATES = Path(__file__).resolve().parent / "templates"

_MD_ESCAPES = str.maketrans({"\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]",
                             "|": "\\|", "<": "&lt;", ">": "&gt;", "&": "&amp;", "#": "\\#", "\n": " "})


def md_escape(value) -> str:
    """Markdown-safe text: markup characters escaped, HTML tags shown as text.

    >>> md_escape("<script>alert(1)</script> a_b | c")
    '&lt;script&gt;alert(1)&lt;/script&gt; a\\\\_b \\\\| c'
    """
    if value is None:
        return ""
    if isinstance(value, Markup):
        return str(value)
    return str(value).translate(_MD_ESCAPES)


def _md_url(value) -> Markup:
    return Markup(quote(str(value), safe="/#.-_~"))


def _md_code(value) -> Markup:
    text = str(value).replace("`", "'").replace("\n", " ").replace("|", "\\|")
    return Markup(f"`{text}`")


def html_env() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                       keep_trailing_newline=True)


def md_env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=False, undefined=StrictUndefined,
                      finalize=md_escape, keep_trailing_newline=True)
    env.filters["raw"] = Markup
    env.filters["code"] = _md_code
    env.filters["url"] = _md_url
    return env


def tidy_md(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


class _Site:
    def __init__(self, programs: list[ir.Program], out: Path, langs: tuple[str, ...], formats: tuple[str, ...]):
        self.programs, self.out, self.langs, self.formats = programs, out, langs, formats
        self.envs = {"html": html_env() if "html" in formats else None, "md": md_env() if "md" in formats else None}
        self.written: list[Path] = []

    def write(self, path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.written.append(path)

    def render(self, fmt: str, template: str, lang: str, file: str, **context) -> None:
        other = "en" if lang == "zh" else "zh"
        alt = f"../{other}/{file}" if other in self.langs else None
        text = self.envs[fmt].get_template(f"{template}.{fmt}.j2").render(
            lang=lang, w=UI[lang], home="index.html", home_md="index.md", alt_href=alt, alt_lang=other, **context)
        self.write(self.out / lang / file, tidy_md(text) if fmt == "md" else text)

    @staticmethod
    def files(p: ir.Program, ext: str) -> tuple[str, dict[str, str], str | None]:
        main = f"{p.name}.{ext}"
        versions = {v.name: f"{p.name}.{v.name}.{ext}" for v in p.versions[:-1]}
        if p.versions:
            versions[p.versions[-1].name] = main
        return main, versions, (f"{p.name}.changes.{ext}" if len(p.versions) > 1 else None)

    def charts(self, lang: str, page) -> None:
        inds = [i for d in page.dimensions for i in d.indicators] + list(page.loose)
        for ind in inds:
            if ind.chart and ind.chart_file:
                self.write(self.out / lang / ind.chart_file, ind.chart)

    def rubric(self, p: ir.Program, lang: str, fmt: str) -> dict:
        main, version_files, changes = self.files(p, fmt)
        page = build_rule_page(p, lang, main, version_files=version_files, changes_file=changes)
        self.render(fmt, "rule", lang, main, page=page)
        if fmt == "md":
            self.charts(lang, page)
        pages = []
        for v in p.versions[:-1]:
            vpage = build_rule_page(p, lang, version_files[v.name], version=v, version_files=version_files,
                                    changes_file=changes)
            self.render(fmt, "rule", lang, version_files[v.name], page=vpage)
            if fmt == "md":
                self.charts(lang, vpage)
            pages.append({"file": version_files[v.name], "title": v.title.text(lang, v.name)})
        if changes:
            cpage = build_changes_page(p, lang, changes, main, version_files)
            self.render(fmt, "changes", lang, changes, page=cpage)
        return {"name": p.name, "file": main, "title": page.title, "other_title": page.other_title,
                "summary": self.summary(p, lang), "changes_file": changes, "version_pages": pages}

    @staticmethod
    def summary(p: ir.Program, lang: str) -> str:
        w = UI[lang]
        bits = []
        if p.scale is not None:
            bits.append(w["scale_text"].format(low=f"{p.scale[0]:g}", high=f"{p.scale[1]:g}"))
        if p.cadence:
            bits.append(w[p.cadence])
        n = len(p.indicators)
        bits.append(f"{n}个指标" if lang == "zh" else f"{n} indicator{'s' if n != 1 else ''}")
        return " · ".join(bits)

    def run(self) -> list[Path]:
        for fmt in self.formats:
            counts = []
            for lang in self.langs:
                entries = [self.rubric(p, lang, fmt) for p in self.programs]
                self.render(fmt, "index", lang, f"index.{fmt}", rubrics=entries)
                counts.append({"code": lang, "label": UI[lang]["rubrics"] + f" ({UI[lang]['lang_name']})",
                               "file": f"{lang}/index.{fmt}", "count": len(entries)})
            text = self.envs[fmt].get_template(f"root.{fmt}.j2").render(langs=counts)
            self.write(self.out / f"index.{fmt}", tidy_md(text) if fmt == "md" else text)
        return sorted(set(self.written))


def render_docs(programs: list[ir.Program], out_dir, langs=LANGS, formats=FORMATS) -> list[Path]:
    """Write the docs site for `programs` under `out_dir`; return the files written, sorted.

    Raises `DocsError` (listing every missing translation, file:line:col) before writing
    anything when a title lacks its half for a requested language.

    >>> import tempfile
    >>> from rubric.driver import compile_file, shipped_rules_dir
    >>> p = compile_file(shipped_rules_dir() / "douyin_cs_satisfaction.rubric")
    >>> [f.name for f in render_docs([p], tempfile.mkdtemp(), langs=("zh",), formats=("html",))]
    ['index.html', 'douyin_cs_satisfaction.html', 'index.html']
    """
    langs, formats = tuple(langs), tuple(formats)
    for lang in langs:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}: use {', '.join(LANGS)}")
    for fmt in formats:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
    names = [p.name for p in programs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"two rubrics have the same name: {', '.join(twice)}")
    missing = missing_translations(programs, langs)
    if missing:
        raise DocsError(missing)
    return _Site(list(programs), Path(out_dir), langs, formats).run()
