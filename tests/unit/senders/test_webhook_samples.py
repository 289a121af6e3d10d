"""Contract test: every webhook sample loads, signs, verifies with its source and adapts as it says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.senders import SENDERS
from infra.samples import SampleError, load_webhook_samples, signed_request
from talkworthy.catalog import CATALOG

SAMPLES = load_webhook_samples()


def test_there_are_samples_for_every_source():
    assert {sample.source for sample in SAMPLES} == set(SENDERS)


def test_every_sample_names_a_known_source_and_is_described():
    for sample in SAMPLES:
        assert sample.source in SENDERS, sample.path
        assert sample.description.strip(), sample.path
        assert sample.content_type in SENDERS[sample.source].content_types, sample.path


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: f"{s.source}/{s.name}")
def test_sample_signs_verifies_and_adapts_to_its_expected_detail_types(hooks, sample):
    delivery = hooks.signed(sample)

    source = SENDERS[sample.source]
    source.verify(delivery, hooks.secrets[sample.source], hooks.now)
    items = source.adapt(delivery)

    details = [detail for item in items for detail in item.details]
    assert [detail.DETAIL_TYPE for detail in details] == list(sample.expect.detail_types)
    assert all(detail.DETAIL_TYPE in CATALOG for detail in details)
    assert all(item.details or item.ignored for item in items), "an item without events must say why"
    assert sample.expect.status == source.accepted_status  # a first delivery: stored, new items published
    for detail in details:
        assert detail.meta.event_key.startswith(f"{sample.source}:")
        CATALOG[detail.DETAIL_TYPE].model_validate_json(detail.model_dump_json())  # round-trips


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: f"{s.source}/{s.name}")
def test_dedupe_keys_are_stable_across_two_signings(hooks, sample):
    first = hooks.signed(sample)
    later = hooks.signed(sample, now=hooks.now + 240)
    source = SENDERS[sample.source]

    assert [i.dedupe_key for i in source.adapt(first)] == [i.dedupe_key for i in source.adapt(later)]


def test_signed_request_paths_and_headers(hooks):
    by_source = {sample.source: sample for sample in SAMPLES}
    paths = {
        source: signed_request(sample, hooks.secrets, hooks.hubspot_url, hooks.now)[0]
        for source, sample in by_source.items()
    }
    assert paths == {
        "standard": "/webhooks/standard",
        "zendesk": "/webhooks/zendesk",
        "hubspot": "/webhooks/hubspot",
        "discourse": "/webhooks/discourse",
        "canny": "/webhooks/canny/p4th-t0ken-acme-7f3a",
        "intercom": "/webhooks/intercom",
        "slack": "/webhooks/slack",
    }
    _, headers, body = signed_request(by_source["standard"], hooks.secrets, "", hooks.now, "msg_demo_1")
    assert headers["webhook-id"] == "msg_demo_1"
    assert headers["webhook-timestamp"] == str(int(hooks.now))
    assert headers["Content-Type"] == "application/json"
    assert body == by_source["standard"].body
    _, zendesk, _ = signed_request(by_source["zendesk"], hooks.secrets, "", hooks.now)
    assert zendesk["X-Zendesk-Webhook-Signature-Timestamp"] == "2025-11-22T08:26:40Z"
    _, slack, form = signed_request(by_source["slack"], hooks.secrets, "", hooks.now)
    assert slack["Content-Type"] == "application/x-www-form-urlencoded"
    assert form.startswith(b"payload=%7B%22")


def test_loader_rejects_malformed_sample_files(tmp_path: Path):
    folder = tmp_path / "zendesk"
    folder.mkdir()
    expect = {"status": 200, "detail_types": []}
    good = {"description": "d", "headers": {}, "body": {"id": "1"}, "expect": expect}
    (folder / "ok.json").write_text(json.dumps(good))
    assert [s.name for s in load_webhook_samples(tmp_path)] == ["ok"]

    for name, broken in {
        "both": good | {"form": {"payload": {}}},
        "neither": {k: v for k, v in good.items() if k != "body"},
        "status": good | {"expect": {"status": 201, "detail_types": []}},
        "inconsistent": good | {"expect": {"status": 200, "detail_types": ["Ticket.Closed"]}},
        "extra": good | {"comment": "x"},
    }.items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(broken))
        with pytest.raises(SampleError, match=name):
            load_webhook_samples(tmp_path)
        path.unlink()
