"""`scm.automated-tagging` from the repository's files: CI jobs that create tags or releases, and
release tools configured to create them.

Who really created the existing tags is read from the tags by another detector; the engine keeps any
pass, so this one claims only what the files show.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import replace
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Evidence, Fact, Finding, Location, Outcome
from devops_scan.yamlsafe import YamlProblem
from devops_scan_detectors import activity as a
from devops_scan_detectors.ci_base import EVIDENCE_LIMIT, CIDetector, decide, tools
from devops_scan_detectors.ci_views import JobView
from devops_scan_detectors.common import not_the_projects_own
from devops_scan_detectors.config_readers import dig, json_line, parse_ini, read_text, toml_file, toml_line

PRACTICE = "scm.automated-tagging"
DOING = "creates tags or releases"
TOOL, INERT, UNREADABLE = "release-tool", "release-tool-inert", "release-config-unreadable"
# semantic-release publishes nothing outside CI unless told `--no-ci`, and release-please works through
# the hosting platform's API as an action or app: configured, they tag from CI. Every other tool here
# runs just as well from a developer's laptop.
CI_BY_DESIGN = frozenset({"semantic-release", "release-please"})

# (tool, line, why it creates no tag or release: "" when it does)
Hit = tuple[str, int, str]
Check = Callable[[Any, str], Iterable[Hit]]  # (parsed file, its text) → what it configures


class Spec(NamedTuple):
    pattern: str
    format: str  # json, toml, yaml, ini, or code (a script we do not run: its presence is the fact)
    check: Check
    sibling: str = ""  # a file that must sit in the same folder (cargo-release's release.toml: Cargo.toml)


def _whole(tool: str, why_not: str = "") -> Check:
    """The file exists only to configure `tool`."""
    return lambda data, text: [(tool, 1, why_not)]


def _commitizen(settings: Any, line: int) -> Hit:
    # `cz bump` (which tags) refuses to run without a current version; without one the configuration
    # serves `cz commit` and `cz check`, commit-message tooling.
    bumps = isinstance(settings, dict) and ("version" in settings or "version_provider" in settings)
    return "commitizen", line, "" if bumps else "configured for commit messages only (no `version` to bump)"


def _cz(*keys: str) -> Check:
    return lambda data, text: [_commitizen(dig(data, *keys), 1)]


def _bumpversion(tool: str, tag: Any, line: int) -> Hit:
    on = tag is True or str(tag).strip().lower() in ("true", "1", "yes", "on")  # TOML booleans, INI words
    return tool, line, "" if on else "bumps versions without tagging (`tag = true` is not set)"


def _cargo_release(settings: Any, line: int) -> Hit:
    return "cargo-release", line, "tagging turned off (`tag = false`)" if dig(settings, "tag") is False else ""


def _pyproject(data: Any, text: str) -> Iterator[Hit]:
    if isinstance(dig(data, "tool", "semantic_release"), dict):
        yield "python-semantic-release", toml_line(text, "tool.semantic_release") or 1, ""
    if isinstance(dig(data, "tool", "commitizen"), dict):
        yield _commitizen(dig(data, "tool", "commitizen"), toml_line(text, "tool.commitizen") or 1)
    if isinstance(dig(data, "tool", "bumpversion"), dict):
        yield _bumpversion("bump-my-version", dig(data, "tool", "bumpversion", "tag"),
                           toml_line(text, "tool.bumpversion") or 1)
    if isinstance(dig(data, "tool", "tbump"), dict):
        yield "tbump", toml_line(text, "tool.tbump") or 1, ""


def _ini_bumpversion(data: Any, text: str) -> Iterator[Hit]:
    section = data.section("bumpversion")
    if section is not None:
        tag = section.get("tag")
        yield _bumpversion("bumpversion", tag.value if tag else None, tag.line if tag else section.line)


def _cargo(data: Any, text: str) -> Iterator[Hit]:
    for table in ("package", "workspace"):
        settings = dig(data, table, "metadata", "release")
        if isinstance(settings, dict):
            yield _cargo_release(settings, toml_line(text, f"{table}.metadata.release") or 1)


def _package_json(data: Any, text: str) -> Iterator[Hit]:
    if isinstance(dig(data, "release"), dict):
        yield "semantic-release", json_line(text, "release", object_last=True) or 1, ""
        return
    for field in ("devDependencies", "dependencies"):
        # semantic-release runs on its defaults without any configuration: the dependency is the sign.
        if isinstance(dig(data, field), dict) and "semantic-release" in data[field]:
            yield "semantic-release", json_line(text, field, "semantic-release") or 1, ""
            return


def _lerna(data: Any, text: str) -> Iterator[Hit]:
    if isinstance(data, dict) and "version" in data:
        off = any(dig(data, "command", command, "gitTagVersion") is False for command in ("version", "publish"))
        yield "lerna", json_line(text, "version") or 1, "tagging turned off (`gitTagVersion: false`)" if off else ""


def _goreleaser(data: Any, text: str) -> Iterator[Hit]:
    yield "goreleaser", 1, "releases turned off (`release: disable: true`)" if dig(
        data, "release", "disable") is True else ""


def _nbgv(data: Any, text: str) -> Iterator[Hit]:
    if isinstance(data, dict) and "publicReleaseRefSpec" in data:
        yield "nbgv", json_line(text, "publicReleaseRefSpec") or 1, \
            "computes versions from history; its tags come from `nbgv tag`, run by hand"


SEMANTIC = _whole("semantic-release")
SPECS: tuple[Spec, ...] = (
    Spec("**/.releaserc", "yaml", SEMANTIC), Spec("**/.releaserc.json", "json", SEMANTIC),
    *(Spec(f"**/.releaserc.{ext}", "yaml", SEMANTIC) for ext in ("yaml", "yml")),
    *(Spec(f"**/{stem}.{ext}", "code", SEMANTIC) for stem in (".releaserc", "release.config")
      for ext in ("js", "cjs", "mjs")),
    Spec("**/package.json", "json", _package_json),
    Spec("**/pyproject.toml", "toml", _pyproject),
    Spec("**/release-please-config.json", "json", _whole("release-please")),
    Spec("**/.release-please-manifest.json", "json", _whole("release-please")),
    Spec("**/.changeset/config.json", "json", _whole("changesets")),
    *(Spec(f"**/{name}", "yaml", _goreleaser) for name in (".goreleaser.yml", ".goreleaser.yaml",
                                                            "goreleaser.yml", "goreleaser.yaml")),
    Spec("**/.cz.toml", "toml", _cz("tool", "commitizen")), Spec("**/cz.toml", "toml", _cz("tool", "commitizen")),
    Spec("**/.cz.json", "json", _cz("commitizen")), Spec("**/.cz.yaml", "yaml", _cz("commitizen")),
    Spec("**/.bumpversion.cfg", "ini", _ini_bumpversion), Spec("**/setup.cfg", "ini", _ini_bumpversion),
    Spec("**/.bumpversion.toml", "toml", _pyproject),
    Spec("**/tbump.toml", "toml", _whole("tbump")),
    Spec("**/release.toml", "toml", lambda data, text: [_cargo_release(data, 1)], sibling="Cargo.toml"),
    Spec("**/Cargo.toml", "toml", _cargo),
    Spec("**/lerna.json", "json", _lerna),
    *(Spec(name, "yaml", _whole("chart-releaser")) for name in ("cr.yaml", ".github/cr.yaml")),
    *(Spec(f"**/jreleaser.{ext}", fmt, _whole("jreleaser"))
      for ext, fmt in (("yml", "yaml"), ("yaml", "yaml"), ("toml", "toml"), ("json", "json"))),
    *(Spec(f".github/release-drafter.{ext}", "yaml", _whole(
        "release-drafter", "drafts releases that a person publishes (unless a CI step sets `publish: true`)"))
      for ext in ("yml", "yaml")),
    *(Spec(f"**/GitVersion.{ext}", "yaml", _whole("gitversion", "computes versions from tags; creates none"))
      for ext in ("yml", "yaml")),
    Spec("**/version.json", "json", _nbgv),
)


class ReleaseAutomationDetector(CIDetector):
    id = "release-automation"
    title = "Tags and releases created by CI or a release tool"
    practices = (PRACTICE,)
    description = (
        "Decides from files; the tags themselves are read elsewhere. Passes when a runnable CI job creates "
        "tags or releases (`git tag` or `git push --tags`, `gh release create`, semantic-release, "
        "release-please, goreleaser, changesets, chart-releaser, `cz bump`, tbump... as a command or an "
        "action; the evidence is the job's line), or when a release tool that creates them is configured: "
        "semantic-release (`.releaserc*`, `release.config.*`, a `release` key or a dependency in package.json), "
        "python-semantic-release, release-please, changesets, goreleaser, JReleaser, chart-releaser "
        "(`cr.yaml`), lerna, and the bumpers that tag: commitizen with a version to bump, bumpversion or "
        "bump-my-version with `tag = true`, tbump, cargo-release (`release.toml` beside a Cargo.toml or "
        "`metadata.release` in Cargo.toml) unless `tag = false`. semantic-release and release-please run from "
        "CI by design; the other tools run from a laptop as well, so the reason says they automate the tag "
        "but only a CI job running them makes it the pipeline's. release-drafter (drafts only), GitVersion "
        "and Nerdbank.GitVersioning (they compute versions) are named but do not pass. Vendored and test-data "
        "folders are skipped; a configuration file that does not parse is a warning and makes the verdict "
        "unknown rather than failed. Otherwise it fails like the other CI practices, or is unknown when jobs "
        "run steps defined outside the repository. Inventory `release_tools`: `[{tool, path, line}]`, sorted."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        evidence = super().collect(client, context)
        return replace(evidence, warnings=evidence.warnings + tuple(
            f"{fact.location}: {fact.detail}" for fact in evidence.of_kind(UNREADABLE)))

    def extra_facts(self, client: RepoClient, context: ScanContext, views: tuple[JobView, ...]) -> Iterable[Fact]:
        for spec in SPECS:
            for path in client.files.glob(spec.pattern):
                sibling = posixpath.join(posixpath.dirname(path), spec.sibling)
                if not not_the_projects_own(path) and (not spec.sibling or sibling in client.files):
                    yield from _read(client, context, spec, path)

    def inventory(self, facts: tuple[Fact, ...]) -> dict:
        found = sorted({(f.location.path, f.location.line or 0, f.data["tool"]) for f in facts
                        if f.kind == TOOL and f.location})
        return {"release_tools": [{"tool": tool, "path": path, "line": line} for path, line, tool in found]}

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [_automated_tagging(evidence)]


def _read(client: RepoClient, context: ScanContext, spec: Spec, path: str) -> Iterator[Fact]:
    text = read_text(client, path)
    if text is None:
        return  # the client reports unreadable files itself
    data, problem, line = _parse(client, context, spec.format, path, text)
    if problem:
        yield Fact(UNREADABLE, f"{problem}; the release tools it may configure are not read", Location(path, line))
        return
    # The checks read through `dig` and type tests, so a valid file of an unexpected shape configures nothing.
    for tool, line, why_not in spec.check(data, text):
        if why_not:
            yield Fact(INERT, f"{tool}: {why_not}", Location(path, line), {"tool": tool})
        else:
            yield Fact(TOOL, f"{tool} configured to create tags or releases", Location(path, line),
                       {"tool": tool, "by": "ci" if tool in CI_BY_DESIGN else "hand"})


def _parse(client: RepoClient, context: ScanContext, fmt: str, path: str, text: str) -> tuple[Any, str, int | None]:
    """(parsed data, "", None), or (None, why it could not be parsed, its line when known)."""
    if fmt == "json":
        try:  # the standard parser itself: its errors carry the line, and a `null` file is valid JSON
            return json.loads(text), "", None
        except json.JSONDecodeError as error:
            return None, f"not valid JSON ({error.msg})", error.lineno
        except (ValueError, RecursionError):
            return None, "not valid JSON", None
    if fmt == "toml":  # shared with the other readers of pyproject.toml; a document is never None
        data = toml_file(client, context, path)
        return data, "" if data is not None else "not valid TOML", None
    if fmt == "yaml":
        try:
            return context.yaml(client, path).first, "", None
        except YamlProblem as error:
            return None, f"not valid YAML ({error.message})", error.line
        except UnreadableFile as error:
            return None, f"unreadable ({error.reason})", None
    return (parse_ini(text) if fmt == "ini" else None), "", None


def _automated_tagging(evidence: Evidence) -> Finding:
    finding = decide(evidence, PRACTICE, (a.TAG, a.RELEASE), DOING)
    if finding.outcome is Outcome.PASS:
        return finding
    configured = list(evidence.of_kind(TOOL))
    if configured:
        by_ci = [fact for fact in configured if fact.data["by"] == "ci"]
        if by_ci:
            reason = f"{tools(by_ci)} configured: built to create tags and releases from CI"
        else:
            reason = (f"{tools(configured)} configured to create tags or releases; the tool automates the tag, "
                      f"but it is run by CI only if a CI job runs it, and no CI job read here does")
        return Finding(PRACTICE, Outcome.PASS, reason, tuple((by_ci or configured)[:EVIDENCE_LIMIT]))
    unreadable, inert = evidence.of_kind(UNREADABLE), evidence.of_kind(INERT)
    reason = finding.reason + "; no release tool is configured to create them"
    if inert:
        reason += " (" + "; ".join(dict.fromkeys(fact.detail for fact in inert)) + ")"
    if unreadable and finding.outcome is Outcome.FAIL:
        return Finding(PRACTICE, Outcome.UNKNOWN, f"{reason}, but {len(unreadable)} configuration file(s) "
                       "that may configure one could not be parsed", unreadable[:EVIDENCE_LIMIT])
    return replace(finding, reason=reason, evidence=(finding.evidence + inert)[:EVIDENCE_LIMIT])
