"""Every function's environment, resolved from template.yaml, validates as the settings it declares."""

from __future__ import annotations

import pytest

from infra.local.template import Resolver
from talkworthy.errors import ConfigurationError
from talkworthy.settings import Settings
from tests.unit.handler_modules import FUNCTIONS, TEMPLATE, handler_module

# Values an operator passes at deploy time; everything else comes from the template's defaults.
DEPLOY_PARAMETERS = {"WebhookSecretsJson": "{}", "SlackBotToken": "xoxb-1", "ActionLinkKey": "k" * 32}


def _environment(logical_id: str) -> dict[str, str]:
    parameters = {name: spec.get("Default") for name, spec in TEMPLATE["Parameters"].items()} | DEPLOY_PARAMETERS
    resolver = Resolver("stack", "eu-west-1", "123456789012", parameters, TEMPLATE.get("Conditions", {}))
    for name, _resource in TEMPLATE["Resources"].items():  # every resource's Ref / GetAtt as a recognisable text
        resolver.attributes[name] = _Attributes(name)
    merged = {
        **TEMPLATE["Globals"]["Function"]["Environment"]["Variables"],
        **FUNCTIONS[logical_id]["Properties"].get("Environment", {}).get("Variables", {}),
    }
    return {key: str(resolver.resolve(value)) for key, value in merged.items()}


class _Attributes(dict):  # type: ignore[type-arg]
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def __missing__(self, attribute: str) -> str:
        return f"{self.name}.{attribute}"


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_environment_validates_as_the_declared_settings(logical_id: str) -> None:
    model = handler_module(logical_id).SETTINGS
    assert issubclass(model, Settings)
    environment = _environment(logical_id)
    model.load(environment)  # raises ConfigurationError naming what is missing
    own = set(FUNCTIONS[logical_id]["Properties"].get("Environment", {}).get("Variables", {}))
    unread = {name for name in own if name.lower() not in model.model_fields}
    assert unread == set(), f"{logical_id} sets variables its settings never read"


def test_a_missing_variable_is_named() -> None:
    model = handler_module("CasesFunction").SETTINGS
    environment = _environment("CasesFunction")
    del environment["SLA_SCHEDULE_GROUP"]
    with pytest.raises(ConfigurationError, match="SLA_SCHEDULE_GROUP"):
        model.load(environment)
