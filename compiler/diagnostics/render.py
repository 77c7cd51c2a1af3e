"""Renderers of diagnostics: rich (source excerpt and carets), short, and JSON."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence

from rubric.diagnostics.model import Diagnostic
from rubric.source import SourceFile, display_width

__all__ = ["RENDERERS", "render_json", "render_rich", "render_short", "use_colour"]


def _where(diag: Diagnostic, sources: Mapping[str, SourceFile]) -> str:
    span = diag.span
    if span is None:
        return ""
    src = sources.get(span.path)
    if src is None:
        return f"{span.path}: "
    line, col = src.position(span.start)
    return f"{span.path}:{line}:{col}: "


def render_short(diags: Sequence[Diagnostic], sources: Mapping[str, SourceFile]) -> str:
    """One line a diagnostic: `file:line:col: error[R0203]: message`."""
    return "".join(f"{_where(d, sources)}{d.severity.value}[{d.code}]: {d.message}\n" for d in diags)


def render_json(diags: Sequence[Diagnostic], sources: Mapping[str, SourceFile]) -> str:
    out = []
    for d in diags:
        item = d.model_dump(mode="json")
        if d.span and d.span.path in sources:
            src = sources[d.span.path]
            item["line"], item["column"] = src.position(d.span.start)
            item["end_line"], item["end_column"] = src.position(d.span.end)
        out.append(item)
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


def use_colour(stream=None) -> bool:
    stream = stream or sys.stdout
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def _excerpt(diag: Diagnostic, src: SourceFile, colour: bool) -> list[str]:
    span = diag.span
    line, col = src.position(span.start)
    end_line, end_col = src.position(max(span.start, span.end - 1))
    text = src.line_text(line)
    gutter = len(str(line)) + 1
    width = max(1, display_width(text[col - 1: end_col if end_line == line else len(text)]))
    pad = " " * display_width(text[: col - 1])
    label = diag.labels[0].message
    caret = "^" * width + (f" {label}" if label else "")
    red, reset = ("\x1b[1;31m", "\x1b[0m") if colour else ("", "")
    return [
        f"{' ' * gutter}|",
        f"{line:>{gutter - 1}} | {text}",
        f"{' ' * gutter}| {pad}{red}{caret}{reset}",
    ]


def render_rich(diags: Sequence[Diagnostic], sources: Mapping[str, SourceFile], colour: bool = False) -> str:
    """Numbered source lines with carets under the span (caret widths in display cells)."""
    blocks = []
    for d in diags:
        bold, reset = ("\x1b[1m", "\x1b[0m") if colour else ("", "")
        lines = [f"{bold}{d.severity.value}[{d.code}]: {d.message}{reset}"]
        if d.span is not None:
            src = sources.get(d.span.path)
            if src is not None:
                line, col = src.position(d.span.start)
                lines.append(f"  --> {d.span.path}:{line}:{col}")
                lines.extend(_excerpt(d, src, colour))
            else:
                lines.append(f"  --> {d.span.path}")
        lines.extend(f"  = note: {n}" for n in d.notes)
        if d.help:
            lines.append(f"  = help: {d.help}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


RENDERERS = {"short": render_short, "json": render_json, "rich": render_rich}
