"""Bounded contexts: one queue consumer each, declared as a handler map (see ``docs/design-notes.md``).

A context module holds its ports (built lazily from its settings, once per container), the thin
functions that hand an event and those ports to a use case, and ``HANDLERS``. The function in
``functions/<context>/app.py`` is one line: ``SqsConsumer(<context>, HANDLERS, Settings, Ports)``.
"""
