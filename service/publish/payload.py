"""The Aanlever API's dataset JSON, made from the catalogue graph of the live release.

Field names are the API's (``dctTitle``, ``dcatDistribution``…). The API takes one title and one
description, so the Dutch ones are sent. A dataset that is not PUBLIC goes without distributions:
only its record is delivered, never a link to its data.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rdflib import Graph, Literal, URIRef

from ..catalog.codelists import ACCESS_RIGHTS
from ..catalog.namespaces import DCAT, DCT, FOAF, RDF, VCARD

#: The API's limit on a description (dctDescription items have maxLength 2000).
MAX_DESCRIPTION = 2000


def _dutch(g: Graph, subject: Any, predicate: URIRef) -> str | None:
    values = [v for v in g.objects(subject, predicate) if isinstance(v, Literal)]
    for value in values:
        if value.language == "nl":
            return str(value)
    return str(values[0]) if values else None


def _iris(g: Graph, subject: Any, predicate: URIRef) -> list[str]:
    return sorted(str(o) for o in g.objects(subject, predicate) if isinstance(o, URIRef))


def _instant(value: Any) -> str | None:
    """UTC with a Z: the API refuses a date-time without a time zone."""
    if value is None:
        return None
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _agent(g: Graph, agent: Any) -> dict[str, Any]:
    return {"foafName": [_dutch(g, agent, FOAF.name) or str(agent)]}


def _distribution(g: Graph, dist: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"dcatAccessUrl": str(g.value(dist, DCAT.accessURL))}
    if g.value(dist, DCAT.downloadURL) is not None:
        out["dcatDownloadUrl"] = str(g.value(dist, DCAT.downloadURL))
    if title := _dutch(g, dist, DCT.title):
        out["dctTitle"] = [title]
    if description := _dutch(g, dist, DCT.description):
        out["dctDescription"] = [description]
    if g.value(dist, DCT.format) is not None:
        out["dctFormat"] = str(g.value(dist, DCT.format))
    return out


def is_public(g: Graph, dataset: Any) -> bool:
    return g.value(dataset, DCT.accessRights) == ACCESS_RIGHTS.iri("PUBLIC")


def dataset_payload(g: Graph, dataset: Any) -> dict[str, Any]:
    """One dataset as the API's DcatDataset object; empty fields are left out."""
    contact = g.value(dataset, DCAT.contactPoint)
    email = g.value(contact, VCARD.hasEmail)
    payload: dict[str, Any] = {
        "dctIdentifier": str(g.value(dataset, DCT.identifier)),
        "dctTitle": [_dutch(g, dataset, DCT.title)],
        "dctDescription": [(_dutch(g, dataset, DCT.description) or "")[:MAX_DESCRIPTION]],
        "dcatTheme": _iris(g, dataset, DCAT.theme),
        "dctAccessRights": str(g.value(dataset, DCT.accessRights)),
        "dctPublisher": _agent(g, g.value(dataset, DCT.publisher)),
        "dctCreator": [_agent(g, a) for a in sorted(g.objects(dataset, DCT.creator), key=str)],
        "dcatContactPoint": {
            "vcardFn": str(g.value(contact, VCARD.fn) or ""),
            **({"vcardHasEmail": str(email)} if email is not None else {}),
        },
        "dcatKeyword": sorted(str(k) for k in g.objects(dataset, DCAT.keyword) if getattr(k, "language", None) == "nl"),
        "dctLanguage": _iris(g, dataset, DCT.language),
        "dcatLandingPage": _iris(g, dataset, DCAT.landingPage),
        "foafPage": _iris(g, dataset, FOAF.page),
        "dctSpatial": [{"dctLocation": iri} for iri in _iris(g, dataset, DCT.spatial)],
    }
    if (frequency := g.value(dataset, DCT.accrualPeriodicity)) is not None:
        payload["dctAccrualPeriodicity"] = str(frequency)
    for key, prop in (("dctModified", DCT.modified), ("dctIssued", DCT.issued)):
        if (when := _instant(g.value(dataset, prop))) is not None:
            payload[key] = when
    periods = []
    for period in g.objects(dataset, DCT.temporal):
        item = {}
        for key, prop in (("dcatStartDate", DCAT.startDate), ("dcatEndDate", DCAT.endDate)):
            if (value := g.value(period, prop)) is not None:
                item[key] = str(value)[:10]
        if item:
            periods.append(item)
    if periods:
        payload["dctTemporal"] = periods
    if is_public(g, dataset):
        payload["dcatDistribution"] = [
            _distribution(g, d) for d in sorted(g.objects(dataset, DCAT.distribution), key=str)
        ]
    return {k: v for k, v in payload.items() if v not in ([], "", None)}


def dataset_payloads(g: Graph) -> list[dict[str, Any]]:
    """Every dataset of the catalogue, in a stable order."""
    datasets = sorted(g.subjects(RDF.type, DCAT.Dataset), key=str)
    return [dataset_payload(g, d) for d in datasets]
