"""The ideas context's use cases: an idea heard, voted, decided, merged, and its people told.

Idempotent under redelivery: an idea is created if absent (a redelivered submission finds it and
returns the same events, with keys derived from its own); indexing it again for dedupe changes
nothing (``DynamoDbTermStore``); a vote adds a person once; a decision publishes
``Idea.StatusChanged`` with a key derived from the click's; a status notice is claimed per idea,
status and person with the status event's key, so a retried event publishes the notices it claimed
and a second report of the same status (Canny's webhook after our write-back, a redelivery) tells
nobody twice. Every save is optimistic (versioned) and re-read on a lost race.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from talkworthy.catalog import (
    ActionRequested,
    ActionTaken,
    Detail,
    IdeaStatusChanged,
    IdeaSubmitted,
    IdeaVoted,
    Person,
    Target,
)
from talkworthy.errors import InvalidInputError, PermanentError, RetryableError
from talkworthy.ideas.canny import CannyApi, CannyPost
from talkworthy.ideas.dedupe import Candidate, Deduper
from talkworthy.ideas.model import HistoryEntry, Idea, Member, idea_ref, merge, unmerge
from talkworthy.ideas.store import IdeaStore
from talkworthy.identity.model import handle_ref, normalise_email
from talkworthy.identity.port import IdentityGraph

__all__ = ["DECISION_STATUS", "PRODUCER", "IdeaDeps", "decide", "status_changed", "submit", "vote"]

PRODUCER = "talkworthy.ideas"
_log = logging.getLogger(__name__)
DECISION_STATUS = {"accept": "planned", "decline": "closed"}
_ATTEMPTS = 3


@dataclass(frozen=True)
class IdeaDeps:
    store: IdeaStore
    deduper: Deduper
    identities: IdentityGraph
    canny: Callable[[], CannyApi | None]  # built on first use; None: no Canny API key configured
    product_channel: str
    canny_changer_id: str
    now: Callable[[], datetime]


# ---------------------------------------------------------------------------------------- people
def member(person: Person, idea_system: str, idea_id: str, identities: IdentityGraph) -> Member:
    """The person keyed by their profile when the identity graph knows them."""
    email = normalise_email(person.email)
    refs = [f"email:{email}"] if email else []
    if person.handle:
        platform = idea_id.split(":", 1)[0] if idea_system == "mention" else idea_system
        refs.append(handle_ref(platform, person.handle))
    key = next((f"profile:{pid}" for ref in refs if (pid := identities.profile_for(ref))), None)
    if key is None:
        key = refs[0] if refs else f"{idea_system}-user:{person.system_user_id or idea_id}"
    return Member(key=key, name=person.name, email=email, handle=person.handle)


# ---------------------------------------------------------------------------------------- Canny
def _canny(deps: IdeaDeps) -> CannyApi:
    """Canny's API; without a key a Canny delivery cannot be checked, so it is refused (parked in the
    DLQ with this reason, to be redriven once the key is set: ``docs/design-notes.md``)."""
    api = deps.canny()
    if api is None:
        raise PermanentError(
            "Canny delivery refused: no CannyApiKey is configured, so its body (signed only by a nonce) "
            "cannot be checked against Canny; set CannyApiKey and redrive the ideas DLQ"
        )
    return api


def _canny_post(
    deps: IdeaDeps, idea_id: str, title: str | None, status: str | None, text: str | None = None
) -> CannyPost:
    """Canny's post, which must say what the delivery said (its signature covers only a nonce)."""
    post = _canny(deps).retrieve_post(idea_id)
    if post is None:
        raise InvalidInputError(f"Canny has no post {idea_id}: the delivery names an object that does not exist")
    differs = [
        name
        for name, claimed, actual in (
            ("title", title, post.title),
            ("status", status, post.status),
            ("details", text, post.details),
        )
        if claimed is not None and claimed.strip() != actual.strip()
    ]
    if differs:
        _log.warning("Canny delivery differs from Canny", extra={"post": idea_id, "fields": differs})
        raise InvalidInputError(f"the delivery differs from Canny's post {idea_id} in {', '.join(differs)}")
    return post


# ---------------------------------------------------------------------------------------- helpers
def _update(deps: IdeaDeps, change: Callable[[], list[Idea]]) -> list[Idea]:
    for _ in range(_ATTEMPTS):
        ideas = change()
        if not ideas or deps.store.save(ideas):
            return ideas
    raise RetryableError("ideas changed concurrently; try again")


def _primary(deps: IdeaDeps, ref: str) -> Idea:
    """The idea, or the one it is merged into (one hop: merges never chain)."""
    idea = deps.store.get(ref)
    if idea is None:
        raise InvalidInputError(f"unknown idea {ref}")
    if idea.merged_into:
        primary = deps.store.get(idea.merged_into)
        if primary is None:
            raise InvalidInputError(f"{ref} is merged into the unknown idea {idea.merged_into}")
        return primary
    return idea


def _people(idea: Idea) -> str:
    return ", ".join(m.name or m.handle or m.key for m in idea.submitters.values()) or "unknown"


def _stamp(deps: IdeaDeps) -> str:
    return deps.now().isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------- submitted
def submit(event: IdeaSubmitted, deps: IdeaDeps) -> list[Detail]:
    ref = idea_ref(event.idea_system, event.idea_id)
    title, text, status, url = event.title, event.text, event.status, event.url
    if event.idea_system == "canny":  # its status may have moved on since: Canny's is the one kept
        post = _canny_post(deps, event.idea_id, event.title, None, event.text)
        title, text, status, url = post.title, post.details, post.status, post.url or url
    who = member(event.submitter, event.idea_system, event.idea_id, deps.identities)
    found = deps.deduper.check_in(ref, title, text)  # indexed once: checking in again changes nothing

    def create() -> list[Idea]:
        if deps.store.get(ref) is not None:
            return []  # a redelivery: the idea is kept as the first delivery made it
        history = [HistoryEntry(at=_stamp(deps), what="submitted", by=who.key)]
        similar = _live_candidates(deps, found)
        idea = Idea(ref=ref, title=title, text=text, url=url, status=status, submitters={who.key: who})
        return [idea.model_copy(update={"history": history, "similar": similar})]

    created = _update(deps, create)
    # created: stored as saved (one version on), not read back; a redelivery reads the first one's
    idea = created[0].model_copy(update={"version": created[0].version + 1}) if created else deps.store.get(ref)
    if idea is None:
        raise RetryableError(f"idea {ref} was neither created nor found; try again")
    # the ask is built from what the first delivery stored: a redelivery asks in the same words, even
    # when ideas checked in since would rank differently (one message per ask, whichever copy is first)
    out: list[Detail] = [_ask_product_owner(event, idea, deps.product_channel)]
    if who.email:
        out.append(_acknowledge(event, idea, who.email))
    return out


def _live_candidates(deps: IdeaDeps, found: list[Candidate]) -> list[Candidate]:
    """Candidates redirected to the idea they are merged into, each once, best first."""
    out: dict[str, Candidate] = {}
    ideas = deps.store.get_many([candidate.ref for candidate in found[:5]])
    for candidate in found[:5]:
        idea = ideas.get(candidate.ref)
        if idea is None:
            continue
        ref, title = (idea.merged_into, candidate.title) if idea.merged_into else (idea.ref, idea.title)
        if ref not in out:
            out[ref] = Candidate(ref, title, candidate.similarity)
    return list(out.values())[:3]


def _ask_product_owner(event: IdeaSubmitted, idea: Idea, channel: str) -> ActionRequested:
    candidates = idea.similar  # as found when it was submitted
    facts = {"Submitted by": _people(idea), "Votes so far": str(idea.votes), "Where": event.idea_system}
    if candidates:
        facts["Similar ideas"] = "; ".join(f"{c.title} ({c.similarity:.0%}, {c.ref})" for c in candidates)[:1000]
    strong = candidates[0] if candidates and candidates[0].strong else None
    if strong:
        facts["Merge into"] = f"{strong.title} ({strong.similarity:.0%} similar)"
    return ActionRequested(
        meta=event.meta.derive(PRODUCER, "ask-product-owner"),
        channel="slack",
        audience=channel,
        headline=(f"Looks like a duplicate: {idea.title}" if strong else f"New idea: {idea.title}")[:300],
        body=(idea.text or idea.title)[:3000],
        facts=facts,
        target=Target(kind="idea", id=idea.ref, related=strong.ref if strong else None),
        actions=["merge", "accept", "decline"] if strong else ["accept", "decline"],
        link=idea.url,
    )


def _acknowledge(event: IdeaSubmitted, idea: Idea, email: str) -> ActionRequested:
    return ActionRequested(
        meta=event.meta.derive(PRODUCER, "acknowledge"),
        channel="email",
        audience=email,
        headline=f"Thanks for your idea: {idea.title}"[:300],
        body=(
            "We have your idea and the product team will review it. What happens next: they decide "
            "whether to plan it, and if others asked for the same thing your requests are counted "
            "together. You will hear from us when its status changes."
        ),
        target=Target(kind="idea", id=idea.ref),
        actions=[],
        link=idea.url,
    )


# ---------------------------------------------------------------------------------------- voted
def vote(event: IdeaVoted, deps: IdeaDeps) -> list[Detail]:
    ref = idea_ref(event.idea_system, event.idea_id)
    voter = event.voter
    if event.idea_system == "canny":
        votes = _canny(deps).votes(event.idea_id)
        confirmed = next((v for v in votes if v.voter.id == voter.system_user_id), None)
        if confirmed is None:
            raise InvalidInputError(f"Canny lists no vote by {voter.system_user_id} on post {event.idea_id}")
        voter = Person(name=confirmed.voter.name, email=confirmed.voter.email, system_user_id=confirmed.voter.id)
    who = member(voter, event.idea_system, event.idea_id, deps.identities)

    def add() -> list[Idea]:
        idea = _primary(deps, ref)
        if who.key in idea.people():
            return []
        history = [*idea.history, HistoryEntry(at=_stamp(deps), what="voted", by=who.key, other=ref)]
        return [idea.model_copy(update={"voters": {**idea.voters, who.key: who}, "history": history})]

    _update(deps, add)
    return []


# ---------------------------------------------------------------------------------------- status
def status_changed(event: IdeaStatusChanged, deps: IdeaDeps) -> list[Detail]:
    ref = idea_ref(event.idea_system, event.idea_id)
    if event.idea_system == "canny" and not event.meta.producer.startswith(PRODUCER):
        _canny_post(deps, event.idea_id, None, event.status)
    status = event.status

    def apply() -> list[Idea]:
        primary = _primary(deps, ref)
        group = [primary, *(i for r in primary.merged_from if (i := deps.store.get(r)))]
        entry = HistoryEntry(at=_stamp(deps), what="status", status=status, other=ref)
        return [
            i.model_copy(update={"status": status, "history": [*i.history, entry]}) for i in group if i.status != status
        ]

    _update(deps, apply)
    primary = _primary(deps, ref)
    group = [primary, *(i for r in primary.merged_from if (i := deps.store.get(r)))]
    api = deps.canny() if any(idea.system == "canny" for idea in group) else None
    for idea in group:  # Canny is the source of truth for its posts: it shows the status; we tell the people
        if api and idea.system == "canny" and not (idea.ref == ref and not event.meta.producer.startswith(PRODUCER)):
            api.change_status(idea.system_id, status, changer_id=deps.canny_changer_id, notify_voters=False)
    people: dict[str, Member] = {}
    for idea in group:
        people |= idea.people()
    out: list[Detail] = []
    for key, person in sorted(people.items()):
        if person.email and deps.store.claim_notice(primary.ref, status, key, event.meta.event_key):
            out.append(_status_notice(event, primary, person.email, key, status))
    return out


def _status_notice(event: IdeaStatusChanged, idea: Idea, email: str, key: str, status: str) -> ActionRequested:
    return ActionRequested(
        meta=event.meta.derive(PRODUCER, f"tell-{status}-{key}"),
        channel="email",
        audience=email,
        headline=f"Your idea is now {status.replace('_', ' ')}: {idea.title}"[:300],
        body=f'An idea you asked for or voted on, "{idea.title}", is now {status.replace("_", " ")}. '
        f"{idea.votes} people asked for it.",
        target=Target(kind="idea", id=idea.ref),
        actions=[],
        link=idea.url,
    )


# ---------------------------------------------------------------------------------------- decided
def decide(event: ActionTaken, deps: IdeaDeps) -> list[Detail]:
    ref = event.target.id
    if event.action in DECISION_STATUS:
        idea = _primary(deps, ref)
        system, _, system_id = idea.ref.partition(":")
        return [
            IdeaStatusChanged(
                meta=event.meta.derive(PRODUCER, "status"),
                idea_system=system,
                idea_id=system_id,
                title=idea.title,
                previous=idea.status,
                status=DECISION_STATUS[event.action],
                changed_at=deps.now(),
            )
        ]
    if event.action == "merge":
        if not event.target.related:
            raise InvalidInputError(f"merge of {ref} names no idea to merge into (target.related)")
        return _merge(event, deps, ref, event.target.related)
    if event.action == "unmerge":
        return _unmerge(event, deps, ref)
    raise InvalidInputError(f"the ideas context does not handle {event.action}")


def _merge(event: ActionTaken, deps: IdeaDeps, ref: str, into: str) -> list[Detail]:
    by = event.actor.name or event.actor.id

    def change() -> list[Idea]:
        duplicate, primary = deps.store.get(ref), _primary(deps, into)
        if duplicate is None:
            raise InvalidInputError(f"unknown idea {ref}")
        if duplicate.merged_into == primary.ref:
            return []  # a redelivered click
        return list(merge(duplicate, primary, by=by, at=_stamp(deps)))

    _update(deps, change)
    primary = _primary(deps, ref)
    return [
        ActionRequested(
            meta=event.meta.derive(PRODUCER, "merged"),
            channel="slack",
            audience=deps.product_channel,
            headline=f"Merged into {primary.title}"[:300],
            body=f"{ref} now counts towards {primary.ref}: {primary.votes} people, submitted by {_people(primary)}.",
            facts={"Votes": str(primary.votes), "Merged ideas": ", ".join(primary.merged_from)[:1000]},
            target=Target(kind="idea", id=ref),
            actions=["unmerge"],
            link=primary.url,
        )
    ]


def _unmerge(event: ActionTaken, deps: IdeaDeps, ref: str) -> list[Detail]:
    by = event.actor.name or event.actor.id

    def change() -> list[Idea]:
        duplicate = deps.store.get(ref)
        if duplicate is None:
            raise InvalidInputError(f"unknown idea {ref}")
        if not duplicate.merged_into:
            return []  # a redelivered click: already apart
        primary = deps.store.get(duplicate.merged_into)
        if primary is None:
            raise InvalidInputError(f"{ref} is merged into the unknown idea {duplicate.merged_into}")
        return list(unmerge(duplicate, primary, by=by, at=_stamp(deps)))

    _update(deps, change)
    return []
