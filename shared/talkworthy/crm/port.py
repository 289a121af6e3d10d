"""The systems-of-record port: what the mesh asks of a CRM or helpdesk, whichever one it is.

Every write is idempotent on ``idempotency_key`` (use the event key of the event that caused it): a
redelivered event gets the record the first delivery made, with ``created=False``, and never a
second case or lead.
"""

from __future__ import annotations

import hashlib
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from talkworthy.catalog.cases import Priority
from talkworthy.errors import InvalidInputError, PermanentError

__all__ = [
    "CaseRef",
    "CaseRequest",
    "Contact",
    "CrmPort",
    "LeadRef",
    "LeadRequest",
    "NoRetentionTasks",
    "NurtureRequest",
    "RecordKind",
    "RecordNotFoundError",
    "SolvesCases",
    "TaskRef",
    "TaskRequest",
    "external_key",
]


RecordKind = Literal["case", "lead"]


class RecordNotFoundError(InvalidInputError):
    """The system of record has no such case or lead."""


class _Value(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(_Value):
    """A person as the system of record knows them. ``system`` names that system (``salesforce``...)."""

    system: str
    contact_id: str
    email: str | None = None
    name: str | None = None
    tier: str | None = None
    owner: str | None = None


class CaseRequest(_Value):
    idempotency_key: str = Field(min_length=1, max_length=256)
    subject: str = Field(min_length=1)
    description: str
    contact: Contact | None = None
    requester_email: str | None = None
    priority: Priority = "normal"
    origin_channel: str
    origin_url: str | None = None
    tags: tuple[str, ...] = ()


class CaseRef(_Value):
    """The case a request produced; ``created`` is False when the key already had a case."""

    system: str
    case_id: str
    url: str | None = None
    created: bool


class LeadRequest(_Value):
    idempotency_key: str = Field(min_length=1, max_length=256)
    email: str | None = None
    name: str | None = None
    handle: str | None = None
    platform: str
    note: str = ""
    source_url: str | None = None


class LeadRef(_Value):
    """The lead a request produced or flagged; ``created`` is False when the key was already seen."""

    system: str
    lead_id: str
    url: str | None = None
    created: bool


class TaskRequest(_Value):
    """A follow-up for a person (the account owner), e.g. a retention call."""

    idempotency_key: str = Field(min_length=1, max_length=256)
    subject: str = Field(min_length=1)
    description: str
    customer_id: str
    contact: Contact | None = None
    owner: str | None = None


class TaskRef(_Value):
    system: str
    task_id: str
    url: str | None = None
    created: bool


class NurtureRequest(_Value):
    """Mark a customer for the nurture track (marketing's automated win-back), with why."""

    idempotency_key: str = Field(min_length=1, max_length=256)
    customer_id: str
    email: str | None = None
    contact: Contact | None = None
    reason: str


class CrmPort(Protocol):
    def find_contact_by_email(self, email: str) -> Contact | None: ...

    def open_case(self, req: CaseRequest) -> CaseRef: ...

    def flag_lead(self, req: LeadRequest) -> LeadRef: ...

    def open_cases_for(self, contact_id: str | None, email: str | None) -> list[CaseRef]: ...

    def create_task(self, req: TaskRequest) -> TaskRef: ...

    def complete_task(self, task_id: str) -> None:
        """Mark the task done; completing it twice is harmless."""
        ...

    def flag_nurture(self, req: NurtureRequest) -> None:
        """Flag (or re-flag, with the latest reason) the customer for nurture."""
        ...

    # What people do from Slack and e-mail. Each sets a state, so doing it twice is harmless;
    # a record the system does not have is :class:`RecordNotFoundError`.
    def assign_owner(self, kind: RecordKind, record_id: str, owner: str) -> None:
        """Make ``owner`` (the CRM's user id for the person who claimed it) the record's owner."""
        ...

    def set_priority(self, case_id: str, priority: Priority) -> None: ...

    def dismiss(self, kind: RecordKind, record_id: str, reason: str) -> None:
        """Close the case, or disqualify the lead, as not actionable."""
        ...


@runtime_checkable
class SolvesCases(Protocol):
    """A system of record Talkworthy may solve a case in from Slack (the built-in CRM)."""

    def solve_case(self, case_id: str, resolution: str) -> None:
        """Mark the case solved, keeping the first resolution; solving twice is harmless."""
        ...


class NoRetentionTasks:
    """For adapters that do not create retention tasks or nurture flags yet: a clear, permanent refusal.

    The retention event is parked in the customers DLQ with this reason (and alarmed); redrive it
    once the adapter supports tasks, or run with ``CrmSystem=dynamodb``.
    """

    def _unsupported(self, what: str) -> PermanentError:
        return PermanentError(f"{type(self).__name__} does not support {what} yet (the built-in CRM does)")

    def create_task(self, req: TaskRequest) -> TaskRef:
        raise self._unsupported("tasks")

    def complete_task(self, task_id: str) -> None:
        raise self._unsupported("tasks")

    def flag_nurture(self, req: NurtureRequest) -> None:
        raise self._unsupported("nurture flags")


def external_key(idempotency_key: str, namespace: str = "") -> str:
    """The key as vendors store it: short, URL-path safe and stable (``tw-`` + 40 hex digits).

    Raw event keys hold ``>``, ``:`` or ``/``, which break REST paths (``/sobjects/Case/Field/{key}``)
    and can exceed vendor field lengths; a digest has neither problem and never changes for a key.
    """
    digest = hashlib.sha256(f"{namespace}|{idempotency_key}".encode()).hexdigest()
    return f"tw-{digest[:40]}"
