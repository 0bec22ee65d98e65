"""The audit trail: who changed what, when, with old and new values.

The hash chain and the append-only rule are session and mapper listeners registered by
`chain`. Python imports this package before any of its modules, so importing the model
(`tracker.audit.models`) always registers them: no code path can write an audit event
without them, and the model itself need not import the chain that hashes it.
"""

from tracker.audit import chain  # noqa: F401 - registers the listeners
