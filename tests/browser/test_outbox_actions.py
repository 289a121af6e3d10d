"""A business user's loop in a real browser: a complaint arrives in #customer-care, they act on it.

Every click goes from the outbox page through the ingress (signed as Slack signs), the bus, the
cases context and notify, and comes back as ``chat.update`` on the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from infra.demo import _samples, send_sample
from infra.local.mesh import LocalMesh
from talkworthy.crm.dynamodb import DynamoDbCrm


def _complaint(mesh: LocalMesh, name: str = "standard/mention_created_complaint") -> None:
    answer = send_sample(mesh.ingress_url, _samples()[name], mesh.secrets["webhooks"])
    assert answer.status_code in (200, 202), answer.text
    assert mesh.wait_idle(60)


def _crm(mesh: LocalMesh) -> DynamoDbCrm:
    return DynamoDbCrm(mesh.session.resource("dynamodb").Table(mesh.stack.attr("CrmTable")))


def test_claim_changes_the_owner_in_the_crm_and_the_message_says_so(
    mesh: LocalMesh, page: Any, screenshots: Path
) -> None:
    _complaint(mesh)
    page.goto(mesh.outbox_url)
    channel = page.locator('section.channel[data-channel="#customer-care"]')
    message = channel.locator("article.message").first
    claim = message.locator('button[data-action-id="claim"]')
    claim.wait_for()
    page.screenshot(path=str(screenshots / "outbox-before-claim.png"), full_page=True)
    block_id = claim.get_attribute("data-block-id") or ""
    case_id = block_id.split(":", 3)[3]
    before = _crm(mesh).record("case", case_id)
    assert before is not None
    assert "owner" not in before

    page.select_option("#who", "U0ALICE01")
    claim.click()

    message.locator(".context", has_text="Claimed by Alice Moreau").wait_for()
    assert message.locator('button[data-action-id="claim"]').count() == 0
    assert message.locator('button[data-action-id="escalate"]').count() == 1
    page.screenshot(path=str(screenshots / "outbox-after-claim.png"), full_page=True)
    assert mesh.wait_idle(30)
    record = _crm(mesh).record("case", case_id)
    assert record is not None
    assert record["owner"] == "care-alice"
    assert (screenshots / "outbox-before-claim.png").stat().st_size > 0


def test_link_to_contact_opens_the_modal_confirms_the_link_and_undo_reverts_it(mesh: LocalMesh, page: Any) -> None:
    from talkworthy.identity import DynamoDbIdentityGraph

    _complaint(mesh)
    page.goto(mesh.outbox_url)
    message = page.locator('section.channel[data-channel="#customer-care"] article.message').last
    page.select_option("#who", "U0ALICE01")
    message.locator('button[data-action-id="link_contact"]').click()

    modal = page.locator("#modal")
    modal.wait_for()
    choice = modal.locator("input[name=choice]").first
    assert "dana@globex.example" in modal.inner_text()  # the evidence: the e-mail matches the contact
    choice.check()
    page.click("#modal-submit")

    message.locator(".context", has_text="Contact link confirmed by Alice Moreau").wait_for()
    assert mesh.wait_idle(30)
    graph = DynamoDbIdentityGraph(mesh.session.resource("dynamodb").Table(mesh.stack.attr("MeshTable")))
    profile_id = graph.profile_for("email:dana@globex.example")
    assert profile_id is not None
    link = graph.get_profile(profile_id).link("crm:dynamodb/c-1001")
    assert link is not None
    assert link.confirmed
    assert link.confirmed_by == "@Alice Moreau"

    message.locator('button[data-action-id="undo_link"]').click()
    message.locator(".context", has_text="Contact link undone by Alice Moreau").wait_for()
    assert mesh.wait_idle(30)
    assert graph.get_profile(profile_id).link("crm:dynamodb/c-1001") is None
    assert message.locator('button[data-action-id="link_contact"]').count() == 1


def test_an_email_link_asks_first_acts_once_and_a_replay_changes_nothing(mesh: LocalMesh, page: Any) -> None:
    from talkworthy.catalog import ActionRequested, EventMeta, Target, utc_now
    from talkworthy.publishing import EventBridgePublisher

    _complaint(mesh)
    slack = next(m for m in reversed(mesh.sink.messages()) if not m.get("thread_ts"))  # a case's message
    block_id = next(b["block_id"] for b in slack["blocks"] if b["type"] == "actions")
    case_id = block_id.split(":", 3)[3]
    request = ActionRequested(
        meta=EventMeta(
            event_key=f"test:email:{case_id}",
            correlation_id="browser",
            producer="talkworthy.route",
            occurred_at=utc_now(),
        ),
        channel="email",
        audience="alice@acme.example",
        headline=f"Case {case_id} needs a decision",
        body="Dana Whitfield complained on X.",
        target=Target(kind="case", id=case_id, system="dynamodb"),
        actions=["claim", "dismiss"],
    )
    EventBridgePublisher(mesh.session.client("events"), mesh.stack.attr("Bus")).publish([request])
    assert mesh.wait_idle(60)

    page.goto(mesh.outbox_url)
    email = page.locator("article.email", has_text=f"Case {case_id} needs a decision")
    link = email.locator("a", has_text="Dismiss")
    href = link.get_attribute("href") or ""
    assert href.startswith(f"{mesh.ingress_url}/actions/")  # absolute, on the ingress
    page.goto(href)  # what a mail scanner does too: nothing changes
    assert page.locator("#title").inner_text() == f"Dismiss case {case_id} in dynamodb?"
    assert mesh.wait_idle(10)
    assert (_crm(mesh).record("case", case_id) or {})["status"] == "open"

    taken_before = mesh.published["Action.Taken"]
    page.click("#confirm")
    assert page.locator("#title").inner_text() == "Dismissed by alice@acme.example"
    assert mesh.wait_idle(30)
    record = _crm(mesh).record("case", case_id) or {}
    assert record["status"] == "closed"
    assert "Alice Moreau" in record["dismissed_reason"]
    updated = next(m for m in mesh.sink.messages() if m["ts"] == slack["ts"])  # the Slack message follows
    assert "Dismissed by Alice Moreau" in str(updated["blocks"])

    page.goto(href)
    page.click("#confirm")  # the same link again
    assert page.locator("#title").inner_text() == "This link was already used"
    assert mesh.wait_idle(10)
    assert mesh.published["Action.Taken"] == taken_before + 1  # one action, however often the link is used
