"""The event catalog: one pydantic model per EventBridge detail-type."""

from __future__ import annotations

from talkworthy.catalog.actions import ActionRequested, ActionTaken, Actor, Target
from talkworthy.catalog.base import Detail, EventMeta, Provenance, Score, utc_now
from talkworthy.catalog.behavior import BehaviorObserved, DeviationDetected, Expectation
from talkworthy.catalog.cases import CaseOpened, LeadFlagged, RecordRef, SlaBreached, TicketClosed
from talkworthy.catalog.ideas import IdeaStatusChanged, IdeaSubmitted, IdeaVoted, Person
from talkworthy.catalog.mention import (
    Author,
    Engagement,
    Identity,
    Influence,
    Intent,
    Mention,
    MentionEnriched,
    MentionReceived,
    Segment,
)

__all__ = [
    "CATALOG",
    "ActionRequested",
    "ActionTaken",
    "Actor",
    "Author",
    "BehaviorObserved",
    "CaseOpened",
    "Detail",
    "DeviationDetected",
    "Engagement",
    "EventMeta",
    "Expectation",
    "IdeaStatusChanged",
    "IdeaSubmitted",
    "IdeaVoted",
    "Identity",
    "Influence",
    "Intent",
    "LeadFlagged",
    "Mention",
    "MentionEnriched",
    "MentionReceived",
    "Person",
    "Provenance",
    "RecordRef",
    "Score",
    "Segment",
    "SlaBreached",
    "Target",
    "TicketClosed",
    "utc_now",
]

CATALOG: dict[str, type[Detail]] = {
    model.DETAIL_TYPE: model
    for model in (
        MentionReceived,
        MentionEnriched,
        CaseOpened,
        LeadFlagged,
        TicketClosed,
        SlaBreached,
        IdeaSubmitted,
        IdeaStatusChanged,
        IdeaVoted,
        BehaviorObserved,
        DeviationDetected,
        ActionRequested,
        ActionTaken,
    )
}
