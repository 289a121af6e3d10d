from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from talkworthy.errors import InvalidInputError
from talkworthy.pollers.feeds import MAX_FEED_BYTES, FeedError, UnsafeFeedError, parse_feed
from talkworthy.pollers.normalise import normalise_language, strip_html, unwrap_redirect

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
Sample = Callable[[str], bytes]


@pytest.fixture
def alerts(sample: Sample) -> list:
    return parse_feed(sample("google_alerts.atom.xml"), now=NOW)


def test_google_alerts_entries_become_web_mentions(alerts: list) -> None:
    assert len(alerts) == 5
    assert {m.source_tool for m in alerts} == {"google_alerts"}
    assert {m.platform for m in alerts} == {"web"}
    first = alerts[0]
    assert first.post_id == "tag:google.com,2013:googlealerts/feed:16014391620345178112"
    assert first.posted_at == datetime(2026, 3, 12, 8, 55, 12, tzinfo=UTC)


def test_google_redirect_unwrapped_to_canonical_article(alerts: list) -> None:
    first, _, forum = alerts[0], alerts[1], alerts[2]
    assert str(first.url) == "https://www.gazette.example/business/2026/03/12/acme-recalls-roadrunner-3000/"
    # The article's own query string was percent-encoded inside url=; ct=/cd=/usg= are dropped.
    assert str(forum.url) == "https://forum.gadgettalk.example/showthread.php?t=88123&page=2"
    assert all("google.com" not in str(m.url) for m in alerts)


def test_highlight_markup_stripped_and_entities_unescaped(alerts: list) -> None:
    first, second = alerts[0], alerts[1]
    assert first.title == "Acme Corp recalls Roadrunner 3000 blenders after lid complaints"
    assert second.title == "Why I switched back to Acme anvils (and won't look back)"
    assert "cracks & leaks. ..." in first.text
    assert 'Acme gets right about "heavy" ...' in second.text
    leftovers = [
        marker
        for mention in alerts
        for text in (mention.title, mention.text)
        for marker in ("<b>", "</b>", "&amp;", "&nbsp;", "&#39;", "&quot;")
        if marker in text
    ]
    assert leftovers == []
    # Escaped twice in the feed, so the author's literal "<diagram>" survives as text.
    assert "step 7 <diagram>" in alerts[4].text


def test_author_handle_is_the_article_domain_when_feed_has_no_author(alerts: list) -> None:
    assert [m.author.handle for m in alerts] == [
        "gazette.example",
        "blog.desertworkshop.example",
        "forum.gadgettalk.example",
        "news.southwesttrade.example",
        "toyreviewer.example",
    ]
    assert all(m.author.name is None for m in alerts)


def test_rss_items_parse_with_guid_creator_date_and_language(sample: Sample) -> None:
    items = parse_feed(sample("blog.rss.xml"), now=NOW)
    assert [m.post_id for m in items] == [
        "https://blog.desertworkshop.example/?p=4812",
        "https://blog.desertworkshop.example/2026/03/acme-rocket-skates-support",  # no guid: link
        "https://blog.desertworkshop.example/2026/03/notes-week-10",
    ]
    anvils, skates, notes = items
    assert {m.source_tool for m in items} == {"rss"}
    assert anvils.author.handle == "Wile E. Coyote"
    assert anvils.text == (
        "After two years with a cheaper brand, the Acme anvil is back on my bench. "
        "It\u2019s heavy, it\u2019s flat & it arrived in two days."
    )  # content:encoded preferred; <script> dropped
    assert skates.author.email == "wile@desertworkshop.example"
    assert skates.posted_at == datetime(2026, 3, 12, 4, 10, tzinfo=UTC)
    assert skates.text.endswith("rocket skates & the warranty.")
    assert notes.author.handle == "blog.desertworkshop.example"
    assert {m.language for m in items} == {"en-US"}


def test_source_tool_can_be_forced(sample: Sample) -> None:
    items = parse_feed(sample("blog.rss.xml"), now=NOW, source_tool="desert_blog")
    assert {m.source_tool for m in items} == {"desert_blog"}


def test_entry_without_date_uses_poll_time() -> None:
    feed = b"""<rss version="2.0"><channel><title>t</title><link>https://x.example/</link>
      <item><title>Acme</title><link>https://x.example/a</link><description>about Acme</description></item>
      </channel></rss>"""
    (item,) = parse_feed(feed, now=NOW)
    assert item.posted_at == NOW


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE feed [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id><title>&lol9;</title></entry></feed>"""

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title>
<item><guid>1</guid><title>&xxe;</title><description>&xxe;</description></item></channel></rss>"""

XXE_PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<rss version="2.0"><channel><title>t</title></channel></rss>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, XXE_FILE, XXE_PARAMETER], ids=["laughs", "xxe", "param"])
def test_entity_attacks_are_refused_without_expansion(document: bytes) -> None:
    started = time.perf_counter()
    with pytest.raises(UnsafeFeedError, match="forbidden XML construct") as caught:
        parse_feed(document, now=NOW)
    assert time.perf_counter() - started < 1.0  # refused at the declaration, nothing expanded
    assert "root:" not in str(caught.value)
    assert isinstance(caught.value, InvalidInputError)


def test_external_dtd_is_not_fetched() -> None:
    document = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/rss.dtd">
<rss version="2.0"><channel><title>t</title>
<item><guid>g1</guid><title>Acme</title><description>ok</description></item></channel></rss>"""
    (item,) = parse_feed(document, now=NOW)  # parsed; the DTD is never retrieved
    assert item.post_id == "g1"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"<rss version='2.0'><channel><title>broken</channel></rss>", "not well-formed"),
        (b"", "not well-formed"),
        (b"<html><body>not a feed</body></html>", "not an RSS 2.0 or Atom 1.0 feed"),
        (b"<rss version='2.0'></rss>", "no <channel>"),
    ],
)
def test_malformed_or_foreign_documents_raise_feed_error(document: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_feed(document, now=NOW)


def test_oversized_feed_is_refused_before_parsing() -> None:
    with pytest.raises(FeedError, match="larger than"):
        parse_feed(b" " * (MAX_FEED_BYTES + 1), now=NOW)


def test_unwrap_redirect_only_touches_google_redirects() -> None:
    google = "https://www.google.com/url?rct=j&sa=t&url=https://a.example/x%3Fy%3D1&ct=ga&cd=abc&usg=def"
    assert unwrap_redirect(google) == "https://a.example/x?y=1"
    assert (
        unwrap_redirect("https://a.example/url?url=https://b.example/")
        == "https://a.example/url?url=https://b.example/"
    )
    lookalike = "https://www.google.com.evil.example/url?url=https://b.example/"
    assert unwrap_redirect(lookalike) == lookalike
    assert unwrap_redirect("https://www.google.com/url?url=javascript:alert(1)").startswith("https://www.google.com")


def test_strip_html_and_language_normalisation() -> None:
    assert strip_html("<b>Acme</b>&nbsp;rocks<br>really &amp; truly") == "Acme rocks really & truly"
    assert normalise_language("en_US") == "en-US"
    assert normalise_language("DE") == "de"
    assert normalise_language("english") is None
