"""The minutes' optional charts, drawn by peerkit.charts (print theme) as static SVG.

Opt-in (``charts=True``, ``peerkit minutes --charts``): peerkit.charts needs altair, pandas and
vl-convert, whose import and first render take a second or more, several times the rest of an
export. Everything a chart shows is also in the text of the minutes, so the Markdown export and
readers of the plain text lose nothing without them.
"""

from __future__ import annotations

from peerkit.minutes.content import Minutes
from peerkit.minutes.notebook import Chart
from peerkit.minutes.text import clock, minutes_text


def make_charts(minutes: Minutes) -> list[Chart]:
    """Planned against used time after each round; the members' completion after the
    follow-through summary (group minutes only, and not under the Chatham House Rule: gather
    leaves the members' rows out there, so no chart names anyone)."""
    import pandas as pd

    from peerkit import charts

    made: list[Chart] = []
    for rnd in minutes.rounds:
        reached = [p for p in rnd.phases if p.reached]
        if not reached:
            continue
        frame = pd.DataFrame(
            {
                "round_id": [rnd.number] * len(rnd.phases),
                "round": [rnd.number] * len(rnd.phases),
                "phase": [p.name for p in rnd.phases],
                "position": list(range(len(rnd.phases))),
                "planned_s": [p.planned for p in rnd.phases],
                "used_s": [p.used if p.reached else float("nan") for p in rnd.phases],
            }
        )
        chart = charts.phase_timing(frame, theme="print", title="Time: planned and used")
        description = f"Round {rnd.number}, planned and used time: " + "; ".join(
            f"{p.name} {clock(p.used)} of {minutes_text(p.planned)}" for p in reached
        )
        made.append(Chart(charts.to_svg(chart), description + ".", f"round-{rnd.number}"))
    follow = minutes.follow_through
    if minutes.member is None and follow is not None and follow.rows:
        board = pd.DataFrame(
            {
                "name": [r.name for r in follow.rows],
                "rate": [float("nan") if r.rate is None else r.rate for r in follow.rows],
                "rate_text": [r.rate_text for r in follow.rows],
            }
        )
        chart = charts.cohort_distribution(board, theme="print", title="Follow-through by member")
        description = "Completion by member: " + "; ".join(
            f"{r.name} {r.rate_text}" for r in follow.rows
        )
        made.append(Chart(charts.to_svg(chart), description + ".", "follow-through"))
    return made
