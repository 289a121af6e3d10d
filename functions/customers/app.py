"""The customers context: baselines from behaviour, cases and negative mentions; retention after a deviation."""

from __future__ import annotations

from talkworthy.consumer import SqsConsumer
from talkworthy.contexts.customers import HANDLERS, CustomersPorts
from talkworthy.settings import CustomersSettings

SETTINGS = CustomersSettings
lambda_handler = SqsConsumer("customers", HANDLERS, SETTINGS, CustomersPorts)
