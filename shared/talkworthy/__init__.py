"""Talkworthy: the Social CRM integration mesh (shared Lambda layer)."""

__version__ = "0.1.0"
