"""Identity items on the mesh table (``pk``/``sk``, GSI ``gsi1``, TTL ``expires_at``), and reading them.

=====================  ========================  ====================  =====================================
item                   pk                        sk                    holds
=====================  ========================  ====================  =====================================
profile                ``PROFILE#<profile_id>``  ``PROFILE``           crm_system, crm_contact_id, tier,
                                                                       counters, last_support_at,
                                                                       crm_checked_at, merged_into (tombstone)
link                   ``PROFILE#<profile_id>``  ``LINK#<ref>``        kind, value, evidence, confidence,
                                                                       created_at, confirmed, confirmed_by
merge candidate        ``PROFILE#<profile_id>``  ``CANDIDATE#<other>`` evidence, confidence, created_at
rejected link          ``PROFILE#<profile_id>``  ``REJECTED#<ref>``    actor, at (a person undid it)
handle / e-mail index  ``IDENTITY#<ref>``        ``IDENTITY``          profile_id
interaction guard      ``INTERACTION#<key>``     ``INTERACTION``       profile_id, expires_at (TTL, 35 days)
=====================  ========================  ====================  =====================================

``<ref>`` is ``handle:<platform>/<handle>`` or ``email:<address>``. A profile linked to a CRM
contact carries ``gsi1pk = IDENTITY#crm:<system>/<contact_id>``, ``gsi1sk = PROFILE#<profile_id>``
(sparse: only linked profiles are in the index), so a CRM-side event finds its profile. An
interaction guard outlives the bus archive's 30 days, so a replay does not count an event twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from talkworthy.identity.model import Link, MergeCandidate, Profile, StoredProfile, utc_iso

__all__ = ["candidate_item", "head_key", "index_key", "link_item", "pk", "read_profile"]


def pk(profile_id: str) -> str:
    return f"PROFILE#{profile_id}"


def head_key(profile_id: str) -> dict[str, str]:
    """The profile item itself."""
    return {"pk": pk(profile_id), "sk": "PROFILE"}


def index_key(ref: str) -> dict[str, str]:
    """The index entry of a handle or e-mail ref."""
    return {"pk": f"IDENTITY#{ref}", "sk": "IDENTITY"}


def _number(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))


def link_item(profile_id: str, link: Link) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": pk(profile_id),
        "sk": f"LINK#{link.ref}",
        "kind": link.kind,
        "value": link.value,
        "evidence": list(link.evidence),
        "confidence": _number(link.confidence),
        "created_at": utc_iso(link.created_at),
        "confirmed": link.confirmed,
    }
    if link.confirmed_by is not None:
        item["confirmed_by"] = link.confirmed_by
    return item


def candidate_item(profile_id: str, candidate: MergeCandidate) -> dict[str, Any]:
    return {
        "pk": pk(profile_id),
        "sk": f"CANDIDATE#{candidate.profile_id}",
        "other": candidate.profile_id,
        "evidence": list(candidate.evidence),
        "confidence": _number(candidate.confidence),
        "created_at": utc_iso(candidate.created_at),
    }


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def read_profile(profile_id: str, items: Iterable[dict[str, Any]]) -> StoredProfile | None:
    """The stored profile from the items of its partition; ``None`` without a profile item."""
    head: dict[str, Any] | None = None
    links: list[Link] = []
    candidates: list[MergeCandidate] = []
    rejected: set[str] = set()
    for item in items:
        sk = str(item["sk"])
        if sk == "PROFILE":
            head = item
        elif sk.startswith("LINK#"):
            links.append(
                Link(
                    kind=item["kind"],
                    value=item["value"],
                    evidence=list(item.get("evidence", [])),
                    confidence=float(item["confidence"]),
                    created_at=datetime.fromisoformat(item["created_at"]),
                    confirmed=bool(item.get("confirmed", False)),
                    confirmed_by=item.get("confirmed_by"),
                )
            )
        elif sk.startswith("CANDIDATE#"):
            candidates.append(
                MergeCandidate(
                    profile_id=item["other"],
                    evidence=list(item.get("evidence", [])),
                    confidence=float(item["confidence"]),
                    created_at=datetime.fromisoformat(item["created_at"]),
                )
            )
        elif sk.startswith("REJECTED#"):
            rejected.add(sk.removeprefix("REJECTED#"))
    if head is None:
        return None
    links.sort(key=lambda link: (link.kind, link.value))
    candidates.sort(key=lambda candidate: candidate.profile_id)
    profile = Profile(
        profile_id=profile_id,
        handles=[link.value for link in links if link.kind == "handle"],
        emails=[link.value for link in links if link.kind == "email"],
        crm_system=head.get("crm_system"),
        crm_contact_id=head.get("crm_contact_id"),
        tier=head.get("tier"),
        mention_count=int(head.get("mention_count", 0)),
        support_contacts=int(head.get("support_contacts", 0)),
        last_support_at=_when(head.get("last_support_at")),
        links=links,
        candidates=candidates,
    )
    merged_into = head.get("merged_into")
    return StoredProfile(
        profile,
        merged_into=str(merged_into) if merged_into else None,
        crm_checked_at=_when(head.get("crm_checked_at")),
        rejected=frozenset(rejected),
    )
