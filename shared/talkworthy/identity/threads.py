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
   default, sliding: each mention extends it).
5. **New thread** ``th_<platform>_<post_id>``: stable, so a redelivery cannot start a second one.

Then the post, its platform thread and its URL are recorded against the thread, each with a
put-if-absent, so concurrent first mentions of one platform thread or URL converge on the first
recorded thread (a lower-priority choice gives way to the recorded one); the author/topic pointer
moves to this thread when the mention is the author's latest.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from talkworthy.catalog.mention import Mention

__all__ = [
    "DEFAULT_WINDOW",
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


class ThreadIndex(Protocol):
    """Key → thread id, with atomic put-if-absent; the storage under :class:`IndexedThreadStore`."""

    def get(self, key: str) -> str | None: ...

    def claim(self, key: str, thread_id: str, at: datetime) -> str:
        """Record ``thread_id`` under ``key`` unless something is there; return what is there now."""
        ...

    def claim_topic(self, key: str, thread_id: str, at: datetime, window: timedelta) -> str:
        """The thread under ``key`` if its last activity is within ``window`` of ``at``, else start
        ``thread_id`` there; either way ``at`` counts as activity."""
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
        hint_key = f"hint:{platform}/{mention.thread_hint}" if mention.thread_hint else None
        url_key = f"url:{normalise_url(str(mention.url))}" if mention.url else None
        topic_key = f"topic:{profile_id}/{topic.lower()}"
        # rank: 0 seen (or reserved by a reply), 1 reply, 2 platform thread, 3 URL, 4 author/topic or new
        rank, thread = 0, self._index.get(post_key)
        if thread is None and mention.in_reply_to:
            parent = f"post:{platform}/{mention.in_reply_to}"
            rank, thread = 1, self._index.claim(parent, thread_id_for(platform, mention.in_reply_to), at)
        for key_rank, key in ((2, hint_key), (3, url_key)):
            found = self._index.get(key) if key and thread is None else None
            if found is not None:
                rank, thread = key_rank, found
        topic_thread = None
        if thread is None:
            rank = 4
            topic_thread = self._index.claim_topic(topic_key, thread_id_for(platform, mention.post_id), at, window)
            thread = topic_thread
        for key_rank, key in ((2, hint_key), (3, url_key)):
            if key is None:
                continue
            holder = self._index.claim(key, thread, at)
            if holder != thread and key_rank < rank:  # someone recorded this one first: join them
                rank, thread = key_rank, holder
        thread = self._index.claim(post_key, thread, at)
        if thread != topic_thread:
            self._index.touch_topic(topic_key, thread, at)
        return thread


class InMemoryThreadIndex:
    def __init__(self) -> None:
        self.threads: dict[str, str] = {}
        self._last: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            return self.threads.get(key)

    def claim(self, key: str, thread_id: str, at: datetime) -> str:
        with self._lock:
            return self.threads.setdefault(key, thread_id)

    def claim_topic(self, key: str, thread_id: str, at: datetime, window: timedelta) -> str:
        with self._lock:
            last = self._last.get(key)
            if last is None or abs(at - last) > window:
                self.threads[key], self._last[key] = thread_id, at
            else:
                self._last[key] = max(last, at)
            return self.threads[key]

    def touch_topic(self, key: str, thread_id: str, at: datetime) -> None:
        with self._lock:
            last = self._last.get(key)
            if last is None or at >= last:
                self.threads[key], self._last[key] = thread_id, at


class InMemoryThreadStore(IndexedThreadStore):
    def __init__(self) -> None:
        self.index = InMemoryThreadIndex()
        super().__init__(self.index)
