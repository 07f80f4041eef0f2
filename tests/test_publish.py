"""``openbaar publish`` against a local fake of the Aanlever API that checks the published fields."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from rdflib import URIRef

from service.catalog.codelists import ACCESS_RIGHTS
from service.catalog.namespaces import DCT
from service.config import Settings
from service.publish import AanleverClient, PublishError, dataset_payloads, publish
from service.publish.run import live_catalogue
from tests.support.fake_catalogue import VALIDATOR, FakeCatalogue, Running

from .conftest import REPO

pytestmark = pytest.mark.slow

DATASETS = len(list((REPO / "mappings").glob("*.yml")))


@pytest.fixture
def fake() -> Iterator[Running]:
    running = Running(FakeCatalogue())
    yield running
    running.stop()


def client(running: Running, waits: list[float] | None = None, **kwargs: object) -> AanleverClient:
    sleep = waits.append if waits is not None else lambda _: None
    return AanleverClient(running.url, "gemeente-groningen", "test-key", sleep=sleep, **kwargs)  # type: ignore[arg-type]


def test_first_delivery_creates_every_dataset_then_nothing_changes(built: Settings, fake: Running) -> None:
    outcomes = publish(built, client(fake))
    assert [o.action for o in outcomes] == ["created"] * DATASETS
    assert len(fake.fake.datasets) == DATASETS
    stored = fake.fake.by_identifier(f"{built.public_base}/id/dataset/bomen")
    assert stored is not None and stored.status == "PUBLISHED"
    assert stored.dataset["dctTitle"] == ["Bomen"]
    assert stored.dataset["foafPage"] == [f"{built.public_base}/catalog/bomen"]  # its documentation page
    assert any(d.get("dcatDownloadUrl", "").endswith("/dumps/bomen.nt.gz") for d in stored.dataset["dcatDistribution"])
    again = publish(built, client(fake))
    assert [o.action for o in again] == ["unchanged"] * DATASETS
    assert sum(1 for m, p in fake.fake.requests if m == "PUT") == 0


def test_a_changed_dataset_is_replaced_with_its_version(built: Settings, fake: Running) -> None:
    publish(built, client(fake))
    stored = fake.fake.by_identifier(f"{built.public_base}/id/dataset/bomen")
    assert stored is not None
    stored.dataset = {**stored.dataset, "dctTitle": ["Bomen (oud)"], "dcatKeyword": ["oud"]}
    outcomes = {o.identifier.rsplit("/", 1)[-1]: o for o in publish(built, client(fake))}
    assert outcomes["bomen"].action == "updated"
    assert outcomes["bomen"].fields == ["dcatKeyword", "dctTitle"]
    assert all(o.action == "unchanged" for slug, o in outcomes.items() if slug != "bomen")
    assert stored.dataset["dctTitle"] == ["Bomen"] and stored.version == 1


def test_5xx_and_429_are_retried_with_backoff(built: Settings, fake: Running) -> None:
    waits: list[float] = []
    fake.fake.fail_next(503, times=2)
    fake.fake.fail_next(429, retry_after="3")
    outcomes = publish(built, client(fake, waits, backoff=0.5))
    assert [o.action for o in outcomes] == ["created"] * DATASETS
    assert waits == [0.5, 1.0, 3.0]  # exponential, and Retry-After when it asks for longer


def test_retries_give_up_after_the_limit(built: Settings, fake: Running) -> None:
    fake.fake.fail_next(502, times=10)
    with pytest.raises(PublishError, match="502 after 3 tries"):
        publish(built, client(fake, [], retries=2))


def test_a_4xx_stops_at_once_with_the_servers_message(built: Settings, fake: Running) -> None:
    waits: list[float] = []
    fake.fake.fail_next(400, detail="dctTitle is ongeldig volgens de server")
    with pytest.raises(PublishError, match=r"400 .*dctTitle is ongeldig volgens de server"):
        publish(built, client(fake, waits))
    assert waits == []
    assert fake.fake.datasets == {}


def test_wrong_credentials_are_named(built: Settings, fake: Running) -> None:
    bad = AanleverClient(fake.url, "gemeente-groningen", "wrong", sleep=lambda _: None)
    with pytest.raises(PublishError, match="wrong apiKey"):
        publish(built, bad)


def test_a_withheld_dataset_sends_its_record_only(built: Settings) -> None:
    g = live_catalogue(built)
    dataset = URIRef(f"{built.public_base}/id/dataset/horecavergunningen")
    g.set((dataset, DCT.accessRights, ACCESS_RIGHTS.iri("NON_PUBLIC")))
    payloads = {p["dctIdentifier"]: p for p in dataset_payloads(g)}
    withheld = payloads[str(dataset)]
    assert "dcatDistribution" not in withheld
    assert withheld["dctAccessRights"].endswith("/NON_PUBLIC")
    assert list(VALIDATOR.iter_errors(withheld)) == []
    assert "dcatDistribution" in payloads[f"{built.public_base}/id/dataset/bomen"]


def test_the_command_reports_per_dataset(built: Settings, fake: Running) -> None:
    env = {
        **os.environ,
        "OPENBAAR_HOME": str(built.home),
        "OPENBAAR_AANLEVER_CLIENT_ID": "gemeente-groningen",
        "OPENBAAR_AANLEVER_API_KEY": "test-key",
        "COLUMNS": "200",
    }
    command = [sys.executable, "-m", "service.cli", "--project", str(REPO), "publish", "--url", fake.url]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=REPO)
    assert first.returncode == 0, first.stderr
    assert first.stderr.count("created") == DATASETS
    fake.fake.fail_next(403, detail="dataset hoort bij een andere organisatie")
    refused = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=REPO)
    assert refused.returncode == 1
    assert "andere organisatie" in refused.stderr
