"""Where each case came from, and whether its loop was closed: the port and its in-memory fake.

An :class:`OriginRecord` is written when a case opens, under the case's own system and id and
under every other record the case is known as, so a ``Ticket.Closed`` from any of those systems
finds it. A :class:`Closure` is claimed once per case (the case as it was opened, whichever
system reports the closure): the first claim wins, and its ``event_key`` says which report it was.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from talkworthy.catalog.cases import CaseOrigin, RecordRef

__all__ = ["Closure", "InMemoryLoopStore", "LoopStore", "OriginRecord", "ref_key"]


def ref_key(ref: RecordRef) -> str:
    return f"{ref.system}:{ref.record_id}"


class OriginRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    case: RecordRef
    origin: CaseOrigin
    profile_id: str | None = None
    correlation_id: str
    subject: str = ""


class Closure(BaseModel):
    """A case's loop, claimed by the first closure reported for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    case: RecordRef
    event_key: str  # the Ticket.Closed that claimed it
    ticket: RecordRef
    claimed_at: datetime
    loop_closed: str | None = None  # the Loop.Closed detail (JSON) once the customer was told, or why not
    survey: str | None = None  # the survey's schedule name while one is pending


class LoopStore(Protocol):
    def record_origin(self, record: OriginRecord) -> None:
        """Keep the origin under the case and each of ``record.origin.known_as`` (a put: a rewrite is harmless)."""

    def find_origin(self, refs: Sequence[RecordRef]) -> OriginRecord | None:
        """The origin of the first of ``refs`` that has one."""

    def claim(self, case: RecordRef, event_key: str, ticket: RecordRef, at: datetime) -> Closure:
        """Claim the case's closure for ``event_key``; returns the closure as it is (maybe another's)."""

    def closure(self, case: RecordRef) -> Closure | None:
        """The case's closure as it is, if it was claimed."""

    def told(self, case: RecordRef, loop_closed: str, survey: str | None) -> None:
        """Record the outcome of the claimed closure."""

    def survey_done(self, case: RecordRef) -> None:
        """The pending survey was sent or cancelled."""


class InMemoryLoopStore:
    def __init__(self) -> None:
        self.origins: dict[str, OriginRecord] = {}
        self.closures: dict[str, Closure] = {}
        self._lock = threading.Lock()

    def record_origin(self, record: OriginRecord) -> None:
        with self._lock:
            for ref in [record.case, *record.origin.known_as]:
                self.origins[ref_key(ref)] = record

    def find_origin(self, refs: Sequence[RecordRef]) -> OriginRecord | None:
        with self._lock:
            return next((self.origins[ref_key(r)] for r in refs if ref_key(r) in self.origins), None)

    def claim(self, case: RecordRef, event_key: str, ticket: RecordRef, at: datetime) -> Closure:
        with self._lock:
            fresh = Closure(case=case, event_key=event_key, ticket=ticket, claimed_at=at)
            return self.closures.setdefault(ref_key(case), fresh)

    def closure(self, case: RecordRef) -> Closure | None:
        with self._lock:
            return self.closures.get(ref_key(case))

    def told(self, case: RecordRef, loop_closed: str, survey: str | None) -> None:
        with self._lock:
            key = ref_key(case)
            self.closures[key] = self.closures[key].model_copy(update={"loop_closed": loop_closed, "survey": survey})

    def survey_done(self, case: RecordRef) -> None:
        with self._lock:
            key = ref_key(case)
            if key in self.closures:
                self.closures[key] = self.closures[key].model_copy(update={"survey": None})
