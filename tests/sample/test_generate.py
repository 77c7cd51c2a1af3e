"""Tests of the sample-data generator (rubric.sample.generate) against rules/commerce.rubric."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from rubric.sample.generate import DEFAULT_ANCHORS, SCHEMA, generate_sample

RUBRIC = Path(__file__).resolve().parents[2] / "rules" / "commerce.rubric"
ARROW = {"id": pa.string(), "text": pa.string(), "label": pa.string(),
         "timestamp": pa.timestamp("us", tz="UTC"), "bool": pa.bool_(), "int": pa.int64(),
         "number": pa.float64(), "money": pa.float64()}
CREATED = {"orders": "paid_at", "reviews": "rated_at", "after_sales": "requested_at",
           "disputes": "opened_at", "complaints": "created_at", "feedback": "created_at",
           "im_sessions": "started_at", "surveys": "answered_at", "violations": "confirmed_at",
           "inquiries": "received_at", "calls": "started_at", "content": "approved_at",
           "boost_purchases": "paid_at", "risk_points": "recorded_at"}
END = datetime(2024, 7, 1, tzinfo=timezone.utc)
US = timedelta(microseconds=1)
COLUMN = re.compile(r"    (\w+)\s+(optional\s+)?(planned\s+)?(\w+)(.*)$")
CSV_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


# --- the declared model, read straight from the rubric source ----------------------------


def _declared() -> dict[str, dict]:
    tables: dict[str, dict] = {}
    current = None
    for raw in RUBRIC.read_text(encoding="utf-8").splitlines():
        line = raw.split("#")[0].rstrip()
        if m := re.match(r"table (\w+)", line):
            current = tables[m[1]] = {"key": None, "columns": []}
        elif current is not None and (m := re.match(r"  key (\w+)$", line)):
            current["key"] = m[1]
        elif current is not None and (m := COLUMN.match(line)):
            rest = m[5]
            values = re.search(r"\((.*)\)", rest)
            bounds = re.search(r"from (\S+) to (\S+)", rest)
            ref = re.search(r"references (\w+)", rest)
            current["columns"].append({
                "name": m[1], "kind": m[4], "optional": bool(m[2]), "planned": bool(m[3]),
                "values": [v.strip() for v in values[1].split(",")] if values else None,
                "bounds": (float(bounds[1]), float(bounds[2])) if bounds else None,
                "references": ref[1] if ref else None})
    return tables


DECLARED = _declared()


# --- generated data, once per module ------------------------------------------------------


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parquet")
    return folder, generate_sample(folder)


@pytest.fixture(scope="module")
def csv_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("csv")
    return folder, generate_sample(folder, fmt="csv")


@pytest.fixture(scope="module")
def data(parquet_dir) -> dict[str, pa.Table]:
    folder, _ = parquet_dir
    return {t: pq.read_table(folder / f"{t}.parquet") for t in SCHEMA}


@pytest.fixture(scope="module")
def rows(data) -> dict[str, list[dict]]:
    return {t: table.to_pylist() for t, table in data.items()}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- determinism and files -----------------------------------------------------------------


def test_same_seed_gives_identical_files_and_another_seed_differs(tmp_path):
    first, second, other = (generate_sample(tmp_path / name, merchants=40, seed=seed)
                            for name, seed in (("a", 7), ("b", 7), ("c", 8)))
    assert first == second
    a, b, c = (_files(tmp_path / name) for name in "abc")
    assert a == b
    assert a.keys() == c.keys()
    assert a["orders.parquet"] != c["orders.parquet"]
    assert a["merchants.parquet"] != c["merchants.parquet"]


def test_one_file_per_table_and_no_temporary_leftovers(parquet_dir, csv_dir):
    for (folder, counts), ext in ((parquet_dir, "parquet"), (csv_dir, "csv")):
        assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.{ext}" for t in SCHEMA)
        assert set(counts) == set(SCHEMA)
        assert all(counts[t] > 0 for t in SCHEMA)
    assert parquet_dir[1] == csv_dir[1]


def test_rejects_unknown_format_and_too_few_merchants(tmp_path):
    with pytest.raises(ValueError, match="fmt"):
        generate_sample(tmp_path, fmt="json")
    with pytest.raises(ValueError, match="merchants"):
        generate_sample(tmp_path, merchants=5)
    assert not any(tmp_path.iterdir())


# --- schema --------------------------------------------------------------------------------


def test_schema_constant_matches_commerce_rubric():
    assert list(SCHEMA) == list(DECLARED)
    for table, declared in DECLARED.items():
        columns = [(c["name"], c["kind"], c["optional"]) for c in declared["columns"]]
        assert columns == list(SCHEMA[table]), table


def test_every_file_has_the_declared_columns_types_and_no_nulls_where_required(data, parquet_dir):
    counts = parquet_dir[1]
    for table, declared in DECLARED.items():
        got = data[table]
        assert got.num_rows == counts[table]
        assert got.column_names == [c["name"] for c in declared["columns"]], table
        for c in declared["columns"]:
            field = got.schema.field(c["name"])
            assert field.type == ARROW[c["kind"]], (table, c["name"], field.type)
            if not c["optional"]:
                assert got[c["name"]].null_count == 0, (table, c["name"])


def test_labels_and_ranges_are_declared_values(data):
    for table, declared in DECLARED.items():
        for c in declared["columns"]:
            present = {v for v in data[table][c["name"]].to_pylist() if v is not None}
            if c["kind"] == "label":
                assert present <= set(c["values"]), (table, c["name"], present)
            if c["bounds"]:
                lo, hi = c["bounds"]
                assert all(lo <= v <= hi for v in present), (table, c["name"])


# --- integrity -------------------------------------------------------------------------------


def test_keys_are_unique(data):
    for table, declared in DECLARED.items():
        if declared["key"]:
            keys = data[table][declared["key"]].to_pylist()
            assert len(keys) == len(set(keys)), table
    assert DECLARED["risk_points"]["key"] is None


def test_references_exist(data):
    for table, declared in DECLARED.items():
        for c in declared["columns"]:
            if c["references"]:
                target = data[c["references"]][DECLARED[c["references"]]["key"]].to_pylist()
                values = {v for v in data[table][c["name"]].to_pylist() if v is not None}
                assert values <= set(target), (table, c["name"])


def test_order_events_belong_to_an_order_of_the_same_merchant_and_come_after_payment(rows):
    orders = {o["order_id"]: o for o in rows["orders"]}
    attached = [t for t, d in DECLARED.items()
                if t != "orders" and any(c["name"] == "order_id" for c in d["columns"])]
    assert set(attached) == {"reviews", "after_sales", "disputes", "complaints", "feedback",
                             "surveys"}
    for table in attached:
        for event in rows[table]:
            order = orders[event["order_id"]]
            assert event["merchant_id"] == order["merchant_id"], (table, event)
            assert event[CREATED[table]] > order["paid_at"], (table, event)


def test_timestamps_are_causal_and_before_the_snapshot(rows):
    for o in rows["orders"]:
        for later in ("shipped_at", "first_scan_at", "delivered_at"):
            assert o[later] is None or o[later] > o["paid_at"], o
        if o["first_scan_at"] and o["delivered_at"]:
            assert o["delivered_at"] > o["first_scan_at"], o
    pairs = {"after_sales": ("requested_at", "completed_at"),
             "disputes": ("opened_at", "responded_at"),
             "im_sessions": ("started_at", "first_response_at"),
             "inquiries": ("received_at", "responded_at")}
    for table, (first, then) in pairs.items():
        assert all(r[then] is None or r[then] >= r[first] for r in rows[table]), table
    for d in rows["disputes"]:
        if d["solution_at"] is not None:
            assert d["responded_at"] is not None and d["solution_at"] >= d["responded_at"], d
    for table, declared in DECLARED.items():
        for c in declared["columns"]:
            # Deadlines are plans and may fall after the snapshot.
            if c["kind"] == "timestamp" and not c["planned"] and table != "merchants":
                late = [r for r in rows[table] if r[c["name"]] is not None and r[c["name"]] >= END]
                assert not late, (table, c["name"])


# --- boundary rows ---------------------------------------------------------------------------


@pytest.mark.parametrize("anchor", DEFAULT_ANCHORS, ids=["utc", "utc+8"])
def test_rows_sit_exactly_on_window_edges(rows, anchor):
    edges = [anchor, anchor - US, anchor - timedelta(hours=72), anchor - timedelta(days=30),
             anchor - timedelta(days=30) - US]
    for table, column in CREATED.items():
        instants = Counter(r[column] for r in rows[table])
        missing = [e for e in edges if not instants[e]]
        assert not missing, (table, missing)


@pytest.mark.parametrize("anchor", DEFAULT_ANCHORS, ids=["utc", "utc+8"])
def test_durations_sit_exactly_on_thresholds(rows, anchor):
    since = anchor - timedelta(days=30)
    paid = [o for o in rows["orders"] if since <= o["paid_at"] < anchor]

    def some(items, test):
        return any(test(i) for i in items)

    assert some(paid, lambda o: o["first_scan_at"]
                and o["first_scan_at"] - o["paid_at"] == timedelta(hours=72))
    assert some(paid, lambda o: o["first_scan_at"] and o["promised_ship_by"]
                and o["first_scan_at"] - o["promised_ship_by"] == timedelta(hours=2))
    assert some(paid, lambda o: o["delivered_at"] and o["delivered_at"] == o["promised_deliver_by"])
    disputes = [d for d in rows["disputes"] if since <= d["opened_at"] < anchor]
    assert some(disputes, lambda d: d["responded_at"]
                and d["responded_at"] - d["opened_at"] == timedelta(hours=48))
    assert some(rows["im_sessions"], lambda s: s["first_response_at"]
                and s["first_response_at"] - s["started_at"] == timedelta(minutes=3))
    assert some(rows["merchants"], lambda m: m["opened_at"] == anchor)


def test_new_shops_and_shops_not_open_yet(rows):
    first = DEFAULT_ANCHORS[0]
    opened = [m["opened_at"] for m in rows["merchants"]]
    assert any(t > first for t in opened)
    # Exactly three calendar months before as-of 2024-06-03, in UTC and in UTC+8.
    assert datetime(2024, 3, 3, tzinfo=timezone.utc) in opened
    assert datetime(2024, 3, 2, 16, tzinfo=timezone.utc) in opened
    assert sum(first - timedelta(days=92) < t < first for t in opened) >= 5


# --- realism and spread ----------------------------------------------------------------------


def test_some_merchants_have_no_orders_and_some_no_rows_at_all(rows):
    ids = {m["merchant_id"] for m in rows["merchants"]}
    with_orders = {o["merchant_id"] for o in rows["orders"]}
    with_rows = {r["merchant_id"] for t in CREATED | {"products": None} for r in rows[t]}
    assert ids - with_orders
    assert ids - with_rows
    per_merchant = sorted(Counter(o["merchant_id"] for o in rows["orders"]).values())
    assert 30 <= per_merchant[len(per_merchant) // 2] <= 300


def test_fraud_and_fulfilment_gaps(rows):
    orders = rows["orders"]
    assert 0.01 <= sum(o["is_fraud"] for o in orders) / len(orders) <= 0.06
    assert any(o["promised_ship_by"] is None for o in orders)
    assert any(o["shipped_at"] is None for o in orders)
    assert any(o["shipped_at"] and o["first_scan_at"] is None for o in orders)
    assert any(o["first_scan_at"] and o["delivered_at"] is None for o in orders)
    assert any(o["first_scan_at"] and o["shipped_at"] and o["first_scan_at"] < o["shipped_at"]
               for o in orders)
    excused = [o for o in orders if o["delivery_exception"]]
    assert excused
    for o in excused:
        assert o["promised_deliver_by"], o
        assert o["delivered_at"] is None or o["delivered_at"] > o["promised_deliver_by"], o


def test_regions_categories_and_lone_groups(rows):
    merchants = rows["merchants"]
    assert {m["region"] for m in merchants} == {"US", "UK", "EU", "SEA", "MENA", "CN"}
    assert 6 <= len({m["category"] for m in merchants}) <= 8
    groups = Counter((m["region"], m["category"]) for m in merchants)
    assert any(n == 1 for n in groups.values())
    assert any(n == 1 for n in Counter(m["category"] for m in merchants).values())


def test_two_merchants_share_an_identical_history(rows):
    histories = defaultdict(list)
    for table in CREATED | {"products": None}:
        for r in rows[table]:
            mid = r["merchant_id"]
            values = (v.removeprefix(mid) if isinstance(v, str) else v for v in r.values())
            histories[mid].append((table, *values))
    signatures = Counter()
    for m in rows["merchants"]:
        if histories[m["merchant_id"]]:
            row = tuple(v for k, v in m.items() if k != "merchant_id")
            signatures[(row, tuple(sorted(histories[m["merchant_id"]], key=repr)))] += 1
    assert max(signatures.values()) >= 2


def test_service_signals_cover_their_cases(rows):
    sessions = rows["im_sessions"]
    assert sum(s["rating"] is None for s in sessions) > len(sessions) / 2
    assert any(s["first_response_at"] is None for s in sessions)
    assert any(s["reported_malicious"] for s in sessions)
    assert {s["nps"] for s in rows["surveys"]} == set(range(11))
    assert "cashback_card" in {v["kind"] for v in rows["violations"]}
    calls = rows["calls"]
    assert any(c["ring_seconds"] == 3.0 and not c["answered"] for c in calls)
    assert any(c["ring_seconds"] < 3.0 and not c["answered"] for c in calls)
    assert any(i["responded_at"] is None for i in rows["inquiries"])


def test_products_content_boosts_and_risk_points(rows):
    products = rows["products"]
    assert {p["star_rating"] for p in products} == {1, 2, 3, 4, 5}
    for flag in ("on_sale", "featured", "has_video", "assured"):
        assert {p[flag] for p in products} == {True, False}, flag
    assert any(p["duplicate_of"] for p in products)
    assert {c["kind"] for c in rows["content"]} == {"qa", "video"}
    assert any(c["approved_at"] is None for c in rows["content"])
    assert any(0 < b["refunded_amount"] < b["amount"] for b in rows["boost_purchases"])
    assert any(b["refunded_amount"] == 0 for b in rows["boost_purchases"])
    risk = Counter(r["merchant_id"] for r in rows["risk_points"])
    assert max(risk.values()) >= 3
    shared = Counter((r["merchant_id"], r["recorded_at"]) for r in rows["risk_points"])
    assert max(shared.values()) >= 2
    assert min(r["remaining"] for r in rows["risk_points"]) < 6


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_cells_use_the_documented_formats(csv_dir):
    folder, _ = csv_dir
    for table, columns in SCHEMA.items():
        lines = (folder / f"{table}.csv").read_text(encoding="utf-8").splitlines()
        assert lines[0].split(",") == [name for name, _, _ in columns]
        sample = [line.split(",") for line in lines[1:2000]]
        for i, (name, kind, optional) in enumerate(columns):
            cells = [cells[i] for cells in sample]
            if kind == "timestamp":
                bad = [c for c in cells if not (CSV_TIMESTAMP.match(c) or optional and c == "")]
                assert not bad, (table, name, bad[:3])
            if kind == "bool":
                assert set(cells) <= {"true", "false"}, (table, name)
            if not optional:
                assert "" not in cells, (table, name)


def test_csv_edge_instants_are_rendered_exactly(csv_dir):
    text = (csv_dir[0] / "orders.csv").read_text(encoding="utf-8")
    assert ",2024-06-02T15:59:59.999999Z," in text
    assert ",2024-06-03T00:00:00.000000Z," in text


def test_csv_holds_the_same_data_as_parquet(csv_dir, data):
    folder, _ = csv_dir
    for table, columns in SCHEMA.items():
        types = {name: ARROW[kind] for name, kind, _ in columns}
        options = pcsv.ConvertOptions(column_types=types, strings_can_be_null=True)
        read = pcsv.read_csv(folder / f"{table}.csv", convert_options=options)
        for name, _, _ in columns:
            expected = data[table][name].combine_chunks()
            assert read[name].combine_chunks().equals(expected), (table, name)


def test_dates_and_anchors_are_validated(tmp_path):
    with pytest.raises(ValueError, match="anchor"):
        generate_sample(tmp_path, merchants=40, start=date(2024, 5, 1))
    counts = generate_sample(tmp_path, merchants=40, start=date(2024, 5, 1), anchors=())
    assert counts["merchants"] == 40
