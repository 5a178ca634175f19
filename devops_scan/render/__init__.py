"""Renderers: pure functions from the report dict to text. Chosen by name; heavy ones import lazily."""

from __future__ import annotations

from typing import Any, Callable

FORMATS = ("table", "json", "markdown", "sarif")


def renderer(name: str) -> Callable[..., str]:
    if name == "json":
        from devops_scan.render.json import render
    elif name == "markdown":
        from devops_scan.render.markdown import render
    elif name == "table":
        from devops_scan.render.terminal import render
    elif name == "sarif":
        from devops_scan.render.sarif import render
    else:
        raise ValueError(f"unknown format {name!r}; choose from {', '.join(FORMATS)}")
    return render


def render(report: dict[str, Any], name: str, **options: Any) -> str:
    return renderer(name)(report, **options)
