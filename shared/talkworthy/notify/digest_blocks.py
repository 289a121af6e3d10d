"""A surge's incident digest as Slack blocks, in a business user's words."""

from __future__ import annotations

from talkworthy.catalog import SurgeResolved
from talkworthy.notify.blocks import MAX_BLOCKS, escape_mrkdwn, fit
from talkworthy.notify.incidents import DigestState, Fold, Surge
from talkworthy.notify.slack import Block

__all__ = ["TOP_POSTS", "render_digest"]

TOP_POSTS = 5
_SECTION_TEXT = 2900  # Slack allows 3,000 characters in a section
_RESERVED = 10  # blocks kept for the summary, the notes and the buttons


def _period(seconds: int) -> str:
    if seconds % 60 == 0:
        minutes = seconds // 60
        return "minute" if minutes == 1 else f"{minutes} minutes"
    return f"{seconds} seconds"


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def _link(fold: Fold) -> str:
    who = escape_mrkdwn(fold.who)
    return f"<{fold.url}|{who}>" if fold.url else who


def render_digest(surge: Surge, state: DigestState, folds: list[Fold]) -> tuple[str, list[Block]]:
    """``(fallback text, blocks)``: what is happening, how it is going, the loudest posts, every link."""
    subject = surge.subject
    period = _period(surge.evidence.bucket_seconds)
    started = f"{surge.opened_at:%H:%M} UTC"
    text = f"Surge: {surge.total} {subject} about {surge.brand} since {started}"
    split = surge.sentiment
    whole = split.negative + split.neutral + split.positive
    if isinstance(surge, SurgeResolved):
        minutes = round((surge.resolved_at - surge.opened_at).total_seconds() / 60)
        status = f":white_check_mark: *Resolved* at {surge.resolved_at:%H:%M} UTC, after {minutes} min: back to normal."
    else:
        status = f":rotating_light: *Still going* (last checked {surge.evidence.bucket_start:%H:%M:%S} UTC)."
    summary = (
        f"*{surge.total} {subject} since {started}*, about {surge.brand}. Normally about "
        f"{surge.evidence.expected:.0f} every {period}; the busiest {period} brought {surge.peak}."
    )
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": fit(f"Surge: {subject} about {surge.brand}", 150)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": fit(summary, _SECTION_TEXT)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": status}]},
        {
            "type": "section",
            "fields": [
                {
                    "type": "mrkdwn",
                    "text": f"*Sentiment*\n{_share(split.negative, whole)} negative · "
                    f"{_share(split.neutral, whole)} neutral · {_share(split.positive, whole)} positive",
                },
                {
                    "type": "mrkdwn",
                    "text": f"*Folded here*\n{state.folded} notifications · {state.cases} new cases opened",
                },
                {
                    "type": "mrkdwn",
                    "text": f"*Trend since it started* (per {period})\n"
                    + " → ".join(str(c) for c in surge.trend[-12:]),
                },
            ],
        },
    ]
    top = sorted(folds, key=lambda f: (-f.influence, f.at))[:TOP_POSTS]
    if top:
        lines = [f"• {_link(f)} · influence {f.influence} · {f.sentiment}" for f in top]
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": fit("*Most influential posts*\n" + "\n".join(lines), _SECTION_TEXT)},
            }
        )
    blocks += _every_link(sorted(folds, key=lambda f: f.at), MAX_BLOCKS - _RESERVED - len(blocks))
    return text, blocks


def _every_link(folds: list[Fold], room: int) -> list[Block]:
    """Every folded mention's link, as many sections as they need (the last one says what did not fit)."""
    if not folds:
        return []
    sections: list[str] = []
    current = f"*All {len(folds)} folded mentions*\n"
    for index, fold in enumerate(folds):
        piece = _link(fold) + " · "
        if len(current) + len(piece) > _SECTION_TEXT:
            if len(sections) + 1 >= room:
                current += f"and {len(folds) - index} more (their cases are in the CRM)"
                break
            sections.append(current)
            current = ""
        current += piece
    sections.append(current.rstrip(" ·"))
    return [{"type": "section", "text": {"type": "mrkdwn", "text": s}} for s in sections]
