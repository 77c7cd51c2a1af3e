"""Property tests of ranks, bands, gates, star tables and versions (the Douyin experience
score and the 爱采购 store score, shared/domain.md sections 1, 6 and 8).

1. `cume_dist` lies in (0, 1], ties share, the best member gets 1, and negating the values
   while turning the direction round changes nothing; on generated data every
   `band_percentile`, `store_rank` and ranked `ind.*.score / 10` lies in [0, 1].
2. Bands and the IM gate: a merchant with `gate` set ends exactly one band below the band its
   percentile gives (never above), the gate applies exactly when its condition holds, and every
   rated merchant's score lies in its final band's [low, high), placed by its rank among the
   band's final members.
3. The star level is monotone in every threshold: lowering tier thresholds of
   `aicaigou_store_score` (rewritten in the rubric text and recompiled) never lowers a star level.
4. Versions: `version` is v2022_06 up to 2022-09-25 and v2022_09 from 2022-09-26; `shadow_score`
   is present only for rated merchants on 2022-09-08..2022-09-25, and it is the score of v2022_09.

Data is either `generate_sample` (start 2022-06-01, end 2022-11-01, anchor 2022-10-10 in UTC+8)
or small pyarrow tables built in memory from a Hypothesis-drawn plan of shops.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

import pyarrow as pa
import pytest
from hypothesis import example, given, note, settings
from hypothesis import strategies as st

import rubric
from rubric.backends.reference.evaluate import cume_dist, evaluate, round9, version_in_force
from rubric.data.load import ARROW_TYPES, load_dataset
from rubric.sample.generate import generate_sample

RULES = rubric.shipped_rules_dir()
DOUYIN = rubric.compile_file(RULES / "douyin_experience_score.rubric")
AICAIGOU_PATH = RULES / "aicaigou_store_score.rubric"
AICAIGOU_TEXT = AICAIGOU_PATH.read_text(encoding="utf-8")
AICAIGOU = rubric.compile_file(AICAIGOU_PATH)

UTC8 = timezone(timedelta(hours=8))
SEEDS = (1, 2, 3)
MERCHANTS = 30                            # generate_sample needs 27 with one anchor
SAMPLE_START, SAMPLE_END = date(2022, 6, 1), date(2022, 11, 1)
ANCHOR = date(2022, 10, 10)               # 2022-10-09T16:00Z, as-of 2022-10-10 in UTC+8
OLD_UNTIL, NEW_FROM, SHADOW_FROM = date(2022, 9, 25), date(2022, 9, 26), date(2022, 9, 8)
GATE_LIMIT = 0.15                         # im_dissatisfaction_rate >= 15% demotes [C]
STAR_ORDER = {"5": 5.0, "4.5": 4.5, "4": 4.0, "3.5": 3.5, "3": 3.0, "0": 0.0}

_COMPARE = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b}


def _bounded(n: int) -> settings:
    """At most `n` examples, fewer when the profile says so."""
    return settings(max_examples=min(n, settings.default.max_examples))


def _score(program, tables, as_of: date) -> list[dict]:
    return rubric.score(program, tables, as_of).table.to_pylist()


# --- generated sample data -----------------------------------------------------------------------

class Samples:
    """One generated data set per seed (lazily), spanning the Douyin version change."""

    def __init__(self, folder_factory):
        self._folder_factory = folder_factory
        self._tables: dict[int, dict[str, pa.Table]] = {}

    def tables(self, seed: int) -> dict[str, pa.Table]:
        if seed not in self._tables:
            folder = self._folder_factory(f"ranking-sample-{seed}")
            anchor = datetime.combine(ANCHOR, time(), tzinfo=UTC8).astimezone(timezone.utc)
            generate_sample(folder, merchants=MERCHANTS, seed=seed, start=SAMPLE_START, end=SAMPLE_END,
                            anchors=(anchor,))
            self._tables[seed] = load_dataset(DOUYIN.data, folder)
        return self._tables[seed]


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Samples:
    return Samples(tmp_path_factory.mktemp)


seeds = st.sampled_from(SEEDS)
autumn_2022 = st.dates(date(2022, 9, 1), date(2022, 10, 31))


# --- small data sets built in memory ---------------------------------------------------------------

def _utc(day: date) -> datetime:
    """The as-of instant of a local date in UTC+8, in UTC."""
    return datetime.combine(day, time(), tzinfo=UTC8).astimezone(timezone.utc)


shop = st.fixed_dictionaries({
    "category": st.sampled_from(["toys", "food"]),
    "open": st.sampled_from([True, True, True, True, False]),
    "good_reviews": st.integers(0, 6),
    "bad_reviews": st.integers(0, 3),
    "quality_cases": st.integers(0, 2),
    "satisfied": st.integers(0, 6),
    "dissatisfied": st.integers(0, 3),
    "malicious": st.integers(0, 1),          # dissatisfied ratings whose report was upheld
    "slow_replies": st.integers(0, 2),
})
shops = st.lists(shop, min_size=1, max_size=10)
new_rules_days = st.dates(NEW_FROM, date(2022, 10, 31))

# a plan where the IM gate demotes `m00` (perfect reviews, 1 of 4 ratings dissatisfied)
DEMOTING_PLAN = [
    {"category": "toys", "open": True, "good_reviews": 5, "bad_reviews": 0, "quality_cases": 0,
     "satisfied": 3, "dissatisfied": 1, "malicious": 0, "slow_replies": 0},
    {"category": "toys", "open": True, "good_reviews": 4, "bad_reviews": 1, "quality_cases": 0,
     "satisfied": 4, "dissatisfied": 0, "malicious": 0, "slow_replies": 0},
    {"category": "toys", "open": True, "good_reviews": 2, "bad_reviews": 2, "quality_cases": 1,
     "satisfied": 4, "dissatisfied": 0, "malicious": 0, "slow_replies": 1},
]


def build_tables(program, plan: list[dict], as_of: date) -> dict[str, pa.Table]:
    """Every declared table (empty when the plan puts nothing in it), rows all before as-of."""
    t = _utc(as_of)
    rows: dict[str, list[dict]] = {table.name: [] for table in program.data.tables}
    for i, spec in enumerate(plan):
        mid = f"m{i:02d}"
        rows["merchants"].append({"merchant_id": mid, "category": spec["category"], "region": "CN",
                                  "opened_at": datetime(2021, 1, 1, tzinfo=timezone.utc) if spec["open"]
                                  else t + timedelta(days=1),
                                  "identity_verified": True, "strength_verified": False})
        n_orders = max(1, spec["good_reviews"] + spec["bad_reviews"], spec["quality_cases"])
        for k in range(n_orders):
            paid = t - timedelta(days=20, hours=k)
            rows["orders"].append({
                "order_id": f"{mid}-o{k}", "merchant_id": mid, "paid_at": paid, "shipped_at": paid + timedelta(hours=5),
                "first_scan_at": paid + timedelta(hours=10), "delivered_at": paid + timedelta(hours=40),
                "delivery_exception": False, "amount": 10.0, "is_fraud": False})
        stars = [5] * spec["good_reviews"] + [1] * spec["bad_reviews"]
        for k, s in enumerate(stars):
            rows["reviews"].append({"review_id": f"{mid}-r{k}", "order_id": f"{mid}-o{k}", "merchant_id": mid,
                                    "rated_at": t - timedelta(days=17, hours=k), "stars": s})
        for k in range(spec["quality_cases"]):
            requested = t - timedelta(days=18, hours=k)
            rows["after_sales"].append({"case_id": f"{mid}-c{k}", "order_id": f"{mid}-o{k}", "merchant_id": mid,
                                        "requested_at": requested, "completed_at": requested + timedelta(hours=30),
                                        "kind": "refund_only", "reason": "quality", "platform_intervened": False})
        ratings = (["satisfied"] * spec["satisfied"] + ["dissatisfied"] * spec["dissatisfied"]
                   + ["very_dissatisfied"] * spec["malicious"])
        for k, rating in enumerate(ratings):
            started = t - timedelta(days=2, hours=k)
            reply = timedelta(minutes=10 if k < spec["slow_replies"] else 1)
            rows["im_sessions"].append({"session_id": f"{mid}-s{k}", "merchant_id": mid, "started_at": started,
                                        "first_response_at": started + reply, "rating": rating,
                                        "reported_malicious": k >= spec["satisfied"] + spec["dissatisfied"]})
    out = {}
    for table in program.data.tables:
        columns = {col.name: pa.array([r.get(col.name) for r in rows[table.name]], type=ARROW_TYPES[col.type])
                   for col in table.columns}
        out[table.name] = pa.table(columns)
    return out


# --- 1. percentiles ---------------------------------------------------------------------------------

values = st.one_of(st.integers(-5, 5).map(float), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))


@_bounded(60)
@given(vs=st.lists(values, min_size=1, max_size=40), higher_is_better=st.booleans())
@example(vs=[1.0], higher_is_better=True)
@example(vs=[0.0, -0.0, 0.0], higher_is_better=False)
def test_cume_dist_is_a_share_ties_share_and_the_best_gets_one(vs, higher_is_better):
    members = [(f"m{i:02d}", v) for i, v in enumerate(vs)]
    got = cume_dist(members, higher_is_better)
    assert sorted(got) == sorted(m for m, _ in members)
    n = len(vs)
    for mid, v in members:
        p = got[mid]
        assert 0 < p <= 1, (mid, v, p)
        at_or_below = sum(1 for w in vs if (w <= v if higher_is_better else w >= v))
        assert p == round9(at_or_below / n), (mid, v, p)
    for (a, va), (b, vb) in zip(members, members[1:]):
        if va == vb:
            assert got[a] == got[b], "ties share their percentile"
        better = va > vb if higher_is_better else va < vb
        if better:
            assert got[a] > got[b], "a strictly better value ranks strictly higher"
    best = max(vs) if higher_is_better else min(vs)
    assert all(got[m] == 1.0 for m, v in members if v == best)
    mirrored = cume_dist([(m, -v) for m, v in members], not higher_is_better)
    assert mirrored == got


def _ranked_indicators(program) -> list[str]:
    return [ind.name for ind in program.indicators if ind.rank is not None]


def _assert_percentiles_in_range(rows: list[dict], program, what: str) -> None:
    ranked = _ranked_indicators(program)
    for row in rows:
        mid = row["merchant_id"]
        for column in ("band_percentile", "store_rank"):
            p = row.get(column)
            if p is not None:
                assert 0 < p <= 1, f"{what}: {mid} {column} = {p}"
        for name in ranked:
            s = row[f"ind.{name}.score"]
            if s is not None:
                assert 0 <= s / 10 <= 1, f"{what}: {mid} ind.{name}.score = {s}"
        if row["status"] == "not_open":
            assert row.get("band_percentile") is None and row.get("store_rank") is None, f"{what}: {mid}"


@pytest.mark.slow
@_bounded(12)
@given(seed=seeds, as_of=autumn_2022)
@example(seed=1, as_of=ANCHOR)
def test_percentiles_of_generated_samples_lie_in_0_1(samples, seed, as_of):
    tables = samples.tables(seed)
    douyin = _score(DOUYIN, tables, as_of)
    aicaigou = _score(AICAIGOU, tables, as_of)
    assert _ranked_indicators(AICAIGOU), "爱采购 ranks indicators against peers"
    assert any(r["band_percentile"] is not None for r in douyin)
    assert any(r["store_rank"] is not None for r in aicaigou)
    _assert_percentiles_in_range(douyin, version_in_force(DOUYIN, as_of).program, f"douyin seed {seed} at {as_of}")
    _assert_percentiles_in_range(aicaigou, AICAIGOU, f"aicaigou seed {seed} at {as_of}")


@_bounded(30)
@given(plan=shops, as_of=autumn_2022)
def test_percentiles_of_small_data_sets_lie_in_0_1(plan, as_of):
    tables = build_tables(DOUYIN, plan, as_of)
    _assert_percentiles_in_range(_score(DOUYIN, tables, as_of), version_in_force(DOUYIN, as_of).program,
                                 f"douyin at {as_of}")
    _assert_percentiles_in_range(_score(AICAIGOU, tables, as_of), AICAIGOU, f"aicaigou at {as_of}")


# --- 2. bands, the gate and re-ranking -------------------------------------------------------------

def _band_from_percentile(bands, p: float) -> int:
    return next(i for i, b in enumerate(bands.rows) if b.op is None or _COMPARE[b.op](p, b.threshold))


def check_bands(rows: list[dict], program, what: str) -> int:
    """The band invariants on one result; returns how many merchants the gate demoted."""
    bands = program.bands
    index = {b.name: i for i, b in enumerate(bands.rows)}
    gates = {g.name: g for g in program.gates}
    demoted = 0
    rated = [r for r in rows if r["status"] == "rated"]
    for row in rows:
        mid = row["merchant_id"]
        if row["status"] != "rated":
            assert row["band"] is None and row["gate"] is None and row["band_percentile"] is None, f"{what}: {mid}"
            continue
        p, final = row["band_percentile"], index[row["band"]]
        by_p = _band_from_percentile(bands, p)
        im = row["ind.im_dissatisfaction_rate.value"]
        gated = any(bands.rows[by_p].name in g.bands for g in gates.values()) and im is not None and im >= GATE_LIMIT
        if row["gate"] is not None:
            demoted += 1
            assert row["gate"] in gates, f"{what}: {mid} names an unknown gate {row['gate']}"
            assert final == by_p + 1, (
                f"{what}: {mid} at p={p} belongs in `{bands.rows[by_p].name}`; demoted by `{row['gate']}` it ends "
                f"in `{row['band']}`, not one band down")
            assert row["score"] < bands.rows[by_p].low, f"{what}: {mid} kept a score of its old band"
        else:
            assert final == by_p, f"{what}: {mid} at p={p} belongs in `{bands.rows[by_p].name}`, not `{row['band']}`"
        assert gated == (row["gate"] is not None), (
            f"{what}: {mid} in `{bands.rows[by_p].name}` with IM dissatisfaction {im}: gate is {row['gate']}")
        band = bands.rows[final]
        assert band.low <= row["score"] < band.high, f"{what}: {mid} scores {row['score']} in `{band.name}`"
        # re-ranked among the band's final members of its group, by the score before bands
        group = tuple(row.get(g) for g in bands.group)
        peers = [r["raw_score"] for r in rated if r["band"] == row["band"]
                 and tuple(r.get(g) for g in bands.group) == group]
        rank = 1 + sum(1 for v in peers if v < row["raw_score"])
        expected = round9(band.low + (band.high - band.low) * (rank - 1) / len(peers))
        assert row["score"] == expected, f"{what}: {mid} rank {rank} of {len(peers)} in `{band.name}`"
    return demoted


def _category_of(tables) -> dict[str, str]:
    m = tables["merchants"]
    return dict(zip(m.column("merchant_id").to_pylist(), m.column("category").to_pylist()))


def _with_category(rows, tables):
    category = _category_of(tables)
    return [{**r, "category": category[r["merchant_id"]]} for r in rows]


def test_the_demoting_plan_demotes():
    """The explicit example of the gate property is not vacuous."""
    tables = build_tables(DOUYIN, DEMOTING_PLAN, ANCHOR)
    rows = _with_category(_score(DOUYIN, tables, ANCHOR), tables)
    assert check_bands(rows, version_in_force(DOUYIN, ANCHOR).program, "demoting plan") == 1
    assert {r["merchant_id"]: r["gate"] for r in rows}["m00"] == "im_dissatisfaction"


@_bounded(40)
@given(plan=shops, as_of=new_rules_days)
@example(plan=DEMOTING_PLAN, as_of=NEW_FROM)
def test_the_gate_moves_one_band_down_and_scores_stay_in_their_band(plan, as_of):
    tables = build_tables(DOUYIN, plan, as_of)
    rows = _with_category(_score(DOUYIN, tables, as_of), tables)
    program = version_in_force(DOUYIN, as_of).program
    assert program.gates, "the 2022-09 rules have the IM gate"
    note(f"demoted: {check_bands(rows, program, f'plan at {as_of}')}")


@pytest.mark.slow
@_bounded(10)
@given(seed=seeds, as_of=new_rules_days)
@example(seed=1, as_of=ANCHOR)
def test_bands_of_generated_samples(samples, seed, as_of):
    tables = samples.tables(seed)
    rows = _with_category(_score(DOUYIN, tables, as_of), tables)
    check_bands(rows, version_in_force(DOUYIN, as_of).program, f"seed {seed} at {as_of}")


# --- 3. the star level is monotone in every threshold ------------------------------------------------

_TIERS_AT = AICAIGOU_TEXT.index("\ncondition no_violation")
THRESHOLDS = [m for m in re.finditer(r"(?<=>= )(\d+(?:\.\d+)?)(%?)", AICAIGOU_TEXT) if m.start() > _TIERS_AT]


def _line_of(match) -> str:
    start = AICAIGOU_TEXT.rindex("\n", 0, match.start()) + 1
    return AICAIGOU_TEXT[start:AICAIGOU_TEXT.index("\n", match.start())].strip()


def test_the_star_table_thresholds_are_found():
    # 19 in the star rows and the risk-point floor of `no_violation`
    assert len(THRESHOLDS) == 20, [m.group(0) for m in THRESHOLDS]
    assert any("lowest_risk_points >= 6" in _line_of(m) for m in THRESHOLDS)


def _index(fragment: str) -> int:
    """The first threshold whose `>= number` reads `fragment`, e.g. `store_rank >= 95%`."""
    return next(i for i, m in enumerate(THRESHOLDS)
                if AICAIGOU_TEXT[AICAIGOU_TEXT.rindex(" ", 0, m.start() - 4) + 1:m.end()] == fragment)


def _format(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")


@lru_cache(maxsize=64)
def lowered_program(changes: tuple[tuple[int, str], ...]):
    """The shipped rubric with threshold number `i` rewritten to `text`, recompiled."""
    text = AICAIGOU_TEXT
    for i, new in sorted(changes, key=lambda c: -THRESHOLDS[c[0]].start()):
        m = THRESHOLDS[i]
        text = text[:m.start()] + new + text[m.end():]
    return rubric.compile_source(text, str(AICAIGOU_PATH.with_name("aicaigou_lowered.rubric")), base=RULES)


@st.composite
def lowerings(draw) -> tuple[tuple[int, str], ...]:
    chosen = draw(st.lists(st.integers(0, len(THRESHOLDS) - 1), min_size=1, max_size=3, unique=True), label="thresholds")
    out = []
    for i in chosen:
        m = THRESHOLDS[i]
        old = float(m.group(1))
        new = _format(old * draw(st.sampled_from([0.0, 0.25, 0.5, 0.9]) | st.floats(0, 0.99), label="factor"))
        assert float(new) < old, (m.group(0), new)
        out.append((i, new + m.group(2)))
    return tuple(sorted(out))


def _stars(rows: list[dict]) -> dict[str, float]:
    return {r["merchant_id"]: STAR_ORDER[r["tier"]] for r in rows if r["tier"] is not None}


@pytest.mark.slow
@_bounded(30)
@given(seed=seeds, as_of=autumn_2022, changes=lowerings())
@example(seed=1, as_of=ANCHOR, changes=((_index("store_rank >= 95%"), "0%"),))
@example(seed=2, as_of=ANCHOR, changes=((_index("lowest_risk_points >= 6"), "0"),))
@example(seed=3, as_of=ANCHOR, changes=((_index("product_quality >= 3.6"), "1.5"),))
def test_lowering_a_star_threshold_never_lowers_a_star_level(samples, seed, as_of, changes):
    for i, new in changes:
        note(f"`{_line_of(THRESHOLDS[i])}`: {THRESHOLDS[i].group(0)} -> {new}")
    tables = samples.tables(seed)
    before = _stars(_score(AICAIGOU, tables, as_of))
    after = _stars(_score(lowered_program(changes), tables, as_of))
    assert sorted(before) == sorted(after), "the same merchants have a star level"
    lowered = {mid: (before[mid], after[mid]) for mid in before if after[mid] < before[mid]}
    assert not lowered, f"star levels fell (before, after): {lowered}"


# --- 4. versions and the shadow score -------------------------------------------------------------------

V06_ONLY, V09_ONLY = "ind.logistics_quality_return_rate.score", "ind.logistics_negative_feedback_rate.score"


@pytest.mark.slow
@_bounded(25)
@given(seed=seeds, as_of=autumn_2022)
@example(seed=1, as_of=SHADOW_FROM - timedelta(days=1))
@example(seed=1, as_of=SHADOW_FROM)
@example(seed=2, as_of=OLD_UNTIL)
@example(seed=3, as_of=NEW_FROM)
def test_the_version_in_force_and_the_shadow_score(samples, seed, as_of):
    tables = samples.tables(seed)
    result = rubric.score(DOUYIN, tables, as_of).table
    rows = result.to_pylist()
    expected = "v2022_06" if as_of <= OLD_UNTIL else "v2022_09"
    assert {r["version"] for r in rows} == {expected}
    assert (V06_ONLY in result.column_names) == (expected == "v2022_06")
    assert (V09_ONLY in result.column_names) == (expected == "v2022_09")
    in_shadow = SHADOW_FROM <= as_of <= OLD_UNTIL
    for r in rows:
        if r["shadow_score"] is not None:
            assert in_shadow and r["status"] == "rated", (
                f"{r['merchant_id']} ({r['status']}) has a shadow score {r['shadow_score']} on {as_of}")
        if not in_shadow:
            assert r["shadow_gate"] is None
        if expected == "v2022_06":
            assert r["gate"] is None, "the 2022-06 rules have no gate"
    if in_shadow:
        assert any(r["shadow_score"] is not None for r in rows), f"no shadow score on {as_of}"
        # the shadow score is the 2022-09 rules' score, computed as if they were in force
        new = [v for v in DOUYIN.versions if v.name == "v2022_09"][0].program
        twin = {mid: res.row for mid, res in evaluate(new, tables, as_of).results.items()}
        for r in rows:
            if r["status"] == "rated":
                assert r["shadow_score"] == twin[r["merchant_id"]]["score"], r["merchant_id"]
                assert r["shadow_gate"] == twin[r["merchant_id"]]["gate"], r["merchant_id"]
