"""`vigil geo`: movement of networks, emerging hotspots and routes from case data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import typer
from rich.table import Table

from vigil.cli._common import err_console, out_console

__all__ = ["register"]

geo_app = typer.Typer(
    name="geo",
    help="Where networks go, where trafficking is emerging, and routes from case data.",
    no_args_is_help=True,
)

_IN = typer.Option(
    ...,
    "--in",
    help="Scan results directory (posts.parquet; clusters from `vigil link`/`vigil scan`).",
    exists=True,
    file_okay=False,
    dir_okay=True,
    show_default=False,
)
_OUT = typer.Option(None, "--out", help="Also draw a map to FILE.png or FILE.svg.")


def _fail(exc: Exception) -> typer.Exit:
    err_console.print(f"[red]error:[/] {exc}")
    return typer.Exit(2)


def _echo_json(payload: Any) -> None:
    from vigil.geo.plain import plain

    typer.echo(orjson.dumps(plain(payload)).decode())


def _check_suffix(*paths: Path | None) -> None:
    for p in paths:
        if p is not None and p.suffix.lower() not in (".png", ".svg"):
            err_console.print(f"[red]error:[/] {p}: output must end in .png or .svg")
            raise typer.Exit(2)


@geo_app.command("movement")
def movement(
    in_dir: Path = _IN,
    min_risk: float = typer.Option(
        0.5, "--min-risk", min=0.0, max=1.0, help="Leave out clusters below this cluster risk."
    ),
    min_posts: int = typer.Option(2, "--min-posts", min=1, help="Fewest geocoded posts."),
    min_networks: int = typer.Option(
        2, "--corridor-networks", min=1, help="Networks needed to call a city pair a corridor."
    ),
    top: int = typer.Option(10, "--top", min=0, help="How many itineraries to print."),
    out: Path | None = _OUT,
    as_json: bool = typer.Option(False, "--json", help="Print itineraries and graph as JSON."),
) -> None:
    """Itineraries of linked networks, the city-to-city movement graph, circuits, corridors.

    Each cluster's geocoded posts in time order become visits (city, first/last
    seen, posts, contacts); moves between visits make the graph, weighted by
    networks and posts. A loop closed twice by one network is a circuit; a city
    pair used by --corridor-networks networks or more is a corridor.
    """
    from vigil.geo.errors import GeoInputError
    from vigil.geo.movement import itineraries, movement_graph

    _check_suffix(out)
    try:
        items = itineraries(in_dir, min_risk=min_risk, min_posts=min_posts)
    except (GeoInputError, OSError) as exc:
        raise _fail(exc) from None
    graph = movement_graph(items, min_corridor_networks=min_networks)
    if out is not None:
        from vigil.geo.maps import draw_movement

        draw_movement(graph, items, out)
    if as_json:
        _echo_json({"itineraries": items, "graph": graph})
        return
    out_console.print(
        f"{len(items):,} networks in {len(graph.nodes):,} cities: "
        f"{sum(e.moves for e in graph.edges):,} moves, {len(graph.circuits):,} circuits, "
        f"{len(graph.corridors):,} corridors" + (f"; map: {out}" if out else "")
    )
    if top and items:
        table = Table(title="itineraries", show_edge=False)
        for col in ("cluster", "risk", "posts", "path", "first seen", "last seen", "loops"):
            table.add_column(col)
        for it in items[:top]:
            path = " > ".join(f"{v.city.split(',')[0]} ({v.posts})" for v in it.visits[:8])
            if len(it.visits) > 8:
                path += f" > ... {len(it.visits) - 8} more"
            loops = ", ".join(
                f"{'-'.join(c.split(',')[0] for c in lp.cities)} x{lp.returns}"
                for lp in it.loops[:2]
            )
            risk = f"{it.risk:.2f}" if it.risk is not None else "-"
            table.add_row(
                it.cluster_id,
                risk,
                str(it.posts),
                path,
                f"{it.first_seen:%Y-%m-%d}",
                f"{it.last_seen:%Y-%m-%d}",
                loops,
            )
        out_console.print(table)
    if top and graph.corridors:
        table = Table(title="corridors", show_edge=False)
        for col in ("cities", "networks", "moves", "posts"):
            table.add_column(col)
        for c in graph.corridors[:top]:
            table.add_row(f"{c.city_a} <> {c.city_b}", str(c.networks), str(c.moves), str(c.posts))
        out_console.print(table)
    if top and graph.circuits:
        table = Table(title="circuits", show_edge=False)
        for col in ("loop", "networks", "returns"):
            table.add_column(col)
        for circuit in graph.circuits[:top]:
            table.add_row(" > ".join(circuit.cities), str(circuit.networks), str(circuit.returns))
        out_console.print(table)


@geo_app.command("hotspots")
def hotspots_cmd(
    in_dir: Path = _IN,
    metric: str = typer.Option(
        "new_clusters",
        "--metric",
        help="What to count per place and window: new_clusters, active_networks, high_risk_posts.",
    ),
    window_days: int = typer.Option(7, "--window-days", min=1, help="Window length in days."),
    span: int = typer.Option(2, "--span", min=1, help="Windows summed per test."),
    alpha: float = typer.Option(
        0.05, "--alpha", min=0.0, max=1.0, help="False discovery rate per window."
    ),
    min_history: int = typer.Option(4, "--min-history", min=1, help="Windows of history needed."),
    min_count: int | None = typer.Option(
        None, "--min-count", min=1, help="Smallest count flagged (default 2; 5 for posts)."
    ),
    truth: Path | None = typer.Option(
        None, "--truth", help="A `vigil synth` plan.json: score against the planted hotspot."
    ),
    out: Path | None = _OUT,
    chart: Path | None = typer.Option(None, "--chart", help="Draw counts per window to FILE."),
    as_json: bool = typer.Option(False, "--json", help="Print flags and series as JSON."),
) -> None:
    """Places whose counts rise beyond what their history predicts.

    Per place and window: a negative binomial baseline from the place's history
    (pooled Gamma prior, global trend, shared over-dispersion), a one-sided
    p-value, and Benjamini-Hochberg q-values across places. Each flag shows the
    observed and expected counts, p and q. See docs/geo.md.
    """
    from vigil.geo.errors import GeoInputError
    from vigil.geo.hotspots import METRICS, HotspotParams, hotspots

    if metric not in METRICS:
        err_console.print(f"[red]error:[/] --metric {metric!r}: choose {', '.join(METRICS)}")
        raise typer.Exit(2)
    _check_suffix(out, chart)
    params = HotspotParams(
        metric=metric,  # type: ignore[arg-type]
        window_days=window_days,
        span=span,
        alpha=alpha,
        min_history=min_history,
        min_count=min_count,
    )
    try:
        report = hotspots(in_dir, params)
        scores = None
        if truth is not None:
            from vigil.geo.evaluate import score_hotspots

            scores = score_hotspots(report, truth)
    except (GeoInputError, OSError, ValueError, KeyError) as exc:
        raise _fail(exc) from None
    if out is not None:
        from vigil.geo.maps import draw_hotspots

        draw_hotspots(report, out)
    if chart is not None:
        from vigil.geo.maps import draw_hotspot_chart

        onsets = {s.place: s.start for s in scores or []}
        draw_hotspot_chart(report, chart, places=list(onsets), onsets=onsets)
    if as_json:
        _echo_json({"report": report, "scores": scores})
        return
    out_console.print(
        f"{len(report.flags):,} flag(s) over {report.tests:,} place-window tests "
        f"({len(report.places)} places, {len(report.windows)} windows of {window_days} days, "
        f"{report.posts_counted:,} counted, metric {metric})"
    )
    for note in report.notes:
        out_console.print(f"note: {note}")
    if report.flags:
        table = Table(title="flags", show_edge=False)
        for col in ("place", "windows", "observed", "expected", "ratio", "p", "q"):
            table.add_column(col, justify="left" if col in ("place", "windows") else "right")
        for f in report.flags:
            table.add_row(
                f.place,
                f"{f.window_start:%Y-%m-%d} .. {f.window_end:%Y-%m-%d}",
                str(f.observed),
                f"{f.expected:.2f}",
                f"{f.ratio:.1f}",
                f"{f.p_value:.2g}",
                f"{f.q_value:.2g}",
            )
        out_console.print(table)
    for s in scores or []:
        delay = f"{s.delay_days} days" if s.delay_days is not None else "not detected"
        out_console.print(
            f"planted hotspot {s.place} from {s.start}: {delay}; "
            f"false alarms {s.false_alarms} ({s.false_alarm_rate:.2%} of tests)"
        )


def _route_rows(title: str, totals: Any) -> Table:
    table = Table(title=title, show_edge=False)
    for col in ("origin", "destination", "victims", "source", "years"):
        table.add_column(col, justify="right" if col == "victims" else "left")
    for t in totals:
        years = f"{t.years[0]}-{t.years[-1]}" if t.years else ""
        table.add_row(
            f"{t.origin_name} ({t.origin})",
            f"{t.destination_name} ({t.destination})",
            str(t.count),
            f"{t.source} {t.basis}",
            years,
        )
    return table


@geo_app.command("routes")
def routes_cmd(
    files: list[Path] = typer.Option(
        ..., "--import", help="GLOTIP export (.xlsx/.csv) or CTDC file (.csv); repeatable."
    ),
    fmt: str = typer.Option("auto", "--format", help="auto, glotip or ctdc."),
    top: int = typer.Option(10, "--top", min=1, help="Routes per table."),
    year: int | None = typer.Option(None, "--year", help="Only this year's top routes."),
    region: str | None = typer.Option(None, "--region", help="Only this destination region."),
    form: str | None = typer.Option(None, "--form", help="Only this form of exploitation."),
    domestic: bool = typer.Option(
        True, "--domestic/--no-domestic", help="Include routes within one country."
    ),
    out: Path | None = _OUT,
    trends: Path | None = typer.Option(None, "--trends", help="Draw the top routes' trends."),
    as_json: bool = typer.Option(False, "--json", help="Print the route report as JSON."),
) -> None:
    """Origin -> destination routes from UNODC GLOTIP or CTDC case data.

    Censored counts ("<5") stay intervals (0-4) through every sum. Prints the top
    routes (overall or for --year/--region/--form), and routes that appear or
    certainly grow from one reported year to the next.
    """
    from vigil.geo.errors import GeoInputError
    from vigil.geo.routes import ALL_FORMS, analyse, load_flows, top_routes

    if fmt not in ("auto", "glotip", "ctdc"):
        err_console.print(f"[red]error:[/] --format {fmt!r}: choose auto, glotip or ctdc")
        raise typer.Exit(2)
    _check_suffix(out, trends)
    try:
        flows, left_out = load_flows(files, fmt)  # type: ignore[arg-type]
    except (GeoInputError, OSError) as exc:
        raise _fail(exc) from None
    report = analyse(
        flows, files=tuple(map(str, files)), n=top, left_out=left_out, domestic=domestic
    )
    selected = top_routes(
        flows, top, year=year, region=region, form=form or ALL_FORMS, domestic=domestic
    )
    if out is not None:
        from vigil.geo.maps import draw_routes

        label = ", ".join(x for x in (str(year or ""), region or "", form or "") if x)
        draw_routes(selected, out, title=f"Top routes{': ' + label if label else ''}")
    if trends is not None:
        from vigil.geo.maps import draw_route_trends

        draw_route_trends(report, trends)
    if as_json:
        _echo_json({"report": report, "selected": selected})
        return
    out_console.print(
        f"{report.flows:,} flows from {len(files)} file(s), {report.censored_flows:,} censored"
    )
    for reason, n in list(report.left_out.items())[:8]:
        out_console.print(f"left out: {reason}: {n:,}")
    out_console.print(_route_rows("top routes", selected))
    if report.changes:
        table = Table(title="routes that appear or grow", show_edge=False)
        for col in ("year", "route", "change", "before", "after", "source"):
            table.add_column(col)
        for c in report.changes[:top]:
            table.add_row(
                str(c.year),
                f"{c.origin} -> {c.destination}",
                c.kind,
                str(c.before) if c.before else "-",
                str(c.after),
                f"{c.source} {c.basis}",
            )
        out_console.print(table)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root application."""
    app.add_typer(geo_app, name="geo")
