"""The ``openbaar`` command: build, validate, serve, releases, rollback.

Click commands only; the work is done in service.publishing, service.releases and service.serve.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from .cli_releases import COMMANDS
from .config import Settings, load_settings
from .errors import BuildError, OpenbaarError
from .terminal import console
from .terminal import fail as _fail
from .terminal import line as _line

# Piped (no terminal), a problem is still one line: nothing is wrapped at 80 columns.


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="Folder with mappings/, data/ and vocab/ (default: the current folder).",
)
@click.option(
    "--home",
    type=click.Path(file_okay=False),
    default=None,
    help="Where releases and reports are kept (default: <project>/var).",
)
@click.option("--public-base", default=None, help="Public base of every IRI, e.g. https://data.groningen.nl.")
@click.pass_context
def main(ctx: click.Context, project: str | None, home: str | None, public_base: str | None) -> None:
    """Openbaar publishes municipal tables as linked data.

    Every setting can also be given as an environment variable OPENBAAR_<NAME>, for example
    OPENBAAR_PUBLIC_BASE or OPENBAAR_KEEP_RELEASES.
    """
    try:
        ctx.obj = load_settings(project=project, home=home, public_base=public_base)
    except (ValueError, TypeError) as exc:
        raise click.UsageError(str(exc)) from None


def _progress() -> tuple[Progress, Any]:
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def notify(event: str, **data: Any) -> None:
        if event == "stage":
            console.print(data["name"], markup=False, highlight=False)
        elif event == "warning":
            _line("[yellow]warning:[/] ", data["text"])
        elif event == "rows":
            name = data["dataset"]
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=None)
            bar.advance(tasks[name], data["rows"])

    return bar, notify


def _summary(tables: list[dict[str, Any]], seconds: float | None = None) -> None:
    table = Table(title="Summary", show_lines=False)
    columns = ("dataset", "table", "rows", "triples", "inferred", "rejected rows", "warnings", "empty cells")
    for column in columns:
        table.add_column(column, justify="right" if column not in ("dataset", "table") else "left")
    for t in tables:
        table.add_row(
            t["dataset"],
            t["file"],
            f"{t['rows']:,}",
            f"{t['triples']:,}",
            f"{t.get('inferred', 0):,}",
            f"{t['rejected_rows']:,}",
            f"{t['warnings']:,}",
            f"{sum(t['empty_cells'].values()):,}",
        )
    console.print(table)
    if seconds is not None:
        console.print(f"time: {seconds:.1f} s")


@main.command()
@click.option("--no-inference", is_flag=True, help="Leave out the inferred graph.")
@click.option("--keep", type=int, default=None, help="How many releases to keep on disk (default 5).")
@click.pass_obj
def build(settings: Settings, no_inference: bool, keep: int | None) -> None:
    """Map every dataset into a new release and make it live.

    The new store is checked (quads per graph, a test query) before the live pointer moves; a build that
    fails at any step leaves the live release untouched. Each rejected row or value is written to the
    build report under <home>/reports/.
    """
    from .publishing import build as run_build

    changes: dict[str, Any] = {}
    if no_inference:
        changes["inference"] = False
    if keep is not None:
        changes["keep_releases"] = keep
    settings = settings.replace(**changes) if changes else settings
    bar, notify = _progress()
    try:
        with bar:
            result = run_build(settings, notify)
    except BuildError as exc:
        _fail(exc)
        return
    _summary(result.tables, result.seconds)
    _issues(result.first_issues, result.issues, str(result.report_path))
    console.print(f"[green]live:[/] release {result.release.id} ({result.release.triples:,} quads)")


def _issues(first: list[Any], total: int, path: str) -> None:
    if not total:
        return
    console.print(f"[yellow]{total:,} rejected value(s) or row(s)[/]; all listed in {path}")
    for issue in first[:10]:
        _line("  ", issue.line())
    if total > 10:
        console.print(f"  … and {total - 10:,} more in the report")


@main.command()
@click.pass_obj
def validate(settings: Settings) -> None:
    """Check the mappings and map every table, publishing nothing."""
    from .mapping.report import read_issues
    from .publishing import validate as run_validate

    bar, notify = _progress()
    try:
        with bar:
            tables, report_path, total, catalogue = run_validate(settings, notify)
    except BuildError as exc:
        _fail(exc)
        return
    _summary(tables)
    _issues(read_issues(report_path)[:10], total, str(report_path))
    console.print(
        f"catalogue: 0 violations, {catalogue.warnings} warning(s) of DCAT-AP 3.0.1 and DCAT-AP-NL 3.0.0/3.0.1 "
        "(recommended properties; docs/catalog.md says which remain and why)"
    )
    console.print("[green]valid:[/] every mapping and table can be published")


@main.command("map")
@click.argument("mapping", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default="-",
    show_default=True,
    help="Where to write the N-Quads ('-' is standard output).",
)
@click.option(
    "--default-graph",
    is_flag=True,
    help="Write the triples to the default graph, as other YARRRML engines do, not to the dataset's graph.",
)
@click.pass_obj
def map_command(settings: Settings, mapping: str, output: str, default_graph: bool) -> None:
    """Map one mapping file to N-Quads, to preview its output; publishes nothing, checks nothing else.

    A relative MAPPING path is taken from the project folder.
    """
    from pathlib import Path

    from .publishing.preview import map_one

    try:
        tables, total = map_one(settings, settings.project / Path(mapping), output, default_graph=default_graph)
    except OpenbaarError as exc:
        _fail(exc)
        return
    _summary(tables)
    if total:
        console.print(f"[yellow]{total:,} rejected value(s) or row(s)[/]")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=None, type=int, help="gunicorn worker processes (default: 2 per CPU core, up to 8).")
@click.option("--dev", is_flag=True, help="Flask's development server with reloading, instead of gunicorn.")
@click.option("--query-workers", type=int, default=None, help="Query processes kept ready per worker (default 2).")
@click.option(
    "--query-concurrency", type=int, default=None, help="Queries at once per worker; more get 503 (default 8)."
)
@click.option("--query-deadline", type=float, default=None, help="Seconds a query may run before a 504 (default 60).")
@click.pass_obj
def serve(
    settings: Settings,
    host: str,
    port: int,
    workers: int | None,
    dev: bool,
    query_workers: int | None,
    query_concurrency: int | None,
    query_deadline: float | None,
) -> None:
    """Serve the live release: SPARQL at /sparql, health at /healthz, metrics at /metrics."""
    from .releases import live_release
    from .serve import default_workers, run

    if settings.live_source:
        from .replica import PointerReader, follow_once

        try:
            follow_once(settings, PointerReader(settings.live_source))
        except OpenbaarError as exc:  # keep serving what is here, if anything; the follower retries
            console.print(f"[yellow]live pointer:[/] {exc}")
    if live_release(settings) is None:
        _fail(OpenbaarError("there is no live release yet: run 'openbaar build' first"))
    changes = {"query_workers": query_workers, "query_concurrency": query_concurrency, "query_deadline": query_deadline}
    try:
        settings = settings.replace(**{k: v for k, v in changes.items() if v is not None})
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    console.print(f"serving on http://{host}:{port}/sparql")
    run(settings, host=host, port=port, workers=workers or default_workers(), dev=dev)


@main.command()
@click.option("--dry-run", is_flag=True, help="Compare with the national catalogue and report, changing nothing.")
@click.option("--url", default=None, help="Base URL of the Aanlever API (default: OPENBAAR_AANLEVER_URL).")
@click.pass_obj
def publish(settings: Settings, dry_run: bool, url: str | None) -> None:
    """Send the live catalogue to data.overheid.nl through its Aanlever API.

    Each dataset is created or replaced, keyed on its dct:identifier, and the changed fields are listed.
    Credentials come from OPENBAAR_AANLEVER_CLIENT_ID and OPENBAAR_AANLEVER_API_KEY (never from the
    command line); without the key in the environment it is asked for, hidden, on a terminal.
    """
    from .publish import AanleverClient
    from .publish import publish as run_publish

    api_key = settings.aanlever_api_key
    if not api_key and sys.stdin.isatty():
        api_key = click.prompt("Aanlever API key", hide_input=True)
    try:
        client = AanleverClient(url or settings.aanlever_url, settings.aanlever_client_id, api_key)
        outcomes = run_publish(settings, client, dry_run=dry_run)
    except OpenbaarError as exc:
        _fail(exc)
        return
    table = Table(title="data.overheid.nl" + (" (dry run)" if dry_run else ""))
    for column in ("dataset", "action", "changed fields", "data"):
        table.add_column(column)
    for o in outcomes:
        table.add_row(o.identifier, o.action, ", ".join(o.fields), "yes" if o.with_data else "record only")
    console.print(table)
    if client.retried:
        console.print(f"[yellow]{client.retried} request(s) retried[/] after 5xx/429 answers")


for _command in COMMANDS:
    main.add_command(_command)

if __name__ == "__main__":
    main()
