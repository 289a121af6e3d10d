"""Systems of record: the CRM port, its value types, and the adapters behind it.

The composition root picks and builds the adapter; this package only exports. Vendor adapters
(``salesforce``, ``hubspot``, ``zendesk``) import ``requests`` and the built-in one imports
``boto3``, so they are imported here lazily and a handler pays only for the one it uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from talkworthy.crm.port import (
    CaseRef,
    CaseRequest,
    Contact,
    CrmPort,
    LeadRef,
    LeadRequest,
    NurtureRequest,
    TaskRef,
    TaskRequest,
    external_key,
)

if TYPE_CHECKING:
    from talkworthy.crm.dynamodb import DynamoDbCrm
    from talkworthy.crm.fake import InMemoryCrm
    from talkworthy.crm.hubspot import HubSpotCrmAdapter
    from talkworthy.crm.salesforce import SalesforceCrmAdapter
    from talkworthy.crm.zendesk import ZendeskCrmAdapter
    from talkworthy.http import HttpClient, RetryPolicy

__all__ = [
    "CaseRef",
    "CaseRequest",
    "Contact",
    "CrmPort",
    "DynamoDbCrm",
    "HttpClient",
    "HubSpotCrmAdapter",
    "InMemoryCrm",
    "LeadRef",
    "LeadRequest",
    "NurtureRequest",
    "RetryPolicy",
    "SalesforceCrmAdapter",
    "TaskRef",
    "TaskRequest",
    "ZendeskCrmAdapter",
    "external_key",
]

_LAZY = {
    "DynamoDbCrm": "talkworthy.crm.dynamodb",
    "InMemoryCrm": "talkworthy.crm.fake",  # a test fake: never loaded by a handler
    "HttpClient": "talkworthy.http",
    "RetryPolicy": "talkworthy.http",
    "HubSpotCrmAdapter": "talkworthy.crm.hubspot",
    "SalesforceCrmAdapter": "talkworthy.crm.salesforce",
    "ZendeskCrmAdapter": "talkworthy.crm.zendesk",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module), name)
