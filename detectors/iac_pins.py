"""Is a dependency reference pinned? Git refs, registry versions and version constraints.

A tag or a commit SHA pins; a branch (`main`, `master`, anything with a `/`) follows whatever is
pushed next, and no ref at all means the default branch.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

_SHA = re.compile(r"^[0-9a-f]{7,40}$")
_VERSIONISH = re.compile(r"^v?\d+(\.\d+)*([-+.][0-9A-Za-z.-]+)?$")
_MOVING = frozenset({"main", "master", "develop", "dev", "trunk", "head", "latest", "stable", "next", "default"})
_REGISTRY = re.compile(r"^([\w.-]+/)?[\w-]+/[\w-]+/[\w-]+(//.*)?$")
_CONSTRAINT = re.compile(r"\d")


def ref_pinned(ref: str | None) -> tuple[bool, str]:
    """(pinned, why) for a git ref as written after `?ref=` (or a `targetRevision`, a `version:`)."""
    if not ref:
        return False, "no ref: follows the default branch"
    value = ref.strip()
    if _SHA.match(value.lower()):
        return True, f"ref {value} (a commit)"
    if _VERSIONISH.match(value):
        return True, f"ref {value} (a version tag)"
    if value.lower() in _MOVING or "/" in value:
        return False, f"ref {value}: a branch, which moves"
    return True, f"ref {value} (a tag name)"


def git_ref(source: str) -> str | None:
    """The `ref` query parameter of a git-style source (`...git//path?ref=v1.2.0`), or None."""
    query = urlsplit(source.split("::", 1)[-1]).query if "?" in source else ""
    refs = parse_qs(query).get("ref")
    return refs[0] if refs else None


def is_local_source(source: str) -> bool:
    return source.startswith(("./", "../", "/")) or source in (".", "..")


def is_git_source(source: str) -> bool:
    lowered = source.lower()
    return lowered.startswith(("git::", "git@", "github.com/", "bitbucket.org/", "gitlab.com/", "ssh://", "hg::")) \
        or ".git" in lowered.split("?", 1)[0]


def terraform_source_pin(source: str, version: str | None) -> tuple[bool | None, str]:
    """(pinned, why) of a module source; pinned None when there is nothing to pin (a local path)."""
    if is_local_source(source):
        return None, "local module"
    if is_git_source(source):
        return ref_pinned(git_ref(source))
    if source.startswith("tfr://"):
        versions = parse_qs(urlsplit(source).query).get("version")
        return (True, f"version {versions[0]}") if versions else (False, "registry source without ?version=")
    if _REGISTRY.match(source):
        if version and _CONSTRAINT.search(version):
            return True, f"version {version}"
        return False, "registry module without `version`: takes the newest release"
    if re.search(r"\.(zip|tar\.gz|tgz|tar)(\?|$)|^(s3|gcs)::", source):
        return True, "an archive at a fixed address"
    return False, "source without a version or ref"


def constraint_pinned(constraint: object) -> tuple[bool, str]:
    """A version constraint (`~> 5.0`, `>= 1.2, < 2.0`, `1.4.2`) pins; an empty or wildcard one does not."""
    if not isinstance(constraint, str) or not _CONSTRAINT.search(constraint):
        return False, "no version constraint"
    if constraint.strip() in ("*", ">=0.0.0", ">= 0.0.0", "x"):
        return False, f"`{constraint}` accepts any version"
    return True, f"version {constraint.strip()}"
