"""Example queries, one file each in ``mappings/queries/<name>.rq``, read for the editor and ``/queries``.

A file starts with comment lines ``# key: value`` (title@nl, title@en, dataset, description@nl,
description@en); the rest is the query. The routes are in ``queries.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from ... import formats
from ...config import Settings

NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_HEADER = re.compile(r"#\s*([A-Za-z@-]+)\s*:\s*(.*)")


@dataclass(frozen=True)
class Example:
    name: str
    query: str
    dataset: str
    titles: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.name

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.descriptions.get("en") or ""

    @property
    def editor_link(self) -> str:
        """Opens the editor with this query in a new tab and runs it."""
        return "/sparql?" + urlencode({"query": self.query})

    @property
    def offers(self) -> tuple[formats.Format, ...]:
        """The page, the query text, then the result formats of its form (default first)."""
        results = formats.RDF if self.form == "graph" else formats.RESULTS
        return (formats.HTML, formats.SPARQL_QUERY, *results)

    def result_link(self, format_name: str) -> str:
        return f"/queries/{self.name}?format={format_name}"

    @property
    def form(self) -> str:
        """'graph' for CONSTRUCT and DESCRIBE, whose results come as RDF; 'bindings' otherwise."""
        return "graph" if re.search(r"^\s*(CONSTRUCT|DESCRIBE)\b", self.query, re.I | re.M) else "bindings"


def parse_example(name: str, text: str) -> Example:
    meta: dict[str, str] = {}
    body: list[str] = []
    in_header = True
    for line in text.splitlines():
        match = _HEADER.fullmatch(line.strip()) if in_header else None
        if match:
            meta[match.group(1).lower()] = match.group(2).strip()
            continue
        in_header = in_header and not line.strip()
        if line.strip() or body:
            in_header = False
            body.append(line)
    titles = {lang: meta[f"title@{lang}"] for lang in ("nl", "en") if f"title@{lang}" in meta}
    descriptions = {lang: meta[f"description@{lang}"] for lang in ("nl", "en") if f"description@{lang}" in meta}
    return Example(name, "\n".join(body).strip() + "\n", meta.get("dataset", ""), titles, descriptions)


#: The public base the bundled example files are written with; rebased to the configured one when read.
WRITTEN_BASE = "https://data.groningen.nl/"


def _read(settings: Settings, path: Path) -> Example:
    text = path.read_text(encoding="utf-8").replace(WRITTEN_BASE, settings.public_base + "/")
    return parse_example(path.stem, text)


def queries_dir(settings: Settings) -> Path:
    return settings.mappings_dir / "queries"


def load(settings: Settings) -> list[Example]:
    """Every example, by dataset then name; files with names unfit for a URL are skipped."""
    folder = queries_dir(settings)
    if not folder.is_dir():
        return []
    found = [_read(settings, path) for path in sorted(folder.glob("*.rq")) if NAME.fullmatch(path.stem)]
    return sorted(found, key=lambda e: (e.dataset, e.name))


def find(settings: Settings, name: str) -> Example | None:
    if not NAME.fullmatch(name):
        return None
    path = queries_dir(settings) / f"{name}.rq"
    return _read(settings, path) if path.is_file() else None


def starter_query(settings: Settings) -> str:
    return (
        f"PREFIX def: <{settings.def_base}>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n\n"
        "SELECT ?class (COUNT(?thing) AS ?count) WHERE {\n  ?thing a ?class .\n}\n"
        "GROUP BY ?class\nORDER BY DESC(?count)\nLIMIT 20\n"
    )
