"""Rubric: a rules-as-data language and compiler for e-commerce merchant scoring rules.

>>> import rubric
>>> rubric.compile_file(rubric.shipped_rules_dir() / "shopee_service_rating.rubric").zone
'UTC+8'
"""

from __future__ import annotations

import importlib

__all__ = ["CompileError", "check_files", "compile_file", "compile_source", "score", "shipped_rules_dir"]
__version__ = "0.1.0"

# The API is imported on first use: a cached `rubric score` run never loads the compiler.
_LAZY = {"CompileError": "rubric.diagnostics", "check_files": "rubric.driver", "compile_file": "rubric.driver",
         "compile_source": "rubric.driver", "score": "rubric.driver", "shipped_rules_dir": "rubric.driver"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'rubric' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
