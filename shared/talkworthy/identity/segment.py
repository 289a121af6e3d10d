"""The customer value segment of a profile, for routing (segment, channel, intent, influence).

:func:`segment_for` decides, first match wins:

=====================================================  ============  ===========
what is known                                          tier          basis
=====================================================  ============  ===========
nothing (no profile, or one with no handle, e-mail,    ``unknown``   ``default``
CRM contact or interaction left, e.g. all links undone)
a CRM contact                                          from its      ``crm``
                                                       vendor tier
no CRM contact, but support contacts on record         ``standard``  ``history``
(served by support: a customer the CRM did not match)
no CRM contact, nothing else                           ``prospect``  ``default``
=====================================================  ============  ===========

Vendor tiers map by word, case-insensitively: Enterprise, Platinum, VIP, Strategic, Diamond →
``vip``; Gold, Premium, High → ``high``; anything else, or no tier, → ``standard``
(so "Platinum Plus" is vip and "Tier 3" is standard). Pass ``tiers`` to override the words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from talkworthy.catalog.mention import Segment
from talkworthy.identity.model import Profile

__all__ = ["DEFAULT_TIERS", "crm_tier", "segment_for"]

CrmTier = Literal["vip", "high", "standard"]

DEFAULT_TIERS: Mapping[str, CrmTier] = {
    "enterprise": "vip",
    "platinum": "vip",
    "vip": "vip",
    "strategic": "vip",
    "diamond": "vip",
    "gold": "high",
    "premium": "high",
    "high": "high",
}
_RANK: Mapping[CrmTier, int] = {"vip": 0, "high": 1, "standard": 2}


def crm_tier(vendor_tier: str | None, tiers: Mapping[str, CrmTier] = DEFAULT_TIERS) -> CrmTier:
    """The segment tier for a vendor's tier name; the highest any of its words maps to."""
    words = re.findall(r"[a-z0-9]+", (vendor_tier or "").lower())
    found: list[CrmTier] = [tiers[word] for word in words if word in tiers]
    return min(found, key=_RANK.__getitem__, default="standard")


def segment_for(profile: Profile | None, tiers: Mapping[str, CrmTier] = DEFAULT_TIERS) -> Segment:
    if profile is None or not (
        profile.handles or profile.emails or profile.crm_contact_id or profile.mention_count or profile.support_contacts
    ):
        return Segment(tier="unknown", basis="default")
    if profile.crm_contact_id:
        return Segment(tier=crm_tier(profile.tier, tiers), basis="crm")
    if profile.support_contacts > 0:
        return Segment(tier="standard", basis="history")
    return Segment(tier="prospect", basis="default")
