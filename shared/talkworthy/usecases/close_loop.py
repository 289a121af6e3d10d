"""Close the loop: a solved ticket → the customer told where they came from → ``Loop.Closed``.

``Case.Opened`` records where the case came from (:func:`record_origin`). ``Ticket.Closed``,
from whichever system reports it (zendesk, hubspot, intercom, the built-in CRM), finds that
origin under the ticket or the case it names, then claims the case's closure with one
conditional write (:meth:`LoopStore.claim`). Only the claiming report goes on; so a redelivered
close, or a second system reporting the same closure, closes the loop once.

The claimant replies through the port the origin calls for (Discourse, an X-style platform, or
e-mail when there is no public thread), with the template for the channel and outcome, and counts
the message in the contact-pressure ledger (transactional: counted, never capped); the solved
support contact is recorded there too, which starts the quiet period before any outreach. When no
channel can reach the person, or the platform refuses the reply, the customer is not told and the
reason is recorded in the ledger as a suppression. Either way the outcome is stored on the
closure and ``Loop.Closed`` is returned under a key per case (``loop:<system>:<id>``).

Idempotent under redelivery: a report that did not claim the closure does nothing; the claimant's
redelivery returns the stored ``Loop.Closed`` unchanged (same key) without replying again. Only if
the process dies between the reply and storing its outcome is the reply sent again (the platforms
take no idempotency key): at least once, within that window only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from talkworthy.catalog import CaseOpened, EventMeta, LoopClosed, TicketClosed
from talkworthy.errors import InvalidInputError, PermanentError
from talkworthy.loop.origin import reply_origin
from talkworthy.loop.store import LoopStore, OriginRecord, ref_key
from talkworthy.outreach.ledger import ContactLedger, Entry, PressurePolicy
from talkworthy.replies.router import ReplyRouter
from talkworthy.replies.texts import ReplyTexts

__all__ = ["PRODUCER", "LoopPorts", "close_loop", "person_of", "record_origin"]

PRODUCER = "talkworthy.cases"


@dataclass(frozen=True)
class LoopPorts:
    store: LoopStore
    replies: ReplyRouter
    ledger: ContactLedger
    texts: ReplyTexts
    policy: PressurePolicy = field(default_factory=PressurePolicy)
    schedule_survey: Callable[[OriginRecord, TicketClosed, str, datetime], datetime] | None = None
    """Plans the survey to an e-mail address and says when it is due (``usecases/survey.py``)."""


def record_origin(opened: CaseOpened, store: LoopStore) -> bool:
    """Keep where the case came from; a case opened without an origin has nobody to tell."""
    if opened.origin is None:
        return False
    store.record_origin(
        OriginRecord(
            case=opened.case,
            origin=opened.origin,
            profile_id=opened.profile_id,
            correlation_id=opened.meta.correlation_id,
            subject=opened.subject,
        )
    )
    return True


def person_of(record: OriginRecord) -> str:
    """The ledger's person: the profile, else the handle where they spoke."""
    origin = record.origin
    return record.profile_id or f"{origin.platform}/{origin.handle or origin.post_id}"


def close_loop(closed: TicketClosed, ports: LoopPorts, now: datetime) -> list[LoopClosed]:
    refs = [closed.ticket, *([closed.case] if closed.case else [])]
    record = ports.store.find_origin(refs)
    if record is None:
        return []  # a ticket no mention opened: there is no post to answer
    closure = ports.store.claim(record.case, closed.meta.event_key, closed.ticket, now)
    if closure.event_key != closed.meta.event_key:
        return []  # another report closed this loop already
    if closure.loop_closed is not None:
        return [LoopClosed.model_validate_json(closure.loop_closed)]

    origin = reply_origin(record.origin, closed.requester_email)
    route = ports.replies.choose(origin)
    person = person_of(record)
    key = f"loop:{ref_key(record.case)}"
    # the support contact ends here: the quiet period before any outreach starts now
    ports.ledger.record(Entry(person, closed.closed_at, "support", "crm", f"{key}:solved", "ticket solved"))
    told, reply_url, suppressed = False, None, None
    if route is None:
        suppressed = f"no_reply_channel: no reply port for {origin.platform} and no e-mail known"
    else:
        values = {"name": _name(record, route.public), "case_ref": f"#{closed.ticket.record_id}"}
        text = ports.texts.render(
            route.texts, "ticket_closed" if closed.status == "closed" else "ticket_solved", **values
        )
        history = ports.ledger.history(person, now - ports.policy.horizon)
        decision = ports.policy.decide(history, "transactional", now)
        if not decision.send:  # transactional messages always go; kept so the policy stays the one judge
            suppressed = decision.reason
        else:
            try:
                reply = route.port.reply(origin, text)
            except (PermanentError, InvalidInputError) as err:
                suppressed = f"reply_refused: {route.channel}: {err}"
            else:
                told, reply_url = True, reply.url
                ports.ledger.record(Entry(person, now, "transactional", route.ledger, key, decision.reason))
    if suppressed is not None:
        channel = route.ledger if route is not None else "email"
        ports.ledger.record_suppressed(Entry(person, now, "transactional", channel, key, suppressed))

    survey_due, survey = None, None
    if ports.schedule_survey is not None and closed.status == "solved" and origin.email:
        survey_due = ports.schedule_survey(record, closed, origin.email, now)
        survey = f"survey:{ref_key(record.case)}"
    done = LoopClosed(
        meta=EventMeta(
            event_key=key,
            correlation_id=record.correlation_id,
            producer=PRODUCER,
            occurred_at=now,
        ),
        case=record.case,
        ticket=closed.ticket,
        profile_id=record.profile_id,
        told=told,
        channel=route.channel if told and route is not None else None,
        reply_url=reply_url,
        suppressed=suppressed,
        survey_due=survey_due,
        closed_at=closed.closed_at,
    )
    ports.store.told(record.case, done.model_dump_json(), survey)
    return [done]


def _name(record: OriginRecord, public: bool) -> str:
    """``@handle`` on X, the handle in a community (what people there see), a first name in e-mail."""
    origin = record.origin
    if public and origin.handle:
        return f"@{origin.handle}" if origin.platform in ("twitter", "x") else origin.handle
    if origin.name:
        return origin.name.split()[0]
    return origin.handle or "there"
