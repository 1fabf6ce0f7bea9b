"""Builds Gmail API clients from a refresh token, for Google or the local fake."""

from __future__ import annotations

import google_auth_httplib2
import httplib2
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.http import BatchHttpRequest

from shared.types import Sdk

SCOPES = ("https://www.googleapis.com/auth/gmail.readonly",)
HTTP_TIMEOUT_S = 30


def credentials(
    refresh_token: str, client_id: str, client_secret: str, token_uri: str
) -> Credentials:
    """User credentials that refresh their access token at ``token_uri`` when needed."""
    return Credentials(
        token=None,
        refresh_token=refresh_token,
        client_id=client_id,
        client_secret=client_secret,
        token_uri=token_uri,
        scopes=list(SCOPES),
    )


def gmail_service(creds: Credentials, endpoint: str) -> Sdk:
    """A ``gmail v1`` service from the bundled discovery document (no discovery fetch).

    Args:
        creds: Credentials for the mailbox.
        endpoint: API root, ``https://gmail.googleapis.com/`` or the fake's URL.
    """
    http = google_auth_httplib2.AuthorizedHttp(creds, http=httplib2.Http(timeout=HTTP_TIMEOUT_S))
    return build(
        "gmail",
        "v1",
        http=http,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": endpoint},
    )


def new_batch(endpoint: str) -> BatchHttpRequest:
    """A batch request posted to ``{endpoint}batch/gmail/v1``.

    ``service.new_batch_http_request()`` ignores ``api_endpoint`` and always posts to the
    public host, so the batch URI is built from the configured endpoint here.
    """
    return BatchHttpRequest(batch_uri=endpoint.rstrip("/") + "/batch/gmail/v1")
