"""Results of `rubric.score`: the output table (domain.md §3) and per-merchant explanations."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from rubric.backends.reference.evaluate import Evaluation
from rubric.backends.reference.explain import explain_text
from rubric.backends.reference.trace import Step

__all__ = ["ScoreResult", "result_schema"]


def result_schema(evaluation: Evaluation) -> pa.Schema:
    program = evaluation.program
    types = {"merchant_id": pa.string(), "tier": pa.string(), "status": pa.string(), "consequences": pa.string(),
             "gate": pa.string(), "band": pa.string(), "version": pa.string(), "shadow_gate": pa.string()}
    fields = []
    for name in evaluation.columns:
        if name in types:
            fields.append(pa.field(name, types[name]))
        elif name.startswith("ind.") and name.endswith(".value"):
            ind = program.indicator(name[4:-6])
            fields.append(pa.field(name, pa.bool_() if ind.type == "bool" else pa.float64()))
        else:
            fields.append(pa.field(name, pa.float64()))
    return pa.schema(fields)


class ScoreResult:
    """One row per merchant, with `explain(merchant_id)` for where every number came from."""

    def __init__(self, evaluation: Evaluation):
        self.evaluation = evaluation
        rows = [self._row(r.row) for r in sorted(evaluation.results.values(), key=lambda r: r.merchant_id)]
        self.table: pa.Table = pa.Table.from_pylist(rows, schema=result_schema(evaluation))

    def _row(self, row: dict[str, Any]) -> dict[str, Any]:
        return {name: (float(v) if isinstance(v, int) and not isinstance(v, bool) and name != "merchant_id" else v)
                for name, v in ((n, row.get(n)) for n in self.evaluation.columns)}

    @property
    def program(self):
        return self.evaluation.program

    @property
    def num_rows(self) -> int:
        return self.table.num_rows

    def to_pandas(self):
        return self.table.to_pandas()

    def to_pylist(self) -> list[dict[str, Any]]:
        return self.table.to_pylist()

    def row(self, merchant_id: str) -> dict[str, Any]:
        return self._row(self._result(merchant_id).row)

    def explain(self, merchant_id: str) -> Step:
        """The explanation trace of one merchant (`.to_dict()` for JSON, `explain_text` to read)."""
        return self._result(merchant_id).trace

    def explain_text(self, merchant_id: str, lang: str = "en") -> str:
        return explain_text(self.explain(merchant_id), self.program, lang)

    def _result(self, merchant_id: str):
        try:
            return self.evaluation.results[merchant_id]
        except KeyError:
            known = sorted(self.evaluation.results)
            raise KeyError(f"no merchant {merchant_id!r} in the data ({len(known)} merchants, e.g. "
                           f"{', '.join(known[:3])})") from None
