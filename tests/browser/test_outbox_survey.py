"""The customer's side of a closed loop in a real browser: the reply on X and the survey in the outbox,
a rating clicked, the page with that rating chosen, the answer sent once."""

from __future__ import annotations

import time
from typing import Any

from infra.demo import _samples, send_sample
from infra.demo_loop import zendesk_update
from infra.local.mesh import LocalMesh


def test_the_customer_is_answered_on_x_and_rates_the_case_once_from_the_survey_email(
    mesh: LocalMesh, page: Any
) -> None:
    samples, secrets = _samples(), mesh.secrets["webhooks"]
    assert send_sample(mesh.ingress_url, samples["standard/mention_created_complaint"], secrets).status_code == 202
    assert mesh.wait_idle(60)
    case_id = next(e["detail"]["case"]["record_id"] for e in mesh.events if e["detail-type"] == "Case.Opened")
    solved = zendesk_update(samples["zendesk/ticket_solved"], case_id, "01JD3XK2M4Q6R8T0V2W4BROWSE", "OPEN", "SOLVED")
    assert send_sample(mesh.ingress_url, solved, secrets).status_code == 202
    deadline = time.monotonic() + 30
    while not any(e["subject"] == "How did we do?" for e in mesh.inbox()) and time.monotonic() < deadline:
        mesh.wait_idle(30)
        time.sleep(0.5)

    page.goto(mesh.outbox_url)
    reply = page.locator("section.replies article.reply")
    assert reply.count() == 1
    assert reply.first.inner_text().startswith("X, in reply to 1858412270931259392")
    survey = page.locator("article.email", has_text="How did we do?")
    survey.locator("a.rating", has_text="Good").click()
    assert page.locator("#title").inner_text() == "How did we do?"
    assert page.locator('input[name="rating"][value="4"]').is_checked()  # the rating clicked, chosen
    assert mesh.published["Feedback.Received"] == 0  # opening the link recorded nothing
    page.fill("#comment", "Sorted quickly, thanks")
    page.click("#confirm")
    assert page.locator("#title").inner_text() == "Thank you!"
    assert mesh.wait_idle(30)
    feedback = [e["detail"] for e in mesh.events if e["detail-type"] == "Feedback.Received"]
    assert [(f["rating"], f["comment"]) for f in feedback] == [(4, "Sorted quickly, thanks")]

    page.go_back()
    page.click("#confirm")  # the same form again
    assert page.locator("#title").inner_text() == "You have already answered"
    assert mesh.wait_idle(10)
    assert mesh.published["Feedback.Received"] == 1
