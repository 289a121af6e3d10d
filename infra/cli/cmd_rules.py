"""`talkworthy rules check|backtest`: the commands and what they print (the work is in infra/cli/rules.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from infra.cli.options import AsJson, Profile, Region, Stack, console, parse_when, target
from infra.cli.rules import Backtest, backtest, check
from talkworthy.routing import Decision, RulesDocument
from talkworthy.routing.journal import DynamoDbRoutingJournal

__all__ = ["rules_app"]

rules_app = typer.Typer(
    help="Candidate routing rules: check a file, and see what it would have decided before pushing it to SSM.",
    no_args_is_help=True,
)
RulesFile = Annotated[Path, typer.Argument(help="A routing-rules YAML file (see shared/talkworthy/routing/).")]

BACKTEST_HELP = (
    "What the candidate rules would have decided on the mentions routed since --since, against what "
    "the live rules decided then: more or fewer cases, leads, ideas, triage; which suppressions (the "
    "contact policy) appear or go away; and every mention whose outcome changes.\n\n"
    "The source is the routing journal on the mesh table: the mentions context records each "
    "Mention.Enriched it routes (as enriched, the decision, and the contact facts the policy read), "
    "kept 30 days. Nothing is written, nobody is told, no CRM is called."
)


def _checked(path: Path) -> RulesDocument:
    if not path.is_file():
        console.print(f"[red]{path}: no such file[/red]")
        raise typer.Exit(2)
    document, problems = check(path)
    if document is None:
        console.print(f"[red]{path}: {len(problems)} problem(s)[/red]", soft_wrap=True)
        for problem in problems:
            where = f"{path}:{problem.line}" if problem.line else str(path)
            console.print(f"  {where}: {problem.message}", markup=False, highlight=False, soft_wrap=True)
            if problem.text:
                console.print(
                    f"      {problem.line:>4} | {problem.text}", markup=False, highlight=False, soft_wrap=True
                )
        raise typer.Exit(1)
    return document


@rules_app.command("check")
def rules_check(path: RulesFile) -> None:
    """Validate a candidate rules file: every problem, with the line it is on; exit 1 if any."""
    document = _checked(path)
    names = [rule.name for rule in document.rules]
    console.print(f"{path}: valid, {len(names)} rules: {', '.join(names)}", soft_wrap=True)


@rules_app.command("backtest", help=BACKTEST_HELP)
def rules_backtest(
    path: RulesFile,
    since: Annotated[str, typer.Option("--since", help="How far back: 24h, 7d (at most 30d) or an ISO time.")] = "7d",
    show: Annotated[int, typer.Option("--show", help="List at most this many changed mentions.")] = 20,
    stack: Stack = None,
    region: Region = None,
    profile: Profile = None,
    as_json: AsJson = False,
) -> None:
    candidate = _checked(path)
    found = target(stack, region, profile)
    start, end = parse_when(since), datetime.now(UTC)
    journal = DynamoDbRoutingJournal(found.table("MeshTable"))
    with console.status("reading the routing journal"):
        routed = list(journal.since(start, end))
    result = backtest(candidate, routed)
    if as_json:
        print(json.dumps(_as_json(result, show), indent=2))
        return
    _print(result, show, f"{start:%Y-%m-%d %H:%M} → now")


def _as_json(result: Backtest, show: int) -> dict[str, object]:
    actions = sorted(set(result.live) | set(result.candidate))
    kinds = sorted(set(result.live_suppressed) | set(result.candidate_suppressed))
    return {
        "mentions": result.mentions,
        "changed": len(result.changes),
        "actions": {a: {"live": result.live[a], "candidate": result.candidate[a]} for a in actions},
        "suppressed": {
            k: {"live": result.live_suppressed[k], "candidate": result.candidate_suppressed[k]} for k in kinds
        },
        "changes": [
            {
                "event_key": c.event_key,
                "routed_at": c.routed_at.isoformat(),
                "mention": c.summary,
                "live": {"action": c.live.action, "rule": c.live.rule, "suppressed": c.live.suppressed},
                "candidate": {
                    "action": c.candidate.action,
                    "rule": c.candidate.rule,
                    "suppressed": c.candidate.suppressed,
                },
                "contact_facts_recorded": c.facts_recorded,
            }
            for c in result.changes[:show]
        ],
    }


def _decision(decision: Decision) -> dict[str, object]:
    return {"action": decision.action, "rule": decision.rule, "suppressed": decision.suppressed}


def _print(result: Backtest, show: int, window: str) -> None:
    table = Table(title=f"{result.mentions} mentions routed {window}: {len(result.changes)} would change")
    for column in ("outcome", "live rules", "candidate", "change"):
        table.add_column(column, justify="left" if column == "outcome" else "right")
    for action in sorted(set(result.live) | set(result.candidate)):
        live, new = result.live[action], result.candidate[action]
        table.add_row(action, str(live), str(new), f"{new - live:+d}", style="bold" if new != live else None)
    for kind in sorted(set(result.live_suppressed) | set(result.candidate_suppressed)):
        live, new = result.live_suppressed[kind], result.candidate_suppressed[kind]
        table.add_row(f"suppressed: {kind}", str(live), str(new), f"{new - live:+d}")
    console.print(table)
    for change in result.changes[:show]:
        was, now = change.live, change.candidate
        note = "" if change.facts_recorded else "  (contact facts not recorded then: only sentiment checked)"
        held = f" held back ({', '.join(now.suppressed)})" if now.suppressed else ""
        console.print(
            f"  {change.routed_at:%m-%d %H:%M} {change.event_key[:40]} [{change.summary}]: "
            f"{was.action} ({was.rule}) → {now.action} ({now.rule}){held}{note}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if len(result.changes) > show:
        console.print(f"  ... and {len(result.changes) - show} more (--show N)")
