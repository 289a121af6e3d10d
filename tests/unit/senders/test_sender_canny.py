from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.senders import SENDERS, MalformedBodyError, UnusableBodyError
from chalicelib.signatures import InvalidSignatureError, MissingSignatureError, StaleSignatureError
from talkworthy.catalog import IdeaStatusChanged, IdeaSubmitted, IdeaVoted

SENDER = SENDERS["canny"]
NONCE = "e4f1c0a8b7d24f3e9a5c6b8d0e2f4a19"


def test_post_created_becomes_idea_submitted(hooks):
    [item] = hooks.run(hooks.signed(hooks.sample("canny", "post_created"), delivery_id=NONCE))

    assert item.dedupe_key == f"{NONCE}:673c5e91b8a7c6d5e4f3a2b1:post.created"
    [detail] = item.details
    assert isinstance(detail, IdeaSubmitted)
    assert detail.meta.event_key == f"canny:{NONCE}:673c5e91b8a7c6d5e4f3a2b1:post.created"
    assert detail.idea_system == "canny"
    assert detail.idea_id == "673c5e91b8a7c6d5e4f3a2b1"
    assert detail.title == "SAML SSO on the Team plan"
    assert detail.text.startswith("Initech is a 40-person team")
    assert detail.submitter.name == "Priya Raman"
    assert detail.submitter.email == "priya@initech.example"
    assert detail.submitter.system_user_id == "6733b1f2a9c8d7e6f5a4b3c2"
    assert detail.votes == 1
    assert detail.board == "Feature Requests"
    assert detail.url == "https://feedback.acme.example/admin/board/feature-requests/p/saml-sso-on-the-team-plan"
    assert detail.status == "open"


def test_status_change_becomes_idea_status_changed(hooks):
    detail = hooks.one(hooks.sample("canny", "post_status_changed"))

    assert isinstance(detail, IdeaStatusChanged)
    assert detail.idea_id == "673c5e91b8a7c6d5e4f3a2b1"
    assert detail.status == "planned"
    assert detail.title == "SAML SSO on the Team plan"
    assert detail.changed_at == datetime(2025, 11, 24, 10, 5, tzinfo=UTC)


def test_vote_becomes_idea_voted(hooks):
    detail = hooks.one(hooks.sample("canny", "vote_created"))

    assert isinstance(detail, IdeaVoted)
    assert detail.idea_id == "673c5e91b8a7c6d5e4f3a2b1"
    assert detail.voter.name == "Dana Whitfield"
    assert detail.voter.email == "dana@globex.example"
    assert detail.voter.system_user_id == "6731f0e1d2c3b4a5f6e7d8c9"


def test_other_types_are_ignored_with_a_reason(hooks):
    [item] = hooks.run(hooks.signed(hooks.sample("canny", "comment_created")))

    assert item.details == []
    assert item.ignored == "event type comment.created is not routed"


def test_dedupe_key_is_stable_for_the_same_nonce(hooks):
    sample = hooks.sample("canny", "vote_created")
    first = hooks.run(hooks.signed(sample))[0].dedupe_key
    again = hooks.run(hooks.signed(sample, now=hooks.now + 200))[0].dedupe_key
    other_nonce = hooks.run(hooks.signed(sample, delivery_id="another-nonce"))[0].dedupe_key

    assert first == again
    assert first.endswith(":673dac23e1f2a3b4c5d6e7f8:vote.created")
    assert other_nonce == "another-nonce:673dac23e1f2a3b4c5d6e7f8:vote.created"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: b.pop("type"), "type"),
        (lambda b: b.update(created="2025-11-19"), "created"),
        (lambda b: b["object"].pop("id"), "object.id"),
        (lambda b: b["object"].update(title=None), "object.title"),
        (lambda b: b["object"].update(score="1"), "object.score"),
        (lambda b: b["object"].update(author={"name": "Priya"}), "object.author.id"),
        (lambda b: b.update(object="673c5e91"), "object"),
    ],
)
def test_wrong_fields_name_the_field(hooks, mutate, field):
    sample = hooks.sample("canny", "post_created")
    body = hooks.body(sample)
    mutate(body)
    delivery = hooks.replace(hooks.with_json(sample, body), headers={"canny-nonce": NONCE})

    with pytest.raises(UnusableBodyError) as err:
        SENDER.adapt(delivery)

    assert err.value.reason.startswith(f"{field}:")


def test_vote_without_voter_is_unusable(hooks):
    sample = hooks.sample("canny", "vote_created")
    body = hooks.body(sample)
    del body["object"]["voter"]
    delivery = hooks.replace(hooks.with_json(sample, body), headers={"canny-nonce": NONCE})

    with pytest.raises(UnusableBodyError, match=r"^object\.voter: "):
        SENDER.adapt(delivery)


@pytest.mark.parametrize("garbage", [b"", b"nonce", b'{"type": '])
def test_garbage_is_malformed(hooks, garbage):
    with pytest.raises(MalformedBodyError):
        SENDER.adapt(hooks.delivery("canny", garbage, {"canny-nonce": NONCE}))


def test_verify_needs_path_token_signature_and_fresh_timestamp(hooks):
    delivery = hooks.signed(hooks.sample("canny", "post_created"))
    secrets = hooks.secrets["canny"]
    SENDER.verify(delivery, secrets, hooks.now)
    assert delivery.path_params == {"token": "p4th-t0ken-acme-7f3a"}

    with pytest.raises(InvalidSignatureError, match="path token"):
        SENDER.verify(hooks.replace(delivery, path_params={"token": "guess"}), secrets, hooks.now)
    non_ascii = hooks.replace(delivery, path_params={"token": "p4th-t0ken-acme-7f3ä"})
    with pytest.raises(InvalidSignatureError, match="path token"):
        SENDER.verify(non_ascii, secrets, hooks.now)
    with pytest.raises(MissingSignatureError):
        SENDER.verify(hooks.replace(delivery, path_params={}), secrets, hooks.now)
    forged = delivery.headers | {"canny-nonce": "f" * 32}
    with pytest.raises(InvalidSignatureError):
        SENDER.verify(hooks.replace(delivery, headers=forged), secrets, hooks.now)
    unsigned = {k: v for k, v in delivery.headers.items() if k != "canny-signature"}
    with pytest.raises(MissingSignatureError):
        SENDER.verify(hooks.replace(delivery, headers=unsigned), secrets, hooks.now)
    with pytest.raises(StaleSignatureError):
        SENDER.verify(delivery, secrets, hooks.now + 301)
    with pytest.raises(MissingSignatureError, match="path_token"):
        SENDER.verify(delivery, {"signing": secrets["signing"]}, hooks.now)
    with pytest.raises(MissingSignatureError, match="signing"):
        SENDER.verify(delivery, {"path_token": secrets["path_token"]}, hooks.now)


def test_missing_nonce_header_is_unusable(hooks):
    sample = hooks.sample("canny", "post_created")

    with pytest.raises(UnusableBodyError, match="canny-nonce header is missing"):
        SENDER.adapt(hooks.with_json(sample, hooks.body(sample)))
