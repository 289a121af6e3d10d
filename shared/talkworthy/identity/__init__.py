"""Who an author is (identity graph), which conversation a mention belongs to, and what they are worth.

State lives in the mesh table (keys: :mod:`talkworthy.keys`; layouts: :mod:`.graph_items`,
:mod:`.threads_dynamodb`), in the cloud and in local runs alike (there on the embedded AWS); the
in-memory versions run the same rules for unit tests.
"""

from __future__ import annotations

from talkworthy.identity.graph import StoredIdentityGraph
from talkworthy.identity.graph_dynamodb import DynamoDbIdentityGraph, DynamoDbProfileStore
from talkworthy.identity.graph_memory import InMemoryIdentityGraph, InMemoryProfileStore
from talkworthy.identity.model import InteractionKind, Link, LinkKind, MergeCandidate, Profile
from talkworthy.identity.port import CrmLookup, IdentityGraph, Resolution
from talkworthy.identity.segment import crm_tier, segment_for
from talkworthy.identity.store import ProfileStore
from talkworthy.identity.threads import (
    DEFAULT_WINDOW,
    IndexedThreadStore,
    InMemoryThreadStore,
    ThreadStore,
    thread_id_for,
)
from talkworthy.identity.threads_dynamodb import DynamoDbThreadStore

__all__ = [
    "DEFAULT_WINDOW",
    "CrmLookup",
    "DynamoDbIdentityGraph",
    "DynamoDbProfileStore",
    "DynamoDbThreadStore",
    "IdentityGraph",
    "InMemoryIdentityGraph",
    "InMemoryProfileStore",
    "InMemoryThreadStore",
    "IndexedThreadStore",
    "InteractionKind",
    "Link",
    "LinkKind",
    "MergeCandidate",
    "Profile",
    "ProfileStore",
    "Resolution",
    "StoredIdentityGraph",
    "ThreadStore",
    "crm_tier",
    "segment_for",
    "thread_id_for",
]
