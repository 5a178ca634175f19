"""Releases and tags: `gh release create`, semantic-release, goreleaser, changesets, version bumpers,
`git tag` / `git push --tags`. A dry run (`semantic-release --dry-run`) does nothing the practices
care about; `git push heroku` is a deployment.
"""

from __future__ import annotations

import re
from typing import Mapping

from devops_scan_detectors.activity import BUILD, DEPLOY, PUBLISH, PUSH_IMAGE, RELEASE, SIGN, TAG
from devops_scan_detectors.command_rules import Handler, Result, always, has, kinds, operands, subcommands, unless_dry

_VERSION_REF = re.compile(r"(^|/)v?\d+\.\d+|refs/tags/|\$\{?\w*(TAG|VERSION)\w*\}?", re.IGNORECASE)


def _git(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "-C -c --git-dir --work-tree")
    if not found:
        return []
    head, rest = found[0], args[args.index(found[0]) + 1:]
    if head == "tag":
        if has(rest, "-l", "--list", "-d", "--delete", "-v", "--verify", "--contains", "--points-at", "-n"):
            return []
        names = operands(rest, "-m --message -F --file -u --local-user --cleanup")
        if not names:
            return []
        signed = has(rest, "-s", "--sign", "-u", "--local-user")
        return kinds("git", TAG) + (kinds("git", SIGN) if signed else [])
    if head == "push":
        targets = operands(rest, "-o --push-option --repo --receive-pack")
        remote = targets[0] if targets else ""
        if remote.startswith(("heroku", "dokku")) or "heroku.com" in remote:
            return kinds("heroku" if "heroku" in remote else "dokku", DEPLOY)
        if has(rest, "--tags", "--follow-tags") or any(_VERSION_REF.search(ref) for ref in targets[1:]):
            return kinds("git", TAG)
    return []


def _semantic_release(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    if has(args, "--dry-run", "-d", "--noop"):
        return []
    found = operands(args, "--branches -b --extends -e --plugins -p --repository-url -r --tag-format -t -c --config")
    if found[:1] in (["version"], []):  # npm semantic-release, or python-semantic-release `version`
        return kinds("semantic-release", RELEASE, TAG)
    if found[:1] == ["publish"]:
        return kinds("semantic-release", RELEASE)
    return []


def _goreleaser(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "-f --config --parallelism -p --timeout")
    command = found[0] if found else "release"
    if command == "build" or command == "release" and has(args, "--snapshot", "--skip-publish"):
        return kinds("goreleaser", BUILD)
    return kinds("goreleaser", RELEASE, BUILD) if command == "release" else []


def _bump(tool: str, tags: bool) -> Handler:
    def handle(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
        if has(args, "--dry-run", "-n", "--only-patch") or operands(args)[:1] in (["show"], ["show-bump"],
                                                                                   ["sample-config"]):
            return []
        tagged = tags and not has(args, "--no-tag") or has(args, "--tag")
        return kinds(tool, RELEASE) + (kinds(tool, TAG) if tagged else [])

    return handle


def _gh(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "-R --repo --title -t --notes -n --notes-file -F --target")
    if found[:2] in (["release", "create"], ["release", "upload"]):
        return kinds("gh", RELEASE)
    return []


HANDLERS: dict[str, Handler] = {
    "earthly": lambda a, e: kinds("earthly", BUILD) + (kinds("earthly", PUSH_IMAGE) if has(a, "--push") else []),
    "git": _git, "gh": _gh, "hub": lambda a, e: kinds("hub", RELEASE) if operands(a)[:2] == [
        "release", "create"] else [],
    "ghr": always("ghr", RELEASE), "semantic-release": _semantic_release,
    "release-please": lambda a, e: [] if operands(a)[:1] == ["bootstrap"] or has(a, "--dry-run") else kinds(
        "release-please", RELEASE, TAG),
    "goreleaser": _goreleaser, "changeset": subcommands("changesets", {
        "publish": (PUBLISH, TAG), "version": (RELEASE,), "tag": (TAG,)}),
    "changesets": subcommands("changesets", {"publish": (PUBLISH, TAG), "version": (RELEASE,), "tag": (TAG,)}),
    "cz": subcommands("commitizen", {"bump": _bump("commitizen", tags=True)}),
    "commitizen": subcommands("commitizen", {"bump": _bump("commitizen", tags=True)}),
    "bump2version": _bump("bumpversion", tags=False), "bumpversion": _bump("bumpversion", tags=False),
    "bump-my-version": subcommands("bump-my-version", {"bump": _bump("bump-my-version", tags=False)}),
    "tbump": _bump("tbump", tags=True), "standard-version": _bump("standard-version", tags=True),
    "commit-and-tag-version": _bump("commit-and-tag-version", tags=True), "versionize": _bump("versionize", True),
    "release-it": lambda a, e: [] if has(a, "--dry-run", "-d", "--release-version", "--changelog") else kinds(
        "release-it", RELEASE, TAG),
    "lerna": subcommands("lerna", {"publish": unless_dry("lerna", PUBLISH, TAG, RELEASE),
                                   "version": unless_dry("lerna", TAG, RELEASE)}),
    "np": unless_dry("np", PUBLISH, TAG, RELEASE, dry=("--preview",)),
    "auto": subcommands("auto", {"shipit": (RELEASE, TAG, PUBLISH)}),
}
