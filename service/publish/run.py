"""One delivery: every dataset of the live catalogue created or replaced, keyed on dct:identifier."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph

from ..catalog.facts import CATALOG_FILE
from ..config import Settings
from ..errors import OpenbaarError
from ..releases import live_release
from .client import AanleverClient
from .payload import dataset_payloads
from .plan import changed_fields


@dataclass
class Outcome:
    identifier: str
    action: str  # created, updated, unchanged (or would-… on a dry run)
    fields: list[str] = field(default_factory=list)
    with_data: bool = True


def live_catalogue(settings: Settings) -> Graph:
    release = live_release(settings)
    if release is None:
        raise OpenbaarError("there is no live release to publish: run 'openbaar build' first")
    g = Graph()
    g.parse(release.path / CATALOG_FILE, format="nt")
    return g


def publish(settings: Settings, client: AanleverClient, *, dry_run: bool = False) -> list[Outcome]:
    """Create what is missing, replace what differs, leave the rest; report per dataset what changed."""
    outcomes = []
    for payload in dataset_payloads(live_catalogue(settings)):
        identifier = payload["dctIdentifier"]
        stored: dict[str, Any] | None = client.find(identifier)
        fields = changed_fields(stored.get("dcatDataset") if stored else None, payload)
        with_data = "dcatDistribution" in payload
        if stored is None:
            action = "created"
            if not dry_run:
                client.create(payload)
        elif fields:
            action = "updated"
            if not dry_run:
                client.replace(stored["id"], int(stored.get("meta", {}).get("version", 0)), payload)
        else:
            action = "unchanged"
        outcomes.append(Outcome(identifier, f"would be {action}" if dry_run and fields else action, fields, with_data))
    return outcomes
