"""Use cases: plain functions that take the ports they need. No environment, no clients."""
