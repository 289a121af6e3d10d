"""The fault plan: validated, seeded, re-read when its file changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from infra.local.faults import ENV, Faults, faults_from_env

EXAMPLE = Path(__file__).resolve().parents[2] / "infra" / "local" / "faults.example.yaml"


def _draws(faults: Faults, n: int = 200) -> list[str | None]:
    return [faults.draw("slack", {"slack_429": 0.2, "slack_500": 0.1}) for _ in range(n)]


def test_the_example_plan_is_valid_and_turns_every_fault_on() -> None:
    plan = Faults(EXAMPLE).plan
    assert plan.enabled
    assert min(plan.crm.error_500, plan.crm.throttle_429, plan.crm.timeout) > 0
    assert min(plan.slack.error_429, plan.slack.error_500, plan.handler_crash.rate, plan.slow.rate) > 0
    assert plan.ingress_outage.every_seconds > plan.ingress_outage.seconds > 0


def test_the_same_seed_draws_the_same_faults_at_about_their_rates(tmp_path: Path) -> None:
    path = tmp_path / "faults.yaml"
    path.write_text("seed: 11\n")
    first, second = _draws(Faults(path)), _draws(Faults(path))
    assert first == second
    assert 20 <= first.count("slack_429") <= 60
    assert 5 <= first.count("slack_500") <= 40
    path.write_text("seed: 12\n")
    assert _draws(Faults(path)) != first


def test_injected_faults_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "faults.yaml"
    path.write_text("seed: 1\n")
    faults = Faults(path)
    drawn = _draws(faults)
    assert faults.injected == {"slack_429": drawn.count("slack_429"), "slack_500": drawn.count("slack_500")}


def test_turning_the_plan_off_in_its_file_stops_every_fault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "faults.yaml"
    path.write_text("seed: 3\nslow: {rate: 1.0, seconds: 0}\ningress_outage: {every_seconds: 10, seconds: 10}\n")
    monkeypatch.setenv(ENV, str(path))
    faults = faults_from_env()
    assert faults.draw("slow", {"slow": 1.0}) == "slow"
    assert faults.ingress_outage_now()
    path.write_text("enabled: false\n")
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))  # a later mtime, as an edit gives
    faults._checked = 0.0  # re-read now rather than within the second
    assert faults.draw("slow", {"slow": 1.0}) is None
    assert not faults.ingress_outage_now()


def test_no_plan_no_faults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    faults = faults_from_env()
    assert faults.path is None
    assert faults.draw("crm", {"crm_500": 1.0}) is None


def test_a_misspelt_fault_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "faults.yaml"
    path.write_text("slack: {error_492: 0.5}\n")
    with pytest.raises(ValidationError, match="error_492"):
        Faults(path)
