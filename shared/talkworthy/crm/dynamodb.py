"""The built-in CRM on one DynamoDB table (``CrmTable``): the local default and the fallback.

Keys: ``pk``/``sk`` plus the sparse GSI ``gsi1`` (``gsi1pk``/``gsi1sk``).

===========================  ==============  ========================================
item                         pk / sk         gsi1pk
===========================  ==============  ========================================
contact                      CONTACT#<id>    EMAIL#<lower-case e-mail>
case (open)                  CASE#<id>       OPENCASES#CONTACT#<id> or OPENCASES#EMAIL#<e-mail>
case (closed)                CASE#<id>       (removed: closed cases leave the index)
lead                         LEAD#<id>       LEADS#<e-mail or platform:handle>
task (open)                  TASK#<id>       OPENTASKS#CUSTOMER#<customer_id>
task (done)                  TASK#<id>       (removed)
nurture flag                 NURTURE#<customer_id>  (the latest reason; one per customer)
idempotency guard            CASEKEY#<key> / LEADKEY#<key> / TASKKEY#<key>  (holds the record id)
===========================  ==============  ========================================

A case and its guard are written in one ``TransactWriteItems``, the guard with
``attribute_not_exists(pk)``: a redelivered key cancels the transaction and gets the first case
back with ``created=False``; never a second case.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.conditions import Key

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
from talkworthy.dynamo import Table, call, conditional, put, query_all, transact
from talkworthy.errors import InvalidInputError, RetryableError

__all__ = ["DynamoDbCrm"]

SYSTEM = "dynamodb"
GSI = "gsi1"
_ABSENT = "attribute_not_exists(pk)"


def _now() -> str:
    return datetime.now(UTC).isoformat()


class DynamoDbCrm:
    def __init__(self, table: Table) -> None:
        self._table = table

    def seed_contact(
        self,
        contact_id: str,
        email: str | None = None,
        name: str | None = None,
        tier: str | None = None,
        owner: str | None = None,
    ) -> Contact:
        contact = Contact(system=SYSTEM, contact_id=contact_id, email=email, name=name, tier=tier, owner=owner)
        item: dict[str, Any] = {"pk": f"CONTACT#{contact_id}", "sk": "CONTACT", "kind": "contact"}
        item.update({k: v for k, v in contact.model_dump(exclude={"system"}).items() if v is not None})
        if email:
            item.update(gsi1pk=f"EMAIL#{email.strip().lower()}", gsi1sk=f"CONTACT#{contact_id}")
        call(self._table.put_item, Item=item)
        return contact

    def find_contact_by_email(self, email: str) -> Contact | None:
        rows = self._index(f"EMAIL#{email.strip().lower()}")
        if not rows:
            return None
        row = rows[0]
        return Contact(
            system=SYSTEM,
            contact_id=row["contact_id"],
            email=row.get("email"),
            name=row.get("name"),
            tier=row.get("tier"),
            owner=row.get("owner"),
        )

    def open_case(self, req: CaseRequest) -> CaseRef:
        case_id = f"TW-{uuid.uuid4().hex[:12].upper()}"
        now = _now()
        item: dict[str, Any] = {
            "pk": f"CASE#{case_id}",
            "sk": "CASE",
            "kind": "case",
            "case_id": case_id,
            "status": "open",
            "idempotency_key": req.idempotency_key,
            "created_at": now,
            **req.model_dump(exclude={"idempotency_key", "contact", "tags"}, exclude_none=True),
            "tags": list(req.tags),
        }
        if req.contact is not None:
            item["contact_id"] = req.contact.contact_id
        owner = _case_owner(req.contact.contact_id if req.contact else None, req.requester_email)
        if owner:
            item.update(gsi1pk=f"OPENCASES#{owner}", gsi1sk=f"CASE#{now}#{case_id}")
        existing = self._create_once(f"CASEKEY#{req.idempotency_key}", "case_id", case_id, item)
        return CaseRef(system=SYSTEM, case_id=existing or case_id, created=existing is None)

    def flag_lead(self, req: LeadRequest) -> LeadRef:
        lead_id = f"LD-{uuid.uuid4().hex[:12].upper()}"
        now = _now()
        item: dict[str, Any] = {
            "pk": f"LEAD#{lead_id}",
            "sk": "LEAD",
            "kind": "lead",
            "lead_id": lead_id,
            "created_at": now,
            **req.model_dump(exclude_none=True),
        }
        person = req.email.strip().lower() if req.email else (f"{req.platform}:{req.handle}" if req.handle else None)
        if person:
            item.update(gsi1pk=f"LEADS#{person}", gsi1sk=f"LEAD#{now}#{lead_id}")
        existing = self._create_once(f"LEADKEY#{req.idempotency_key}", "lead_id", lead_id, item)
        return LeadRef(system=SYSTEM, lead_id=existing or lead_id, created=existing is None)

    def open_cases_for(self, contact_id: str | None, email: str | None) -> list[CaseRef]:
        """Open cases keyed by the contact or by the e-mail, each side resolved to the other if it can be."""
        if email and contact_id is None:
            contact = self.find_contact_by_email(email)
            contact_id = contact.contact_id if contact else None
        elif contact_id and email is None:
            found = call(self._table.get_item, Key={"pk": f"CONTACT#{contact_id}", "sk": "CONTACT"})
            email = found.get("Item", {}).get("email")
        owners = {_case_owner(contact_id, None), _case_owner(None, email)} - {None}
        rows = {row["case_id"]: row for owner in owners for row in self._index(f"OPENCASES#{owner}")}
        ordered = sorted(rows.values(), key=lambda row: str(row["gsi1sk"]))
        return [CaseRef(system=SYSTEM, case_id=row["case_id"], created=False) for row in ordered]

    def close_case(self, case_id: str) -> None:
        """Mark the case closed and take it out of the open-cases index; closing twice is harmless."""
        closed = conditional(
            self._table.update_item,
            Key={"pk": f"CASE#{case_id}", "sk": "CASE"},
            UpdateExpression="SET #status = :closed, closed_at = :now REMOVE gsi1pk, gsi1sk",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":closed": "closed", ":now": _now()},
        )
        if not closed:
            raise InvalidInputError(f"no case {case_id}")

    def create_task(self, req: TaskRequest) -> TaskRef:
        task_id = f"TK-{uuid.uuid4().hex[:12].upper()}"
        now = _now()
        item: dict[str, Any] = {
            "pk": f"TASK#{task_id}",
            "sk": "TASK",
            "kind": "task",
            "task_id": task_id,
            "status": "open",
            "created_at": now,
            "gsi1pk": f"OPENTASKS#CUSTOMER#{req.customer_id}",
            "gsi1sk": f"TASK#{now}#{task_id}",
            **req.model_dump(exclude={"contact"}, exclude_none=True),
        }
        if req.contact is not None:
            item["contact_id"] = req.contact.contact_id
        existing = self._create_once(f"TASKKEY#{req.idempotency_key}", "task_id", task_id, item)
        return TaskRef(system=SYSTEM, task_id=existing or task_id, created=existing is None)

    def complete_task(self, task_id: str) -> None:
        done = conditional(
            self._table.update_item,
            Key={"pk": f"TASK#{task_id}", "sk": "TASK"},
            UpdateExpression=(
                "SET #status = :done, completed_at = if_not_exists(completed_at, :now) REMOVE gsi1pk, gsi1sk"
            ),
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":done": "done", ":now": _now()},
        )
        if not done:
            raise InvalidInputError(f"no task {task_id}")

    def open_tasks_for(self, customer_id: str) -> list[dict[str, Any]]:
        return self._index(f"OPENTASKS#CUSTOMER#{customer_id}")

    def flag_nurture(self, req: NurtureRequest) -> None:
        item: dict[str, Any] = {
            "pk": f"NURTURE#{req.customer_id}",
            "sk": "NURTURE",
            "kind": "nurture",
            "flagged_at": _now(),
            **req.model_dump(exclude={"contact"}, exclude_none=True),
        }
        if req.contact is not None:
            item["contact_id"] = req.contact.contact_id
        call(self._table.put_item, Item=item)

    def assign_owner(self, kind: RecordKind, record_id: str, owner: str) -> None:
        self._set(kind, record_id, "SET #o = :o, owned_at = :now", {"#o": "owner"}, {":o": owner})

    def set_priority(self, case_id: str, priority: Priority) -> None:
        self._set("case", case_id, "SET priority = :p, priority_at = :now", {}, {":p": priority})

    def dismiss(self, kind: RecordKind, record_id: str, reason: str) -> None:
        """A case is closed (and leaves the open-cases index), a lead disqualified; the reason is kept.

        ``closed_at`` keeps the first dismissal's time, so a redelivery changes nothing.
        """
        expression = "SET #status = :s, dismissed_reason = :r, closed_at = if_not_exists(closed_at, :now)"
        if kind == "case":
            expression += " REMOVE gsi1pk, gsi1sk"
        status = "closed" if kind == "case" else "disqualified"
        self._set(kind, record_id, expression, {"#status": "status"}, {":s": status, ":r": reason})

    def solve_case(self, case_id: str, resolution: str) -> None:
        """Solved (Slack's Resolve): out of the open-cases index; a second solve keeps the first's time and words."""
        self._set(
            "case",
            case_id,
            "SET #status = :s, resolution = if_not_exists(resolution, :r), solved_at = if_not_exists(solved_at, :now)"
            " REMOVE gsi1pk, gsi1sk",
            {"#status": "status"},
            {":s": "solved", ":r": resolution},
        )

    def record(self, kind: RecordKind, record_id: str) -> dict[str, Any] | None:
        """The stored case or lead as an item (what a user would see in the CRM), or None."""
        key = {"pk": f"{kind.upper()}#{record_id}", "sk": kind.upper()}
        found: dict[str, Any] | None = call(self._table.get_item, Key=key, ConsistentRead=True).get("Item")
        return found

    def _set(
        self, kind: RecordKind, record_id: str, expression: str, names: dict[str, str], values: dict[str, Any]
    ) -> None:
        written = conditional(
            self._table.update_item,
            Key={"pk": f"{kind.upper()}#{record_id}", "sk": kind.upper()},
            UpdateExpression=expression,
            ConditionExpression="attribute_exists(pk)",
            **({"ExpressionAttributeNames": names} if names else {}),
            ExpressionAttributeValues={**values, ":now": _now()},
        )
        if not written:
            raise RecordNotFoundError(f"no {kind} {record_id} in the built-in CRM")

    # -- storage --------------------------------------------------------------------------------

    def _create_once(self, guard_pk: str, id_attr: str, record_id: str, item: dict[str, Any]) -> str | None:
        """Write the record and its guard together; return the existing record id if the guard was taken."""
        guard = {"pk": guard_pk, "sk": "KEY", id_attr: record_id, "created_at": item["created_at"]}
        codes = transact(self._table, [put(guard, _ABSENT), put(item, _ABSENT)])
        if codes is None:
            return None
        if codes[0] == "ConditionalCheckFailed":
            found = call(self._table.get_item, Key={"pk": guard_pk, "sk": "KEY"}, ConsistentRead=True)
            return str(found["Item"][id_attr])
        raise RetryableError("DynamoDB transaction conflict on the idempotency key")

    def _index(self, gsi1pk: str) -> list[dict[str, Any]]:
        condition = Key("gsi1pk").eq(gsi1pk)
        return list(query_all(self._table, IndexName=GSI, KeyConditionExpression=condition))


def _case_owner(contact_id: str | None, email: str | None) -> str | None:
    if contact_id:
        return f"CONTACT#{contact_id}"
    if email:
        return f"EMAIL#{email.strip().lower()}"
    return None
