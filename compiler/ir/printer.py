"""The scoring graph back as text: expressions in the rubric's own words (for explanations
and docs), e.g. `lowest_risk_points >= 6` or `score of inquiry_24h_rate >= 5`."""

from __future__ import annotations

from rubric.ir import nodes as ir

__all__ = ["expr_text"]


def _const(e: ir.Const) -> str:
    if e.type == "share":
        return f"{e.value * 100:g}%"
    if e.type == "duration":
        return f"{e.value:g} h" if isinstance(e.value, float) else f"{e.value / 3_600_000_000:g} h"
    if e.type == "bool":
        return "yes" if e.value else "no"
    return f"{e.value:g}" if isinstance(e.value, (int, float)) else str(e.value)


def _ref(e: ir.Ref) -> str:
    return {"indicator_score": f"score of {e.name}", "score": "score", "raw": "raw score"}.get(e.target, e.name)


def expr_text(e) -> str:
    """
    >>> expr_text(ir.Compare(op=">=", left=ir.Ref(target="value", name="x", type="number"),
    ...                      right=ir.Const(value=6.0, type="number")))
    'x >= 6'
    """
    kind = e.kind
    if kind == "const":
        return _const(e)
    if kind == "ref":
        return _ref(e)
    if kind == "col":
        return e.column
    if kind == "as_of":
        return "as-of"
    if kind == "compare":
        return f"{expr_text(e.left)} {e.op} {expr_text(e.right)}"
    if kind == "arith":
        if e.op == "neg":
            return f"-{expr_text(e.left)}"
        return f"{expr_text(e.left)} {'×' if e.op == '*' else e.op} {expr_text(e.right)}"
    if kind == "bool_op":
        return f" {e.op} ".join(expr_text(o) for o in e.operands)
    if kind == "not":
        return f"not ({expr_text(e.operand)})"
    if kind == "is_null":
        return f"{expr_text(e.operand)} is {'present' if e.negate else 'missing'}"
    if kind == "in_set":
        return f"{expr_text(e.operand)} is one of ({', '.join(e.values)})"
    if kind == "months_since":
        return f"calendar months since {e.column}"
    if kind == "years_since":
        return f"years since {e.column}"
    if kind == "weighted_sum":
        return "weighted sum of " + ", ".join(n for n, _ in e.members)
    if kind == "percentile":
        return f"percentile of {expr_text(e.operand)}"
    if kind == "exists":
        return f"has a related {e.table}"
    return kind
