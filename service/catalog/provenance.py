"""Release history: what each release changed, and its PROV-O account of where each graph came from.

Made from the release manifests only (they record every mapping's and source file's SHA-256).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef

from .namespaces import DCT, PROV, RDF, RDFS, SPDX, VOID, XSD, new_graph


@dataclass
class Change:
    dataset: str
    kind: str  # added, removed, changed, unchanged
    triples: int
    delta: int
    mapping_changed: bool = False
    sources_changed: list[str] = field(default_factory=list)


def changes(previous: dict[str, Any] | None, current: dict[str, Any]) -> list[Change]:
    """Per dataset: added, removed, or changed (triple count, mapping or a source file differs)."""
    before = (previous or {}).get("datasets", {})
    after = current.get("datasets", {})
    result = []
    for slug in sorted(set(before) | set(after)):
        old, new = before.get(slug), after.get(slug)
        if new is None:
            result.append(Change(slug, "removed", 0, -int(old.get("triples", 0))))
            continue
        triples = int(new.get("triples", 0))
        if old is None:
            result.append(Change(slug, "added", triples, triples))
            continue
        mapping_changed = old.get("mapping", {}).get("sha256") != new.get("mapping", {}).get("sha256")
        old_sources = {s["file"]: _content(s) for s in old.get("sources", [])}
        sources_changed = [s["file"] for s in new.get("sources", []) if old_sources.get(s["file"]) != _content(s)]
        delta = triples - int(old.get("triples", 0))
        kind = "changed" if delta or mapping_changed or sources_changed else "unchanged"
        result.append(Change(slug, kind, triples, delta, mapping_changed, sources_changed))
    return result


def _content(source: dict[str, Any]) -> str | None:
    """What says a source changed: its file's checksum, or, when content is withheld, that of what was published."""
    return source.get("sha256") or source.get("published_sha256")


def _checksum(g: Graph, node: URIRef, sha256: str) -> None:
    checksum = URIRef(f"{node}/controlegetal")
    g.add((node, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))


def history_graph(base: str, manifests: list[dict[str, Any]]) -> Graph:
    """PROV-O per release: the build activity, and per dataset graph the mapping and sources it used."""
    g = new_graph()
    previous: URIRef | None = None
    for manifest in manifests:
        rid = manifest["id"]
        release = URIRef(f"{base}/id/release/{rid}")
        activity = URIRef(f"{base}/id/release/{rid}/build")
        created = Literal(manifest.get("created", ""), datatype=XSD.dateTime)
        g.add((release, RDF.type, PROV.Entity))
        g.add((release, RDF.type, PROV.Collection))
        g.add((release, RDFS.label, Literal(f"release {rid}")))
        g.add((release, PROV.generatedAtTime, created))
        g.add((release, PROV.wasGeneratedBy, activity))
        g.add((activity, RDF.type, PROV.Activity))
        g.add((activity, PROV.endedAtTime, created))
        if previous is not None:
            g.add((release, PROV.wasRevisionOf, previous))
        for dump in manifest.get("dumps", []):
            g.add((release, VOID.dataDump, URIRef(f"{base}/dumps/{rid}/{dump['name']}")))
        for slug, data in sorted(manifest.get("datasets", {}).items()):
            graph = URIRef(f"{base}/id/release/{rid}/graph/{slug}")
            g.add((release, PROV.hadMember, graph))
            g.add((graph, RDF.type, PROV.Entity))
            g.add((graph, PROV.specializationOf, URIRef(data.get("graph", f"{base}/graph/{slug}"))))
            g.add((graph, PROV.wasGeneratedBy, activity))
            g.add((graph, PROV.generatedAtTime, created))
            g.add((graph, VOID.triples, Literal(int(data.get("triples", 0)), datatype=XSD.integer)))
            g.add((graph, DCT.isPartOf, URIRef(f"{base}/id/dataset/{slug}")))
            mapping = data.get("mapping", {})
            if mapping:
                used = URIRef(f"{base}/id/release/{rid}/mapping/{slug}")
                g.add((used, RDF.type, PROV.Entity))
                g.add((used, RDFS.label, Literal(f"mappings/{mapping['file']}")))
                if "sha256" in mapping:
                    _checksum(g, used, mapping["sha256"])
                g.add((graph, PROV.wasDerivedFrom, used))
                g.add((activity, PROV.used, used))
            for i, source in enumerate(data.get("sources", []), start=1):
                used = URIRef(f"{base}/id/release/{rid}/bron/{slug}/{i}")
                g.add((used, RDF.type, PROV.Entity))
                g.add((used, RDFS.label, Literal(source["file"])))
                if "sha256" in source:  # only a source published as it is: see the build's manifest
                    _checksum(g, used, source["sha256"])
                g.add((graph, PROV.wasDerivedFrom, used))
                g.add((activity, PROV.used, used))
        previous = release
    return g
