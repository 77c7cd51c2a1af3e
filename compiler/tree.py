"""Walking trees of pydantic models (AST and IR alike): shared by every stage."""

from __future__ import annotations

from pydantic import BaseModel

__all__ = ["walk"]


def walk(node: BaseModel):
    """Every model below `node` (fields that are models or tuples of models), `node` first.

    >>> from rubric.source import Span
    >>> [type(n).__name__ for n in walk(Span(path="a", start=0, end=1))]
    ['Span']
    """
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for value in current.__dict__.values():
            if isinstance(value, BaseModel):
                stack.append(value)
            elif isinstance(value, tuple):
                stack.extend(v for v in value if isinstance(v, BaseModel))
