"""What Travis CI does without being told (default scripts, matrix keys) and its `if:` conditions."""

from __future__ import annotations

import re

from devops_scan_detectors.ci_conditions import Narrowing, unquote
from devops_scan_detectors.cimodel import MANUAL, PULL_REQUEST, PUSH, SCHEDULE, TAG

# Keys that name language versions: more than one value expands the build matrix.
VERSION_KEYS = ("python", "node_js", "go", "ruby", "jdk", "php", "rust", "elixir", "otp_release", "scala",
                "dotnet", "mono", "perl", "julia", "r", "dart", "crystal", "haxe", "d", "ghc", "smalltalk",
                "compiler", "xcode_sdk")
# The script Travis runs when `script:` is absent (https://docs.travis-ci.com/user/languages/).
DEFAULT_SCRIPTS = {
    "node_js": "npm test",
    "ruby": "bundle exec rake",
    "rust": "cargo build --verbose\ncargo test --verbose",
    "go": "go test -v ./...",
    "php": "phpunit",
    "elixir": "mix test",
    "crystal": "crystal spec",
    "dart": "pub run test",
    "julia": "julia -e 'using Pkg; Pkg.build(); Pkg.test()'",
    "perl": "make test",
    "haskell": "cabal test",
    "clojure": "lein test",
    "erlang": "rebar compile && rebar skip_deps=true eunit",
}
_TYPES = {"push": PUSH, "pull_request": PULL_REQUEST, "cron": SCHEDULE, "api": MANUAL}
_COMPARISON = re.compile(r"^(branch|type|tag)\s*(==|=|!=|=~|IN|NOT IN|IS)\s*(.*)$", re.IGNORECASE)


def travis_atom(text: str) -> Narrowing | None:
    """One Travis comparison (`branch = main`, `type IN (push, api)`, `tag IS present`); None if unknown."""
    match = _COMPARISON.match(text.strip())
    if match is None:
        return None
    subject, operator, value = match.group(1).lower(), match.group(2).upper(), match.group(3).strip()
    values = tuple(unquote(item) for item in value.strip("()").split(",") if item.strip()) \
        if operator in ("IN", "NOT IN") else (unquote(value),)
    if subject == "branch":
        patterns = tuple(f"/{item}/" for item in values) if operator == "=~" else values
        if operator in ("!=", "NOT IN"):
            return Narrowing(branches_ignore=patterns)
        # Push, pull request (its target), cron and API builds have a branch; a tag build's "branch" is the tag.
        return Narrowing(events=frozenset({PUSH, PULL_REQUEST, SCHEDULE, MANUAL}), branches=patterns)
    if subject == "type":
        events = frozenset(_TYPES[item] for item in values if item in _TYPES)
        if operator in ("!=", "NOT IN"):
            return Narrowing(events=frozenset({PUSH, PULL_REQUEST, TAG, SCHEDULE, MANUAL}) - events)
        return Narrowing(events=events | ({TAG} if PUSH in events else set()))
    if operator == "IS":
        present = values[0].lower() == "present"
        return Narrowing(events=frozenset({TAG})) if present else \
            Narrowing(events=frozenset({PUSH, PULL_REQUEST, SCHEDULE, MANUAL}))
    return Narrowing(events=frozenset({TAG}))  # `tag = v1.0`, `tag =~ ^v`
