"""Everything a build checks before it maps a row: mappings, vocabulary, metadata, headers, IRI spaces.

Problems are collected across all mappings, so a data team sees every one of them in one run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from ..catalog import MetadataError, check_metadata
from ..config import Settings
from ..errors import BuildError, OpenbaarError, SourceError
from ..mapping.model import DatasetMapping, Source
from ..mapping.plan import Cursor, Entailment, plan_dataset, plan_join_index, subject_concepts
from ..mapping.yarrrml import parse_mapping
from ..policy.decisions import constant_hits, undecided_columns
from ..policy.guard import open_table
from ..policy.register import register_graph
from ..vocab import check_terms, close_vocabulary, defined_terms, load_vocabulary, undefined_terms


@dataclass
class Prepared:
    mappings: list[DatasetMapping]
    vocabulary: Graph
    entailment: Entailment | None
    schema_entailed: Graph = field(default_factory=Graph)

    def side_graphs(self, settings: Settings) -> dict[str, Graph]:
        """Graph IRI → graph of everything loaded beside the mapper's output, for the store and the dumps alike."""
        base = settings.graph_base
        graphs = {
            base + "vocab": self.vocabulary,
            base + "register": register_graph(self.mappings, public_base=settings.public_base),
            base + "inferred": self.schema_entailed,
        }
        return {iri: graph for iri, graph in graphs.items() if len(graph)}


def mapping_files(settings: Settings) -> list[Path]:
    files = sorted([*settings.mappings_dir.glob("*.yml"), *settings.mappings_dir.glob("*.yaml")])
    if not files:
        raise BuildError(f"no mapping files in {settings.mappings_dir.name}/", ["add mappings/<dataset>.yml"])
    return files


def prepare(settings: Settings) -> Prepared:
    """Parse and cross-check everything; raise one BuildError listing every problem found."""
    problems: list[str] = []
    try:
        vocabulary = load_vocabulary(settings.vocab_dir, settings.public_base)
    except OpenbaarError as exc:
        raise BuildError("the vocabulary cannot be loaded", [str(exc)]) from None
    defined = defined_terms(vocabulary)
    mappings: list[DatasetMapping] = []
    for path in mapping_files(settings):
        try:
            mapping = parse_mapping(
                path, project=settings.project, id_base=settings.id_base, def_base=settings.def_base
            )
            check_metadata(mapping, settings)
            check_terms(mapping, settings.def_base, defined)
            problems += check_columns(mapping, settings)
        except SourceError as exc:
            problems.append(f"{path.name}: {exc}")
            continue
        except MetadataError as exc:
            problems += [f"{path.name} {line}" for line in exc.problems]
            continue
        except OpenbaarError as exc:
            problems.append(str(exc))
            continue
        mappings.append(mapping)
    problems += concept_collisions(mappings, settings.id_base)
    register = register_graph(mappings, public_base=settings.public_base)
    problems += [f"the register of exceptions: {p}" for p in undefined_terms(register, settings.def_base, defined)]
    if problems:
        raise BuildError(f"{len(problems)} problem(s) in the mappings; nothing was published", problems)
    if settings.inference:
        entailment, schema_entailed = close_vocabulary(vocabulary)
        return Prepared(mappings, vocabulary, entailment, schema_entailed)
    return Prepared(mappings, vocabulary, None)


def check_columns(mapping: DatasetMapping, settings: Settings) -> list[str]:
    """A mapping that names a column the table lacks fails at once; one that ignores a column is listed.

    Tables are opened as the policy lets them be read, so an aggregated source offers only its counts.
    """
    if mapping.policy.dataset is not None:
        return []  # withheld as a whole: nothing is read
    cursor = Cursor()
    used: dict[Path, set[str]] = {}
    sources: dict[Path, Source] = {}
    for plan in plan_dataset(mapping, cursor=cursor, entailment=Entailment(), graph_base=settings.graph_base):
        _check_header(mapping, plan.source, plan.columns)
        used.setdefault(plan.source.path, set()).update(plan.columns)
        sources[plan.source.path] = plan.source
        for join in plan.joins:
            columns, _, _ = plan_join_index(mapping, join, cursor=cursor, graph_base=settings.graph_base)
            _check_header(mapping, join.parent.source, columns)
            used.setdefault(join.parent.source.path, set()).update(columns)
            sources.setdefault(join.parent.source.path, join.parent.source)
    return undecided_columns(mapping, used, sources) + constant_hits(mapping)


def _check_header(mapping: DatasetMapping, source: Source, columns: list[str]) -> None:
    with open_table(source, mapping) as table:
        table.require(columns)


def concept_collisions(mappings: list[DatasetMapping], id_base: str) -> list[str]:
    """IRIs never collide between datasets: each id:{concept}/ is minted by one dataset only."""
    owner: dict[str, str] = {}
    problems = []
    for mapping in mappings:
        for name, concept in subject_concepts(mapping, id_base).items():
            other = owner.setdefault(concept, mapping.slug)
            if other != mapping.slug:
                problems.append(
                    f"{mapping.path.name} at mappings.{name}.s: id:{concept}/ is already minted by dataset "
                    f"'{other}' (use another concept name, or link to the other dataset's IRIs as objects)"
                )
    return problems
