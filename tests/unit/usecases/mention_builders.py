"""Builders for enriched mentions, shared by the use-case tests (imported by module name)."""

from __future__ import annotations

from datetime import UTC, datetime

from talkworthy.catalog import (
    Author,
    EventMeta,
    Identity,
    Influence,
    Intent,
    Mention,
    MentionEnriched,
    Provenance,
    Score,
    Segment,
)
from talkworthy.crm import CaseRequest, InMemoryCrm

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
PROV = Provenance(provider="test", model="test", version="1", confidence=0.9)


def enriched(
    *,
    intent: str,
    tier: str,
    sentiment: float = 0.2,
    email: str | None = "dana@globex.example",
    profile_id: str = "prf_1",
    key: str = "standard:msg_1",
    contact: str | None = None,
    triage: str | None = None,
) -> MentionEnriched:
    label = "negative" if sentiment < -0.05 else "positive" if sentiment > 0.05 else "neutral"
    return MentionEnriched(
        meta=EventMeta(event_key=key, correlation_id="req-1", producer="talkworthy.enrich", occurred_at=NOW),
        mention=Mention(
            source_tool="test",
            platform="twitter",
            post_id="1",
            url="https://x.com/dana/status/1",
            author=Author(handle="dana", name="Dana Whitfield", email=email),
            text="We need help with the sync.",
            posted_at=NOW,
        ),
        sentiment=Score(label=label, value=sentiment, provenance=PROV),
        intent=Intent(
            label=intent,  # type: ignore[arg-type]
            cues=["test"],
            provenance=PROV,
            runner_up="praise" if triage else None,
            runner_up_confidence=0.31 if triage else None,
            triage_reason=triage,  # type: ignore[arg-type]
            language="de" if triage == "unsupported_language" else None,
        ),
        influence=Influence(score=20, provenance=PROV),
        identity=Identity(
            profile_id=profile_id,
            crm_system="memory" if contact else None,
            crm_contact_id=contact,
            evidence=["handle:twitter/dana"],
            confidence=1.0,
            new_profile=False,
        ),
        segment=Segment(tier=tier, basis="crm"),  # type: ignore[arg-type]
        thread_id="th_1",
    )


def open_case_for_dana(crm: InMemoryCrm, key: str = "earlier") -> InMemoryCrm:
    """An open billing case for the builders' author: the contact policy holds sales outreach back."""
    crm.open_case(
        CaseRequest(
            idempotency_key=key,
            subject="Billing",
            description="Billing",
            contact=None,
            requester_email="dana@globex.example",
            priority="normal",
            origin_channel="email",
            origin_url=None,
            tags=(),
        )
    )
    return crm
