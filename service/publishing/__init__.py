"""Publishing a release: tables → triples → a new store, switched live only when it is complete and checked."""

from .pipeline import BuildResult, build
from .preview import validate

__all__ = ["BuildResult", "build", "validate"]
