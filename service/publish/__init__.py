"""Delivery to data.overheid.nl through its Aanlever API (alpha, DCAT-AP-NL 3.0 JSON).

``payload`` turns the live catalogue into the API's dataset JSON, ``plan`` compares it with what the
national catalogue holds, ``client`` talks HTTP (token, retry with backoff, stop on 4xx).
"""

from __future__ import annotations

from .client import AanleverClient, PublishError
from .payload import dataset_payloads
from .run import Outcome, publish

__all__ = ["AanleverClient", "Outcome", "PublishError", "dataset_payloads", "publish"]
