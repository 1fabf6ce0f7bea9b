"""Settings from the environment: the only module that reads environment variables.

Every setting is declared once in ``SETTINGS`` (name, default, description); the
README's settings table lists the same names and a test keeps the two in step.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

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
    "OAUTH_REDIRECT_URI": ("", "URL of the oauth function's callback"),
    "OIDC_ISSUER": ("https://accounts.google.com", "Issuer of push and frontend ID tokens"),
    "OIDC_CERTS_URL": ("https://www.googleapis.com/oauth2/v1/certs", "Issuer's signing certs"),
    "PUSH_AUDIENCE": ("", "Audience of push ID tokens: the gmail_webhook URL"),
    "PUSH_SERVICE_ACCOUNT": ("", "Service account Pub/Sub push signs tokens as"),
    "SCHEDULER_SERVICE_ACCOUNT": ("", "Service account Cloud Scheduler signs tokens as"),
    "SCHEDULER_AUDIENCE": ("", "Audience of scheduler ID tokens (comma-separated URLs)"),
    "API_AUDIENCE": ("", "Audience of frontend ID tokens (the OAuth client id)"),
    "ALLOWED_USERS": ("", "Comma-separated emails allowed to use the API"),
    "ALLOWED_DOMAINS": ("", "Comma-separated email domains allowed to use the API"),
    "FRONTEND_URL": ("http://localhost:5173", "Where the OAuth callback redirects"),
    "FRONTEND_ORIGINS": ("http://localhost:5173", "CORS origins, comma-separated"),
    "TOPIC_GMAIL": ("gmail-notifications", "Topic Gmail publishes change notifications to"),
    "TOPIC_SYNC": ("mailbox-sync", "Topic of mailbox sync jobs"),
    "TOPIC_BATCHES": ("email-batches", "Topic of message-id chunks to process"),
    "CHUNK_SIZE": ("25", "Message ids per processing chunk"),
    "RETRY_MAX_ATTEMPTS": ("5", "Attempts before a failed message becomes dead"),
    "GMAIL_QUOTA_UNITS": ("250", "Gmail quota units per user per second"),
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
FROM_SECRETS = frozenset({"OAUTH_CLIENT_SECRET"})


def _int(env: Mapping[str, str], name: str) -> int:
    raw = env.get(name) or SETTINGS[name][0]
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer") from exc


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = env.get(name, SETTINGS[name][0])
    return tuple(part.strip() for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    """Typed settings; build with :func:`load` (or :func:`get` for the cached process copy)."""

    env: Mapping[str, str]

    def text(self, name: str) -> str:
        """A string setting, its default when unset."""
        if name not in SETTINGS:
            raise ConfigError(f"unknown setting {name}")
        return self.env.get(name) or SETTINGS[name][0]

    def integer(self, name: str) -> int:
        """An integer setting."""
        return _int(self.env, name)

    def csv(self, name: str) -> tuple[str, ...]:
        """A comma-separated setting as a tuple."""
        return _list(self.env, name)

    def require(self, name: str) -> str:
        """A setting that must be non-empty, else :class:`ConfigError`."""
        value = self.text(name)
        if not value:
            raise ConfigError(f"setting {name} is required")
        return value


def load(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``env`` (default: a snapshot of ``os.environ``)."""
    return Settings(dict(os.environ if env is None else env))


@cache
def get() -> Settings:
    """The process's settings, read once."""
    return load()
