"""Data problems: what the data loader reports instead of raising on the first bad value.

Stage: data loading (rubric.data). Input: the problems found while reading a data folder.
Output: one `DataError` carrying every `DataProblem`, rendered as one block per problem:

    orders.csv: column paid_at, rows 3, 17: column `paid_at` holds 'yesterday', ...
      fix: write timestamps in UTC like 2024-06-02T15:59:59.999999Z

Problems are values, not exceptions, so that the loader can collect all of them across
all files before raising once: a developer fixing a data export wants the whole list.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

__all__ = ["MAX_ROWS", "DataError", "DataProblem"]

# A problem names at most this many offending rows: enough to find the pattern, short
# enough to read; the message says how many rows there are in all.
MAX_ROWS = 5


class DataProblem(BaseModel):
    """One thing wrong with a data file, standing alone (file, column, rows, what, how to fix).

    `rows` are 1-based data-row numbers: in a CSV file the header is not a row, so row 1 is
    the second line (when no field spans lines).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    column: str | None = None
    rows: tuple[int, ...] = ()
    message: str
    fix: str

    def render(self) -> str:
        """
        >>> p = DataProblem(file="orders.csv", column="paid_at", rows=(3, 17),
        ...                 message="column `paid_at` holds 'yesterday'", fix="write ISO 8601")
        >>> print(p.render())
        orders.csv: column paid_at, rows 3, 17: column `paid_at` holds 'yesterday'
          fix: write ISO 8601
        """
        where = []
        if self.column is not None:
            where.append(f"column {self.column}")
        if self.rows:
            noun = "row" if len(self.rows) == 1 else "rows"
            where.append(f"{noun} {', '.join(str(r) for r in self.rows)}")
        # "file: column c, rows 1, 2: message" -- the file is what a developer opens first.
        head = ": ".join([self.file, ", ".join(where)]) if where else self.file
        return f"{head}: {self.message}\n  fix: {self.fix}"


class DataError(Exception):
    """Every problem found in a data folder; raised once, after all files were read."""

    def __init__(self, problems: Iterable[DataProblem]):
        self.problems: list[DataProblem] = list(problems)
        # Passing the list to Exception keeps the error picklable (e.g. across processes).
        super().__init__(self.problems)

    def render(self) -> str:
        return "\n".join(p.render() for p in self.problems)

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the data:\n"
        return head + self.render()
