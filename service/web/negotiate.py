"""The one negotiator (``service.formats``) at the HTTP edge: the format a request gets, or its 400/406.

Every negotiated response carries ``Vary: Accept`` (errors included), set once in an after-request hook.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

from flask import Flask, Response, abort, g, request

from .. import formats
from ..formats import Format, FormatError


def choose(offers: Sequence[Format], extension: Format | None = None) -> Format:
    """Extension, then ``?format=``, then Accept; answers 400 or 406 at once when nothing offered fits."""
    if extension is None:
        g.openbaar_negotiated = True
    try:
        return formats.choose(offers, request.accept_mimetypes, request.args.get("format"), extension)
    except FormatError as exc:
        refuse(exc)


def refusal(exc: FormatError) -> Response:
    """A plain-text 400 or 406 that lists the formats offered."""
    response = Response(f"{exc.message}\n", status=exc.status, mimetype="text/plain")
    response.vary.add("Accept")
    return response


def refuse(exc: FormatError) -> NoReturn:
    abort(refusal(exc))


def _vary(response: Response) -> Response:
    if g.get("openbaar_negotiated"):
        response.vary.add("Accept")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_vary)
