"""The contact-pressure rules, and property tests that the caps hold over generated timelines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from talkworthy.outreach.ledger import Entry, InMemoryContactLedger, Kind, PressurePolicy

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
POLICY = PressurePolicy()


def _entry(kind: Kind, hours: float, key: str) -> Entry:
    return Entry("prf_1", T0 + timedelta(hours=hours), kind, "email", key)


def test_transactional_messages_always_go_and_count_toward_the_cap() -> None:
    history = [_entry("transactional", 0, "a"), _entry("transactional", 1, "b")]
    assert POLICY.decide(history, "transactional", T0 + timedelta(hours=2)).send
    refused = POLICY.decide(history, "outreach", T0 + timedelta(hours=2))
    assert (refused.send, refused.reason) == (False, "outreach_cap:2 per 7d")


def test_outreach_waits_out_the_quiet_period_after_support() -> None:
    history = [_entry("support", 0, "s")]
    assert POLICY.decide(history, "outreach", T0 + timedelta(days=2)).reason.startswith("quiet_after_support:3d")
    assert POLICY.decide(history, "outreach", T0 + timedelta(days=3, minutes=1)).send


def test_one_survey_per_thirty_days_even_right_after_support() -> None:
    assert POLICY.decide([_entry("support", 0, "s")], "survey", T0 + timedelta(hours=1)).send
    history = [_entry("survey", 0, "v")]
    assert not POLICY.decide(history, "survey", T0 + timedelta(days=29)).send
    assert POLICY.decide(history, "survey", T0 + timedelta(days=30)).send


def test_a_redelivered_entry_is_recorded_once() -> None:
    ledger = InMemoryContactLedger()
    assert ledger.record(_entry("outreach", 0, "k"))
    assert not ledger.record(_entry("outreach", 0, "k"))
    assert len(ledger.history("prf_1", T0 - timedelta(days=1))) == 1


kinds = st.sampled_from(["transactional", "outreach", "survey", "support"])
timeline = st.lists(st.tuples(kinds, st.floats(min_value=0, max_value=24 * 90)), min_size=1, max_size=60)


@given(timeline)
def test_whatever_is_proposed_the_ledger_never_exceeds_its_caps(proposals: list[tuple[Kind, float]]) -> None:
    ledger = InMemoryContactLedger()
    for index, (kind, hours) in enumerate(sorted(proposals, key=lambda p: p[1])):
        now = T0 + timedelta(hours=hours)
        if POLICY.decide(ledger.history("prf_1", now - POLICY.horizon), kind, now).send:
            ledger.record(_entry(kind, hours, f"e{index:03d}"))  # keys sort as proposed
    sent = ledger.history("prf_1", T0 - timedelta(days=1))
    for entry in sent:
        before = [e for e in sent if e.at < entry.at or (e.at == entry.at and e.event_key < entry.event_key)]
        if entry.kind == "outreach":
            in_window = [e for e in before if e.kind != "support" and entry.at - e.at < POLICY.outreach_window]
            assert len(in_window) < POLICY.outreach_cap
            assert not [e for e in before if e.kind == "support" and entry.at - e.at < POLICY.quiet_after_support]
        if entry.kind == "survey":
            assert not [e for e in before if e.kind == "survey" and entry.at - e.at < POLICY.survey_interval]
    proposed_transactional = sum(1 for kind, _ in proposals if kind == "transactional")
    assert sum(1 for e in sent if e.kind == "transactional") == proposed_transactional  # never held back
