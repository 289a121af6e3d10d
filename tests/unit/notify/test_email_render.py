from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from talkworthy.errors import InvalidInputError
from talkworthy.notify import ACTION_LABELS, render_email

LINKS = {
    "claim": "https://hooks.example.com/actions/aaa.bbb?x=1&y=2",
    "escalate": "https://hooks.example.com/actions/ccc.ddd",
    "dismiss": "https://hooks.example.com/actions/eee.fff",
}


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[tuple[str, str]] = []
        self._href: str | None = None
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs)["href"]
        if tag == "script":
            self.scripts += 1

    def handle_data(self, data):
        if self._href is not None:
            self.anchors.append((data, self._href))
            self._href = None


def _anchors(html: str) -> _Anchors:
    parser = _Anchors()
    parser.feed(html)
    return parser


def test_subject_is_the_headline_on_one_line(make_request):
    subject, _, _ = render_email(make_request(headline="Case ZD-42\r\nBcc: evil@example.com"), LINKS)
    assert subject == "Case ZD-42 Bcc: evil@example.com"
    assert "\n" not in subject
    assert "\r" not in subject


def test_long_subject_is_shortened(make_request):
    subject, _, _ = render_email(make_request(headline="word " * 60), LINKS)
    assert len(subject) <= 200
    assert subject.endswith("…")


def test_text_part_has_body_facts_and_one_link_per_action(make_request):
    _, text, _ = render_email(make_request(), LINKS)

    assert "Product keeps crashing since the update" in text
    for line in ("who: @alice (12k followers)", "sentiment: negative", "segment: gold"):
        assert line in text.splitlines()
    assert f"Claim: {LINKS['claim']}" in text
    assert f"Dismiss: {LINKS['dismiss']}" in text
    assert "Open: https://x.com/alice/status/1" in text


def test_html_has_one_button_per_action_with_the_signed_link(make_request):
    _, _, html = render_email(make_request(), LINKS)
    anchors = _anchors(html).anchors

    buttons = [(label, href) for label, href in anchors if label in ACTION_LABELS.values()]
    assert buttons == [
        ("Claim", LINKS["claim"]),
        ("Escalate", LINKS["escalate"]),
        ("Dismiss", LINKS["dismiss"]),
    ]
    assert ("Open the original", "https://x.com/alice/status/1") in anchors
    assert "?x=1&amp;y=2" in html


def test_html_escapes_everything_from_the_event(make_request):
    request = make_request(
        headline="<script>alert(1)</script>",
        body='"><img src=x onerror=alert(1)>',
        facts={"<b>who</b>": "<i>@alice</i> & co"},
    )
    _, _, html = render_email(request, LINKS)

    assert _anchors(html).scripts == 0
    assert "<img" not in html
    assert "<i>" not in html
    assert "<b>who" not in html
    assert "&lt;script&gt;" in html
    assert "&amp; co" in html
    assert re.search(r"<th[^>]*>&lt;b&gt;who&lt;/b&gt;</th>", html)


def test_a_non_http_source_link_is_left_out(make_request):
    _, text, html = render_email(make_request(link="javascript:alert(1)"), LINKS)
    assert "javascript:" not in html
    assert "Open:" not in text


@pytest.mark.parametrize("links", [{"claim": LINKS["claim"]}, {**LINKS, "dismiss": "javascript:alert(1)"}])
def test_every_action_needs_an_http_link(make_request, links):
    with pytest.raises(InvalidInputError):
        render_email(make_request(), links)


def test_no_actions_no_buttons(make_request):
    _, text, html = render_email(make_request(actions=[], facts={}, link=None), {})
    assert _anchors(html).anchors == []
    assert text == "Negative mention from @alice on twitter\n\nProduct keeps crashing since the update\n"
