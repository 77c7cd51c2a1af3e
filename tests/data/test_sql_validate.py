"""Tests of rubric.data.sql_validate: the loader's validation, run by DuckDB over the files.

The main property: on the same bad folder, `validate_folder` reports the same problems as
`rubric.data.load.load_dataset` (file, column, rows, message and fix), in the same order.
The data model and clean data are those of tests/data/test_load.py (copied, so that the two
test modules stay independent).
"""

from __future__ import annotations

import tracemalloc
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import rubric
from rubric.data.errors import DataError, DataProblem
from rubric.data.load import load_dataset
from rubric.data.sql_validate import validate_folder
from rubric.ir.schema import Column, ColumnType, DataModel, Table
from rubric.sample.generate import generate_sample

T = ColumnType


def _col(name, type_, **kw) -> Column:
    return Column(name=name, type=type_, **kw)


MODEL = DataModel(
    name="commerce",
    tables=(
        Table(name="merchants", singular="merchant", key=("merchant_id",), created_by="opened_at", columns=(
            _col("merchant_id", T.ID),
            _col("opened_at", T.TIMESTAMP),
            _col("region", T.LABEL, values=("US", "UK", "EU", "SEA", "MENA", "CN")),
            _col("category", T.TEXT),
            _col("identity_verified", T.BOOL),
            _col("strength_verified", T.BOOL),
        )),
        Table(name="orders", singular="order", key=("order_id",), created_by="paid_at", excluded_by="is_fraud",
              columns=(
                  _col("order_id", T.ID),
                  _col("merchant_id", T.ID, references="merchants"),
                  _col("paid_at", T.TIMESTAMP),
                  _col("promised_ship_by", T.TIMESTAMP, nullable=True, planned=True),
                  _col("shipped_at", T.TIMESTAMP, nullable=True),
                  _col("delivery_exception", T.BOOL),
                  _col("amount", T.MONEY),
                  _col("is_fraud", T.BOOL),
              )),
        Table(name="reviews", singular="review", key=("review_id",), created_by="rated_at", columns=(
            _col("review_id", T.ID),
            _col("order_id", T.ID, references="orders"),
            _col("merchant_id", T.ID, references="merchants"),
            _col("rated_at", T.TIMESTAMP),
            _col("stars", T.INT, minimum=1, maximum=5),
        )),
        Table(name="products", singular="product", key=("product_id",), columns=(
            _col("product_id", T.ID),
            _col("merchant_id", T.ID, references="merchants"),
            _col("on_sale", T.BOOL),
            _col("star_rating", T.INT, minimum=1, maximum=5),
            _col("duplicate_of", T.ID, nullable=True, references="products"),
        )),
        Table(name="risk_points", singular="risk_point", created_by="recorded_at", columns=(
            _col("merchant_id", T.ID, references="merchants"),
            _col("recorded_at", T.TIMESTAMP),
            _col("remaining", T.INT, minimum=0, maximum=12),
        )),
    ),
)

CLEAN = {
    "merchants": [
        "merchant_id,opened_at,region,category,identity_verified,strength_verified",
        "m1,2023-01-05T08:00:00Z,US,fashion,true,false",
        "m2,2023-03-01T00:00:00.5Z,SEA,home,FALSE,True",
    ],
    "orders": [
        "order_id,merchant_id,paid_at,promised_ship_by,shipped_at,delivery_exception,amount,is_fraud",
        "o1,m1,2024-06-01T10:00:00Z,2024-06-02T10:00:00Z,2024-06-01T20:00:00.123456Z,false,19.99,false",
        "o2,m1,2024-06-01T11:00:00Z,,,false,5,true",
        "o3,m2,2024-06-02T09:30:00Z,2024-06-03T09:30:00Z,2024-06-02T12:00:00Z,true,-2.5e1,false",
    ],
    "reviews": [
        "review_id,order_id,merchant_id,rated_at,stars",
        "r1,o1,m1,2024-06-03T00:00:00Z,5",
        "r2,o3,m2,2024-06-04T00:00:00Z,1",
    ],
    "products": [
        "product_id,merchant_id,on_sale,star_rating,duplicate_of",
        "p1,m1,true,4,",
        "p2,m1,false,5,p1",
        "p3,m2,true,3,",
    ],
    "risk_points": [
        "merchant_id,recorded_at,remaining",
        "m1,2024-05-01T00:00:00Z,12",
        "m1,2024-05-01T00:00:00Z,9",
    ],
}


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def write_csv(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / f"{name}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def csv_folder(tmp_path: Path, **replace: list[str] | None) -> Path:
    for name, lines in {**CLEAN, **replace}.items():
        if lines is not None:
            write_csv(tmp_path, name, lines)
    return tmp_path


def with_row(name: str, *rows: str) -> list[str]:
    return CLEAN[name] + list(rows)


def clean_parquet_tables() -> dict[str, pa.Table]:
    utc = pa.timestamp("us", tz="UTC")
    return {
        "merchants": pa.table({
            "merchant_id": ["m1", "m2"],
            "opened_at": pa.array([_ts("2023-01-05T08:00:00Z"), _ts("2023-03-01T00:00:00.5Z")], utc),
            "region": pa.array(["US", "SEA"]).dictionary_encode(),
            "category": ["fashion", "home"],
            "identity_verified": [True, False],
            "strength_verified": [False, True],
        }),
        "orders": pa.table({
            "order_id": ["o1", "o2", "o3"],
            "merchant_id": ["m1", "m1", "m2"],
            "paid_at": pa.array([_ts("2024-06-01T10:00:00Z"), _ts("2024-06-01T11:00:00Z"),
                                 _ts("2024-06-02T09:30:00Z")], pa.timestamp("ns", tz="UTC")),
            "promised_ship_by": pa.array([_ts("2024-06-02T10:00:00Z"), None, _ts("2024-06-03T09:30:00Z")], utc),
            "shipped_at": pa.array([_ts("2024-06-01T20:00:00.123456Z"), None, _ts("2024-06-02T12:00:00Z")],
                                   pa.timestamp("us", tz="Asia/Shanghai")),
            "delivery_exception": [False, False, True],
            "amount": [19.99, 5.0, -25.0],
            "is_fraud": [False, True, False],
        }),
        "reviews": pa.table({
            "review_id": ["r1", "r2"],
            "order_id": ["o1", "o3"],
            "merchant_id": ["m1", "m2"],
            "rated_at": pa.array([_ts("2024-06-03T00:00:00Z"), _ts("2024-06-04T00:00:00Z")], utc),
            "stars": pa.array([5, 1], pa.int8()),
        }),
        "products": pa.table({
            "product_id": ["p1", "p2", "p3"],
            "merchant_id": ["m1", "m1", "m2"],
            "on_sale": [True, False, True],
            "star_rating": pa.array([4, 5, 3], pa.int32()),
            "duplicate_of": pa.array([None, "p1", None], pa.string()),
        }),
        "risk_points": pa.table({
            "merchant_id": ["m1", "m1"],
            "recorded_at": pa.array([_ts("2024-05-01T00:00:00Z")] * 2, utc),
            "remaining": pa.array([12, 9], pa.uint8()),
        }),
    }


def parquet_folder(tmp_path: Path, **replace: pa.Table | None) -> Path:
    for name, table in {**clean_parquet_tables(), **replace}.items():
        if table is not None:
            pq.write_table(table, tmp_path / f"{name}.parquet")
    return tmp_path


def _replace(name: str, column: str, array: pa.Array) -> pa.Table:
    table = clean_parquet_tables()[name]
    return table.set_column(table.column_names.index(column), column, array)


def sql_problems(folder: Path, model=MODEL, needs=None, con=None) -> list[DataProblem]:
    with pytest.raises(DataError) as info:
        validate_folder(model, folder, needs, con=con)
    return info.value.problems


def loader_problems(folder: Path, model=MODEL, needs=None) -> list[DataProblem]:
    with pytest.raises(DataError) as info:
        load_dataset(model, folder, needs)
    return info.value.problems


def same_as_loader(folder: Path, model=MODEL, needs=None) -> list[DataProblem]:
    """The SQL validator's problems, asserted equal to the loader's (every field, in order)."""
    got, expected = sql_problems(folder, model, needs), loader_problems(folder, model, needs)
    assert [p.render() for p in got] == [p.render() for p in expected]
    assert got == expected
    return got


class CountingConnection:
    """A DuckDB connection that counts the queries it is given (the validator uses `sql`)."""

    def __init__(self):
        self.con = duckdb.connect()
        self.queries: list[str] = []

    def sql(self, query: str):
        self.queries.append(query)
        return self.con.sql(query)


# --- clean data -------------------------------------------------------------------------------


def test_clean_csv_and_parquet_folders_pass(tmp_path):
    (tmp_path / "csv").mkdir()
    (tmp_path / "pq").mkdir()
    assert validate_folder(MODEL, csv_folder(tmp_path / "csv")) is None
    assert validate_folder(MODEL, parquet_folder(tmp_path / "pq")) is None


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_generated_sample_passes_for_the_model_and_for_a_program(tmp_path, fmt):
    generate_sample(tmp_path, merchants=40, seed=3, fmt=fmt)
    program = rubric.compile_file(rubric.shipped_rules_dir() / "douyin_experience_score.rubric")
    assert program.needs, "the program reads some columns"
    validate_folder(program, tmp_path)  # the program's needs
    validate_folder(program.data, tmp_path)  # every declared table and column


def test_a_few_queries_not_one_per_check(tmp_path):
    con = CountingConnection()
    validate_folder(MODEL, csv_folder(tmp_path), con=con)
    # one aggregate query per table, one per table that refers to others; no row fetches
    with_references = [t for t in MODEL.tables if any(c.references for c in t.columns)]
    assert len(con.queries) == len(MODEL.tables) + len(with_references)
    assert all("count(*) FILTER" in q for q in con.queries)


def test_many_failed_checks_in_a_table_are_fetched_by_one_query(tmp_path):
    bad = "o4,m1,2024-06-01T10:00:00,2024-02-30T00:00:00Z,,maybe,nan,"
    con = CountingConnection()
    problems = sql_problems(csv_folder(tmp_path, orders=with_row("orders", bad)), con=con)
    assert [p.column for p in problems] == ["paid_at", "promised_ship_by", "delivery_exception", "amount", "is_fraud"]
    orders = [q for q in con.queries if "orders.csv" in q and "reviews.csv" not in q]
    assert len(orders) == 3  # counts, first rows of the failed checks, references


# --- files and columns ------------------------------------------------------------------------


def test_missing_data_folder_and_a_folder_that_is_a_file(tmp_path):
    same_as_loader(tmp_path / "nowhere")
    (tmp_path / "data.zip").write_bytes(b"PK")
    same_as_loader(tmp_path / "data.zip")


def test_missing_table_file(tmp_path):
    [problem] = same_as_loader(csv_folder(tmp_path, products=None))
    assert problem.file == str(tmp_path / "products.csv")


def test_missing_table_file_suggests_a_misspelled_file(tmp_path):
    folder = csv_folder(tmp_path, products=None)
    write_csv(folder, "product", CLEAN["products"])
    [problem] = same_as_loader(folder)
    assert "did you mean product.csv?" in problem.fix


def test_missing_column_with_did_you_mean(tmp_path):
    lines = ["review_id,order_id,merchant_id,ratedat,stars"] + CLEAN["reviews"][1:]
    [problem] = same_as_loader(csv_folder(tmp_path, reviews=lines))
    assert "did you mean `ratedat`?" in problem.fix


def test_missing_column_in_parquet(tmp_path):
    same_as_loader(parquet_folder(tmp_path, reviews=clean_parquet_tables()["reviews"].drop_columns(["stars"])))


def test_a_column_named_twice_in_the_header(tmp_path):
    lines = ["merchant_id,recorded_at,remaining,remaining"] + [line + ",1" for line in CLEAN["risk_points"][1:]]
    same_as_loader(csv_folder(tmp_path, risk_points=lines))


def test_unreadable_files_become_problems(tmp_path):
    folder = csv_folder(tmp_path, reviews=["review_id,order_id,merchant_id,rated_at,stars", "r1,o1,m1"])
    (folder / "products.parquet").write_bytes(b"PAR1 this is not parquet")
    got, expected = sql_problems(folder), loader_problems(folder)
    # the same problems; only the reader's own words after "cannot read x: " differ for CSV
    assert [(p.file, p.column, p.rows, p.fix) for p in got] == [(p.file, p.column, p.rows, p.fix) for p in expected]
    by_file = {Path(p.file).name: p for p in got}
    assert by_file["reviews.csv"].message.startswith("cannot read reviews.csv: ")
    assert "Expected Number of Columns: 5 Found: 3" in by_file["reviews.csv"].message
    assert "Possible fixes" not in by_file["reviews.csv"].message
    assert by_file["products.parquet"] == {Path(p.file).name: p for p in expected}["products.parquet"]


def test_empty_csv_file(tmp_path):
    folder = csv_folder(tmp_path)
    (folder / "risk_points.csv").write_text("")
    same_as_loader(folder)


# --- CSV values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "row"),
    [
        ("orders", "o4,m1,yesterday,,,false,1,false"),  # not ISO 8601
        ("orders", "o4,m1,2024-06-01T10:00:00.1234567Z,,,false,1,false"),  # 7 fractional digits
        ("orders", "o4,m1,2024-06-01T10:00:00,,,false,1,false"),  # no time zone
        ("orders", "o4,m1,2024-02-30T10:00:00Z,,,false,1,false"),  # impossible day
        ("orders", "o4,m1,2023-02-29T10:00:00+08:00,,,false,1,false"),  # not a leap year
        ("orders", "o4,m1,2024-06-01T10:00:00Z,,,no,1,false"),  # not a boolean
        ("reviews", "r3,o1,m1,2024-06-03T00:00:00Z,4.0"),  # not an integer
        ("reviews", "r3,o1,m1,2024-06-03T00:00:00Z, 4"),  # not an integer (a space)
        ("reviews", "r3,o1,m1,2024-06-03T00:00:00Z,1_0"),  # not an integer (DuckDB would cast it)
        ("reviews", "r3,o1,m1,2024-06-03T00:00:00Z,99999999999999999999"),  # beyond int64
        ("orders", "o4,m1,2024-06-01T10:00:00Z,,,false,12.5 USD,false"),  # not a number
        ("orders", "o4,m1,2024-06-01T10:00:00Z,,,false,nan,false"),  # NaN
        ("orders", "o4,m1,2024-06-01T10:00:00Z,,,false,-inf,false"),  # infinity
        ("orders", "o4,m1,2024-06-01T10:00:00Z,,,false,1e400,false"),  # overflows to infinity
        ("merchants", "m3,2023-01-05T08:00:00Z,us,toys,true,true"),  # label outside its values
        ("merchants", "m3,2023-01-05T08:00:00Z,\"it's\",toys,true,true"),  # a quote in the value
    ],
)
def test_csv_value_is_named_with_its_row(tmp_path, table, row):
    lines = with_row(table, row)
    [problem] = same_as_loader(csv_folder(tmp_path, **{table: lines}))
    assert problem.rows == (len(lines) - 1,)


def test_csv_values_that_convert(tmp_path):
    folder = csv_folder(tmp_path, risk_points=[
        "merchant_id,recorded_at,remaining",
        "m1,2024-06-02T08:00:00+08:00,1",
        "m1,2024-06-01T19:30:00.5-04:30,+2",
        "m1,2024-06-02T00:00:00.000001Z,003",
    ], orders=with_row("orders", "o4,m1,2024-06-01T10:00:00Z,,,TRUE,.5e1,False"))
    validate_folder(MODEL, folder)
    load_dataset(MODEL, folder)


def test_first_five_rows_are_named_and_the_total_counted(tmp_path):
    rows = [f"m1,2024-05-01 {i},3" for i in range(8)]
    [problem] = same_as_loader(csv_folder(tmp_path, risk_points=with_row("risk_points", *rows)))
    assert problem.rows == (3, 4, 5, 6, 7)
    assert problem.message.endswith("(8 rows in all)")


def test_quoted_fields_spanning_lines_do_not_shift_row_numbers(tmp_path):
    lines = with_row("merchants", 'm3,2023-01-05T08:00:00Z,US,"two\nlines",true,true',
                     "m4,2023-01-05T08:00:00Z,Mars,x,true,true")
    [problem] = same_as_loader(csv_folder(tmp_path, merchants=lines))
    assert problem.rows == (4,)


def test_bad_values_are_found_across_large_columns(tmp_path):
    good = "m1,2024-05-01T00:00:00Z,3"
    rows = [good] * 300_000
    rows[123_456] = "m1,2024-02-31T00:00:00Z,3"
    rows[250_001] = "m1,2023-02-29T00:00:00Z,3"
    rows[299_999] = "m1,2024-05-01T00:00:00Z,13"  # a value check, reported only once the column converts
    folder = csv_folder(tmp_path, risk_points=with_row("risk_points", *rows))
    problems = same_as_loader(folder)
    assert [(p.column, p.rows) for p in problems] == [("recorded_at", (123_459, 250_004)),
                                                      ("remaining", (300_002,))]


# --- Parquet types and values -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column", "array"),
    [
        ("reviews", "rated_at", pa.array([datetime(2024, 6, 3), datetime(2024, 6, 4)], pa.timestamp("us"))),
        ("reviews", "rated_at", pa.array(["2024-06-03T00:00:00Z"] * 2)),
        ("reviews", "stars", pa.array([5.0, 1.0])),
        ("reviews", "review_id", pa.array([1, 2])),
        ("merchants", "identity_verified", pa.array([1, 0])),
        ("orders", "amount", pa.array(["1", "2", "3"])),
    ],
)
def test_parquet_type_is_checked(tmp_path, table, column, array):
    [problem] = same_as_loader(parquet_folder(tmp_path, **{table: _replace(table, column, array)}))
    assert (problem.column, problem.rows) == (column, ())


def test_parquet_nan_and_infinity_are_refused(tmp_path):
    amounts = pa.array([1.0, float("nan"), float("inf")])
    [problem] = same_as_loader(parquet_folder(tmp_path, orders=_replace("orders", "amount", amounts)))
    assert (problem.column, problem.rows) == ("amount", (2, 3))


def test_parquet_sub_microsecond_timestamps_are_refused(tmp_path):
    paid = pa.array([1_717_236_000_000_000_000, 1_717_236_000_000_000_001, 1_717_236_000_000_001_000],
                    pa.timestamp("ns", tz="UTC"))
    [problem] = same_as_loader(parquet_folder(tmp_path, orders=_replace("orders", "paid_at", paid)))
    assert (problem.column, problem.rows) == ("paid_at", (2,))


def test_parquet_int_too_large_for_int64(tmp_path):
    stars = pa.array([5, 2**64 - 1], pa.uint64())
    [problem] = same_as_loader(parquet_folder(tmp_path, reviews=_replace("reviews", "stars", stars)))
    assert "18446744073709551615" in problem.message


def test_parquet_all_null_column_of_null_type(tmp_path):
    validate_folder(MODEL, parquet_folder(tmp_path, products=_replace("products", "duplicate_of", pa.nulls(3))))
    same_as_loader(parquet_folder(tmp_path, products=_replace("products", "star_rating", pa.nulls(3))))


def test_parquet_values_outside_the_declared_range_and_labels(tmp_path):
    region = pa.array(["US", "Mars"]).dictionary_encode()
    remaining = pa.array([12, 13], pa.uint8())
    amounts = pa.array([float("nan"), 1.0, 2.0])  # NaN is no range problem, only a NaN problem
    folder = parquet_folder(tmp_path, merchants=_replace("merchants", "region", region),
                            risk_points=_replace("risk_points", "remaining", remaining),
                            orders=_replace("orders", "amount", amounts))
    problems = same_as_loader(folder)
    assert [p.column for p in problems] == ["region", "amount", "remaining"]


def test_null_in_a_required_column(tmp_path):
    lines = with_row("orders", "o4,m1,,,,false,,false", "o5,m2,,,,,1,false")
    problems = same_as_loader(csv_folder(tmp_path, orders=lines))
    assert [(p.column, p.rows) for p in problems] == [("paid_at", (4, 5)), ("delivery_exception", (5,)),
                                                      ("amount", (4,))]


def test_null_in_a_required_parquet_column(tmp_path):
    same_as_loader(parquet_folder(tmp_path, reviews=_replace("reviews", "stars", pa.array([None, 3], pa.int64()))))


def test_value_outside_the_declared_range(tmp_path):
    lines = with_row("risk_points", "m1,2024-05-02T00:00:00Z,13", "m1,2024-05-02T00:00:00Z,-1")
    [problem] = same_as_loader(csv_folder(tmp_path, risk_points=lines))
    assert problem.message == "column `remaining` holds '13', outside the declared range 0..12"


# --- keys and references ----------------------------------------------------------------------


def test_duplicate_key_shows_the_value_and_its_rows(tmp_path):
    lines = with_row("orders", "o2,m1,2024-06-01T12:00:00Z,,,false,1,false",
                     "o1,m1,2024-06-01T12:00:00Z,,,false,1,false", "o2,m2,2024-06-01T12:00:00Z,,,false,1,false")
    [problem] = same_as_loader(csv_folder(tmp_path, orders=lines))
    assert problem.rows == (1, 5)


def test_duplicate_key_seen_many_times(tmp_path):
    rows = [f"m1,2023-01-05T08:00:00Z,US,x{i},true,true" for i in range(7)]
    [problem] = same_as_loader(csv_folder(tmp_path, merchants=with_row("merchants", *rows)))
    assert problem.message.endswith("appears 8 times (8 rows in all)")


def test_duplicate_key_in_parquet(tmp_path):
    table = clean_parquet_tables()["products"]
    twice = pa.concat_tables([table, table.slice(1, 1)])
    same_as_loader(parquet_folder(tmp_path, products=twice))


def test_duplicate_multi_column_key(tmp_path):
    model = DataModel(name="m", tables=(
        MODEL.table("merchants"),
        Table(name="daily", singular="day", key=("merchant_id", "day"), columns=(
            _col("merchant_id", T.ID, references="merchants"),
            _col("day", T.TIMESTAMP),
            _col("gmv", T.NUMBER, minimum=0),
        )),
    ))
    folder = csv_folder(tmp_path, orders=None, reviews=None, products=None, risk_points=None)
    write_csv(folder, "daily", ["merchant_id,day,gmv", "m1,2024-06-01T00:00:00Z,1", "m2,2024-06-01T00:00:00Z,2",
                                "m1,2024-06-01T00:00:00+00:00,3", "m1,2024-06-02T00:00:00Z,-0.5", "m1,,4"])
    problems = same_as_loader(folder, model=model)
    assert [(p.column, p.rows) for p in problems] == [("day", (5,)), ("gmv", (4,)), ("merchant_id, day", (1, 3))]


def test_merchant_id_not_in_merchants(tmp_path):
    [problem] = same_as_loader(csv_folder(tmp_path, products=with_row("products", "p4,m9,true,4,", "p5,m9,true,4,")))
    assert problem.rows == (4, 5)


def test_event_whose_order_is_not_in_orders(tmp_path):
    same_as_loader(csv_folder(tmp_path, reviews=with_row("reviews", "r3,o404,m1,2024-06-03T00:00:00Z,4")))


def test_event_whose_order_belongs_to_another_merchant(tmp_path):
    [problem] = same_as_loader(csv_folder(tmp_path, reviews=with_row("reviews", "r3,o3,m1,2024-06-03T00:00:00Z,4")))
    assert problem.message == ("column `order_id` holds 'o3', an order of merchant_id 'm2' in orders.csv, "
                               "but the row's merchant_id is 'm1'")


def test_references_in_parquet(tmp_path):
    reviews = pa.table({"review_id": ["r1", "r2", "r3"], "order_id": ["o1", "o3", "o404"],
                        "merchant_id": ["m1", "m1", "m9"],
                        "rated_at": pa.array([_ts("2024-06-03T00:00:00Z")] * 3, pa.timestamp("us", tz="UTC")),
                        "stars": [5, 1, 2]})
    problems = same_as_loader(parquet_folder(tmp_path, reviews=reviews))
    assert [(p.column, p.rows) for p in problems] == [("order_id", (3,)), ("order_id", (2,)), ("merchant_id", (3,))]


def test_self_reference_must_exist(tmp_path):
    [problem] = same_as_loader(csv_folder(tmp_path, products=with_row("products", "p4,m2,true,2,p99")))
    assert problem.column == "duplicate_of"
    validate_folder(MODEL, csv_folder(tmp_path, products=with_row("products", "p4,m2,true,2,p1")))


def test_integrity_checks_skip_a_table_that_failed(tmp_path):
    merchants = ["id,opened_at,region,category,identity_verified,strength_verified",
                 "m1,2023-01-05T08:00:00Z,US,x,true,true"]
    orders_lines = CLEAN["orders"][:1] + ["o1,m1,2024-06-01T10:00:00Z,,,false,1,false"]
    folder = csv_folder(tmp_path, merchants=merchants, orders=orders_lines,
                        reviews=with_row("reviews", "r3,o404,m7,2024-06-03T00:00:00Z,4"))
    same_as_loader(folder)


def test_an_order_with_a_duplicated_key_is_not_used_to_match_merchants(tmp_path):
    orders = with_row("orders", "o1,m2,2024-06-01T10:00:00Z,,,false,1,false")
    [problem] = same_as_loader(csv_folder(tmp_path, orders=orders))
    assert problem.rows == (1, 4)


def test_all_problems_across_all_files_are_reported_together(tmp_path):
    folder = csv_folder(
        tmp_path,
        merchants=with_row("merchants", "m3,2023-01-05T08:00:00,Moon,x,yes,true"),
        orders=with_row("orders", "o4,m9,2024-06-01T10:00:00Z,,,false,inf,false"),
        risk_points=None,
    )
    assert len(same_as_loader(folder)) == 6


# --- needs ------------------------------------------------------------------------------------


def test_needs_does_not_check_columns_it_does_not_read(tmp_path):
    folder = csv_folder(tmp_path, orders=with_row("orders", "o4,m1,2024-06-01T10:00:00Z,,,maybe,1,false"))
    validate_folder(MODEL, folder, needs={"orders": {"amount"}})
    same_as_loader(folder, needs={"orders": {"delivery_exception"}})


def test_needs_adds_keys_references_and_referenced_tables(tmp_path):
    # products is not read, so its bad row is not seen; the order's merchant is checked
    folder = csv_folder(tmp_path, products=with_row("products", "p4,m9,maybe,9,"),
                        orders=with_row("orders", "o4,m9,2024-06-01T10:00:00Z,,,maybe,1,false"))
    [problem] = same_as_loader(folder, needs={"reviews": {"stars"}})
    assert (problem.column, problem.rows) == ("merchant_id", (4,))


def test_needs_naming_an_undeclared_column_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError, match="starz"):
        validate_folder(MODEL, csv_folder(tmp_path), needs={"reviews": {"starz"}})


# --- names from outside are never SQL -----------------------------------------------------------


def test_hostile_table_and_column_names_are_only_data(tmp_path):
    table_name = "x'); DROP TABLE canary; --"
    column_name = 'y"; DROP TABLE canary; SELECT "'
    label = "it's'); DROP TABLE canary; --"
    model = DataModel(name="m", entity=table_name, tables=(
        Table(name=table_name, singular="thing", key=(column_name,), columns=(
            _col(column_name, T.ID),
            _col("kind", T.LABEL, values=(label, "plain")),
            _col("n", T.INT, minimum=0),
        )),
    ))
    write_csv(tmp_path, table_name, [f'"{column_name.replace(chr(34), 2 * chr(34))}",kind,n',
                                     f'a,"{label}",1', "a,plain,2", "b,other,-1"])
    con = duckdb.connect()
    con.execute("CREATE TABLE canary AS SELECT 42 AS alive")
    problems = sql_problems(tmp_path, model=model, con=con)
    assert problems == loader_problems(tmp_path, model=model)
    assert [(p.column, p.rows) for p in problems] == [("kind", (3,)), ("n", (3,)), (column_name, (1, 2))]
    assert con.execute("SELECT alive FROM canary").fetchall() == [(42,)]
    assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchone() == (0,)


def test_hostile_parquet_column_names(tmp_path):
    name = 'c0"; DROP TABLE canary; --'
    model = DataModel(name="m", entity="things", tables=(
        Table(name="things", singular="thing", key=(name,), columns=(_col(name, T.ID), _col("C0", T.INT))),
    ))
    # "C0" and c0-like names collide with nothing: columns are renamed by position
    pq.write_table(pa.table({"C0": [1, None], name: ["a", "a"]}), tmp_path / "things.parquet")
    con = duckdb.connect()
    con.execute("CREATE TABLE canary AS SELECT 1 AS alive")
    problems = sql_problems(tmp_path, model=model, con=con)
    assert problems == loader_problems(tmp_path, model=model)
    assert [p.column for p in problems] == ["C0", name]
    assert con.execute("SELECT alive FROM canary").fetchall() == [(1,)]


def test_a_one_column_csv_skips_blank_lines_like_arrow(tmp_path):
    model = DataModel(name="m", entity="tags", tables=(
        Table(name="tags", singular="tag", key=("tag",), columns=(_col("tag", T.ID),)),
    ))
    (tmp_path / "tags.csv").write_text('tag\na\n\n""\nb\n\na\n', encoding="utf-8")
    problems = same_as_loader(tmp_path, model=model)
    assert [(p.column, p.rows) for p in problems] == [("tag", (2,)), ("tag", (1, 4))]  # "" is null; a twice


def test_csv_layout_details_read_like_arrow(tmp_path):
    # a byte order mark, Windows line ends, blank lines before the header and between rows
    lines = "\r\n".join(["", ""] + with_row("risk_points", "", "m1,2024-05-02T00:00:00Z,13")) + "\r\n"
    folder = csv_folder(tmp_path)
    (folder / "risk_points.csv").write_bytes(b"\xef\xbb\xbf" + lines.encode())
    [problem] = same_as_loader(folder)
    assert (problem.column, problem.rows) == ("remaining", (3,))


def test_a_bad_byte_below_the_header_is_an_unreadable_file(tmp_path):
    folder = csv_folder(tmp_path)
    (folder / "risk_points.csv").write_bytes("\n".join(CLEAN["risk_points"]).encode() + b"\nm1,\xff,3\n")
    [problem] = sql_problems(folder)
    [expected] = loader_problems(folder)
    assert (problem.file, problem.column, problem.rows, problem.fix) == (
        expected.file, expected.column, expected.rows, expected.fix)
    assert problem.message.startswith("cannot read risk_points.csv: ") and "unicode" in problem.message


def test_glob_characters_in_a_file_name_read_that_file_only(tmp_path):
    model = DataModel(name="m", entity="s*", tables=(
        Table(name="s*", singular="s", key=("id",), columns=(_col("id", T.ID),)),
        Table(name="g[1]", singular="g", columns=(_col("id", T.ID, references="s*"),)),
    ))
    write_csv(tmp_path, "s*", ["id", "a"])
    write_csv(tmp_path, "sx", ["id", "a"])  # would duplicate the key if `s*` were a pattern
    write_csv(tmp_path, "g[1]", ["id", "a"])
    write_csv(tmp_path, "g1", ["id", "zzz"])  # would be a dangling reference if `g[1]` were a pattern
    validate_folder(model, tmp_path)
    load_dataset(model, tmp_path)


# --- rows stay in DuckDB ----------------------------------------------------------------------


def test_two_million_rows_are_checked_without_reading_rows_into_python(tmp_path):
    model = DataModel(name="m", entity="events", tables=(
        Table(name="events", singular="event", key=("event_id",), columns=(
            _col("event_id", T.ID),
            _col("at", T.TIMESTAMP),
            _col("kind", T.LABEL, values=("a", "b")),
            _col("score", T.INT, minimum=0, maximum=100),
            _col("amount", T.MONEY),
        )),
    ))
    path = tmp_path / "events.parquet"
    with duckdb.connect() as writer:  # written by DuckDB: the rows never pass through Python
        writer.execute(f"""
            COPY (SELECT 'e' || CASE WHEN i = 1999999 THEN 7 ELSE i END AS event_id,
                         make_timestamptz(1717200000000000 + i * 1000000) AS at,
                         CASE WHEN i = 1500000 THEN 'c' WHEN i % 2 = 0 THEN 'a' ELSE 'b' END AS kind,
                         CASE WHEN i IN (1234567, 1900000) THEN 101 ELSE i % 100 END AS score,
                         i / 100.0 AS amount
                  FROM range(2000000) AS t(i)) TO '{path}' (FORMAT parquet)""")
    arrow_before = pa.total_allocated_bytes()
    tracemalloc.start()
    try:
        with pytest.raises(DataError) as info:
            validate_folder(model, tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20, f"Python allocated {peak / 2**20:.1f} MB"
    assert pa.total_allocated_bytes() - arrow_before < 2**20  # no Arrow table of the rows either
    assert [(p.column, p.rows) for p in info.value.problems] == [
        ("kind", (1_500_001,)), ("score", (1_234_568, 1_900_001)), ("event_id", (8, 2_000_000))]
    # the probe sees a read of the rows: reading one column through Arrow exceeds the bound
    before = pa.total_allocated_bytes()
    column = pq.read_table(path, columns=["score"])
    assert pa.total_allocated_bytes() - before > 2**20
    del column
