"""Rubric: a rules-as-data language and compiler for e-commerce merchant scoring rules.

>>> import rubric
>>> rubric.compile_file(rubric.shipped_rules_dir() / "shopee_service_rating.rubric").zone
'UTC+8'
"""

from rubric.diagnostics import CompileError
from rubric.driver import check_files, compile_file, compile_source, score, shipped_rules_dir

__all__ = ["CompileError", "check_files", "compile_file", "compile_source", "score", "shipped_rules_dir"]
__version__ = "0.1.0"
