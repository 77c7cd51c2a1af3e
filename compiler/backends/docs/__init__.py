"""The docs backend: merchant-facing rule docs, change logs and per-merchant diagnosis reports.

Input: checked `ir.Program`s (and, for reports, `Evaluation`s from the reference evaluator
with the data they were computed from). Output: static HTML and Markdown files with inline
SVG charts, in Chinese and English. Entry points: `render_docs`, `render_report`.
"""

from rubric.backends.docs.render import render_docs
from rubric.backends.docs.report import render_report
from rubric.backends.docs.sentences import describe_condition, describe_measure
from rubric.backends.docs.translations import DocsError

__all__ = ["DocsError", "describe_condition", "describe_measure", "render_docs", "render_report"]
