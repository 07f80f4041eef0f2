"""Settings: every default in one place, overridable by environment variables ``OPENBAAR_<NAME>``.

This is the only module that reads ``os.environ``.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_PREFIX = "OPENBAAR_"


@dataclass(frozen=True)
class Settings:
    """What a build or a server needs to know; immutable so it can be passed to worker processes."""

    #: Folder holding mappings/, data/ and vocab/.
    project: Path = field(default_factory=Path.cwd)
    #: Public base of every IRI we mint: {base}/id/…, {base}/def/…, {base}/graph/….
    public_base: str = "https://data.groningen.nl"
    #: Where releases, the live pointer and build reports are kept.
    home: Path | None = None
    #: How many releases to keep on disk (the live one included); rollback can go back this far.
    keep_releases: int = 5
    #: A table with more than this share of rows that have a rejected value fails the build.
    max_bad_row_share: float = 0.05
    #: Add the inferred graph (RDFS/OWL consequences of vocab/ for the instance data).
    inference: bool = True
    #: Rows per chunk in the mapper: bounds memory and batches coordinate conversion.
    chunk_rows: int = 4096
    #: Publisher of every dataset: the TOOI IRI of the municipality.
    publisher: str = "https://identifier.overheid.nl/tooi/id/gemeente/gm0014"
    #: Seconds a SPARQL query may run; past it the query is stopped and the client gets a 504.
    query_deadline: float = 60.0
    #: Rows (or triples) a SPARQL result may hold; a longer one is cut and says so.
    result_row_limit: int = 10000
    #: SPARQL queries evaluated at once per server process; the excess gets 503 + Retry-After.
    query_concurrency: int = 8
    #: Query processes each server process keeps started and ready.
    query_workers: int = 2
    #: Largest SPARQL request (body or query string) in bytes; a larger one gets 413.
    max_request_bytes: int = 262144
    #: Longest constant REGEX/REPLACE pattern a SPARQL query may hold, in characters; a longer one gets 400.
    max_regex_chars: int = 4096
    #: Seconds of SPARQL evaluation each client may use per ``client_budget_window`` seconds (per server
    #: process); past it the client gets 429 with Retry-After until the budget has refilled.
    client_time_budget: float = 60.0
    client_budget_window: float = 60.0
    #: A request header naming the client, set by a trusted reverse proxy (e.g. X-Forwarded-For, whose last
    #: address counts); empty: the client is the connecting address. Only set it behind such a proxy.
    client_address_header: str = ""
    #: Memory per server process for cached SPARQL results of the live release, in bytes.
    query_cache_bytes: int = 64 * 1024 * 1024
    #: The publisher's name as the catalogue states it (foaf:name), and the catalogue's contact address.
    publisher_name: str = "gemeente Groningen"
    contact_email: str = "opendata@groningen.nl"
    #: Datasets per page of /catalog; beyond it the catalogue pages with hydra next/last links.
    catalog_page_size: int = 50
    #: Write gzipped dumps (N-Triples, N-Quads, Turtle) into each release; gzip level 1-9.
    dumps: bool = True
    dump_gzip_level: int = 3
    #: Turtle dumps are serialised from the store: only for datasets up to this many triples.
    dump_turtle_max_triples: int = 2_000_000
    #: data.overheid.nl Aanlever API: base URL and API client credentials (set these in the environment).
    aanlever_url: str = "https://data.overheid.nl"
    aanlever_client_id: str = ""
    aanlever_api_key: str = field(default="", repr=False)
    #: Answer plain /doc/….ttl (and the other RDF formats) in a thin WSGI front before Flask; 0 turns it off.
    doc_front: bool = True
    #: Bytes of rendered documents the front keeps per release, shared by the server's processes (a file under
    #: the home's cache/documents/, since a release never changes); 0 renders every request.
    doc_cache_bytes: int = 512 * 1024 * 1024
    #: Where the live release is named: empty for this home's own ``live`` link (one machine), or the path of a
    #: pointer file on shared storage, or an http(s) URL serving it (polled with ETag), for replicas.
    live_source: str = ""
    #: Seconds between two reads of ``live_source``; every replica serves a new release within about this long.
    live_poll_seconds: float = 2.0
    #: A SPARQL 1.1 protocol query endpoint (e.g. ``oxigraph serve-read-only``) that answers /sparql and the
    #: documents (/id/, /doc/, /def/) for the live release instead of the embedded store; empty (the default)
    #: for the embedded store.
    sparql_endpoint: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "public_base", self.public_base.rstrip("/"))
        object.__setattr__(self, "project", Path(self.project).resolve())
        if self.home is None:
            object.__setattr__(self, "home", self.project / "var")
        else:
            object.__setattr__(self, "home", Path(self.home).resolve())
        if self.keep_releases < 2:
            raise ValueError("keep_releases must be at least 2, so that a rollback target exists")
        if not 0 <= self.max_bad_row_share <= 1:
            raise ValueError("max_bad_row_share must be between 0 and 1")
        if self.query_deadline <= 0 or self.result_row_limit < 1 or self.max_request_bytes < 1:
            raise ValueError("query_deadline, result_row_limit and max_request_bytes must be positive")
        if self.max_regex_chars < 1 or self.client_time_budget <= 0 or self.client_budget_window <= 0:
            raise ValueError("max_regex_chars, client_time_budget and client_budget_window must be positive")
        if not 1 <= self.query_workers <= self.query_concurrency:
            raise ValueError("query_workers must be at least 1 and at most query_concurrency")
        if self.live_poll_seconds <= 0:
            raise ValueError("live_poll_seconds must be positive")
        if self.catalog_page_size < 1:
            raise ValueError("catalog_page_size must be at least 1")
        if not 1 <= self.dump_gzip_level <= 9:
            raise ValueError("dump_gzip_level must be between 1 and 9")

    @property
    def id_base(self) -> str:
        return f"{self.public_base}/id/"

    @property
    def def_base(self) -> str:
        return f"{self.public_base}/def/"

    @property
    def graph_base(self) -> str:
        return f"{self.public_base}/graph/"

    @property
    def mappings_dir(self) -> Path:
        return self.project / "mappings"

    @property
    def vocab_dir(self) -> Path:
        return self.project / "vocab"

    @property
    def home_dir(self) -> Path:
        """``home``, which ``__post_init__`` always sets: it is optional only as an argument."""
        assert self.home is not None
        return self.home

    @property
    def releases_dir(self) -> Path:
        assert self.home is not None
        return self.home / "releases"

    @property
    def reports_dir(self) -> Path:
        assert self.home is not None
        return self.home / "reports"

    @property
    def live_pointer(self) -> Path:
        assert self.home is not None
        return self.home / "live"

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _coerce(name: str, raw: str) -> Any:
    kind = {f.name: f.type for f in dataclasses.fields(Settings)}[name]
    if kind in ("bool",):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw)
    if "Path" in str(kind):
        return Path(raw)
    return raw


def load_settings(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Defaults, then ``OPENBAAR_*`` environment variables, then explicit overrides (CLI flags)."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        raw = env.get(ENV_PREFIX + f.name.upper())
        if raw is not None and raw != "":
            values[f.name] = _coerce(f.name, raw)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)


#: The folder holding the ``service`` package, whether installed or run from a checkout.
CODE_ROOT = str(Path(__file__).resolve().parents[1])
#: prometheus_client reads this variable itself: its multiprocess mode sums every server process's counters.
METRICS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def child_environment() -> dict[str, str]:
    """The environment for our own child processes (mapper, query processes): they import this very package."""
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": CODE_ROOT + (os.pathsep + path if path else "")}


def shared_metrics_dir() -> str | None:
    """The folder server processes share their metrics in, when ``openbaar serve`` set one."""
    return os.environ.get(METRICS_DIR_VARIABLE) or None


def share_metrics_in(folder: str) -> None:
    """Make this process and the server processes it starts count metrics in ``folder``."""
    os.environ[METRICS_DIR_VARIABLE] = folder
