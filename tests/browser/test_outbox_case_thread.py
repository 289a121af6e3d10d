"""A care agent works a case in its Slack thread, in a real browser: bring in a colleague, add a
next step and tick it off, resolve. Each click and form goes through the ingress, the bus, the
cases context and notify, and comes back in the outbox as thread replies and direct messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from infra.demo import _samples, send_sample
from infra.local.mesh import LocalMesh
from talkworthy.crm.dynamodb import DynamoDbCrm


def test_an_owner_brings_in_a_colleague_adds_a_step_and_resolves_in_the_thread(
    mesh: LocalMesh, page: Any, screenshots: Path
) -> None:
    answer = send_sample(mesh.ingress_url, _samples()["standard/mention_created_complaint"], mesh.secrets["webhooks"])
    assert answer.status_code in (200, 202), answer.text
    assert mesh.wait_idle(60)
    page.goto(mesh.outbox_url)
    page.select_option("#who", "U0ALICE01")
    thread = page.locator('section.channel[data-channel="#customer-care"] div.thread').last
    case_file = thread.locator("article.reply", has_text="Case file")
    case_file.locator('button[data-action-id="bring_in"]').click()

    modal = page.locator("#modal")
    modal.wait_for()
    modal.locator('input[value="person:U0JORDAN1"]').check()
    page.click("#modal-submit")
    modal.wait_for(state="detached")  # the ingress answered an empty 200: the form closes
    thread.locator("article.reply", has_text="brought in Jordan Lee (sent the case by direct message)").wait_for()
    case_file.locator(".context", has_text="Alice Moreau brought in Jordan Lee").wait_for()  # the note, too
    direct = page.locator("section.channel", has_text="Direct message: Jordan Lee")
    direct.locator("article.message", has_text="Alice Moreau brought you in on case").wait_for()

    case_file.locator('button[data-action-id="add_step"]').click()
    modal.wait_for()
    modal.locator('input[data-action-id="text"]').fill("Credit the duplicate invoice")
    modal.locator('select[data-action-id="assignee"]').select_option("U0JORDAN1")
    assert modal.locator('input[data-action-id="due"]').input_value()  # tomorrow, on the hour, preset
    page.click("#modal-submit")
    modal.wait_for(state="detached")
    step = thread.locator("article.reply", has_text="Next step: Credit the duplicate invoice")
    step.locator('button[data-action-id="step_done"]').wait_for()
    page.screenshot(path=str(screenshots / "outbox-case-thread.png"), full_page=True)

    step.locator('button[data-action-id="step_done"]').click()
    step.locator(".context", has_text="Done by Alice Moreau").wait_for()
    assert step.locator('button[data-action-id="step_done"]').count() == 0

    case_file.locator('button[data-action-id="resolve"]').click()
    thread.locator("article.reply", has_text="Ticket solved in the built-in CRM").wait_for()
    assert mesh.wait_idle(30)
    case_file.locator(".context", has_text="Resolved by Alice Moreau").wait_for()
    assert case_file.locator('button[data-action-id="resolve"]').count() == 0  # gone once done
    block_id = case_file.locator('button[data-action-id="bring_in"]').get_attribute("data-block-id") or ""
    crm = DynamoDbCrm(mesh.session.resource("dynamodb").Table(mesh.stack.attr("CrmTable")))
    record = crm.record("case", block_id.split(":", 3)[3])
    assert record is not None
    assert (record["status"], record["resolution"]) == ("solved", "Resolved by Alice Moreau from Slack")
