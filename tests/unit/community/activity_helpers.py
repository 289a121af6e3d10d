"""Community activity as the ingress publishes it, for the community tests."""

from __future__ import annotations

from datetime import UTC, datetime

from talkworthy.catalog import CommunityActivity, EventMeta
from talkworthy.community.factors import CommunityEvent

__all__ = ["activity", "as_activities"]

COMMUNITY = "community.acme.example"


def activity(kind: str, at: float, actor: str, topic: str = "", **fields: object) -> CommunityActivity:
    moment = datetime.fromtimestamp(at, UTC)
    key = f"discourse:{kind}:{actor}:{topic}:{at}"
    return CommunityActivity(
        meta=EventMeta(event_key=key, correlation_id="c", producer="talkworthy.ingress.discourse", occurred_at=moment),
        community_id=str(fields.pop("community_id", COMMUNITY)),
        platform="discourse",
        kind=kind,  # type: ignore[arg-type]
        actor=actor,
        topic_id=topic or None,
        post_id=str(fields.pop("post_id", f"p{at}")) if kind in ("post_created", "like") else None,
        at=moment,
        **fields,  # type: ignore[arg-type]
    )


def as_activities(events: list[CommunityEvent]) -> list[CommunityActivity]:
    """The synthetic community's events as webhooks would have made them (page views left out)."""
    return [activity(e.kind, e.at, e.user, e.topic, staff=e.staff_or_bot) for e in events if e.kind != "page_views"]
