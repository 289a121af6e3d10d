"""`make demo`'s surge: a burst of complaints → one incident message updated in place → resolved.

The mesh runs with short buckets (``surge.parameters`` in the demo world: seconds, not five
minutes), so a surge opens and resolves within a minute on this machine. Ordinary customers
complain about an outage; while the detector confirms it (two unusual buckets in a row) their
complaints are posted one by one, then they are folded into one message in ``#customer-care``,
updated in place. The care lead takes the incident; normal traffic goes on, the surge resolves
and the message says so. Every complaint still opened a case.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import requests

from infra.local.outbox import button
from infra.samples import WebhookSample, load_webhook_samples, signed_request

if TYPE_CHECKING:
    from infra.local.mesh import LocalMesh

__all__ = ["COMPLAINTS", "complaint", "run_surge"]

COMPLAINTS = (
    "@acme the app has been down all morning and nobody answers. This is unacceptable.",
    "@acme down again?? Third time this month and support is silent. Really disappointed.",
    "@acme payments failing for an hour now, this is a disaster for my shop",
    "@acme the outage is killing us, three hours and no status update. Awful.",
)
_PRAISE = "Loving the new dashboard from @acme, great work team!"


@functools.cache
def _template() -> WebhookSample:
    return next(s for s in load_webhook_samples() if (s.source, s.name) == ("standard", "mention_created_complaint"))


def complaint(n: int, text: str | None = None, *, run: str = "surge") -> WebhookSample:
    """An ordinary customer's post (a small audience, no CRM record): routine, so it may be folded."""
    body = json.loads(_template().body)
    handle = f"{run}_customer_{n}"
    body["data"] |= {
        "post_id": f"{run}-{n}",
        "url": f"https://x.com/{handle}/status/{run}-{n}",
        "author": {"handle": handle, "id": f"{run}-{n}", "name": f"Customer {n}", "followers": 150},
        "text": text or COMPLAINTS[n % len(COMPLAINTS)],
        "engagement": {"likes": n % 7, "shares": 0, "replies": 0},
    }
    return dataclasses.replace(_template(), name=f"{run} {n}", body=json.dumps(body).encode())


def _send(mesh: LocalMesh, sample: WebhookSample) -> int:
    path, headers, raw = signed_request(
        sample, mesh.secrets["webhooks"], "", time.time(), delivery_id=f"msg_{sample.name.replace(' ', '_')}"
    )
    return requests.post(f"{mesh.ingress_url}{path}", data=raw, headers=headers, timeout=10).status_code


def _burst(mesh: LocalMesh, count: int, per_second: float) -> list[int]:
    start = time.monotonic()

    def one(n: int) -> int:
        time.sleep(max(0.0, start + n / per_second - time.monotonic()))
        return _send(mesh, complaint(n))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, range(count)))


def _digest(mesh: LocalMesh) -> dict[str, Any] | None:
    return next((m for m in mesh.sink.messages() if str(m.get("text", "")).startswith("Surge:")), None)


def _click_owner(mesh: LocalMesh, digest: dict[str, Any], user: str, failures: list[str]) -> None:
    data = button(digest, "assign_owner")
    if data is None:
        failures.append("the incident message has no 'I own this incident' button")
        return
    assert mesh.sink.outbox is not None
    answer = mesh.sink.outbox.click(
        digest, {**data, "user": user}, mesh.sink.response_url(digest["channel"], digest["ts"])
    )
    if answer["status"] != 200:
        failures.append(f"I own this incident: the ingress answered {answer['status']}")
    mesh.wait_idle(timeout=60)


def run_surge(mesh: LocalMesh, surge: dict[str, Any], failures: list[str]) -> None:
    say = functools.partial(print, file=mesh.console)
    count, rate = int(surge["complaints"]), float(surge["per_second"])
    cases_before = mesh.published["Case.Opened"]
    say(f"\n• An outage: {count} ordinary customers complain within {count / rate:.0f} seconds")
    statuses = _burst(mesh, count, rate)
    if any(s != 202 for s in statuses):
        failures.append(f"surge burst: the ingress answered {sorted(set(statuses))}")
    mesh.wait_idle(timeout=180)
    detected = [e["detail"] for e in mesh.events if e["detail-type"] == "Surge.Detected"]
    digest = _digest(mesh)
    if not detected or digest is None:
        failures.append("no surge was detected, or no incident message was posted")
        return
    first = detected[0]
    evidence = first["evidence"]
    usual = "fewer than 1" if evidence["expected"] < 1 else f"about {evidence['expected']:.0f}"
    say(
        f"    Talkworthy noticed a surge: {evidence['count']} {first['subject']} in {evidence['bucket_seconds']} s "
        f"where {usual} are usual, twice in a row: far more than chance explains."
    )
    care = _posted_one_by_one(mesh, digest["channel"])
    say(
        f"    The first {len(care)} complaints were posted one by one while it was being confirmed; the rest "
        f"were folded into one incident message in {digest['channel']}, updated in place."
    )
    _click_owner(mesh, digest, str(surge["owner"]), failures)
    say("    The care lead clicked 'I own this incident'.")
    for n in range(int(surge.get("quiet_mentions", 10))):  # ordinary traffic goes on; the detector looks again
        _send(mesh, complaint(n, _PRAISE, run="after-surge"))
        mesh.wait_idle(timeout=30)
        if mesh.published["Surge.Resolved"]:
            break
        time.sleep(float(surge.get("quiet_pause_s", 2)))
    mesh.wait_idle(timeout=120)
    final = _digest(mesh) or digest
    text = json.dumps(final["blocks"], ensure_ascii=False)
    cases = mesh.published["Case.Opened"] - cases_before
    digests = [m for m in mesh.sink.messages() if str(m.get("text", "")).startswith("Surge:")]
    updates = len(final.get("history", []))
    say(
        f"    Every complaint still opened a case: {cases} cases. In Slack: {len(care)} single messages, "
        f"then 1 incident message updated {updates} times."
    )
    if not mesh.published["Surge.Resolved"] or "Resolved" not in text:
        failures.append("the surge did not resolve, or its incident message does not say so")
    else:
        say(f"    Back to normal: the incident message now reads “{_status_line(final)}”")
    if len(digests) != 1 or not final.get("history"):
        failures.append(f"expected one incident message updated in place, saw {len(digests)} (updates: {updates})")
    if "Incident owned by" not in text:
        failures.append("the incident message does not say who owns the incident")
    if cases < count:
        failures.append(f"expected {count} cases from the burst, saw {cases}")
    folded = count - len(_posted_one_by_one(mesh, digest["channel"]))  # the count once every complaint is in
    if folded <= 0 or f"{folded} notifications" not in text:
        failures.append(f"expected the incident message to fold {folded} notifications")


def _posted_one_by_one(mesh: LocalMesh, channel: str) -> list[dict[str, Any]]:
    """The complaints posted as messages of their own in the channel (not thread replies)."""
    return [
        m
        for m in mesh.sink.messages()
        if m["channel"] == channel and not m.get("thread_ts") and "Customer " in m.get("text", "")
    ]


def _status_line(message: dict[str, Any]) -> str:
    for block in message.get("blocks", []):
        if block.get("type") == "context":
            for element in block.get("elements", []):
                if "Resolved" in str(element.get("text", "")):
                    return str(element["text"]).replace("*", "").replace(":white_check_mark: ", "")
    return ""
