"""`make demo`'s community: a forum whose helpers dropped away, and the Monday digest that says so.

The demo forum (``community.acme.example``) gets twelve weeks of history ending last week, taken
from the synthetic community of ``infra/eval_health.py`` (its regular responders halve in the last
of them), written into its weekly aggregates the way the community context writes them. Last week's
live part comes in as signed Discourse webhooks through the ingress (new members, a topic, a like).
Page views come from the local Discourse stand-in through the reports poller. Then the Monday
digest runs: one Slack message in the community's channel, with the chart attached. The demo
fails when that message, its words or its image are missing.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import requests

from infra.eval_health import DROP_WEEK, WEEK, synthetic_community
from infra.local.mesh import LOCAL_COMMUNITY, LOCAL_COMMUNITY_CHANNEL, LocalMesh
from infra.samples import WebhookSample, load_webhook_samples, signed_request
from talkworthy.catalog import CommunityActivity, EventMeta
from talkworthy.community.activity_store import DynamoDbActivityStore, week_of
from talkworthy.community.chart import PNG_MAGIC

__all__ = ["HISTORY_WEEKS", "community_demo"]

HISTORY_WEEKS = 12
_LIVE = ("discourse/user_created", "discourse/topic_created", "discourse/post_liked")


def _history(store: DynamoDbActivityStore, last_week: date) -> dict[date, int]:
    """Twelve weeks of the synthetic forum, the last one its drop week, ending ``last_week``; page views per day."""
    weeks = synthetic_community()[DROP_WEEK - HISTORY_WEEKS + 1 : DROP_WEEK + 1]
    first = datetime.combine(last_week - timedelta(weeks=HISTORY_WEEKS - 1), datetime.min.time(), UTC)
    views: dict[date, int] = {}
    for number, events in enumerate(weeks):
        offset = first.timestamp() - (DROP_WEEK - HISTORY_WEEKS + 1 + number) * WEEK + number * WEEK
        for event in events:
            at = datetime.fromtimestamp(event.at + offset, UTC)
            if event.kind == "page_views":
                monday = week_of(at)
                views |= {monday + timedelta(days=d): event.value // 7 for d in range(7)}
                continue
            meta = EventMeta(
                event_key=f"demo-history:{event.kind}:{event.user}:{event.topic}:{event.at}",
                correlation_id="demo-history",
                producer="talkworthy.ingress.discourse",
                occurred_at=at,
            )
            store.record(
                CommunityActivity(
                    meta=meta,
                    community_id=LOCAL_COMMUNITY,
                    platform="discourse",
                    kind=event.kind,
                    actor=event.user,
                    topic_id=event.topic or None,
                    post_id=f"{event.topic}:{event.at}" if event.kind == "post_created" else None,
                    at=at,
                    staff=event.staff_or_bot,
                )
            )
    return views


def _live(mesh: LocalMesh, last_week: date, failures: list[str]) -> int:
    """Last week's part that arrives as Discourse delivers it: signed webhooks through the ingress."""
    samples: dict[str, WebhookSample] = {f"{s.source}/{s.name}": s for s in load_webhook_samples()}
    at = f"{(last_week + timedelta(days=2)).isoformat()}T10:00:00.000Z"
    sent = 0
    for name in _LIVE:
        sample = samples[name]
        body = json.loads(sample.body)
        for obj in body.values():
            obj["created_at"] = at
        if "like" in body:  # a like is one person's on one post: someone else this time
            body["like"]["user"] |= {"id": 141, "username": "leo_m", "name": "Leo Martin"}
        live = dataclasses.replace(sample, body=json.dumps(body).encode())
        path, headers, raw = signed_request(live, mesh.secrets["webhooks"], "", time.time())
        answer = requests.post(f"{mesh.ingress_url}{path}", data=raw, headers=headers, timeout=10)
        if answer.status_code != 202:
            failures.append(f"{name} for the community: {answer.status_code} {answer.text}")
        sent += 1
    mesh.wait_idle(timeout=60)
    return sent


def _digest_message(mesh: LocalMesh) -> dict[str, Any] | None:
    return next(
        (m for m in mesh.sink.messages() if m["channel"] == LOCAL_COMMUNITY_CHANNEL and m.get("files")),
        None,
    )


def community_demo(mesh: LocalMesh, failures: list[str]) -> None:
    say = functools.partial(print, file=mesh.console)
    store = DynamoDbActivityStore(mesh.session.resource("dynamodb").Table(mesh.stack.attr("MeshTable")))
    now = datetime.now(UTC)
    last_week = week_of(now) - timedelta(weeks=1)
    views = _history(store, last_week)
    mesh.sink.discourse.set_page_views(views)
    for day, count in views.items():
        if day < now.date() - timedelta(days=7):  # older than what the poller reads: its history
            store.set_traffic(LOCAL_COMMUNITY, day, count)
    live = _live(mesh, last_week, failures)
    mesh.fire_schedule("CommunityReportsFunction")
    mesh.wait_idle(timeout=60)
    mesh.fire_schedule("CommunityDigestFunction")
    mesh.wait_idle(timeout=120)

    say("\n• the Acme Community forum, week of " + f"{last_week:%d %B}")
    say(f"    Its last {HISTORY_WEEKS} weeks are loaded (members, questions, answers); half of its regular helpers")
    say(f"    stopped answering last week. {live} of last week's events came in live from Discourse (a new member,")
    say("    a new question, a like), and the page views came from Discourse's admin reports.")
    message = _digest_message(mesh)
    if message is None:
        failures.append(f"no community health digest with a chart was posted in {LOCAL_COMMUNITY_CHANNEL}")
        return
    text = str(message["text"])
    say(f"    On Monday the community manager got this in {LOCAL_COMMUNITY_CHANNEL}:")
    for line in text.splitlines():
        say(f"      {line}" if line else "")
    [chart] = message["files"]
    image = mesh.sink.files.content(chart["id"]) if mesh.sink.files else None
    say(f"    with the chart {chart['name']} ({chart['size'] // 1024} KB): open the outbox to see it.")
    if "community health" not in text or "answered by the community" not in text.lower():
        failures.append("the community digest does not give the health score and the answers by the community")
    if "What changed most this week: " not in text or "answered by the community*" not in text:
        failures.append("the community digest does not name responsiveness among what changed most")
    if image is None or not image.startswith(PNG_MAGIC) or chart.get("mimetype") != "image/png":
        failures.append("the community digest's chart is not a PNG image in the outbox")
