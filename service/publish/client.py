"""HTTP client of the Aanlever API: a bearer token from clientId + apiKey, retry with backoff.

5xx and 429 are retried with exponential backoff (``Retry-After`` is honoured); any other 4xx stops
at once with the server's own message (RFC 9457 problem: title, detail and per-field errors).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

from ..errors import OpenbaarError

API = "/api/v1"


class PublishError(OpenbaarError):
    """The national catalogue refused a request, or stayed unavailable after every retry."""


def _problem(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:500] or response.reason
    parts = [str(body.get("title") or ""), str(body.get("detail") or "")]
    for error in body.get("errors") or []:
        parts.append(f"{error.get('path')}: {error.get('code')} ({error.get('message')})")
    return "; ".join(p for p in parts if p) or response.reason


class AanleverClient:
    def __init__(
        self,
        base_url: str,
        client_id: str,
        api_key: str,
        *,
        retries: int = 5,
        backoff: float = 1.0,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not client_id or not api_key:
            raise PublishError(
                "no Aanlever API credentials: set OPENBAAR_AANLEVER_CLIENT_ID and OPENBAAR_AANLEVER_API_KEY"
            )
        self.base = base_url.rstrip("/")
        self.client_id, self._api_key = client_id, api_key
        self.retries, self.backoff, self.timeout, self.sleep = retries, backoff, timeout, sleep
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json, application/problem+json"
        self._token: str | None = None
        #: Retries made, for the report.
        self.retried = 0

    # -- transport ------------------------------------------------------------------------------------

    def _send(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> requests.Response:
        refreshed = False
        attempt = 0
        while True:
            headers = {"Authorization": f"Bearer {self.token()}"} if auth else {}
            try:
                response = self.session.request(
                    method, self.base + path, headers=headers, timeout=self.timeout, **kwargs
                )
            except requests.ConnectionError as exc:
                if attempt >= self.retries:
                    raise PublishError(f"{method} {path}: cannot reach {self.base}: {exc}") from None
                self._wait(attempt, None)
                attempt += 1
                continue
            if response.status_code == 401 and auth and not refreshed:
                self._token, refreshed = None, True  # the API asks for a new token after a 401
                continue
            if response.status_code == 429 or response.status_code >= 500:
                if attempt >= self.retries:
                    raise PublishError(
                        f"{method} {path}: {response.status_code} after {attempt + 1} tries: {_problem(response)}"
                    )
                self._wait(attempt, response.headers.get("Retry-After"))
                attempt += 1
                continue
            return response

    def _wait(self, attempt: int, retry_after: str | None) -> None:
        self.retried += 1
        delay = self.backoff * (2**attempt)
        if retry_after and retry_after.isdigit():
            delay = max(delay, float(retry_after))
        self.sleep(min(delay, 60.0))

    def _ok(self, response: requests.Response, method: str, path: str) -> Any:
        if response.status_code >= 400:
            raise PublishError(f"{method} {path}: {response.status_code} {_problem(response)}")
        return response.json() if response.content else None

    # -- API --------------------------------------------------------------------------------------------

    def token(self) -> str:
        if self._token is None:
            path = f"{API}/auth/token"
            body = {"clientId": self.client_id, "apiKey": self._api_key}
            response = self._send("POST", path, auth=False, json=body)
            if response.status_code == 401:
                raise PublishError(f"POST {path}: 401: unknown clientId or wrong apiKey")
            self._token = str(self._ok(response, "POST", path)["accessToken"])
        return self._token

    def find(self, identifier: str) -> dict[str, Any] | None:
        """The stored dataset with this dct:identifier: published ones by search, drafts via our records."""
        path = f"{API}/datasets/search"
        found = self._ok(self._send("POST", path, json={"dctIdentifiers": [identifier]}), "POST", path)
        for item in found.get("content", []):
            if item.get("dcatDataset", {}).get("dctIdentifier") == identifier:
                return item
        return self._find_own(identifier)

    def _find_own(self, identifier: str) -> dict[str, Any] | None:
        page = 0
        while True:
            path = f"{API}/me/catalog-records"
            listing = self._ok(self._send("GET", path, params={"page": page, "size": 100}), "GET", path)
            for record in listing.get("content", []):
                meta = record.get("meta", {})
                if meta.get("primaryTopicType") == "DATASET" and meta.get("primaryTopicId"):
                    stored = self.get(meta["primaryTopicId"])
                    if stored.get("dcatDataset", {}).get("dctIdentifier") == identifier:
                        return stored
            info = listing.get("page", {})
            page += 1
            if page >= int(info.get("totalPages", 0)):
                return None

    def get(self, dataset_id: str) -> dict[str, Any]:
        path = f"{API}/datasets/{dataset_id}"
        return self._ok(self._send("GET", path), "GET", path)

    def create(self, payload: dict[str, Any]) -> dict[str, Any]:
        path = f"{API}/datasets"
        response = self._send("POST", path, params={"publicationStatus": "PUBLISHED"}, json=payload)
        return self._ok(response, "POST", path)

    def replace(self, dataset_id: str, version: int, payload: dict[str, Any]) -> dict[str, Any]:
        path = f"{API}/datasets/{dataset_id}"
        response = self._send("PUT", path, params={"version": version}, json=payload)
        return self._ok(response, "PUT", path)
