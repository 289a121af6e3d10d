"""The local outbox: a Slack-like page of everything the Slack sink received, and the e-mails sent.

Served by the Slack sink at ``/outbox`` (``make run`` prints the URL). Messages are listed per
channel and re-rendered as ``chat.update`` replaces them; a modal opened with ``views.open`` shows
on top; replies in a message's thread sit under it (as Slack's thread view shows them), and direct
messages the app sent have their own section per person; the inbox lists the e-mails sent through
the embedded SES, their links live. Clicking a button (or choosing from a menu, or submitting a
modal) posts to the ingress exactly what Slack would: the interactivity payload form-encoded, signed
with the signing secret (``X-Slack-Signature``, ``X-Slack-Request-Timestamp``), a ``response_url``
pointing back at the sink and a ``trigger_id`` the sink accepts in ``views.open``. Who clicks is
chosen on the page from the people directory. Replies posted on the local Discourse and X stand-ins
(``infra/local/reply_sink.py``) are listed under "Public replies".
"""

from __future__ import annotations

import html
import json
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import requests

from chalicelib.signatures import sign_slack
from infra.local.outbox_render import render_email, render_message, render_reply, render_thread, render_view

__all__ = ["Outbox", "Person", "button"]

TRIGGER_TTL = 60.0  # real Slack: 3 s; locally a slow machine must not lose the modal


@dataclass(frozen=True)
class Person:
    slack: str
    name: str
    role: str


@dataclass
class Outbox:
    ingress_url: str
    signing_secret: str
    people: Sequence[Person]
    emails: Callable[[], list[dict[str, Any]]] = list
    replies: Callable[[], list[dict[str, Any]]] = list  # public replies on Discourse and X (the reply sink)
    triggers: dict[str, float] = field(default_factory=dict)
    answers: list[dict[str, Any]] = field(default_factory=list)  # what the ingress answered, newest last

    # -- triggers ----------------------------------------------------------------------------
    def new_trigger(self) -> str:
        trigger = f"{int(time.time())}.{secrets.token_hex(8)}"
        self.triggers[trigger] = time.monotonic()
        return trigger

    def take_trigger(self, trigger_id: str) -> bool:
        issued = self.triggers.pop(trigger_id, None)
        return issued is not None and time.monotonic() - issued <= TRIGGER_TTL

    # -- what Slack would post ---------------------------------------------------------------
    def _user(self, user_id: str) -> dict[str, str]:
        person = next((p for p in self.people if p.slack == user_id), None)
        name = person.name.lower().replace(" ", ".") if person else user_id
        return {"id": user_id, "username": name, "name": name, "team_id": "T0LOCAL"}

    def post(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        body = urlencode({"payload": json.dumps(payload, separators=(",", ":"))}).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            **sign_slack(body, self.signing_secret, int(time.time())),
        }
        started = time.perf_counter()
        answer = requests.post(f"{self.ingress_url}/webhooks/slack", data=body, headers=headers, timeout=10)
        record = {
            "status": answer.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "body": answer.text[:300],
        }
        self.answers.append(record)
        return record

    def click(self, message: Mapping[str, Any], data: Mapping[str, Any], response_url: str) -> dict[str, Any]:
        kind = str(data.get("kind", "button"))
        action: dict[str, Any] = {
            "type": kind,
            "action_id": str(data.get("action_id", "")),
            "block_id": str(data.get("block_id", "")),
            "action_ts": f"{time.time():.6f}",
        }
        if kind == "button":
            action["value"] = str(data.get("value", ""))
            action["text"] = {"type": "plain_text", "text": str(data.get("label", "")), "emoji": True}
        else:
            action["selected_option"] = {
                "text": {"type": "plain_text", "text": str(data.get("label", ""))},
                "value": str(data.get("value", "")),
            }
        payload = {
            "type": "block_actions",
            "user": self._user(str(data.get("user", ""))),
            "api_app_id": "A0LOCAL",
            "token": "local-outbox",
            "container": {
                "type": "message",
                "message_ts": message["ts"],
                "channel_id": message["channel"],
                "is_ephemeral": False,
                **({"thread_ts": message["thread_ts"]} if message.get("thread_ts") else {}),
            },
            "trigger_id": self.new_trigger(),
            "team": {"id": "T0LOCAL", "domain": "local"},
            "channel": {"id": message["channel"], "name": message["channel"].lstrip("#")},
            "message": {"type": "message", "ts": message["ts"], "text": message["text"], "blocks": message["blocks"]},
            "state": {"values": {}},
            "response_url": response_url,
            "actions": [action],
        }
        return self.post(payload)

    def submit(self, view: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
        """Submit the modal with what was entered: ``data["values"]``, one ``{block_id, action_id,
        type, value}`` per input, put in the view's ``state`` the way Slack shapes each element's."""
        values: dict[str, dict[str, Any]] = {}
        for entry in data.get("values") or []:
            kind, value = str(entry.get("type", "")), entry.get("value")
            values.setdefault(str(entry.get("block_id", "")), {})[str(entry.get("action_id", ""))] = _state(kind, value)
        payload = {
            "type": "view_submission",
            "team": {"id": "T0LOCAL", "domain": "local"},
            "user": self._user(str(data.get("user", ""))),
            "api_app_id": "A0LOCAL",
            "token": "local-outbox",
            "trigger_id": self.new_trigger(),
            "view": {**view, "state": {"values": values}},
            "response_urls": [],
        }
        return self.post(payload)

    # -- the page ----------------------------------------------------------------------------
    def _title(self, channel: str) -> str:
        if channel.startswith("D"):  # the app's direct message with a person (U… → D…)
            person = next((p for p in self.people if p.slack[1:] == channel[1:]), None)
            return f"Direct message: {person.name if person else channel}"
        return f"# {channel.lstrip('#')}"

    def fragment(self, messages: Sequence[Mapping[str, Any]], view: Mapping[str, Any] | None) -> str:
        channels: dict[str, list[Mapping[str, Any]]] = {}
        replies: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
        for message in messages:
            if message.get("deleted"):
                continue
            if message.get("thread_ts"):
                replies.setdefault((str(message["channel"]), str(message["thread_ts"])), []).append(message)
            else:
                channels.setdefault(str(message["channel"]), []).append(message)
        parts = []
        for channel, listed in sorted(channels.items()):
            items = "".join(render_message(m) + render_thread(replies.get((channel, str(m["ts"])), [])) for m in listed)
            parts.append(
                f'<section class="channel" data-channel="{html.escape(channel)}">'
                f"<h2>{html.escape(self._title(channel))}</h2>{items}</section>"
            )
        if not parts:
            parts.append(
                '<p class="empty">No messages yet. Send a sample: <code>python -m infra.local send '
                "events/webhooks/standard/mention_created_complaint.json</code></p>"
            )
        emails = self.emails()
        inbox = "".join(render_email(e) for e in reversed(emails)) or '<p class="empty">No e-mail sent yet.</p>'
        parts.append(f'<section class="inbox"><h2>Inbox ({len(emails)})</h2>{inbox}</section>')
        public = self.replies()
        if public:
            posted = "".join(render_reply(r) for r in reversed(public))
            parts.append(f'<section class="inbox replies"><h2>Public replies ({len(public)})</h2>{posted}</section>')
        if view is not None:
            parts.append(f'<div class="overlay">{render_view(view)}</div>')
        return "".join(parts)

    def page(self, messages: Sequence[Mapping[str, Any]], view: Mapping[str, Any] | None) -> str:
        options = "".join(
            f'<option value="{html.escape(p.slack)}">{html.escape(p.name)} '
            f"({html.escape(p.role.replace('_', ' '))})</option>"
            for p in self.people
        )
        return _PAGE.replace("{{people}}", options).replace("{{content}}", self.fragment(messages, view))


def button(message: Mapping[str, Any], action: str) -> dict[str, Any] | None:
    """What clicking the ``action`` button of ``message`` posts (kind, action id, block id, value), or None."""
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == action:
                return {"kind": "button", "action_id": action, "block_id": block["block_id"], "value": element["value"]}
    return None


def _state(kind: str, value: Any) -> dict[str, Any]:
    """One input's entry in a submitted view's ``state.values``, shaped as Slack sends it."""
    if kind in ("radio_buttons", "static_select"):
        return {"type": kind, "selected_option": {"value": str(value or "")}}
    if kind == "datetimepicker":
        return {"type": kind, "selected_date_time": int(value) if str(value or "").isdigit() else None}
    return {"type": kind, "value": str(value or "")}


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Talkworthy outbox</title>
<style>
body{font-family:Lato,Helvetica,Arial,sans-serif;margin:0;background:#f8f8f8;color:#1d1c1d}
header{background:#3f0e40;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;align-items:center}
header h1{font-size:1.1rem;margin:0;flex:1}
main{max-width:60rem;margin:0 auto;padding:1rem}
.channel,.inbox{background:#fff;border:1px solid #ddd;border-radius:6px;margin:0 0 1rem;padding:.5rem 1rem}
.channel h2,.inbox h2{font-size:1rem;margin:.3rem 0 .6rem}
.message,.email{border-top:1px solid #eee;padding:.6rem 0}
.ephemeral{background:#f4f8fd}.only-you{font-size:.75rem;color:#616061}
.meta{font-size:.85rem;color:#616061}.edited-mark{font-size:.75rem}
.file img{max-width:100%;border:1px solid #ddd;border-radius:4px}.file figcaption{font-size:.8rem;color:#616061}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:.3rem 1rem;margin:.4rem 0}
.field,.text{font-size:.92rem}.context{font-size:.8rem;color:#616061;margin:.3rem 0}
.actions{display:flex;gap:.4rem;flex-wrap:wrap;margin:.4rem 0}
.section{display:flex;flex-wrap:wrap;align-items:flex-start;gap:.6rem}.section>.text,.section>.fields{flex:1 1 70%}
.accessory{flex:0 0 auto;margin-left:auto}
.btn{border:1px solid #bbb;background:#fff;border-radius:4px;padding:.3rem .8rem;cursor:pointer;
  font-weight:bold;text-decoration:none;color:#1d1c1d}
.btn.primary{background:#007a5a;color:#fff;border-color:#007a5a}.btn.danger{color:#e01e5a;border-color:#e01e5a}
.overlay{position:fixed;inset:0;background:rgba(0,0,0,.4);display:flex;align-items:center;justify-content:center}
.modal{background:#fff;border-radius:8px;padding:1rem 1.4rem;min-width:26rem}
.choice{display:block;margin:.4rem 0}.modal-buttons{display:flex;gap:.5rem;justify-content:flex-end;margin-top:1rem}
.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}
#status{font-size:.8rem}
.thread{margin:.2rem 0 .6rem 1.5rem;border-left:3px solid #e0e0e0;padding-left:.8rem}
.thread-head{font-size:.8rem;color:#1264a3;font-weight:bold}
.reply{border-top:1px solid #f2f2f2;padding:.4rem 0}
.modal label.input{display:block;margin:.6rem 0}
.modal label.input span{display:block;font-weight:bold;margin-bottom:.2rem}
.modal input[type=text],.modal select,.modal input[type=datetime-local]{width:100%;padding:.3rem;box-sizing:border-box}
</style></head>
<body>
<header><h1>Talkworthy outbox (local Slack and e-mail)</h1>
<label>Acting as <select id="who">{{people}}</select></label><span id="status"></span></header>
<main id="content">{{content}}</main>
<script>
const content = document.getElementById('content');
let last = content.innerHTML;
async function refresh() {
  const answer = await fetch('/outbox/fragment');
  const text = await answer.text();
  if (text !== last) { content.innerHTML = text; last = text; }
}
function say(text) { document.getElementById('status').textContent = text; }
async function send(path, data) {
  data.user = document.getElementById('who').value;
  const answer = await fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(data)});
  const result = await answer.json();
  say('ingress answered ' + result.status + ' in ' + result.ms + ' ms');
  setTimeout(refresh, 150);
}
content.addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (!button) return;
  if (button.id === 'modal-close') { fetch('/outbox/close', {method: 'POST'}).then(refresh); return; }
  if (button.id === 'modal-submit') {
    const values = [];
    for (const field of content.querySelectorAll('#modal [data-input]')) {
      if (field.type === 'radio' && !field.checked) continue;
      let value = field.value;
      if (field.dataset.input === 'datetimepicker' && value) value = String(Date.parse(value + 'Z') / 1000);
      values.push({block_id: field.dataset.blockId, action_id: field.dataset.actionId, type: field.dataset.input,
        value: value});
    }
    const radios = content.querySelectorAll('#modal input[type=radio][data-input]');
    if (radios.length && !values.some((v) => v.type === 'radio_buttons')) { say('choose one first'); return; }
    send('/outbox/submit', {values: values});
    return;
  }
  if (button.dataset.kind !== 'button') return;
  if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
  const message = button.closest('article');
  send('/outbox/click', {channel: message.dataset.channel, ts: message.dataset.ts, kind: 'button',
    action_id: button.dataset.actionId, block_id: button.dataset.blockId, value: button.dataset.value,
    label: button.textContent});
});
content.addEventListener('change', (event) => {
  const menu = event.target.closest('select.menu');
  if (!menu) return;
  const message = menu.closest('article');
  send('/outbox/click', {channel: message.dataset.channel, ts: message.dataset.ts, kind: menu.dataset.kind,
    action_id: menu.dataset.actionId, block_id: menu.dataset.blockId, value: menu.value,
    label: menu.options[menu.selectedIndex].textContent});
});
setInterval(refresh, 700);
</script>
</body></html>
"""
