"""The terms of a YARRRML mapping: prefixed names, templates, function calls, object maps and joins.

The base of the mapping parser (``yarrrml``), which reads the document's structure around them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import MappingError
from ..prefixes import WELL_KNOWN
from .functions import FUNCTIONS, OFN, PREFIXABLE
from .model import RDF_TYPE, FunctionCall, JoinCondition, ParentRef, Reference, Template, TermMap, TermType

#: Prefixes every mapping may use without declaring them.
DEFAULT_PREFIXES = {**WELL_KNOWN, "ofn": "urn:openbaar:fn:"}
_ALIASES = {
    "s": "subjects",
    "subject": "subjects",
    "po": "predicateobjects",
    "predicateobject": "predicateobjects",
    "p": "predicates",
    "predicate": "predicates",
    "o": "objects",
    "object": "objects",
    "source": "sources",
    "fn": "function",
    "f": "function",
    "pms": "parameters",
    "v": "value",
}
_SCHEMES = ("http:", "https:", "urn:", "mailto:", "tag:")
_IRI_FORBIDDEN = re.compile(r'[\s<>"{}|\\^`]')


def long_keys(node: Any, aliases: dict[str, str] = _ALIASES) -> Any:
    """Rename YARRRML's short keys to their long form, one level of a mapping at a time."""
    if isinstance(node, dict):
        return {aliases.get(k, k) if isinstance(k, str) else k: v for k, v in node.items()}
    return node


class TermParser:
    """Reads term maps against the mapping's prefixes; every problem names the file and the key."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.prefixes = dict(DEFAULT_PREFIXES)

    def fail(self, where: str, problem: str, fix: str = "") -> MappingError:
        return MappingError(self.path, where, problem, fix)

    def expand(self, text: str, where: str) -> str:
        """Expand a CURIE; absolute IRIs pass; anything else is an unknown prefix."""
        if text == "a":
            return RDF_TYPE
        if text.startswith(_SCHEMES):
            return text
        prefix, sep, local = text.partition(":")
        if not sep:
            raise self.fail(where, f"'{text}' is not an IRI or a prefixed name", "write prefix:name")
        if prefix not in self.prefixes:
            raise self.fail(where, f"unknown prefix '{prefix}' in '{text}'", "declare it under 'prefixes:' at the top")
        return self.prefixes[prefix] + local

    def template(self, text: str, where: str, *, iri: bool) -> Template:
        parts: list[str | Reference] = []
        rest = text
        while True:
            start = rest.find("$(")
            if start < 0:
                if rest:
                    parts.append(rest)
                break
            if start:
                parts.append(rest[:start])
            end = rest.find(")", start)
            if end < 0:
                raise self.fail(where, f"unclosed reference in template '{text}'", "close it with ')'")
            column = rest[start + 2 : end]
            if not column.strip():
                raise self.fail(where, f"empty reference '$()' in template '{text}'")
            parts.append(Reference(column))
            rest = rest[end + 1 :]
        if iri and parts and isinstance(parts[0], str):
            parts[0] = self.expand(parts[0], where)
        elif iri and parts and isinstance(parts[0], Reference) and len(parts) > 1:
            raise self.fail(where, f"IRI template '{text}' starts with a reference", "start it with a prefix")
        if iri:
            for p in parts:
                if isinstance(p, str) and _IRI_FORBIDDEN.search(p):
                    raise self.fail(where, f"malformed IRI template '{text}': '{p}' has a space or <>\"{{}}|")
        return Template(tuple(parts))

    def function(self, node: dict[str, Any], where: str) -> FunctionCall:
        node = long_keys(node)
        name = self.expand(str(node.get("function", "")), f"{where}.function")
        spec = FUNCTIONS.get(name)
        if spec is None:
            known = ", ".join(sorted("ofn:" + k.rsplit(":", 1)[-1] for k in FUNCTIONS))
            raise self.fail(where, f"unknown function '{node.get('function')}'", f"use one of {known}")
        params: list[tuple[str, Template]] = []
        for i, raw in enumerate(node.get("parameters") or []):
            pwhere = f"{where}.parameters[{i}]"
            if isinstance(raw, list) and len(raw) == 2:
                key, value = raw
            elif isinstance(raw, dict):
                raw = long_keys(raw)
                key, value = raw.get("parameter"), raw.get("value")
            else:
                raise self.fail(pwhere, "a parameter is [name, value] or {parameter, value}")
            pname = self.expand(str(key), pwhere)
            if pname == OFN + "prefix":
                if name not in PREFIXABLE:
                    raise self.fail(
                        pwhere, f"{node['function']} takes no ofn:prefix", "use it with ofn:integer, ofn:slug, …"
                    )
                value = self.expand(str(value), pwhere)
            params.append((pname, self.template(str(value), pwhere, iri=False)))
        call = FunctionCall(name, tuple(params))
        missing = [p for p in spec.required if call.parameter(p) is None]
        if missing:
            short = ", ".join("ofn:" + m.rsplit(":", 1)[-1] for m in missing)
            raise self.fail(where, f"function {node['function']} needs parameter(s) {short}")
        return call

    def iri_function(self, node: dict[str, Any], where: str) -> FunctionCall:
        """A function whose value ends an IRI: it needs ``ofn:prefix``, the IRI's start (e.g. id:coffeeshop/)."""
        call = self.function(node, where)
        if call.function in PREFIXABLE and call.parameter(OFN + "prefix") is None:
            raise self.fail(where, "a function that makes an IRI needs [ofn:prefix, id:<concept>/]")
        return call

    def object_map(self, raw: Any, where: str, datatype: str | None = None) -> TermMap | ParentRef:
        if isinstance(raw, dict):
            node = long_keys(raw)
            if "mapping" in node:
                return self.parent_ref(node, where)
            kind = node.get("type")
            dt = node.get("datatype")
            lang = node.get("language")
            dt_iri = self.expand(str(dt), f"{where}.datatype") if dt else None
            if "function" in node and kind == "iri":
                value: Template | FunctionCall = self.iri_function(node, where)
                term_type: TermType = "iri"
            elif "function" in node:
                value = self.function(node, where)
                term_type = "literal"
                if value.parameter(OFN + "prefix") is not None:
                    raise self.fail(where, "ofn:prefix makes an IRI", "add 'type: iri' to the object")
            else:
                if "value" not in node:
                    raise self.fail(where, "an object needs 'value', 'function' or 'mapping'")
                text = str(node["value"])
                if text.endswith("~iri"):
                    text, kind = text[:-4], "iri"
                term_type = "iri" if kind == "iri" else "literal"
                value = self.template(text, where, iri=term_type == "iri")
            if lang and dt_iri:
                raise self.fail(where, "an object has a language or a datatype, not both")
            return TermMap(value, term_type, dt_iri, str(lang).lower() if lang else None)
        if not isinstance(raw, (str, int, float, bool)):
            raise self.fail(where, "an object is a string, a list of strings, or a map")
        text = str(raw).lower() if isinstance(raw, bool) else str(raw)
        language = None
        if datatype and datatype.endswith("~lang"):
            language, datatype = datatype[:-5].lower(), None
        if text.endswith("~iri"):
            return TermMap(self.template(text[:-4], where, iri=True), "iri")
        if text.endswith("~lang"):
            raise self.fail(where, f"'{text}': a language tag goes in the third place, [p, o, nl~lang]")
        if not isinstance(raw, str) or "$(" in text:
            dt_iri = self.expand(datatype, f"{where}[2]") if datatype else None
            return TermMap(self.template(text, where, iri=False), "literal", dt_iri, language)
        # A constant: an IRI when it is a prefixed name or absolute IRI (as YARRRML tools do).
        prefix = text.partition(":")[0]
        if not datatype and not language and (text.startswith(_SCHEMES) or prefix in self.prefixes):
            return TermMap(self.template(text, where, iri=True), "iri")
        dt_iri = self.expand(datatype, f"{where}[2]") if datatype else None
        return TermMap(self.template(text, where, iri=False), "literal", dt_iri, language)

    def parent_ref(self, node: dict[str, Any], where: str) -> ParentRef:
        conditions: list[JoinCondition] = []
        raw_conditions = node.get("condition") or []
        if isinstance(raw_conditions, dict):
            raw_conditions = [raw_conditions]
        for i, cond in enumerate(raw_conditions):
            cwhere = f"{where}.condition[{i}]"
            cond = long_keys(cond)
            if str(cond.get("function", "")).rsplit(":", 1)[-1] != "equal":
                raise self.fail(cwhere, "only 'function: equal' join conditions are supported")
            values: dict[str, str] = {}
            for param in cond.get("parameters") or []:
                if isinstance(param, dict):
                    param = long_keys(param)
                    param = [param.get("parameter"), param.get("value")]
                if not (isinstance(param, list) and len(param) == 2):
                    raise self.fail(cwhere, "join parameters are [str1, $(child)] and [str2, $(parent)]")
                key = str(param[0]).rsplit(":", 1)[-1]
                ref = self.template(str(param[1]), cwhere, iri=False)
                if len(ref.parts) != 1 or not isinstance(ref.parts[0], Reference):
                    raise self.fail(cwhere, f"join parameter '{param[1]}' must be one reference like $(code)")
                values[key] = ref.parts[0].column
            if set(values) != {"str1", "str2"}:
                raise self.fail(cwhere, "a join condition needs both str1 (this mapping) and str2 (the parent)")
            conditions.append(JoinCondition(values["str1"], values["str2"]))
        return ParentRef(str(node["mapping"]), tuple(conditions))
