"""Turning queued emails into records and leads: fetch inside the quota, parse, store,
record failures, send followers."""
