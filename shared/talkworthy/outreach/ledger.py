"""The contact-pressure ledger: every message Talkworthy sends a person, and whether the next may go.

One ledger per person (profile) across channels: e-mail, replies on social platforms and
communities, surveys. Before anything is sent to a customer, :meth:`PressurePolicy.decide` reads
their recent entries and says *send* or *suppress, because ...*; what is sent is then recorded
(idempotent on the causing event's key). The rules, as data (:class:`PressurePolicy`):

- **transactional** messages (a reply to the person's own ticket or post, an acknowledgement of
  their idea) always go, and are counted;
- **outreach** (retention, nurture, offers) waits out a quiet period after a support contact, and
  at most ``outreach_cap`` outreach messages go in any rolling ``outreach_window``;
- **surveys** go at most once per ``survey_interval`` (a survey after a solved ticket is expected,
  so the quiet period after support does not hold them back).

Transactional messages and surveys count toward the outreach cap (the pressure a person feels is
every message), they are just never held back by it.

Every suppression is returned with its reason so the caller can show it (the case's Slack
thread) and record it (:meth:`ContactLedger.record_suppressed`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

__all__ = ["ContactLedger", "Decision", "Entry", "InMemoryContactLedger", "Kind", "PressurePolicy"]

Kind = Literal["transactional", "outreach", "survey", "support"]
Channel = Literal["email", "social_reply", "community_reply", "slack", "crm"]


@dataclass(frozen=True)
class Entry:
    """One contact: sent to the person (``transactional``, ``outreach``, ``survey``) or received
    from them (``support``: they asked for help, which starts the quiet period)."""

    person: str
    at: datetime
    kind: Kind
    channel: Channel
    event_key: str
    reason: str = ""


@dataclass(frozen=True)
class Decision:
    send: bool
    reason: str  # why it may go, or why not (shown in Slack, recorded with the suppression)


@dataclass(frozen=True)
class PressurePolicy:
    quiet_after_support: timedelta = timedelta(days=3)
    outreach_cap: int = 2
    outreach_window: timedelta = timedelta(days=7)
    survey_interval: timedelta = timedelta(days=30)

    @property
    def horizon(self) -> timedelta:
        """How far back a decision looks: the entries a ledger must return."""
        return max(self.quiet_after_support, self.outreach_window, self.survey_interval)

    def decide(self, history: Iterable[Entry], kind: Kind, now: datetime) -> Decision:
        if kind == "transactional":
            return Decision(True, "transactional: about their own request, never capped")
        if kind == "support":
            return Decision(True, "an inbound contact is recorded, not decided")
        recent = [e for e in history if e.at <= now]
        if kind == "survey":
            last = max((e.at for e in recent if e.kind == "survey"), default=None)
            if last is not None and now - last < self.survey_interval:
                return Decision(False, f"survey_within:{self.survey_interval.days}d (last {last:%Y-%m-%d})")
            return Decision(True, "no survey in the interval")
        support = max((e.at for e in recent if e.kind == "support"), default=None)
        if support is not None and now - support < self.quiet_after_support:
            return Decision(False, f"quiet_after_support:{self.quiet_after_support.days}d (contact {support:%Y-%m-%d})")
        window = [e for e in recent if e.kind != "support" and now - e.at < self.outreach_window]
        if len(window) >= self.outreach_cap:
            return Decision(False, f"outreach_cap:{self.outreach_cap} per {self.outreach_window.days}d")
        return Decision(True, f"message {len(window) + 1} of {self.outreach_cap} in {self.outreach_window.days}d")


class ContactLedger(Protocol):
    def history(self, person: str, since: datetime) -> Sequence[Entry]:
        """The person's entries at or after ``since``, oldest first."""

    def record(self, entry: Entry) -> bool:
        """Add the entry; False when its event key was recorded already (a redelivery)."""

    def record_suppressed(self, entry: Entry) -> bool:
        """Keep a suppression (what would have been sent, and why): visible, never counted."""


class InMemoryContactLedger:
    def __init__(self) -> None:
        self.entries: dict[str, list[Entry]] = {}
        self.suppressed: list[Entry] = []
        self._keys: set[tuple[str, str]] = set()

    def history(self, person: str, since: datetime) -> Sequence[Entry]:
        return sorted((e for e in self.entries.get(person, []) if e.at >= since), key=lambda e: e.at)

    def record(self, entry: Entry) -> bool:
        if (entry.person, entry.event_key) in self._keys:
            return False
        self._keys.add((entry.person, entry.event_key))
        self.entries.setdefault(entry.person, []).append(entry)
        return True

    def record_suppressed(self, entry: Entry) -> bool:
        if (entry.person, f"suppressed:{entry.event_key}") in self._keys:
            return False
        self._keys.add((entry.person, f"suppressed:{entry.event_key}"))
        self.suppressed.append(entry)
        return True
