"""The ``openbaar`` command: build, validate, serve, releases, rollback.

Click commands only; the work is done in service.build, service.releases and service.serve.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from .config import Settings, load_settings
from .errors import BuildError, OpenbaarError

# Piped (no terminal), a problem is still one line: nothing is wrapped at 80 columns.
console = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 1000)


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


def _line(label: str, text: str) -> None:
    """One problem, one line: the label styled, the text as it is (brackets in it are not markup)."""
    console.print(label, end="")
    console.print(text, markup=False, highlight=False)


def _fail(exc: OpenbaarError) -> None:
    for warning in getattr(exc, "warnings", []):
        _line("[yellow]warning:[/] ", warning)
    _line("[bold red]error:[/] ", str(exc))
    for line in getattr(exc, "problems", []):
        if line != str(exc):
            _line("  - ", line)
    sys.exit(1)


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
    from .build import build as run_build

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
    from .build import validate as run_validate
    from .mapping.report import read_issues

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

    from .build.pipeline import map_one

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
@click.option("--verify", is_flag=True, help="Run every kept release's checks; exit 1 if any release fails one.")
@click.pass_obj
def releases(settings: Settings, verify: bool) -> None:
    """List the releases kept on disk; the live one is marked."""
    from .releases import list_releases, live_release_id

    current = live_release_id(settings)
    table = Table(title="Releases")
    for column in ("", "release", "created", "datasets", "quads", *(["checks"] if verify else [])):
        table.add_column(column, no_wrap=column in ("release", "created"))
    failed = []
    for release in reversed(list_releases(settings)):
        row = [
            "live" if release.id == current else "",
            release.id,
            release.created,
            str(len(release.manifest.get("datasets", {}))),
            f"{release.triples:,}",
        ]
        if verify:
            verification = release.verify()
            row.append(_checks_cell(verification.ok, [f"{c.name}: {c.detail}" for c in verification.failures]))
            if not verification.ok:
                failed.append(release.id)
        table.add_row(*row)
    console.print(table)
    if failed:
        console.print(f"[bold red]{len(failed)} release(s) failed their checks:[/] {', '.join(failed)}")
        sys.exit(1)


def _checks_cell(ok: bool | None, failures: list[str]) -> str:
    if ok is None:
        return "not checked"
    return "[green]ok[/]" if ok else "[red]FAILED[/] " + "; ".join(failures)


@main.group("release")
def release_group() -> None:
    """Releases as portable files: export one here, import it on the machines that serve it."""


@release_group.command("export")
@click.argument("release_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="File to write (default: ID.tar).")
@click.pass_obj
def release_export(settings: Settings, release_id: str, output: str | None) -> None:
    """Write release RELEASE_ID as one tar: store, manifest, dumps, search index, catalogue and digests."""
    from pathlib import Path

    from .artefact import export_release

    try:
        digests = export_release(settings, release_id, Path(output or f"{release_id}.tar"))
    except OpenbaarError as exc:
        _fail(exc)
        return
    console.print(f"[green]exported:[/] release {release_id}, identity {digests['identity']}")


@release_group.command("import")
@click.argument("source")
@click.option("--identity", default=None, help="Refuse the artefact unless its identity is this sha256:… value.")
@click.option("--live", is_flag=True, help="Also make it this home's live release.")
@click.pass_obj
def release_import(settings: Settings, source: str, identity: str | None, live: bool) -> None:
    """Verify an artefact (a path, or an http URL on the local network) and add its release to this home."""
    from .artefact import import_release, release_identity
    from .releases import switch_live

    try:
        release, new = import_release(settings, source, identity)
        if live:
            switch_live(settings, release.id)
    except OpenbaarError as exc:
        _fail(exc)
        return
    state = "imported" if new else "already here"
    console.print(f"[green]{state}:[/] release {release.id}, identity {release_identity(release)}")


@release_group.command("switch")
@click.argument("release_id")
@click.option("--artefact", default=None, help="Where replicas fetch the release if not imported (path or URL).")
@click.pass_obj
def release_switch(settings: Settings, release_id: str, artefact: str | None) -> None:
    """Make RELEASE_ID live: in the shared pointer (OPENBAAR_LIVE_SOURCE) for replicas, else on this home."""
    from .artefact import release_identity
    from .releases import list_releases, switch_live
    from .replica import Pointer, write_pointer

    release = next((r for r in list_releases(settings) if r.id == release_id), None)
    try:
        if release is None:
            raise OpenbaarError(f"release {release_id} is not kept in this home; import or build it first")
        if settings.live_source:
            where = write_pointer(settings, Pointer(release.id, release_identity(release), artefact))
            console.print(f"[green]live pointer[/] {where}: release {release.id}")
            return
        switch_live(settings, release.id)
    except OpenbaarError as exc:
        _fail(exc)
        return
    console.print(f"[green]live:[/] release {release.id}")


@main.command()
@click.option("--to", "to", default=None, help="Release id to make live (default: the one before the live one).")
@click.pass_obj
def rollback(settings: Settings, to: str | None) -> None:
    """Make an earlier release live again, in one atomic switch."""
    from .releases import rollback as run_rollback

    try:
        release = run_rollback(settings, to)
    except OpenbaarError as exc:
        _fail(exc)
        return
    console.print(f"[green]live:[/] release {release.id}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON, for monitoring.")
@click.pass_obj
def status(settings: Settings, as_json: bool) -> None:
    """The live release, its age and checks, the kept releases verified, the last build and its rejected rows.

    Exits 1 when no release is live or any kept release fails its checks.
    """
    import json

    from .status import healthy
    from .status import status as read_status

    report = read_status(settings)
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        _print_status(report)
    if not healthy(report):
        sys.exit(1)


def _print_status(report: dict[str, Any]) -> None:
    out = Console()
    live = report["live"]
    if live is None:
        out.print(f"[bold red]no live release[/] (live pointer: {report['live_pointer'] or 'none'})")
    else:
        age = live["age_seconds"]
        out.print(
            f"[bold]live:[/] release {live['id']}, created {live['created']} ({_age(age)} ago), {live['quads']:,} quads"
        )
        for check in live["checks"]:
            mark = "[green]ok[/]" if check["ok"] else "[red]FAILED[/]"
            out.print(f"  {mark} {check['name']}" + (f": {check['detail']}" if check["detail"] else ""))
    table = Table(title="Kept releases")
    for column in ("", "release", "created", "quads", "checks"):
        table.add_column(column, no_wrap=column in ("release", "created"))
    for r in reversed(report["releases"]):
        failures = [f"{c['name']}: {c['detail']}" for c in r["checks"] if not c["ok"]]
        live_mark = "live" if live is not None and r["id"] == live["id"] else ""
        table.add_row(live_mark, r["id"], r["created"], f"{r['quads']:,}", _checks_cell(r["verified"], failures))
    out.print(table)
    build = report["last_build"]
    if build is None:
        out.print("last build: none recorded")
        return
    colour = "green" if build["status"] == "ok" else "red"
    out.print(
        f"[bold]last build:[/] [{colour}]{build['status']}[/] at {build['finished']} (release {build['release']})"
    )
    if build["error"]:
        out.print(f"  {build['error']}")
    out.print(f"  rejected rows: {build['rejected_rows']:,}")
    for t in build["tables"]:
        if t["rejected_rows"]:
            out.print(f"    {t['file']}: {t['rejected_rows']:,} of {t['rows']:,}")


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "unknown time"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


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


if __name__ == "__main__":
    main()
