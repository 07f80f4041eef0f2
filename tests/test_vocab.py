"""vocab/: well-formed, bilingual, and closed by owlrl into rules the build applies to the data."""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef

from service.vocab import WRITTEN_BASE, close_vocabulary, load_vocabulary

from .conftest import REPO

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
