"""Fit the population figures the triggers lean on, on the calibration window, and write them as data.

``python -m infra.customers.fit`` generates the population (fixed seed, ``PopulationParams``), keeps
what happened before the end of the calibration window, fits BG/NBD's four parameters by maximum
likelihood (scipy), takes the per-position gap percentiles, the one-time buyers' figures and the
value-tier thresholds (numpy), and writes ``shared/talkworthy/customers/calibration.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln

from infra.customers.population import Customer, PopulationParams, generate

__all__ = ["bgnbd_log_likelihood", "fit_bgnbd", "fit_calibration", "main"]

OUT = Path(__file__).resolve().parents[2] / "shared" / "talkworthy" / "customers" / "calibration.json"
POSITIONS = 12


def bgnbd_log_likelihood(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> float:
    """Fader, Hardie & Lee (2005), eq. 6, summed over customers (time in days)."""
    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + big_t)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-12)) - (r + x) * np.log(alpha + t_x), -np.inf)
    return float(np.sum(a1 + a2 + np.logaddexp(a3, a4)))


def fit_bgnbd(x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> dict[str, float]:
    def loss(log_params: np.ndarray) -> float:
        return -bgnbd_log_likelihood(np.exp(log_params), x, t_x, big_t) / len(x)

    best = minimize(loss, np.log([1.0, 10.0, 1.0, 5.0]), method="Nelder-Mead", options={"maxiter": 4000, "xatol": 1e-6})
    r, alpha, a, b = np.exp(best.x)
    return {"r": round(float(r), 5), "alpha": round(float(alpha), 5), "a": round(float(a), 5), "b": round(float(b), 5)}


def fit_calibration(population: list[Customer], params: PopulationParams) -> dict[str, Any]:
    cut = float(params.calibration_days)
    xs, txs, ts, spend = [], [], [], []
    by_position: list[list[float]] = [[] for _ in range(POSITIONS)]
    first_gaps, early, early_repeat = [], 0, 0
    for customer in population:
        days = [day for day, _ in customer.orders if day < cut]
        if not days:
            continue
        first = days[0]
        xs.append(len(days) - 1)
        txs.append(days[-1] - first)
        ts.append(cut - first)
        total = sum(amount for day, amount in customer.orders if day < cut)
        spend.append(total / max(cut - first, 90.0) * 365.0)
        for k in range(len(days) - 1):
            by_position[min(k, POSITIONS - 1)].append(days[k + 1] - days[k])
        if first < cut - 180:  # observed for 180+ days: did they order a second time?
            early += 1
            if len(days) > 1:
                early_repeat += 1
                first_gaps.append(days[1] - first)
    latency = [
        {"p50": round(float(np.percentile(g, 50)), 2), "p90": round(float(np.percentile(g, 90)), 2)}
        for g in by_position
    ]
    return {
        "source": (
            f"infra/customers/fit.py: {params.customers} synthetic customers, seed {params.seed}, "
            f"calibration window days 0-{params.calibration_days}"
        ),
        "bgnbd": fit_bgnbd(np.array(xs, float), np.array(txs, float), np.array(ts, float)),
        "latency": latency,
        "second_order": {
            "share": round(early_repeat / max(early, 1), 4),
            "gap_quantiles": [round(float(q), 2) for q in np.percentile(first_gaps, np.arange(5, 100, 5))],
        },
        "value_tiers": {
            "vip": round(float(np.percentile(spend, 95)), 2),
            "high": round(float(np.percentile(spend, 80)), 2),
        },
    }


def main() -> int:
    params = PopulationParams()
    data = fit_calibration(generate(params), params)
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(json.dumps(data["bgnbd"]), f"written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
