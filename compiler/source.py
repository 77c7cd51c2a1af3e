"""Source text and positions: the input of every stage.

`SourceFile` holds a rubric's text and answers line/column questions; `Span` is a
half-open character range inside one file. Lines and columns are 1-based characters.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict

__all__ = ["SourceFile", "Span", "display_width"]


class Span(BaseModel):
    """A half-open range `[start, end)` of character offsets in the file `path`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    start: int
    end: int

    def merge(self, other: "Span") -> "Span":
        return Span(path=self.path, start=min(self.start, other.start), end=max(self.end, other.end))


@dataclass(frozen=True)
class SourceFile:
    """A rubric file's text with a line index.

    >>> src = SourceFile("a.rubric", "one\\ntwo")
    >>> src.position(5)
    (2, 2)
    """

    path: str
    text: str
    _line_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = [0] + [i + 1 for i, ch in enumerate(self.text) if ch == "\n"]
        object.__setattr__(self, "_line_starts", tuple(starts))

    @classmethod
    def read(cls, path: str | Path) -> "SourceFile":
        return cls(str(path), Path(path).read_text(encoding="utf-8"))

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def line_text(self, line: int) -> str:
        start = self._line_starts[line - 1]
        end = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.text)
        return self.text[start:end]

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def span(self, start: int, end: int) -> Span:
        return Span(path=self.path, start=start, end=end)


def display_width(text: str) -> int:
    """Terminal cells taken by `text`: wide (CJK) characters take two.

    >>> display_width("差评率 x")
    8
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
