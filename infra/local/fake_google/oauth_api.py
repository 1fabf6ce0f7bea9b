"""OAuth 2.0 (authorize with auto-consent, token, revoke) and the OIDC issuer endpoints."""

from __future__ import annotations

import base64
import hashlib
import math
import time
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, redirect, request

from infra.local.fake_google.keys import SigningKey
from infra.local.fake_google.state import FakeState

ACCESS_TTL = 3600


def _invalid_grant() -> tuple[Response, int]:
    return jsonify(
        error="invalid_grant", error_description="Token has been expired or revoked."
    ), 400


CLIENT_ERRORS = {  # Google's words (RefreshError texts reported on real deployments)
    "invalid_client": (401, "The OAuth client was not found."),
    "unauthorized_client": (400, "Unauthorized"),
}


def _client_refused(name: str) -> tuple[Response, int]:
    status, description = CLIENT_ERRORS[name]
    return jsonify(error=name, error_description=description), status


def _verifier_matches(challenge: str | None, verifier: str) -> bool:
    """PKCE (RFC 7636, S256): the verifier hashes to the code's challenge, if it had one."""
    if not challenge:
        return True
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge


def _with_earlier(state: FakeState, scope: str) -> str:
    """The scopes a token response lists: this consent's and those granted before."""
    return " ".join(dict.fromkeys([*scope.split(), *state.faults.granted_before]))


def granted(state: FakeState, requested: str) -> str | None:
    """The scopes the consent screen grants: all, none (the user cancelled: None), or all
    but Gmail's (granular consent lets the user untick it)."""
    if state.consent_answer == "deny":
        return None
    if state.consent_answer == "no_gmail":
        return " ".join(s for s in requested.split() if "gmail" not in s) or "openid"
    return requested


def _refreshable(state: FakeState, refresh: str) -> str | None:
    """The user of a refresh token that is neither revoked nor expired."""
    if state.refresh_expiry.get(refresh, math.inf) < time.time():
        return None
    return state.refresh_tokens.get(refresh)


def oauth_blueprint(state: FakeState, key: SigningKey, base_url: str) -> Blueprint:
    """Routes: /o/oauth2/auth, /token, /revoke, /.well-known/openid-configuration, certs."""
    bp = Blueprint("oauth", __name__)

    @bp.get("/o/oauth2/auth")
    def authorize() -> Any:
        args = request.args
        user = args.get("login_hint") or state.consent_user
        if not user or not args.get("redirect_uri") or args.get("response_type") != "code":
            return jsonify(error="invalid_request"), 400
        sep = "&" if "?" in args["redirect_uri"] else "?"
        scope = granted(state, args.get("scope", ""))
        echo = {"state": args["state"]} if args.get("state") else {}
        if scope is None:  # Google's answer when the user cancels
            denied = {"error": "access_denied", **echo}
            return redirect(args["redirect_uri"] + sep + urlencode(denied), code=302)
        code = state.new_token("code")
        with state.lock:
            state.mailbox(user)
            state.codes[code] = {
                "user": user.lower(),
                "redirect_uri": args["redirect_uri"],
                "client_id": args.get("client_id"),
                "scope": scope,  # what was granted: the token response lists it
                "challenge": args.get("code_challenge"),
            }
        query = {"code": code, "scope": scope, **echo}
        return redirect(args["redirect_uri"] + sep + urlencode(query), code=302)

    def _tokens(user: str, scope: str, refresh: str | None) -> dict[str, Any]:
        access = state.new_token("ya29")
        state.access_tokens[access] = (user, time.time() + ACCESS_TTL)
        out: dict[str, Any] = {
            "access_token": access,
            "expires_in": ACCESS_TTL,
            "token_type": "Bearer",
            "scope": scope,
        }
        if refresh:
            out["refresh_token"] = refresh
            out["id_token"] = key.mint(base_url, "fake-client", user)
        return out

    @bp.post("/token")
    def token() -> Any:
        form = request.form
        with state.lock:
            state.count("oauth.token")
            if state.faults.token_error in CLIENT_ERRORS:
                return _client_refused(state.faults.token_error)
            if form.get("grant_type") == "authorization_code":
                grant = state.codes.pop(form.get("code", ""), None)
                if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                    return _invalid_grant()
                if not _verifier_matches(grant["challenge"], form.get("code_verifier", "")):
                    return _invalid_grant()
                refresh = state.new_token("1//refresh")
                state.refresh_tokens[refresh] = grant["user"]
                scope = " ".join(
                    dict.fromkeys([*grant["scope"].split(), *state.faults.granted_before])
                )
                return jsonify(_tokens(grant["user"], scope, refresh))
            if form.get("grant_type") == "refresh_token":
                user = _refreshable(state, form.get("refresh_token", ""))
                if user is None:
                    return _invalid_grant()
                return jsonify(_tokens(user, form.get("scope", ""), None))
        return jsonify(error="unsupported_grant_type"), 400

    @bp.post("/revoke")
    def revoke() -> Any:
        tok = request.values.get("token", "")
        with state.lock:
            user = state.refresh_tokens.pop(tok, None) or state.access_tokens.pop(tok, ("",))[0]
            if not user:
                return jsonify(error="invalid_token"), 400
            for access, (owner, _) in list(state.access_tokens.items()):
                if owner == user:
                    del state.access_tokens[access]
            for refresh, owner in list(state.refresh_tokens.items()):
                if owner == user:
                    del state.refresh_tokens[refresh]
        return jsonify({})

    @bp.get("/.well-known/openid-configuration")
    def discovery() -> Any:
        return jsonify(
            issuer=base_url,
            authorization_endpoint=f"{base_url}/o/oauth2/auth",
            token_endpoint=f"{base_url}/token",
            revocation_endpoint=f"{base_url}/revoke",
            jwks_uri=f"{base_url}/oauth2/v3/certs",
            id_token_signing_alg_values_supported=["RS256"],
        )

    @bp.get("/oauth2/v1/certs")
    def certs_v1() -> Any:
        return jsonify(key.certs_v1())

    @bp.get("/oauth2/v3/certs")
    def certs_v3() -> Any:
        return jsonify(key.jwks())

    return bp
