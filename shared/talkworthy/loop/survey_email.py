"""The satisfaction survey e-mail: the template's words and one button per rating."""

from __future__ import annotations

import html
from collections.abc import Mapping

from talkworthy.loop.survey_links import RATINGS
from talkworthy.replies.texts import ReplyTexts

__all__ = ["SUBJECT", "render_survey"]

SUBJECT = "How did we do?"
_COLOURS = {5: "#007a5a", 4: "#2bac76", 3: "#1264a3", 2: "#e8912d", 1: "#e01e5a"}


def render_survey(texts: ReplyTexts, name: str, case_ref: str, links: Mapping[int, str]) -> tuple[str, str, str]:
    """``(subject, text, html)``: the text part lists each rating's link; the HTML shows buttons."""
    listed = "\n".join(f"{RATINGS[rating]}: {url}" for rating, url in links.items())
    text = texts.render("email", "survey", name=name, case_ref=case_ref, survey_link=listed)
    buttons = "".join(
        f'<a class="rating" data-rating="{rating}" href="{html.escape(url, quote=True)}" '
        f'style="display:inline-block;margin:0 6px 6px 0;padding:10px 14px;border-radius:4px;'
        f'background:{_COLOURS[rating]};color:#fff;font-weight:bold;text-decoration:none">'
        f"{html.escape(RATINGS[rating])}</a>"
        for rating, url in links.items()
    )
    paragraphs = []
    for part in text.split("\n\n"):
        paragraphs.append(f"<p>{buttons}</p>" if part == listed else f"<p>{html.escape(part)}</p>")
    body = "".join(paragraphs)
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
        f'<body style="font-family:Helvetica,Arial,sans-serif">{body}</body></html>'
    )
    return SUBJECT, text + "\n", page
