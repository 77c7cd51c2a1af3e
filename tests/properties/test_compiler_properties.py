"""Property tests of the compiler front end and the evaluator's numeric helpers.

1. Text generated from our grammar (`hypothesis.extra.lark.from_lark`) compiles or raises
   `CompileError` whose every span lies inside its file; never any other exception.
2. The same for text mutated from each shipped rubric, and `check_files` never raises.
3. Curves are clamped, flat outside their points, monotone and continuous.
4. Renormalised weights sum to 1 and the weighted mean stays within the present scores.
5. `round9` is idempotent and moves its input by at most half a unit of the 9th decimal.

(`vyperlang/vyper:tests/functional/grammar/test_grammar.py` generates source the same way.)
"""

from __future__ import annotations

import decimal
import math
import re
import string
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, note, reject, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark

import rubric
from rubric import CompileError
from rubric.backends.reference.evaluate import curve_score, round9, weighted_mean
from rubric.driver import check_files
from rubric.ir import nodes as ir
from rubric.syntax.parse import grammar_text

RULES = rubric.shipped_rules_dir()
SHIPPED = sorted(p.name for p in RULES.glob("*.rubric"))
RUBRICS = [n for n in SHIPPED if n != "commerce.rubric"]

# --- the grammar and its tokens ---------------------------------------------------------------


@lru_cache(maxsize=1)
def _grammar() -> Lark:
    return Lark(grammar_text(), parser="lalr")


def _keywords() -> list[str]:
    """Every literal token of the grammar (keywords and punctuation), e.g. `rubric`, `->`."""
    return sorted(t.pattern.value for t in _grammar().terminals if t.pattern.type == "str")


KEYWORDS = _keywords()
WORDS = [k for k in KEYWORDS if k.replace("-", "").isalpha()]

# Names the commerce model and the shipped rubrics use, so generated text reaches the checker
# with names that resolve; plus arbitrary identifiers (never a keyword: a keyword is not a NAME).
_KNOWN_NAMES = sorted(set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*",
                                     "\n".join((RULES / n).read_text(encoding="utf-8") for n in SHIPPED)))
                      - set(WORDS))
_IDENT = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True).filter(lambda s: s not in WORDS)
NAMES = st.one_of(st.sampled_from(_KNOWN_NAMES), st.sampled_from(["commerce", "UTC", "Asia"]), _IDENT)

_TEXT = st.text(alphabet=st.one_of(st.sampled_from(list("差评率店铺评分 |%[]-_.")), st.characters(
    codec="utf-8", exclude_characters='"\\\n')), max_size=12)
_ESCAPE = st.sampled_from(["\\n", "\\t", '\\"', "\\\\", "\\u4e2d", "\\x41", "\\q", "\\u12", "\\N{BULLET}", "\\é"])
STRINGS = st.lists(st.one_of(_TEXT, _ESCAPE), max_size=3).map(lambda parts: '"' + "".join(parts) + '"')

_DIGITS = st.one_of(st.integers(0, 200).map(str), st.sampled_from(["0", "00", "1", "30", "100", "007"]),
                    st.integers(0, 10**30).map(str), st.just("9" * 400))
NUMBERS = st.one_of(_DIGITS, st.tuples(_DIGITS, st.integers(0, 10**6)).map(lambda t: f"{t[0]}.{t[1]}"))
PERCENTS = NUMBERS.map(lambda n: n + "%")
CLOCKS = st.tuples(st.integers(0, 29), st.integers(0, 59)).map(lambda t: f"{t[0]:02d}:{t[1]:02d}")

_SPACE = st.sampled_from([" ", " ", "\n", "\n  ", "\t"])


def _token_strategies() -> dict[str, st.SearchStrategy[str]]:
    """One strategy per terminal, each token followed by white space.

    from_lark emits the `%ignore`d WS only now and then, so adjacent tokens would run together
    (`rubric` `x` -> `rubricx`, one NAME); a separator after every token keeps the text's
    tokens the ones the grammar derived. Comments end with a newline so they hide nothing.
    """
    special = {"NAME": NAMES, "STRING": STRINGS, "NUMBER": NUMBERS, "PERCENT": PERCENTS, "CLOCK": CLOCKS,
               "COMPARE": st.sampled_from(["<", "<=", ">", ">=", "!="]), "TIMES": st.sampled_from(["*", "×"])}
    out: dict[str, st.SearchStrategy[str]] = {}
    for t in _grammar().terminals:
        if t.name == "WS":
            out[t.name] = _SPACE
        elif t.name == "COMMENT":
            out[t.name] = _TEXT.map(lambda s: "# " + s + "\n")
        else:
            if t.name in special:
                base = special[t.name]
            elif t.pattern.type == "str":
                base = st.just(t.pattern.value)
            else:  # a terminal added to the grammar later: draw from its own pattern
                base = st.from_regex(t.pattern.to_regexp(), fullmatch=True).filter(lambda s: "\n" not in s)
            out[t.name] = st.tuples(base, _SPACE).map("".join)
    return out


def grammar_text_strategy(start: str = "start") -> st.SearchStrategy[str]:
    return from_lark(_grammar(), start=start, explicit=_token_strategies())


# A header that satisfies the checker, so generated statements get checked and lowered.
HEADER = """rubric gen "Generated" | "生成"
  uses commerce
  scores merchants
  time zone UTC+8
  assessed weekly
  scale 0 to 5
"""

# --- the compile property -------------------------------------------------------------------------


def _assert_spans_inside(diagnostics, sources) -> None:
    for d in diagnostics:
        for label in d.labels:
            span = label.span
            assert span.path in sources, f"{d.code}: span in unknown file {span.path!r}"
            text = sources[span.path].text
            assert 0 <= span.start <= span.end <= len(text), (
                f"{d.code} {d.message!r}: span {span.start}..{span.end} outside {span.path} "
                f"({len(text)} characters)")


# Engine bugs found by these properties, each pinned by a strict xfail test below. The generic
# properties reject examples that hit one (so they keep hunting for new bugs); once a bug is
# fixed its xfail test passes, fails as strict, and its entry here is removed.
# (exception type, "<file suffix>" or "<file suffix>:<function>" of a frame it passed through)
KNOWN_BUGS: list[tuple[type[BaseException], str]] = []


def _known_bug(err: BaseException) -> bool:
    frames = []
    tb = err.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        frames.append(f"{Path(code.co_filename).as_posix()}:{code.co_name}")
        tb = tb.tb_next
    return any(isinstance(err, kind) and any(where in f for f in frames) for kind, where in KNOWN_BUGS)


def assert_compiles_or_reports(text: str, *, in_hypothesis: bool = True) -> None:
    """Compiling `text` succeeds or raises CompileError with every span inside its file."""
    if in_hypothesis:
        note(f"text={text!r}")
    try:
        program = rubric.compile_source(text, path="gen.rubric", base=RULES)
    except Exception as err:
        if not isinstance(err, CompileError):
            if in_hypothesis and _known_bug(err):
                reject()
            raise
        assert "gen.rubric" in err.sources
        assert err.sources["gen.rubric"].text == text
        _assert_spans_inside(err.diagnostics, err.sources)
        err.render("short")  # rendering the report must not fail either
    else:
        assert isinstance(program, ir.Program)


@pytest.mark.slow
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(grammar_text_strategy())
def test_generated_text_compiles_or_reports(text):
    assert_compiles_or_reports(text)


@pytest.mark.slow
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
          max_examples=min(40, settings.default.max_examples))   # the costliest draw: up to 6 statements
@given(st.lists(grammar_text_strategy("item"), min_size=1, max_size=6))
def test_generated_statements_under_a_valid_header_compile_or_report(items):
    # a rubric needs a total score: add one unless a generated statement declares it
    total = "" if any(re.match(r"\s*total\b", i) for i in items) else "\ntotal score = 1\n"
    assert_compiles_or_reports(HEADER + "\n".join(items) + total)


@pytest.mark.parametrize("text", [
    "", " ", "\n", "#", "rubric", "rubric x", "rubric x uses commerce", "data d", "%", "“x”", "[", "]",
    'rubric x "\\u4e2d"', "window w = days 1 .. 99999999999999999999999999999 ago",
    "consequence c when score < 1 in each of the last 1e400 weekly assessments",
    "consequence c when score < 1 in each of the last " + "9" * 400 + " weekly assessments",
    "clamp score to " + "9" * 400 + " .. 1",
    "output o = count of orders paid in recent between 29:59 and 00:00 local",
])
def test_corner_texts_compile_or_report(text):
    assert_compiles_or_reports(HEADER + text, in_hypothesis=False)
    assert_compiles_or_reports(HEADER + "total score = 1\n" + text, in_hypothesis=False)
    assert_compiles_or_reports(text, in_hypothesis=False)


@pytest.mark.parametrize("zone", ["UTC+99999999999", '"UTC+inf"'])
def test_huge_zone_offset_is_reported(zone):
    assert_compiles_or_reports(f"rubric x\n  time zone {zone}\n", in_hypothesis=False)


_HUGE = "1" + "0" * 299      # 1e299 h = 3.6e311 us: float('inf') microseconds


@pytest.mark.parametrize(("name", "old", "new"), [
    ("tiktok_shop_store_rating.rubric", "= last 30 days", f"= last {_HUGE} days"),
    ("tiktok_shop_store_rating.rubric", "at least 72 h before", f"at least {_HUGE} h before"),
    ("shopee_service_rating.rubric", "more than 2 h before", f"more than {_HUGE} h before"),
    ("shopee_service_rating.rubric", "<= 2 h", f"<= {_HUGE} h"),
    ("tiktok_shop_store_rating.rubric", "within 30 days after", f"within {_HUGE} days after"),
])
def test_huge_duration_is_reported(name, old, new):
    text = (RULES / name).read_text(encoding="utf-8")
    assert old in text
    assert_compiles_or_reports(text.replace(old, new, 1), in_hypothesis=False)


def test_compile_error_always_says_why():
    with pytest.raises(CompileError) as info:
        rubric.compile_source("data A ", path="gen.rubric", base=RULES)
    assert info.value.diagnostics


# --- mutated shipped rubrics ----------------------------------------------------------------------

_UNICODE = st.one_of(
    st.sampled_from(["差评率", "店铺", "“", "”", '"', "'", "%", "[", "]", "[confirmed]", "|", "→", "≤", "×", "\\",
                     "\t", "\r", "\r\n", "\x00", "\ufeff", "é", "😀", "\u200b", "#", "..", "->", "as-of"]),
    st.text(min_size=1, max_size=4),
)
_TOKEN = st.one_of(st.sampled_from(KEYWORDS), NAMES, NUMBERS, PERCENTS, STRINGS, CLOCKS, _UNICODE)
_NUMBER_RE = re.compile(r"\d+(\.\d+)?%?")
_WORD_RE = re.compile(r"(?<![\w\"])[A-Za-z_]\w*")


@st.composite
def _mutation(draw, text: str) -> str:
    lines = text.split("\n")
    kind = draw(st.sampled_from(["delete_line", "duplicate_line", "swap_lines", "delete_range",
                                 "insert_token", "insert_token", "replace_number", "replace_word", "replace_word"]))
    if kind == "delete_line" and lines:
        del lines[draw(st.integers(0, len(lines) - 1))]
    elif kind == "duplicate_line" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(draw(st.integers(0, len(lines))), lines[i])
    elif kind == "swap_lines" and len(lines) > 1:
        i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    else:
        if kind == "delete_range" and text:
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start, min(len(text), start + 40)))
            return text[:start] + text[end:]
        if kind == "insert_token":
            at = draw(st.integers(0, len(text)))
            sep = draw(st.sampled_from(["", " "]))
            return text[:at] + sep + draw(_TOKEN) + sep + text[at:]
        if kind == "replace_number":
            numbers = list(_NUMBER_RE.finditer(text))
            if numbers:
                m = draw(st.sampled_from(numbers))
                new = draw(st.one_of(NUMBERS, PERCENTS, st.sampled_from(["-1", "0", "0%", "1e9", "1_000", ""])))
                return text[:m.start()] + new + text[m.end():]
        if kind == "replace_word":  # usually still parses: reaches the checker and the lowering
            words = list(_WORD_RE.finditer(text))
            if words:
                m = draw(st.sampled_from(words))
                return text[:m.start()] + draw(st.one_of(st.sampled_from(_KNOWN_NAMES), st.sampled_from(WORDS),
                                                         NAMES)) + text[m.end():]
        return text
    return "\n".join(lines)


@st.composite
def mutated(draw, name: str | None = None) -> str:
    if name is None:
        name = draw(st.sampled_from(SHIPPED))
    text = (RULES / name).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        text = draw(_mutation(text))
    return text


@pytest.mark.slow
@pytest.mark.parametrize("name", SHIPPED)
@given(data=st.data())
def test_mutated_shipped_rubric_compiles_or_reports(name, data):
    assert_compiles_or_reports(data.draw(mutated(name), label="text"))


@pytest.mark.slow
@given(main=st.sampled_from(RUBRICS).flatmap(mutated), commerce=st.one_of(st.none(), mutated("commerce.rubric")),
       as_bytes=st.one_of(st.none(), st.binary(max_size=20)))
def test_check_files_never_raises(main, commerce, as_bytes):
    """`check_files` on mutated files (a mutated `commerce` beside them, or none) never raises."""
    note(f"main={main!r}\ncommerce={commerce!r}\nas_bytes={as_bytes!r}")
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / "main.rubric", Path(folder) / "missing.rubric"]
        paths[0].write_text(main, encoding="utf-8")
        if commerce is not None:
            (Path(folder) / "commerce.rubric").write_text(commerce, encoding="utf-8")
            paths.append(Path(folder) / "commerce.rubric")
        if as_bytes is not None:  # arbitrary bytes: perhaps not UTF-8
            (Path(folder) / "bytes.rubric").write_bytes(as_bytes)
            paths.append(Path(folder) / "bytes.rubric")
        try:
            diagnostics, sources = check_files(paths)
        except Exception as err:
            if _known_bug(err):
                reject()
            raise
    assert any(d.code == "R0105" for d in diagnostics)  # the missing file is reported, not raised
    _assert_spans_inside(diagnostics, sources)


# --- curves ------------------------------------------------------------------------------------------

_XS = st.floats(-1000, 1000, allow_nan=False, allow_infinity=False)
_YS = st.floats(-100, 100, allow_nan=False, allow_infinity=False)
# slack for round9 (half of 1e-9) plus the float error of one interpolation
_EPS = 1e-9


@st.composite
def curves(draw) -> ir.Curve:
    xs = sorted(draw(st.lists(_XS, min_size=1, max_size=6, unique=True)))
    assume(all(b - a > 1e-9 for a, b in zip(xs, xs[1:])))
    ys = sorted(draw(st.lists(_YS, min_size=len(xs), max_size=len(xs))))
    if draw(st.booleans()):
        ys.reverse()  # lower is better
    return ir.Curve(points=tuple(ir.CurvePoint(x=x, y=y) for x, y in zip(xs, ys)))


def _score(curve: ir.Curve, x: float) -> float:
    return curve_score(curve, x)[0]


@given(curves(), _XS)
def test_curve_is_clamped_to_its_scores(curve, x):
    ys = [p.y for p in curve.points]
    s = _score(curve, x)
    assert min(ys) - _EPS <= s <= max(ys) + _EPS


@given(curves(), st.floats(0, 1e6, allow_nan=False, exclude_min=True))
def test_curve_is_flat_outside_its_points(curve, distance):
    first, last = curve.points[0], curve.points[-1]
    assert _score(curve, first.x - distance) == round9(first.y)
    assert _score(curve, last.x + distance) == round9(last.y)
    assert _score(curve, -math.inf) == round9(first.y)
    assert _score(curve, math.inf) == round9(last.y)


@given(curves(), _XS, _XS)
def test_curve_is_monotone_in_its_direction(curve, a, b):
    lo, hi = min(a, b), max(a, b)
    ys = [p.y for p in curve.points]
    s_lo, s_hi = _score(curve, lo), _score(curve, hi)
    if ys[0] <= ys[-1]:
        assert s_lo <= s_hi + _EPS
    else:
        assert s_lo >= s_hi - _EPS


@given(curves(), st.floats(1e-12, 1e-7))
def test_curve_is_continuous_at_its_points(curve, h):
    for p in curve.points:
        at = _score(curve, p.x)
        assert abs(at - p.y) <= _EPS
        # the slope is at most (200 / 1e-9) in the generated curves; near a point the score is close
        for x in (p.x - h, p.x + h):
            slope = max((abs(b.y - a.y) / (b.x - a.x) for a, b in zip(curve.points, curve.points[1:])), default=0)
            assert abs(_score(curve, x) - at) <= slope * h + 2 * _EPS


# --- renormalised weights ---------------------------------------------------------------------------

_WEIGHTS = st.one_of(st.just(0.0), st.floats(1e-3, 100))
_SCORES = st.one_of(st.none(), st.floats(-100, 100, allow_nan=False))
members_strategy = st.lists(st.tuples(st.text(string.ascii_lowercase, min_size=1, max_size=6), _WEIGHTS, _SCORES),
                            max_size=8)


@given(members_strategy)
def test_weighted_mean_renormalises_over_present_members(members):
    value, rows = weighted_mean(members)
    present = [(w, s) for _, w, s in members if s is not None]
    assert [r["name"] for r in rows] == [n for n, _, _ in members]
    if not present or sum(w for w, _ in present) == 0:
        assert value is None
        assert all(r["used_weight"] is None for r in rows)
        return
    used = [r["used_weight"] for r in rows if r["score"] is not None]
    assert all(u is not None and u >= 0 for u in used)
    assert all(r["used_weight"] is None for r in rows if r["score"] is None)
    assert abs(math.fsum(used) - 1) <= 1e-12
    scores = [s for w, s in present if w > 0]
    assert min(scores) - 1e-9 <= value <= max(scores) + 1e-9


@given(st.lists(st.tuples(st.text(max_size=3), _WEIGHTS), max_size=6))
def test_weighted_mean_of_no_scores_is_missing(members):
    value, rows = weighted_mean([(n, w, None) for n, w in members])
    assert value is None
    assert len(rows) == len(members)


# --- round9 --------------------------------------------------------------------------------------------

_REALISTIC = st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False)


@given(_REALISTIC)
@example(5e-10)
@example(-2.5e-10)
@example(0.0123456789049)
def test_round9_is_idempotent_and_close(x):
    r = round9(x)
    assert round9(r) == r
    assert abs(r - x) <= 5e-10 + math.ulp(x)
    assert round9(None) is None


@pytest.mark.parametrize("x", [1e19, -1e19, 1.5e300])
def test_round9_of_a_large_number(x):
    assert round9(x) == x
