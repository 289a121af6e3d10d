"""`make demo`, ideas heard: two customers ask Canny for the same thing in other words, a third upvotes;
the product owner is asked in Slack whether to merge them, clicks Merge, then Accept → the idea is
"planned" in Canny and each of the three people is told once; Canny's own report of the change tells
nobody again; Unmerge gives both ideas back their own people.

Every click goes through the outbox's ``/outbox/click`` (signed and posted to the ingress as Slack
would); what comes of it is checked in the Slack sink, the Canny stand-in, the e-mails sent and the
idea store. Told in the words a product manager would use; every missing effect is a failure.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import time
from collections import Counter
from typing import Any

import requests

from infra.local.mesh import LocalMesh
from infra.local.outbox import button
from infra.samples import WebhookSample, signed_request
from talkworthy.ideas.model import Idea
from talkworthy.people import load_default_directory

__all__ = ["ideas_demo"]


def _send(mesh: LocalMesh, sample: WebhookSample) -> int:
    url = f"{mesh.ingress_url}/webhooks/{sample.source}"
    path, headers, body = signed_request(sample, mesh.secrets["webhooks"], url, time.time())
    answer = requests.post(f"{mesh.ingress_url}{path}", data=body, headers=headers, timeout=10)
    mesh.wait_idle(timeout=60)
    return answer.status_code


def _message(mesh: LocalMesh, channel: str, action: str, about: str) -> dict[str, Any] | None:
    """The newest message in ``channel`` offering ``action`` that mentions ``about``."""
    found = [
        m
        for m in mesh.sink.messages()
        if m["channel"] == channel and button(m, action) and about in json.dumps([m.get("text"), m["blocks"]])
    ]
    return found[-1] if found else None


class _Ideas:
    def __init__(self, mesh: LocalMesh, plan: dict[str, Any], failures: list[str]) -> None:
        self.mesh, self.plan, self.failures = mesh, plan, failures
        self.say = functools.partial(print, file=mesh.console)
        from talkworthy.ideas.store_dynamodb import DynamoDbIdeaStore

        self.store = DynamoDbIdeaStore(mesh.session.resource("dynamodb").Table(mesh.stack.attr("MeshTable")))
        self.owner = next((p.name for p in load_default_directory().people if p.slack == plan["owner"]), plan["owner"])

    def idea(self, ref: str) -> Idea:
        idea = self.store.get(ref)
        if idea is None:
            self.failures.append(f"ideas: {ref} is not in the idea store")
            return Idea(ref=ref, title="")
        return idea

    def click(self, action: str, about: str, done: str) -> bool:
        """The product owner clicks ``action`` on the message about ``about``; the message then says ``done``."""
        channel = self.plan["channel"]
        message = _message(self.mesh, channel, action, about)
        data = button(message, action) if message else None
        if message is None or data is None:
            self.failures.append(f"ideas: no {action} button on a message about {about!r} in {channel}")
            return False
        click = {"channel": channel, "ts": message["ts"], "user": self.plan["owner"], **data}
        answer = requests.post(f"{self.mesh.sink.url}/outbox/click", json=click, timeout=15).json()
        if answer.get("status") != 200:
            self.failures.append(f"ideas: {action} answered {answer.get('status')} {answer.get('body')}")
        self.mesh.wait_idle(timeout=60)
        updated = next(m for m in self.mesh.sink.messages() if m["ts"] == message["ts"])
        if done not in json.dumps(updated["blocks"]):
            self.failures.append(f"ideas: after {action} the message does not say {done!r}")
        return True

    def told(self, subject: str) -> Counter[str]:
        return Counter(e["to"] for e in self.mesh.inbox() if e["subject"] == subject)


def _names(idea: Idea) -> str:
    return " and ".join(sorted(m.name or m.key for m in idea.people().values()))


def _refs(samples: list[WebhookSample]) -> tuple[tuple[str, str], tuple[str, str]]:
    first, again = (json.loads(s.body)["object"] for s in samples if json.loads(s.body)["type"] == "post.created")
    return (f"canny:{first['id']}", first["title"]), (f"canny:{again['id']}", again["title"])


def ideas_demo(mesh: LocalMesh, plan: dict[str, Any], samples: dict[str, WebhookSample], failures: list[str]) -> None:
    """``plan``: the scenario's ``ideas`` section (Canny deliveries, the product channel and owner, the status)."""
    if not plan:
        return
    sent = [samples[name] for name in plan["send"]]
    run = _Ideas(mesh, plan, failures)
    say, owner, status = run.say, run.owner, plan["status"]
    say("\n• ideas heard")
    for sample in sent:
        if _send(mesh, sample) != 202:
            failures.append(f"ideas: Canny's {sample.name} was not accepted")
        say(f"    Canny: {sample.description}")
    (first, first_title), (again, again_title) = _refs(sent)
    proposal = _message(mesh, plan["channel"], "merge", f"Looks like a duplicate: {again_title}")
    if proposal is None:
        failures.append(f"ideas: the product owner was not asked to merge {again_title!r} into {first_title!r}")
        return
    say(f"    {owner} was asked in Slack: “{again_title}” looks like a duplicate — merge it into “{first_title}”?")
    before = {ref: run.idea(ref).people() for ref in (first, again)}
    run.click("merge", f"Looks like a duplicate: {again_title}", f"Merged by {owner}")
    merged, primary = run.idea(again), run.idea(first)
    everyone = before[first] | before[again]
    if merged.merged_into != first or set(primary.people()) != set(everyone):
        failures.append(f"ideas: after Merge {again} is merged into {merged.merged_into!r}, {primary.votes} people")
    say(f"    {owner} clicked Merge: “{first_title}” now counts {primary.votes} people, asked for by both.")

    run.click("accept", f"New idea: {first_title}", f"Accepted by {owner}")
    written = {(c["postID"], c["status"], c["shouldNotifyVoters"]) for c in mesh.canny.board()["status_changes"]}
    expected = {(ref.partition(":")[2], status, False) for ref in (first, again)}
    if not expected <= written:
        failures.append(f"ideas: Canny was not told {status} for both posts: {sorted(written)}")
    subject = f"Your idea is now {status}: {first_title}"
    told = run.told(subject)
    emails = {m.email for m in everyone.values() if m.email}
    if told != Counter(dict.fromkeys(emails, 1)):
        failures.append(f"ideas: expected one “{subject}” e-mail to each of {sorted(emails)}, saw {dict(told)}")
    say(
        f"    {owner} clicked Accept: both posts are {status} in Canny (its own e-mails to voters off), and"
        f" {', '.join(sorted(emails))} were each e-mailed once: “{subject}”."
    )

    canny_post = mesh.canny.board()["posts"][first.partition(":")[2]]
    report = {"created": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()), "object": canny_post}
    report |= {"objectType": "post", "type": "post.status_changed"}
    reported = mesh.published["Idea.StatusChanged"]
    if _send(mesh, dataclasses.replace(sent[0], body=json.dumps(report).encode())) != 202:
        failures.append("ideas: Canny's report of the status change was not accepted")
    if mesh.published["Idea.StatusChanged"] != reported + 1:
        failures.append("ideas: Canny's report of the status change did not reach the ideas context")
    if run.told(subject) != told:
        failures.append(f"ideas: Canny's report of {status} told someone again: {dict(run.told(subject))}")
    say(f"    Canny then reported the post {status} itself: nobody heard it twice.")

    run.click("unmerge", f"Merged into {first_title}", f"Unmerged by {owner}")
    merged, primary = run.idea(again), run.idea(first)
    apart = not merged.merged_into and again not in primary.merged_from
    if not apart or set(primary.people()) != set(before[first]) or set(merged.people()) != set(before[again]):
        failures.append(f"ideas: Unmerge did not give both ideas back their own people ({again}: {merged.merged_into})")
    else:
        say(
            f"    {owner} clicked Unmerge: “{again_title}” stands on its own again, asked for by {_names(merged)},"
            f" and “{first_title}” keeps {_names(primary)}."
        )
