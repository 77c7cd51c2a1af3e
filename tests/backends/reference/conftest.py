"""Fixtures: compile small rubrics against the shipped data model, build tables in memory."""

from __future__ import annotations

from datetime import datetime, timezone

import pyarrow as pa
import pytest

import rubric
from rubric.data.load import ARROW_TYPES

RULES = rubric.shipped_rules_dir()


def _ts(value):
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


@pytest.fixture
def compile_text(tmp_path):
    def run(text: str):
        path = tmp_path / "case.rubric"
        path.write_text(text, encoding="utf-8")
        (tmp_path / "commerce.rubric").write_text((RULES / "commerce.rubric").read_text(encoding="utf-8"),
                                                  encoding="utf-8")
        return rubric.compile_file(path)
    return run


@pytest.fixture
def tables():
    """tables(program, {table: [row, ...]}) -> {table: pa.Table} with every declared column."""
    def build(program, rows_by_table):
        out = {}
        for table in program.data.tables:
            rows = rows_by_table.get(table.name, [])
            columns = {}
            for col in table.columns:
                values = [r.get(col.name) for r in rows]
                if col.type.value == "timestamp":
                    values = [_ts(v) for v in values]
                columns[col.name] = pa.array(values, type=ARROW_TYPES[col.type])
            out[table.name] = pa.table(columns)
        return out
    return build


def merchant(mid, opened="2023-01-01T00:00:00Z", region="CN", category="toys", **extra):
    return {"merchant_id": mid, "opened_at": opened, "region": region, "category": category,
            "identity_verified": True, "strength_verified": False, **extra}


def order(oid, mid, paid, **extra):
    base = {"order_id": oid, "merchant_id": mid, "paid_at": paid, "delivery_exception": False,
            "amount": 10.0, "is_fraud": False}
    base.update(extra)
    return base
