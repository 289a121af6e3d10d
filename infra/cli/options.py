"""What every `talkworthy` command shares: the console, the stack options, finding the target, times."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.console import Console

from infra.cli.target import Target, find_target

__all__ = ["AsJson", "Profile", "Region", "Stack", "console", "parse_when", "target"]

console = Console()

Stack = Annotated[str | None, typer.Option("--stack", help="A deployed stack's name (default: the local mesh).")]
Region = Annotated[str | None, typer.Option("--region", help="AWS region of --stack.")]
Profile = Annotated[str | None, typer.Option("--profile", help="AWS profile for --stack.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]

_AGO = re.compile(r"^(\d+)\s*([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def target(stack: str | None, region: str | None, profile: str | None) -> Target:
    try:
        return find_target(stack, region, profile)
    except FileNotFoundError as err:
        console.print(f"[red]{err}[/red]")
        raise typer.Exit(2) from err


def parse_when(value: str, now: datetime | None = None) -> datetime:
    """``2h`` / ``7d`` / ``30m`` ago, ``now``, or an ISO 8601 time (UTC unless it says otherwise)."""
    now = now or datetime.now(UTC)
    text = value.strip().lower()
    if text == "now":
        return now
    ago = _AGO.match(text)
    if ago:
        return now - timedelta(**{_UNITS[ago.group(2)]: int(ago.group(1))})
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError as err:
        raise typer.BadParameter(f"{value!r} is neither a duration ago (30m, 2h, 7d) nor an ISO time") from err
    return when if when.tzinfo else when.replace(tzinfo=UTC)
