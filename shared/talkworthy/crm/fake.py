"""An in-memory CRM for unit tests of use cases: the port's behaviour, and a record of every call."""

from __future__ import annotations

from itertools import count

from talkworthy.catalog.cases import Priority
from talkworthy.crm.port import (
    CaseRef,
    CaseRequest,
    Contact,
    LeadRef,
    LeadRequest,
    NurtureRequest,
    RecordKind,
    RecordNotFoundError,
    TaskRef,
    TaskRequest,
)

__all__ = ["InMemoryCrm"]


class InMemoryCrm:
    """Idempotent like the real adapters; ``calls`` lists ``(method, argument)`` in order.

    ``fail_next(method, error)`` makes the next call of ``method`` raise ``error`` (after recording
    the call), to test how a use case handles a CRM that is down or refuses.
    """

    def __init__(self, system: str = "fake") -> None:
        self.system = system
        self.calls: list[tuple[str, object]] = []
        self.contacts: dict[str, Contact] = {}
        self.cases: dict[str, CaseRequest] = {}
        self.leads: dict[str, LeadRequest] = {}
        self.closed: set[str] = set()
        self.tasks: dict[str, TaskRequest] = {}
        self.done_tasks: set[str] = set()
        self.nurture: dict[str, NurtureRequest] = {}
        self._task_by_key: dict[str, str] = {}
        self.owners: dict[str, str] = {}
        self.priorities: dict[str, Priority] = {}
        self.dismissed: dict[str, str] = {}
        self.solved: dict[str, str] = {}
        self._case_by_key: dict[str, str] = {}
        self._lead_by_key: dict[str, str] = {}
        self._ids = count(1)
        self._failures: dict[str, list[Exception]] = {}

    def fail_next(self, method: str, error: Exception) -> None:
        self._failures.setdefault(method, []).append(error)

    def seed_contact(
        self,
        contact_id: str,
        email: str | None = None,
        name: str | None = None,
        tier: str | None = None,
        owner: str | None = None,
    ) -> Contact:
        contact = Contact(system=self.system, contact_id=contact_id, email=email, name=name, tier=tier, owner=owner)
        self.contacts[contact_id] = contact
        return contact

    def find_contact_by_email(self, email: str) -> Contact | None:
        self._record("find_contact_by_email", email)
        wanted = email.strip().lower()
        return next((c for c in self.contacts.values() if (c.email or "").lower() == wanted), None)

    def _once(self, by_key: dict[str, str], key: str, kind: str) -> tuple[str, bool]:
        """The record id for an idempotency key: the first one made for it, or a new one."""
        if key in by_key:
            return by_key[key], False
        by_key[key] = f"{kind}-{next(self._ids)}"
        return by_key[key], True

    def open_case(self, req: CaseRequest) -> CaseRef:
        self._record("open_case", req)
        case_id, created = self._once(self._case_by_key, req.idempotency_key, "case")
        if created:
            self.cases[case_id] = req
        return CaseRef(system=self.system, case_id=case_id, created=created)

    def flag_lead(self, req: LeadRequest) -> LeadRef:
        self._record("flag_lead", req)
        lead_id, created = self._once(self._lead_by_key, req.idempotency_key, "lead")
        if created:
            self.leads[lead_id] = req
        return LeadRef(system=self.system, lead_id=lead_id, created=created)

    def open_cases_for(self, contact_id: str | None, email: str | None) -> list[CaseRef]:
        self._record("open_cases_for", (contact_id, email))
        return [
            CaseRef(system=self.system, case_id=case_id, created=False)
            for case_id, req in self.cases.items()
            if case_id not in self.closed and _belongs_to(req, contact_id, email)
        ]

    def close_case(self, case_id: str) -> None:
        self._record("close_case", case_id)
        self.closed.add(case_id)

    def create_task(self, req: TaskRequest) -> TaskRef:
        self._record("create_task", req)
        task_id, created = self._once(self._task_by_key, req.idempotency_key, "task")
        if created:
            self.tasks[task_id] = req
        return TaskRef(system=self.system, task_id=task_id, created=created)

    def complete_task(self, task_id: str) -> None:
        self._record("complete_task", task_id)
        self.done_tasks.add(task_id)

    def flag_nurture(self, req: NurtureRequest) -> None:
        self._record("flag_nurture", req)
        self.nurture[req.customer_id] = req

    def assign_owner(self, kind: RecordKind, record_id: str, owner: str) -> None:
        self._record("assign_owner", (kind, record_id, owner))
        self._require(kind, record_id)
        self.owners[record_id] = owner

    def set_priority(self, case_id: str, priority: Priority) -> None:
        self._record("set_priority", (case_id, priority))
        self._require("case", case_id)
        self.priorities[case_id] = priority

    def dismiss(self, kind: RecordKind, record_id: str, reason: str) -> None:
        self._record("dismiss", (kind, record_id, reason))
        self._require(kind, record_id)
        self.dismissed[record_id] = reason
        if kind == "case":
            self.closed.add(record_id)

    def solve_case(self, case_id: str, resolution: str) -> None:
        self._record("solve_case", (case_id, resolution))
        self._require("case", case_id)
        self.solved.setdefault(case_id, resolution)
        self.closed.add(case_id)

    def _require(self, kind: RecordKind, record_id: str) -> None:
        if record_id not in (self.cases if kind == "case" else self.leads):
            raise RecordNotFoundError(f"no {kind} {record_id}")

    def _record(self, method: str, argument: object) -> None:
        self.calls.append((method, argument))
        pending = self._failures.get(method)
        if pending:
            raise pending.pop(0)


def _belongs_to(req: CaseRequest, contact_id: str | None, email: str | None) -> bool:
    if contact_id is not None and req.contact is not None and req.contact.contact_id == contact_id:
        return True
    emails = {req.requester_email, req.contact.email if req.contact else None} - {None}
    return email is not None and email.strip().lower() in {e.strip().lower() for e in emails if e}
