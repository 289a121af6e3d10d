"""Routing: rules as data decide what to do with an enriched mention; the contact policy has the last word.

``rules.decide(mention)`` → :class:`Decision`; for sales outreach, ``rules.contact_policy.apply(decision,
context)`` then holds it back if the contact should not hear from sales now. Rules come from a
:class:`RulesSource`: the packaged defaults or an SSM override ops can change without a deploy.
"""

from __future__ import annotations

from talkworthy.routing.decision import SALES_TAG, Action, Decision
from talkworthy.routing.loader import RulesError
from talkworthy.routing.outcome import NotifyTarget, Outcome, parse_sla
from talkworthy.routing.policy import ContactContext, ContactPolicy
from talkworthy.routing.rules import InfluenceRange, Match, Rule, RulesDocument, SentimentRange, load_rules
from talkworthy.routing.source import PackagedRules, RulesSource, SsmOverrideRules, load_default_rules

__all__ = [
    "SALES_TAG",
    "Action",
    "ContactContext",
    "ContactPolicy",
    "Decision",
    "InfluenceRange",
    "Match",
    "NotifyTarget",
    "Outcome",
    "PackagedRules",
    "Rule",
    "RulesDocument",
    "RulesError",
    "RulesSource",
    "SentimentRange",
    "SsmOverrideRules",
    "load_default_rules",
    "load_rules",
    "parse_sla",
]
