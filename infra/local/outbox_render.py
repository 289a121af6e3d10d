"""Block Kit → HTML for the local outbox: sections, fields, headers, context, buttons, selects, modals.

Server-rendered; each interactive element carries ``data-*`` attributes that the page's script
sends back to ``/outbox/click`` (see ``outbox.py``), which signs and posts them as Slack would.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

__all__ = ["render_email", "render_message", "render_reply", "render_thread", "render_view"]

_BOLD = re.compile(r"\*([^*\n]+)\*")
_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]+)&gt;")
_LINK = re.compile(r"&lt;(https?://[^|&]+)(?:\|([^&]+))?&gt;")


def _mrkdwn(text: str) -> str:
    out = html.escape(html.unescape(text), quote=False)  # Slack text arrives &amp;-escaped already
    out = _BOLD.sub(r"<b>\1</b>", out)
    out = _MENTION.sub(r'<span class="mention">@\1</span>', out)
    out = _LINK.sub(lambda m: f'<a href="{m.group(1)}">{m.group(2) or m.group(1)}</a>', out)
    return out.replace("\n", "<br>")


def _text(obj: Any) -> str:
    if not isinstance(obj, Mapping):
        return ""
    value = str(obj.get("text", ""))
    return _mrkdwn(value) if obj.get("type") == "mrkdwn" else html.escape(value)


def _attr(value: Any) -> str:
    return html.escape(value if isinstance(value, str) else json.dumps(value), quote=True)


def _element(element: Mapping[str, Any], block_id: str) -> str:
    kind = element.get("type")
    action_id = str(element.get("action_id", ""))
    if kind == "button":
        if element.get("url"):
            return f'<a class="btn" target="_blank" href="{_attr(element["url"])}">{_text(element.get("text"))}</a>'
        confirm = element.get("confirm")
        ask = f' data-confirm="{_attr(str(confirm.get("text", {}).get("text", "")))}"' if confirm else ""
        style = f" {element['style']}" if element.get("style") in ("primary", "danger") else ""
        return (
            f'<button class="btn{style}" data-kind="button" data-action-id="{_attr(action_id)}" '
            f'data-block-id="{_attr(block_id)}" data-value="{_attr(element.get("value", ""))}"{ask}>'
            f"{_text(element.get('text'))}</button>"
        )
    if kind in ("static_select", "overflow"):
        options = "".join(
            f'<option value="{_attr(o.get("value", ""))}">{_text(o.get("text"))}</option>'
            for o in element.get("options", [])
        )
        placeholder = _text(element.get("placeholder")) or "…"
        return (
            f'<select class="menu" data-kind="{_attr(kind)}" data-action-id="{_attr(action_id)}" '
            f'data-block-id="{_attr(block_id)}"><option value="" selected disabled>{placeholder}</option>'
            f"{options}</select>"
        )
    if kind in ("mrkdwn", "plain_text"):
        return f"<span>{_text(element)}</span>"
    return f'<span class="unknown">[{html.escape(str(kind))}]</span>'


def _block(block: Mapping[str, Any]) -> str:
    kind = block.get("type")
    block_id = str(block.get("block_id", ""))
    if kind == "header":
        return f'<h3 class="header">{_text(block.get("text"))}</h3>'
    if kind == "section":
        parts = [f'<div class="text">{_text(block["text"])}</div>'] if block.get("text") else []
        if block.get("fields"):
            fields = "".join(f'<div class="field">{_text(field)}</div>' for field in block["fields"])
            parts.append(f'<div class="fields">{fields}</div>')
        accessory = block.get("accessory")
        if isinstance(accessory, Mapping):
            parts.append(f'<div class="accessory">{_element(accessory, block_id)}</div>')
        return f'<div class="section">{"".join(parts)}</div>'
    if kind == "context":
        lines = "".join(f"<div>{_element(e, block_id)}</div>" for e in block.get("elements", []))
        return f'<div class="context" data-block-id="{_attr(block_id)}">{lines}</div>'
    if kind == "actions":
        elements = "".join(_element(e, block_id) for e in block.get("elements", []))
        return f'<div class="actions" data-block-id="{_attr(block_id)}">{elements}</div>'
    if kind == "divider":
        return "<hr>"
    return f'<div class="unknown">[{html.escape(str(kind))} block]</div>'


def _file(shared: Mapping[str, Any]) -> str:
    """A shared file: an image is shown (from the sink's ``/files/...``), anything else is a link."""
    path = f"/files/{quote(str(shared['id']))}/{quote(str(shared['name']))}"
    title = html.escape(str(shared.get("title") or shared["name"]))
    if str(shared.get("mimetype", "")).startswith("image/"):
        alt = _attr(shared.get("alt_txt") or shared.get("title") or shared["name"])
        return f'<figure class="file"><img src="{path}" alt="{alt}"><figcaption>{title}</figcaption></figure>'
    return f'<div class="file"><a href="{path}">{title}</a></div>'


def render_thread(replies: Sequence[Mapping[str, Any]]) -> str:
    """A message's thread: its replies under it, oldest first (as Slack's thread view shows them)."""
    if not replies:
        return ""
    count = f"{len(replies)} repl{'y' if len(replies) == 1 else 'ies'}"
    items = "".join(render_message(reply, kind="reply") for reply in replies)
    return f'<div class="thread"><div class="thread-head">{count}</div>{items}</div>'


def render_message(message: Mapping[str, Any], kind: str = "message") -> str:
    """A message (``kind="reply"`` for one in a thread: its own class, so a channel's messages are
    ``article.message`` and its threads' replies ``article.reply``)."""
    blocks: Sequence[Mapping[str, Any]] = message.get("blocks") or []
    body = "".join(_block(b) for b in blocks) or f'<div class="text">{_mrkdwn(str(message.get("text", "")))}</div>'
    body += "".join(_file(f) for f in message.get("files") or [])
    classes = kind + (" ephemeral" if message.get("ephemeral") else "") + (" edited" if message.get("updated") else "")
    note = '<div class="only-you">Only visible to you</div>' if message.get("ephemeral") else ""
    edited = ' <span class="edited-mark">(edited)</span>' if message.get("updated") else ""
    return (
        f'<article class="{classes}" id="m-{_attr(message["channel"])}-{_attr(message["ts"])}" '
        f'data-channel="{_attr(message["channel"])}" data-ts="{_attr(message["ts"])}">'
        f'{note}<div class="meta"><b>Talkworthy</b> <span class="ts">{html.escape(message["ts"])}</span>{edited}</div>'
        f"{body}</article>"
    )


def _input(block: Mapping[str, Any]) -> str:
    """One input block of a modal; each field carries ``data-input`` (its element type) and its ids."""
    element = block.get("element", {})
    kind = str(element.get("type", ""))
    ids = (
        f'data-input="{_attr(kind)}" data-block-id="{_attr(block.get("block_id", ""))}" '
        f'data-action-id="{_attr(element.get("action_id", ""))}"'
    )
    label = _text(block.get("label"))
    if kind == "radio_buttons":
        radios = "".join(
            f'<label class="choice"><input type="radio" name="choice" value="{_attr(o.get("value", ""))}" {ids}>'
            f" <b>{_text(o.get('text'))}</b> <small>{_text(o.get('description'))}</small></label>"
            for o in element.get("options", [])
        )
        return f"<fieldset><legend>{label}</legend>{radios}</fieldset>"
    if kind == "static_select":
        options = "".join(
            f'<option value="{_attr(o.get("value", ""))}">{_text(o.get("text"))}</option>'
            for o in element.get("options", [])
        )
        placeholder = _text(element.get("placeholder")) or "…"
        field = f'<select {ids}><option value="" selected disabled>{placeholder}</option>{options}</select>'
    elif kind == "datetimepicker":
        initial = element.get("initial_date_time")
        value = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(int(initial))) if initial else ""
        field = f'<input type="datetime-local" value="{_attr(value)}" {ids}>'
    elif kind == "plain_text_input":
        limit = f' maxlength="{int(element["max_length"])}"' if element.get("max_length") else ""
        field = f'<input type="text" value="{_attr(element.get("initial_value", ""))}"{limit} {ids}>'
    else:
        return f'<div class="unknown">[{html.escape(kind)} input]</div>'
    return f'<label class="input"><span>{label}</span>{field}</label>'


def render_view(view: Mapping[str, Any]) -> str:
    """A modal: its blocks, its inputs (choices, menus, text, a date and time; UTC), Submit and Cancel."""
    inputs = [_input(block) if block.get("type") == "input" else _block(block) for block in view.get("blocks", [])]
    submit = view.get("submit")
    button = f'<button class="btn primary" id="modal-submit">{_text(submit)}</button>' if submit else ""
    close = _text(view.get("close")) or "Cancel"
    return (
        f'<div class="modal" id="modal" data-view-id="{_attr(view.get("id", ""))}">'
        f"<h2>{_text(view.get('title'))}</h2>{''.join(inputs)}"
        f'<div class="modal-buttons"><button class="btn" id="modal-close">{close}</button>'
        f"{button}</div></div>"
    )


def render_email(email: Mapping[str, Any]) -> str:
    """An e-mail from the embedded SES: who to, the subject, the HTML body as sent (links live)."""
    return (
        f'<article class="email"><div class="meta">To <b>{html.escape(email.get("to", ""))}</b></div>'
        f'<h3 class="subject">{html.escape(email.get("subject", ""))}</h3>'
        f'<div class="email-body">{email.get("html", "")}</div></article>'
    )


def render_reply(reply: Mapping[str, Any]) -> str:
    """A public reply on the local Discourse or X stand-in: where, in answer to what, the text."""
    where = {"discourse": "Discourse topic", "x": "X, in reply to"}.get(str(reply.get("platform")), "")
    return (
        f'<article class="email reply" data-platform="{html.escape(str(reply.get("platform", "")))}">'
        f'<div class="meta">{html.escape(where)} {html.escape(str(reply.get("in_reply_to", "")))}</div>'
        f'<p class="reply-text">{html.escape(str(reply.get("text", "")))}</p></article>'
    )
