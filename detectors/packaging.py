"""Packaging: is the code delivered as a package or image, how many artifacts the repository produces,
and whether the application keeps its configuration apart from the code."""

from __future__ import annotations

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.model import Evidence, Fact, Finding, Location, Outcome
from devops_scan_detectors.artifact_groups import components
from devops_scan_detectors.common import not_the_projects_own
from devops_scan_detectors.config_separation import config_facts
from devops_scan_detectors.dependency_manifests import manifests
from devops_scan_detectors.package_definitions import DEV_IMAGE, Definition, package_definitions
from devops_scan_detectors.service_kind import NOT_SERVICE, SERVICE, service_kind
from devops_scan_detectors.source_scan import application_sources, source_scan


class PackagingDetector(Detector):
    id = "packaging"
    title = "Packages, images and configuration kept apart from code"
    practices = ("deploy.packaged", "scm.single-artifact", "deploy.config-separated")
    description = (
        "`deploy.packaged` passes with a package or image definition read by content: pyproject.toml with "
        "a project or build backend, setup.py calling setup(), setup.cfg with a name, a package.json that is "
        "not private, a Maven pom (not `pom` packaging), a Gradle build applying java/application/library "
        "plugins, Cargo.toml `[package]`, a gemspec, composer.json, a packable .NET project, mix.exs "
        "`package:`, a Go library module (published by tags) or a Go command with goreleaser or a Dockerfile, "
        "a Dockerfile/Containerfile with FROM (templates such as `Dockerfile.j2` and dev variants do not "
        "count), an application Helm chart, debian/control, an RPM spec, snapcraft, Flatpak, conda or "
        "PKGBUILD recipes. A private package.json is an application, packaged only by something else. "
        "Examples, samples, tests, vendored code and the devcontainer are not deliverables; not applicable "
        "without application code. `scm.single-artifact` counts deployable components: one per folder "
        "holding a package, with its Dockerfile (in the folder, or above it through docker/, deploy/... "
        "folders) and distribution formats (charts, .deb, goreleaser) attached; Dockerfiles in other folders "
        "are artifacts of their own. It passes with one, fails listing several, and is not applicable with "
        "none. `deploy.config-separated` (the application side) passes with a sample environment file "
        "(`.env.example`...), per-environment configuration files (`config/production.*`, "
        "`appsettings.Production.json`, `application-prod.yml`...), a twelve-factor configuration library "
        "(python-decouple, django-environ, pydantic-settings, dotenv, envalid, viper, envconfig...) or code "
        "reading the environment (not for a library, which reads it for its own reasons); without evidence "
        "a service fails, a library or tool is not applicable and an unclassified repository is unknown. "
        "Inventory `artifacts`: `[{kind, path, name}]`."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        definitions = package_definitions(client, context)
        facts: list[Fact] = [Fact("definition", d.kind + (f" `{d.name}`" if d.name else ""), Location(d.path, d.line),
                                  {"kind": d.kind, "app_only": d.app_only}) for d in definitions]
        facts.extend(_go_command_facts(client, definitions))
        # Private applications count as artifacts here (they are deployed), not as packages.
        for component in components(definitions):
            main = component.definitions[0]
            facts.append(Fact("component", component.describe(), Location(main.path, main.line),
                              {"parts": [d.path for d in component.definitions]}))
        kind = service_kind(client, context)
        facts.append(Fact("service-kind", kind.reason, None, {"verdict": kind.verdict}))
        if not application_sources(client):
            facts.append(Fact("no-code", "no application source code", None))
        paths = [p for p in client.files if not not_the_projects_own(p)]
        scan = source_scan(client, context)
        # A library reads the environment for its own reasons (proxies, debug flags): only an
        # application's reads say that its configuration lives outside the code.
        found = config_facts(paths, manifests(client, context), scan)
        if kind.verdict == NOT_SERVICE:
            found = [fact for fact in found if not fact.detail.startswith("reads the environment")]
        facts.extend(found)
        if not scan.complete:
            facts.append(Fact("source-partial",
                              f"{scan.files_read} of {scan.candidates} application source files read"))
        inventory = {"artifacts": sorted(({"kind": d.kind, "path": d.path, "name": d.name} for d in definitions),
                                         key=lambda a: (a["path"], a["kind"]))}
        return Evidence(self.id, tuple(facts), inventory)

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [_packaged(evidence), _single_artifact(evidence), _config_separated(evidence)]


def _go_command_facts(client: RepoClient, definitions: tuple[Definition, ...]) -> list[Fact]:
    """Go modules that build a command (`main.go`, `cmd/*/main.go`): a module alone does not package those."""
    facts = []
    for module in (d for d in definitions if d.kind == "Go module"):
        prefix = f"{module.folder}/" if module.folder else ""
        mains = [p for p in (f"{prefix}main.go",) if p in client.files] + client.files.glob(f"{prefix}cmd/*/main.go")
        if mains:
            facts.append(Fact("go-command", f"Go module builds command(s): {', '.join(mains[:3])}",
                              Location(mains[0]), {"module": module.path}))
    return facts


def _packaged(evidence: Evidence) -> Finding:
    definitions = [f for f in evidence.of_kind("definition") if not f.data["app_only"]]
    commands = {f.data["module"] for f in evidence.of_kind("go-command")}
    # A Go module that builds a command is packaged only by goreleaser, an image or a system package.
    real = [f for f in definitions if not (f.data["kind"] == "Go module" and f.location.path in commands)
            and f.data["kind"] != DEV_IMAGE]
    if real:
        kinds = list(dict.fromkeys(f"{f.detail} ({f.location.path})" for f in real))
        return Finding("deploy.packaged", Outcome.PASS, "packaged as " + ", ".join(kinds[:4])
                       + (f" and {len(kinds) - 4} more" if len(kinds) > 4 else ""), tuple(real[:5]))
    if evidence.of_kind("no-code") and not definitions:
        return Finding("deploy.packaged", Outcome.NOT_APPLICABLE, "no application source code to package")
    apps = [f for f in evidence.of_kind("definition") if f.data["app_only"]]
    go_commands = evidence.of_kind("go-command")
    if go_commands:
        return Finding("deploy.packaged", Outcome.FAIL, f"{go_commands[0].detail}, but no goreleaser, Dockerfile or "
                       "system package builds a release of them", go_commands[:2],
                       remediation="Add `.goreleaser.yaml` (archives, checksums, optionally images) or a Dockerfile.")
    if apps:
        return Finding("deploy.packaged", Outcome.FAIL, f"{apps[0].location.path} is private (an application) and no "
                       "Dockerfile or other package definition delivers it", apps[:2])
    return Finding("deploy.packaged", Outcome.FAIL, "no package or image definition: the code would be deployed "
                   "from a source checkout")


def _single_artifact(evidence: Evidence) -> Finding:
    found = evidence.of_kind("component")
    if len(found) == 1:
        parts = found[0].data["parts"]
        extra = f", together with {', '.join(parts[1:4])}" if len(parts) > 1 else ""
        return Finding("scm.single-artifact", Outcome.PASS, f"one deployable artifact: {found[0].detail}{extra}", found)
    if found:
        names = "; ".join(f.detail for f in found[:6]) + (f"; and {len(found) - 6} more" if len(found) > 6 else "")
        return Finding("scm.single-artifact", Outcome.FAIL, f"{len(found)} deployable artifacts: {names}", found[:8])
    return Finding("scm.single-artifact", Outcome.NOT_APPLICABLE, "the repository defines no package, image or chart")


def _config_separated(evidence: Evidence) -> Finding:
    found = evidence.of_kind("config")
    if found:
        shown = list(dict.fromkeys(f"{f.location.path}: {f.detail}" for f in found))
        return Finding("deploy.config-separated", Outcome.PASS, "; ".join(shown[:3])
                       + (f" (+{len(shown) - 3} more)" if len(shown) > 3 else ""), found[:5])
    [kind] = evidence.of_kind("service-kind")
    what = "sample environment file, per-environment configuration, configuration library or environment read"
    if kind.data["verdict"] == NOT_SERVICE:
        return Finding("deploy.config-separated", Outcome.NOT_APPLICABLE,
                       f"nothing deployed to configure: {kind.detail}")
    partial = evidence.of_kind("source-partial")
    if partial:
        return Finding("deploy.config-separated", Outcome.UNKNOWN, f"no {what} found in files, manifests or the "
                       f"{partial[0].detail}; the remaining source was not read")
    if kind.data["verdict"] == SERVICE:
        return Finding("deploy.config-separated", Outcome.FAIL, f"no {what} found, yet the repository {kind.detail}")
    return Finding("deploy.config-separated", Outcome.UNKNOWN, f"no {what} found, and {kind.detail}")

