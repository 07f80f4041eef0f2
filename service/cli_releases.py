"""The operator's commands on releases: list and verify, export, import, switch, roll back, status.

Registered on ``openbaar`` by ``cli.py``; they print through ``terminal`` like every other command.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from .config import Settings
from .errors import OpenbaarError
from .terminal import console
from .terminal import fail as _fail


@click.command()
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


@click.group("release")
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


@click.command()
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


@click.command()
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


COMMANDS = (releases, release_group, rollback, status)
