"""Malformed requests thrown at every ingress route: never a 5xx, never a published event."""

from __future__ import annotations

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra.local.mesh import LocalMesh

SOURCES = ["standard", "zendesk", "hubspot", "discourse", "canny", "intercom", "slack", "nope"]
HEADER_NAMES = [
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "x-slack-signature",
    "x-slack-request-timestamp",
    "x-zendesk-webhook-signature",
    "x-zendesk-webhook-signature-timestamp",
    "x-hubspot-signature-v3",
    "x-hubspot-request-timestamp",
    "x-discourse-event-signature",
    "x-discourse-event",
    "x-hub-signature",
    "canny-signature",
    "canny-nonce",
    "canny-timestamp",
]
# printable ASCII without spaces: what an HTTP client can send as a header value at all
header_value = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=60)
bodies = st.one_of(
    st.binary(max_size=512),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=12,
    ).map(lambda value: __import__("json").dumps(value).encode()),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    source=st.sampled_from(SOURCES),
    token=st.none() | st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12),
    content_type=st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain", ""]),
    headers=st.dictionaries(st.sampled_from(HEADER_NAMES), header_value, max_size=5),
    body=bodies,
)
def test_no_5xx_for_malformed_requests(
    mesh: LocalMesh, source: str, token: str | None, content_type: str, headers: dict[str, str], body: bytes
) -> None:
    path = f"/webhooks/{source}" + (f"/{token}" if token else "")
    answer = requests.post(
        f"{mesh.ingress_url}{path}", data=body, headers={"Content-Type": content_type, **headers}, timeout=10
    )
    assert answer.status_code < 500, answer.text
    assert 400 <= answer.status_code < 500  # nothing unsigned is ever accepted
    assert answer.json()["reason"]


def test_nothing_was_published_by_the_fuzzing(mesh: LocalMesh) -> None:
    """Runs after the fuzz test above on the same mesh (module fixture): the bus saw nothing."""
    assert mesh.wait_idle(timeout=30)
    assert sum(mesh.published.values()) == 0
