"""Export the event catalog's JSON Schemas to events/schemas/, or check that they are current.

``python -m infra.schemas export`` writes one file per detail-type; ``check`` lists stale ones.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from infra.local.template import REPO_ROOT
from talkworthy.catalog import CATALOG

__all__ = ["SCHEMA_DIR", "rendered", "stale"]

SCHEMA_DIR = REPO_ROOT / "events" / "schemas"


def rendered() -> dict[str, str]:
    """File name -> schema text for every detail-type in the catalog."""
    files = {}
    for detail_type, model in sorted(CATALOG.items()):
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema()}
        schema["title"] = detail_type
        files[f"{detail_type}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return files


def stale(directory: Path = SCHEMA_DIR) -> list[str]:
    """Schemas that are missing, different, or exported for a detail-type that no longer exists."""
    expected = rendered()
    present = {path.name for path in directory.glob("*.schema.json")}
    wrong = [
        name
        for name, text in expected.items()
        if not (directory / name).exists() or (directory / name).read_text() != text
    ]
    return sorted(wrong + sorted(present - expected.keys()))


def export(directory: Path = SCHEMA_DIR) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    expected = rendered()
    for path in directory.glob("*.schema.json"):
        if path.name not in expected:
            path.unlink()
    for name, text in expected.items():
        (directory / name).write_text(text)


def main(argv: list[str]) -> int:
    if argv[:1] == ["export"]:
        export()
        print(f"exported {len(rendered())} schemas to {SCHEMA_DIR.relative_to(REPO_ROOT)}")
        return 0
    if argv[:1] == ["check"]:
        names = stale()
        print("\n".join(names) if names else "schemas are current")
        return 1 if names else 0
    print("usage: python -m infra.schemas export|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
