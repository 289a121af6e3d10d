"""Client for a Mention.com-style listening API: new mentions of one alert since a ``since_id``.

Shape followed (dev.mention.com "Fetch mentions", Accept-Version 1.19):
``GET {base}/accounts/{account_id}/alerts/{alert_id}/mentions?since_id=&limit=`` with
``Authorization: Bearer <token>``; the body is ``{"mentions": [...], "_links": {"more": {"href": ...}}}``
and ``more.href`` (host-relative) points at the next, older page. ``since_id`` returns mentions with
a higher id, ordered by id ("the order in which they have been found"), so the cursor is the
highest id seen, not a date. Paging stops at the first id not newer than ``since_id``. Retries,
429 ``Retry-After`` and error translation come from :class:`talkworthy.http.HttpClient`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from pydantic import ValidationError

from talkworthy.catalog.mention import Author, Engagement, Mention
from talkworthy.errors import PermanentError, RetryableError
from talkworthy.http import HttpClient
from talkworthy.pollers.config import MENTION_API_BASE_URL
from talkworthy.pollers.normalise import domain_of, http_url, normalise_language, parse_iso, squash

__all__ = ["API_VERSION", "MentionApiClient", "MentionBatch", "is_newer", "to_mention"]

logger = logging.getLogger(__name__)

API_VERSION = "1.19"
SOURCE_TOOL = "mention"
_SOCIAL = frozenset({"twitter", "facebook", "instagram", "reddit", "linkedin", "youtube", "tiktok", "pinterest"})
_WEB = frozenset({"web", "news", "blogs", "blog", "forums", "images", "reviews", "podcasts"})


@dataclass(frozen=True)
class MentionBatch:
    """What one poll found: mentions newer than the cursor, newest first, and the next cursor."""

    mentions: list[Mention] = field(default_factory=list)
    newest_id: str | None = None
    truncated: bool = False
    rejected: int = 0


def is_newer(candidate: str, since_id: str) -> bool:
    """Mention ids are numeric strings; compare them as numbers (fall back to text order)."""
    if candidate.isdigit() and since_id.isdigit():
        return int(candidate) > int(since_id)
    return candidate > since_id


def _id_key(mention_id: str) -> tuple[int, str]:
    return (int(mention_id), "") if mention_id.isdigit() else (-1, mention_id)


class MentionApiClient:
    def __init__(
        self,
        http: HttpClient,
        access_token: str,
        *,
        base_url: str = MENTION_API_BASE_URL,
        page_limit: int = 100,
        max_pages: int = 10,
        api_version: str = API_VERSION,
    ) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._origin = urlsplit(self._base_url)[:2]
        self._page_limit = page_limit
        self._max_pages = max_pages
        self._headers = {
            "Authorization": f"Bearer {access_token}",
            "Accept": "application/json",
            "Accept-Version": api_version,
        }

    def fetch_new(self, account_id: str, alert_id: str, since_id: str | None) -> MentionBatch:
        path = f"/accounts/{quote(account_id, safe='')}/alerts/{quote(alert_id, safe='')}/mentions"
        params: dict[str, str | int] | None = {"limit": self._page_limit}
        if since_id and params is not None:
            params["since_id"] = since_id
        next_url: str | None = self._base_url + path
        found: dict[str, Mapping[str, Any]] = {}
        rejected = pages = 0
        while next_url is not None and pages < self._max_pages:
            payload = self._get_json(next_url, params)
            pages, params = pages + 1, None  # the more link carries its own query
            items = payload.get("mentions")
            if not isinstance(items, list):
                raise PermanentError(f"Mention API page {next_url} has no 'mentions' list")
            reached_known = False
            for item in items:
                mention_id = str(item.get("id") or "") if isinstance(item, Mapping) else ""
                if not mention_id:
                    rejected += 1
                elif since_id and not is_newer(mention_id, since_id):
                    reached_known = True
                else:
                    found.setdefault(mention_id, item)
            next_url = None if reached_known or not items else self._more_url(payload)
        if next_url is not None:
            logger.warning("alert %s: stopped after %d pages, older new mentions not fetched", alert_id, pages)
        mentions = [mention for mention in map(to_mention, found.values()) if mention is not None]
        newest = max(found, key=_id_key, default=None)
        return MentionBatch(
            mentions=mentions,
            newest_id=newest,
            truncated=next_url is not None,
            rejected=rejected + len(found) - len(mentions),
        )

    def _get_json(self, url: str, params: Mapping[str, str | int] | None) -> Mapping[str, Any]:
        response = self._http.request("GET", url, params=params, headers=self._headers)
        try:
            payload = response.json()
        except ValueError as err:
            raise RetryableError(f"Mention API answered non-JSON for {url}") from err
        if not isinstance(payload, dict):
            raise PermanentError(f"Mention API answered {type(payload).__name__} for {url}, not an object")
        return payload

    def _more_url(self, payload: Mapping[str, Any]) -> str | None:
        links = payload.get("_links")
        more = links.get("more") if isinstance(links, Mapping) else None
        href = more.get("href") if isinstance(more, Mapping) else None
        if not isinstance(href, str) or not href:
            return None
        resolved = urljoin(self._base_url + "/", href)
        if urlsplit(resolved)[:2] != self._origin:
            # The bearer token must never follow a link to another host.
            raise PermanentError(f"Mention API pagination link {resolved!r} leaves {self._base_url}")
        return resolved


def _platform(source_type: str, url: str) -> str:
    kind = source_type.lower()
    if kind in _SOCIAL:
        return kind
    if kind == "videos" and domain_of(url) in ("youtube.com", "m.youtube.com", "youtu.be"):
        return "youtube"
    if kind in _WEB or kind == "videos" or not kind.isidentifier():
        return "web"
    return kind


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _engagement(raw: Mapping[str, Any]) -> Engagement:
    data = raw.get("engagement")
    if not isinstance(data, Mapping):
        return Engagement()
    replies = _count(data.get("replies"))
    return Engagement(
        likes=_count(data.get("likes")) or 0,
        shares=_count(data.get("shares")) or 0,
        replies=(replies if replies is not None else _count(data.get("comments"))) or 0,
    )


def _author(raw: Mapping[str, Any], platform: str, url: str) -> Author:
    """``author_influence`` is the account for social posts; articles are attributed to their site."""
    influence = raw.get("author_influence")
    author: Mapping[str, Any] = influence if isinstance(influence, Mapping) else {}
    site = domain_of(url) if platform == "web" else ""
    handle = str(author.get("name") or site or raw.get("source_name") or domain_of(url) or "unknown")
    name = author.get("realname") or (None if author.get("name") else raw.get("source_name"))
    followers = _count(author.get("followers"))
    return Author(
        handle=handle[:200],
        platform_user_id=str(author.get("author_unique_id") or "") or None,
        name=str(name) if name else None,
        audience=followers if followers is not None else _count(author.get("followers_count")),
        profile_url=http_url(str(author.get("url") or "")),
    )


def to_mention(raw: Mapping[str, Any]) -> Mention | None:
    """One API mention → :class:`Mention`; None (logged) when it lacks an id, a date or any text."""
    url = http_url(str(raw.get("original_url") or "")) or None
    title = squash(str(raw.get("title") or ""))
    text = squash(str(raw.get("description") or raw.get("description_medium") or "")) or title or url
    posted_at = parse_iso(str(raw.get("published_at") or raw.get("created_at") or ""))
    platform = _platform(str(raw.get("source_type") or ""), url or "")
    parent = raw.get("parent_id")
    try:
        if not text or posted_at is None:
            raise ValueError("no text or no published_at")
        return Mention(
            source_tool=SOURCE_TOOL,
            platform=platform,
            post_id=str(raw["id"]),
            url=url,
            author=_author(raw, platform, url or ""),
            title=title[:1000] or None,
            text=text[:40_000],
            language=normalise_language(str(raw.get("language_code") or raw.get("language") or "")),
            posted_at=posted_at,
            in_reply_to=str(parent) if parent else None,
            engagement=_engagement(raw),
        )
    except (KeyError, ValueError, ValidationError) as err:
        logger.warning("Mention API mention %s skipped: %s", raw.get("id"), err)
        return None
