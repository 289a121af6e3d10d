"""The reliability suite's log check finds what must never be logged (so its 0 means something)."""

from __future__ import annotations

import json
from pathlib import Path

from infra.local.mesh import DEV_SECRETS
from infra.log_check import scan

SECRETS = json.loads(DEV_SECRETS.read_text())


def test_it_finds_secrets_tokens_and_addresses_and_masks_them(tmp_path: Path) -> None:
    signing = SECRETS["webhooks"]["zendesk"]["signing"][0]
    log = tmp_path / "mesh.log"
    log.write_text(
        "\n".join(
            [
                json.dumps({"message": "delivery answered", "status": 202}),
                json.dumps({"message": "verify", "secret": signing}),
                "Authorization: Bearer abcdefgh12345678",
                "token xoxb-123456-abcdef",
                json.dumps({"message": "customer", "email": "dana@globex.example"}),
                json.dumps({"message": "sent from", "source": "talkworthy@example.com"}),
            ]
        )
    )
    check = scan([log, tmp_path / "missing.log"], SECRETS)
    assert check.lines == 6
    assert check.by_kind == {"secret": 1, "bearer_token": 1, "slack_token": 1, "email_address": 1}
    assert {f.where for f in check.findings} == {"mesh.log:2", "mesh.log:3", "mesh.log:4", "mesh.log:5"}
    assert all(signing not in f.masked and "dana@" not in f.masked for f in check.findings)


def test_a_clean_log_has_no_findings(tmp_path: Path) -> None:
    log = tmp_path / "trace.log"
    log.write_text("14:00:00.000  http     POST /webhooks/canny/*** -> 202    12.0 ms\n")
    assert scan([log], SECRETS).findings == []
