"""Altair charts of the follow-through frames, for the projector or for print, rendered offline.

Every chart function takes one of the frames of :mod:`peerkit.scoring` (or the phase timing frame
below) and a ``theme`` ("projector": dark background and type readable from the back of the room;
"print": white paper and black text). The theme is applied to the returned chart only: nothing
global changes, so two charts with two themes can live side by side.

Colour is never the only signal: heatmap cells carry their percentage, each member's trend is a
panel headed by their name (the cohort's line dashed behind it), bars carry their minutes.
Colour scales are colour-blind safe (cividis for rates, the Okabe–Ito palette for categories,
blue against orange for planned against used).

``to_svg`` and ``to_png`` render with vl-convert in-process, with remote data loading disabled:
nothing is fetched from the network and no CDN renderer is involved.

Phase timing frame (``phase_timing``): one row per phase of each round, with columns
round_id:int (tells rounds apart), round:int (the round's number in its meeting, from 1),
phase:str (the phase's name), position:int (its order in the round, from 0), planned_s:float
(planned seconds) and used_s:float (seconds actually used; NaN or 0 if skipped); optionally
presenter:str (the presenter's name; left out, or empty, under the Chatham House Rule).
``Store.phase_frame`` makes it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from peerkit.model import PeerkitError

# Every altair chart drawn in a kernel that imported peerkit's charts, a coach's own included,
# is drawn offline: as SVG by vl-convert in the kernel. Lab's and Voila's default renderers load
# Vega from a CDN for Vega-Lite 6 ("Error loading script: https://cdn.jsdelivr.net/npm/vega@6").
alt.renderers.enable("svg")

__all__ = [
    "THEMES",
    "Theme",
    "apply_theme",
    "cohort_distribution",
    "follow_through_heatmap",
    "phase_timing",
    "to_png",
    "to_svg",
    "trend",
]

#: The text shown in a heatmap cell when the member had nothing due at that meeting.
NOTHING_DUE_MARK = "–"
#: Okabe & Ito's colour-blind-safe palette, minus the colours that vanish on each background
#: (dark blue on the projector, yellow on paper; black and white are the foregrounds), the
#: darker ones first on paper.
OKABE_ITO_DARK = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#CC79A7", "#D55E00", "#999999")
OKABE_ITO_LIGHT = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999999")
_RATE_SCHEME: Any = "cividis"  # dark blue (0 %) to yellow (100 %), readable with any colour vision


@dataclass(frozen=True)
class Theme:
    """Colours and type sizes of one way of showing charts."""

    name: str
    background: str
    foreground: str  # text, axes, the cohort line
    muted: str  # grid lines and secondary text
    nothing_due: str  # fill of "nothing due" cells
    accent: str  # single-colour marks
    planned: str  # planned minutes
    used: str  # used minutes
    label_size: int  # axis labels, legend labels, text marks
    title_size: int
    step: int  # size of one heatmap cell / one band, in pixels
    width: int  # width of continuous charts
    palette: tuple[str, ...]  # one colour per member (then repeated; names tell them apart)
    font: str = "Helvetica Neue, Helvetica, Arial, DejaVu Sans, sans-serif"


THEMES: dict[str, Theme] = {
    "projector": Theme(
        name="projector",
        background="#111111",
        foreground="#f2f2f2",
        muted="#8c8c8c",
        nothing_due="#3b3b3b",
        accent="#56B4E9",
        planned="#56B4E9",
        used="#E69F00",
        label_size=20,
        title_size=28,
        step=64,
        width=900,
        palette=OKABE_ITO_DARK,
    ),
    "print": Theme(
        name="print",
        background="#ffffff",
        foreground="#000000",
        muted="#595959",
        nothing_due="#e3e3e3",
        accent="#0072B2",
        planned="#0072B2",
        used="#E69F00",
        label_size=11,
        title_size=14,
        step=34,
        width=520,
        palette=OKABE_ITO_LIGHT,
    ),
}


def _theme(theme: str | Theme) -> Theme:
    if isinstance(theme, Theme):
        return theme
    try:
        return THEMES[theme]
    except (KeyError, TypeError):
        names = ", ".join(f'"{n}"' for n in THEMES)
        raise PeerkitError(f"Unknown chart theme {theme!r}: use {names}.") from None


def apply_theme(chart: Any, theme: str | Theme = "projector") -> Any:
    """The chart with a peerkit theme's colours and type ("projector" or "print", or a
    :class:`Theme`): for a coach's own chart beside peerkit's. This chart only, no global state."""
    t = _theme(theme)
    axis = {
        "labelColor": t.foreground,
        "titleColor": t.foreground,
        "labelFontSize": t.label_size,
        "titleFontSize": t.label_size,
        "domainColor": t.muted,
        "tickColor": t.muted,
        "gridColor": t.muted,
        "gridOpacity": 0.35,
        "labelFont": t.font,
        "titleFont": t.font,
        "labelLimit": 40 * t.label_size,
    }
    return (
        chart.configure(background=t.background, font=t.font, padding=t.label_size // 2)
        .configure_axis(**axis)
        .configure_legend(
            labelColor=t.foreground,
            titleColor=t.foreground,
            labelFontSize=t.label_size,
            titleFontSize=t.label_size,
            labelLimit=40 * t.label_size,
        )
        .configure_header(
            labelColor=t.foreground,
            titleColor=t.foreground,
            labelFontSize=t.label_size,
            titleFontSize=t.label_size,
        )
        .configure_title(
            color=t.foreground,
            subtitleColor=t.muted,
            fontSize=t.title_size,
            subtitleFontSize=t.label_size,
            anchor="start",
            offset=t.label_size // 2,
        )
        .configure_view(stroke=None)
        # A coach's marks in the theme too: peerkit's own charts set every mark's colour.
        .configure_mark(color=t.accent)
        .configure_text(color=t.foreground, fontSize=t.label_size, font=t.font)
    )


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise PeerkitError(f"The {what} chart needs a table (a pandas DataFrame).")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise PeerkitError(f"The {what} chart needs the column(s) {', '.join(missing)}.")


def _one_cohort(frame: pd.DataFrame, what: str) -> None:
    if "cohort_id" in frame.columns and frame["cohort_id"].nunique() > 1:
        raise PeerkitError(
            f"The {what} chart shows one cohort at a time: keep the rows of one cohort_id."
        )


def _records(frame: pd.DataFrame) -> alt.InlineData:
    """Plain JSON values (NaN as null), inlined: no row limit, nothing to fetch."""
    values = [{str(k): _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
    return alt.InlineData(values=values)


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return value


def _meeting_labels(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.strftime("%Y-%m-%d")


def _percent_axis(title: str | None = None) -> alt.Axis:
    return alt.Axis(format=".0%", title=title, values=[0, 0.25, 0.5, 0.75, 1], grid=True)


# --------------------------------------------------------------------------------------------
# Charts


def follow_through_heatmap(
    by_meeting: pd.DataFrame, theme: str | Theme = "projector", title: str | None = None
) -> alt.LayerChart:
    """Member × meeting grid coloured by completion rate, each cell showing its percentage.

    ``by_meeting`` is :func:`peerkit.scoring.completion_by_meeting` for one cohort (columns
    name, date, rate, status; member_id and reviewed used when present). Cells where the member
    had nothing due are grey with a "–" rather than a colour.
    """
    t = _theme(theme)
    _require(by_meeting, ("name", "date", "rate", "status"), "follow-through heatmap")
    _one_cohort(by_meeting, "follow-through heatmap")
    frame = pd.DataFrame(
        {
            "name": by_meeting["name"].astype(str).to_numpy(),
            "meeting": _meeting_labels(by_meeting["date"]).to_numpy(),
            "rate": by_meeting["rate"].to_numpy(dtype=float),
            "status": by_meeting["status"].astype(str).to_numpy(),
        }
    )
    frame["due"] = frame["rate"].notna()
    frame["label"] = frame["status"].where(frame["due"], NOTHING_DUE_MARK)
    frame["dark"] = frame["rate"] < 0.5  # cividis is dark below the middle: white text there
    if "reviewed" in by_meeting.columns:
        frame["reviewed"] = by_meeting["reviewed"].to_numpy()
    names = list(dict.fromkeys(frame["name"]))
    meetings = sorted(set(frame["meeting"]))

    data = _records(frame)
    x = alt.X(
        "meeting:O",
        sort=meetings,
        title="Meeting",
        axis=alt.Axis(labelAngle=0 if len(meetings) <= 6 else -45, orient="top"),
    )
    y = alt.Y("name:N", sort=names, title=None)
    tooltip = [
        alt.Tooltip("name:N", title="Member"),
        alt.Tooltip("meeting:O", title="Meeting"),
        alt.Tooltip("status:N", title="Follow-through"),
    ]
    base = alt.Chart(data).encode(x=x, y=y)
    # Every cell first in the "nothing due" grey, then the cells with something due on top
    # (Vega-Lite drops rows whose colour field is null from a colour-encoded mark).
    blank = base.mark_rect(stroke=t.background, strokeWidth=2, color=t.nothing_due).encode(
        tooltip=tooltip
    )
    cells = (
        base.transform_filter(alt.datum.due)
        .mark_rect(stroke=t.background, strokeWidth=2)
        .encode(
            color=alt.Color(
                "rate:Q",
                scale=alt.Scale(scheme=_RATE_SCHEME, domain=[0, 1]),
                legend=alt.Legend(title="Done", format=".0%", values=[0, 0.5, 1]),
            ),
            tooltip=tooltip,
        )
    )
    text = base.mark_text(fontSize=t.label_size, font=t.font).encode(
        text="label:N",
        color=alt.when(alt.datum.due & alt.datum.dark)
        .then(alt.value("#ffffff"))
        .when(alt.datum.due)
        .then(alt.value("#000000"))
        .otherwise(alt.value(t.foreground)),
        tooltip=tooltip,
    )
    chart = (blank + cells + text).properties(
        width=alt.Step(t.step * 2),
        height=alt.Step(t.step),
        title=alt.TitleParams(
            title or "Follow-through by meeting",
            subtitle=f"{NOTHING_DUE_MARK} nothing due · partial counts half",
        ),
    )
    return apply_theme(chart, t)


def trend(
    rolling: pd.DataFrame, theme: str | Theme = "projector", title: str | None = None
) -> alt.FacetChart:
    """Small multiples: one panel per member, headed by the member's name, with the member's
    rolling completion rate as a solid line and the whole cohort's as a dashed line behind it.

    ``rolling`` is :func:`peerkit.scoring.completion_rolling` for one cohort (columns name, date,
    rate; member_id, reviewed and credit used when present). Panels come in name order, as in
    the scoreboard; a member who had nothing due in the whole period gets the words "nothing
    due" in the panel, never a line at 0 %.

    Why panels rather than one chart of twelve lines labelled at their ends: in a peer group
    many members sit at the same rate (everyone who did everything is at 100 %, and often
    several at 0 %), so their lines lie on top of each other and end labels collide however
    they are nudged apart — a nudged label ends up far from its line, and the lines stay a
    tangle. A legend would lean on seven colours for twelve people. A panel per member has
    room for exactly one name, in the same place each time, never on top of another; each line
    reads against the cohort's, and the shared 0–100 % scale keeps the panels comparable. The
    member's line is solid and the cohort's dashed, so no colour is needed to tell them apart.
    """
    t = _theme(theme)
    _require(rolling, ("name", "date", "rate"), "trend")
    _one_cohort(rolling, "trend")
    key = rolling["member_id"] if "member_id" in rolling.columns else rolling["name"]
    frame = pd.DataFrame(
        {
            "key": key.astype(str).to_numpy(),
            "name": rolling["name"].astype(str).to_numpy(),
            "meeting": _meeting_labels(rolling["date"]).to_numpy(),
            "rate": rolling["rate"].to_numpy(dtype=float),
        }
    )
    meetings = sorted(set(frame["meeting"]))
    if {"reviewed", "credit"} <= set(rolling.columns):
        sums = (
            pd.DataFrame(
                {
                    "meeting": frame["meeting"],
                    "reviewed": rolling["reviewed"].to_numpy(dtype=float),
                    "credit": rolling["credit"].to_numpy(dtype=float),
                }
            )
            .groupby("meeting", sort=True)
            .sum()
        )
        cohort_rate = sums["credit"] / sums["reviewed"].where(sums["reviewed"] > 0)
    else:
        cohort_rate = frame.groupby("meeting", sort=True)["rate"].mean()
    frame["cohort"] = frame["meeting"].map(cohort_rate).to_numpy(dtype=float)
    frame["panel"] = frame["key"].map(_panel_names(frame))
    panels = sorted(dict.fromkeys(frame["panel"]), key=lambda p: (p.casefold(), p))
    idle = frame.groupby("panel", sort=False)["rate"].count().eq(0)
    frame["nothing_due"] = frame["panel"].map(idle).to_numpy(dtype=bool)
    frame["first"] = frame["meeting"] == (meetings[0] if meetings else "")

    columns = 3
    gap = t.label_size * 2
    panel_width = max(120, (t.width - (columns - 1) * gap) // columns)
    ends = [meetings[0], meetings[-1]] if len(meetings) > 1 else meetings
    x = alt.X(
        "meeting:O",
        sort=meetings,
        title=None,
        scale=alt.Scale(type="point", padding=0.2),
        # The first and last meeting only, flush with the panel's edges (no label runs into
        # the next panel's).
        axis=alt.Axis(
            values=ends,
            labelAngle=0,
            labelAlign=alt.ExprRef("datum.index == 0 ? 'left' : 'right'"),
            labelOverlap=False,
        ),
    )
    y = alt.Y(
        "rate:Q",
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format=".0%", values=[0, 0.5, 1], grid=True, title=None),
    )
    tooltip = [
        alt.Tooltip("panel:N", title="Member"),
        alt.Tooltip("meeting:O", title="Meeting"),
        alt.Tooltip("rate:Q", title="Follow-through", format=".0%"),
        alt.Tooltip("cohort:Q", title="Cohort", format=".0%"),
    ]
    cohort_line = (
        alt.Chart()
        .mark_line(color=t.muted, strokeWidth=max(2, t.label_size // 6), strokeDash=[8, 5])
        .encode(x=x, y=alt.Y("cohort:Q", scale=alt.Scale(domain=[0, 1])))
    )
    member_line = (
        alt.Chart()
        .mark_line(
            color=t.accent,
            strokeWidth=max(3, t.label_size // 5),
            point=alt.OverlayMarkDef(color=t.accent, size=(t.label_size * 0.5) ** 2),
        )
        .encode(x=x, y=y, tooltip=tooltip)
    )
    nothing = (
        alt.Chart()
        .transform_filter(alt.datum.nothing_due & alt.datum.first)
        .mark_text(
            align="left",
            baseline="middle",
            fontSize=t.label_size,
            fontStyle="italic",
            color=t.muted,
            font=t.font,
        )
        .encode(x=x, y=alt.value(panel_width // 4), text=alt.value("nothing due"))
    )
    layer = alt.layer(cohort_line, member_line, nothing, data=_records(frame)).properties(
        width=panel_width, height=max(100, int(panel_width * 0.45))
    )
    chart = layer.facet(
        facet=alt.Facet(
            "panel:N",
            sort=panels,
            title=None,
            header=alt.Header(
                labelAnchor="start",
                labelFontWeight="bold",
                labelPadding=t.label_size // 3,
            ),
        ),
        columns=columns,
        spacing={"row": t.label_size, "column": gap},
    ).properties(
        title=alt.TitleParams(
            title or "Follow-through over the last meetings",
            subtitle="rolling completion rate of each member; dashed: the whole cohort",
        )
    )
    return apply_theme(chart, t)


def _panel_names(frame: pd.DataFrame) -> dict[str, str]:
    """Each member key's panel heading: the name, numbered when two members share it."""
    named = dict(zip(frame["key"], frame["name"], strict=True))
    seen: dict[str, int] = {}
    out = {}
    for key, name in named.items():
        seen[name] = seen.get(name, 0) + 1
        out[key] = name if seen[name] == 1 else f"{name} ({seen[name]})"
    return out


def cohort_distribution(
    scoreboard: pd.DataFrame, theme: str | Theme = "projector", title: str | None = None
) -> alt.LayerChart:
    """Each member's completion rate as a dot on a 0–100 % line, with the cohort median.

    ``scoreboard`` is :func:`peerkit.scoring.scoreboard` (columns name, rate, rate_text; status
    used when present: members who left are marked "(left)"). Members with nothing due are
    listed with the words "nothing due", never placed at 0 %.
    """
    t = _theme(theme)
    _require(scoreboard, ("name", "rate", "rate_text"), "cohort distribution")
    _one_cohort(scoreboard, "cohort distribution")
    label = scoreboard["name"].astype(str)
    if "status" in scoreboard.columns:
        left = scoreboard["status"].astype(str).eq("left")
        label = label.where(~left, label + " (left)")
    frame = pd.DataFrame(
        {
            "member": label.to_numpy(),
            "rate": scoreboard["rate"].to_numpy(dtype=float),
            "text": scoreboard["rate_text"].astype(str).to_numpy(),
        }
    )
    frame = frame.sort_values("rate", ascending=False, na_position="last", kind="stable")
    order = frame["member"].tolist()
    due = frame.dropna(subset=["rate"])
    idle = frame[frame["rate"].isna()].assign(rate=0.0)

    y = alt.Y("member:N", sort=order, title=None, axis=alt.Axis(labelPadding=t.label_size))
    x = alt.X("rate:Q", scale=alt.Scale(domain=[0, 1]), axis=_percent_axis("Done"))
    size = (t.label_size * 1.2) ** 2
    dots = (
        alt.Chart(_records(due))
        .mark_circle(size=size, opacity=1, color=t.accent)
        .encode(x=x, y=y, tooltip=["member:N", alt.Tooltip("text:N", title="Done")])
    )
    values = (
        alt.Chart(_records(due))
        .mark_text(align="left", dx=t.label_size, fontSize=t.label_size, color=t.foreground)
        .encode(x=x, y=y, text="text:N")
    )
    nothing = (
        alt.Chart(_records(idle))
        .mark_text(
            align="left",
            dx=t.label_size // 2,
            fontSize=t.label_size,
            fontStyle="italic",
            color=t.muted,
        )
        .encode(x=x, y=y, text="text:N")
    )
    layers = [dots, values, nothing]
    if len(due):
        median = float(due["rate"].median())
        rule_data = _records(pd.DataFrame({"rate": [median], "text": [f"median {median:.0%}"]}))
        layers.append(
            alt.Chart(rule_data)
            .mark_rule(color=t.muted, strokeDash=[6, 4], strokeWidth=2)
            .encode(x=x)
        )
        layers.append(
            alt.Chart(rule_data)
            .mark_text(align="left", baseline="bottom", dx=4, fontSize=t.label_size, color=t.muted)
            .encode(x=x, y=alt.value(0), text="text:N")
        )
    chart = alt.layer(*layers).properties(
        width=t.width,
        height=alt.Step(t.step),
        title=alt.TitleParams(title or "Follow-through by member"),
    )
    return apply_theme(chart, t)


def _minutes_text(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return "skipped"
    text = f"{seconds / 60:.1f}".rstrip("0").rstrip(".")
    return f"{text} min"


def phase_timing(
    phase_times: pd.DataFrame, theme: str | Theme = "projector", title: str | None = None
) -> alt.LayerChart | alt.FacetChart:
    """Planned against used minutes for each phase, one panel per round.

    ``phase_times`` has the columns round_id, round, phase, position, planned_s and used_s, and
    optionally presenter (see the module docstring), for the rounds of one meeting. Each panel
    is headed "Round 3 · Dana Kim" ("Round 3" without a presenter; the subtitle when there is one
    round) and lists only its own format's phases, in their order. Each bar is labelled with its
    minutes; overtime is written as "+1.5".
    """
    t = _theme(theme)
    _require(
        phase_times,
        ("round_id", "round", "phase", "position", "planned_s", "used_s"),
        "phase timing",
    )
    first_seen = {r: i for i, r in enumerate(dict.fromkeys(phase_times["round_id"]))}
    ordered = phase_times.assign(_order=phase_times["round_id"].map(first_seen)).sort_values(
        ["_order", "position"], kind="stable"
    )
    planned = ordered["planned_s"].to_numpy(dtype=float)
    used = ordered["used_s"].to_numpy(dtype=float)
    over = np.where(np.isnan(used), 0.0, used) - planned
    used_text = [
        _minutes_text(u) + (f" (+{_minutes_text(o).removesuffix(' min')})" if o >= 30 else "")
        for u, o in zip(used, over, strict=True)
    ]
    presenters = ordered["presenter"] if "presenter" in ordered.columns else [None] * len(ordered)
    rounds = [
        f"Round {int(n)}" + (f" · {p}" if isinstance(p, str) and p.strip() else "")
        for n, p in zip(ordered["round"], presenters, strict=True)
    ]
    phase_names = [str(p) for p in ordered["phase"]]
    common = {
        "round": rounds,
        "round_id": ordered["round_id"].to_numpy(),
        "phase": phase_names,
        "position": ordered["position"].to_numpy(),
    }
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    **common,
                    "kind": "planned",
                    "minutes": planned / 60,
                    "text": [_minutes_text(p) for p in planned],
                }
            ),
            pd.DataFrame(
                {
                    **common,
                    "kind": "used",
                    "minutes": np.nan_to_num(used) / 60,
                    "text": used_text,
                }
            ),
        ],
        ignore_index=True,
    )
    # Phases in their order in the round; each panel's own scale keeps only its own phases.
    y = alt.Y("phase:N", sort=alt.EncodingSortField("position", op="min"), title=None)
    x = alt.X("minutes:Q", title="Minutes", axis=alt.Axis(grid=True, tickCount=8))
    offset = alt.YOffset("kind:N", sort=["planned", "used"])
    colour = alt.Color(
        "kind:N",
        sort=["planned", "used"],
        scale=alt.Scale(domain=["planned", "used"], range=[t.planned, t.used]),
        legend=alt.Legend(title=None, orient="top"),
    )
    tooltip = [
        alt.Tooltip("round:N", title="Round"),
        alt.Tooltip("phase:N", title="Phase"),
        alt.Tooltip("kind:N", title="Time"),
        alt.Tooltip("text:N", title="Minutes"),
    ]
    base = alt.Chart().encode(y=y, yOffset=offset, x=x)
    bars = base.mark_bar().encode(color=colour, tooltip=tooltip)
    labels = base.mark_text(align="left", dx=4, fontSize=t.label_size, color=t.foreground).encode(
        text="text:N"
    )
    layer = alt.layer(bars, labels, data=_records(frame)).properties(
        width=t.width, height=alt.Step(int(t.step * 0.6))
    )
    chart: alt.LayerChart | alt.FacetChart
    if frame["round_id"].nunique() > 1:
        chart = (
            layer.facet(
                row=alt.Row(
                    "round:N",
                    title=None,
                    sort=list(dict.fromkeys(rounds)),
                    header=alt.Header(
                        labelAngle=0,
                        labelOrient="top",
                        labelAnchor="start",
                        labelFontWeight="bold",
                    ),
                ),
                spacing=t.label_size,
            )
            .resolve_scale(y="independent")
            .properties(title=title or "Phase timing: planned and used")
        )
    else:
        chart = layer.properties(
            title=alt.TitleParams(
                title or "Phase timing: planned and used", subtitle=rounds[0] if rounds else ""
            )
        )
    return apply_theme(chart, t)


# --------------------------------------------------------------------------------------------
# Rendering, offline


def _spec(chart: Any) -> dict[str, Any]:
    if isinstance(chart, dict):
        return chart
    if not hasattr(chart, "to_dict"):
        raise PeerkitError("Only an altair chart (or its Vega-Lite dict) can be rendered.")
    spec: dict[str, Any] = chart.to_dict()
    return spec


def _vl_version() -> str | None:
    import vl_convert

    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return wanted if wanted in vl_convert.get_vegalite_versions() else None


def to_svg(chart: Any) -> str:
    """The chart as an SVG document, rendered in-process by vl-convert (no network access)."""
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(
        _spec(chart), vl_version=_vl_version(), allowed_base_urls=[]
    )
    return svg


def to_png(chart: Any, scale: float = 2) -> bytes:
    """The chart as PNG bytes at ``scale`` times its size, rendered in-process by vl-convert."""
    import vl_convert

    if not scale > 0:
        raise PeerkitError(f"The PNG scale must be a positive number, not {scale!r}.")
    png: bytes = vl_convert.vegalite_to_png(
        _spec(chart), vl_version=_vl_version(), scale=scale, allowed_base_urls=[]
    )
    return png


def life_areas(frame: pd.DataFrame, theme: str | Theme = "projector") -> alt.Chart:
    """The group's average score (1–10) on each life area, meeting by meeting
    (:func:`peerkit.group_trends.trends_frame`: date, area, average). Each area has its own
    colour, dash and point shape, and its name at the line's end: never colour alone."""
    t = _theme(theme)
    _require(frame, ("date", "area", "average"), "life_areas")
    data = pd.DataFrame(
        {
            "meeting": _meeting_labels(frame["date"]).to_numpy(),
            "area": frame["area"].astype(str).str.capitalize().to_numpy(),
            "average": frame["average"].to_numpy(dtype=float),
        }
    )
    base = alt.Chart(_records(data)).encode(
        x=alt.X("meeting:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("average:Q", title="Group average (1–10)", scale=alt.Scale(domain=[1, 10])),
        color=alt.Color("area:N", title="Life area", scale=alt.Scale(range=list(t.palette))),
        strokeDash=alt.StrokeDash("area:N", title="Life area"),
        shape=alt.Shape("area:N", title="Life area"),
    )
    lines = base.mark_line(strokeWidth=3) + base.mark_point(size=120, filled=True)
    chart = lines.properties(
        width=t.width, height=260, title="Life areas: the group's average, meeting by meeting"
    )
    return apply_theme(chart, t)
