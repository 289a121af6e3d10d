"""Where ideas live: the port, and an in-memory store for tests and the bench.

Writes are optimistic: an idea carries the ``version`` it was read at, :meth:`IdeaStore.save`
writes all the ideas it is given together or none of them (a merge changes two), and fails when
any of them changed since it was read; the caller reads again and re-applies its change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from talkworthy.ideas.model import Idea

__all__ = ["IdeaStore", "MemoryIdeaStore"]


class IdeaStore(Protocol):
    def get(self, ref: str) -> Idea | None: ...

    def get_many(self, refs: Sequence[str]) -> dict[str, Idea]:
        """Each of ``refs`` (up to 100; unknown ones left out), read as :meth:`get` reads one."""
        ...

    def save(self, ideas: Sequence[Idea]) -> bool:
        """Write every idea (version + 1) if none changed since read (version 0: did not exist)."""
        ...

    def claim_notice(self, ref: str, status: str, person: str, event_key: str) -> bool:
        """Whether ``person`` is to be told that ``ref`` is now ``status``: true the first time, and
        again for the same ``event_key`` (a retried event publishes the notice it claimed)."""
        ...


class MemoryIdeaStore:
    def __init__(self) -> None:
        self.ideas: dict[str, Idea] = {}
        self.notices: dict[tuple[str, str, str], str] = {}

    def get(self, ref: str) -> Idea | None:
        found = self.ideas.get(ref)
        return found.model_copy(deep=True) if found else None

    def get_many(self, refs: Sequence[str]) -> dict[str, Idea]:
        return {ref: idea for ref in refs if (idea := self.get(ref)) is not None}

    def save(self, ideas: Sequence[Idea]) -> bool:
        for idea in ideas:
            current = self.ideas.get(idea.ref)
            if (current.version if current else 0) != idea.version:
                return False
        for idea in ideas:
            self.ideas[idea.ref] = idea.model_copy(update={"version": idea.version + 1}, deep=True)
        return True

    def claim_notice(self, ref: str, status: str, person: str, event_key: str) -> bool:
        return self.notices.setdefault((ref, status, person), event_key) == event_key
