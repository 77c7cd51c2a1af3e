"""Tests of rubric.data.write: atomic CSV / Parquet / JSON output."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from rubric.data import write as write_module
from rubric.data.load import load_dataset
from rubric.data.write import write_table_atomic
from rubric.ir.schema import Column, ColumnType, DataModel, Table

UTC = pa.timestamp("us", tz="UTC")


def scores(last_score: float = float("nan")) -> pa.Table:
    return pa.table({
        "merchant_id": ["m1", "m2", "m3"],
        "score": pa.array([4.75, None, last_score], pa.float64()),
        "tier": ["excellent", None, "critical"],
        "rated": [True, False, None],
        "count": pa.array([3, None, 0], pa.int64()),
        "as_of": pa.array([datetime(2024, 6, 2, 16, tzinfo=timezone.utc),
                           datetime(2024, 6, 2, 15, 59, 59, 999999, tzinfo=timezone.utc), None], UTC),
    })


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_parquet_round_trips_exactly(tmp_path):
    path = tmp_path / "scores.parquet"
    write_table_atomic(scores(0.5), path)  # NaN is never equal to itself: leave it out here
    assert pq.read_table(path).equals(scores(0.5))
    assert leftovers(tmp_path) == []


def test_csv_writes_iso_timestamps_in_utc(tmp_path):
    path = tmp_path / "scores.csv"
    write_table_atomic(scores(), path)
    lines = path.read_text().splitlines()
    assert lines[0] == '"merchant_id","score","tier","rated","count","as_of"'
    assert lines[1].endswith(',"2024-06-02T16:00:00Z"')
    assert lines[2].endswith(',"2024-06-02T15:59:59.999999Z"')
    assert lines[2].split(",")[1:5] == ["", "", "false", ""]  # nulls are empty fields


def test_csv_output_is_read_back_by_the_loader(tmp_path):
    model = DataModel(name="m", entity="merchants", tables=(Table(
        name="merchants", singular="merchant", key=("merchant_id",), columns=(
            Column(name="merchant_id", type=ColumnType.ID),
            Column(name="opened_at", type=ColumnType.TIMESTAMP),
            Column(name="amount", type=ColumnType.MONEY, nullable=True),
        )),))
    table = pa.table({
        "merchant_id": ["m1", "m2"],
        "opened_at": pa.array([datetime(2024, 1, 1, tzinfo=timezone.utc),
                               datetime(2024, 1, 1, 0, 0, 0, 1, tzinfo=timezone.utc)], UTC),
        "amount": [0.1, None],
    })
    write_table_atomic(table, tmp_path / "merchants.csv")
    assert load_dataset(model, tmp_path)["merchants"].equals(table)


def test_json_is_a_list_of_rows_without_nan(tmp_path):
    path = tmp_path / "scores.json"
    write_table_atomic(scores(), path)
    rows = json.loads(path.read_text())
    assert rows == [
        {"merchant_id": "m1", "score": 4.75, "tier": "excellent", "rated": True, "count": 3,
         "as_of": "2024-06-02T16:00:00Z"},
        {"merchant_id": "m2", "score": None, "tier": None, "rated": False, "count": None,
         "as_of": "2024-06-02T15:59:59.999999Z"},
        {"merchant_id": "m3", "score": None, "tier": "critical", "rated": None, "count": 0, "as_of": None},
    ]
    assert "NaN" not in path.read_text()


def test_timestamps_in_another_zone_are_written_in_utc(tmp_path):
    table = pa.table({"t": pa.array([datetime(2024, 6, 2, 16, tzinfo=timezone.utc)],
                                    pa.timestamp("us", tz="Asia/Shanghai"))})
    write_table_atomic(table, tmp_path / "t.json")
    assert json.loads((tmp_path / "t.json").read_text()) == [{"t": "2024-06-02T16:00:00Z"}]


def test_replaces_an_existing_file(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("old\n")
    write_table_atomic(scores(), path)
    assert path.read_text().startswith('"merchant_id"')
    assert leftovers(tmp_path) == []


def test_creates_missing_folders(tmp_path):
    write_table_atomic(scores(), tmp_path / "out" / "deep" / "scores.parquet")
    assert pq.read_table(tmp_path / "out" / "deep" / "scores.parquet").num_rows == 3


@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_failure_midway_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch, suffix):
    path = tmp_path / f"scores{suffix}"
    path.write_text("old contents\n")
    seen = []

    def half_then_fail(table, target):
        seen.append(target)
        with open(target, "w") as out:
            out.write("half a fil")
        raise OSError("disk full")

    monkeypatch.setitem(write_module.FORMATS, suffix, half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        write_table_atomic(scores(), path)
    assert path.read_text() == "old contents\n"
    assert seen and seen[0].parent == tmp_path and seen[0] != path  # wrote beside it, not over it
    assert leftovers(tmp_path) == []
    assert sorted(os.listdir(tmp_path)) == [path.name]


def test_failure_inside_the_library_writer_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "scores.csv"
    path.write_text("old contents\n")

    def broken_write_csv(table, target, *args, **kwargs):
        with open(target, "wb") as out:
            out.write(b'"merchant_id"\n"m1"\n')
        raise pa.ArrowIOError("connection reset")

    monkeypatch.setattr(pacsv, "write_csv", broken_write_csv)
    with pytest.raises(pa.ArrowIOError):
        write_table_atomic(scores(), path)
    assert path.read_text() == "old contents\n"
    assert leftovers(tmp_path) == []


def test_unknown_suffix_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ValueError, match=r"\.xlsx"):
        write_table_atomic(scores(), tmp_path / "scores.xlsx")
    assert os.listdir(tmp_path) == []


def test_new_file_is_not_private(tmp_path):
    path = tmp_path / "scores.csv"
    old = os.umask(0o022)
    try:
        write_table_atomic(scores(), path)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
