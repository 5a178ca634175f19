"""What a commit message says: merged through a pull/merge request, an issue reference, a revert,
a Conventional Commits subject; and whether an identity is a bot.

Each pattern follows what the platform or tool writes itself (GitHub's "Merge pull request #1 from",
GitLab's "See merge request group/project!1", bors' "Merge #1"...), so a match is evidence to show.
"""

from __future__ import annotations

import re

# Messages written when a pull/merge request is merged, or trailers left by a review system.
_REVIEWED = re.compile(
    r"^Merge pull request #\d+ from "                      # GitHub merge commit
    r"|^See merge request [\w./-]*!\d+"                     # GitLab merge commit body
    r"|^Merged in \S+ \(pull request #\d+\)"               # Bitbucket
    r"|^Merged PR \d+:"                                    # Azure DevOps
    r"|^Merge #\d+|^Auto merge of #\d+"                    # bors-ng, homu
    r"|^(Reviewed-on|Reviewed-by|Approved-by|PR-URL|Differential Revision|Pull-Request):[ \t]*\S.*$",
    re.MULTILINE)
# A squash merge keeps the request's number at the end of the subject: "Fix the parser (#123)".
_SQUASH_SUBJECT = re.compile(r"\((#|!)\d+\)\s*$")

_CONVENTIONAL = re.compile(r"^(feat|fix|docs|style|refactor|perf|test|tests|build|ci|chore|revert|deps|release|"
                           r"security)(\([^()\n]*\))?!?: \S", re.IGNORECASE)
_REVERT_OF = re.compile(r"This reverts commit ([0-9a-f]{7,40})")

# Issue references: #123 (not in a URL fragment or an HTML entity), a tracker key ABC-123, an
# issue URL, GitLab's group/project#123 and !123.
_ISSUE_REF = re.compile(
    r"(?<![\w/&#])#\d+\b"
    r"|\b(?!(?:UTF|ISO|SHA|RFC|CVE|GHSA|PEP|TLS|SSL|MD|HTTP|ES|X|IPV|CP|KB|WIN|P)-)[A-Z][A-Z0-9]{1,9}-\d+\b"
    r"|/(?:-/)?issues/\d+|/browse/[A-Z][A-Z0-9]+-\d+"
    r"|(?<![\w./:-])[\w.-]+/[\w.-]+[#!]\d+\b"
    r"|(?<![\w/])!\d+\b")

_BOT = re.compile(r"\[bot\]|(^|[-_.])bot($|[-_.@])|dependabot|renovate|greenkeeper|snyk|pre-commit-ci|"
                  r"github-actions|semantic-release|release-please|mergify|allcontributors|weblate",
                  re.IGNORECASE)
# GitHub commits made in its web UI (squash and rebase merges, web edits) carry this committer.
GITHUB_WEB_COMMITTER = "noreply@github.com"


def review_marker(message: str) -> str | None:
    """The text showing the change was merged through a reviewed request, or None."""
    subject = message.split("\n", 1)[0]
    squash = _SQUASH_SUBJECT.search(subject)
    if squash:
        return squash.group(0).strip()
    found = _REVIEWED.search(message)
    return found.group(0).strip() if found else None


def issue_reference(message: str, own_marker: str | None = None) -> str | None:
    """The first issue reference, not counting the request's own number (`own_marker`)."""
    if own_marker:
        message = message.replace(own_marker, " ")
    found = _ISSUE_REF.search(message)
    return found.group(0) if found else None


def is_conventional(message: str) -> bool:
    return _CONVENTIONAL.match(message) is not None


def reverted_commit(message: str) -> str | None:
    """The sha a `git revert` message names ("This reverts commit <sha>."), or None."""
    found = _REVERT_OF.search(message)
    return found.group(1) if found else None


_REVERT_SUBJECTS = ("Revert \"", "revert:", "Revert:", "revert(")


def is_revert(message: str) -> bool:
    return message.startswith(_REVERT_SUBJECTS) or "This reverts commit" in message


def is_bot(name: str, email: str) -> bool:
    """An automation account: GitHub's `[bot]` apps, dependency updaters, release tools, CI users."""
    return bool(_BOT.search(name) or _BOT.search(email.split("@", 1)[0]))
