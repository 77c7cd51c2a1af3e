"""The explanation trace: where every number of one merchant's result came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rubric.ir.nodes import Provenance, Title

__all__ = ["Step"]


@dataclass
class Step:
    """One computed number (or decision) with the facts that produced it."""

    kind: str                       # indicator, dimension, score, deduction, tier, consequence, ...
    name: str
    title: Title = field(default_factory=Title)
    value: Any = None
    unit: str = ""                  # share, hours, nps, score, count, money, label, bool
    details: dict[str, Any] = field(default_factory=dict)
    children: list["Step"] = field(default_factory=list)
    provenance: Provenance | None = None

    def find(self, kind: str, name: str) -> "Step | None":
        if self.kind == kind and self.name == name:
            return self
        for child in self.children:
            hit = child.find(kind, name)
            if hit is not None:
                return hit
        return None

    def to_dict(self) -> dict[str, Any]:
        out = {"kind": self.kind, "name": self.name, "title": self.title.model_dump(), "value": self.value,
               "unit": self.unit, "details": self.details}
        if self.provenance is not None:
            out["provenance"] = self.provenance.status
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        return out
