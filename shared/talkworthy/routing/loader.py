"""Reading a rules document: strict YAML, and validation errors that name the rule at fault."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from talkworthy.errors import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pydantic import ValidationError

__all__ = ["RulesError", "describe_errors", "parse_yaml"]


_PATTERN_HINTS = {
    "email": "not an e-mail address",
    "channel": "not a Slack channel id (C0123ABCD) or lower-case name (#customer-care)",
    "name": "a rule name is letters, digits, spaces, '_', '.' and '-'",
}


class RulesError(ConfigurationError):
    """A rules document that cannot be used; ``problems`` has one line per mistake."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid routing rules: " + "; ".join(problems))
        self.problems = problems


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (YAML would keep the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in keys:
                raise yaml.constructor.ConstructorError(None, None, f"key {key!r} given twice", key_node.start_mark)
            keys.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as err:
        raise RulesError([f"not valid YAML: {err}"]) from err
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise RulesError([f"the document must be a mapping (version, rules, default, ...), not {kind}"])
    return data


def describe_errors(err: ValidationError, raw_rules: Sequence[Any]) -> list[str]:
    """One line per pydantic error, located by rule name: ``rule 'vip' (rules[0]): sla: ...``."""
    lines: list[str] = []
    for error in err.errors():
        loc = list(error["loc"])
        where = "document"
        if loc and loc[0] == "rules" and len(loc) > 1 and isinstance(loc[1], int):
            index = loc[1]
            raw = raw_rules[index] if index < len(raw_rules) else None
            name = raw.get("name") if isinstance(raw, dict) else None
            where = f"rule '{name}' (rules[{index}])" if name else f"unnamed rule (rules[{index}])"
            loc = loc[2:]
        elif loc and loc[0] in {"default", "contact_policy", "version", "rules"}:
            where, loc = str(loc[0]), loc[1:]
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        elif error["type"] == "missing":
            message = "required"
        elif error["type"].startswith(("literal_", "enum")):
            message = f"{message}, got {error['input']!r}"
        elif error["type"] == "string_pattern_mismatch" and loc and str(loc[-1]) in _PATTERN_HINTS:
            message = f"{_PATTERN_HINTS[str(loc[-1])]}, got {error['input']!r}"
        field = ".".join(str(part) for part in loc)
        lines.append(f"{where}: {field}: {message}" if field else f"{where}: {message}")
    return lines
