"""Each function of template.yaml with its handler module, loaded the way Lambda loads it."""

from __future__ import annotations

import importlib.util
from functools import cache
from types import ModuleType
from typing import Any

from infra.local.template import REPO_ROOT, load_template

TEMPLATE = load_template()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
FUNCTIONS = {k: v for k, v in RESOURCES.items() if v["Type"] == "AWS::Serverless::Function"}


@cache
def handler_module(logical_id: str) -> ModuleType:
    props = FUNCTIONS[logical_id]["Properties"]
    module_name = props["Handler"].rpartition(".")[0]
    path = REPO_ROOT / props["CodeUri"] / f"{module_name.replace('.', '/')}.py"
    spec = importlib.util.spec_from_file_location(f"handler_{logical_id}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def handler(logical_id: str) -> Any:
    props = FUNCTIONS[logical_id]["Properties"]
    return getattr(handler_module(logical_id), props["Handler"].rpartition(".")[2])
