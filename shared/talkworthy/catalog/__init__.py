"""The event catalog: one pydantic model per EventBridge detail-type.

Names are loaded on first use (PEP 562), so a handler imports only the catalog modules it uses:
each model class costs its module's import time at every cold start.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from talkworthy.catalog.actions import ActionCompleted, ActionRequested, ActionTaken, Actor, DigestHint, Target
    from talkworthy.catalog.base import Detail, EventMeta, Provenance, Score, utc_now
    from talkworthy.catalog.behavior import BehaviorObserved, DeviationDetected, DeviationReason, Expectation
    from talkworthy.catalog.case_file import StepDue
    from talkworthy.catalog.cases import (
        CaseOpened,
        CaseOrigin,
        LeadFlagged,
        LoopClosed,
        RecordRef,
        SlaBreached,
        TicketClosed,
    )
    from talkworthy.catalog.community_activity import CommunityActivity
    from talkworthy.catalog.feedback import FeedbackReceived, SurveyDue, TicketReopened
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
    from talkworthy.catalog.surge import SentimentSplit, SurgeDetected, SurgeEvidence, SurgeResolved, SurgeUpdated

__all__ = [
    "CATALOG",
    "ActionCompleted",
    "ActionRequested",
    "ActionTaken",
    "Actor",
    "Author",
    "BehaviorObserved",
    "CaseOpened",
    "CaseOrigin",
    "CommunityActivity",
    "Detail",
    "DeviationDetected",
    "DeviationReason",
    "DigestHint",
    "Engagement",
    "EventMeta",
    "Expectation",
    "FeedbackReceived",
    "IdeaStatusChanged",
    "IdeaSubmitted",
    "IdeaVoted",
    "Identity",
    "Influence",
    "Intent",
    "LeadFlagged",
    "LoopClosed",
    "Mention",
    "MentionEnriched",
    "MentionReceived",
    "Person",
    "Provenance",
    "RecordRef",
    "Score",
    "Segment",
    "SentimentSplit",
    "SlaBreached",
    "StepDue",
    "SurgeDetected",
    "SurgeEvidence",
    "SurgeResolved",
    "SurgeUpdated",
    "SurveyDue",
    "Target",
    "TicketClosed",
    "TicketReopened",
    "utc_now",
]

_MODULES = {
    "actions": ("ActionCompleted", "ActionRequested", "ActionTaken", "Actor", "DigestHint", "Target"),
    "base": ("Detail", "EventMeta", "Provenance", "Score", "utc_now"),
    "behavior": ("BehaviorObserved", "DeviationDetected", "DeviationReason", "Expectation"),
    "cases": ("CaseOpened", "CaseOrigin", "LeadFlagged", "LoopClosed", "RecordRef", "SlaBreached", "TicketClosed"),
    "community_activity": ("CommunityActivity",),
    "feedback": ("FeedbackReceived", "SurveyDue", "TicketReopened"),
    "case_file": ("StepDue",),
    "ideas": ("IdeaStatusChanged", "IdeaSubmitted", "IdeaVoted", "Person"),
    "mention": (
        "Author",
        "Engagement",
        "Identity",
        "Influence",
        "Intent",
        "Mention",
        "MentionEnriched",
        "MentionReceived",
        "Segment",
    ),
    "surge": ("SentimentSplit", "SurgeDetected", "SurgeEvidence", "SurgeResolved", "SurgeUpdated"),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}
_DETAIL_TYPES = (
    ("mention", "MentionReceived"),
    ("mention", "MentionEnriched"),
    ("cases", "CaseOpened"),
    ("cases", "LeadFlagged"),
    ("cases", "TicketClosed"),
    ("cases", "SlaBreached"),
    ("cases", "LoopClosed"),
    ("feedback", "SurveyDue"),
    ("feedback", "TicketReopened"),
    ("feedback", "FeedbackReceived"),
    ("case_file", "StepDue"),
    ("ideas", "IdeaSubmitted"),
    ("ideas", "IdeaStatusChanged"),
    ("ideas", "IdeaVoted"),
    ("behavior", "BehaviorObserved"),
    ("behavior", "DeviationDetected"),
    ("actions", "ActionRequested"),
    ("actions", "ActionTaken"),
    ("actions", "ActionCompleted"),
    ("community_activity", "CommunityActivity"),
    ("surge", "SurgeDetected"),
    ("surge", "SurgeUpdated"),
    ("surge", "SurgeResolved"),
)


def __getattr__(name: str) -> Any:
    if name == "CATALOG":  # detail-type -> model, every model of the catalog
        models = [getattr(import_module(f"talkworthy.catalog.{module}"), cls) for module, cls in _DETAIL_TYPES]
        return {model.DETAIL_TYPE: model for model in models}
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"talkworthy.catalog.{module}"), name)
