"""The demo's story of a delivery, from the events the bus carried."""

from __future__ import annotations

import json
from pathlib import Path

from infra.narrate import by_delivery, tell

DETAILS = Path(__file__).resolve().parents[2] / "events" / "details"


def _envelope(detail_type: str, **changes: object) -> dict[str, object]:
    sample = json.loads((DETAILS / f"{detail_type}.json").read_text())
    detail = {**sample["detail"], **changes}
    detail["meta"] = {**detail["meta"], "correlation_id": "delivery-1"}
    return {"detail-type": detail_type, "detail": detail}


def test_a_complaint_is_told_from_the_post_to_the_case_and_who_was_asked() -> None:
    events = by_delivery(
        [
            _envelope("Mention.Received"),
            _envelope("Mention.Enriched"),
            _envelope("Case.Opened"),
            _envelope("Action.Requested", audience="#customer-care", actions=["claim", "escalate"]),
        ]
    )["delivery-1"]
    story = tell(events)
    assert story[0].startswith("Dana Whitfield posted on twitter: “")
    assert story[1].startswith("Talkworthy read it as a complaint (negative; outage")
    assert "CRM contact c-1001" in story[1]
    assert story[2].startswith("It opened an urgent case (dynamodb case-5f2e) by the rule 'vip-complaint'")
    assert story[3] == "It asked #customer-care to act (Claim, Escalate)."


def test_a_mention_nobody_needs_to_act_on_says_so_and_a_held_back_lead_says_why() -> None:
    logged = tell(by_delivery([_envelope("Mention.Enriched")])["delivery-1"])
    assert logged[-1] == "It only logged it: nobody needs to act."
    held = _envelope("Action.Requested", facts={"Contact policy": "no sales outreach: open_case:1"})
    assert "It held back sales outreach: open_case:1." in tell(by_delivery([held])["delivery-1"])


def test_a_click_is_told_by_its_outcome() -> None:
    done = tell(by_delivery([_envelope("Action.Completed")])["delivery-1"])
    refused = tell(by_delivery([_envelope("Action.Completed", outcome="refused", note="you can't")])["delivery-1"])
    assert done[0].endswith(".")
    assert refused == ["Refused: you can't."]


def test_a_cases_thread_is_told_in_words_including_a_customer_who_was_not_told() -> None:
    events = by_delivery(
        [
            _envelope("Action.Requested", placement="thread", headline="Next step: Call Dana", actions=["step_done"]),
            _envelope("Action.Requested", placement="copy", audience="U0JORDAN1", headline="Alice brought you in"),
            _envelope("Action.Requested", placement="update", headline="Goal met: the ticket is solved", actions=[]),
            _envelope("Loop.Closed", told=False, suppressed="quiet period after support"),
            _envelope("Step.Due"),
        ]
    )["delivery-1"]
    assert tell(events) == [
        "In the case's thread: “Next step: Call Dana” (Done).",
        "It sent the case's context by direct message to U0JORDAN1: “Alice brought you in”.",
        "The case's message now says: “Goal met: the ticket is solved”.",
        "The customer behind case 35436 was not told (quiet period after support).",
        "A next step on case CS-1A2B3C4D5E6F came due.",
    ]
