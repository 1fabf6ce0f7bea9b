"""A mailbox's life: connect and confirm, sync, state changes on what Google answers,
holds, health, disconnect."""
