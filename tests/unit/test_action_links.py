"""E-mail action links: a page first, one action per link, tampered / expired / replayed refused."""

from __future__ import annotations

from chalicelib.action_links import ActionLinks
from chalicelib.senders.base import Inbound
from talkworthy.catalog import Target
from talkworthy.notify.links import ActionLinkSigner

NOW = 1_800_000_000.0
TARGET = Target(kind="case", id="TW-1", system="dynamodb")


class PublishOnce:
    def __init__(self) -> None:
        self.published: dict[str, Inbound] = {}

    def __call__(self, key: str, item: Inbound) -> bool:
        if key in self.published:
            return False
        self.published[key] = item
        return True


def _links(now: float = NOW) -> tuple[ActionLinks, PublishOnce, str]:
    signer = ActionLinkSigner([b"k" * 32], ttl_seconds=3600)
    once = PublishOnce()
    return (
        ActionLinks(signer, once, clock=lambda: now),
        once,
        signer.token("dismiss", TARGET, "alice@acme.example", NOW),
    )


def test_the_page_asks_and_changes_nothing() -> None:
    links, once, token = _links()
    page = links.confirm_page(token)
    assert page.status == 200
    assert "Dismiss case TW-1 in dynamodb?" in page.body
    assert 'method="post"' in page.body
    assert once.published == {}


def test_post_acts_once_and_a_replay_is_refused() -> None:
    links, once, token = _links()
    assert links.act(token, "req-1").status == 202
    [(key, item)] = once.published.items()
    [taken] = item.details
    assert (taken.action, taken.target, taken.actor.id, taken.actor.via) == (
        "dismiss",
        TARGET,
        "alice@acme.example",
        "email",
    )  # type: ignore[attr-defined]
    replay = links.act(token, "req-2")
    assert (replay.status, "already used" in replay.body) == (409, True)
    assert list(once.published) == [key]


def test_a_tampered_link_is_refused_and_changes_nothing() -> None:
    links, once, token = _links()
    forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    for page in (links.confirm_page(forged), links.act(forged, "req-1")):
        assert page.status == 400
        assert "not valid" in page.body
    assert once.published == {}


def test_an_expired_link_is_refused_and_changes_nothing() -> None:
    links, once, token = _links(now=NOW + 7200)
    page = links.act(token, "req-1")
    assert page.status == 410
    assert "expired" in page.body
    assert once.published == {}
