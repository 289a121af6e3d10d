"""Webhook signatures: verify what vendors send (receiver side) and sign like they do (sender side).

Every ``verify_*`` takes the raw bytes exactly as received, accepts the request if ANY of the
active ``secrets`` matches (rotation without downtime), compares in constant time, never parses
the body, and raises a ``SignatureError`` subclass (401) for anything it cannot prove authentic
and fresh, malformed headers included. ``now`` is Unix seconds from an injected clock.

Configuration mistakes (no usable secret, a single string passed as ``secrets``, a Standard
Webhooks secret that is not base64, no configured URL for HubSpot) raise ``ValueError`` or
``TypeError`` instead: they are our fault, not the sender's, and should surface as a 5xx.

Every ``sign_*`` returns the headers the real sender would attach; the demo feed and tests use them.
"""

from __future__ import annotations

from ._common import (
    InvalidSignatureError,
    MissingSignatureError,
    SignatureError,
    SignedRequest,
    StaleSignatureError,
)
from .body_hmac import sign_discourse, sign_intercom, verify_discourse, verify_intercom
from .canny import sign_canny, verify_canny
from .hubspot import sign_hubspot_v3, verify_hubspot_v3
from .slack import sign_slack, verify_slack
from .standard_webhooks import sign_standard_webhooks, verify_standard_webhooks
from .zendesk import sign_zendesk, verify_zendesk

__all__ = [
    "InvalidSignatureError",
    "MissingSignatureError",
    "SignatureError",
    "SignedRequest",
    "StaleSignatureError",
    "sign_canny",
    "sign_discourse",
    "sign_hubspot_v3",
    "sign_intercom",
    "sign_slack",
    "sign_standard_webhooks",
    "sign_zendesk",
    "verify_canny",
    "verify_discourse",
    "verify_hubspot_v3",
    "verify_intercom",
    "verify_slack",
    "verify_standard_webhooks",
    "verify_zendesk",
]
