"""An idea as the ideas context keeps it, and the pure rules of voting, merging and unmerging.

Identity: ``<idea_system>:<idea_id>`` (``canny:5f...``, ``discourse:1234``, ``mention:x:1849``), the
same whichever system reported it. People are keyed by their profile in the identity graph when it
knows them (so one person voting on two merged ideas counts once), else by what the idea's system
says about them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from talkworthy.errors import InvalidInputError
from talkworthy.ideas.dedupe import Candidate

__all__ = ["HistoryEntry", "Idea", "Member", "idea_ref", "merge", "unmerge"]


def idea_ref(idea_system: str, idea_id: str) -> str:
    return f"{idea_system}:{idea_id}"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Member(_Model):
    """A submitter or voter: ``key`` is ``profile:<id>`` when resolved, else ``email:<address>``,
    ``handle:<platform>/<handle>`` or ``<system>-user:<id>``."""

    key: str
    name: str | None = None
    email: str | None = None
    handle: str | None = None


class HistoryEntry(_Model):
    at: str
    what: str  # submitted | voted | status | merged_into | absorbed | unmerged | released
    by: str | None = None
    other: str | None = None  # the other idea of a merge
    status: str | None = None
    added: list[str] = Field(default_factory=list)  # member keys the primary gained from the merge
    status_before: str | None = None


class Idea(_Model):
    ref: str
    title: str
    text: str = ""
    url: str | None = None
    status: str = "open"
    submitters: dict[str, Member] = Field(default_factory=dict)
    voters: dict[str, Member] = Field(default_factory=dict)
    merged_into: str | None = None
    merged_from: list[str] = Field(default_factory=list)
    history: list[HistoryEntry] = Field(default_factory=list)
    similar: list[Candidate] = Field(default_factory=list)  # as found when it was submitted, best first
    version: int = 0

    @property
    def system(self) -> str:
        return self.ref.split(":", 1)[0]

    @property
    def system_id(self) -> str:
        return self.ref.split(":", 1)[1]

    @property
    def votes(self) -> int:
        """Counted once per person: a submitter who also voted is one vote."""
        return len(set(self.voters) | set(self.submitters))

    def people(self) -> dict[str, Member]:
        return {**self.voters, **self.submitters}


def merge(duplicate: Idea, primary: Idea, *, by: str, at: str) -> tuple[Idea, Idea]:
    """``duplicate`` folded into ``primary``: people unioned, status mirrored, a one-hop redirect."""
    if duplicate.ref == primary.ref:
        raise InvalidInputError(f"cannot merge {duplicate.ref} into itself")
    if primary.merged_into:
        raise InvalidInputError(f"{primary.ref} is merged into {primary.merged_into}: merge into that one")
    if duplicate.merged_into:
        raise InvalidInputError(f"{duplicate.ref} is already merged into {duplicate.merged_into}")
    if duplicate.merged_from:
        raise InvalidInputError(f"{duplicate.ref} has ideas merged into it ({', '.join(duplicate.merged_from)})")
    added = [key for key in {**duplicate.submitters, **duplicate.voters} if key not in primary.people()]
    new_primary = primary.model_copy(
        update={
            "submitters": {**primary.submitters, **duplicate.submitters},
            "voters": {**primary.voters, **{k: v for k, v in duplicate.voters.items() if k not in primary.submitters}},
            "merged_from": [*primary.merged_from, duplicate.ref],
            "history": [
                *primary.history,
                HistoryEntry(at=at, what="absorbed", by=by, other=duplicate.ref, added=added),
            ],
        }
    )
    new_duplicate = duplicate.model_copy(
        update={
            "merged_into": primary.ref,
            "status": primary.status,
            "history": [
                *duplicate.history,
                HistoryEntry(at=at, what="merged_into", by=by, other=primary.ref, status_before=duplicate.status),
            ],
        }
    )
    return new_duplicate, new_primary


def unmerge(duplicate: Idea, primary: Idea, *, by: str, at: str) -> tuple[Idea, Idea]:
    """Both ideas as they were before the merge, from the history; people who came only with the
    duplicate leave the primary (its own submitters and voters stay)."""
    if duplicate.merged_into != primary.ref:
        raise InvalidInputError(f"{duplicate.ref} is not merged into {primary.ref}")
    merged = next(h for h in reversed(duplicate.history) if h.what == "merged_into" and h.other == primary.ref)
    absorbed = next(h for h in reversed(primary.history) if h.what == "absorbed" and h.other == duplicate.ref)
    leaving = set(absorbed.added)
    restored_primary = primary.model_copy(
        update={
            "submitters": {k: v for k, v in primary.submitters.items() if k not in leaving},
            "voters": {k: v for k, v in primary.voters.items() if k not in leaving},
            "merged_from": [ref for ref in primary.merged_from if ref != duplicate.ref],
            "history": [*primary.history, HistoryEntry(at=at, what="released", by=by, other=duplicate.ref)],
        }
    )
    restored_duplicate = duplicate.model_copy(
        update={
            "merged_into": None,
            "status": merged.status_before or duplicate.status,
            "history": [*duplicate.history, HistoryEntry(at=at, what="unmerged", by=by, other=primary.ref)],
        }
    )
    return restored_duplicate, restored_primary
