"""Telling the customer where they came from: reply ports per origin, and the texts they send."""
