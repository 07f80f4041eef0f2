"""Everything a build checks before it maps a row: mappings, vocabulary, metadata, headers, IRI spaces.

Problems are collected across all mappings, so a data team sees every one of them in one run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from ..catalog import MetadataError, check_metadata
from ..config import Settings
from ..errors import BuildError, MappingError, MappingProblems, OpenbaarError, SourceError
from ..mapping.model import DatasetMapping, Source
from ..mapping.plan import Cursor, Entailment, plan_dataset, plan_join_index, subject_concepts
from ..mapping.sources import Table
from ..mapping.yarrrml import parse_mapping
from ..policy.decisions import constant_hits
from ..policy.differencing import differencing_problems
from ..policy.guard import condition_counts
from ..policy.register import register_graph
from ..vocab import check_terms, close_vocabulary, defined_terms, load_vocabulary, undefined_terms
from ..vocab_checks import range_problems, scheme_warnings
from .guards import guarded_table, undecided
from .unpublished import unpublished_problems


@dataclass
class Prepared:
    mappings: list[DatasetMapping]
    vocabulary: Graph
    entailment: Entailment | None
    schema_entailed: Graph = field(default_factory=Graph)
    #: Per dataset, how many rows each row condition withholds (the register publishes the counts).
    withheld_rows: dict[str, tuple[int, ...]] = field(default_factory=dict)
    #: Things worth a look that do not stop the build (a namespace differing only by scheme).
    warnings: list[str] = field(default_factory=list)

    def side_graphs(self, settings: Settings) -> dict[str, Graph]:
        """Graph IRI → graph of everything loaded beside the mapper's output, for the store and the dumps alike."""
        base = settings.graph_base
        graphs = {
            base + "vocab": self.vocabulary,
            base + "register": register_graph(
                self.mappings, public_base=settings.public_base, withheld_rows=self.withheld_rows
            ),
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
    warnings: list[str] = []
    try:
        vocabulary = load_vocabulary(settings.vocab_dir, settings.public_base)
    except OpenbaarError as exc:
        raise BuildError("the vocabulary cannot be loaded", [str(exc)]) from None
    defined = defined_terms(vocabulary)
    mappings: list[DatasetMapping] = []
    files = mapping_files(settings)
    problems += repeated_names(files)
    for path in files:
        deferred: list[MappingError] = []
        try:
            mapping = parse_mapping(
                path,
                project=settings.project,
                id_base=settings.id_base,
                def_base=settings.def_base,
                deferred=deferred,
            )
        except MappingProblems as exc:
            problems += [str(e) for e in exc.errors]
            continue
        except SourceError as exc:
            problems.append(f"{path.name}: {exc}")
            continue
        except OpenbaarError as exc:
            problems.append(str(exc))
            continue
        found = [str(e) for e in deferred]
        found += check_terms(mapping, settings.def_base, defined) + range_problems(mapping, vocabulary)
        warnings += scheme_warnings(mapping, vocabulary)
        try:
            check_metadata(mapping, settings)
        except MetadataError as exc:
            found += [f"{path.name} {line}" for line in exc.problems]
        if not found:  # the columns are checked against a mapping and policy that read correctly
            try:
                found += check_columns(mapping, settings)
            except SourceError as exc:
                found.append(f"{path.name}: {exc}")
            except OpenbaarError as exc:
                found.append(str(exc))
        problems += found
        if not found:
            mappings.append(mapping)
    problems += concept_collisions(mappings, settings.id_base)
    register = register_graph(mappings, public_base=settings.public_base)
    problems += [f"the register of exceptions: {p}" for p in undefined_terms(register, settings.def_base, defined)]
    if problems:
        raise BuildError(f"{len(problems)} problem(s) in the mappings; nothing was published", problems, warnings)
    problems = differencing_problems(mappings, Table)
    if problems:
        raise BuildError(
            "aggregates of one source together reveal small counts; nothing was published", problems, warnings
        )
    counts = {m.slug: condition_counts(m, Table) for m in mappings if m.policy.rows}
    if settings.inference:
        entailment, schema_entailed = close_vocabulary(vocabulary)
        return Prepared(mappings, vocabulary, entailment, schema_entailed, counts, warnings)
    return Prepared(mappings, vocabulary, None, withheld_rows=counts, warnings=warnings)


def repeated_names(files: list[Path]) -> list[str]:
    """Two files with one dataset name (bomen.yml and bomen.yaml) would make one dataset: refuse them."""
    seen: dict[str, Path] = {}
    problems = []
    for path in files:
        first = seen.setdefault(path.stem, path)
        if first != path:
            problems.append(
                f"{first.name} and {path.name} have the same dataset name '{path.stem}' "
                "(a dataset has one mapping file: merge them, or rename one)"
            )
    return problems


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
    return undecided(mapping, used, sources) + unpublished_problems(mapping, used, sources) + constant_hits(mapping)


def _check_header(mapping: DatasetMapping, source: Source, columns: list[str]) -> None:
    with guarded_table(source, mapping) as table:
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
