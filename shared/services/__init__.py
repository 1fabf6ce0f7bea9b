"""Use cases the entry points call, grouped by what they serve: ``ingest`` (queue, fetch,
process, re-parse), ``mailbox`` (connect, sync, state, health, disconnect) and ``scheduled``
(retry sweep, scheduled tasks, audit)."""
