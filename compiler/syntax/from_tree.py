"""Lark tree -> AST. One Transformer; it builds spanned nodes and does no semantics."""

from __future__ import annotations

import re
from decimal import Decimal

from lark import Token, Transformer, v_args

from rubric.source import Span
from rubric.syntax import ast

__all__ = ["ToAst", "DURATION_MICROS"]

DURATION_MICROS = {
    "h": 3_600_000_000, "hour": 3_600_000_000, "hours": 3_600_000_000,
    "min": 60_000_000, "minute": 60_000_000, "minutes": 60_000_000,
    "s": 1_000_000, "second": 1_000_000, "seconds": 1_000_000,
    "day": 86_400_000_000, "days": 86_400_000_000,
}

# Tokens that carry data; every other token is a keyword or punctuation.
_DATA = {"NAME", "STRING", "NUMBER", "PERCENT", "CLOCK", "COMPARE", "EQ", "MINUS"}


_ESCAPE = re.compile(r"\\(.)")


def _unquote(token: str) -> str:
    """The text of a quoted string; a backslash keeps the next character as it is."""
    return _ESCAPE.sub(r"\1", token[1:-1])


def _data(children) -> list:
    return [c for c in children if not (isinstance(c, Token) and c.type not in _DATA)]


def _first(children, cls):
    return next((c for c in children if isinstance(c, cls)), None)


def _all(children, cls) -> tuple:
    return tuple(c for c in children if isinstance(c, cls))


def _tokens(children, type_: str) -> list[Token]:
    return [c for c in children if isinstance(c, Token) and c.type == type_]


@v_args(meta=True)
class ToAst(Transformer):
    def __init__(self, path: str):
        super().__init__()
        self.path = path

    # --- helpers ------------------------------------------------------------------------
    def _span(self, meta) -> Span:
        if getattr(meta, "empty", False):
            return Span(path=self.path, start=0, end=0)
        return Span(path=self.path, start=meta.start_pos, end=meta.end_pos)

    def _tspan(self, tok: Token) -> Span:
        return Span(path=self.path, start=tok.start_pos, end=tok.end_pos)

    def _name(self, tok: Token) -> ast.Name:
        return ast.Name(span=self._tspan(tok), name=str(tok))

    def _names(self, children) -> tuple[ast.Name, ...]:
        return tuple(self._name(t) for t in _tokens(children, "NAME"))

    def _number(self, tok: Token, negative: bool = False, span: Span | None = None) -> ast.Number:
        text = str(tok)
        sign = -1 if negative else 1
        if tok.type == "PERCENT":
            value, unit = float(Decimal(text[:-1]) / 100) * sign, "percent"
        else:
            value, unit = float(text) * sign, "number"
        return ast.Number(span=span or self._tspan(tok), value=value, unit=unit,
                          text=("-" if negative else "") + text)

    # --- top level ------------------------------------------------------------------------
    def start(self, meta, children):
        return list(children)

    def title(self, meta, children):
        strings = [_unquote(t) for t in _tokens(children, "STRING")]
        en = strings[0] if strings else None
        zh = strings[1] if len(strings) > 1 else None
        if zh is None and en is not None and any("\u4e00" <= ch <= "\u9fff" for ch in en):
            en, zh = None, en
        return ast.Title(span=self._span(meta), en=en, zh=zh)

    def provenance(self, meta, children):
        status = next(str(c) for c in children if isinstance(c, Token) and c.type in ("CONFIRMED", "ILLUSTRATIVE"))
        note = next((_unquote(t) for t in _tokens(children, "STRING")), None)
        return ast.Provenance(span=self._span(meta), status=status, note=note)

    def rubric_header(self, meta, children):
        fields: dict = {"name": self._name(_tokens(children, "NAME")[0]), "title": _first(children, ast.Title)}
        for c in children:
            if isinstance(c, tuple) and c and c[0] == "header":
                fields.update(c[1])
        return ast.RubricHeader(span=self._span(meta), **fields)

    def data_header(self, meta, children):
        header = self.rubric_header(meta, children)
        return ast.DataHeader(span=header.span, name=header.name, title=header.title, source=header.source)

    def h_title(self, meta, children):
        return ("header", {"title": _first(children, ast.Title)})

    def h_source(self, meta, children):
        return ("header", {"source": _unquote(_tokens(children, "STRING")[0])})

    def h_uses(self, meta, children):
        return ("header", {"uses": self._names(children)})

    def h_scores(self, meta, children):
        return ("header", {"scores": self._name(_tokens(children, "NAME")[0])})

    def h_zone(self, meta, children):
        zone = next(c for c in children if isinstance(c, tuple) and c[0] == "zone")
        return ("header", {"zone": zone[1], "zone_span": zone[2]})

    def zone_name(self, meta, children):
        tok = children[0]
        text = _unquote(tok) if tok.type == "STRING" else str(tok)
        return ("zone", text, self._span(meta))

    def zone_plus(self, meta, children):
        return ("zone", f"{children[0]}+{children[2]}", self._span(meta))

    def zone_minus(self, meta, children):
        return ("zone", f"{children[0]}-{children[2]}", self._span(meta))

    def h_cadence(self, meta, children):
        return ("header", {"cadence": children[-1]})

    def cadence(self, meta, children):
        return str(children[0])

    def h_scale(self, meta, children):
        low, high = _all(children, ast.Number)
        return ("header", {"scale": (low.value, high.value), "scale_span": self._span(meta)})

    def signed(self, meta, children):
        negative = bool(_tokens(children, "MINUS"))
        tok = [c for c in children if isinstance(c, Token) and c.type in ("NUMBER", "PERCENT")][0]
        return self._number(tok, negative, self._span(meta))

    # --- tables ---------------------------------------------------------------------------
    def table_decl(self, meta, children):
        fields: dict = {"name": self._name(_tokens(children, "NAME")[0]), "title": _first(children, ast.Title)}
        for c in children:
            if isinstance(c, tuple) and c and c[0] == "table":
                fields.update(c[1])
        return ast.TableDecl(span=self._span(meta), **fields)

    def t_singular(self, meta, children):
        return ("table", {"singular": self._names(children)[0]})

    def t_key(self, meta, children):
        return ("table", {"key": self._names(children)})

    def t_created(self, meta, children):
        return ("table", {"created_by": self._names(children)[0]})

    def t_excluded(self, meta, children):
        return ("table", {"excluded_by": self._names(children)[0]})

    def t_columns(self, meta, children):
        return ("table", {"columns": _all(children, ast.ColumnDecl)})

    def column_decl(self, meta, children):
        names = _tokens(children, "NAME")
        flags = [c for c in children if isinstance(c, str) and c in ("optional", "planned")]
        ctype = next(c for c in children if isinstance(c, dict))
        refs = any(isinstance(c, Token) and c.type == "REFERENCES" for c in children)
        return ast.ColumnDecl(span=self._span(meta), name=self._name(names[0]),
                              optional="optional" in flags, planned="planned" in flags,
                              references=self._name(names[-1]) if refs else None, **ctype)

    def column_flag(self, meta, children):
        return str(children[0])

    def _ctype(self, type_: str, children=()):
        bounds = _all(children, ast.Number)
        out = {"type": type_}
        if len(bounds) == 2:
            out.update(minimum=bounds[0].value, maximum=bounds[1].value)
        return out

    def ct_id(self, meta, children): return self._ctype("id")
    def ct_text(self, meta, children): return self._ctype("text")
    def ct_timestamp(self, meta, children): return self._ctype("timestamp")
    def ct_bool(self, meta, children): return self._ctype("bool")
    def ct_money(self, meta, children): return self._ctype("money")
    def ct_int(self, meta, children): return self._ctype("int", children)
    def ct_number(self, meta, children): return self._ctype("number", children)

    def ct_label(self, meta, children):
        return {"type": "label", "values": self._names(children)}

    # --- windows and definitions ---------------------------------------------------------
    def window_decl(self, meta, children):
        spec = next(c for c in children if isinstance(c, dict))
        return ast.WindowDecl(span=self._span(meta), name=self._name(_tokens(children, "NAME")[0]),
                              title=_first(children, ast.Title), provenance=_first(children, ast.Provenance), **spec)

    def w_last(self, meta, children):
        return {"shape": "last", "length": _first(children, ast.Number), "spec_span": self._span(meta)}

    def w_days_ago(self, meta, children):
        a, b = _tokens(children, "NUMBER")
        return {"shape": "days_ago", "first_day": int(float(a)), "last_day": int(float(b)),
                "spec_span": self._span(meta)}

    def condition_decl(self, meta, children):
        data = _data(children)
        return ast.ConditionDecl(span=self._span(meta), name=self._name(data[0]), title=_first(children, ast.Title),
                                 expr=self._expr_after_eq(children), provenance=_first(children, ast.Provenance))

    def _expr_after_eq(self, children):
        eq = next(i for i, c in enumerate(children) if isinstance(c, Token) and c.type == "EQ")
        return children[eq + 1]

    def value_decl(self, meta, children):
        return ast.ValueDecl(span=self._span(meta), name=self._name(_tokens(children, "NAME")[0]),
                             title=_first(children, ast.Title), measure=_first(children, ast.Measure),
                             provenance=_first(children, ast.Provenance))

    def indicator_decl(self, meta, children):
        fields: dict = {}
        names = _tokens(children, "NAME")
        if any(isinstance(c, Token) and c.type == "REPLACES" for c in children):
            fields["replaces"] = self._name(names[1])
        repeated = []
        for c in children:
            if isinstance(c, tuple) and c and c[0] == "clause":
                for key, value in c[1].items():
                    if key in fields and key != "direction_span":
                        repeated.append(getattr(value, "span", None) or c[1].get("direction_span"))
                fields.update(c[1])
        fields["repeated"] = tuple(s for s in repeated if s is not None)
        top_prov = None
        measure_index = next(i for i, c in enumerate(children) if isinstance(c, ast.Measure))
        if measure_index + 1 < len(children) and isinstance(children[measure_index + 1], ast.Provenance):
            top_prov = children[measure_index + 1]
        return ast.IndicatorDecl(span=self._span(meta), name=self._name(_tokens(children, "NAME")[0]),
                                 title=_first(children, ast.Title), measure=children[measure_index],
                                 provenance=top_prov, **fields)

    def direction(self, meta, children):
        return (str(children[0]), self._tspan(children[0]))

    def i_direction(self, meta, children):
        value, span = children[0]
        return ("clause", {"direction": value, "direction_span": span})

    def i_excellent(self, meta, children):
        op_token = next(c for c in children if isinstance(c, Token) and c.type in ("COMPARE", "EQ"))
        value = next(c for c in children if isinstance(c, (ast.Number, ast.BoolLit)))
        op_span = Span(path=self.path, start=op_token.start_pos, end=value.span.end)
        return ("clause", {"excellent": ast.Excellent(span=self._span(meta), op=str(op_token), op_span=op_span, value=value,
                                                      provenance=_first(children, ast.Provenance))})

    def i_curve(self, meta, children):
        curve = _first(children, ast.Curve)
        curve = curve.model_copy(update={"provenance": _first(children, ast.Provenance)})
        return ("clause", {"curve": curve})

    def curve(self, meta, children):
        return ast.Curve(span=self._span(meta), points=_all(children, ast.CurvePoint))

    def point(self, meta, children):
        x, y = [c for c in children if isinstance(c, (ast.Number, ast.BoolLit))]
        if isinstance(children[0], Token) and children[0].type == "MINUS" and isinstance(x, ast.Number):
            x = x.model_copy(update={"value": -x.value, "text": "-" + x.text,
                                     "span": Span(path=self.path, start=children[0].start_pos, end=x.span.end)})
        return ast.CurvePoint(span=self._span(meta), x=x, y=y)

    def i_ranked(self, meta, children):
        names = self._names(children)
        same = next((c[1] for c in children if isinstance(c, tuple) and c and c[0] == "same"), ())
        last = (same[-1].span if same else names[1].span)
        span = Span(path=self.path, start=meta.start_pos, end=last.end)
        return ("clause", {"ranked": ast.Ranked(span=span, factor=_first(children, ast.Number),
                                                among=names[0], entity=names[1], same=same,
                                                provenance=_first(children, ast.Provenance))})

    def i_min_group(self, meta, children):
        count = int(float(_tokens(children, "NUMBER")[0]))
        return ("clause", {"min_group": ast.MinGroup(span=self._span(meta), count=count,
                                                     score=_first(children, ast.Number),
                                                     provenance=_first(children, ast.Provenance))})

    def i_floor_value(self, meta, children):
        op = _tokens(children, "COMPARE")[0]
        value, score = _all(children, ast.Number)
        span = Span(path=self.path, start=meta.start_pos, end=score.span.end)
        return ("clause", {"floor_value": ast.FloorValue(span=span, op=str(op), value=value, score=score,
                                                         provenance=_first(children, ast.Provenance))})

    def i_no_sample(self, meta, children):
        rule = next(c for c in children if isinstance(c, ast.NoSample))
        return ("clause", {"no_sample": rule.model_copy(update={"provenance": _first(children, ast.Provenance)})})

    def ns_score(self, meta, children):
        return ast.NoSample(span=self._span(meta), score=_first(children, ast.Number))

    def ns_share(self, meta, children):
        return ast.NoSample(span=self._span(meta))

    def dimension_decl(self, meta, children):
        names = _tokens(children, "NAME")
        percents = _tokens(children, "PERCENT")
        body = next(c for c in children if isinstance(c, tuple) and c and c[0] == "dim")
        return ast.DimensionDecl(span=self._span(meta), name=self._name(names[0]), title=_first(children, ast.Title),
                                 weight=self._number(percents[0]) if percents else None,
                                 provenance=_first(children, ast.Provenance), **body[1])

    def dim_mean(self, meta, children):
        return ("dim", {"members": self._names(children)})

    def dim_weighted(self, meta, children):
        items = _all(children, ast.WeightItem)
        return ("dim", {"members": tuple(i.name for i in items), "member_weights": items})

    def dim_no_sample(self, meta, children):
        return _first(children, ast.Provenance)

    def weights_decl(self, meta, children):
        names = _tokens(children, "NAME")
        return ast.WeightsDecl(span=self._span(meta), attribute=self._name(names[0]),
                               values=tuple(self._name(t) for t in names[1:]),
                               provenance=_first(children, ast.Provenance), items=_all(children, ast.WeightItem))

    def weight_item(self, meta, children):
        return ast.WeightItem(span=self._span(meta), name=self._name(children[0]), weight=self._number(children[1]))

    def total_decl(self, meta, children):
        body = next(c for c in children if isinstance(c, tuple) and c and c[0] == "total")
        return ast.TotalDecl(span=self._span(meta), title=_first(children, ast.Title),
                             provenance=_first(children, ast.Provenance), **body[1])

    def total_weighted(self, meta, children):
        return ("total", {"members": self._names(children)})

    def total_expr(self, meta, children):
        return ("total", {"expr": children[0]})

    def deduction_decl(self, meta, children):
        return ast.DeductionDecl(span=self._span(meta), name=self._name(_tokens(children, "NAME")[0]),
                                 title=_first(children, ast.Title), amount=_first(children, ast.Number),
                                 population=_first(children, ast.Population),
                                 provenance=_first(children, ast.Provenance))

    def clamp_both(self, meta, children):
        low, high = _all(children, ast.Number)
        return ast.ClampDecl(span=self._span(meta), low=low, high=high, provenance=_first(children, ast.Provenance))

    def clamp_floor(self, meta, children):
        return ast.ClampDecl(span=self._span(meta), low=_first(children, ast.Number),
                             provenance=_first(children, ast.Provenance))

    def _rule(self, kind, meta, children):
        when = next((c for c in children if isinstance(c, tuple) and c and c[0] == "when"), ("when", None))
        name = next(c for c in children if isinstance(c, Token) and c.type in ("NAME", "NUMBER"))
        return ast.RuleDecl(span=self._span(meta), kind=kind, name=self._name(name),
                            title=_first(children, ast.Title), when=when[1], provenance=_first(children, ast.Provenance))

    def tier_decl(self, meta, children):
        return self._rule("tier", meta, children)

    def status_decl(self, meta, children):
        return self._rule("status", meta, children)

    def when_expr(self, meta, children):
        return ("when", children[-1])

    def when_otherwise(self, meta, children):
        return ("when", None)

    def consequence_decl(self, meta, children):
        when_index = next(i for i, c in enumerate(children) if isinstance(c, Token) and c.type == "WHEN")
        return ast.ConsequenceDecl(span=self._span(meta), name=self._name(_tokens(children, "NAME")[0]),
                                   title=_first(children, ast.Title), when=children[when_index + 1],
                                   history=_first(children, ast.History), provenance=_first(children, ast.Provenance),
                                   charge=_first(children, ast.Charge))

    def history(self, meta, children):
        count = int(float(_tokens(children, "NUMBER")[0]))
        cadence = next(c for c in children if isinstance(c, str) and not isinstance(c, Token))
        return ast.History(span=self._span(meta), count=count, cadence=cadence)

    def charge(self, meta, children):
        return ast.Charge(span=self._span(meta), amount=children[1], output=self._name(_tokens(children, "NAME")[-1]),
                          provenance=_first(children, ast.Provenance))

    def output_decl(self, meta, children):
        when = None
        for i, c in enumerate(children):
            if isinstance(c, Token) and c.type == "WHEN":
                when = children[i + 1]
        return ast.OutputDecl(span=self._span(meta), name=self._name(_tokens(children, "NAME")[0]),
                              title=_first(children, ast.Title), measure=_first(children, ast.Measure),
                              when=when, provenance=_first(children, ast.Provenance))

    def bands_decl(self, meta, children):
        names = self._names(children)
        same = next((c[1] for c in children if isinstance(c, tuple) and c and c[0] == "same"), ())
        prov = next((c for c in children if isinstance(c, ast.Provenance)), None)
        return ast.BandsDecl(span=self._span(meta), among=names[0], entity=names[1], same=same, provenance=prov,
                             rows=_all(children, ast.BandRow))

    def band_row(self, meta, children):
        at = next(c for c in children if isinstance(c, tuple) and c and c[0] == "at")
        low, high = [c for c in children if isinstance(c, ast.Number)]
        return ast.BandRow(span=self._span(meta), name=self._name(_tokens(children, "NAME")[0]),
                           title=_first(children, ast.Title), op=at[1], threshold=at[2], low=low, high=high,
                           provenance=_first(children, ast.Provenance))

    def band_at(self, meta, children):
        op = next(str(c) for c in children if isinstance(c, Token) and c.type in ("COMPARE", "EQ"))
        return ("at", op, self._number(_tokens(children, "PERCENT")[0]))

    def band_otherwise(self, meta, children):
        return ("at", None, None)

    def gate_decl(self, meta, children):
        names = self._names(children)
        when_index = next(i for i, c in enumerate(children) if isinstance(c, Token) and c.type == "WHEN")
        return ast.GateDecl(span=self._span(meta), name=names[0], title=_first(children, ast.Title),
                            bands=names[1:], when=children[when_index + 1], provenance=_first(children, ast.Provenance))

    def version_decl(self, meta, children):
        period = next(c for c in children if isinstance(c, dict))
        effective = _tokens(children, "EFFECTIVE")[0]
        last = max((v for k, v in period.items() if k.endswith("_span")), key=lambda s: s.end)
        return ast.VersionDecl(span=self._span(meta), name=self._name(_tokens(children, "NAME")[0]),
                               title=_first(children, ast.Title), provenance=_first(children, ast.Provenance),
                               period_span=Span(path=self.path, start=effective.start_pos, end=last.end), **period)

    def vp_from(self, meta, children):
        dates = _tokens(children, "DATE")
        shadow = next((c for c in children if isinstance(c, tuple) and c and c[0] == "shadow"), None)
        period = {"effective_from": str(dates[0]), "effective_from_span": self._tspan(dates[0])}
        if len(dates) > 1:
            period.update(effective_until=str(dates[1]), effective_until_span=self._tspan(dates[1]))
        if shadow is not None:
            period.update(shadow_from=shadow[1], shadow_from_span=shadow[2])
        return period

    def vp_until(self, meta, children):
        date = _tokens(children, "DATE")[0]
        return {"effective_until": str(date), "effective_until_span": self._tspan(date)}

    def shadow(self, meta, children):
        date = _tokens(children, "DATE")[0]
        return ("shadow", str(date), self._tspan(date))

    # --- measures and populations --------------------------------------------------------
    def m_share(self, meta, children):
        excluding = next((c[1] for c in children if isinstance(c, tuple) and c and c[0] == "excluding"), None)
        return ast.Measure(span=self._span(meta), kind="share", population=_first(children, ast.Population),
                           excluding=excluding, numerator=children[-1])

    def excluding(self, meta, children):
        return ("excluding", children[-1])

    def m_count(self, meta, children):
        return ast.Measure(span=self._span(meta), kind="count", population=_first(children, ast.Population))

    def _over(self, kind, meta, children):
        of = next(i for i, c in enumerate(children) if isinstance(c, Token) and c.type == "OF")
        return ast.Measure(span=self._span(meta), kind=kind, expr=children[of + 1],
                           population=_first(children, ast.Population))

    def m_sum(self, meta, children): return self._over("sum", meta, children)
    def m_mean(self, meta, children): return self._over("mean", meta, children)
    def m_nps(self, meta, children): return self._over("nps", meta, children)

    def m_lowest(self, meta, children):
        column, table, window = _tokens(children, "NAME")
        population = ast.Population(span=self._span(meta), table=self._name(table), window=self._name(window))
        return ast.Measure(span=self._span(meta), kind="lowest", expr=self._name(column), population=population,
                           default=_first(children, ast.Number))

    def m_expr(self, meta, children):
        return ast.Measure(span=self._span(meta), kind="expr", expr=children[0])

    def population(self, meta, children):
        fields: dict = {"table": self._name(children[0])}
        for c in children[1:]:
            if isinstance(c, tuple) and c and c[0] == "pop":
                key, value = c[1], c[2]
                if key == "bounds":
                    fields["bounds"] = fields.get("bounds", ()) + (value,)
                elif key == "verb_window":
                    fields["verb"], fields["window"] = value
                elif key == "column_window":
                    fields["column"], fields["window"] = value
                else:
                    fields[key] = value
            elif not isinstance(c, Token):
                fields["filter"] = c
        return ast.Population(span=self._span(meta), **fields)

    def pt_verb(self, meta, children):
        verb, window = _tokens(children, "NAME")
        return ("pop", "verb_window", (self._name(verb), self._name(window)))

    def pt_column(self, meta, children):
        column, window = _tokens(children, "NAME")
        return ("pop", "column_window", (self._name(column), self._name(window)))

    def pb_at_least(self, meta, children):
        return ("pop", "bounds", ast.Bound(span=self._span(meta), strict=False, duration=_first(children, ast.Number)))

    def pb_more_than(self, meta, children):
        return ("pop", "bounds", ast.Bound(span=self._span(meta), strict=True, duration=_first(children, ast.Number)))

    def pb_time_of_day(self, meta, children):
        a, b = _tokens(children, "CLOCK")
        minutes = [int(t[:2]) * 60 + int(t[3:]) for t in (a, b)]
        return ("pop", "time_of_day", ast.TimeOfDay(span=self._span(meta), start=minutes[0], end=minutes[1]))

    # --- expressions ---------------------------------------------------------------------
    def quantity(self, meta, children):
        number, unit = children
        micros = float(Decimal(str(number)) * DURATION_MICROS[unit])
        return ast.Number(span=self._span(meta), value=micros, unit="duration", text=f"{number} {unit}")

    def unit(self, meta, children):
        return str(children[0])

    def article(self, meta, children):
        return None

    def l_percent(self, meta, children): return self._number(children[0])
    def l_number(self, meta, children): return self._number(children[0])
    def l_yes(self, meta, children): return ast.BoolLit(span=self._span(meta), value=True)
    def l_no(self, meta, children): return ast.BoolLit(span=self._span(meta), value=False)

    def e_name(self, meta, children): return self._name(children[0])
    def e_string(self, meta, children): return ast.StringLit(span=self._span(meta), value=_unquote(children[0]))
    def e_asof(self, meta, children): return ast.AsOf(span=self._span(meta))
    def e_score(self, meta, children): return ast.ScoreRef(span=self._span(meta))

    def e_score_of(self, meta, children):
        return ast.ScoreRef(span=self._span(meta), of=self._name(_tokens(children, "NAME")[0]))

    def e_months_since(self, meta, children):
        return ast.MonthsSince(span=self._span(meta), column=self._name(_tokens(children, "NAME")[0]))

    def e_years_since(self, meta, children):
        return ast.YearsSince(span=self._span(meta), column=self._name(_tokens(children, "NAME")[0]))

    def e_weighted_sum(self, meta, children):
        return ast.WeightedSum(span=self._span(meta), members=self._names(children))

    def e_otherwise(self, meta, children):
        return self._binary("otherwise", meta, children)

    def e_first_relation(self, meta, children):
        table = self._name(_tokens(children, "NAME")[0])
        tests = tuple(c[1] for c in children if isinstance(c, tuple) and c and c[0] == "with")
        return ast.FirstRelation(span=self._span(meta), table=table, tests=tests, within=_first(children, ast.Within),
                                 then=children[-1])

    def e_percentile(self, meta, children):
        names = _tokens(children, "NAME")
        operand = next(c for c in children if not isinstance(c, (Token, tuple)))
        same = next((c[1] for c in children if isinstance(c, tuple) and c and c[0] == "same"), ())
        return ast.Percentile(span=self._span(meta), operand=operand, among=self._name(names[0]),
                              entity=self._name(names[1]), same=same)

    def same(self, meta, children):
        return ("same", self._names(children))

    def e_relation(self, meta, children):
        table = self._name(_tokens(children, "NAME")[0])
        tests = tuple(c[1] for c in children if isinstance(c, tuple) and c and c[0] == "with")
        within = _first(children, ast.Within)
        return ast.Relation(span=self._span(meta), table=table, tests=tests, within=within)

    def r_with(self, meta, children):
        return ("with", children[-1])

    def r_within(self, meta, children):
        verb, after = _tokens(children, "NAME")
        return ast.Within(span=self._span(meta), verb=self._name(verb), duration=_first(children, ast.Number),
                          after=self._name(after))

    def _binary(self, op, meta, children):
        left, right = [c for c in children if not isinstance(c, Token)]
        return ast.Binary(span=self._span(meta), op=op, left=left, right=right)

    def e_add(self, meta, children): return self._binary("+", meta, children)
    def e_sub(self, meta, children): return self._binary("-", meta, children)
    def e_mul(self, meta, children): return self._binary("*", meta, children)
    def e_div(self, meta, children): return self._binary("/", meta, children)

    def e_neg(self, meta, children):
        return ast.Neg(span=self._span(meta), operand=children[-1])

    def e_compare(self, meta, children):
        left, op, right = children
        return ast.Compare(span=self._span(meta), op=str(op), left=left, right=right)

    def e_missing(self, meta, children):
        return ast.Missing(span=self._span(meta), operand=children[0], present=False)

    def e_present(self, meta, children):
        return ast.Missing(span=self._span(meta), operand=children[0], present=True)

    def e_one_of(self, meta, children):
        labels = tuple(ast.LabelRef(span=self._tspan(t), value=_unquote(t) if t.type == "STRING" else str(t))
                       for t in children[1:] if isinstance(t, Token) and t.type in ("NAME", "STRING"))
        return ast.OneOf(span=self._span(meta), operand=children[0], labels=labels)

    def _logic(self, op, meta, children):
        operands = []
        for c in children:
            if isinstance(c, Token):
                continue
            operands.extend(c.operands if isinstance(c, ast.Logic) and c.op == op else (c,))
        return ast.Logic(span=self._span(meta), op=op, operands=tuple(operands))

    def e_and(self, meta, children): return self._logic("and", meta, children)
    def e_or(self, meta, children): return self._logic("or", meta, children)

    def e_not(self, meta, children):
        return ast.Not(span=self._span(meta), operand=children[-1])
