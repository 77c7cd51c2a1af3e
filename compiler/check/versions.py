"""Dated versions: split a rubric into its base and version sections, compose each version.

Input: the main module's items. Output: for each `version`, the full list of items in force
(the base, then every earlier section, then its own, later definitions replacing earlier ones
of the same name), and diagnostics for bad or overlapping effective periods.
"""

from __future__ import annotations

from datetime import date, timedelta

from rubric.diagnostics import Sink
from rubric.syntax import ast

__all__ = ["compose_versions", "parse_date", "version_changes"]

_SINGLETONS = ("total", "clamp", "bands", "rubric", "data")


def parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _key(item) -> tuple:
    if item.kind in _SINGLETONS:
        return (item.kind,)
    if item.kind == "weights":
        return ("weights", item.attribute.name, tuple(v.name for v in item.values))
    if item.kind == "table":
        return ("table", item.name.name)
    return (item.kind, item.name.name)


def _rename_member(item, old: str, new: str):
    if item.kind != "dimension":
        return item
    members = tuple(m.model_copy(update={"name": new}) if m.name == old else m for m in item.members)
    weights = tuple(w.model_copy(update={"name": w.name.model_copy(update={"name": new})}) if w.name.name == old else w
                    for w in item.member_weights)
    return item.model_copy(update={"members": members, "member_weights": weights})


def _apply(items: list, section: list, sink: Sink | None = None) -> list:
    items = list(items)
    for new in section:
        if new.kind == "indicator" and new.replaces is not None:
            old = new.replaces.name
            known = [i.name.name for i in items if i.kind == "indicator"]
            if old not in known and sink is not None:
                from rubric.check.symbols import did_you_mean

                sink.error("R0201", f"`{old}` is not an indicator of the earlier version, so nothing is replaced",
                           new.replaces.span, "unknown indicator",
                           help=did_you_mean(old, known) or "name the indicator this one takes the place of")
            items = [_rename_member(i, old, new.name.name) for i in items]
            position = next((n for n, i in enumerate(items) if i.kind == "indicator" and i.name.name == old), None)
            if position is not None:
                items[position] = new
                continue
        key = _key(new)
        position = next((n for n, i in enumerate(items) if _key(i) == key), None)
        if position is None:
            items.append(new)
        else:
            items[position] = new
    return items


def compose_versions(main: ast.Module, sink: Sink) -> list[tuple[ast.VersionDecl, list]]:
    """[(version, items in force)] in declaration order; [] for an unversioned rubric."""
    base: list = []
    sections: list[tuple[ast.VersionDecl, list]] = []
    for item in main.items:
        if item.kind == "version":
            sections.append((item, []))
        elif sections:
            sections[-1][1].append(item)
        else:
            base.append(item)
    if not sections:
        return []
    _check_periods([v for v, _ in sections], sink)
    composed, items = [], base
    for version, section in sections:
        items = _apply(items, section, sink)
        composed.append((version, items))
    return composed


def _check_periods(versions: list[ast.VersionDecl], sink: Sink) -> None:
    seen: set[str] = set()
    for v in versions:
        if v.name.name in seen:
            sink.error("R0204", f"version `{v.name.name}` is declared twice", v.name.span, "declared again")
        seen.add(v.name.name)
        for text in (v.effective_from, v.effective_until, v.shadow_from):
            if text is not None and parse_date(text) is None:
                sink.error("R0104", f"`{text}` is not a date", v.span, "not a date", help="write dates as YYYY-MM-DD")
                return
    broken = False
    for v in versions:
        start, end, shadow = parse_date(v.effective_from), parse_date(v.effective_until), parse_date(v.shadow_from)
        if start and end and end < start:
            sink.error("R0408", f"version `{v.name.name}` ends before it starts", v.span, "empty period",
                       help=f"it runs from {start} until {end}: swap the dates or fix one")
            broken = True
        if shadow and start and shadow >= start:
            sink.error("R0408", f"the shadow period of `{v.name.name}` must start before {start}", v.span,
                       "shadow after start", help="a new version runs in shadow before it takes effect")
        if shadow and not start:
            sink.error("R0408", f"version `{v.name.name}` has a shadow period but no start date", v.span,
                       "no start", help=f"write `effective from <date>, shadow from {shadow}`")
    if broken:
        return              # the periods between versions follow once each one is right
    for prev, nxt in zip(versions, versions[1:]):
        _check_adjacent(prev, nxt, sink)


def _check_adjacent(prev: ast.VersionDecl, nxt: ast.VersionDecl, sink: Sink) -> None:
    end, start = parse_date(prev.effective_until), parse_date(nxt.effective_from)
    if end is None or start is None:
        missing = prev if end is None else nxt
        sink.error("R0413", f"versions `{prev.name.name}` and `{nxt.name.name}` need dates that meet",
                   missing.span, "open-ended",
                   help=f"give `{prev.name.name}` an `effective until` date and `{nxt.name.name}` the next day "
                        "as `effective from`")
        return
    if start <= end:
        sink.error("R0413", f"version `{nxt.name.name}` starts on {start}, before `{prev.name.name}` ends on {end}",
                   nxt.span, "periods overlap", help=f"start it on {end + timedelta(days=1)}")
    elif start > end + timedelta(days=1):
        sink.error("R0413", f"no version is in force from {end + timedelta(days=1)} to {start - timedelta(days=1)}",
                   nxt.span, "gap between versions", help=f"start it on {end + timedelta(days=1)}")


def version_changes(before: list, after: list) -> list[str]:
    """What a version changes, in words: definitions added, removed, replaced or changed."""
    old = {_key(i): i for i in before if i.kind != "version"}
    new = {_key(i): i for i in after if i.kind != "version"}
    replaced = {i.replaces.name: i.name.name for i in after if i.kind == "indicator" and i.replaces is not None
                and ("indicator", i.name.name) not in old}
    for r_old, r_new in replaced.items():
        old = {k: _rename_member(v, r_old, r_new) for k, v in old.items()}
    changes = []
    for key, item in new.items():
        label = " ".join(str(k) for k in key)
        if key not in old:
            if item.kind == "indicator" and item.replaces is not None and item.replaces.name in replaced:
                changes.append(f"indicator {item.replaces.name} replaced by {item.name.name}")
            else:
                changes.append(f"{label} added")
        elif _fingerprint(old[key]) != _fingerprint(item):
            changes.append(f"{label} changed{_number_changes(old[key], item)}")
    for key in old:
        if key not in new and not (key[0] == "indicator" and key[1] in replaced):
            changes.append(f"{' '.join(str(k) for k in key)} removed")
    return changes


def _numbers(node) -> list[str]:
    from rubric.tree import walk as _walk

    found = [n for n in _walk(node) if getattr(n, "kind", None) == "number"]
    return [n.text for n in sorted(found, key=lambda n: n.span.start)]


def _number_changes(before, after) -> str:
    """`: 72 h → 48 h` when only numbers changed (each distinct change once)."""
    a, b = _numbers(before), _numbers(after)
    if len(a) != len(b):
        return ""
    pairs = list(dict.fromkeys((x, y) for x, y in zip(a, b) if x != y))
    return (": " + ", ".join(f"{x} → {y}" for x, y in pairs)) if pairs else ""


def _fingerprint(node) -> str:
    """A declaration's meaning without its positions."""
    import json

    def clean(value):
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in ("span", "spec_span", "op_span", "scale_span",
                                                                        "zone_span", "direction_span", "repeated")}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value
    return json.dumps(clean(node.model_dump(mode="json")), sort_keys=True)
