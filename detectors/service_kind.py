"""Does the repository run as a service? Observability and configuration practices depend on the answer.

A service is shown by what serves or runs continuously: a web or worker framework among the
dependencies (Django, Express, Spring Boot Web, Gin, Rails, ASP.NET's Web SDK...), a Dockerfile
that EXPOSEs a port, a Procfile `web:` process, fly.toml services, an App Engine `app.yaml`, an
application Helm chart, a Serverless `functions:`, a Rack `config.ru`, or code that starts a server
(`http.ListenAndServe`, `app.listen(PORT)`, `uvicorn.run`...). Without any of these, a repository
whose code is packaged as a library or command-line tool (or that has no application code at all)
is not a service; otherwise the answer is unknown, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Fact, Location
from devops_scan_detectors.dependency_manifests import manifests
from devops_scan_detectors.observability_signals import SERVICE_FRAMEWORKS, SERVICE_GRADLE_PLUGINS, SERVICE_SDKS
from devops_scan_detectors.package_definitions import IMAGE, deliverable, package_definitions
from devops_scan_detectors.source_scan import application_sources, source_scan
from devops_scan_detectors.common import first_line_matching as _match_line

SERVICE = "service"
NOT_SERVICE = "not a service"
UNDECIDED = "undecided"

# (label, glob, content pattern that shows something serving)
_SERVICE_FILES = (
    ("Procfile web process", "Procfile", r"^web\s*:"),
    ("Fly.io service", "fly.toml", r"^\[(http_service|\[services\])\]|^\[\[services\]\]"),
    ("App Engine app", "app.yaml", r"^runtime\s*:"),
    ("Serverless functions", "serverless.y*ml", r"^functions\s*:"),
    ("Rack application", "config.ru", r"^\s*run\s"),
    ("WSGI/ASGI entry point", "**/wsgi.py", r"\bapplication\s*="),
    ("WSGI/ASGI entry point", "**/asgi.py", r"\bapplication\s*="),
    ("application Helm chart", "**/Chart.yaml", r"^name\s*:"),
)


@dataclass(frozen=True)
class ServiceKind:
    verdict: str
    reason: str
    evidence: tuple[Fact, ...] = ()


def service_kind(client: RepoClient, context: ScanContext) -> ServiceKind:
    """Whether the repository runs as a service, decided once per scan."""
    return context.shared("service-kind", lambda: _decide(client, context))


def _decide(client: RepoClient, context: ScanContext) -> ServiceKind:
    facts = _service_facts(client, context)
    packages = [d for d in package_definitions(client, context) if d.kind != IMAGE and not d.app_only]
    # Code that starts a server is weak evidence in a library: a web framework's own source defines
    # `app.run(` (Flask) or `ListenAndServe` helpers without running anywhere itself.
    strong = [fact for fact in facts if not fact.detail.startswith("starts a server") or _entry_point(client, fact)]
    if strong or (facts and not packages):
        labels = list(dict.fromkeys(f.detail for f in facts))
        return ServiceKind(SERVICE, "runs as a service: " + ", ".join(labels[:3]), tuple(facts[:5]))
    if not application_sources(client):
        return ServiceKind(NOT_SERVICE, "no application source code: nothing runs as a service")
    if packages:
        names = ", ".join(f"{d.kind} {d.path}" for d in packages[:3])
        evidence = tuple(Fact("package", f"{d.kind}", Location(d.path, d.line)) for d in packages[:3])
        return ServiceKind(NOT_SERVICE, f"a library or command-line tool ({names}) with no server framework, "
                           "exposed port or server start found", evidence)
    return ServiceKind(UNDECIDED, "could not tell whether this code runs as a service (no server framework, "
                       "exposed port or deployment descriptor, and no library or tool packaging)")


def _service_facts(client: RepoClient, context: ScanContext) -> list[Fact]:
    facts: list[Fact] = []
    for manifest, name, line in manifests(client, context).find(SERVICE_FRAMEWORKS.names, SERVICE_FRAMEWORKS.prefixes):
        if deliverable(manifest.path):
            facts.append(Fact("service", f"{name} dependency", Location(manifest.path, line)))
    for manifest in manifests(client, context).manifests:
        if manifest.kind == "msbuild" and manifest.data.get("Sdk") in SERVICE_SDKS and deliverable(manifest.path):
            facts.append(Fact("service", f"{manifest.data['Sdk']} project", Location(manifest.path, 1)))
        plugins = SERVICE_GRADLE_PLUGINS.intersection(manifest.data.get("plugins", ())) \
            if manifest.ecosystem == "gradle" else set()
        if plugins and deliverable(manifest.path):
            facts.append(Fact("service", f"Gradle plugin {sorted(plugins)[0]}", Location(manifest.path, None)))
    for definition in package_definitions(client, context):
        if definition.kind == IMAGE:
            line = _match_line(client, definition.path, r"^\s*EXPOSE\s+\S")
            if line is not None:
                facts.append(Fact("service", "Dockerfile EXPOSEs a port", Location(definition.path, line)))
    for label, pattern, proof in _SERVICE_FILES:
        for path in client.files.glob(pattern):
            line = _match_line(client, path, proof) if deliverable(path) else None
            library_chart = label.endswith("Helm chart") and _match_line(client, path, r"^type:\s*library")
            if line is not None and not library_chart:
                facts.append(Fact("service", label, Location(path, line)))
    for hit in source_scan(client, context).of("server-start"):
        facts.append(Fact("service", f"starts a server (`{hit.text}`)", Location(hit.path, hit.line)))
    return facts


def _entry_point(client: RepoClient, fact: Fact) -> bool:
    """A server started from a program's entry point (a root file, Go `package main`, a Python
    `__main__` guard) runs when the program runs; one inside a library's package is only a helper."""
    path = fact.location.path if fact.location else ""
    if "/" not in path:
        return True
    return (_match_line(client, path, r"^package main\b") is not None
            or _match_line(client, path, r"^if __name__ == ['\"]__main__['\"]") is not None)


