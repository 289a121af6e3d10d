"""Closing the loop: where each case came from, and telling the customer there once it is solved."""
