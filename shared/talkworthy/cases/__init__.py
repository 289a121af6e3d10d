"""The case file: what a case needs to end well (goal, owner, deadline, participants, next steps, decisions)."""
