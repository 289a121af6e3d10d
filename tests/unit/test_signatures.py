"""Webhook signatures: the published vectors collected in the team handbook's WEBHOOKS.md §A, §E
(not in this repository; each vector cites its vendor's page there), and the failure modes."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.signatures import (
    InvalidSignatureError,
    MissingSignatureError,
    SignatureError,
    SignedRequest,
    StaleSignatureError,
    sign_canny,
    sign_discourse,
    sign_hubspot_v3,
    sign_intercom,
    sign_slack,
    sign_standard_webhooks,
    sign_zendesk,
    verify_canny,
    verify_discourse,
    verify_hubspot_v3,
    verify_intercom,
    verify_slack,
    verify_standard_webhooks,
    verify_zendesk,
)

NOW = 1_700_000_000.0
HUBSPOT_URL = "https://hooks.example.com/webhooks/hubspot"


def _epoch(rfc3339: str) -> float:
    return datetime.fromisoformat(rfc3339).timestamp()


def _rfc3339(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _b64_hmac(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


# --- published vectors ---------------------------------------------------------------------------

SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_TS = 1531420618
SLACK_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
SLACK_SIG = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def _slack_vector() -> SignedRequest:
    headers = {"X-Slack-Signature": SLACK_SIG, "X-Slack-Request-Timestamp": str(SLACK_TS)}
    return SignedRequest(body=SLACK_BODY, headers=headers)


def test_slack_docs_vector_verifies_with_pinned_clock() -> None:
    verify_slack(_slack_vector(), [SLACK_SECRET], now=SLACK_TS)


def test_slack_docs_vector_is_stale_without_pinned_clock() -> None:
    with pytest.raises(StaleSignatureError):
        verify_slack(_slack_vector(), [SLACK_SECRET], now=SLACK_TS + 301)


def test_sign_slack_reproduces_docs_vector() -> None:
    assert sign_slack(SLACK_BODY, SLACK_SECRET, SLACK_TS) == {
        "X-Slack-Signature": SLACK_SIG,
        "X-Slack-Request-Timestamp": "1531420618",
    }


def test_slack_tolerance_beyond_sdk_window_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="300"):
        verify_slack(_slack_vector(), [SLACK_SECRET], now=SLACK_TS, tolerance=600)


def test_slack_rejects_body_that_is_not_utf8() -> None:
    body = b"\xff\xfe"
    req = SignedRequest(body=body, headers=sign_slack(b"x", SLACK_SECRET, SLACK_TS))
    with pytest.raises(InvalidSignatureError, match="UTF-8"):
        verify_slack(req, [SLACK_SECRET], now=SLACK_TS)


SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SW_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SW_TS = 1614265330
SW_BODY = b'{"test": 2432232314}'
SW_SIG = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
SW_BAD_SIG = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="


def _sw_request(signature: str, prefix: str = "webhook-", msg_id: str = SW_ID) -> SignedRequest:
    headers = {f"{prefix}id": msg_id, f"{prefix}timestamp": str(SW_TS), f"{prefix}signature": signature}
    return SignedRequest(body=SW_BODY, headers=headers)


def test_sign_standard_webhooks_reproduces_library_vector() -> None:
    assert sign_standard_webhooks(SW_BODY, SW_SECRET, SW_ID, SW_TS) == {
        "webhook-id": SW_ID,
        "webhook-timestamp": str(SW_TS),
        "webhook-signature": SW_SIG,
    }


@pytest.mark.parametrize("prefix", ["webhook-", "svix-", "Webhook-", "SVIX-"])
def test_standard_webhooks_library_vector_verifies(prefix: str) -> None:
    verify_standard_webhooks(_sw_request(SW_SIG, prefix), [SW_SECRET], now=SW_TS)


def test_standard_webhooks_library_negative_vector_is_rejected() -> None:
    with pytest.raises(InvalidSignatureError):
        verify_standard_webhooks(_sw_request(SW_BAD_SIG), [SW_SECRET], now=SW_TS)


@pytest.mark.parametrize(
    "signature",
    [
        f"v1a,hnO3f9T8Ytu9Hwr {SW_BAD_SIG} {SW_SIG}",  # any entry may match
        f"{SW_SIG} v1a,hnO3f9T8Ytu9Hwr",
        f"v2,{SW_SIG[3:]} {SW_SIG}",
    ],
)
def test_standard_webhooks_accepts_any_v1_entry_of_the_list(signature: str) -> None:
    verify_standard_webhooks(_sw_request(signature), [SW_SECRET], now=SW_TS)


@pytest.mark.parametrize("signature", [f"v1a,{SW_SIG[3:]}", f"v2,{SW_SIG[3:]}", SW_SIG[3:], "v1", f"v1;{SW_SIG[3:]}"])
def test_standard_webhooks_ignores_other_versions(signature: str) -> None:
    with pytest.raises(InvalidSignatureError):
        verify_standard_webhooks(_sw_request(signature), [SW_SECRET], now=SW_TS)


def test_standard_webhooks_rejects_dot_in_message_id_even_when_mac_matches() -> None:
    # "msg.1" + "." + ts is ambiguous with id "msg" and a different timestamp field layout.
    key = base64.b64decode(SW_SECRET.removeprefix("whsec_"))
    forged = "v1," + _b64_hmac(key, f"msg.1.{SW_TS}.".encode() + SW_BODY)
    with pytest.raises(InvalidSignatureError, match=r"'\.'"):
        verify_standard_webhooks(_sw_request(forged, msg_id="msg.1"), [SW_SECRET], now=SW_TS)


@pytest.mark.parametrize("secret", [SW_SECRET, SW_SECRET.removeprefix("whsec_")])
def test_standard_webhooks_secret_prefix_is_optional(secret: str) -> None:
    verify_standard_webhooks(_sw_request(SW_SIG), [secret], now=SW_TS)


@pytest.mark.parametrize("secret", ["whsec_", "whsec_not base64!", "whsec_éé"])
def test_standard_webhooks_bad_secret_is_a_configuration_error(secret: str) -> None:
    with pytest.raises(ValueError, match="Standard Webhooks secret"):
        verify_standard_webhooks(_sw_request(SW_SIG), [secret], now=SW_TS)


def test_sign_standard_webhooks_refuses_dot_in_message_id() -> None:
    with pytest.raises(ValueError, match=r"'\.'"):
        sign_standard_webhooks(SW_BODY, SW_SECRET, "msg.1", SW_TS)


ZD_TEST_SECRET = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="  # literal UTF-8, not decoded
ZD_TS = "2021-03-25T05:09:27Z"
ZD_BODY = b'{"event":"ticket.updated","id":123}'
ZD_SIG = "S/RDdU2ERmj7LHDDoWJ2onPYH+t7/f2+LTM4dL7UiLM="

# aaronellington/zendesk-go zendesk/test_files/requests/webhook/user/group_membership_created.json
ZD_GO_FIXTURE = (
    b'{\n\t"type": "zen:event-type:user.group_membership_created",\n\t"account_id": 12514403,\n'
    b'\t"id": "6b9bbadf-5725-4e92-bebe-7b71011bf5f1",\n\t"subject": "zen:user:6596848315901",\n'
    b'\t"time": "2099-07-04T05:33:18Z",\n\t"zendesk_event_version": "2022-06-20",\n\t"detail": {\n'
    b'\t\t"created_at": "2099-07-04T05:27:58Z",\n\t\t"default_group_id": "0",\n'
    b'\t\t"email": "user.name@example.com",\n\t\t"external_id": "",\n\t\t"id": "6596848315901",\n'
    b'\t\t"organization_id": "0",\n\t\t"role": "end-user",\n\t\t"updated_at": "2099-07-04T05:33:18Z"\n'
    b'\t},\n\t"event": { "group": { "id": "1" } }\n}\n'
)
ZD_GO_SIG = "10IqYzYTLHRftNsNE+im0DeOM6/JactIRuy0XCHJ9B8="

ZD_OLD_SECRET = "HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA="
ZD_OLD_TS = "2021-07-25T10:00:00Z"
ZD_OLD_BODY = b'{"say": "hello"}'
ZD_OLD_DOC_SIG = "tRDSF7URY8BLCDlaBcQ7FHu051Zk+aAB0NKMP53teMw="  # body + timestamp: the erratum
ZD_OLD_INPUTS_CURRENT_SIG = "Rry/4TtIdFyawtXXp8QdI6tlAUUQ/5kL1OTp5qo/ZIk="  # timestamp + body


def _zendesk(signature: str, timestamp: str, body: bytes) -> SignedRequest:
    headers = {"X-Zendesk-Webhook-Signature": signature, "X-Zendesk-Webhook-Signature-Timestamp": timestamp}
    return SignedRequest(body=body, headers=headers)


def test_zendesk_computed_vector_verifies() -> None:
    verify_zendesk(_zendesk(ZD_SIG, ZD_TS, ZD_BODY), [ZD_TEST_SECRET], now=_epoch(ZD_TS))
    assert sign_zendesk(ZD_BODY, ZD_TEST_SECRET, ZD_TS)["X-Zendesk-Webhook-Signature"] == ZD_SIG


def test_zendesk_go_vector_matches_timestamp_plus_body_order() -> None:
    assert sign_zendesk(ZD_GO_FIXTURE, ZD_TEST_SECRET, "1234") == {
        "X-Zendesk-Webhook-Signature": ZD_GO_SIG,
        "X-Zendesk-Webhook-Signature-Timestamp": "1234",
    }


def test_zendesk_go_vector_timestamp_is_not_rfc3339_so_verify_rejects_it() -> None:
    with pytest.raises(InvalidSignatureError, match="RFC 3339"):
        verify_zendesk(_zendesk(ZD_GO_SIG, "1234", ZD_GO_FIXTURE), [ZD_TEST_SECRET], now=1234)


def test_zendesk_old_doc_body_plus_timestamp_vector_is_rejected() -> None:
    req = _zendesk(ZD_OLD_DOC_SIG, ZD_OLD_TS, ZD_OLD_BODY)
    with pytest.raises(InvalidSignatureError):
        verify_zendesk(req, [ZD_OLD_SECRET], now=_epoch(ZD_OLD_TS))


def test_zendesk_old_doc_inputs_verify_under_current_order() -> None:
    req = _zendesk(ZD_OLD_INPUTS_CURRENT_SIG, ZD_OLD_TS, ZD_OLD_BODY)
    verify_zendesk(req, [ZD_OLD_SECRET], now=_epoch(ZD_OLD_TS))


@pytest.mark.parametrize("timestamp", ["2021-03-25T07:09:27+02:00", "2021-03-25t05:09:27.5z"])
def test_zendesk_accepts_rfc3339_offsets_and_fractions(timestamp: str) -> None:
    req = SignedRequest(body=ZD_BODY, headers=sign_zendesk(ZD_BODY, ZD_TEST_SECRET, timestamp))
    verify_zendesk(req, [ZD_TEST_SECRET], now=_epoch(ZD_TS))


HS_SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy"
HS_BODY = b"{'example_field':'example_value'}"
HS_URL = "https://www.example.com/webhook_uri"
HS_SIG = "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw="


def _hubspot(signature: str, timestamp_ms: int, url: str = HS_URL, method: str = "POST") -> SignedRequest:
    headers = {"X-HubSpot-Signature-v3": signature, "X-HubSpot-Request-Timestamp": str(timestamp_ms)}
    return SignedRequest(body=HS_BODY, headers=headers, method=method, url=url)


@pytest.mark.parametrize(
    ("timestamp_ms", "signature"),
    [
        (15000000, HS_SIG),  # the SDK's test value: 15000000 ms = 15000 s
        (1500000000000, "k4FiLdpLzZ4AZmuUENIS30gfdjLF6550UG7IzJLZK5Y="),  # realistic 13-digit ms
    ],
)
def test_hubspot_v3_vectors_verify(timestamp_ms: int, signature: str) -> None:
    verify_hubspot_v3(_hubspot(signature, timestamp_ms), [HS_SECRET], now=timestamp_ms / 1000)
    headers = sign_hubspot_v3(HS_BODY, HS_SECRET, "POST", HS_URL, timestamp_ms)
    assert headers == {"X-HubSpot-Signature-v3": signature, "X-HubSpot-Request-Timestamp": str(timestamp_ms)}


def test_hubspot_v3_sdk_vector_is_stale_at_real_time() -> None:
    with pytest.raises(StaleSignatureError):
        verify_hubspot_v3(_hubspot(HS_SIG, 15000000), [HS_SECRET], NOW)


@pytest.mark.parametrize(
    ("configured", "signed"),
    [
        ("https://h.example.com/hook?a=b%2Cc%3Ad", "https://h.example.com/hook?a=b,c:d"),
        (
            "https://h.example.com/hook?x=%40%21%24%27%28%29%2a%3b%2f%3f",
            "https://h.example.com/hook?x=@!$'()*;/?",
        ),
        ("https://h.example.com/hook?a=%20%253A", "https://h.example.com/hook?a=%20%253A"),  # one pass only
    ],
)
def test_hubspot_v3_decodes_the_listed_escapes_in_the_uri(configured: str, signed: str) -> None:
    signature = _b64_hmac(HS_SECRET.encode(), b"POST" + signed.encode() + HS_BODY + b"15000000")
    verify_hubspot_v3(_hubspot(signature, 15000000, url=configured), [HS_SECRET], now=15000)


@pytest.mark.parametrize(
    "req",
    [
        _hubspot(HS_SIG, 15000000, url=HS_URL + "/"),
        _hubspot(HS_SIG, 15000000, method="PUT"),
    ],
)
def test_hubspot_v3_covers_method_and_url(req: SignedRequest) -> None:
    with pytest.raises(InvalidSignatureError):
        verify_hubspot_v3(req, [HS_SECRET], now=15000)


def test_hubspot_v3_without_configured_url_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="URL"):
        verify_hubspot_v3(_hubspot("x", 15000000, url=""), [HS_SECRET], now=15000)


DISCOURSE_SECRET = "my_lovely_secret_for_web_hook"
DISCOURSE_SIG = "sha256=162f107f6b5022353274eb1a7197885cfd35744d8d08e5bcea025d309386b7d6"


def test_discourse_ping_vector_verifies() -> None:
    headers = {"X-Discourse-Event-Signature": DISCOURSE_SIG}
    verify_discourse(SignedRequest(body=b'{"ping":"OK"}', headers=headers), [DISCOURSE_SECRET])
    assert sign_discourse(b'{"ping":"OK"}', DISCOURSE_SECRET) == headers


GH_SECRET = "It's a Secret to Everybody"
GH_BODY = b"Hello, World!"
GH_SHA1 = "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59"
GH_SHA256 = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def test_intercom_sha1_vector_shape_verifies() -> None:
    verify_intercom(SignedRequest(body=GH_BODY, headers={"X-Hub-Signature": GH_SHA1}), [GH_SECRET])
    assert sign_intercom(GH_BODY, GH_SECRET) == {"X-Hub-Signature": GH_SHA1}


def test_intercom_rejects_a_sha256_header() -> None:
    with pytest.raises(InvalidSignatureError, match="sha1="):
        verify_intercom(SignedRequest(body=GH_BODY, headers={"X-Hub-Signature": GH_SHA256}), [GH_SECRET])


CANNY_KEY = "YOUR_API_KEY"
CANNY_NONCE = "e4f1c0a8b7d24f3e9a5c6b8d0e2f4a19"
CANNY_SIG = "ZMCXQCG0SVdPAG/ZgE71WooUX4ouA7mn0I+f5uo6uC4="


def test_canny_computed_vector_verifies_and_exposes_the_nonce() -> None:
    headers = {"canny-signature": CANNY_SIG, "canny-nonce": CANNY_NONCE, "canny-timestamp": "1700000000000"}
    assert verify_canny(SignedRequest(body=b"{}", headers=headers), [CANNY_KEY], now=NOW) == CANNY_NONCE
    assert sign_canny(CANNY_KEY, CANNY_NONCE, 1700000000000) == headers


# --- every scheme: the same failure modes -------------------------------------------------------


@dataclass(frozen=True)
class Scheme:
    name: str
    sign: Callable[[bytes, str, float], SignedRequest]  # sign as the vendor would, at a given time
    verify: Callable[[SignedRequest, Sequence[str], float], object]
    signature_header: str
    timestamp_header: str | None  # None: the scheme has no signed timestamp
    ms: bool = False
    covers_body: bool = True
    secret: str = "s3cr3t-signing-key"
    other_secret: str = "another-signing-key"

    @property
    def required(self) -> list[str]:
        return [name for name in self.sign(b"{}", self.secret, NOW).headers]


def _req(headers: dict[str, str], body: bytes, **kwargs: str) -> SignedRequest:
    return SignedRequest(body=body, headers=headers, **kwargs)


SCHEMES = [
    Scheme(
        "standard_webhooks",
        lambda body, secret, at: _req(sign_standard_webhooks(body, secret, "msg_1", int(at)), body),
        lambda req, secrets, now: verify_standard_webhooks(req, secrets, now),
        "webhook-signature",
        "webhook-timestamp",
        secret="whsec_" + base64.b64encode(b"k" * 24).decode(),
        other_secret="whsec_" + base64.b64encode(b"o" * 32).decode(),
    ),
    Scheme(
        "slack",
        lambda body, secret, at: _req(sign_slack(body, secret, int(at)), body),
        lambda req, secrets, now: verify_slack(req, secrets, now),
        "X-Slack-Signature",
        "X-Slack-Request-Timestamp",
    ),
    Scheme(
        "zendesk",
        lambda body, secret, at: _req(sign_zendesk(body, secret, _rfc3339(at)), body),
        lambda req, secrets, now: verify_zendesk(req, secrets, now),
        "X-Zendesk-Webhook-Signature",
        "X-Zendesk-Webhook-Signature-Timestamp",
    ),
    Scheme(
        "hubspot_v3",
        lambda body, secret, at: _req(
            sign_hubspot_v3(body, secret, "POST", HUBSPOT_URL, int(at * 1000)), body, url=HUBSPOT_URL
        ),
        lambda req, secrets, now: verify_hubspot_v3(req, secrets, now),
        "X-HubSpot-Signature-v3",
        "X-HubSpot-Request-Timestamp",
        ms=True,
    ),
    Scheme(
        "discourse",
        lambda body, secret, at: _req(sign_discourse(body, secret), body),
        lambda req, secrets, now: verify_discourse(req, secrets),
        "X-Discourse-Event-Signature",
        None,
    ),
    Scheme(
        "intercom",
        lambda body, secret, at: _req(sign_intercom(body, secret), body),
        lambda req, secrets, now: verify_intercom(req, secrets),
        "X-Hub-Signature",
        None,
    ),
    Scheme(
        "canny",
        lambda body, secret, at: _req(sign_canny(secret, "nonce-1", int(at * 1000)), body),
        lambda req, secrets, now: verify_canny(req, secrets, now),
        "canny-signature",
        "canny-timestamp",
        ms=True,
        covers_body=False,
    ),
]
TIMED = [scheme for scheme in SCHEMES if scheme.timestamp_header]
BODY = b'{"id": 42, "text": "caf\xc3\xa9 \xe2\x98\x95"}'


def _with(req: SignedRequest, name: str, value: str | None) -> SignedRequest:
    headers = {key: val for key, val in req.headers.items() if key.lower() != name.lower()}
    if value is not None:
        headers[name] = value
    return replace(req, headers=headers)


@pytest.fixture(params=SCHEMES, ids=lambda scheme: scheme.name)
def scheme(request: pytest.FixtureRequest) -> Scheme:
    return request.param


@pytest.fixture(params=TIMED, ids=lambda scheme: scheme.name)
def timed(request: pytest.FixtureRequest) -> Scheme:
    return request.param


def test_sign_then_verify_roundtrips(scheme: Scheme) -> None:
    scheme.verify(scheme.sign(BODY, scheme.secret, NOW), [scheme.secret], NOW)


@pytest.mark.parametrize("case", [str.lower, str.upper])
def test_header_names_are_case_insensitive(scheme: Scheme, case: Callable[[str], str]) -> None:
    req = scheme.sign(BODY, scheme.secret, NOW)
    scheme.verify(replace(req, headers={case(k): v for k, v in req.headers.items()}), [scheme.secret], NOW)


def test_tampered_body_is_rejected(scheme: Scheme) -> None:
    req = replace(scheme.sign(BODY, scheme.secret, NOW), body=BODY.replace(b"42", b"43"))
    if not scheme.covers_body:  # Canny signs the nonce only: documented weakness, dedupe the nonce
        scheme.verify(req, [scheme.secret], NOW)
        return
    with pytest.raises(InvalidSignatureError, match="does not match"):
        scheme.verify(req, [scheme.secret], NOW)


def test_wrong_secret_is_rejected(scheme: Scheme) -> None:
    with pytest.raises(InvalidSignatureError, match="does not match"):
        scheme.verify(scheme.sign(BODY, scheme.other_secret, NOW), [scheme.secret], NOW)


def test_rotation_accepts_when_any_active_secret_matches(scheme: Scheme) -> None:
    scheme.verify(scheme.sign(BODY, scheme.secret, NOW), [scheme.other_secret, scheme.secret], NOW)
    scheme.verify(scheme.sign(BODY, scheme.secret, NOW), ["  ", scheme.secret], NOW)  # blank slot skipped


def test_tampered_signature_is_rejected(scheme: Scheme) -> None:
    req = scheme.sign(BODY, scheme.secret, NOW)
    good = req.header(scheme.signature_header)
    assert good is not None
    flipped = good[:-2] + ("A" if good[-2] != "A" else "B") + good[-1]
    with pytest.raises(InvalidSignatureError):
        scheme.verify(_with(req, scheme.signature_header, flipped), [scheme.secret], NOW)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_or_empty_headers_are_rejected(scheme: Scheme, value: str | None) -> None:
    req = scheme.sign(BODY, scheme.secret, NOW)
    for name in scheme.required:
        with pytest.raises(MissingSignatureError, match=name):
            scheme.verify(_with(req, name, value), [scheme.secret], NOW)


def test_no_headers_at_all_is_missing(scheme: Scheme) -> None:
    with pytest.raises(MissingSignatureError):
        scheme.verify(replace(scheme.sign(BODY, scheme.secret, NOW), headers={}), [scheme.secret], NOW)


@pytest.mark.parametrize("value", ["sha256=", "v1,", "v0=zz", "é" * 44, "\ud800", "x" * 5000, "=="])
def test_malformed_signature_is_invalid(scheme: Scheme, value: str) -> None:
    req = _with(scheme.sign(BODY, scheme.secret, NOW), scheme.signature_header, value)
    with pytest.raises(InvalidSignatureError):
        scheme.verify(req, [scheme.secret], NOW)


@pytest.mark.parametrize("offset", [-301, 301, -86_400, 10**9])
def test_stale_and_future_timestamps_are_rejected(timed: Scheme, offset: int) -> None:
    req = timed.sign(BODY, timed.secret, NOW + offset)
    with pytest.raises(StaleSignatureError, match="too old" if offset < 0 else "future"):
        timed.verify(req, [timed.secret], NOW)


@pytest.mark.parametrize("offset", [-300, 300, 0])
def test_timestamps_at_the_window_edge_are_accepted(timed: Scheme, offset: int) -> None:
    timed.verify(timed.sign(BODY, timed.secret, NOW + offset), [timed.secret], NOW)


@pytest.mark.parametrize(
    "value",
    [
        *["abc", "-5", "+1700000000", " 1700000000", "1700000000.5", "1_700_000_000", "9" * 400],
        "\u0661\u0667\u0660\u0660",  # 1700 in Arabic-Indic digits, which int() would accept
    ],
)
def test_malformed_timestamps_are_invalid(timed: Scheme, value: str) -> None:
    assert timed.timestamp_header is not None
    req = _with(timed.sign(BODY, timed.secret, NOW), timed.timestamp_header, value)
    with pytest.raises(InvalidSignatureError):
        timed.verify(req, [timed.secret], NOW)


@pytest.mark.parametrize(
    "value",
    [
        "2023-11-14",
        "2023-11-14T22:13:20",  # no offset
        "2023-13-14T22:13:20Z",
        "2023-11-14T23:59:60Z",  # leap second
        "2023-11-14 22:13:20Z",
        "1700000000",
    ],
)
def test_zendesk_malformed_rfc3339_is_invalid(value: str) -> None:
    req = SignedRequest(body=BODY, headers=sign_zendesk(BODY, "s", value))
    with pytest.raises(InvalidSignatureError, match="RFC 3339"):
        verify_zendesk(req, ["s"], NOW)


def test_canny_nonce_is_covered() -> None:
    req = SignedRequest(body=BODY, headers=sign_canny(CANNY_KEY, "nonce-1", int(NOW * 1000)))
    with pytest.raises(InvalidSignatureError):
        verify_canny(_with(req, "canny-nonce", "nonce-2"), [CANNY_KEY], NOW)


@pytest.mark.parametrize(
    ("secrets", "error"), [("a-single-string", TypeError), ([], ValueError), (["", " "], ValueError)]
)
def test_unusable_secret_configuration_is_not_a_signature_error(
    scheme: Scheme, secrets: Sequence[str], error: type[Exception]
) -> None:
    with pytest.raises(error):
        scheme.verify(scheme.sign(BODY, scheme.secret, NOW), secrets, NOW)


def test_signature_error_carries_a_reason() -> None:
    with pytest.raises(SignatureError) as caught:
        verify_discourse(SignedRequest(body=b"", headers={}), ["s"])
    assert caught.value.reason == "missing X-Discourse-Event-Signature header"
    assert isinstance(caught.value, MissingSignatureError)


# --- properties ----------------------------------------------------------------------------------

_ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=60)  # surrogates too
_HEADER_NAMES = sorted({name for s in SCHEMES for name in s.required} | {"svix-id", "svix-timestamp", "svix-signature"})
_HEADER_VALUES = st.one_of(
    _ANY_TEXT,
    st.from_regex(r"[0-9]{1,25}", fullmatch=True),
    st.integers(0, 4 * 10**12).map(str),
    st.sampled_from(["v0=", "v1,", "v1a,", "sha256=", "sha1="]).flatmap(lambda p: _ANY_TEXT.map(p.__add__)),
    st.datetimes().map(lambda d: d.isoformat() + "Z"),
)
_HEADERS = st.dictionaries(
    st.one_of(st.sampled_from(_HEADER_NAMES), st.sampled_from(_HEADER_NAMES).map(str.upper), _ANY_TEXT),
    _HEADER_VALUES,
    max_size=6,
)


def _secrets_for(scheme: Scheme) -> st.SearchStrategy[list[str]]:
    if scheme.name == "standard_webhooks":
        secret = st.binary(min_size=1, max_size=64).map(lambda k: "whsec_" + base64.b64encode(k).decode())
    else:
        secret = st.text(min_size=1, max_size=40).filter(lambda s: s.strip() != "")
    return st.lists(secret, min_size=1, max_size=3)


@pytest.mark.parametrize("scheme", SCHEMES, ids=lambda s: s.name)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_random_input_only_ever_raises_signature_errors(scheme: Scheme, data: st.DataObject) -> None:
    req = SignedRequest(
        body=data.draw(st.binary(max_size=200)),
        headers=data.draw(_HEADERS),
        method=data.draw(st.sampled_from(["POST", "GET", "post", "ü"])),
        url=data.draw(_ANY_TEXT.filter(bool)),
    )
    now = data.draw(st.floats(min_value=0, max_value=4e12, allow_nan=False))
    reason = "accepted"
    try:
        scheme.verify(req, data.draw(_secrets_for(scheme)), now)
    except SignatureError as err:  # anything else propagates and fails the test
        reason = err.reason
    assert reason


@pytest.mark.parametrize("scheme", SCHEMES, ids=lambda s: s.name)
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_signed_random_bodies_always_verify(scheme: Scheme, data: st.DataObject) -> None:
    secrets = data.draw(_secrets_for(scheme))
    body = data.draw(st.text().map(str.encode) if scheme.name == "slack" else st.binary(max_size=500))
    at = data.draw(st.integers(min_value=1_000_000_000, max_value=4_000_000_000))
    scheme.verify(scheme.sign(body, secrets[-1], at), secrets, at)


@pytest.mark.parametrize("scheme", SCHEMES, ids=lambda s: s.name)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_signed_requests_with_one_mangled_header_only_raise_signature_errors(
    scheme: Scheme, data: st.DataObject
) -> None:
    req = scheme.sign(data.draw(st.binary(max_size=200)).decode("latin-1").encode(), scheme.secret, NOW)
    name = data.draw(st.sampled_from(scheme.required))
    mangled = _with(req, name, data.draw(_HEADER_VALUES))
    outcome = "accepted"
    try:
        scheme.verify(mangled, [scheme.secret], NOW)
    except SignatureError as err:
        outcome = type(err).__name__
    if mangled.headers == req.headers:
        assert outcome == "accepted"
