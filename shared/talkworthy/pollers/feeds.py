"""Safe RSS 2.0 / Atom 1.0 parsing into :class:`Mention` objects, Google Alerts aware.

XML goes through ``defusedxml``: entity declarations (billion laughs, XXE) and external references
raise :class:`UnsafeFeedError` before anything is expanded or fetched. Google Alerts' feed shape:
the team handbook's WEBHOOKS.md §B10 (not in this repository).
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException
from pydantic import ValidationError

from talkworthy.catalog.mention import Author, Mention
from talkworthy.errors import InvalidInputError
from talkworthy.pollers.normalise import (
    domain_of,
    http_url,
    normalise_language,
    parse_iso,
    parse_rfc822,
    squash,
    strip_html,
    unwrap_redirect,
)

__all__ = ["MAX_FEED_BYTES", "FeedError", "UnsafeFeedError", "parse_feed"]

logger = logging.getLogger(__name__)

MAX_FEED_BYTES = 5_000_000
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_RSS_AUTHOR = re.compile(r"^\s*([^\s@()]+@[^\s()]+)\s*(?:\((.*)\))?\s*$")


class FeedError(InvalidInputError):
    """The document is not well-formed XML, or not an RSS 2.0 / Atom 1.0 feed."""


class UnsafeFeedError(FeedError):
    """The feed declares entities or references external resources; refused, nothing expanded."""


def parse_feed(data: bytes, *, now: datetime, source_tool: str | None = None) -> list[Mention]:
    """Every usable entry of an Atom or RSS feed, in document order. Bad entries are logged and left out."""
    root = _parse_xml(data)
    if root.tag == f"{ATOM}feed":
        tool = source_tool or _atom_tool(root)
        items = [_atom_entry(entry, root, tool, now) for entry in root.findall(f"{ATOM}entry")]
    elif root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise FeedError("RSS document has no <channel>")
        items = [_rss_item(item, channel, source_tool or "rss", now) for item in channel.findall("item")]
    else:
        raise FeedError(f"not an RSS 2.0 or Atom 1.0 feed (root element {root.tag!r})")
    return [item for item in items if item is not None]


def _parse_xml(data: bytes) -> Element:
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(f"feed is larger than {MAX_FEED_BYTES} bytes")
    try:
        root: Element = SafeElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True)
    except DefusedXmlException as err:
        raise UnsafeFeedError(f"feed refused: forbidden XML construct ({type(err).__name__}: {err})") from err
    except ParseError as err:
        raise FeedError(f"feed is not well-formed XML: {err}") from err
    return root


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _atom_text(element: Element | None) -> str:
    if element is None:
        return ""
    kind = element.get("type", "text")
    if kind == "xhtml":
        return squash("".join(element.itertext()))
    if kind == "html":
        return strip_html(element.text or "")
    return squash(element.text or "")


def _atom_tool(feed: Element) -> str:
    feed_id = _text(feed.find(f"{ATOM}id"))
    first = _text(feed.find(f"{ATOM}entry/{ATOM}id"))
    google = "com.google/alerts" in feed_id or first.startswith("tag:google.com,2013:googlealerts")
    return "google_alerts" if google else "rss"


def _atom_link(element: Element) -> str:
    for link in element.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href", "").strip()
    return ""


def _atom_entry(entry: Element, feed: Element, tool: str, now: datetime) -> Mention | None:
    author = _text(entry.find(f"{ATOM}author/{ATOM}name")) or _text(feed.find(f"{ATOM}author/{ATOM}name"))
    published, updated = _text(entry.find(f"{ATOM}published")), _text(entry.find(f"{ATOM}updated"))
    posted = parse_iso(published) or parse_iso(updated)
    return _mention(
        tool=tool,
        entry_id=_text(entry.find(f"{ATOM}id")),
        link=_atom_link(entry),
        title=_atom_text(entry.find(f"{ATOM}title")),
        text=_atom_text(entry.find(f"{ATOM}content")) or _atom_text(entry.find(f"{ATOM}summary")),
        author=author,
        email="",
        language=entry.get(XML_LANG) or feed.get(XML_LANG) or "",
        posted_at=posted or now,
        fallback_host=domain_of(_atom_link(feed)),
    )


def _rss_item(item: Element, channel: Element, tool: str, now: datetime) -> Mention | None:
    email, name = "", _text(item.find(f"{DC}creator"))
    match = _RSS_AUTHOR.match(_text(item.find("author")))
    if match:
        email, name = match.group(1), name or (match.group(2) or "").strip()
    posted = parse_rfc822(_text(item.find("pubDate"))) or parse_iso(_text(item.find(f"{DC}date")))
    link = _text(item.find("link"))
    return _mention(
        tool=tool,
        entry_id=_text(item.find("guid")) or link,
        link=link,
        title=strip_html(_text(item.find("title"))),
        text=strip_html(_text(item.find(f"{CONTENT}encoded")) or _text(item.find("description"))),
        author=name,
        email=email,
        language=_text(channel.find("language")),
        posted_at=posted or now,
        fallback_host=domain_of(_text(channel.find("link"))),
    )


def _mention(
    *,
    tool: str,
    entry_id: str,
    link: str,
    title: str,
    text: str,
    author: str,
    email: str,
    language: str,
    posted_at: datetime,
    fallback_host: str,
) -> Mention | None:
    url = http_url(unwrap_redirect(link)) if link else None
    post_id = entry_id or url or ""
    body = text or title or url or ""
    if not post_id or not body:
        logger.warning("feed entry without id or text skipped (title=%r)", title[:80])
        return None
    if len(post_id) > 500:
        post_id = "sha256:" + hashlib.sha256(post_id.encode()).hexdigest()
    handle = author or domain_of(url or "") or fallback_host or "unknown"
    try:
        return Mention(
            source_tool=tool,
            platform="web",
            post_id=post_id,
            url=url,
            author=Author(handle=handle[:200], name=author or None, email=email[:320] or None),
            title=title[:1000] or None,
            text=body[:40_000],
            language=normalise_language(language),
            posted_at=posted_at,
        )
    except ValidationError as err:
        logger.warning("feed entry %s skipped: %s", post_id, err)
        return None
