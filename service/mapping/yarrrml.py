"""Parse a YARRRML mapping file into the internal form (``model``), with file- and key-precise errors.

Reads one file and nothing else; the sources it names are opened later, by ``sources``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import MappingError, MappingProblems
from ..policy.declare import read_policy
from .model import DatasetMapping, Dialect, ParentRef, Policy, PredicateObjectMap, Source, TermMap, TriplesMap
from .yarrrml_terms import TermParser, long_keys

TOP_LEVEL_KEYS = {"prefixes", "base", "authors", "sources", "mappings", "dataset", "policy"}
MAPPING_KEYS = {"sources", "subjects", "predicateobjects", "authors"}
_TOP_ALIASES = {"mapping": "mappings", "m": "mappings"}
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_ENCODINGS = {"utf-8", "utf-8-sig", "cp1252", "latin-1", "iso-8859-1", "windows-1252"}


class _Parser(TermParser):
    """The document's structure: top-level keys, sources and their dialect, triples maps, joins, policy."""

    def __init__(
        self, path: Path, project: Path, id_base: str, def_base: str, deferred: list[MappingError] | None = None
    ) -> None:
        super().__init__(path)
        self.project = project
        self.deferred = deferred
        self.id_base, self.def_base = id_base, def_base

    def predicate_objects(self, raw: Any, where: str) -> tuple[PredicateObjectMap, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            raise self.fail(where, "'po' must be a list")
        result = []
        for i, entry in enumerate(raw):
            ewhere = f"{where}[{i}]"
            if isinstance(entry, list):
                if len(entry) not in (2, 3):
                    raise self.fail(ewhere, "a po entry is [predicate, object] or [predicate, object, type]")
                preds = entry[0] if isinstance(entry[0], list) else [entry[0]]
                third = str(entry[2]) if len(entry) == 3 else None
                objects = [self.object_map(entry[1], ewhere, third)]
            elif isinstance(entry, dict):
                node = long_keys(entry)
                if "predicates" not in node or "objects" not in node:
                    raise self.fail(ewhere, "a po map needs 'p' and 'o'")
                preds = node["predicates"] if isinstance(node["predicates"], list) else [node["predicates"]]
                raw_objects = node["objects"] if isinstance(node["objects"], list) else [node["objects"]]
                objects = []
                for j, obj in enumerate(raw_objects):
                    if isinstance(obj, list) and len(obj) == 2:
                        objects.append(self.object_map(obj[0], f"{ewhere}.o[{j}]", str(obj[1])))
                    else:
                        objects.append(self.object_map(obj, f"{ewhere}.o[{j}]"))
            else:
                raise self.fail(ewhere, "a po entry is a list or a map")
            predicates = tuple(self.expand(str(p), f"{ewhere}.p") for p in preds)
            result.append(PredicateObjectMap(predicates, tuple(objects)))
        return tuple(result)

    def source(self, raw: Any, where: str, named: dict[str, Source]) -> Source:
        if isinstance(raw, list) and len(raw) == 1:
            raw = raw[0]
        if isinstance(raw, str) and raw in named:
            return named[raw]
        if isinstance(raw, list):
            raw = {"access": str(raw[0])}
        if isinstance(raw, str):
            raw = {"access": raw}
        if not isinstance(raw, dict) or "access" not in raw:
            raise self.fail(where, "a source is [path~csv], a named source, or {access, referenceFormulation}")
        access = str(raw["access"])
        formulation = str(raw.get("referenceFormulation", "csv"))
        if "~" in access:
            access, formulation = access.rsplit("~", 1)
        if formulation.lower() != "csv":
            raise self.fail(where, f"reference formulation '{formulation}' is not supported", "use csv")
        path = (self.project / access).resolve()
        if not path.is_file():
            raise self.fail(where, f"source file '{access}' does not exist", "check the path")
        return Source(name=str(raw.get("name", access)), path=path, dialect=self.dialect(raw, where), where=where)

    def dialect(self, raw: dict[str, Any], where: str) -> Dialect:
        kwargs: dict[str, Any] = {}
        delimiter = raw.get("delimiter")
        if delimiter is not None:
            if delimiter not in (";", ",", "\t", "|"):
                raise self.fail(f"{where}.delimiter", f"unsupported delimiter {delimiter!r}", "use ';' or ','")
            kwargs["delimiter"] = delimiter
        encoding = raw.get("encoding")
        if encoding is not None:
            if str(encoding).lower() not in _ENCODINGS:
                raise self.fail(f"{where}.encoding", f"unsupported encoding {encoding!r}", "use utf-8 or cp1252")
            kwargs["encoding"] = str(encoding).lower()
        decimal = raw.get("decimal")
        if decimal is not None:
            if decimal not in (".", ","):
                raise self.fail(f"{where}.decimal", f"decimal must be '.' or ',', not {decimal!r}")
            kwargs["decimal"] = decimal
        dates = raw.get("dates")
        if dates is not None:
            if dates not in ("day-first", "iso"):
                raise self.fail(f"{where}.dates", f"dates must be 'day-first' or 'iso', not {dates!r}")
            kwargs["dates"] = dates
        if raw.get("index") is not None:
            kwargs["index"] = str(raw["index"])
        if "null" in raw:
            kwargs["null_values"] = frozenset(str(v) for v in (raw["null"] or [])) | {""}
        return Dialect(**kwargs)

    def parse(self, document: Any) -> DatasetMapping:
        if not isinstance(document, dict):
            raise self.fail("", "the file is not a YARRRML document (expected a map at the top)")
        document = long_keys(document, _TOP_ALIASES)
        unknown = set(document) - TOP_LEVEL_KEYS
        if unknown:
            raise self.fail(
                "",
                f"unknown top-level key(s) {', '.join(sorted(map(str, unknown)))}",
                f"allowed: {', '.join(sorted(TOP_LEVEL_KEYS))}",
            )
        declared = document.get("prefixes") or {}
        if not isinstance(declared, dict):
            raise self.fail("prefixes", "'prefixes' must be a map of name: IRI")
        self.prefixes.update({str(k): str(v) for k, v in declared.items()})
        self.prefixes["id"], self.prefixes["def"] = self.id_base, self.def_base
        named: dict[str, Source] = {}
        for name, raw in (document.get("sources") or {}).items():
            src = self.source(raw, f"sources.{name}", {})
            named[str(name)] = Source(str(name), src.path, src.dialect, f"sources.{name}")
        raw_maps = document.get("mappings")
        if not isinstance(raw_maps, dict) or not raw_maps:
            raise self.fail("mappings", "the file has no 'mappings'")
        triples_maps = [self.triples_map(str(n), raw, named) for n, raw in raw_maps.items()]
        slug = self.path.stem
        if not _SLUG.match(slug):
            raise self.fail("", f"file name '{slug}' is not a slug", "use lowercase words joined by '-'")
        result = DatasetMapping(
            slug=slug,
            path=self.path,
            prefixes=dict(self.prefixes),
            triples_maps=tuple(triples_maps),
            metadata=document.get("dataset") or {},
            policy=self.policy(document.get("policy")),
        )
        self.check_joins(result)
        return result

    def policy(self, raw: Any) -> Policy:
        """The policy block; with a ``deferred`` list its problems are kept there and the rest still read."""
        try:
            return read_policy(raw, self.fail)
        except (MappingError, MappingProblems) as exc:
            if self.deferred is None:
                raise
            self.deferred += exc.errors if isinstance(exc, MappingProblems) else [exc]
            return Policy()

    def triples_map(self, name: str, raw: Any, named: dict[str, Source]) -> TriplesMap:
        where = f"mappings.{name}"
        if not isinstance(raw, dict):
            raise self.fail(where, "a mapping must be a map with 'sources', 's' and 'po'")
        node = long_keys(raw)
        if "graphs" in node or "g" in raw:
            raise self.fail(where, "graphs are set per dataset", "remove 'g:'; every triple goes to the dataset graph")
        unknown = set(node) - MAPPING_KEYS
        if unknown:
            raise self.fail(where, f"unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        if "sources" not in node:
            raise self.fail(where, "the mapping has no 'sources'")
        source = self.source(node["sources"], f"{where}.sources", named)
        subject_raw = node.get("subjects")
        if isinstance(subject_raw, list):
            if len(subject_raw) != 1:
                raise self.fail(f"{where}.s", "one subject per mapping is supported")
            subject_raw = subject_raw[0]
        if isinstance(subject_raw, dict) and "function" in long_keys(subject_raw):
            subject = TermMap(self.iri_function(subject_raw, f"{where}.s"), "iri")
        elif not isinstance(subject_raw, str) or not subject_raw:
            raise self.fail(f"{where}.s", "the subject must be an IRI template such as id:boom/$(ID)")
        else:
            subject = TermMap(self.template(subject_raw, f"{where}.s", iri=True), "iri")
        return TriplesMap(name, source, subject, self.predicate_objects(node.get("predicateobjects"), f"{where}.po"))

    def check_joins(self, mapping: DatasetMapping) -> None:
        names = {tm.name for tm in mapping.triples_maps}
        for tm in mapping.triples_maps:
            for i, pom in enumerate(tm.predicate_objects):
                for obj in pom.objects:
                    if not isinstance(obj, ParentRef):
                        continue
                    where = f"mappings.{tm.name}.po[{i}]"
                    if obj.mapping not in names:
                        raise self.fail(where, f"join to unknown mapping '{obj.mapping}'", f"one of {sorted(names)}")
                    parent = mapping.triples_map(obj.mapping)
                    if not obj.conditions and parent.source.path != tm.source.path:
                        raise self.fail(where, "a join without a condition needs both mappings on the same source")


def parse_mapping(
    path: Path, *, project: Path, id_base: str, def_base: str, deferred: list[MappingError] | None = None
) -> DatasetMapping:
    """Read and check one mapping file; every problem is a one-line MappingError.

    With ``deferred``, problems in the policy block are appended to it, so that the rest is still checked.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MappingError(path, "", "the mapping file does not exist") from None
    except UnicodeDecodeError as exc:
        raise MappingError(path, "", f"not UTF-8 ({exc.reason})", "save the file as UTF-8") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise MappingError(path, where, f"invalid YAML: {problem}") from None
    return _Parser(path, project, id_base, def_base, deferred).parse(document)
