"""`talkworthy cost`: the command and its table (the work is in infra/cli/cost.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from infra.cli.cost import FLOWS, as_dict, bill, counts_from_archive, counts_from_metrics, parse_mix, unit_costs
from infra.cli.options import AsJson, Profile, Region, Stack, console, parse_when, target
from infra.local.template import REPO_ROOT

__all__ = ["HELP", "cost"]

HELP = (
    "The modelled AWS bill for the traffic the stack carries now: the mix (mentions, clicks, behaviour "
    "events, ideas over --since) times what one of each costs by AWS service (infra/cost_model.py, "
    "measured by `make bench` into bench-results.json), per window and per 30 days.\n\n"
    "Counts: locally from the raw delivery archive (each delivery adapted as the ingress does); for a "
    "deployed stack from the ingress's Deliveries metric in CloudWatch (Slack = clicks, Canny = ideas, "
    "other senders = mentions). --mix flow=N overrides a count."
)


def cost(
    since: Annotated[str, typer.Option("--since", help="The window the counts cover: 24h, 7d or an ISO time.")] = "24h",
    mix: Annotated[
        list[str] | None, typer.Option("--mix", help=f"flow=count for the window; flows: {', '.join(FLOWS)}.")
    ] = None,
    counts_from: Annotated[
        str | None,
        typer.Option("--counts", help="archive (default locally) or metrics (CloudWatch; default for --stack)."),
    ] = None,
    bench: Annotated[Path, typer.Option("--bench", help="make bench's results.")] = REPO_ROOT / "bench-results.json",
    stack: Stack = None,
    region: Region = None,
    profile: Profile = None,
    as_json: AsJson = False,
) -> None:
    try:
        overrides = parse_mix(mix or [])
        units = unit_costs(bench)
    except (ValueError, KeyError, FileNotFoundError) as err:
        console.print(f"[red]{err}[/red]", soft_wrap=True)
        raise typer.Exit(2) from err
    end = datetime.now(UTC)
    start = parse_when(since, end)
    counts = dict(overrides)
    if set(FLOWS) - set(overrides):  # something still to count
        found = target(stack, region, profile)
        source = counts_from or ("archive" if found.endpoint_url else "metrics")
        if source not in ("archive", "metrics"):
            raise typer.BadParameter("--counts is archive or metrics")
        with console.status(f"counting the mix ({source})"):
            measured = (
                counts_from_archive(found, start, end)
                if source == "archive"
                else counts_from_metrics(found, start, end)
            )
        counts = {**measured, **overrides}
    result = bill(counts, units, max((end - start).total_seconds() / 86400, 1 / 1440))
    if as_json:
        print(json.dumps(as_dict(result), indent=2))
        return
    table = Table(title=f"modelled AWS cost, mix of the last {since} (unit costs: {bench.name})")
    for column in ("flow", "count", "USD per 1 M", "USD in window", "USD per 30 days"):
        table.add_column(column, justify="left" if column == "flow" else "right")
    for flow in FLOWS:
        table.add_row(
            flow + (" (--mix)" if flow in overrides else ""),
            f"{result.counts[flow]:,}",
            f"{result.per_million[flow]:,.2f}",
            f"{result.window_usd(flow):,.4f}",
            f"{result.monthly_usd(flow):,.2f}",
        )
    table.add_section()
    for service, usd in sorted(result.by_service.items(), key=lambda item: -item[1]):
        table.add_row(f"  {service}", "", "", "", f"{usd:,.2f}", style="dim")
    table.add_row("total", "", "", "", f"{result.monthly_total:,.2f}", style="bold")
    console.print(table)
