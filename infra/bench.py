"""`make bench`: the figures PERFORMANCE.md asks for, printed and written to bench-results.json.

Machines here are shared and noisy, so every figure is a median over repeats and every claim is a
ratio to a baseline measured in the same run. Keys in the JSON file are stable (see README).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from infra.local.template import REPO_ROOT, load_template

__all__ = ["main"]

RESULTS = REPO_ROOT / "bench-results.json"
IMPORT_REPEATS = 7


def _once(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=REPO_ROOT)
    return float(out.stdout.strip().splitlines()[-1])


def _against_boto3(statement: str) -> tuple[float, float]:
    """Median seconds of ``statement`` and of bare ``import boto3``, runs interleaved (a noisy machine
    slows both alike)."""
    pairs = [(_once(statement), _once("import boto3")) for _ in range(IMPORT_REPEATS)]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def _handler_modules() -> dict[str, Path]:
    modules = {}
    for logical_id, resource in load_template()["Resources"].items():
        if resource["Type"] == "AWS::Serverless::Function":
            props = resource["Properties"]
            module = props["Handler"].rpartition(".")[0]
            modules[logical_id] = (REPO_ROOT / props["CodeUri"] / f"{module}.py").resolve()
    return modules


def cold_imports() -> dict[str, Any]:
    handlers, floor, baselines = {}, {}, []
    for logical_id, path in _handler_modules().items():
        statement = (
            "import boto3; import importlib.util as u; "
            f"s = u.spec_from_file_location('h', {str(path)!r}); m = u.module_from_spec(s); s.loader.exec_module(m)"
        )
        seconds, boto3 = _against_boto3(statement)
        baselines.append(boto3)
        handlers[logical_id] = {"ms": round(seconds * 1000, 1), "ratio_to_boto3": round(seconds / boto3, 2)}
    for name, statement in _FLOOR.items():
        seconds, boto3 = _against_boto3(statement)
        baselines.append(boto3)
        floor[name] = {"ms": round(seconds * 1000, 1), "ratio_to_boto3": round(seconds / boto3, 2)}
    boto3_ms = round(statistics.median(baselines) * 1000, 1)
    return {"boto3_ms": boto3_ms, "handlers": handlers, "floor": floor, "goal_ratio": 1.3}


# What every handler imports before any Talkworthy code: the libraries the conventions require.
_FLOOR = {
    "boto3+pydantic": "import boto3; from pydantic import BaseModel",
    "boto3+pydantic+powertools": (
        "import boto3; from pydantic import BaseModel; from aws_lambda_powertools import Logger, Metrics"
    ),
}


def per_call_seconds(fn: Callable[[], object], *, min_time: float = 0.3, repeats: int = 5) -> float:
    """Median seconds per call; each repeat runs ``fn`` for at least ``min_time`` seconds."""
    fn()
    samples = []
    for _ in range(repeats):
        count, started = 0, time.perf_counter()
        while True:
            fn()
            count += 1
            elapsed = time.perf_counter() - started
            if elapsed >= min_time:
                break
        samples.append(elapsed / count)
    return statistics.median(samples)


def _print(results: dict[str, Any]) -> None:
    imports = results["cold_import"]
    print(f"\ncold import (fresh process, median of {IMPORT_REPEATS}); bare `import boto3` = {imports['boto3_ms']} ms")
    print(f"  {'handler':<22} {'ms':>8} {'x boto3':>8}   goal <= {imports['goal_ratio']}")
    for name, row in imports["handlers"].items():
        print(f"  {name:<22} {row['ms']:>8} {row['ratio_to_boto3']:>8}")
    print("  floor (libraries every handler needs, no Talkworthy code):")
    for name, row in imports["floor"].items():
        print(f"    {name:<28} {row['ms']:>8} {row['ratio_to_boto3']:>8}")
    for section in [name for name in results if name != "cold_import"]:
        print(f"\n{section}:")
        _print_rows(results[section], indent=2)


def _print_rows(rows: dict[str, Any], indent: int) -> None:
    for key, value in rows.items():
        if isinstance(value, dict):
            print(f"{' ' * indent}{key}:")
            _print_rows(value, indent + 2)
        else:
            print(f"{' ' * indent}{key:<{46 - indent}} {value}")


def community_figures() -> dict[str, Any]:
    from infra.bench_surges import surge_costs
    from infra.eval_health import evaluate as health
    from infra.eval_health import throughput
    from infra.eval_surges import evaluate as surges

    figures = {"surge_evaluation": surges(streams=12), "health_evaluation": health(), "health_scoring": throughput()}
    return {**figures, **surge_costs()}


def main() -> int:
    from infra.bench_actions import action_costs
    from infra.bench_community_health import health_figures
    from infra.bench_customers import customers_costs
    from infra.bench_flows import ingress_costs, mention_costs
    from infra.bench_ideas import idea_costs
    from infra.bench_loop import closure_costs
    from infra.intent.bench import intent_figures
    from infra.local.mesh import HANDLER_LOG

    results: dict[str, Any] = {"cold_import": cold_imports()}
    results["ingress"] = ingress_costs(per_call_seconds)
    results["mention"] = mention_costs(per_call_seconds)
    results["ideas"] = idea_costs()
    results["community"] = community_figures()
    results["community"] |= health_figures()  # the health path: activity, stored weeks, digest chart
    results["intent"] = intent_figures(per_call_seconds)
    results["actions"] = action_costs()
    results["customers"] = customers_costs(per_call_seconds)
    results["loop"] = closure_costs()
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    _print(results)
    print(f"\nwritten to {RESULTS.name}; the handlers' logs of the meshes measured: {HANDLER_LOG}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
