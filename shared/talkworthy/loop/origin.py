"""A case's origin from the mention that opened it, and the reply port's view of it."""

from __future__ import annotations

import re

from talkworthy.catalog.cases import CaseOrigin
from talkworthy.catalog.mention import Mention
from talkworthy.replies.port import Origin

__all__ = ["case_origin", "reply_origin"]

# a Discourse post URL: {base}/t/{slug}/{topic id}/{post number}
_DISCOURSE_POST = re.compile(r"/t/[^/]+/(\d+)/(\d+)/?$")


def case_origin(mention: Mention, segment: str | None = None) -> CaseOrigin:
    url = str(mention.url) if mention.url else None
    thread, post_number = mention.thread_hint, None
    if mention.platform == "discourse" and url and (found := _DISCOURSE_POST.search(url)):
        thread, post_number = found.group(1), int(found.group(2))
    return CaseOrigin(
        platform=mention.platform,
        post_id=mention.post_id,
        url=url,
        thread=thread,
        post_number=post_number,
        handle=mention.author.handle,
        name=mention.author.name,
        email=mention.author.email,
        segment=segment,
    )


def reply_origin(origin: CaseOrigin, email: str | None = None) -> Origin:
    """What a reply port needs; ``email`` (the closing system's requester) when the origin had none."""
    return Origin(
        platform=origin.platform,
        post_id=origin.post_id,
        url=origin.url,
        thread=origin.thread,
        post_number=origin.post_number,
        handle=origin.handle,
        email=origin.email or email,
    )
