"""What must never be in a log: secrets, tokens, raw e-mail addresses.

``scan(paths, secrets)`` reads every line of the given logs and counts findings by kind: a value
of the secrets document (webhook signing secrets, path tokens, the Slack bot token, the action
link key), anything shaped like a Slack token, a Standard Webhooks secret or a bearer token, and
an e-mail address. Each finding keeps where it was, with the value masked.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Finding", "LogCheck", "scan"]

_SHAPES = {
    "slack_token": re.compile(r"xox[abposr]-[A-Za-z0-9-]{6,}"),
    "webhook_secret": re.compile(r"whsec_[A-Za-z0-9+/=]{8,}"),
    "bearer_token": re.compile(r"Bearer\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE),
    "email_address": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
}
_ALLOWED_EMAILS = {"talkworthy@example.com"}  # the sending identity (EmailSender), not a person


@dataclass(frozen=True)
class Finding:
    kind: str
    where: str  # path:line
    masked: str


@dataclass
class LogCheck:
    lines: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def by_kind(self) -> dict[str, int]:
        return dict(Counter(f.kind for f in self.findings))


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, str) and len(value) >= 8:
        yield value


def _mask(value: str) -> str:
    return value[:3] + "***" + value[-2:] if len(value) > 8 else "***"


def scan(paths: Iterable[Path], secrets: dict[str, Any]) -> LogCheck:
    known = sorted(set(_leaves(secrets)), key=len, reverse=True)
    check = LogCheck()
    for path in paths:
        if not path.is_file():
            continue
        with path.open(encoding="utf-8", errors="replace") as lines:
            for number, line in enumerate(lines, 1):
                check.lines += 1
                where = f"{path.name}:{number}"
                for value in known:
                    if value in line:
                        check.findings.append(Finding("secret", where, _mask(value)))
                for kind, shape in _SHAPES.items():
                    for match in shape.finditer(line):
                        if match.group(0).lower() not in _ALLOWED_EMAILS:
                            check.findings.append(Finding(kind, where, _mask(match.group(0))))
    return check
