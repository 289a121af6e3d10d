"""The built-in CRM on a real (moto) DynamoDB table: ``CrmTable`` provisioned from template.yaml."""

from __future__ import annotations

from typing import Any

import pytest

from talkworthy.crm.dynamodb import DynamoDbCrm
from talkworthy.crm.port import CaseRequest, Contact, LeadRequest, RecordNotFoundError
from talkworthy.errors import InvalidInputError


@pytest.fixture
def crm(crm_table: Any) -> DynamoDbCrm:
    return DynamoDbCrm(crm_table)


def _case(key: str, contact: Contact | None = None, email: str | None = "ada@example.com") -> CaseRequest:
    return CaseRequest(
        idempotency_key=key,
        subject="Order 1234 never arrived",
        description="two weeks late",
        contact=contact,
        requester_email=email,
        priority="high",
        origin_channel="twitter",
        origin_url="https://x.com/ada/status/1",
        tags=("complaint",),
    )


def test_the_same_idempotency_key_opens_one_case(crm: DynamoDbCrm, crm_table: Any) -> None:
    first = crm.open_case(_case("evt-1>route"))
    second = crm.open_case(_case("evt-1>route"))

    assert first.created is True
    assert (second.case_id, second.created) == (first.case_id, False)
    cases = [item for item in crm_table.scan()["Items"] if item["sk"] == "CASE"]
    assert [c["case_id"] for c in cases] == [first.case_id]
    assert cases[0]["status"] == "open"
    assert cases[0]["tags"] == ["complaint"]


def test_different_keys_open_different_cases(crm: DynamoDbCrm) -> None:
    assert crm.open_case(_case("evt-1")).case_id != crm.open_case(_case("evt-2")).case_id


def test_email_lookup_is_case_insensitive(crm: DynamoDbCrm) -> None:
    seeded = crm.seed_contact("c-1", email="Ada.Lovelace@Example.com", name="Ada", tier="gold", owner="u-7")

    found = crm.find_contact_by_email("  ada.lovelace@EXAMPLE.com ")

    assert found == seeded
    assert found is not None
    assert found.system == "dynamodb"
    assert crm.find_contact_by_email("grace@example.com") is None


def test_open_cases_appear_and_disappear_after_close(crm: DynamoDbCrm) -> None:
    ada = crm.seed_contact("c-1", email="ada@example.com")
    by_contact = crm.open_case(_case("evt-1", contact=ada, email=None))
    by_email = crm.open_case(_case("evt-2", email="ADA@example.com"))
    crm.open_case(_case("evt-3", email="grace@example.com"))

    assert {r.case_id for r in crm.open_cases_for("c-1", None)} == {by_contact.case_id, by_email.case_id}
    assert {r.case_id for r in crm.open_cases_for(None, "ada@example.com")} == {
        by_contact.case_id,
        by_email.case_id,
    }

    crm.close_case(by_contact.case_id)
    crm.close_case(by_contact.case_id)  # closing twice is harmless

    assert [r.case_id for r in crm.open_cases_for("c-1", "ada@example.com")] == [by_email.case_id]
    crm.close_case(by_email.case_id)
    assert crm.open_cases_for("c-1", "ada@example.com") == []
    assert crm.open_cases_for(None, None) == []


def test_a_closed_case_is_still_the_answer_for_its_key(crm: DynamoDbCrm) -> None:
    first = crm.open_case(_case("evt-1"))
    crm.close_case(first.case_id)

    again = crm.open_case(_case("evt-1"))

    assert (again.case_id, again.created) == (first.case_id, False)
    assert crm.open_cases_for(None, "ada@example.com") == []


def test_closing_an_unknown_case_is_invalid(crm: DynamoDbCrm) -> None:
    with pytest.raises(InvalidInputError):
        crm.close_case("TW-NOPE")


def test_leads_are_idempotent(crm: DynamoDbCrm, crm_table: Any) -> None:
    req = LeadRequest(
        idempotency_key="evt-9>lead",
        email="grace@example.com",
        name="Grace Hopper",
        handle="@grace",
        platform="linkedin",
        note="Asked for enterprise pricing",
    )

    first = crm.flag_lead(req)
    second = crm.flag_lead(req)
    other = crm.flag_lead(req.model_copy(update={"idempotency_key": "evt-10>lead"}))

    assert first.created is True
    assert (second.lead_id, second.created) == (first.lead_id, False)
    assert other.created is True
    assert other.lead_id != first.lead_id
    leads = [item for item in crm_table.scan()["Items"] if item["sk"] == "LEAD"]
    assert len(leads) == 2


def test_a_lead_and_a_case_with_the_same_key_do_not_collide(crm: DynamoDbCrm) -> None:
    case = crm.open_case(_case("evt-1"))
    lead = crm.flag_lead(LeadRequest(idempotency_key="evt-1", handle="@ada", platform="twitter"))

    assert case.created
    assert lead.created


def test_claim_and_escalate_set_the_owner_and_priority(crm: DynamoDbCrm) -> None:
    case = crm.open_case(_case("evt-1"))
    lead = crm.flag_lead(LeadRequest(idempotency_key="evt-2", handle="@ada", platform="twitter"))

    crm.assign_owner("case", case.case_id, "agent-7")
    crm.assign_owner("case", case.case_id, "agent-7")  # a redelivery
    crm.assign_owner("lead", lead.lead_id, "sales-3")
    crm.set_priority(case.case_id, "urgent")

    stored = crm.record("case", case.case_id)
    assert stored is not None
    assert (stored["owner"], stored["priority"], stored["status"]) == ("agent-7", "urgent", "open")
    assert {"owned_at", "priority_at"} <= stored.keys()
    assert (crm.record("lead", lead.lead_id) or {})["owner"] == "sales-3"
    assert [r.case_id for r in crm.open_cases_for(None, "ada@example.com")] == [case.case_id]


def test_a_dismissed_case_leaves_the_open_cases_once(crm: DynamoDbCrm) -> None:
    case = crm.open_case(_case("evt-1"))
    other = crm.open_case(_case("evt-2"))

    crm.dismiss("case", case.case_id, "not actionable (dismissed by Ada)")
    first = crm.record("case", case.case_id)
    crm.dismiss("case", case.case_id, "not actionable (dismissed by Ada)")  # a redelivery

    stored = crm.record("case", case.case_id)
    assert stored is not None
    assert first is not None
    assert (stored["status"], stored["dismissed_reason"]) == ("closed", "not actionable (dismissed by Ada)")
    assert stored["closed_at"] == first["closed_at"]
    assert "gsi1pk" not in stored
    assert [r.case_id for r in crm.open_cases_for(None, "ada@example.com")] == [other.case_id]


def test_a_dismissed_lead_is_disqualified(crm: DynamoDbCrm) -> None:
    lead = crm.flag_lead(LeadRequest(idempotency_key="evt-2", email="grace@example.com", platform="linkedin"))

    crm.dismiss("lead", lead.lead_id, "not actionable")

    stored = crm.record("lead", lead.lead_id)
    assert stored is not None
    assert (stored["status"], stored["dismissed_reason"]) == ("disqualified", "not actionable")


def test_acting_on_an_unknown_record_is_record_not_found_and_writes_nothing(crm: DynamoDbCrm, crm_table: Any) -> None:
    case = crm.open_case(_case("evt-1"))
    before = crm_table.scan()["Items"]

    with pytest.raises(RecordNotFoundError, match="no case TW-NOPE"):
        crm.assign_owner("case", "TW-NOPE", "agent-7")
    with pytest.raises(RecordNotFoundError, match="no case TW-NOPE"):
        crm.set_priority("TW-NOPE", "urgent")
    with pytest.raises(RecordNotFoundError, match="no lead LD-NOPE"):
        crm.dismiss("lead", "LD-NOPE", "not actionable")
    with pytest.raises(RecordNotFoundError, match=f"no lead {case.case_id}"):
        crm.dismiss("lead", case.case_id, "a case id is not a lead")

    assert crm_table.scan()["Items"] == before
