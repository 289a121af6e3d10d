"""The demo's story: what came in, what Talkworthy made of it, what it did, and what a click did.

Built from the events the mesh put on its bus (the local observer keeps them), grouped by the
correlation id of the delivery that caused them, and told in the words a care lead or a product
owner would use rather than in detail-types.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from talkworthy.actions import ACTION_LABELS

__all__ = ["by_delivery", "tell"]

Event = Mapping[str, Any]
_INTENT = {
    "support_request": "a request for help",
    "complaint": "a complaint",
    "question": "a question",
    "sales_lead": "a buying signal",
    "idea": "an idea",
    "praise": "praise",
    "other": "nothing actionable",
}


def by_delivery(envelopes: Iterable[Event]) -> dict[str, list[Event]]:
    """Each delivery's events (detail-type and detail), in the order the bus carried them."""
    found: dict[str, list[Event]] = defaultdict(list)
    for envelope in envelopes:
        detail = envelope.get("detail", {})
        correlation = detail.get("meta", {}).get("correlation_id")
        if correlation:
            found[correlation].append({"type": envelope.get("detail-type"), **detail})
    return found


def _who(author: Mapping[str, Any]) -> str:
    return str(author.get("name") or f"@{author.get('handle')}")


def _quote(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return f"“{text[: limit - 1]}…”" if len(text) > limit else f"“{text}”"


def _a(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _first(events: list[Event], kind: str) -> Event | None:
    return next((e for e in events if e["type"] == kind), None)


def _mention_story(events: list[Event]) -> list[str]:
    lines = []
    received = _first(events, "Mention.Received") or _first(events, "Mention.Enriched")
    if received is not None:
        mention = received["mention"]
        lines.append(f"{_who(mention['author'])} posted on {mention['platform']}: {_quote(mention['text'])}")
    enriched = _first(events, "Mention.Enriched")
    if enriched is not None:
        intent, segment, identity = enriched["intent"], enriched["segment"], enriched["identity"]
        cues = ", ".join(c.split(":", 1)[-1].strip('"') for c in intent.get("cues", [])[:3]) or "no cue words"
        known = (
            f"{_a(segment['tier'])} customer (CRM contact {identity['crm_contact_id']})"
            if identity.get("crm_contact_id")
            else ("someone new" if identity.get("new_profile") else "a person seen before")
        )
        reading = f"Talkworthy read it as {_INTENT.get(intent['label'], intent['label'])}"
        reading += f" ({enriched['sentiment']['label']}; {cues}) from {known}"
        if intent.get("triage_reason"):
            reading += f", but was not sure ({intent['triage_reason'].replace('_', ' ')})"
        lines.append(reading + ".")
    return lines


def _effects(events: list[Event]) -> list[str]:
    lines = []
    for event in events:
        kind = event["type"]
        if kind == "Case.Opened":
            due = f", answer due by {event['sla_due'][11:16]} UTC" if event.get("sla_due") else ""
            lines.append(
                f"It opened {_a(event['priority'])} case ({event['case']['system']} {event['case']['record_id']}) "
                f"by the rule {event['rule']!r}{due}."
            )
        elif kind == "Lead.Flagged":
            lines.append(f"It flagged a lead in the CRM ({event['lead']['record_id']}) by the rule {event['rule']!r}.")
        elif kind == "Idea.Submitted":
            lines.append(f"It filed the idea {_quote(event['title'], 70)} for the product team.")
        elif kind == "Action.Requested" and event.get("placement", "message") != "message":
            lines.append(_case_thread(event))
        elif kind == "Action.Requested":
            buttons = ", ".join(ACTION_LABELS.get(a, a) for a in event.get("actions", []))
            held = event.get("facts", {}).get("Contact policy")
            if buttons:
                lines.append(f"It asked {event['audience']} to act ({buttons}).")
            else:
                lines.append(f"It wrote to {event['audience']}: {_quote(event['headline'], 80)}.")
            if held:
                lines.append(f"It held back sales outreach: {held.removeprefix('no sales outreach: ')}.")
        elif kind == "Action.Completed":
            lines.append(f"{event['note']}." if event["outcome"] != "refused" else f"Refused: {event['note']}.")
        elif kind == "Ticket.Closed":
            ticket = event["ticket"]
            system = "The built-in CRM" if ticket["system"] == "dynamodb" else ticket["system"].capitalize()
            lines.append(f"{system} says ticket {ticket['record_id']} is {event['status']}.")
        elif kind == "Behavior.Observed":
            amount = f" of {event['amount']:g} {event.get('currency') or ''}".rstrip() if event.get("amount") else ""
            system = event["source_system"].capitalize()
            lines.append(f"{system} reported {_a(event['kind'])}{amount} by customer {event['customer_id']}.")
        elif kind == "Step.Due":
            lines.append(f"A next step on case {event['case']['record_id']} came due.")
        elif kind == "Loop.Closed":
            told = f"was told on {event.get('channel')}"
            if not event["told"]:
                told = f"was not told ({event.get('suppressed')})"
            lines.append(f"The customer behind case {event['case']['record_id']} {told}.")
        elif kind == "Deviation.Detected":
            lines.append(f"Customer {event['customer_id']} left their own pattern: {event['explanation']}")
    return lines


def _case_thread(event: Event) -> str:
    """What the case's thread, a copy sent elsewhere, or the case's message now says."""
    headline = " ".join(str(event["headline"]).split())
    placement = event.get("placement")
    if placement == "copy":
        how = "by direct message to" if str(event["audience"])[:1] in "UW" else "in"
        return f"It sent the case's context {how} {event['audience']}: {_quote(headline, 90)}."
    if placement == "update":
        return f"The case's message now says: {_quote(headline, 90)}."
    buttons = ", ".join(ACTION_LABELS.get(a, a) for a in event.get("actions", []))
    offered = f" ({buttons})" if buttons else ""
    return f"In the case's thread: {_quote(headline, 90)}{offered}."


def tell(events: list[Event]) -> list[str]:
    """One delivery's story, a sentence a line."""
    lines = _mention_story(events) + _effects(events)
    if _first(events, "Mention.Enriched") and not any(
        e["type"] in {"Case.Opened", "Lead.Flagged", "Idea.Submitted", "Action.Requested"} for e in events
    ):
        lines.append("It only logged it: nobody needs to act.")
    return lines
