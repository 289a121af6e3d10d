"""Conversation threads: which mentions belong to one conversation.

:meth:`IndexedThreadStore.assign_thread` tries these rules in order; the first that matches wins.

0. **Seen before.** A post that already has a thread keeps it, so a redelivered mention gets the
   same thread id whatever happened in between (its platform thread, URL and topic are still
   recorded, which matters for a parent that a reply reserved, below).
1. **Reply.** ``in_reply_to`` names the parent post on the same platform: the reply joins the
   parent's thread. If the parent has not arrived yet, the reply reserves the parent's own thread
   id (``th_<platform>_<parent>``) for it, so the two meet whichever arrives first.
2. **Platform thread.** The same ``thread_hint`` (the platform's topic/conversation id) on the same
   platform is the same thread.
3. **Same URL.** Mentions of one URL (fragment and ``utm_*`` parameters ignored) are one thread:
   the same article reported twice, comments on one page.
4. **Same author, same topic, within the window.** The author's (profile's) latest thread on
   ``topic`` (e.g. the intent) if its last mention is within ``window`` of this one (48 h by
   default, sliding: each mention extends it). A mention older than the author's latest activity
   on the topic by more than ``window`` (a very late delivery) gets a thread of its own (rule 5)
   and leaves the author's latest thread where it is.
5. **New thread** ``th_<platform>_<post_id>``: stable, so a redelivery cannot start a second one.

Then the post, its platform thread and its URL are recorded against the thread, each with a
put-if-absent, so concurrent first mentions of one platform thread or URL converge on the first
recorded thread (a lower-priority choice gives way to the recorded one); the author/topic pointer
moves to this thread when the mention is the author's latest.

What each mention reads and writes: the keys of the post, the parent post, the platform thread,
the URL and the author/topic, all in one consistent read (a reply may have reserved the post's key
a moment ago, and everything else depends on it). What that read showed can only be overtaken by
concurrent writers, never undone: post, parent, platform-thread and URL keys never change once
written, and a key not seen is written with a put-if-absent that hands back whoever got there
first; the author/topic key changes only through conditional writes and its last activity only
ever moves forward, so "a later mention already moved it" stays true once read. A key the read
showed already holding the thread is not written again, and the author/topic key is not written
when that would change nothing (a redelivery) or when a later mention already moved it. A new
thread therefore costs one read and one write per key it records; a redelivered mention costs the
read alone.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from talkworthy.catalog.mention import Mention

__all__ = [
    "DEFAULT_WINDOW",
    "Entry",
    "InMemoryThreadIndex",
    "InMemoryThreadStore",
    "IndexedThreadStore",
    "ThreadIndex",
    "ThreadStore",
    "normalise_url",
    "thread_id_for",
]

DEFAULT_WINDOW = timedelta(hours=48)


class ThreadStore(Protocol):
    def assign_thread(
        self, mention: Mention, profile_id: str, topic: str, window: timedelta = DEFAULT_WINDOW
    ) -> str: ...


@dataclass(frozen=True)
class Entry:
    """What the index holds under one key: the thread, and for an author/topic key its last activity."""

    thread_id: str
    last_at: datetime | None = None


class ThreadIndex(Protocol):
    """Key → thread id, with atomic put-if-absent; the storage under :class:`IndexedThreadStore`."""

    def read(self, keys: Sequence[str]) -> dict[str, Entry]:
        """What is under each of ``keys`` now (absent ones left out), in one consistent read."""
        ...

    def claim(self, key: str, thread_id: str, at: datetime) -> str:
        """Record ``thread_id`` under ``key`` unless something is there; return what is there now."""
        ...

    def claim_topic(self, key: str, thread_id: str, at: datetime, window: timedelta, seen: Entry | None) -> str:
        """The thread under ``key`` if its last activity is within ``window`` of ``at`` (``at`` then
        counts as activity); else ``thread_id``, started there unless the last activity is later
        than ``at + window`` (the last activity never moves back). ``seen`` is what :meth:`read`
        showed under ``key``: it saves a write when it already says enough, and a write made from
        it is conditional on its still holding."""
        ...

    def touch_topic(self, key: str, thread_id: str, at: datetime) -> None:
        """Point ``key`` at ``thread_id`` unless it already saw activity later than ``at``."""
        ...


def thread_id_for(platform: str, post_id: str) -> str:
    return f"th_{platform}_{post_id}"


def normalise_url(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith("utm_")]
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query), ""))


class IndexedThreadStore:
    """The rules above over any :class:`ThreadIndex`."""

    def __init__(self, index: ThreadIndex) -> None:
        self._index = index

    def assign_thread(self, mention: Mention, profile_id: str, topic: str, window: timedelta = DEFAULT_WINDOW) -> str:
        platform, at = mention.platform.lower(), mention.posted_at
        post_key = f"post:{platform}/{mention.post_id}"
        parent_key = f"post:{platform}/{mention.in_reply_to}" if mention.in_reply_to else None
        hint_key = f"hint:{platform}/{mention.thread_hint}" if mention.thread_hint else None
        url_key = f"url:{normalise_url(str(mention.url))}" if mention.url else None
        topic_key = f"topic:{profile_id}/{topic.lower()}"
        keys = [key for key in (post_key, parent_key, hint_key, url_key, topic_key) if key]
        seen = self._index.read(list(dict.fromkeys(keys)))
        post = seen.get(post_key)
        # rank: 0 seen (or reserved by a reply), 1 reply, 2 platform thread, 3 URL, 4 author/topic or new
        rank, thread = 0, post.thread_id if post else None
        if thread is None and parent_key and mention.in_reply_to:
            parent = seen.get(parent_key)
            own = thread_id_for(platform, mention.in_reply_to)
            rank, thread = 1, parent.thread_id if parent else self._index.claim(parent_key, own, at)
        for key_rank, key in ((2, hint_key), (3, url_key)):
            found = seen.get(key) if key and thread is None else None
            if found is not None:
                rank, thread = key_rank, found.thread_id
        topic_thread = None
        if thread is None:
            rank = 4
            new = thread_id_for(platform, mention.post_id)
            topic_thread = self._index.claim_topic(topic_key, new, at, window, seen.get(topic_key))
            thread = topic_thread
        for key_rank, key in ((2, hint_key), (3, url_key)):
            if key is None:
                continue
            recorded = seen.get(key)
            holder = recorded.thread_id if recorded else self._index.claim(key, thread, at)
            if holder != thread and key_rank < rank:  # someone recorded this one first: join them
                rank, thread = key_rank, holder
        thread = post.thread_id if post else self._index.claim(post_key, thread, at)
        # touching the author/topic key would change nothing: a later mention already moved it, or it
        # already points at ``thread`` as of ``at`` (a redelivery); both stay true once read
        settled = topic_thread is None and _nothing_to_do(seen.get(topic_key), thread, at)
        if thread != topic_thread and not settled:
            self._index.touch_topic(topic_key, thread, at)
        return thread


def _nothing_to_do(topic: Entry | None, thread: str, at: datetime) -> bool:
    if topic is None or topic.last_at is None:
        return False
    return topic.last_at > at or (topic.last_at == at and topic.thread_id == thread)


class InMemoryThreadIndex:
    def __init__(self) -> None:
        self.threads: dict[str, str] = {}
        self._last: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def read(self, keys: Sequence[str]) -> dict[str, Entry]:
        with self._lock:
            return {key: entry for key in keys if (entry := self._entry(key)) is not None}

    def claim(self, key: str, thread_id: str, at: datetime) -> str:
        with self._lock:
            return self.threads.setdefault(key, thread_id)

    def claim_topic(self, key: str, thread_id: str, at: datetime, window: timedelta, seen: Entry | None) -> str:
        with self._lock:  # always current here: ``seen`` is not needed
            last = self._last.get(key)
            if last is None or at - last > window:
                self.threads[key], self._last[key] = thread_id, at
            elif last - at > window:  # far older than the author's latest: a thread of its own
                return thread_id
            else:
                self._last[key] = max(last, at)
            return self.threads[key]

    def touch_topic(self, key: str, thread_id: str, at: datetime) -> None:
        with self._lock:
            last = self._last.get(key)
            if last is None or at >= last:
                self.threads[key], self._last[key] = thread_id, at

    def _entry(self, key: str) -> Entry | None:
        thread = self.threads.get(key)
        return Entry(thread, self._last.get(key)) if thread is not None else None


class InMemoryThreadStore(IndexedThreadStore):
    def __init__(self) -> None:
        self.index = InMemoryThreadIndex()
        super().__init__(self.index)
