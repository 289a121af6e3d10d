"""Small text and URL normalisers shared by the pollers (HTML to text, redirects, languages, dates)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "domain_of",
    "http_url",
    "normalise_language",
    "parse_iso",
    "parse_rfc822",
    "squash",
    "strip_html",
    "unwrap_redirect",
]

_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
_BLOCK_TAGS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def squash(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def strip_html(markup: str) -> str:
    """Plain text from an HTML fragment: tags (``<b>`` highlights) dropped, entities unescaped."""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return squash("".join(extractor.parts))


def unwrap_redirect(url: str) -> str:
    """``https://www.google.com/url?...&url=<real>&ct=ga...`` → ``<real>``; any other URL unchanged."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if (host == "google.com" or host.endswith(".google.com")) and parts.path == "/url":
        query = parse_qs(parts.query)
        target = (query.get("url") or query.get("q") or [""])[0]
        if urlsplit(target).scheme in ("http", "https") and urlsplit(target).netloc:
            return target
    return url


def normalise_language(value: str | None) -> str | None:
    """``en-US`` / ``en_us`` / ``EN`` → ``en-US`` / ``en-us`` / ``en``; anything else → None."""
    if not value:
        return None
    primary, _, region = value.strip().replace("_", "-").partition("-")
    candidate = f"{primary.lower()}-{region}" if region else primary.lower()
    return candidate if _LANG.match(candidate) else None


def http_url(value: str) -> str | None:
    parts = urlsplit(value)
    ok = parts.scheme in ("http", "https") and parts.netloc and not any(c.isspace() for c in value)
    return value if ok else None


def domain_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def parse_iso(value: str) -> datetime | None:
    try:
        return _utc(datetime.fromisoformat(value)) if value else None
    except ValueError:
        return None


def parse_rfc822(value: str) -> datetime | None:
    try:
        return _utc(parsedate_to_datetime(value)) if value else None
    except (TypeError, ValueError, IndexError):
        return None
