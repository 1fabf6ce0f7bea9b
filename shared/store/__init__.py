"""Firestore repositories: accounts, batches, messages, leads, retries, locks, quota slots."""
