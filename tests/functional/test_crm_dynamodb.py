"""The built-in CRM on a real (moto) DynamoDB table: ``CrmTable`` provisioned from template.yaml."""

from __future__ import annotations

from typing import Any

import pytest

from talkworthy.crm.dynamodb import DynamoDbCrm
from talkworthy.crm.port import CaseRequest, Contact, LeadRequest
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
