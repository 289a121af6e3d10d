"""The ideas context's domain: one identity per idea, its store, near-duplicate detection, Canny's API."""

from __future__ import annotations

from talkworthy.ideas.model import HistoryEntry, Idea, Member, idea_ref, merge, unmerge
from talkworthy.ideas.store import IdeaStore, MemoryIdeaStore

__all__ = ["HistoryEntry", "Idea", "IdeaStore", "Member", "MemoryIdeaStore", "idea_ref", "merge", "unmerge"]
