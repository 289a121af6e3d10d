"""The community's scheduled functions on moto, over real HTTP to the local sink's stand-ins.

The reports poller reads Discourse's admin reports API (the sink's ``/discourse`` stand-in) with
the key from Secrets Manager; the weekly digest shares a PNG chart in Slack through the files API
(``files.getUploadURLExternal``, the upload, ``files.completeUploadExternal``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest
import requests

from infra.local.provision import ProvisionedStack, provision
from infra.local.runtime import LocalFunction
from infra.local.slack_sink import SlackSink
from talkworthy import clients, composition
from talkworthy.community.activity_store import DynamoDbActivityStore
from talkworthy.community.chart import PNG_MAGIC
from tests.functional.conftest import TEST_PARAMETERS
from tests.unit.community.activity_helpers import COMMUNITY, activity

KEY = "test-discourse-admin-key"
CHANNEL = "C0COMMUNITY"


def _cold_start() -> None:
    for module in (clients, composition):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


@pytest.fixture
def sink() -> Iterator[SlackSink]:
    with SlackSink(tokens=["xoxb-test"]) as running:
        running.discourse.allow_key(KEY)
        yield running


def _stack(aws: boto3.Session, sink: SlackSink, keys: dict[str, str]) -> ProvisionedStack:
    community = {"community_id": COMMUNITY, "name": "Acme Community", "base_url": f"{sink.url}/discourse"}
    parameters = {
        **TEST_PARAMETERS,
        "SlackApiUrl": f"{sink.url}/api/",
        "CommunitiesJson": json.dumps([community | {"digest_channel": CHANNEL}]),
        "DiscourseApiKeysJson": json.dumps(keys),
    }
    _cold_start()
    return provision(aws, stack_name="test", parameters=parameters)


def _fire(stack: ProvisionedStack, logical_id: str, at: datetime | None = None) -> dict[str, Any]:
    function = LocalFunction(stack.functions[logical_id], "us-east-1", "123456789012")
    event = {"id": f"run-{logical_id}", "time": (at or datetime.now(UTC)).isoformat(), "detail-type": "Scheduled Event"}
    return function.invoke(event)  # type: ignore[no-any-return]


def test_the_poller_sets_each_days_page_views_from_the_admin_reports(aws: boto3.Session, sink: SlackSink) -> None:
    stack = _stack(aws, sink, {COMMUNITY: KEY})
    today = datetime.now(UTC).date()
    sink.discourse.set_page_views({today - timedelta(days=n): 100 + n for n in range(8)})

    first = _fire(stack, "CommunityReportsFunction")
    sink.discourse.set_page_views({today: 150})  # the day goes on; the next run reads it again
    second = _fire(stack, "CommunityReportsFunction")

    assert first["counts"] == {"CommunitiesPolled": 1, "CommunitiesFailed": 0, "TrafficDaysRead": 8}
    assert second["counts"]["TrafficDaysRead"] == 8
    store = DynamoDbActivityStore(aws.resource("dynamodb").Table(stack.attr("MeshTable")))
    monday = today - timedelta(days=today.weekday())
    week = store.week(COMMUNITY, monday)
    assert week.traffic[today.isoformat()] == 150  # set, not added
    assert sum(week.traffic.values()) == 150 + sum(100 + n for n in range(1, (today - monday).days + 1))
    _cold_start()


def test_a_wrong_api_key_is_reported_not_stored(aws: boto3.Session, sink: SlackSink) -> None:
    stack = _stack(aws, sink, {COMMUNITY: "not-the-key"})

    report = _fire(stack, "CommunityReportsFunction")

    assert report["counts"] == {"CommunitiesPolled": 1, "CommunitiesFailed": 1, "TrafficDaysRead": 0}
    assert "403" in report["details"][COMMUNITY]
    _cold_start()


def test_the_stand_in_answers_as_discourse_does(sink: SlackSink) -> None:
    url = f"{sink.url}/discourse/admin/reports/page_view_total_reqs.json"
    headers = {"Api-Key": KEY, "Api-Username": "system"}
    good = requests.get(url, params={"start_date": "2026-11-23", "end_date": "2026-11-24"}, headers=headers, timeout=5)
    wrong_user = requests.get(
        url,
        params={"start_date": "2026-11-23", "end_date": "2026-11-24"},
        headers=headers | {"Api-Username": "x"},
        timeout=5,
    )
    no_dates = requests.get(url, headers=headers, timeout=5)
    unknown = requests.get(url.replace("page_view_total_reqs", "nope"), headers=headers, timeout=5)

    assert good.status_code == 200
    assert [p["x"] for p in good.json()["report"]["data"]] == ["2026-11-23", "2026-11-24"]
    assert (wrong_user.status_code, wrong_user.json()["error_type"]) == (403, "invalid_access")
    assert no_dates.status_code == 400
    assert unknown.status_code == 404


def _history(store: DynamoDbActivityStore, last_week: date, weeks: int) -> None:
    """A small community: a few weeks of members, questions and answers, fewer answers last week."""
    for back in range(weeks, -1, -1):
        monday = datetime.combine(last_week - timedelta(weeks=back), datetime.min.time(), UTC).timestamp()
        answered = 1 if back == 0 else 3
        for n in range(4):
            topic = f"w{back}-t{n}"
            store.record(activity("topic_created", monday + 3600 * n, f"u{n}", topic))
            if n < answered:
                store.record(activity("post_created", monday + 3600 * n + 1800, f"r{n}", topic, post_id=f"{topic}-p"))
        store.record(activity("user_created", monday + 60, f"new-{back}"))
        store.set_traffic(COMMUNITY, last_week - timedelta(weeks=back), 1000)


def test_the_weekly_digest_shares_its_chart_once(aws: boto3.Session, sink: SlackSink) -> None:
    stack = _stack(aws, sink, {COMMUNITY: KEY})
    now = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # a Monday: the digest of the week of 23 November
    store = DynamoDbActivityStore(aws.resource("dynamodb").Table(stack.attr("MeshTable")))
    _history(store, date(2026, 11, 23), weeks=8)

    from talkworthy.contexts.community_digest import CommunityDigestPorts, post_digests
    from talkworthy.scheduled import ScheduledRun
    from talkworthy.settings import CommunityDigestSettings, use_environment

    environment = stack.functions["CommunityDigestFunction"].environment
    with use_environment(environment):
        ports = CommunityDigestPorts(CommunityDigestSettings.load())
        first = post_digests(ports, ScheduledRun("run-1", None, now))
        again = post_digests(ports, ScheduledRun("run-1", None, now))  # EventBridge retried the run

    assert (first.counts["DigestsPosted"], again.counts["DigestsPosted"]) == (1, 0)
    [message] = sink.messages()
    assert message["channel"] == CHANNEL
    assert message["text"].startswith("*Acme Community: community health ")
    assert "Answered by the community: 25% of new topics" in message["text"]
    [shared] = message["files"]
    assert (shared["mimetype"], shared["name"]) == ("image/png", "community-health-2026-11-23.png")
    image = requests.get(f"{sink.url}/files/{shared['id']}/{shared['name']}", timeout=5)
    assert image.headers["Content-Type"] == "image/png"
    assert image.content.startswith(PNG_MAGIC)
    assert len(image.content) == shared["size"] > 10_000
    _cold_start()


def test_the_files_api_refuses_what_slack_refuses(sink: SlackSink) -> None:
    api, auth = f"{sink.url}/api", {"Authorization": "Bearer xoxb-test"}
    no_length = requests.post(f"{api}/files.getUploadURLExternal", data={"filename": "a.png"}, headers=auth, timeout=5)
    ticket = requests.post(
        f"{api}/files.getUploadURLExternal", data={"filename": "a.png", "length": "4"}, headers=auth, timeout=5
    ).json()
    early = requests.post(
        f"{api}/files.completeUploadExternal",
        data={"files": json.dumps([{"id": ticket["file_id"]}])},
        headers=auth,
        timeout=5,
    )
    short = requests.post(ticket["upload_url"], data=b"abc", timeout=5)

    assert no_length.json() == {"ok": False, "error": "invalid_arguments"}
    assert early.json() == {"ok": False, "error": "file_upload_not_complete"}
    assert short.status_code == 400

