"""Diagnostics: the one error model of every stage, its stable codes and renderers."""

from rubric.diagnostics.codes import CODES, Code
from rubric.diagnostics.model import CompileError, Diagnostic, Label, Severity, Sink
from rubric.diagnostics.render import render_json, render_rich, render_short

__all__ = [
    "CODES",
    "Code",
    "CompileError",
    "Diagnostic",
    "Label",
    "Severity",
    "Sink",
    "render_json",
    "render_rich",
    "render_short",
]
