"""The cases context: SLA timers (start, stop on claim/dismiss/close) and escalation on breach."""

from __future__ import annotations

from talkworthy.consumer import SqsConsumer
from talkworthy.contexts.cases import HANDLERS, CasesPorts
from talkworthy.settings import CasesSettings

SETTINGS = CasesSettings
lambda_handler = SqsConsumer("cases", HANDLERS, SETTINGS, CasesPorts)
