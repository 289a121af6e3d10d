"""`talkworthy` - look at a Talkworthy stack, fix what is stuck, replay, try routing rules, and send test deliveries.

Every command works on the local mesh that `make run` started (found through .talkworthy/mesh.json)
or, with --stack, on a deployed stack (your AWS profile and region).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.progress import Progress
from rich.table import Table

from infra.cli.cmd_cost import HELP as COST_HELP
from infra.cli.cmd_cost import cost
from infra.cli.cmd_profile import HELP as PROFILE_HELP
from infra.cli.cmd_profile import profile
from infra.cli.cmd_replay import HELP as REPLAY_HELP
from infra.cli.cmd_replay import replay
from infra.cli.cmd_rules import rules_app
from infra.cli.dlq import matching, parked, redrive
from infra.cli.options import AsJson, Profile, Region, Stack, console
from infra.cli.options import target as _target
from infra.cli.status import snapshot

app = typer.Typer(
    name="talkworthy",
    help="Operate a Talkworthy mesh: status, dead-letter queues, replays, routing rules, people, cost, test sends.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
dlq_app = typer.Typer(
    help="Events a context parked: list them, show one, move them back after a fix.", no_args_is_help=True
)
app.add_typer(dlq_app, name="dlq")


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}"
    return f"{seconds:.0f}s"


@app.command()
def status(stack: Stack = None, region: Region = None, profile: Profile = None, as_json: AsJson = False) -> None:
    """Queue and DLQ depth per context, alarms in alarm, open surges, and when each sender last delivered."""
    found = snapshot(_target(stack, region, profile))
    if as_json:
        print(json.dumps(found, indent=2))
        return
    table = Table(title=f"Talkworthy - {found['target']}")
    for column in ("context", "queued", "in flight", "parked (DLQ)", "oldest parked"):
        table.add_column(column, justify="left" if column == "context" else "right")
    for row in found["contexts"]:
        style = "red" if row["dlq"] else None
        table.add_row(
            row["context"],
            str(row["queued"]),
            str(row["in_flight"]),
            str(row["dlq"]),
            _age(row["oldest_parked_seconds"]),
            style=style,
        )
    console.print(table)
    alarms = found["alarms_in_alarm"]
    console.print(f"alarms in alarm: [red]{', '.join(alarms)}[/red]" if alarms else "alarms in alarm: none")
    _print_surges(found["open_surges"])
    senders = found["last_delivery_by_sender"]
    if senders:
        console.print("last delivery: " + ", ".join(f"{name} {at[:19]}" for name, at in sorted(senders.items())))
    else:
        console.print("last delivery: nothing archived yet")


def _print_surges(surges: list[dict[str, Any]]) -> None:
    if not surges:
        console.print("open surges: none")
        return
    table = Table(title="open surges")
    for column in ("topic", "since (UTC)", "mentions", "peak", "owner"):
        table.add_column(column, justify="right" if column in ("mentions", "peak") else "left")
    for surge in surges:
        peak = f"{surge['peak']} in {surge['bucket_seconds']} s"
        since = surge["since"][:19].replace("T", " ")
        table.add_row(
            surge["topic"], since, str(surge["mentions"]), peak, surge["owner"] or "nobody yet", style="yellow"
        )
    console.print(table)


Context = Annotated[str, typer.Argument(help="The context: mentions, cases, notify, ...")]
Reason = Annotated[
    str | None, typer.Option("--reason", help="Only events whose reason contains this (or whose error is it).")
]
DetailType = Annotated[str | None, typer.Option("--detail-type", help="Only events of this detail-type.")]


@dlq_app.command("list")
def dlq_list(
    context: Context,
    reason: Reason = None,
    detail_type: DetailType = None,
    stack: Stack = None,
    region: Region = None,
    profile: Profile = None,
    as_json: AsJson = False,
) -> None:
    """The events parked in a context's DLQ, each with why it was parked."""
    target = _target(stack, region, profile)
    items = [item for item in parked(target, target.context(context)) if matching(reason, detail_type)(item)]
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "message_id": i.message_id,
                        "detail_type": i.detail_type,
                        "event_key": i.event_key,
                        "reason": i.reason,
                        "parked_at": i.sent_at.isoformat(),
                        "attributes": i.attributes,
                    }
                    for i in items
                ],
                indent=2,
            )
        )
        return
    table = Table(title=f"{context}: {len(items)} parked")
    for column in ("message id", "detail-type", "event key", "parked at", "why"):
        table.add_column(column, overflow="fold")
    for item in items:
        table.add_row(
            item.message_id[:12],
            item.detail_type,
            item.event_key[:40],
            item.sent_at.strftime("%Y-%m-%d %H:%M:%S"),
            item.reason[:200],
        )
    console.print(table)


@dlq_app.command("show")
def dlq_show(
    context: Context,
    message_id: Annotated[str, typer.Argument(help="The message id (or its first characters) from `dlq list`.")],
    stack: Stack = None,
    region: Region = None,
    profile: Profile = None,
) -> None:
    """One parked event in full: why it was parked and the event as it arrived."""
    target = _target(stack, region, profile)
    for item in parked(target, target.context(context)):
        if item.message_id.startswith(message_id):
            console.print_json(json.dumps({"why": item.reason, "attributes": item.attributes}))
            try:
                console.print_json(item.body)
            except ValueError:
                console.print(item.body)
            return
    console.print(f"[red]no parked event {message_id!r} in {context}[/red]")
    raise typer.Exit(1)


@dlq_app.command("redrive")
def dlq_redrive(
    context: Context,
    reason: Reason = None,
    detail_type: DetailType = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would move; move nothing.")] = False,
    stack: Stack = None,
    region: Region = None,
    profile: Profile = None,
) -> None:
    """Move parked events back onto the context's queue (after the fix is deployed)."""
    target = _target(stack, region, profile)
    chosen = target.context(context)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"{'checking' if dry_run else 'moving'} {context}", total=None)
        moved = redrive(
            target, chosen, matching(reason, detail_type), dry_run=dry_run, progress=lambda _: progress.advance(task)
        )
    verb = "would move" if dry_run else "moved"
    console.print(f"{verb} {len(moved)} event(s) from the {context} DLQ back to its queue")
    for item in moved:
        console.print(f"  {item.detail_type:<20} {item.event_key[:50]}  ({item.reason[:80]})")


@app.command()
def send(
    sample: Annotated[
        str, typer.Argument(help="A webhook sample, e.g. events/webhooks/standard/mention_created_complaint.json")
    ],
    url: Annotated[str | None, typer.Option("--url", help="The ingress (default: the local mesh's).")] = None,
) -> None:
    """Sign a sample delivery exactly as its sender would, and post it to the ingress."""
    from pathlib import Path

    from infra.demo import send_sample
    from infra.local.mesh import DEV_SECRETS
    from infra.samples import load_webhook_samples

    path = Path(sample).resolve()
    found = [s for s in load_webhook_samples(path.parent.parent) if s.path.resolve() == path]
    if not found:
        console.print(f"[red]{sample} is not a webhook sample (events/webhooks/<sender>/<name>.json)[/red]")
        raise typer.Exit(2)
    base = url or _target(None, None, None).ingress_url
    answer = send_sample(str(base), found[0], json.loads(DEV_SECRETS.read_text())["webhooks"])
    print(answer.status_code, answer.text)
    if not answer.ok:
        raise typer.Exit(1)


app.command("replay", help=REPLAY_HELP, short_help="Send a window's events again, marked as a replay.")(replay)
app.add_typer(rules_app, name="rules")
app.command("profile", help=PROFILE_HELP, short_help="One person: identity, mentions, cases, leads, baseline.")(profile)
app.command("cost", help=COST_HELP, short_help="The modelled AWS bill for the mix the stack carries.")(cost)


def main() -> None:
    app(prog_name="talkworthy")


if __name__ == "__main__":
    main()
