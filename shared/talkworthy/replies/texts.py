"""The reply texts (``templates.yaml``), checked when loaded and filled in one way.

A channel is public (``social``, ``community``: anyone can read the reply) or private
(``email``). A survey link is personal and single-use, so a public channel's template that asks
for ``{survey_link}`` is refused when the texts load, and ``render`` refuses one for a public
channel whatever the template says.
"""

from __future__ import annotations

import functools
import string
from pathlib import Path
from typing import Literal

__all__ = ["PUBLIC_CHANNELS", "Outcome", "ReplyChannel", "ReplyTexts", "load_texts"]

ReplyChannel = Literal["social", "community", "email"]
Outcome = Literal["ticket_solved", "ticket_closed", "survey", "idea_acknowledged", "idea_status"]
PUBLIC_CHANNELS = frozenset({"social", "community"})
PLACEHOLDERS = frozenset({"name", "case_ref", "survey_link", "idea_title", "status"})
TEMPLATES = Path(__file__).with_name("templates.yaml")


class ReplyTexts:
    def __init__(self, templates: dict[str, dict[str, str]]) -> None:
        for channel, outcomes in templates.items():
            for outcome, text in outcomes.items():
                fields = {name for _, name, _, _ in string.Formatter().parse(text) if name}
                unknown = fields - PLACEHOLDERS
                if unknown:
                    raise ValueError(f"{channel}/{outcome} uses unknown placeholders {sorted(unknown)}")
                if channel in PUBLIC_CHANNELS and "survey_link" in fields:
                    raise ValueError(f"{channel}/{outcome}: a public reply never carries a survey link")
        self._templates = templates

    def render(self, channel: ReplyChannel, outcome: Outcome, **values: str) -> str:
        if channel in PUBLIC_CHANNELS and "survey_link" in values:
            raise ValueError(f"a {channel} reply is public: no survey link")
        template = self._templates[channel][outcome]
        return template.format_map({name: values.get(name, "") for name in PLACEHOLDERS}).strip()


@functools.cache
def load_texts(path: Path = TEMPLATES) -> ReplyTexts:
    import yaml

    return ReplyTexts(yaml.safe_load(path.read_text(encoding="utf-8")))
