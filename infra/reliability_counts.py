"""What the reliability suite counts once the mesh has drained: each delivery's event keys, the
raw archive's records, and each kind of side effect against what asked for it."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from infra.reliability_deliveries import Delivery

__all__ = ["Tally", "archived_correlation_ids", "delivery_roots", "matched", "over", "side_effects"]


def delivery_roots(delivery: Delivery, secrets: dict[str, Any]) -> set[str]:
    """The event keys the ingress gives this delivery's events (what every later event's key starts with)."""
    from chalicelib.senders import SENDERS
    from chalicelib.senders.base import WebhookDelivery
    from infra.samples import signed_request

    source = delivery.sample.source
    _, headers, body = signed_request(delivery.sample, secrets, "", time.time(), delivery.delivery_id)
    received = WebhookDelivery(source, body, {k.lower(): v for k, v in headers.items()}, "-", datetime.now(UTC))
    return {f"{source}:{item.dedupe_key}" for item in SENDERS[source].adapt(received)}


def archived_correlation_ids(mesh: Any) -> set[str]:
    s3, bucket = mesh.session.client("s3"), mesh.stack.attr("RawDeliveriesBucket")
    found = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="raw/"):
        for item in page.get("Contents", []):
            for line in s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read().splitlines():
                found.add(str(json.loads(line).get("correlation_id")))
    return found


Tally = tuple[int, int, int, list[str]]


def over(done: Counter[str], asked: Counter[str] | None = None) -> Tally:
    """(done, done more often than asked, asked but not done, a sample of the keys done too often);
    without ``asked``, each key once."""
    asked = asked if asked is not None else Counter(dict.fromkeys(done, 1))
    return matched(done, [{key} for key, n in asked.items() for _ in range(n)])


def matched(done: Counter[str], asked: list[set[str]]) -> Tally:
    """:func:`over` where each request may have been done in any of a few forms (its copies' words),
    once: the requests with one form take theirs first, then each takes a form still left over."""
    left = Counter(done)
    missing = 0
    for forms in sorted(asked, key=len):
        form = next((f for f in sorted(forms) if left[f] > 0), None)
        if form is None:
            missing += 1
        else:
            left[form] -= 1
    extra = {key: n for key, n in left.items() if n > 0}
    return sum(done.values()), sum(extra.values()), missing, [key[:160] for key in extra][:3]


def side_effects(mesh: Any) -> dict[str, Tally]:
    """Each kind of side effect against what asked for it: a case per mention (its URL), a lead per
    post, a Slack message and an e-mail per notification requested (``Action.Requested``)."""
    from talkworthy.catalog import ActionRequested
    from talkworthy.notify import render_slack

    crm = mesh.session.resource("dynamodb").Table(mesh.stack.attr("CrmTable"))
    items: list[dict[str, Any]] = []
    scan_args: dict[str, Any] = {}
    while True:
        page = crm.scan(**scan_args)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        scan_args["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    cases = Counter(str(i.get("origin_url") or i.get("description")) for i in items if i.get("sk") == "CASE")
    leads = Counter(str(i.get("source_url") or i.get("note")) for i in items if i.get("sk") == "LEAD")
    requests = [
        ActionRequested.model_validate(e["detail"]) for e in mesh.events if e["detail-type"] == "Action.Requested"
    ]
    differing = {key.split("|", 1)[1]: copies for key, copies in mesh.differing_asks.items()}

    def words(request: ActionRequested) -> str:
        return f"{request.audience}|{json.dumps(render_slack(request)[1], sort_keys=True)}"

    asked_slack = [  # each request in the words of any of its copies (the first in events, the rest differing)
        {words(r), *(words(ActionRequested.model_validate(c)) for c in differing.get(r.meta.event_key, []))}
        for r in requests
        if r.channel == "slack"
    ]
    posts = [m for m in mesh.sink.messages() if m.get("via") == "api"]
    slack = Counter(
        f"{m['channel']}|{json.dumps((m['history'][0] if m['history'] else m)['blocks'], sort_keys=True)}"
        for m in posts  # as posted, before any update
    )
    asked_mail = Counter(r.audience for r in requests if r.channel == "email")
    mail = Counter(to for e in mesh.sent_emails(timeout=600) for to in e.get("destinations", {}).get("ToAddresses", []))
    return {
        "cases": over(cases),
        "leads": over(leads),
        "slack_messages": matched(slack, asked_slack),
        "emails": over(mail, asked_mail),
    }
