"""A local stand-in for data.overheid.nl's Aanlever API (alpha, OpenAPI 0.12.0), for publish tests.

It speaks the published contract: token exchange, dataset search by dctIdentifier, create, get and
replace with optimistic locking, and it validates every dataset body against the DcatDataset schema
transcribed from the published OpenAPI components (required fields, patterns, item limits). It is
stricter in one way: unknown fields are refused, so a misspelt field name fails a test.
Failures can be injected (``fail_next``) to test retry and error handling.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

URI = {"type": "string", "format": "uri", "minLength": 1}
URIS = {"type": "array", "items": URI}
ONE_TEXT = {"type": "array", "items": {"type": "string", "minLength": 1}, "maxItems": 1}
STRICT = {"additionalProperties": False}
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
TEXT = {"type": "string"}


def objects(properties: dict[str, Any]) -> dict[str, Any]:
    """An array of objects with only these fields."""
    return {"type": "array", "items": {"type": "object", "properties": properties, **STRICT}}


AGENT = {
    "type": "object",
    "properties": {"foafName": {**ONE_TEXT, "minItems": 1}},
    "required": ["foafName"],
    **STRICT,
}
DISTRIBUTION = {
    "type": "object",
    "properties": {
        "dcatAccessUrl": URI,
        "dcatDownloadUrl": URI,
        "dctTitle": ONE_TEXT,
        "dctDescription": ONE_TEXT,
        "dctFormat": URI,
    },
    **STRICT,
}
DATASET_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "dctAccessRights": {
            "type": "string",
            "pattern": r"^http://publications\.europa\.eu/resource/authority/access-right/(PUBLIC|NON_PUBLIC|RESTRICTED)$",
        },
        "dctAccrualPeriodicity": URI,
        "admsIdentifier": URIS,
        "dcatapApplicableLegislation": URIS,
        "admsSample": {"type": "array", "items": DISTRIBUTION},
        "admsStatus": URI,
        "admsVersionNotes": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "dctConformsTo": URIS,
        "dcatContactPoint": {
            "type": "object",
            "properties": {
                "vcardFn": {"type": "string", "minLength": 1},
                "vcardHasEmail": URI,
                "vcardHasUrl": URI,
            },
            "required": ["vcardFn"],
            **STRICT,
        },
        "dctCreator": {"type": "array", "items": AGENT, "minItems": 1},
        "dcatDistribution": {"type": "array", "items": DISTRIBUTION},
        "dctDescription": {
            "type": "array",
            "items": {"type": "string", "maxLength": 2000},
            "minItems": 1,
            "maxItems": 1,
        },
        "dctIssued": {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$",
        },
        "dctModified": {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$",
        },
        "dcatHasVersion": URIS,
        "foafPage": URIS,
        "dcatapHvdCategory": URIS,
        "dctIdentifier": URI,
        "dcatInSeries": URIS,
        "dctIsReferencedBy": URIS,
        "dcatKeyword": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "dcatLandingPage": URIS,
        "dctLanguage": URIS,
        "dctPublisher": AGENT,
        "dctProvenance": URIS,
        "dcatQualifiedRelation": URIS,
        "dctRelation": URIS,
        "dctSource": URIS,
        "dcatSpatialResolutionInMeters": {"type": "number"},
        "dctSpatial": objects({"dctLocation": URI, "dcatBbox": TEXT, "dcatCentroid": TEXT, "locnGeometry": TEXT}),
        "dctTemporal": objects(
            {"dcatStartDate": DATE, "dcatEndDate": DATE, "timeHasBeginning": TEXT, "timeHasEnd": TEXT}
        ),
        "dcatTemporalResolution": {"type": "string"},
        "dcatTheme": {
            "type": "array",
            "items": {
                "type": "string",
                "pattern": r"^http://publications\.europa\.eu/resource/authority/data-theme/[A-Z_]+$",
            },
            "minItems": 1,
        },
        "dctType": URI,
        "dcatVersion": {"type": "string"},
        "provWasGeneratedBy": URIS,
        "dctTitle": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1, "maxItems": 1},
    },
    "required": [
        "dcatContactPoint",
        "dcatTheme",
        "dctAccessRights",
        "dctCreator",
        "dctDescription",
        "dctIdentifier",
        "dctPublisher",
        "dctTitle",
    ],
    **STRICT,
}
VALIDATOR = Draft202012Validator(DATASET_SCHEMA)


def _problem(status: int, code: str, detail: str, errors: list[dict[str, str]] | None = None) -> Response:
    body = {
        "type": f"urn:datastore:problem:{code.lower()}",
        "title": code,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


@dataclass
class Stored:
    id: str
    dataset: dict[str, Any]
    version: int = 0
    status: str = "PUBLISHED"


@dataclass
class FakeCatalogue:
    client_id: str = "gemeente-groningen"
    api_key: str = "test-key"
    datasets: dict[str, Stored] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    failures: deque[tuple[int, str | None, str]] = field(default_factory=deque)
    tokens: set[str] = field(default_factory=set)

    def fail_next(self, status: int, times: int = 1, retry_after: str | None = None, detail: str = "") -> None:
        for _ in range(times):
            self.failures.append((status, retry_after, detail))

    def by_identifier(self, identifier: str) -> Stored | None:
        return next((s for s in self.datasets.values() if s.dataset.get("dctIdentifier") == identifier), None)

    # -- WSGI ------------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        self.requests.append((request.method, request.path))
        return self.handle(request)(environ, start_response)

    def handle(self, request: Request) -> Response:
        if self.failures and request.path != "/api/v1/auth/token":
            status, retry_after, detail = self.failures.popleft()
            response = _problem(status, "INJECTED", detail or f"injected {status}")
            if retry_after:
                response.headers["Retry-After"] = retry_after
            return response
        path, method = request.path, request.method
        if path == "/api/v1/auth/token" and method == "POST":
            body = request.get_json(silent=True) or {}
            if body.get("clientId") != self.client_id or body.get("apiKey") != self.api_key:
                return Response(status=401)
            token = uuid.uuid4().hex
            self.tokens.add(token)
            return Response(
                json.dumps({"accessToken": token, "tokenType": "Bearer", "expiresIn": 3600}),
                mimetype="application/json",
            )
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            return Response(status=401)
        if path == "/api/v1/datasets/search" and method == "POST":
            wanted = set((request.get_json(silent=True) or {}).get("dctIdentifiers", []))
            found = [
                self._view(s)
                for s in self.datasets.values()
                if s.status == "PUBLISHED" and s.dataset["dctIdentifier"] in wanted
            ]
            return self._json(
                {"content": found, "page": {"size": 20, "number": 0, "totalElements": len(found), "totalPages": 1}}
            )
        if path == "/api/v1/me/catalog-records" and method == "GET":
            records = [
                {
                    "id": uuid.uuid4().hex,
                    "meta": {"primaryTopicType": "DATASET", "primaryTopicId": s.id, "publicationStatus": s.status},
                }
                for s in self.datasets.values()
            ]
            return self._json(
                {"content": records, "page": {"size": 100, "number": 0, "totalElements": len(records), "totalPages": 1}}
            )
        if path == "/api/v1/datasets" and method == "POST":
            return self._create(request)
        if path.startswith("/api/v1/datasets/"):
            stored = self.datasets.get(path.rsplit("/", 1)[-1])
            if stored is None:
                return _problem(404, "DCAT_DATASET_NOT_FOUND", f"no dataset {path}")
            if method == "GET":
                return self._json(self._view(stored))
            if method == "PUT":
                return self._replace(request, stored)
        return _problem(404, "NOT_FOUND", f"{method} {path} is not part of this API")

    def _validate(self, request: Request) -> tuple[dict[str, Any] | None, Response | None]:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return None, _problem(
                400, "DCAT_DATASET_DESERIALIZATION_FAILED", "De DCAT-datasetpayload kon niet worden gedeserialiseerd"
            )
        self.bodies.append(body)
        errors = [
            {
                "code": "INVALID_FIELD_VALUE",
                "path": ".".join(str(p) for p in e.absolute_path) or "$",
                "message": e.message,
            }
            for e in VALIDATOR.iter_errors(body)
        ]
        if errors:
            return None, _problem(400, "DCAT_DATASET_VALIDATION_FAILED", "De DCAT-datasetpayload is ongeldig", errors)
        return body, None

    def _create(self, request: Request) -> Response:
        body, error = self._validate(request)
        if error:
            return error
        assert body is not None
        if self.by_identifier(body["dctIdentifier"]):
            return _problem(409, "DCAT_DATASET_ALREADY_EXISTS", "Er bestaat al een dataset met dezelfde dctIdentifier")
        stored = Stored(str(uuid.uuid4()), body, 0, request.args.get("publicationStatus", "DRAFT"))
        self.datasets[stored.id] = stored
        response = self._json({"id": stored.id, "dctIdentifier": body["dctIdentifier"], "version": 0}, 201)
        response.headers["Location"] = f"/api/v1/datasets/{stored.id}"
        return response

    def _replace(self, request: Request, stored: Stored) -> Response:
        version = request.args.get("version")
        if version is None:
            return _problem(428, "DCAT_DATASET_VERSION_REQUIRED", "Geef de queryparameter version mee")
        if int(version) != stored.version:
            return _problem(409, "DCAT_DATASET_VERSION_CONFLICT", f"De dataset is gewijzigd sinds versie {version}")
        body, error = self._validate(request)
        if error:
            return error
        assert body is not None
        stored.dataset, stored.version = body, stored.version + 1
        return self._json({"id": stored.id, "dctIdentifier": body["dctIdentifier"], "version": stored.version})

    def _view(self, stored: Stored) -> dict[str, Any]:
        meta = {"publicationStatus": stored.status, "version": stored.version}
        return {"id": stored.id, "dcatDataset": stored.dataset, "meta": meta}

    def _json(self, body: Any, status: int = 200) -> Response:
        return Response(json.dumps(body), status=status, mimetype="application/json")


class Running:
    """The fake served on 127.0.0.1 in a thread."""

    def __init__(self, fake: FakeCatalogue) -> None:
        self.fake = fake
        self.server = make_server("127.0.0.1", 0, fake, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)
