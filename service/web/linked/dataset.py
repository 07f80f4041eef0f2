"""What a dataset page adds to a resource page: size, classes with examples, exceptions, schema.org."""

from __future__ import annotations

from typing import Any

from ...description import Description, Term
from .context import LiveRelease
from .respond import languages
from .views import doc_path, script_json, settings, term_view

DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
EXAMPLES_PER_CLASS = 3


def _values(description: Description, predicate: str) -> list[Any]:
    return [q.object for g in description.outgoing if g.predicate == predicate for q in g.quads]


def _text(description: Description, predicate: str, lang: str) -> str:
    values = _values(description, predicate)
    for value in values:
        if getattr(value, "language", "") == lang:
            return str(value.value)
    return str(values[0].value) if values else ""


def dataset_context(release: LiveRelease, description: Description, stem: str) -> dict[str, Any]:
    slug = stem.removeprefix("dataset/")
    entry = release.datasets.get(slug, {})
    graph = entry.get("graph", settings().graph_base + slug)
    describer = release.describer
    langs = languages()
    classes = []
    for cls, count in describer.classes_in_graph(graph):
        examples = describer.examples(cls, graph, EXAMPLES_PER_CLASS)
        labels, _ = describer.labels([cls, *examples], langs)
        classes.append(
            {
                "term": term_view(Term("iri", cls), labels),
                "count": count,
                "examples": [term_view(Term("iri", e), labels) for e in examples],
            }
        )
    lang = langs[0]
    title = _text(description, DCT + "title", lang) or slug
    public = settings().public_base
    schema = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": description.iri,
        "name": title,
        "description": _text(description, DCT + "description", lang),
        "url": public + doc_path(description.iri),
        "identifier": description.iri,
        "keywords": [
            str(k.value) for k in _values(description, DCAT + "keyword") if getattr(k, "language", "") == lang
        ],
        "license": [str(v.value) for d in _values(description, DCAT + "distribution") for v in _licence(release, d)],
        "isAccessibleForFree": True,
        "inLanguage": "nl",
        "creator": {"@type": "GovernmentOrganization", "name": "gemeente Groningen", "@id": settings().publisher},
        "dateModified": release.manifest.get("created", ""),
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": "text/turtle", "contentUrl": f"{public}/doc/{stem}.ttl"},
            {"@type": "DataDownload", "encodingFormat": "application/sparql-query", "contentUrl": f"{public}/sparql"},
        ],
    }
    return {
        "dataset": {
            "slug": slug,
            "title": title,
            "description": _text(description, DCT + "description", lang),
            "triples": entry.get("triples", 0),
            "sources": entry.get("sources", []),
            "withheld": exception_lines(entry.get("policy") or {}, lang),
            "classes": classes,
            "graph": graph,
        },
        "schema_json": script_json(schema),
    }


def exception_lines(policy: dict[str, Any], lang: str) -> list[str]:
    """What a dataset's policy withholds, one readable line per exception (the register has the full record)."""
    nl = lang == "nl"
    lines = []
    if policy.get("dataset"):
        lines.append(("De hele dataset" if nl else "The whole dataset") + f" (Woo {policy['dataset']['ground']})")
    for column in policy.get("columns", []):
        lines.append(("kolom" if nl else "column") + f" '{column['column']}' (Woo {column['ground']})")
    for row in policy.get("rows", []):
        lines.append(("rijen waar" if nl else "rows where") + f" {row['condition']} (Woo {row['ground']})")
    for aggregate in policy.get("aggregates", []):
        by = " × ".join(aggregate["by"])
        small = aggregate["threshold"]
        text = (
            f"alleen als aantallen per {by}; aantallen onder {small} zijn geheim"
            if nl
            else f"only as counts per {by}; counts under {small} are secret"
        )
        lines.append(f"{text} (Woo {aggregate['ground']})")
    return lines


def _licence(release: LiveRelease, distribution: Any) -> list[Any]:
    found = release.describer.describe(str(distribution.value))
    if found is None:
        return []
    return [q.object for g in found.outgoing if g.predicate == DCT + "license" for q in g.quads]
