"""`talkworthy rules`: check a candidate routing-rules file, and backtest it on what routing decided.

The backtest's source is the routing journal (:mod:`talkworthy.routing.journal`): every
``Mention.Enriched`` the mentions context routed in the last 30 days, as it was routed, with the
live rules' decision and the contact facts the policy read. The candidate rules decide each
mention again, offline (no CRM, no Slack, nothing written); the contact policy is the
candidate's own, applied to the recorded facts. Where the live decision was not sales, no facts
were read then: the candidate's policy sees only the mention (its sentiment), and the row says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from talkworthy.routing import ContactContext, Decision, RulesDocument, RulesError
from talkworthy.routing.journal import RoutedMention
from talkworthy.routing.loader import describe_errors, parse_yaml

__all__ = ["Backtest", "Change", "Problem", "backtest", "check"]


@dataclass(frozen=True)
class Problem:
    message: str
    line: int | None = None  # 1-based, in the file
    text: str = ""  # that line of the file


def check(path: Path) -> tuple[RulesDocument | None, list[Problem]]:
    """The document, or every problem with the line it is on."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    try:
        data = parse_yaml(text)
    except RulesError as err:
        line = _yaml_line(err.__cause__)
        return None, [Problem(p, line, _text(lines, line)) for p in err.problems]
    try:
        return RulesDocument.model_validate(data), []
    except ValidationError as err:
        raw = data.get("rules")
        messages = describe_errors(err, raw if isinstance(raw, list) else [])
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        problems = []
        for message, error in zip(messages, err.errors(), strict=True):
            line = _line_of(root, list(error["loc"]))
            problems.append(Problem(message, line, _text(lines, line)))
        return None, problems


def _yaml_line(error: BaseException | None) -> int | None:
    """Where the YAML parser stopped (None: the document parsed, but is not a mapping)."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        return error.problem_mark.line + 1
    return None


def _text(lines: list[str], line: int | None) -> str:
    return lines[line - 1] if line and line <= len(lines) else ""


def _line_of(node: Any, loc: list[Any]) -> int | None:
    """The line of the deepest node ``loc`` reaches (a missing key: its parent's line)."""
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            found = node.value[part]
        else:
            found = None
        if found is None:
            break
        node = found
    return node.start_mark.line + 1 if node is not None else None


@dataclass(frozen=True)
class Change:
    event_key: str
    routed_at: datetime
    summary: str  # intent, segment, sentiment, platform
    live: Decision
    candidate: Decision
    facts_recorded: bool  # the contact facts the candidate's policy needed were recorded


@dataclass
class Backtest:
    mentions: int = 0
    live: Counter[str] = field(default_factory=Counter)  # action -> mentions
    candidate: Counter[str] = field(default_factory=Counter)
    live_suppressed: Counter[str] = field(default_factory=Counter)  # suppression kind -> mentions
    candidate_suppressed: Counter[str] = field(default_factory=Counter)
    changes: list[Change] = field(default_factory=list)


def _outcome(decision: Decision) -> tuple[str, str, list[str]]:
    return decision.action, decision.rule, sorted(decision.suppressed)


def _kinds(decision: Decision) -> set[str]:
    return {reason.split(":", 1)[0] for reason in decision.suppressed}


def backtest(candidate: RulesDocument, routed: list[RoutedMention]) -> Backtest:
    result = Backtest()
    for entry in routed:
        decision = candidate.decide(entry.mention)
        recorded = True
        if decision.is_sales:
            context = entry.contact
            if context is None:
                recorded = False
                context = ContactContext(open_cases=0, now=entry.routed_at)
            decision = candidate.contact_policy.apply(decision, context)
        live = entry.decision
        result.mentions += 1
        result.live[live.action] += 1
        result.candidate[decision.action] += 1
        result.live_suppressed.update(_kinds(live))
        result.candidate_suppressed.update(_kinds(decision))
        if (live.action, live.rule, sorted(live.suppressed)) != (
            decision.action,
            decision.rule,
            sorted(decision.suppressed),
        ):
            m = entry.mention
            summary = f"{m.intent.label}, {m.segment.tier}, {m.sentiment.label}, {m.mention.platform}"
            result.changes.append(Change(m.meta.event_key, entry.routed_at, summary, live, decision, recorded))
    return result
