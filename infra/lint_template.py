"""Lint template.yaml the way CloudFormation will see it: after the SAM transform.

cfn-lint on the raw SAM template misses errors inside SAM event properties (a misspelt
``FunctionResponseTypes`` value, a DLQ ``Arn`` pointing nowhere), so the template is translated
with the SAM translator first and cfn-lint runs on the result.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from samtranslator.translator.transform import transform

from infra.local.template import TEMPLATE_PATH, load_template

# SQSPollerPolicy's batch actions are unknown to cfn-lint's IAM action list (a false positive).
IGNORED = ["W3037"]


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


def _placeholder_code_uris(template: dict[str, Any]) -> None:
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(props.get(key), str):
                props[key] = f"s3://talkworthy-artifacts/{props[key].strip('./') or 'root'}"


def translate() -> dict[str, Any]:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    template = load_template()
    _placeholder_code_uris(template)
    return transform(template, {}, _NoManagedPolicies())


def main() -> int:
    translated = translate()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(translated, handle, indent=1)
    command = [
        str(Path(sys.executable).with_name("cfn-lint")),
        handle.name,
        *[arg for code in IGNORED for arg in ("-i", code)],
    ]
    result = subprocess.run(command, check=False, capture_output=True, text=True)
    output = (result.stdout + result.stderr).replace(handle.name, f"{TEMPLATE_PATH.name} (translated)")
    print(output.strip() or f"{TEMPLATE_PATH.name}: cfn-lint clean after SAM translation")
    os.unlink(handle.name)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
