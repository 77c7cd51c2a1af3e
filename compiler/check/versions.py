"""Dated versions: split a rubric into its base and version sections, compose each version.

Input: the main module's items. Output: for each `version`, the full list of items in force
(the base, then every earlier section, then its own, later definitions replacing earlier ones
of the same name), and diagnostics for bad or overlapping effective periods.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from rubric.check.symbols import Absent, where
from rubric.diagnostics import Sink
from rubric.source import Span
from rubric.syntax import ast

__all__ = ["absent_names", "compose_versions", "parse_date", "version_changes"]

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


def _what(item) -> str:
    if item.kind in _SINGLETONS:
        return {"total": "the total score", "clamp": "the clamp", "bands": "the bands"}.get(item.kind, item.kind)
    if item.kind == "weights":
        return f"the weights for {item.attribute.name} in ({', '.join(v.name for v in item.values)})"
    return f"{item.kind} `{item.name.name}`"


def _label_span(item) -> Span:
    name = getattr(item, "name", None)
    return name.span if isinstance(name, ast.Name) else item.span


def _apply(items: list, section: list, version: ast.VersionDecl, replaced: dict, sink: Sink) -> list:
    """The items in force after `section`; `replaced` (old name -> replacing indicator) grows."""
    items, seen = list(items), {}
    for new in section:
        key = _key(new)
        if key in seen:
            sink.error("R0204", f"{_what(new)} is defined twice in version `{version.name.name}`", _label_span(new),
                       "defined again here", notes=(f"first defined at {where(_label_span(seen[key]), sink)}",),
                       help="keep one of them; a version section states each definition once")
            continue
        seen[key] = new
        if new.kind == "indicator" and new.replaces is not None and _replace(items, new, replaced, section, sink):
            continue
        position = next((n for n, i in enumerate(items) if _key(i) == key), None)
        if position is None:
            items.append(new)
        else:
            items[position] = new
    return items


def _replace(items: list, new: ast.IndicatorDecl, replaced: dict, section: list, sink: Sink) -> bool:
    """Put `new` where the indicator it replaces stood (in `items`, in place); True when it did."""
    old = new.replaces.name
    known = [i.name.name for i in items if i.kind == "indicator"]
    if old not in known:
        _unknown_replaced(new, known, replaced, section, sink)
        return False
    if new.name.name in known:
        sink.error("R0204", f"`{new.name.name}` is already an indicator, so it cannot replace `{old}`", new.name.span,
                   "already defined", help=f"give the new indicator a name of its own, or drop `replaces {old}` "
                                           f"to change `{new.name.name}`")
        return False
    items[:] = [_rename_member(i, old, new.name.name) for i in items]
    position = next(n for n, i in enumerate(items) if i.kind == "indicator" and i.name.name == old)
    items[position] = new
    replaced[old] = new
    return True


def _unknown_replaced(new: ast.IndicatorDecl, known: list[str], replaced: dict, section: list,
                      sink: Sink) -> None:
    from rubric.check.symbols import did_you_mean

    old = new.replaces.name
    earlier = replaced.get(old)
    if earlier is not None:
        help_ = (f"one indicator takes the place of `{old}`: drop this `replaces` line" if earlier in section
                 else f"write `replaces {earlier.name.name}`, or drop this `replaces` line")
        sink.error("R0201", f"`{old}` was already replaced by `{earlier.name.name}` "
                   f"({where(earlier.replaces.span, sink, column=False)}), so nothing is left to replace",
                   new.replaces.span, "already replaced", help=help_)
        return
    sink.error("R0201", f"`{old}` is not an indicator of the earlier version, so nothing is replaced",
               new.replaces.span, "unknown indicator",
               help=did_you_mean(old, known) or "name the indicator this one takes the place of")


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
    _check_base_replaces(base, sink)
    if not sections:
        return []
    _check_periods([v for v, _ in sections], sink)
    composed, items, replaced = [], base, {}
    for version, section in sections:
        items = _apply(items, section, version, replaced, sink)
        composed.append((version, items))
    return composed


def _check_base_replaces(base: list, sink: Sink) -> None:
    """`replaces` takes the place of an indicator of an earlier version: the base has none."""
    for item in base:
        if item.kind == "indicator" and item.replaces is not None:
            sink.error("R0201", f"`{item.name.name}` replaces `{item.replaces.name}`, but no earlier version precedes "
                       "it", item.replaces.span, "nothing earlier to replace",
                       help=f"put `indicator {item.name.name}` after the `version` line it belongs to, or drop "
                            f"`replaces {item.replaces.name}`")


def _date_problem(text: str) -> tuple[str, str]:
    """Why `text` (YYYY-MM-DD, as the grammar ensures) is not a date: (reason, help).

    >>> _date_problem("2022-02-29")
    ('February 2022 has 28 days', 'the last day of February 2022 is 2022-02-28')
    """
    year, month, day = (int(part) for part in text.split("-"))
    if year == 0:
        return "there is no year 0000", "write dates as YYYY-MM-DD, the year first"
    if not 1 <= month <= 12:
        swapped = f"{year:04d}-{day:02d}-{month:02d}"
        if 1 <= day <= 12 and parse_date(swapped) is not None:
            return f"there is no month {month:02d}", f"dates are YYYY-MM-DD: did you mean {swapped}?"
        return f"there is no month {month:02d}", "write dates as YYYY-MM-DD, the month from 01 to 12"
    name = f"{calendar.month_name[month]} {year}"
    if day == 0:
        return "days start at 01", f"the first day of {name} is {year:04d}-{month:02d}-01"
    last = calendar.monthrange(year, month)[1]
    return f"{name} has {last} days", f"the last day of {name} is {year:04d}-{month:02d}-{last:02d}"


def _dates(v: ast.VersionDecl) -> list[tuple[str, Span]]:
    spans = (v.effective_from_span, v.effective_until_span, v.shadow_from_span)
    texts = (v.effective_from, v.effective_until, v.shadow_from)
    return [(text, span or v.name.span) for text, span in zip(texts, spans) if text is not None]


def _check_dates(versions: list[ast.VersionDecl], sink: Sink) -> bool:
    """Report every impossible date; True when all dates are real."""
    good = True
    for v in versions:
        for text, span in _dates(v):
            if parse_date(text) is None:
                reason, help_ = _date_problem(text)
                what = next((w for w in ("year", "month") if w in reason), "day")
                sink.error("R0104", f"`{text}` is not a date: {reason}", span, f"no such {what}", help=help_)
                good = False
    return good


# Kinds whose names are used in merchant-level expressions, dimensions and the total.
_NAMED = ("condition", "value", "indicator", "dimension", "consequence", "output")


def _section_of(item, versions: list[ast.VersionDecl]) -> ast.VersionDecl | None:
    """The version whose section holds `item` (None: the base)."""
    holder = None
    for v in versions:
        if v.span.path == item.span.path and v.span.start < item.span.start:
            holder = v
    return holder


def absent_names(composed: list[tuple[ast.VersionDecl, list]], index: int) -> dict[str, Absent]:
    """Names that other versions define but version `index` does not: replaced earlier, or defined later."""
    versions = [v for v, _ in composed]
    here = {i.name.name for i in composed[index][1] if i.kind in _NAMED}
    absent: dict[str, Absent] = {}
    for _, items in composed[: index + 1]:
        for item in items:
            if item.kind == "indicator" and item.replaces is not None and item.replaces.name not in here:
                absent[item.replaces.name] = Absent(version=_section_of(item, versions) or versions[0], decl=item,
                                                    replaced=True)
    for name, entry in absent.items():
        current, seen = entry.decl.name.name, {name}
        while current not in here and current in absent and current not in seen:   # a -> b -> c: refer to c
            seen.add(current)
            current = absent[current].decl.name.name
        absent[name] = Absent(version=entry.version, decl=entry.decl, replaced=True,
                              current=current if current in here else "")
    for _, items in composed[index + 1:]:
        for item in items:
            if item.kind in _NAMED and item.name.name not in here and item.name.name not in absent:
                absent[item.name.name] = Absent(version=_section_of(item, versions) or versions[0], decl=item,
                                                replaced=False)
    return absent


def _check_periods(versions: list[ast.VersionDecl], sink: Sink) -> None:
    seen: set[str] = set()
    for v in versions:
        if v.name.name in seen:
            sink.error("R0204", f"version `{v.name.name}` is declared twice", v.name.span, "declared again")
        seen.add(v.name.name)
    if not _check_dates(versions, sink):
        return              # the periods follow from the dates
    broken = False
    for v in versions:
        broken |= _check_own_period(v, sink)
    if broken:
        return              # the periods between versions follow once each one is right
    for prev, nxt in zip(versions, versions[1:]):
        _check_adjacent(prev, nxt, sink)


def _check_own_period(v: ast.VersionDecl, sink: Sink) -> bool:
    """A version's own dates: it ends after it starts, its shadow period comes first. True when broken."""
    start, end, shadow = parse_date(v.effective_from), parse_date(v.effective_until), parse_date(v.shadow_from)
    period = v.period_span or v.span
    if start and end and end < start:
        both = v.effective_from_span.merge(v.effective_until_span) if v.effective_from_span else period
        sink.error("R0408", f"version `{v.name.name}` ends on {end}, before it starts on {start}", both,
                   "ends before it starts", help=f"it runs from {start} until {end}: swap the dates or fix one")
        return True
    if shadow and start and shadow >= start:
        sink.error("R0408", f"the shadow period of `{v.name.name}` starts on {shadow}, not before {start}",
                   v.shadow_from_span or period, "shadow after start",
                   help=f"a version is shown in shadow before it takes effect: shadow from a date before {start}")
    return False


def _shift(day: date, days: int) -> str:
    """`day` moved by `days`, as ISO text; `<date>` beyond the calendar (years 1 to 9999)."""
    try:
        return str(day + timedelta(days=days))
    except OverflowError:
        return "<date>"


def _check_adjacent(prev: ast.VersionDecl, nxt: ast.VersionDecl, sink: Sink) -> None:
    end, start = parse_date(prev.effective_until), parse_date(nxt.effective_from)
    if end is None or start is None:
        _open_ended(prev, nxt, sink)
        return
    at = nxt.effective_from_span or nxt.period_span or nxt.span
    if start <= end:
        fix = (f"start it on {_shift(end, 1)}, the day after `{prev.name.name}` ends" if end < date.max else
               f"end `{prev.name.name}` on {_shift(start, -1)}, the day before this one starts")
        sink.error("R0413", f"version `{nxt.name.name}` starts on {start}, before `{prev.name.name}` ends on {end}",
                   at, "periods overlap", help=fix)
    elif (start - end).days > 1:
        sink.error("R0413", f"no version is in force from {_shift(end, 1)} to {_shift(start, -1)}",
                   at, "gap between versions",
                   help=f"start it on {_shift(end, 1)}, the day after `{prev.name.name}` ends, "
                        f"or end `{prev.name.name}` on {_shift(start, -1)}")


def _open_ended(prev: ast.VersionDecl, nxt: ast.VersionDecl, sink: Sink) -> None:
    """One of two neighbouring versions lacks the date where they meet; help shows its period mended."""
    end, start = parse_date(prev.effective_until), parse_date(nxt.effective_from)
    if end is None:
        fixed = f"effective from {prev.effective_from} until {_shift(start, -1) if start else '<date>'}"
        sink.error("R0413", f"version `{prev.name.name}` has no end date, so `{nxt.name.name}` cannot follow it",
                   prev.period_span or prev.span, "never ends",
                   help=f"end it the day before `{nxt.name.name}` starts: `{fixed}`")
        return
    fixed = f"effective from {_shift(end, 1)} until {nxt.effective_until}"
    sink.error("R0413", f"version `{nxt.name.name}` has no start date, so it cannot follow `{prev.name.name}`",
               nxt.period_span or nxt.span, "no start date",
               help=f"start it the day after `{prev.name.name}` ends: `{fixed}`")


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
            return {k: clean(v) for k, v in value.items() if k not in ("span", "repeated") and not k.endswith("_span")}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value
    return json.dumps(clean(node.model_dump(mode="json")), sort_keys=True)
