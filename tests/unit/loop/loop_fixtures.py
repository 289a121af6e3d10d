"""A reply port that records what it was asked to post, and the close-the-loop fixtures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from talkworthy.catalog import CaseOpened, CaseOrigin, EventMeta, RecordRef, TicketClosed
from talkworthy.errors import TalkworthyError
from talkworthy.replies.port import Origin, ReplyRef

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
CASE = RecordRef(system="dynamodb", record_id="case-5f2e")
ZENDESK = RecordRef(system="zendesk", record_id="35436")
TWEET = CaseOrigin(
    platform="twitter",
    post_id="1858412270931259392",
    url="https://x.com/danawhit/status/1858412270931259392",
    handle="danawhit",
    name="Dana Whitfield",
    email="dana@globex.example",
    known_as=[ZENDESK],
)


@dataclass
class RecordingReplies:
    platform: str
    posted: list[tuple[Origin, str]] = field(default_factory=list)
    fail: TalkworthyError | None = None

    def reply(self, origin: Origin, text: str) -> ReplyRef:
        if self.fail is not None:
            raise self.fail
        self.posted.append((origin, text))
        n = len(self.posted)
        return ReplyRef(platform=self.platform, reply_id=str(n), url=f"https://{self.platform}.example/r/{n}")


def opened(origin: CaseOrigin | None = TWEET, case: RecordRef = CASE) -> CaseOpened:
    return CaseOpened(
        meta=EventMeta(
            event_key="standard:m1>case", correlation_id="req-mention", producer="talkworthy.route", occurred_at=NOW
        ),
        case=case,
        subject="Dana Whitfield: third sync failure",
        priority="urgent",
        rule="vip-complaint",
        profile_id="prf_dana",
        origin_channel="twitter",
        origin=origin,
    )


def closed(
    ticket: RecordRef = ZENDESK,
    key: str = "zendesk:evt-1",
    *,
    status: str = "solved",
    case: RecordRef | None = None,
    email: str | None = None,
) -> TicketClosed:
    return TicketClosed(
        meta=EventMeta(
            event_key=key, correlation_id="req-close", producer="talkworthy.ingress.zendesk", occurred_at=NOW
        ),
        ticket=ticket,
        status=status,  # type: ignore[arg-type]
        requester_email=email,
        case=case,
        closed_at=NOW,
    )
