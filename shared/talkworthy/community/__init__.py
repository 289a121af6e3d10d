"""Community signals: surges in the mention stream and the health of each community."""
