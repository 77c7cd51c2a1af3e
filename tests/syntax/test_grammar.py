"""The grammar: conflict-free LALR, every shipped rubric parses, errors are located and resumed."""

from __future__ import annotations

from lark import Lark

import rubric
from rubric.diagnostics import Sink
from rubric.source import SourceFile
from rubric.syntax import ast
from rubric.syntax.parse import grammar_text, parse_source

RULES = rubric.shipped_rules_dir()


def test_grammar_is_conflict_free_in_strict_mode():
    # strict=True raises on any shift/reduce conflict and on terminal collisions
    Lark(grammar_text(), parser="lalr", strict=True)


def test_every_shipped_rubric_parses_with_spans_inside_the_text():
    for path in RULES.glob("*.rubric"):
        sink = Sink()
        source = SourceFile.read(path)
        module = parse_source(source, sink)
        assert not sink.items, path
        assert module.items
        for item in module.items:
            assert 0 <= item.span.start < item.span.end <= len(source.text)


def test_titles_are_split_into_english_and_chinese():
    sink = Sink()
    module = parse_source(SourceFile("t.rubric", 'window w "Last 30 days" | "近30天" = last 30 days'), sink)
    window = module.items[0]
    assert isinstance(window, ast.WindowDecl)
    assert (window.title.en, window.title.zh) == ("Last 30 days", "近30天")
    assert window.length.value == 30 * 24 * 3600 * 1_000_000


def test_percent_literals_are_exact_fractions():
    sink = Sink()
    module = parse_source(SourceFile("t.rubric", "condition c = x <= 1.2%"), sink)
    assert module.items[0].expr.right.value == 0.012


def test_syntax_errors_resume_at_the_next_statement():
    text = ("window a = last 30 dayz\n"
            "window b = last 30 days\n"
            "indicator x = share of orders paid in a where\n"
            "window c = last 7 days\n")
    sink = Sink()
    module = parse_source(SourceFile("t.rubric", text), sink)
    lines = [SourceFile("t.rubric", text).position(d.span.start)[0] for d in sink.errors]
    assert lines == [1, 4]          # both errors, each where the parser noticed it
    assert "`dayz`" in sink.errors[0].message
    # the statements around the broken ones are kept
    assert [i.name.name for i in module.items if i.kind == "window"] == ["b", "c"]


def test_unexpected_character_names_the_character():
    sink = Sink()
    parse_source(SourceFile("t.rubric", "condition c = stars ≤ 2"), sink)
    (diag,) = sink.errors
    assert diag.code == "R0102"
    assert "`≤`" in diag.message and diag.help == "write comparisons as <= and >="
