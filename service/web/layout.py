"""What every HTML page shares: the language, the navigation and links that stay on this server.

Templates extend ``layout.html``; views render through ``render_page`` so the page language is chosen once.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, render_template, request

from ..config import Settings

LANGUAGES = ("nl", "en")

#: (path, Dutch label, English label) of the site navigation.
NAV = (
    ("/", "Datasets", "Datasets"),
    ("/sparql", "SPARQL", "SPARQL"),
    ("/register", "Uitzonderingen", "Exceptions"),
    ("/catalog", "Catalogus", "Catalogue"),
    ("/releases", "Releases", "Releases"),
    ("/def/", "Begrippen", "Vocabulary"),
)


def page_language() -> str:
    """``?lang=``, then the ``lang`` cookie, then Accept-Language; Dutch by default."""
    asked = request.args.get("lang") or request.cookies.get("lang")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES, default="nl") or "nl"


def local_link(iri: str) -> str:
    """An IRI under our public base becomes a path on this server, so pages stay navigable on any host."""
    settings: Settings = current_app.config["OPENBAAR"]
    base = settings.public_base
    if iri == base or iri.startswith(base + "/"):
        return iri[len(base) :] or "/"
    return iri


def render_page(template: str, **context: Any) -> str:
    return render_template(template, **context)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["local"] = local_link

    @app.context_processor
    def _shared() -> dict[str, Any]:
        lang = page_language()
        return {
            "lang": lang,
            "nav": [(path, nl if lang == "nl" else en) for path, nl, en in NAV],
            "t": lambda nl, en: nl if lang == "nl" else en,
        }
