"""Pausing Python's cyclic garbage collector around bulk allocation.

The compiler (parse trees, pydantic models, sqlglot trees) and the reference evaluator
(traces) allocate tens of thousands of objects in one go and keep them until they return; the
collector would re-traverse all of them many times over (a sixth of a compile, half of an
evaluation) without freeing anything. Reference counting still frees what is dropped.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block (re-entrant; restores the previous state)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
