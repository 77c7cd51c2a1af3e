"""Parsing: source text -> AST module, with syntax diagnostics.

Input: `SourceFile`. Output: `ast.Module` (the items that parsed) and diagnostics in a Sink.
After a syntax error the parser resumes at the next line that starts a statement, so one
run reports every syntax error of a file.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from rubric.diagnostics import Sink
from rubric.source import SourceFile, Span
from rubric.syntax import ast
from rubric.syntax.from_tree import ToAst

__all__ = ["get_parser", "grammar_text", "parse_source", "STATEMENT_KEYWORDS"]

STATEMENT_KEYWORDS = (
    "rubric", "data", "table", "window", "condition", "value", "indicator", "dimension", "weights",
    "total", "deduction", "clamp", "floor", "tier", "status", "consequence", "output", "define", "bands",
    "gate", "version",
)
# A line that starts a statement (a keyword not used as a name in an expression).
_STATEMENT_START = re.compile(r"^[ \t]*(%s)\b(?![ \t]*(=|<|>|!|is\b|,|\)))" % "|".join(STATEMENT_KEYWORDS),
                              re.MULTILINE)
_WORD = re.compile(r"[A-Za-z0-9_]")

_TERMINAL_NAMES = {
    "NAME": "a name", "NUMBER": "a number", "PERCENT": "a percentage such as 40%",
    "STRING": 'a quoted text such as "Title"', "CLOCK": "a time of day such as 09:00",
    "DATE": "a date such as 2022-09-26",
    "COMPARE": "a comparison (<, <=, >, >=, !=)", "EQ": "`=`", "ARROW": "`->`", "RANGE": "`..`",
    "BAR": "`|`", "PLUS": "`+`", "MINUS": "`-`", "TIMES": "`×`", "DIVIDE": "`/`", "ASOF": "`as-of`",
    "LPAR": "`(`", "RPAR": "`)`", "COMMA": "`,`", "LSQB": "`[`", "RSQB": "`]`", "COLON": "`:`",
    "$END": "the end of the file",
}


def grammar_text() -> str:
    return resources.files("rubric.grammar").joinpath("rubric.lark").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def get_parser() -> Lark:
    # cache=True keeps the LALR tables on disk (keyed by the grammar's hash): a warm start is fast
    return Lark(grammar_text(), parser="lalr", propagate_positions=True, maybe_placeholders=False, cache=True)


def _describe(terminal: str) -> str:
    if terminal in _TERMINAL_NAMES:
        return _TERMINAL_NAMES[terminal]
    pattern = get_parser().get_terminal(terminal).pattern
    value = getattr(pattern, "value", terminal)
    return f"the keyword `{value}`" if value.isalpha() or "-" in value else f"`{value}`"


_UNITS = {"U_H", "U_HOURS", "U_HOUR", "U_MINUTES", "U_MINUTE", "U_MIN", "U_S", "U_SECONDS", "U_SECOND", "U_DAY", "DAYS"}


def _keyword(terminal: str) -> str | None:
    if terminal in _TERMINAL_NAMES:
        return None
    value = getattr(get_parser().get_terminal(terminal).pattern, "value", "")
    return value if value.isalpha() else None


def _expected(expected) -> str:
    """A short, stable description of what could come next."""
    expected = set(expected)
    statement = {t for t in expected if _keyword(t) in STATEMENT_KEYWORDS or t == "$END"}
    units = expected & _UNITS
    rest = expected - statement - units
    keywords = sorted(_describe(t) for t in rest if _describe(t).startswith("the keyword"))
    others = sorted(_describe(t) for t in rest if not _describe(t).startswith("the keyword"))
    parts = others + (keywords if len(keywords) <= 5 else [f"one of {len(keywords)} keywords"])
    if units:
        parts.append("a unit (h, minutes, seconds, days)")
    if statement:
        parts.append("a new statement")
    if not parts:
        return "nothing more"
    return ", ".join(parts[:-1]) + (" or " if len(parts) > 1 else "") + parts[-1]


def _acceptable(err: UnexpectedToken) -> set[str]:
    """The terminals the parser really accepts here (the state's table can list more)."""
    try:
        return set(err.interactive_parser.accepts()) or set(err.expected)
    except Exception:  # the interactive parser may not replay every state
        return set(err.expected)


def _report(err: UnexpectedInput, source: SourceFile, sink: Sink) -> int:
    """Record one syntax error; return the offset where it happened."""
    if isinstance(err, UnexpectedToken) and err.token.type == "$END":
        at = len(source.text.rstrip())
        sink.error("R0103", f"the file ends in the middle of a statement; expected {_expected(_acceptable(err))}",
                   Span(path=source.path, start=max(0, at - 1), end=at), "the statement is not finished")
        return len(source.text)
    if isinstance(err, UnexpectedEOF):
        at = len(source.text.rstrip())
        sink.error("R0103", "the file ends in the middle of a statement",
                   Span(path=source.path, start=max(0, at - 1), end=at))
        return len(source.text)
    if isinstance(err, UnexpectedCharacters):
        pos = err.pos_in_stream
        char = source.text[pos]
        if char == "%":
            sink.error("R0104", "a percentage cannot stand here", Span(path=source.path, start=pos, end=pos + 1),
                       "not allowed here", help="a window's length or a duration needs a unit such as `30 days` "
                       "or `72 h`; percentages are for shares, weights and thresholds")
            return pos
        sink.error("R0102", f"the character `{char}` cannot appear here",
                   Span(path=source.path, start=pos, end=pos + 1), "not part of the language",
                   help=_char_help(char))
        return pos
    token: Token = err.token
    start = token.start_pos or 0
    text = str(token)
    end = start + max(1, len(text))
    if _WORD.match(text[:1] or " "):
        # a keyword may have matched the start of a longer word (`dayz`): show the whole word
        while start > 0 and _WORD.match(source.text[start - 1]):
            start -= 1
        while end < len(source.text) and _WORD.match(source.text[end]):
            end += 1
        text = source.text[start:end]
    span = Span(path=source.path, start=start, end=end)
    if text != str(token):
        sink.error("R0101", f"`{text}` is not a word of the language here", span, "unknown word",
                   help=_did_you_mean_keyword(text))
        return start
    expected = _acceptable(err)
    after_number = re.search(r"\d[ \t]*$", source.text[:start]) is not None
    if token.type == "NAME" and (expected & _UNITS or after_number):
        sink.error("R0104", f"unknown unit `{text}`", span, "not a unit",
                   help="write durations as h, hours, minutes, seconds or days, e.g. `48 h`")
        return start
    keyword = token.type not in ("NAME", "NUMBER", "STRING", "PERCENT") and text.replace("-", "").isalpha()
    word = f"keyword `{text}`" if keyword else f"`{text}`"
    sink.error("R0101", f"unexpected {word}; expected {_expected(expected)}", span, "unexpected here",
               help=_token_help(token, expected))
    return start


def _did_you_mean_keyword(word: str) -> str | None:
    import difflib

    words = [getattr(t.pattern, "value", "") for t in get_parser().terminals]
    match = difflib.get_close_matches(word, [w for w in words if w.isalpha()], n=1, cutoff=0.6)
    return f"did you mean `{match[0]}`?" if match else None


def _char_help(char: str) -> str | None:
    if char in "“”":
        return 'use straight quotes: "Title"'
    if char == "%":
        return "write a percentage right after its number, as in 40%"
    if char in "≤≥":
        return "write comparisons as <= and >="
    return None


def _token_help(token: Token, expected) -> str | None:
    if "PERCENT" in expected and token.type == "NUMBER":
        value = float(token)
        return f"write a percentage: {value * 100:g}%" if value <= 1 else f"write a percentage: {token}%"
    if token.type == "NAME" and "COMMA" in expected:
        return "separate the items of a list with commas"
    return None


def parse_source(source: SourceFile, sink: Sink) -> ast.Module:
    """Parse one file; syntax errors go to `sink` and parsing resumes at the next statement.

    >>> from rubric.diagnostics import Sink
    >>> m = parse_source(SourceFile("t.rubric", "window recent = last 30 days"), Sink())
    >>> m.items[0].name.name
    'recent'
    """
    sink.add_source(source)
    items: list = []
    text, offset = source.text, 0
    while True:
        try:
            tree = get_parser().parse(" " * offset + text[offset:])
        except UnexpectedInput as err:
            at = _report(err, source, sink)
            starts = [m.start() for m in _STATEMENT_START.finditer(text, offset)]
            good_end, parsed = _longest_good_prefix(source, offset, [p for p in starts if offset < p <= at])
            items.extend(parsed)
            later = [p for p in starts if p > good_end]
            if not later or at >= len(text):
                break
            offset = later[0]
            continue
        items.extend(_to_ast(tree, source, sink))
        break
    return ast.Module(path=source.path, items=tuple(items))


def _longest_good_prefix(source: SourceFile, offset: int, ends: list[int]) -> tuple[int, list]:
    """The longest run of whole statements from `offset` that parses, and its items."""
    for end in reversed(ends):
        parsed = _parse_prefix(source, offset, end)
        if parsed is not None:
            return end, parsed
    return offset, []


def _parse_prefix(source: SourceFile, start: int, end: int) -> list | None:
    masked = " " * start + source.text[start:end]
    try:
        return _to_ast(get_parser().parse(masked), source, Sink())
    except UnexpectedInput:
        return None


def _to_ast(tree, source: SourceFile, sink: Sink) -> list:
    try:
        return ToAst(source.path).transform(tree)
    except VisitError as err:  # a literal the grammar admits but the AST cannot hold
        sink.error("R0104", f"cannot read this statement: {err.orig_exc}", Span(path=source.path, start=0, end=1))
        return []
