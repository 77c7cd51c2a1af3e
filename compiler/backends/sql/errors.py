"""The SQL backend's one error, in a module of its own: the CLI catches it on a cached run
without importing the compiler (sqlglot, the IR) that raises it on a fresh one."""

from __future__ import annotations

__all__ = ["SqlUnsupported"]


class SqlUnsupported(Exception):
    """A construct this backend cannot express; the CLI turns it into a diagnostic."""
