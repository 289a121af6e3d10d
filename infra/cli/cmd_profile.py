"""`talkworthy profile`: the command and what it prints (the work is in infra/cli/profile.py)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from infra.cli.options import AsJson, Region, Stack, console, target
from infra.cli.profile import JOURNAL_DAYS, Person, find_profile, person

__all__ = ["HELP", "profile"]

HELP = (
    "One person across the mesh: who they are (identity links and the evidence for each, merge "
    "candidates), a timeline of their mentions (what routing decided, what was held back), cases, "
    "leads and ideas, and as a customer their baseline, what deviates from it now and the contact "
    "pressure (retention touches).\n\n"
    f"Sources: the identity graph and the routing journal (the last {JOURNAL_DAYS} days) on the mesh table, "
    "the built-in CRM's table, the customers context's records. Surveys are not sent by the mesh yet. "
    "Read-only."
)


def profile(
    who: Annotated[str, typer.Argument(help="An e-mail address, platform/handle (twitter/danawhit) or @handle.")],
    stack: Stack = None,
    region: Region = None,
    profile_name: Annotated[str | None, typer.Option("--profile", help="AWS profile for --stack.")] = None,
    as_json: AsJson = False,
) -> None:
    found = target(stack, region, profile_name)
    subject = find_profile(found, who)
    if subject is None:
        console.print(
            f"[red]no such person: nobody in the identity graph has {who!r}[/red] "
            "(an e-mail, platform/handle or @handle, as their mentions carried it)",
            soft_wrap=True,
        )
        raise typer.Exit(1)
    view = person(found, subject)
    if as_json:
        print(json.dumps(_as_json(view), indent=2, default=str))
        return
    _print(view)


def _as_json(view: Person) -> dict[str, Any]:
    return {
        "profile": view.profile.model_dump(mode="json"),
        "mentions": view.mentions,
        "cases": view.cases,
        "leads": view.leads,
        "ideas": view.ideas,
        "customer": view.customer,
    }


def _print(view: Person) -> None:
    p = view.profile
    crm = f"{p.crm_system}/{p.crm_contact_id}" if p.crm_contact_id else "not linked"
    console.print(
        f"[bold]{p.profile_id}[/bold]  CRM {crm}, tier {p.tier or '-'}, {p.mention_count} mention(s), "
        f"{p.support_contacts} support contact(s)",
        soft_wrap=True,
    )
    links = Table(title="identity links")
    for column in ("link", "confidence", "confirmed", "evidence"):
        links.add_column(column, overflow="fold")
    for link in p.links:
        links.add_row(link.ref, f"{link.confidence:.2f}", link.confirmed_by or ("yes" if link.confirmed else "no"),
                      "; ".join(link.evidence))  # fmt: skip
    for candidate in p.candidates:
        links.add_row(
            f"maybe {candidate.profile_id}", f"{candidate.confidence:.2f}", "merge?", "; ".join(candidate.evidence)
        )
    console.print(links)
    timeline = Table(title="timeline")
    for column in ("when", "system", "what"):
        timeline.add_column(column, overflow="fold")
    for row in _timeline(view):
        timeline.add_row(*row)
    console.print(timeline)
    if view.customer is None:
        console.print("customer: no baseline (no orders or behaviour observed for their e-mail)")
        return
    c = view.customer
    console.print(
        f"customer {c['customer_id']}: {c['orders']} orders, {c['spent']} spent, last {c['last_order']}, "
        f"usual gap {c['usual_gap_days']} d, tier {c['tier']}; retention touches in 30 d: {c['retention_touches_30d']}"
        + (f"; retention task {c['retention_task']}" if c["retention_task"] else ""),
        soft_wrap=True,
    )
    for sentence in c["deviations"] or ["no deviation from their baseline now"]:
        console.print(f"  deviation: {sentence}", soft_wrap=True)


def _timeline(view: Person) -> list[tuple[str, str, str]]:
    rows = [
        (m["at"][:16], f"mention ({m['platform']})",
         f"{m['intent']}, {m['sentiment']} → {m['decided']}"
         + (f", held back: {', '.join(m['suppressed'])}" if m["suppressed"] else "") + f": {m['text']}")
        for m in view.mentions
    ]  # fmt: skip
    rows += [(c.get("created_at", "")[:16], "case (CRM)", f"{c.get('case_id')} {c.get('priority', '')} "
              f"{c.get('status', 'open')}: {c.get('subject', '')}") for c in view.cases]  # fmt: skip
    rows += [(lead.get("created_at", "")[:16], "lead (CRM)", f"{lead.get('lead_id')} {lead.get('status', 'new')}")
             for lead in view.leads]  # fmt: skip
    rows += [(i["at"][:16], "idea", i["idea"]) for i in view.ideas]
    return sorted(rows)
