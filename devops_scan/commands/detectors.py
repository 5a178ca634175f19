"""`devops-scan detectors`: what is installed, what each detector answers, and broken plugins."""

from __future__ import annotations

import json
import sys

from devops_scan.errors import EXIT_OK


def list_detectors(fmt: str) -> int:
    from devops_scan.plugins import load_plugins

    plugins = load_plugins()
    rows = [
        {
            "id": loaded.detector.id,
            "title": loaded.detector.title,
            "practices": list(loaded.detector.practices),
            "requires": sorted(cap.value for cap in loaded.detector.requires),
            "distribution": f"{loaded.spec.distribution} {loaded.spec.version}",
        }
        for loaded in plugins.detectors
    ]
    if fmt == "json":
        sys.stdout.write(json.dumps({"detectors": rows, "problems": list(plugins.problems)},
                                    indent=2, sort_keys=True) + "\n")
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(title="Installed detectors", title_justify="left")
    for column in ("detector", "practices", "needs", "from"):
        table.add_column(column)
    for row in rows:
        table.add_row(f"{row['id']}\n[dim]{row['title']}[/dim]", "\n".join(row["practices"]),
                      ", ".join(row["requires"]), row["distribution"])
    console.print(table)
    for problem in plugins.problems:
        console.print(f"[yellow]problem:[/yellow] {problem}", soft_wrap=True)
    return EXIT_OK
