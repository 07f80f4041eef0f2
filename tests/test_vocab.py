"""vocab/: well-formed, bilingual, and closed by owlrl into rules the build applies to the data."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef

from service.catalog.provenance import history_graph
from service.config import Settings
from service.errors import BuildError
from service.policy.register import register_graph
from service.publishing.prepare import prepare
from service.vocab import WRITTEN_BASE, close_vocabulary, defined_terms, load_vocabulary, undefined_terms

from .conftest import REPO, copy_project

DEF = WRITTEN_BASE + "def/"


def vocabulary() -> Graph:
    return load_vocabulary(REPO / "vocab", WRITTEN_BASE)


def own_terms(g: Graph) -> set[URIRef]:
    kinds = (OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
    return {s for k in kinds for s in g.subjects(RDF.type, k) if isinstance(s, URIRef) and str(s).startswith(DEF)}


def test_every_term_has_labels_and_a_definition_in_dutch_and_english() -> None:
    g = vocabulary()
    terms = own_terms(g)
    assert len(terms) >= 20
    for term in terms:
        for predicate in (RDFS.label,):
            languages = {o.language for o in g.objects(term, predicate)}  # type: ignore[attr-defined]
            assert {"nl", "en"} <= languages, f"{term} {predicate}"
        definitions = {o.language for p in (SKOS.definition, RDFS.comment) for o in g.objects(term, p)}  # type: ignore[attr-defined]
        assert {"nl", "en"} <= definitions, term


def test_vocabulary_is_rebased_to_the_public_base() -> None:
    g = load_vocabulary(REPO / "vocab", "https://example.org")
    subjects = {str(s) for s in g.subjects() if isinstance(s, URIRef)}
    assert any(s.startswith("https://example.org/def/") for s in subjects)
    assert not any(s.startswith(DEF) for s in subjects)


def test_closure_gives_superclasses_and_inverses() -> None:
    entailment, added = close_vocabulary(vocabulary())
    geo_feature = "http://www.opengis.net/ont/geosparql#Feature"
    assert geo_feature in entailment.superclasses[DEF + "Boom"]
    assert any(entailment.inverses.values()), "the vocabulary declares at least one inverse"
    assert any(entailment.superproperties.values())
    assert all(isinstance(s, URIRef) for s in added.subjects())


def test_entailment_follows_inverses_of_super_properties() -> None:
    from service.mapping.plan import Entailment

    e = Entailment(superproperties={"p": ("q",)}, inverses={"q": ("r",)})
    forward, backward = e.for_predicate("p")
    assert forward == ("q",)
    assert backward == ("r",)


def test_every_def_term_the_service_itself_uses_is_defined(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The register, the release history and the catalogue's terms are in vocab/, like the mappings' terms."""
    settings = Settings(project=REPO, home=tmp_path)
    prepared = prepare(settings)  # the build's own check: it fails on a term the register uses but vocab/ lacks
    defined = defined_terms(prepared.vocabulary)
    register = register_graph(prepared.mappings, public_base=settings.public_base)
    manifest = {
        "id": "1",
        "created": "2026-01-01T00:00:00+00:00",
        "datasets": {
            "bomen": {
                "triples": 1,
                "mapping": {"file": "bomen.yml", "sha256": "00"},
                "sources": [{"file": "a.csv", "sha256": "00"}],
            }
        },
    }
    history = history_graph(settings.public_base, [manifest])
    for graph in (register, history):
        assert undefined_terms(graph, settings.def_base, defined) == []
    assert settings.def_base + "Register" in defined


def test_the_build_names_a_term_the_register_uses_that_vocab_lacks(tmp_path) -> None:  # type: ignore[no-untyped-def]
    project = copy_project(tmp_path / "project")
    woo = project / "vocab" / "woo.ttl"
    text = woo.read_text(encoding="utf-8")
    start = text.index("def:UitgezonderdeKolom\n")
    woo.write_text(text[:start] + text[text.index("\n\n", start) + 2 :], encoding="utf-8")
    with pytest.raises(BuildError) as failure:
        prepare(Settings(project=project, home=tmp_path / "home"))
    assert any("def:UitgezonderdeKolom" in p and "register" in p for p in failure.value.problems)
