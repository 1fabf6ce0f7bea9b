"""Use cases the functions call: sync, process, retry, renew, connect, webhook, api."""
