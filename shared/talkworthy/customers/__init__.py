"""Customers: per-customer baselines, deviation triggers and the population figures they lean on.

Modules are imported where used (``baseline``, ``calibration``, ``deviation``, ``record`` are pure
Python; ``store`` and ``pressure`` are the DynamoDB adapters, with in-memory twins for tests).
"""
