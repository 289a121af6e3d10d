"""BG/NBD: the offline fit recovers known parameters; the layer's pure-Python P(alive) behaves."""

from __future__ import annotations

import numpy as np

from infra.customers.fit import fit_bgnbd
from talkworthy.customers.calibration import calibration


def _simulate(r: float, alpha: float, a: float, b: float, n: int, horizon: float, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    xs, txs = np.zeros(n), np.zeros(n)
    for i in range(n):
        rate, drop = rng.gamma(r, 1 / alpha), rng.beta(a, b)
        at = 0.0
        while True:
            at += rng.exponential(1 / rate)
            if at > horizon:
                break
            xs[i] += 1
            txs[i] = at
            if rng.random() < drop:
                break
    return xs, txs, np.full(n, horizon)


def test_the_fit_recovers_the_parameters_of_a_simulated_bgnbd_population() -> None:
    x, t_x, big_t = _simulate(0.8, 20.0, 0.6, 3.0, n=4000, horizon=365.0, seed=7)
    fitted = fit_bgnbd(x, t_x, big_t)
    assert abs(fitted["r"] - 0.8) / 0.8 < 0.2
    assert abs(fitted["alpha"] - 20.0) / 20.0 < 0.25
    assert abs(fitted["a"] / (fitted["a"] + fitted["b"]) - 0.6 / 3.6) < 0.05  # the mean dropout probability


def test_p_alive_falls_with_time_since_the_last_order_and_one_time_buyers_are_not_certain() -> None:
    cal = calibration()
    fresh = cal.p_alive(10, 0.0, 300.0, 305.0)
    stale = cal.p_alive(10, 0.0, 300.0, 400.0)
    assert 0.0 < stale < fresh <= 1.0
    one_time = [cal.p_alive(1, 0.0, 0.0, age) for age in (1.0, 30.0, 120.0, 365.0)]
    assert one_time == sorted(one_time, reverse=True)
    assert one_time[0] < 1.0  # plain BG/NBD would say 1.0 for every one of them
    assert one_time[-1] < 0.2
