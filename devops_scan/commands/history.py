"""`devops-scan history`: the repository's delivery history on its own, as a table or JSON.

One tag listing and one `git log` (devops_scan.history.analysis), shaped into one document that
both formats read, so a saved JSON document says exactly what the table showed.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from devops_scan import __version__
from devops_scan.commands import colour_wanted
from devops_scan.errors import EXIT_OK, ScanError

HISTORY_SCHEMA_VERSION = "1.0"
NO_HISTORY = "this source offers no git history"


def run_history(path: str, *, fmt: str, output: str | None, as_of: datetime | None, ref: str | None,
                window_days: int) -> int:
    """Analyse the history of the repository at `path` and write it in `fmt`; returns the exit code."""
    from devops_scan.commands.scan import write

    moment = (as_of or datetime.now(timezone.utc)).replace(microsecond=0)
    document = history_document(path, moment, window_days=window_days, ref=ref)
    if fmt == "json":
        from devops_scan.render.json import render as render_json

        text = render_json(document)
    else:
        from devops_scan.render.history import render as render_table

        text = render_table(document, color=colour_wanted(output))
    write(text, output)
    return EXIT_OK


def history_document(path: str, as_of: datetime, window_days: int, ref: str | None = None) -> dict[str, Any]:
    """The JSON document of `devops-scan history` (docs/cli.md); raises ScanError without history."""
    from devops_scan.clients.open import open_local
    from devops_scan.history.analysis import RECENT_DAYS, analyse, inventory, weekly_series
    from devops_scan.model import Capability
    from devops_scan.report import format_time

    with open_local(path, ref=ref) as client:
        source = client.history()
        if source is None:
            why = client.missing_capability_reasons().get(Capability.HISTORY, NO_HISTORY)
            hint = "; `devops-scan history` needs the full history" if client.info.shallow else ""
            raise ScanError(f"cannot read the history of {path}: {why}{hint}")
        analysis = analyse(source, as_of, window_days=window_days, recent_days=min(RECENT_DAYS, window_days))
        repository = {"path": client.info.path, "branch": source.rev_name, "commit": source.rev}
    return {
        "schema_version": HISTORY_SCHEMA_VERSION,
        "tool": {"name": "devops-scan", "version": __version__},
        "repository": repository,
        "as_of": format_time(as_of),
        "window_days": window_days,
        "weekly": weekly_series(analysis),
        **inventory(analysis),
    }

