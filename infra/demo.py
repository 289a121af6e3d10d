"""`make demo`: start the mesh, send the demo deliveries signed as their senders sign them, wait
until the mesh is idle, print what happened, and fail when an expected effect is missing."""

from __future__ import annotations

import dataclasses
import functools
import json
import time
from pathlib import Path
from typing import Any

import requests
import yaml

from infra.demo_cases import work_the_case
from infra.demo_community import community_demo
from infra.demo_ideas import ideas_demo
from infra.demo_loop import close_the_loop
from infra.demo_surge import run_surge
from infra.local.mesh import HANDLER_LOG, LocalMesh, MeshConfig
from infra.local.outbox import button
from infra.local.template import REPO_ROOT
from infra.narrate import by_delivery, tell
from infra.samples import WebhookSample, load_webhook_samples, signed_request
from talkworthy.actions import ACTION_LABELS

__all__ = ["SCENARIOS", "demo_parameters", "run_demo", "seed", "send_sample"]

SCENARIOS = REPO_ROOT / "events" / "demo" / "scenarios.yaml"


def demo_parameters(scenarios: Path = SCENARIOS) -> dict[str, str]:
    """Stack parameters the demo's mesh runs with (short surge buckets, so a surge fits in a minute)."""
    surge = yaml.safe_load(scenarios.read_text()).get("surge", {})
    return {name: str(value) for name, value in surge.get("parameters", {}).items()}


def _samples() -> dict[str, WebhookSample]:
    found = {f"{s.source}/{s.name}": s for s in load_webhook_samples()}
    found |= {f"demo:{s.source}/{s.name}": s for s in load_webhook_samples(REPO_ROOT / "events" / "demo" / "webhooks")}
    return found


def send_sample(mesh_url: str, sample: WebhookSample, secrets: dict[str, Any]) -> requests.Response:
    path, headers, body = signed_request(sample, secrets, f"{mesh_url}/webhooks/{sample.source}", time.time())
    return requests.post(f"{mesh_url}{path}", data=body, headers=headers, timeout=10)


def seed(mesh: LocalMesh, scenarios: Path = SCENARIOS) -> None:
    """Load the demo world's CRM contacts and open cases into the built-in CRM."""
    _seed(mesh, yaml.safe_load(scenarios.read_text()))


def _seed(mesh: LocalMesh, scenario: dict[str, Any]) -> None:
    from talkworthy.crm.dynamodb import DynamoDbCrm
    from talkworthy.crm.port import CaseRequest

    crm = DynamoDbCrm(mesh.session.resource("dynamodb").Table(mesh.stack.attr("CrmTable")))
    for contact in scenario.get("crm_contacts", []):
        crm.seed_contact(**contact)
    for case in scenario.get("open_cases", []):
        found = crm.find_contact_by_email(case["email"])
        crm.open_case(
            CaseRequest(
                idempotency_key=f"seed:{case['email']}:{case['subject']}",
                subject=case["subject"],
                description=case["subject"],
                contact=found,
                requester_email=case["email"],
                priority="normal",
                origin_channel="email",
                origin_url=None,
                tags=(),
            )
        )


def _check(mesh: LocalMesh, expect: dict[str, Any], failures: list[str]) -> None:
    events = mesh.published
    for detail_type, least in expect.get("events_at_least", {}).items():
        if events[detail_type] < least:
            failures.append(f"expected at least {least} {detail_type}, saw {events[detail_type]}")
    for detail_type, most in expect.get("events_at_most", {}).items():
        if events[detail_type] > most:
            failures.append(f"expected at most {most} {detail_type}, saw {events[detail_type]}")
    slack = len(mesh.sink.messages())
    if slack < expect.get("slack_messages_at_least", 0):
        failures.append(f"expected at least {expect['slack_messages_at_least']} Slack messages, saw {slack}")
    dlq = sum(mesh.dlq_depths().values())
    if dlq > expect.get("dlq_total", 0):
        failures.append(f"{dlq} message(s) in dead-letter queues: {mesh.dlq_depths()}")


def _tell(mesh: LocalMesh, sent: list[tuple[str, str]]) -> None:
    """What happened to each delivery, in words (``infra/narrate.py``)."""
    say = functools.partial(print, file=mesh.console)
    stories = by_delivery(mesh.events)
    for name, delivery in sent:
        lines = tell(stories.get(delivery, []))
        say(f"\n• {name}")
        for line in lines or ["Nothing to do: recognised and acknowledged."]:
            say(f"    {line}")


def _histories(mesh: LocalMesh, customers: list[dict[str, Any]], failures: list[str]) -> None:
    """Each customer's orders, as the shop reports them, then the deviation scan run now."""
    template = _samples()["standard/behavior_order"]
    now = time.time()
    for customer in customers:
        for n in range(customer["orders"]):
            days_ago = customer["last_days_ago"] + (customer["orders"] - 1 - n) * customer["every_days"]
            at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - days_ago * 86400))
            body = json.loads(template.body)
            body["timestamp"] = at
            body["data"] |= {
                "customer_id": customer["customer_id"],
                "email": customer["email"],
                "amount": customer["amount"],
                "at": at,
            }
            order = dataclasses.replace(template, name=f"order {n + 1}", body=json.dumps(body).encode())
            path, headers, raw = signed_request(
                order, mesh.secrets["webhooks"], "", now, delivery_id=f"msg_{customer['customer_id']}_{n}"
            )
            answer = requests.post(f"{mesh.ingress_url}{path}", data=raw, headers=headers, timeout=10)
            if answer.status_code != 202:
                failures.append(f"order {n + 1} of {customer['customer_id']}: {answer.status_code} {answer.text}")
    mesh.wait_idle(timeout=120)
    mesh.fire_schedule("DeviationScanFunction")
    mesh.wait_idle(timeout=120)


def _retention(mesh: LocalMesh, scenario: dict[str, Any], failures: list[str]) -> None:
    """A valuable customer who slowed down: the account owner's message, their click, the CRM task."""
    say = functools.partial(print, file=mesh.console)
    customers = scenario.get("customers", [])
    if not customers:
        return
    _histories(mesh, customers, failures)
    deviations = [e["detail"] for e in mesh.events if e["detail-type"] == "Deviation.Detected"]
    say("\n• the hourly scan")
    for deviation in deviations:
        say(f"    {tell([{'type': 'Deviation.Detected', **deviation}])[0]}")
    if not deviations:
        failures.append("the scan found no customer who left their own pattern")
        return
    click = scenario.get("retention_click")
    message = next((m for m in mesh.sink.messages() if '"retention_done"' in json.dumps(m["blocks"])), None)
    if click is None or message is None:
        failures.append("no retention message with a Retention done button was posted")
        return
    say(f"    It asked {message['channel']}: {message['text']}")
    delivery = _click(mesh, {**click, "channel": message["channel"]}, failures)
    if delivery:
        _tell(mesh, [(f"{click['user']} clicked {ACTION_LABELS[click['action']]} in {message['channel']}", delivery)])
    from talkworthy.crm.dynamodb import DynamoDbCrm

    crm = DynamoDbCrm(mesh.session.resource("dynamodb").Table(mesh.stack.attr("CrmTable")))
    valuable, *others = customers
    if crm.open_tasks_for(valuable["customer_id"]):
        failures.append(f"the retention task for {valuable['customer_id']} is still open after {click['action']}")
    else:
        say(f"    The CRM task for {valuable['customer_id']} is done.")
    table = mesh.session.resource("dynamodb").Table(mesh.stack.attr("CrmTable"))
    for other in others:
        flag = table.get_item(Key={"pk": f"NURTURE#{other['customer_id']}", "sk": "NURTURE"}).get("Item")
        if flag is None:
            failures.append(f"{other['customer_id']} (low value) was not flagged for nurture")
        else:
            reason = flag.get("reason", "")
            say(f"    {other['customer_id']} is worth less: a nurture flag in the CRM ({reason}); nobody is bothered.")


def _click(mesh: LocalMesh, click: dict[str, Any], failures: list[str]) -> str | None:
    """Click a button on the first message of a channel, as the outbox does (signed, as Slack would)."""
    message = next((m for m in mesh.sink.messages() if m["channel"] == click["channel"]), None)
    data = None if message is None else button(message, click["action"])
    if message is None or data is None:
        failures.append(f"no {click['action']} button on a message in {click['channel']}")
        return None
    assert mesh.sink.outbox is not None
    answer = mesh.sink.outbox.click(
        message, {**data, "user": click["user"]}, mesh.sink.response_url(message["channel"], message["ts"])
    )
    if answer["status"] != 200:
        failures.append(f"click {click['action']}: the ingress answered {answer['status']} {answer['body']}")
    mesh.wait_idle(timeout=60)
    updated = next(m for m in mesh.sink.messages() if m["ts"] == message["ts"])
    if click["expect_note"] not in str(updated["blocks"]):
        failures.append(f"click {click['action']}: the message does not say {click['expect_note']!r}")
    try:
        return str(json.loads(answer["body"]).get("delivery"))
    except (ValueError, TypeError, AttributeError):
        return None


def _summary(mesh: LocalMesh) -> None:
    say = functools.partial(print, file=mesh.console)  # stdout is the handlers' log file meanwhile
    say("\n=== summary ===")
    say("events published per detail-type:")
    for detail_type, count in sorted(mesh.published.items()):
        say(f"  {detail_type:<22} {count}")
    say("handler outcomes:")
    for outcome, count in sorted(mesh.trace.outcomes.items()):
        say(f"  {outcome:<30} {count}")
    say("ingress answers:")
    for request, count in sorted(mesh.trace.requests.items()):
        say(f"  {request:<45} {count}")
    messages = mesh.sink.messages()
    say(f"Slack messages: {len(messages)}")
    for message in messages:
        say(f"  {message['channel']}: {str(message.get('text', ''))[:100]}")
    say(f"e-mails sent: {len(mesh.sent_emails())}")
    say(f"DLQ depths: {mesh.dlq_depths()}")


def run_demo(scenarios: Path = SCENARIOS, mesh: LocalMesh | None = None) -> list[str]:
    """Returns the failures (empty when every expected effect happened)."""
    scenario = yaml.safe_load(scenarios.read_text())
    samples = _samples()
    own = mesh is None
    parameters = demo_parameters(scenarios)
    mesh = mesh or LocalMesh(MeshConfig(ingress_port=0, handler_log=HANDLER_LOG, extra_parameters=parameters)).start()
    failures: list[str] = []
    try:
        _seed(mesh, scenario)
        secrets = mesh.secrets["webhooks"]
        for phase in scenario["phases"]:
            told: list[tuple[str, str]] = []
            for name in phase:
                sample = samples[name]
                answer = send_sample(mesh.ingress_url, sample, secrets)
                if answer.status_code != sample.expect.status:
                    failures.append(f"{name}: expected {sample.expect.status}, got {answer.status_code} {answer.text}")
                elif answer.headers.get("Content-Type", "").startswith("application/json"):
                    told.append((name.removeprefix("demo:"), str(answer.json().get("delivery"))))
            mesh.wait_idle(timeout=120)
            _tell(mesh, told)
        if scenario.get("then_every_webhook_sample"):
            sent = {name for phase in scenario["phases"] for name in phase} | set(scenario.get("not_sent", []))
            for name, sample in samples.items():
                if name.startswith("demo:") or name in sent:
                    continue
                answer = send_sample(mesh.ingress_url, sample, secrets)
                if answer.status_code != sample.expect.status:
                    failures.append(f"{name}: expected {sample.expect.status}, got {answer.status_code} {answer.text}")
            mesh.wait_idle(timeout=120)
        for click in scenario.get("clicks", []):
            delivery = _click(mesh, click, failures)
            if delivery:
                _tell(
                    mesh,
                    [
                        (
                            f"{click['user']} clicked {click['action']} on the first message in {click['channel']}",
                            delivery,
                        )
                    ],
                )
        work_the_case(mesh, scenario.get("case_file", {}), failures)
        _retention(mesh, scenario, failures)
        community_demo(mesh, failures)
        close_the_loop(mesh, scenario, samples, failures)
        ideas_demo(mesh, scenario.get("ideas", {}), samples, failures)
        if "surge" in scenario:
            run_surge(mesh, scenario["surge"], failures)
        for name in scenario.get("duplicates", []):
            answer = send_sample(mesh.ingress_url, samples[name], secrets)
            if answer.status_code != 200 or answer.json().get("published") != 0:
                failures.append(f"{name} again: expected 200 duplicate, got {answer.status_code} {answer.text}")
        if not mesh.wait_idle(timeout=120):
            failures.append("the mesh did not become idle within 120 s")
        _summary(mesh)
        _check(mesh, scenario.get("expect", {}), failures)
    finally:
        if own:
            mesh.stop()
    return failures
