"""The diagnostic model: collected by every stage, raised once at the API boundary."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict

from rubric.source import SourceFile, Span

__all__ = ["CompileError", "Diagnostic", "Label", "Severity", "Sink"]


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


class Label(BaseModel):
    """A span with a short message drawn under it (the first label is the primary one)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    span: Span
    message: str = ""


class Diagnostic(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    severity: Severity
    code: str
    message: str
    labels: tuple[Label, ...] = ()
    notes: tuple[str, ...] = ()
    help: str | None = None

    @property
    def span(self) -> Span | None:
        return self.labels[0].span if self.labels else None


class Sink:
    """Collects diagnostics so one run reports every error, and knows the sources."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self.sources: dict[str, SourceFile] = {}

    def add_source(self, source: SourceFile) -> None:
        self.sources[source.path] = source

    def error(self, code: str, message: str, span: Span | None, label: str = "", *,
              help: str | None = None, notes: tuple[str, ...] = ()) -> None:
        self._add(Severity.ERROR, code, message, span, label, help, notes)

    def warning(self, code: str, message: str, span: Span | None, label: str = "", *,
                help: str | None = None, notes: tuple[str, ...] = ()) -> None:
        self._add(Severity.WARNING, code, message, span, label, help, notes)

    def add(self, diag: Diagnostic) -> None:
        """Add a diagnostic built elsewhere (e.g. collected in another sink); each is kept once."""
        if diag not in self.items:
            self.items.append(diag)

    def _add(self, severity, code, message, span, label, help, notes) -> None:
        labels = (Label(span=span, message=label),) if span is not None else ()
        self.add(Diagnostic(severity=severity, code=code, message=message, labels=labels,
                            notes=tuple(notes), help=help))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise CompileError(self.sorted(), dict(self.sources))

    def sorted(self) -> list[Diagnostic]:
        def key(d: Diagnostic):
            s = d.span
            return (s.path, s.start) if s else ("", -1)
        return sorted(self.items, key=key)


class CompileError(Exception):
    """Raised by the API when a rubric has errors; carries every diagnostic."""

    def __init__(self, diagnostics: list[Diagnostic], sources: dict[str, SourceFile] | None = None):
        self.diagnostics = list(diagnostics)
        self.sources = dict(sources or {})
        first = self.diagnostics[0] if self.diagnostics else None
        super().__init__(first.message if first else "compile error")

    def render(self, style: str = "short") -> str:
        from rubric.diagnostics.render import RENDERERS

        return RENDERERS[style](self.diagnostics, self.sources)
