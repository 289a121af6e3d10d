"""The reliability suite in its CI size: every delivery sent twice through the local mesh with
every fault on, then the goals (README, `reliability`). `make reliability` runs the full size."""

from __future__ import annotations

import pytest
import yaml

from infra.reliability import DEFAULT_PLAN, run

CI_DELIVERIES = 64

# the example plan, with every fault frequent enough to happen at this size
CI_PLAN = {
    **yaml.safe_load(DEFAULT_PLAN.read_text()),
    "crm": {"refuse_400": 0.04, "error_500": 0.08, "throttle_429": 0.08, "timeout": 0.05, "hang_seconds": 0.3},
    "slack": {"error_429": 0.1, "error_500": 0.1, "retry_after_seconds": 1},
    "handler_crash": {"rate": 0.25, "functions": []},
    "slow": {"rate": 0.05, "seconds": 0.1},
    "ingress_outage": {"every_seconds": 4, "seconds": 1.5},
}


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict:
    logs = tmp_path_factory.mktemp("reliability")
    plan = logs / "ci-faults.yaml"
    plan.write_text(yaml.safe_dump(CI_PLAN))
    return run(CI_DELIVERIES, 8, plan, drain_timeout=300, logs=logs)


def test_every_fault_happened(figures: dict) -> None:
    injected = figures["faults_injected"]
    expected = {"crm_400", "crm_500", "crm_429", "slack_429", "slack_500", "handler_crash", "slow", "ingress_outage"}
    assert expected <= set(injected)


def test_every_delivery_was_sent_twice_and_accepted(figures: dict) -> None:
    assert figures["sends"] == 2 * CI_DELIVERIES
    assert set(figures["deliveries_by_kind"]) == {"mention", "ticket", "idea", "behaviour"}
    assert figures["deliveries_never_accepted"] == 0


def test_nothing_accepted_was_lost(figures: dict) -> None:
    samples = (figures["lost_deliveries_sample"], figures["unfinished_event_keys_sample"])
    assert figures["events_lost_after_2xx"] == 0, samples


def test_no_side_effect_happened_twice(figures: dict) -> None:
    assert figures["side_effects"]["cases"] > 0
    assert figures["side_effects"]["slack_messages"] > 0
    assert figures["duplicate_side_effects"] == 0, figures["duplicates_sample"]


def test_a_redelivered_mention_or_idea_asks_people_the_same_thing(figures: dict) -> None:
    # notify sends one copy per key, whichever comes first: an idea's ask, a mention's notification
    # (its enrichment and routing are the first ones again) must say the same in every copy
    sample = figures["differing_requests_sample"]
    assert not [key for key in sample if ">ask-product-owner" in key or ">enriched>" in key]


def test_the_mesh_drained_and_every_parked_event_was_processed_after_the_redrive(figures: dict) -> None:
    assert figures["drained"]
    assert figures["parked_total"] > 0  # the CRM's refusals were parked, so the redrive had work
    assert figures["redrive_drained"]
    assert sum(figures["parked_after_redrive"].values()) == 0
    assert figures["parked_processed_share"] == 1.0


def test_the_logs_hold_no_secret_token_or_email_address(figures: dict) -> None:
    assert figures["log_lines_checked"] > 0
    assert figures["log_findings"] == 0, figures["log_findings_sample"]
