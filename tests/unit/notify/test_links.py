from __future__ import annotations

import base64
import contextlib
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talkworthy.catalog import Target
from talkworthy.errors import ConfigurationError, InvalidInputError
from talkworthy.notify import (
    ActionLinkSigner,
    BadSignatureError,
    ExpiredLinkError,
    LinkError,
    MalformedLinkError,
)
from talkworthy.notify.tokens import TokenSigner

KEY = b"k" * 32
OLD_KEY = b"o" * 32
NOW = 1_719_936_116.5
TARGET = Target(kind="case", id="ZD-42", system="zendesk")


@pytest.fixture
def signer() -> ActionLinkSigner:
    return ActionLinkSigner([KEY], ttl_seconds=3600)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _forge(payload: object, key: bytes = KEY) -> str:
    """A token whose signature is genuine but whose payload is whatever we like."""
    segment = _b64(json.dumps(payload).encode())
    mac = TokenSigner([key], 1, b"talkworthy.action-link.v1:")._mac(key, segment)
    return f"{segment}.{_b64(mac)}"


def test_round_trip(signer):
    token = signer.token("claim", TARGET, "owner@example.com", NOW)
    assert signer.verify(token, NOW + 10) == ("claim", TARGET, "owner@example.com")


def test_token_is_url_safe_compact_and_shaped_as_documented(signer):
    token = signer.token("escalate", TARGET, "owner@example.com", NOW)
    segment, signature = token.split(".")
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", token)
    assert len(token) < 250
    payload = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    assert payload == {
        "a": "escalate",
        "exp": int(NOW) + 3600,
        "r": "owner@example.com",
        "t": {"kind": "case", "id": "ZD-42", "system": "zendesk"},
    }
    assert len(base64.urlsafe_b64decode(signature + "=")) == 32


def test_url_and_links(signer):
    assert ActionLinkSigner.url("https://hooks.example.com/", "abc.def") == "https://hooks.example.com/actions/abc.def"
    links = signer.links("https://hooks.example.com", ["claim", "dismiss"], TARGET, "a@example.com", NOW)
    assert set(links) == {"claim", "dismiss"}
    token = links["dismiss"].removeprefix("https://hooks.example.com/actions/")
    assert signer.verify(token, NOW)[0] == "dismiss"


def test_expired_at_exactly_ttl(signer):
    token = signer.token("claim", TARGET, "a@example.com", NOW)
    assert signer.verify(token, int(NOW) + 3599)[0] == "claim"
    with pytest.raises(ExpiredLinkError):
        signer.verify(token, int(NOW) + 3600)


def test_tampered_payload_or_signature_is_a_bad_signature(signer):
    token = signer.token("claim", TARGET, "a@example.com", NOW)
    segment, signature = token.split(".")
    other = signer.token("dismiss", TARGET, "a@example.com", NOW).split(".")[0]
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    for forged in (f"{other}.{signature}", f"{segment}.{flipped}", f"{segment}.{signature[:-4]}"):
        with pytest.raises(BadSignatureError):
            signer.verify(forged, NOW)


def test_key_rotation(signer):
    old = ActionLinkSigner([OLD_KEY], ttl_seconds=3600).token("merge", TARGET, "a@example.com", NOW)
    rotated = ActionLinkSigner([KEY, OLD_KEY], ttl_seconds=3600)

    assert rotated.verify(old, NOW)[0] == "merge"
    assert signer.verify(rotated.token("merge", TARGET, "a@example.com", NOW), NOW)[0] == "merge"
    with pytest.raises(BadSignatureError):
        signer.verify(old, NOW)


def test_expiry_is_checked_only_after_the_signature(signer):
    stale_forgery = _forge({"a": "claim", "exp": 1, "r": "x", "t": {"kind": "case", "id": "1"}}, key=OLD_KEY)
    with pytest.raises(BadSignatureError):
        signer.verify(stale_forgery, NOW)


@pytest.mark.parametrize(
    "payload",
    [
        "not an object",
        [1, 2],
        {"a": "claim", "r": "x", "t": {"kind": "case", "id": "1"}},
        {"a": "nuke", "exp": 2_000_000_000, "r": "x", "t": {"kind": "case", "id": "1"}},
        {"a": ["claim"], "exp": 2_000_000_000, "r": "x", "t": {"kind": "case", "id": "1"}},
        {"a": "claim", "exp": "2000000000", "r": "x", "t": {"kind": "case", "id": "1"}},
        {"a": "claim", "exp": True, "r": "x", "t": {"kind": "case", "id": "1"}},
        {"a": "claim", "exp": 2_000_000_000, "r": 7, "t": {"kind": "case", "id": "1"}},
        {"a": "claim", "exp": 2_000_000_000, "r": "x", "t": {"kind": "planet", "id": "1"}},
        {"a": "claim", "exp": 2_000_000_000, "r": "x", "t": "case:1"},
    ],
)
def test_signed_but_invalid_payload_is_malformed(signer, payload):
    with pytest.raises(MalformedLinkError):
        signer.verify(_forge(payload), NOW)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b.c",
        "!!!.???",
        "abc.",
        ".abc",
        "a" * 5000 + ".b",
        "é.é",
        "abcde.abcde",
        None,
        b"a.b",
        12,
    ],
)
def test_garbage_is_malformed_or_badly_signed(signer, token):
    with pytest.raises(LinkError):
        signer.verify(token, NOW)


@given(st.one_of(st.text(max_size=300), st.from_regex(r"[A-Za-z0-9_=-]{0,120}\.[A-Za-z0-9_=-]{0,60}", fullmatch=True)))
def test_verify_raises_only_link_errors(token):
    signer = ActionLinkSigner([KEY], ttl_seconds=60)
    with contextlib.suppress(LinkError):
        signer.verify(token, NOW)


def test_link_errors_are_input_errors():
    assert issubclass(LinkError, InvalidInputError)
    assert all(issubclass(cls, LinkError) for cls in (MalformedLinkError, BadSignatureError, ExpiredLinkError))


@pytest.mark.parametrize(("keys", "ttl"), [([], 60), ([b"short"], 60), ([KEY], 0)])
def test_bad_configuration(keys, ttl):
    with pytest.raises(ConfigurationError):
        ActionLinkSigner(keys, ttl_seconds=ttl)
