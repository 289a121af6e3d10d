"""Reaching out to customers: how much they have heard from us, and whether the next message may go."""
