"""Tests of rubric.data.load: a folder of CSV or Parquet files validated against a DataModel.

The data model is built by hand (a realistic subset of rules/commerce.rubric), so these
tests do not depend on the rubric compiler.
"""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rubric.data.errors import DataError, DataProblem
from rubric.data.load import ARROW_TYPES, load_dataset
from rubric.ir.schema import Column, ColumnType, DataModel, Table

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

# Clean data, as CSV text: one header line, then data rows.
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


def csv_folder(tmp_path: Path, **replace: list[str]) -> Path:
    """The clean data set as CSV, with some tables replaced (None: left out)."""
    for name, lines in {**CLEAN, **replace}.items():
        if lines is not None:
            write_csv(tmp_path, name, lines)
    return tmp_path


def with_row(name: str, *rows: str) -> list[str]:
    return CLEAN[name] + list(rows)


def expected_schema(table: Table) -> pa.Schema:
    return pa.schema([(c.name, ARROW_TYPES[c.type]) for c in table.columns])


def clean_parquet_tables() -> dict[str, pa.Table]:
    """The clean data set as typed Arrow tables, written the way a typical exporter would."""
    utc = pa.timestamp("us", tz="UTC")
    return {
        "merchants": pa.table({
            "merchant_id": ["m1", "m2"],
            "opened_at": pa.array([_ts("2023-01-05T08:00:00Z"), _ts("2023-03-01T00:00:00.5Z")], utc),
            "region": pa.array(["US", "SEA"]).dictionary_encode(),  # dictionary strings are fine
            "category": ["fashion", "home"],
            "identity_verified": [True, False],
            "strength_verified": [False, True],
        }),
        "orders": pa.table({
            "order_id": ["o1", "o2", "o3"],
            "merchant_id": ["m1", "m1", "m2"],
            # nanoseconds with a whole number of microseconds, as pandas writes them
            "paid_at": pa.array([_ts("2024-06-01T10:00:00Z"), _ts("2024-06-01T11:00:00Z"),
                                 _ts("2024-06-02T09:30:00Z")], pa.timestamp("ns", tz="UTC")),
            "promised_ship_by": pa.array([_ts("2024-06-02T10:00:00Z"), None, _ts("2024-06-03T09:30:00Z")], utc),
            # another zone: the same instants, read as UTC
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
            "stars": pa.array([5, 1], pa.int8()),  # any integer width
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


def parquet_folder(tmp_path: Path, **replace: pa.Table) -> Path:
    for name, table in {**clean_parquet_tables(), **replace}.items():
        pq.write_table(table, tmp_path / f"{name}.parquet")
    return tmp_path


def problems_of(folder: Path, model: DataModel = MODEL, needs=None) -> list[DataProblem]:
    with pytest.raises(DataError) as info:
        load_dataset(model, folder, needs)
    return info.value.problems


def only_problem(folder: Path, **kw) -> DataProblem:
    problems = problems_of(folder, **kw)
    assert len(problems) == 1, "\n".join(p.render() for p in problems)
    return problems[0]


# --- clean data -------------------------------------------------------------------------------


def test_clean_csv_folder_loads_with_normalized_types(tmp_path):
    tables = load_dataset(MODEL, csv_folder(tmp_path))
    assert list(tables) == ["merchants", "orders", "reviews", "products", "risk_points"]
    for table in MODEL.tables:
        assert tables[table.name].schema == expected_schema(table), table.name
    orders = tables["orders"]
    assert orders["amount"].to_pylist() == [19.99, 5.0, -25.0]
    assert orders["shipped_at"].to_pylist() == [_ts("2024-06-01T20:00:00.123456Z"), None, _ts("2024-06-02T12:00:00Z")]
    assert tables["merchants"]["identity_verified"].to_pylist() == [True, False]
    assert tables["merchants"]["strength_verified"].to_pylist() == [False, True]
    assert tables["products"]["duplicate_of"].to_pylist() == [None, "p1", None]
    assert tables["reviews"]["stars"].to_pylist() == [5, 1]


def test_clean_parquet_folder_loads_with_normalized_types(tmp_path):
    tables = load_dataset(MODEL, parquet_folder(tmp_path))
    for table in MODEL.tables:
        assert tables[table.name].schema == expected_schema(table), table.name
    assert tables["orders"]["shipped_at"].to_pylist()[0] == _ts("2024-06-01T20:00:00.123456Z")
    assert tables["merchants"]["region"].to_pylist() == ["US", "SEA"]
    assert tables["risk_points"]["remaining"].to_pylist() == [12, 9]


def test_csv_and_parquet_of_the_same_data_give_equal_tables(tmp_path):
    (tmp_path / "csv").mkdir()
    (tmp_path / "pq").mkdir()
    from_csv = load_dataset(MODEL, csv_folder(tmp_path / "csv"))
    from_parquet = load_dataset(MODEL, parquet_folder(tmp_path / "pq"))
    assert from_csv.keys() == from_parquet.keys()
    for name in from_csv:
        assert from_csv[name].equals(from_parquet[name]), name


def test_parquet_wins_when_both_files_exist(tmp_path):
    csv_folder(tmp_path, merchants=with_row("merchants", "m3,not a time,US,x,true,true"))
    pq.write_table(clean_parquet_tables()["merchants"], tmp_path / "merchants.parquet")
    assert load_dataset(MODEL, tmp_path)["merchants"].num_rows == 2


def test_offsets_and_fractions_are_converted_to_utc(tmp_path):
    folder = csv_folder(tmp_path, risk_points=[
        "merchant_id,recorded_at,remaining",
        "m1,2024-06-02T08:00:00+08:00,1",
        "m1,2024-06-01T19:30:00.5-04:30,+2",
        "m1,2024-06-02T00:00:00.000001Z,3",
    ])
    recorded = load_dataset(MODEL, folder)["risk_points"]["recorded_at"].to_pylist()
    assert recorded == [_ts("2024-06-02T00:00:00Z"), _ts("2024-06-02T00:00:00.5Z"), _ts("2024-06-02T00:00:00.000001Z")]
    assert all(t.utcoffset() == timedelta(0) for t in recorded)


def test_extra_columns_are_ignored(tmp_path):
    lines = [line + (",note" if i == 0 else ",anything at all") for i, line in enumerate(CLEAN["reviews"])]
    tables = load_dataset(MODEL, csv_folder(tmp_path, reviews=lines))
    assert tables["reviews"].column_names == ["review_id", "order_id", "merchant_id", "rated_at", "stars"]


# --- files and columns ------------------------------------------------------------------------


def test_missing_data_folder(tmp_path):
    problem = only_problem(tmp_path / "nowhere")
    assert problem.file == str(tmp_path / "nowhere")
    assert "does not exist" in problem.message
    assert "merchants.csv" in problem.fix


def test_missing_table_file_names_the_files_looked_for(tmp_path):
    problem = only_problem(csv_folder(tmp_path, products=None))
    assert problem.file == str(tmp_path / "products.csv")
    assert problem.column is None
    assert "products.parquet and products.csv" in problem.message
    assert "product_id, merchant_id, on_sale, star_rating, duplicate_of" in problem.fix


def test_missing_table_file_suggests_a_misspelled_file(tmp_path):
    folder = csv_folder(tmp_path, products=None)
    write_csv(folder, "product", CLEAN["products"])
    problem = only_problem(folder)
    assert "did you mean product.csv?" in problem.fix


def test_missing_column_lists_the_columns_found_and_suggests_a_name(tmp_path):
    lines = ["review_id,order_id,merchant_id,ratedat,stars"] + CLEAN["reviews"][1:]
    problem = only_problem(csv_folder(tmp_path, reviews=lines))
    assert (problem.file, problem.column, problem.rows) == (str(tmp_path / "reviews.csv"), "rated_at", ())
    assert "column `rated_at` is missing" in problem.message
    assert "review_id, order_id, merchant_id, ratedat, stars" in problem.message
    assert "did you mean `ratedat`?" in problem.fix


def test_missing_column_in_parquet(tmp_path):
    problem = only_problem(parquet_folder(tmp_path, reviews=clean_parquet_tables()["reviews"].drop_columns(["stars"])))
    assert (problem.file, problem.column) == (str(tmp_path / "reviews.parquet"), "stars")
    assert "add a column `stars` (int)" in problem.fix


def test_unreadable_files_become_problems(tmp_path):
    folder = csv_folder(tmp_path, reviews=["review_id,order_id,merchant_id,rated_at,stars", "r1,o1,m1"])
    (folder / "products.parquet").write_bytes(b"PAR1 this is not parquet")
    problems = problems_of(folder)
    assert {p.file for p in problems} == {str(folder / "reviews.csv"), str(folder / "products.parquet")}
    by_file = {Path(p.file).name: p for p in problems}
    assert by_file["reviews.csv"].message.startswith("cannot read reviews.csv: ")
    assert by_file["products.parquet"].message.startswith("cannot read products.parquet: ")
    assert "Parquet" in by_file["products.parquet"].fix


def test_empty_csv_file_is_a_problem(tmp_path):
    folder = csv_folder(tmp_path)
    (folder / "risk_points.csv").write_text("")
    problem = only_problem(folder)
    assert problem.message.startswith("cannot read risk_points.csv")


# --- CSV values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "row", "column", "message", "fix"),
    [
        ("orders", "o4,m1,yesterday,,,false,1,false", "paid_at",
         "column `paid_at` holds 'yesterday', which is not an ISO 8601 timestamp",
         "write timestamps in UTC like 2024-06-02T15:59:59.999999Z"),
        ("orders", "o4,m1,2024-06-01T10:00:00.1234567Z,,,false,1,false", "paid_at",
         "which is not an ISO 8601 timestamp", "at most 6 digits"),
        ("orders", "o4,m1,2024-06-01T10:00:00,,,false,1,false", "paid_at",
         "column `paid_at` holds '2024-06-01T10:00:00', a timestamp without a time zone", "add Z (UTC)"),
        ("orders", "o4,m1,2024-02-30T10:00:00Z,,,false,1,false", "paid_at",
         "column `paid_at` holds '2024-02-30T10:00:00Z', which is not a valid date and time", "real date"),
        ("orders", "o4,m1,2024-06-01T10:00:00Z,,,no,1,false", "delivery_exception",
         "column `delivery_exception` holds 'no', which is not a boolean", "write true or false"),
        ("reviews", "r3,o1,m1,2024-06-03T00:00:00Z,4.0", "stars",
         "column `stars` holds '4.0', which is not an integer", "whole numbers"),
        ("reviews", "r3,o1,m1,2024-06-03T00:00:00Z,99999999999999999999", "stars",
         "too large for a 64-bit integer", "9223372036854775807"),
        ("orders", "o4,m1,2024-06-01T10:00:00Z,,,false,12.5 USD,false", "amount",
         "column `amount` holds '12.5 USD', which is not a number", "12.5"),
        ("orders", "o4,m1,2024-06-01T10:00:00Z,,,false,nan,false", "amount",
         "column `amount` holds 'nan': NaN or infinity not allowed", "finite number"),
        ("orders", "o4,m1,2024-06-01T10:00:00Z,,,false,-inf,false", "amount",
         "column `amount` holds '-inf': NaN or infinity not allowed", "finite number"),
        ("merchants", "m3,2023-01-05T08:00:00Z,us,toys,true,true", "region",
         "column `region` holds 'us', which is not one of: US, UK, EU, SEA, MENA, CN",
         "US, UK, EU, SEA, MENA, CN"),
    ],
)
def test_csv_value_is_named_with_its_row(tmp_path, table, row, column, message, fix):
    lines = with_row(table, row)
    problem = only_problem(csv_folder(tmp_path, **{table: lines}))
    assert problem.file == str(tmp_path / f"{table}.csv")
    assert problem.column == column
    assert problem.rows == (len(lines) - 1,)
    assert message in problem.message
    assert fix in problem.fix


def test_first_five_rows_are_named_and_the_total_counted(tmp_path):
    rows = [f"m1,2024-05-01 {i},3" for i in range(8)]
    problem = only_problem(csv_folder(tmp_path, risk_points=with_row("risk_points", *rows)))
    assert problem.rows == (3, 4, 5, 6, 7)
    assert "'2024-05-01 0'" in problem.message
    assert problem.message.endswith("(8 rows in all)")


def test_bad_values_are_found_across_large_columns(tmp_path):
    # Several Arrow chunks and the bisection of a failed cast, with the bad days far apart.
    good = "m1,2024-05-01T00:00:00Z,3"
    rows = [good] * 300_000
    rows[123_456] = "m1,2024-02-31T00:00:00Z,3"
    rows[250_001] = "m1,2023-02-29T00:00:00Z,3"
    problem = only_problem(csv_folder(tmp_path, risk_points=with_row("risk_points", *rows)))
    assert problem.rows == (123_459, 250_004)
    assert "'2024-02-31T00:00:00Z'" in problem.message


# --- Parquet types ----------------------------------------------------------------------------


def _replace(name: str, column: str, array: pa.Array) -> pa.Table:
    table = clean_parquet_tables()[name]
    return table.set_column(table.column_names.index(column), column, array)


@pytest.mark.parametrize(
    ("table", "column", "array", "message", "fix"),
    [
        ("reviews", "rated_at", pa.array([datetime(2024, 6, 3), datetime(2024, 6, 4)], pa.timestamp("us")),
         "column `rated_at` has type timestamp[us] without a time zone", "tz_localize('UTC')"),
        ("reviews", "rated_at", pa.array(["2024-06-03T00:00:00Z"] * 2),
         "column `rated_at` has type string; expected timestamp[us, tz=UTC]", "timestamp[us, tz=UTC]"),
        ("reviews", "stars", pa.array([5.0, 1.0]),
         "column `stars` has type double, but `stars` holds integers", "int64"),
        ("reviews", "review_id", pa.array([1, 2]),
         "column `review_id` has type int64, but ids are strings", "as strings"),
        ("merchants", "identity_verified", pa.array([1, 0]),
         "column `identity_verified` has type int64; expected bool", "booleans"),
        ("orders", "amount", pa.array(["1", "2", "3"]),
         "column `amount` has type string; expected a number", "float64"),
    ],
)
def test_parquet_type_is_checked(tmp_path, table, column, array, message, fix):
    problem = only_problem(parquet_folder(tmp_path, **{table: _replace(table, column, array)}))
    assert (problem.file, problem.column, problem.rows) == (str(tmp_path / f"{table}.parquet"), column, ())
    assert message in problem.message
    assert fix in problem.fix


def test_parquet_nan_and_infinity_are_refused(tmp_path):
    amounts = pa.array([1.0, float("nan"), float("inf")])
    problem = only_problem(parquet_folder(tmp_path, orders=_replace("orders", "amount", amounts)))
    assert (problem.column, problem.rows) == ("amount", (2, 3))
    assert "holds nan: NaN or infinity not allowed" in problem.message


def test_parquet_sub_microsecond_timestamps_are_refused(tmp_path):
    paid = pa.array([1_717_236_000_000_000_000, 1_717_236_000_000_000_001, 1_717_236_000_000_001_000],
                    pa.timestamp("ns", tz="UTC"))
    problem = only_problem(parquet_folder(tmp_path, orders=_replace("orders", "paid_at", paid)))
    assert (problem.column, problem.rows) == ("paid_at", (2,))
    assert "finer than a microsecond" in problem.message


def test_parquet_int_too_large_for_int64(tmp_path):
    stars = pa.array([5, 2**64 - 1], pa.uint64())
    problem = only_problem(parquet_folder(tmp_path, reviews=_replace("reviews", "stars", stars)))
    assert (problem.column, problem.rows) == ("stars", (2,))
    assert "18446744073709551615" in problem.message


def test_parquet_all_null_column_of_null_type_is_read_as_the_declared_type(tmp_path):
    tables = load_dataset(MODEL, parquet_folder(tmp_path, products=_replace("products", "duplicate_of", pa.nulls(3))))
    assert tables["products"].schema.field("duplicate_of").type == pa.string()


# --- values in both formats -------------------------------------------------------------------


def test_null_in_a_required_column(tmp_path):
    lines = with_row("orders", "o4,m1,,,,false,,false", "o5,m2,,,,,1,false")
    problems = problems_of(csv_folder(tmp_path, orders=lines))
    assert {p.file for p in problems} == {str(tmp_path / "orders.csv")}
    assert [(p.column, p.rows) for p in problems] == [("paid_at", (4, 5)), ("delivery_exception", (5,)), ("amount", (4,))]
    assert problems[0].message == "column `paid_at` is empty (null), but every row needs a value"
    assert "fill in `paid_at` on every row" in problems[0].fix


def test_null_in_a_required_parquet_column(tmp_path):
    problem = only_problem(parquet_folder(tmp_path, reviews=_replace("reviews", "stars", pa.array([None, 3], pa.int64()))))
    assert (problem.file, problem.column, problem.rows) == (str(tmp_path / "reviews.parquet"), "stars", (1,))


def test_value_outside_the_declared_range(tmp_path):
    lines = with_row("risk_points", "m1,2024-05-02T00:00:00Z,13", "m1,2024-05-02T00:00:00Z,-1")
    problem = only_problem(csv_folder(tmp_path, risk_points=lines))
    assert (problem.column, problem.rows) == ("remaining", (3, 4))
    assert problem.message == "column `remaining` holds '13', outside the declared range 0..12"
    assert problem.fix == "keep `remaining` within 0..12"


def test_label_outside_its_values_in_parquet(tmp_path):
    region = pa.array(["US", "Mars"]).dictionary_encode()
    problem = only_problem(parquet_folder(tmp_path, merchants=_replace("merchants", "region", region)))
    assert (problem.column, problem.rows) == ("region", (2,))
    assert "holds 'Mars', which is not one of: US, UK" in problem.message


# --- keys and references ----------------------------------------------------------------------


def test_duplicate_key_shows_the_value_and_its_rows(tmp_path):
    lines = with_row("orders", "o2,m1,2024-06-01T12:00:00Z,,,false,1,false", "o1,m1,2024-06-01T12:00:00Z,,,false,1,false",
                     "o2,m2,2024-06-01T12:00:00Z,,,false,1,false")
    problem = only_problem(csv_folder(tmp_path, orders=lines))
    assert (problem.file, problem.column) == (str(tmp_path / "orders.csv"), "order_id")
    assert problem.rows == (1, 5)
    assert problem.message == "duplicate key: order_id = 'o1' appears 2 times; 1 other key value is duplicated too"
    assert "each order must appear once" in problem.fix


def test_merchant_id_not_in_merchants(tmp_path):
    lines = with_row("products", "p4,m9,true,4,", "p5,m9,true,4,")
    problem = only_problem(csv_folder(tmp_path, products=lines))
    assert (problem.file, problem.column, problem.rows) == (str(tmp_path / "products.csv"), "merchant_id", (4, 5))
    assert problem.message == "column `merchant_id` holds 'm9', which is not a merchant_id in merchants.csv"
    assert "add the merchant to merchants.csv" in problem.fix


def test_event_whose_order_is_not_in_orders(tmp_path):
    problem = only_problem(csv_folder(tmp_path, reviews=with_row("reviews", "r3,o404,m1,2024-06-03T00:00:00Z,4")))
    assert (problem.column, problem.rows) == ("order_id", (3,))
    assert problem.message == "column `order_id` holds 'o404', which is not an order_id in orders.csv"


def test_event_whose_order_belongs_to_another_merchant(tmp_path):
    problem = only_problem(csv_folder(tmp_path, reviews=with_row("reviews", "r3,o3,m1,2024-06-03T00:00:00Z,4")))
    assert (problem.file, problem.column, problem.rows) == (str(tmp_path / "reviews.csv"), "order_id", (3,))
    assert problem.message == ("column `order_id` holds 'o3', an order of merchant_id 'm2' in orders.csv, "
                               "but the row's merchant_id is 'm1'")
    assert "of its own merchant_id" in problem.fix


def test_reference_to_the_same_table_must_exist(tmp_path):
    problem = only_problem(csv_folder(tmp_path, products=with_row("products", "p4,m2,true,2,p99")))
    assert (problem.file, problem.column, problem.rows) == (str(tmp_path / "products.csv"), "duplicate_of", (4,))
    assert "holds 'p99', which is not a product_id in products.csv" in problem.message
    assert "leave it empty" in problem.fix


def test_a_duplicate_across_merchants_is_allowed(tmp_path):
    # products.duplicate_of is no order-of-the-same-merchant reference: copies cross merchants
    tables = load_dataset(MODEL, csv_folder(tmp_path, products=with_row("products", "p4,m2,true,2,p1")))
    assert tables["products"]["duplicate_of"].to_pylist()[-1] == "p1"


def test_integrity_checks_skip_a_table_that_failed(tmp_path):
    # merchants.csv is missing its key column: nothing can be checked against it, and the
    # orders of a broken order_id column are not checked either.
    merchants = ["id,opened_at,region,category,identity_verified,strength_verified", "m1,2023-01-05T08:00:00Z,US,x,true,true"]
    orders_lines = CLEAN["orders"][:1] + ["o1,m1,2024-06-01T10:00:00Z,,,false,1,false"]
    folder = csv_folder(tmp_path, merchants=merchants, orders=orders_lines,
                        reviews=with_row("reviews", "r3,o404,m7,2024-06-03T00:00:00Z,4"))
    problems = problems_of(folder)
    assert [(Path(p.file).name, p.column) for p in problems] == [
        ("merchants.csv", "merchant_id"),
        ("reviews.csv", "order_id"),  # o3 and o404 are not in orders: orders loaded fine
    ]
    assert problems[1].rows == (2, 3)


# --- many problems, needs, rendering ----------------------------------------------------------


def test_all_problems_across_all_files_are_reported_together(tmp_path):
    folder = csv_folder(
        tmp_path,
        merchants=with_row("merchants", "m3,2023-01-05T08:00:00,Moon,x,yes,true"),
        orders=with_row("orders", "o4,m9,2024-06-01T10:00:00Z,,,false,inf,false"),
        risk_points=None,
    )
    problems = problems_of(folder)
    found = [(Path(p.file).name, p.column) for p in problems]
    assert found == [
        ("merchants.csv", "opened_at"),
        ("merchants.csv", "region"),
        ("merchants.csv", "identity_verified"),
        ("orders.csv", "amount"),
        ("risk_points.csv", None),
        ("orders.csv", "merchant_id"),
    ]


def test_needs_limits_the_columns_and_adds_keys_references_and_referenced_tables(tmp_path):
    tables = load_dataset(MODEL, csv_folder(tmp_path), needs={"reviews": {"stars"}})
    assert list(tables) == ["merchants", "orders", "reviews"]
    assert tables["reviews"].column_names == ["review_id", "order_id", "merchant_id", "rated_at", "stars"]
    assert tables["orders"].column_names == ["order_id", "merchant_id"]  # for the integrity checks
    assert tables["merchants"].column_names == ["merchant_id", "opened_at"]  # the entity: key and creation


def test_needs_keeps_created_by_and_excluded_by(tmp_path):
    tables = load_dataset(MODEL, csv_folder(tmp_path), needs={"orders": {"amount"}})
    assert tables["orders"].column_names == ["order_id", "merchant_id", "paid_at", "amount", "is_fraud"]


def test_needs_does_not_check_columns_it_does_not_load(tmp_path):
    folder = csv_folder(tmp_path, orders=with_row("orders", "o4,m1,2024-06-01T10:00:00Z,,,maybe,1,false"))
    tables = load_dataset(MODEL, folder, needs={"orders": {"amount"}})
    assert tables["orders"].num_rows == 4
    with pytest.raises(DataError):
        load_dataset(MODEL, folder, needs={"orders": {"delivery_exception"}})


def test_needs_naming_an_undeclared_column_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError, match="starz"):
        load_dataset(MODEL, csv_folder(tmp_path), needs={"reviews": {"starz"}})
    with pytest.raises(ValueError, match="refunds"):
        load_dataset(MODEL, csv_folder(tmp_path), needs={"refunds": set()})


def test_render_gives_one_block_per_problem(tmp_path):
    folder = csv_folder(tmp_path, reviews=with_row("reviews", "r3,o1,m1,2024-06-03T00:00:00Z,0",
                                                   "r4,o1,m1,2024-06-03T00:00:00Z,9"))
    with pytest.raises(DataError) as info:
        load_dataset(MODEL, folder)
    assert info.value.render() == (
        f"{tmp_path / 'reviews.csv'}: column stars, rows 3, 4: column `stars` holds '0', outside the declared range 1..5\n"
        "  fix: keep `stars` within 1..5"
    )
    assert str(info.value).startswith("1 problem in the data:\n")
    assert pickle.loads(pickle.dumps(info.value)).problems == info.value.problems


def test_problems_are_frozen():
    problem = DataProblem(file="a.csv", message="m", fix="f")
    with pytest.raises(Exception):
        problem.file = "b.csv"
    assert problem.render() == "a.csv: m\n  fix: f"


def test_a_column_named_twice_in_the_header(tmp_path):
    lines = ["merchant_id,recorded_at,remaining,remaining"] + [line + ",1" for line in CLEAN["risk_points"][1:]]
    problem = only_problem(csv_folder(tmp_path, risk_points=lines))
    assert (problem.column, problem.message) == ("remaining", "column `remaining` appears 2 times in the header")


def test_a_data_folder_that_is_a_file(tmp_path):
    (tmp_path / "data.zip").write_bytes(b"PK")
    problem = only_problem(tmp_path / "data.zip")
    assert problem.message == f"data folder {tmp_path / 'data.zip'} is not a folder"


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
                                "m1,2024-06-01T00:00:00+00:00,3", "m1,2024-06-02T00:00:00Z,-0.5"])
    problems = problems_of(folder, model=model)
    assert [(p.column, p.rows) for p in problems] == [("gmv", (4,)), ("merchant_id, day", (1, 3))]
    assert problems[0].message == "column `gmv` holds '-0.5', outside the declared range 0..inf"
    assert problems[1].message == "duplicate key: merchant_id = 'm1', day = '2024-06-01T00:00:00Z' appears 2 times"


def test_an_order_with_a_duplicated_key_is_not_used_to_match_merchants(tmp_path):
    # o1 appears twice with different merchants: which merchant owns it is unknown, so only
    # the duplicate is reported, not the reviews that refer to o1.
    orders_lines = with_row("orders", "o1,m2,2024-06-01T10:00:00Z,,,false,1,false")
    problem = only_problem(csv_folder(tmp_path, orders=orders_lines))
    assert (Path(problem.file).name, problem.column, problem.rows) == ("orders.csv", "order_id", (1, 4))
