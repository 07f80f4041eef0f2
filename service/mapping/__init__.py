"""From municipal tables and YARRRML mappings to N-Quads.

Parse (``yarrrml``), plan (``plan``), materialise (``materialize``); tables are read by ``sources``.
This package knows nothing of Flask or of the store: it reads files and yields bytes.
"""
