"""Settings from the environment: the only module that reads environment variables.

Every setting is declared once in ``SETTINGS`` (name, default, description); the
settings table in docs/settings.md lists the same names and a test keeps the two in step.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import get_type_hints

from shared.errors import ConfigError

SETTINGS: dict[str, tuple[str, str]] = {
    "GOOGLE_CLOUD_PROJECT": ("leadharvest-local", "Google Cloud project id"),
    "LEAD_LABEL": ("Processed lead", "Gmail label whose emails are leads (matched by name)"),
    "MAILBOX_TZ": ("America/New_York", "Time zone for forwarded emails' dates"),
    "GMAIL_API_ENDPOINT": ("https://gmail.googleapis.com/", "Gmail API root URL"),
    "OAUTH_AUTH_URI": ("https://accounts.google.com/o/oauth2/auth", "OAuth consent URL"),
    "OAUTH_TOKEN_URI": ("https://oauth2.googleapis.com/token", "OAuth token endpoint"),
    "OAUTH_REVOKE_URI": ("https://oauth2.googleapis.com/revoke", "OAuth revoke endpoint"),
    "OAUTH_CLIENT_ID": ("", "OAuth web client id"),
    "OAUTH_CLIENT_SECRET": ("", "OAuth client secret (from Secret Manager via env)"),
    "LEAD_KEY_SECRET": ("", "Key of the keyed hashes that index renters (from Secret Manager)"),
    "OAUTH_REDIRECT_URI": ("", "URL of the oauth function's callback"),
    "OIDC_ISSUER": ("https://accounts.google.com", "Issuer of push and frontend ID tokens"),
    "OIDC_CERTS_URL": ("https://www.googleapis.com/oauth2/v1/certs", "Issuer's signing certs"),
    "PUSH_AUDIENCE": ("", "Audience of push ID tokens: the gmail_webhook URL"),
    "PUSH_SERVICE_ACCOUNT": ("", "Service account Pub/Sub push signs tokens as"),
    "EVENT_AUDIENCES": (
        "",
        "Audiences of push ID tokens to the Pub/Sub-driven functions (their URLs, comma-separated)",
    ),
    "SCHEDULER_SERVICE_ACCOUNT": ("", "Service account Cloud Scheduler signs tokens as"),
    "SCHEDULER_AUDIENCE": ("", "Audience of scheduler ID tokens (comma-separated URLs)"),
    "API_AUDIENCE": ("", "Audience of frontend ID tokens (the OAuth client id)"),
    "ALLOWED_USERS": ("", "Comma-separated emails allowed to use the API"),
    "ALLOWED_DOMAINS": ("", "Comma-separated email domains allowed to use the API"),
    "FRONTEND_URL": ("http://localhost:5173", "Where the OAuth callback redirects"),
    "FRONTEND_ORIGINS": ("http://localhost:5173", "CORS origins, comma-separated"),
    "TOPIC_GMAIL": ("gmail-notifications", "Topic Gmail publishes change notifications to"),
    "TOPIC_SYNC": ("mailbox-sync", "Topic of mailbox sync jobs"),
    "TOPIC_BATCHES": (
        "email-batches",
        "Topic of bulk chunks (backfill, audit, manual, re-parse, retries)",
    ),
    "TOPIC_LIVE": ("email-live", "Topic of live chunks (new mail a sync found)"),
    "CHUNK_SIZE": ("25", "Message ids per processing chunk"),
    "CHUNK_WINDOW": (
        "4",
        "Chunks of one batch in flight at once (the rest follow, one per finished chunk)",
    ),
    "EMAIL_MAX_BYTES": (
        "5242880",
        "Largest email fetched and parsed (Gmail's `larger:` search finds bigger ones first; "
        "they are recorded as not leads, never fetched)",
    ),
    "FETCH_BUDGET_BYTES": (
        "50331648",
        "Raw email bytes one process holds at once (each fetched email counted at "
        "EMAIL_MAX_BYTES): bounds a processing instance's memory",
    ),
    "RAW_RETENTION_DAYS": ("365", "Days a kept raw email lives (Firestore TTL); 0 keeps it"),
    "RETRY_MAX_ATTEMPTS": ("5", "Attempts before a failed message becomes dead"),
    "SAFETY_NET_MINUTES": ("15", "Minutes between safety-net syncs (Terraform schedules them)"),
    "GMAIL_QUOTA_UNITS": (
        "100",
        "Gmail quota units per user per second: 100 for projects first using Gmail since "
        "1 May 2026, 250 for older ones",
    ),
    "SECRETS_BACKEND": ("secretmanager", "`secretmanager`, or `local` for development"),
    "LOCAL_SECRETS_DIR": ("build/local-secrets", "Folder of the local secrets backend"),
    "SECRET_MANAGER_ENDPOINT": ("", "Secret Manager REST endpoint override (local stack only)"),
}


# Settings whose defaults are right in production (Terraform need not set them), and the
# ones that come from Secret Manager rather than plain environment variables.
PRODUCTION_DEFAULTS = frozenset(
    {
        "GMAIL_API_ENDPOINT",
        "OAUTH_AUTH_URI",
        "OAUTH_TOKEN_URI",
        "OAUTH_REVOKE_URI",
        "OIDC_ISSUER",
        "OIDC_CERTS_URL",
        "LOCAL_SECRETS_DIR",
        "SECRET_MANAGER_ENDPOINT",
    }
)
FROM_SECRETS = frozenset({"OAUTH_CLIENT_SECRET", "LEAD_KEY_SECRET"})


Csv = tuple[str, ...]


def _convert(name: str, raw: str, kind: object) -> object:
    if kind is int:
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"{name} must be an integer") from exc
    if kind == Csv:
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw


@dataclass(frozen=True)
class Settings:
    """Typed settings, one attribute per entry of ``SETTINGS`` (a test keeps them equal), so a
    misspelt name fails type checking. Build with :func:`load` (or :func:`get`)."""

    google_cloud_project: str
    lead_label: str
    mailbox_tz: str
    gmail_api_endpoint: str
    oauth_auth_uri: str
    oauth_token_uri: str
    oauth_revoke_uri: str
    oauth_client_id: str
    oauth_client_secret: str
    lead_key_secret: str
    oauth_redirect_uri: str
    oidc_issuer: str
    oidc_certs_url: str
    push_audience: str
    push_service_account: str
    event_audiences: Csv
    scheduler_service_account: str
    scheduler_audience: Csv
    api_audience: str
    allowed_users: Csv
    allowed_domains: Csv
    frontend_url: str
    frontend_origins: Csv
    topic_gmail: str
    topic_sync: str
    topic_batches: str
    topic_live: str
    chunk_size: int
    chunk_window: int
    email_max_bytes: int
    fetch_budget_bytes: int
    raw_retention_days: int
    retry_max_attempts: int
    safety_net_minutes: int
    gmail_quota_units: int
    secrets_backend: str
    local_secrets_dir: str
    secret_manager_endpoint: str

    @property
    def gmail_topic_path(self) -> str:
        """Full name of the topic Gmail publishes change notifications to."""
        return f"projects/{self.google_cloud_project}/topics/{self.topic_gmail}"

    def require(self, name: str) -> str:
        """A string setting that must be non-empty, else :class:`ConfigError`."""
        value = getattr(self, name.lower(), None)
        if not isinstance(value, str):
            raise ConfigError(f"unknown setting {name}")
        if not value:
            raise ConfigError(f"setting {name} is required")
        return value


def load(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``env`` (default: a snapshot of ``os.environ``); an empty value counts as
    unset."""
    source = os.environ if env is None else env
    kinds = get_type_hints(Settings)
    values = {
        name.lower(): _convert(name, source.get(name) or default, kinds[name.lower()])
        for name, (default, _) in SETTINGS.items()
    }
    return Settings(**values)  # type: ignore[arg-type]  # built from the table; a test checks it


@cache
def get() -> Settings:
    """The process's settings, read once."""
    return load()
