"""The declared data model (tables, columns, keys, references), as lowered from `table` blocks.

Input: the checked `table` declarations of a data module (e.g. rules/commerce.rubric).
Output: `DataModel`, read by the data loader (rubric.data) and by every backend.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict

from rubric.source import Span

__all__ = ["Column", "ColumnType", "DataModel", "Table"]


class ColumnType(str, Enum):
    ID = "id"            # string identifier
    TEXT = "text"        # free string
    LABEL = "label"      # string from a declared set of values (`values`)
    TIMESTAMP = "timestamp"  # UTC instant, microseconds
    BOOL = "bool"
    INT = "int"
    NUMBER = "number"    # float64
    MONEY = "money"      # float64 amount


class Column(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    type: ColumnType
    nullable: bool = False
    # A planned timestamp (a deadline) is known when its row is created: it is never masked.
    planned: bool = False
    values: tuple[str, ...] = ()          # for LABEL columns
    references: str | None = None         # name of the referenced table (its key column)
    minimum: float | None = None          # declared range for INT/NUMBER (inclusive)
    maximum: float | None = None
    origin: Span | None = None


class Table(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    singular: str
    key: tuple[str, ...] = ()             # empty: rows have no unique key
    created_by: str | None = None         # the creation timestamp (visibility); None: always visible
    excluded_by: str | None = None        # a bool column: rows where it is true are in no population
    columns: tuple[Column, ...]
    title_en: str | None = None
    title_zh: str | None = None
    origin: Span | None = None

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


class DataModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    entity: str = "merchants"             # the table whose rows are scored
    tables: tuple[Table, ...]

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)
