"""`talkworthy`: the operator's command line for a Talkworthy stack, local or deployed."""
