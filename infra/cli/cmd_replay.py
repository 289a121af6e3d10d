"""`talkworthy replay`: the command and what it prints (the work is in infra/cli/replay.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from infra.cli.options import AsJson, Profile, Region, Stack, console, parse_when, target
from infra.cli.replay import archive_replay, plan_raw, publish, replay_name, rules_for
from infra.cli.target import Target

__all__ = ["HELP", "replay"]

HELP = (
    "Send a window's events through the mesh again, marked as a replay (meta.replay, or EventBridge's "
    "replay-name), and nobody is notified unless you say [bold]--notify[/bold].\n\n"
    "Replayed events keep their event keys, so what a consumer already handled stays handled (its "
    "idempotency record answers) and what was lost or parked is processed now.\n\n"
    "A deployed stack replays the bus archive (EventBridge StartReplay; --detail-type picks the rules "
    "that route those types). Locally, where moto's replay ignores the window, the raw delivery archive "
    "is replayed: each delivery's signature is checked again as of when it arrived (nothing is "
    "re-signed; one that does not verify is skipped and listed), then it is adapted as the ingress does."
)


def replay(
    since: Annotated[str, typer.Option("--from", help="Start of the window: 30m, 2h, 7d (ago) or an ISO time.")],
    until: Annotated[str, typer.Option("--to", help="End of the window (same forms).")] = "now",
    detail_type: Annotated[
        list[str] | None, typer.Option("--detail-type", help="Only these detail-types (repeatable).")
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", help="Only deliveries from these senders: standard, zendesk, ... (raw archive)."),
    ] = None,
    archive: Annotated[
        str | None,
        typer.Option(
            "--archive",
            help="bus (EventBridge archive replay; default for --stack) or raw (the raw delivery archive "
            "through the ingress adapters; default locally, where moto's replay ignores the window).",
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be replayed; replay nothing.")] = False,
    notify: Annotated[
        bool, typer.Option("--notify", help="Tell people again (Slack, e-mail); by default replays notify nobody.")
    ] = False,
    stack: Stack = None,
    region: Region = None,
    profile: Profile = None,
    as_json: AsJson = False,
) -> None:
    found = target(stack, region, profile)
    start, end = parse_when(since), parse_when(until)
    if start >= end:
        raise typer.BadParameter(f"--from ({start:%Y-%m-%d %H:%M}) must be before --to ({end:%Y-%m-%d %H:%M})")
    kind = archive or ("raw" if found.endpoint_url else "bus")
    if kind not in ("bus", "raw"):
        raise typer.BadParameter("--archive is bus or raw")
    name = replay_name(datetime.now(UTC), notify=notify)
    window = f"{start:%Y-%m-%d %H:%M:%S} → {end:%Y-%m-%d %H:%M:%S} UTC"
    if kind == "raw":
        _raw(found, start, end, name, set(source or ()), set(detail_type or ()), dry_run, as_json, window)
    else:
        if source:
            raise typer.BadParameter("--source selects raw deliveries: use it with --archive raw")
        _bus(found, start, end, name, set(detail_type or ()), dry_run, as_json, window)


def _raw(
    found: Target, start: datetime, end: datetime, name: str, sources: set[str], types: set[str], dry_run: bool,
    as_json: bool, window: str,
) -> None:  # fmt: skip
    with console.status("reading the raw delivery archive"):
        plan = plan_raw(found, start, end, name=name, sources=sources, detail_types=types)
    published = 0
    if not dry_run and plan.events:
        with _progress() as progress:
            task = progress.add_task("publishing", total=len(plan.events))
            published = publish(found, plan.events, lambda n: progress.advance(task, n))
    if as_json:
        print(
            json.dumps(
                {
                    "replay": name,
                    "archive": "raw",
                    "dry_run": dry_run,
                    "deliveries": plan.deliveries,
                    "events": len(plan.events),
                    "published": published,
                    "by_source_and_detail_type": [
                        {"source": s, "detail_type": t, "events": n} for (s, t), n in sorted(plan.counts.items())
                    ],
                    "skipped": [{"correlation_id": c, "why": w} for c, w in plan.skipped],
                },
                indent=2,
            )
        )
        return
    table = Table(title=f"raw archive {window}: {plan.deliveries} deliveries")
    for column in ("sender", "detail-type", "events"):
        table.add_column(column, justify="right" if column == "events" else "left")
    for (sender, detail_type), count in sorted(plan.counts.items()):
        table.add_row(sender, detail_type, str(count))
    console.print(table)
    for correlation_id, why in plan.skipped:
        console.print(f"[yellow]skipped[/yellow] {correlation_id}: {why}", soft_wrap=True)
    verb = f"would replay {len(plan.events)}" if dry_run else f"replayed {published}"
    console.print(
        f"{verb} event(s) as {name}" + ("" if name.endswith("-notify") else " (nobody is notified)"), soft_wrap=True
    )


def _bus(
    found: Target, start: datetime, end: datetime, name: str, types: set[str], dry_run: bool, as_json: bool,
    window: str,
) -> None:  # fmt: skip
    rules = rules_for(found, types)
    if not rules:
        console.print(f"[red]no rule on the bus routes {', '.join(sorted(types))}[/red]")
        raise typer.Exit(1)
    if dry_run:
        events = found.client("events")
        archive = events.describe_archive(ArchiveName=found.resources["BusArchive"])
        answer = {
            "replay": name,
            "archive": "bus",
            "dry_run": True,
            "archive_events": archive.get("EventCount", 0),
            "rules": [rule["name"] for rule in rules],
        }
        if as_json:
            print(json.dumps(answer, indent=2))
            return
        console.print(
            f"would replay {window} from {archive['ArchiveName']} ({answer['archive_events']} events archived in "
            f"all; EventBridge does not list them by time) to {len(rules)} rule(s): {', '.join(answer['rules'])}"
        )
        return
    with _progress() as progress:
        task = progress.add_task("replaying", total=1.0)
        state = archive_replay(
            found,
            start,
            end,
            name=name,
            rule_arns=[rule["arn"] for rule in rules] if types else [],
            progress=lambda done, status: progress.update(task, completed=done, description=status.lower()),
        )
    if as_json:
        print(json.dumps({"replay": name, "archive": "bus", "state": state["State"]}, indent=2))
    else:
        console.print(
            f"replay {name}: {state['State']}" + (f" ({state.get('StateReason')})" if state.get("StateReason") else "")
        )
    if state["State"] != "COMPLETED":
        raise typer.Exit(1)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
        console=console, transient=True,
    )  # fmt: skip
