"""Git tag names read for release analytics: is a tag a release, of which component, in which scheme.

Delivery metrics (release frequency, time between releases, how often a major version ships) count
releases, but a repository's tags also hold moving pointers (``v4``, ``latest``), maintenance-branch
markers (``2.3.x``), advisory ids and ad-hoc labels. Only the name is read, so this works offline and
fast on every tag of a large repository.

A name is read as ``<family><separator><version>``:

* The version starts at the leftmost position that begins the name, follows a separator (``- _ / @ .``)
  or follows a letter (``go1.21.0``), optionally after one ``v``/``V``, and from which the rest reads as
  a version. The family is what precedes it, without trailing separators: ``helm-chart-1.2.3`` ->
  ``helm-chart``, ``@scope/pkg@1.2.3`` -> ``@scope/pkg``, ``sub/dir/v0.3.0`` -> ``sub/dir`` (Go modules).
* A version is two or more numbers joined by dots (``1.2``, ``1.2.3.4``) or underscores (``REL_16_1``,
  ``curl-8_5_0``), or a date (``2024-05-01``, ``20240501``); then an optional qualifier: letters glued
  to the number (``1.0rc1``) and words led by ``-``, ``.``, ``+`` or ``~`` (``-rc.1``, ``.dev0``, ``+build.5``).
* A single number is not a version: ``v4`` and ``api-v2`` are moving major-version tags (the GitHub
  Actions convention); ``phase-1``, ``build-1234`` and ``42`` have no version number.
* Not releases either: branch markers (``2.3.x``, ``v1.x``); advisory ids (CVE, GHSA, RUSTSEC, PYSEC)
  unless a version reads first, so ``v2.15.0-cve-2021-44228`` stays a release; moving names (``latest``,
  ``stable``); names without digits; names over 255 characters.

Schemes, the first that fits wins:

* ``calver``: a date; a first part 1990-2100 followed by a month 1-12 (``2024.5.1``); or ``YY.MM``
  (Ubuntu) with a two-digit year 15-99 and a two-digit month 01-12. A third part is allowed only when the
  month is zero-padded (``22.04.1``): ``20.11.1`` is valid SemVer, and SemVer wins the tie.
* ``semver``: exactly ``MAJOR.MINOR.PATCH`` without leading zeros, optional ``-pre`` and ``+build``.
* ``other``: any other version (``1.2``, ``1.2.3.4``, PEP 440 ``2.0b1``, ``8_5_0``).

A release is a pre-release when its qualifier (before any ``+build``) holds a pre-release word (alpha/a,
beta/b, rc/c/cr, pre, preview, dev, snapshot, nightly, canary, next, ea, m/milestone) or the family ends in
an unambiguous one (``nightly-2024-05-01``, not ``next@13.0.0``); a single letter counts only first. Other
qualifiers (``-1``, ``.post1``, ``.RELEASE``) mark a final release, sorted after the bare version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

_MAX_LENGTH = 255  # also keeps int() far below CPython's 4300-digit conversion limit
_SEPARATORS = "-_/@."
_MOVING = frozenset({"latest", "stable", "nightly", "edge", "current", "canary", "lts", "head", "next"})
# Rank within a pre-release: PEP 440 orders dev < a < b < rc; snapshots and nightlies are dev-like.
_PRE_WORDS = {
    "dev": 0, "snapshot": 0, "nightly": 0, "canary": 0, "next": 0,
    "alpha": 1, "a": 1, "ea": 1, "m": 2, "milestone": 2, "beta": 3, "b": 3,
    "pre": 4, "preview": 4, "prerelease": 4, "rc": 5, "c": 5, "cr": 5,
}
# Only unambiguous words count in a family: "a", "dev" or "next" are also package names ("next@13.0.0").
_FAMILY_PRE_WORDS = frozenset({"alpha", "beta", "rc", "pre", "preview", "prerelease", "snapshot", "nightly",
                               "canary", "milestone"})
_UNKNOWN_WORD_RANK = 6

# Where a version may start: name start or after a separator (with an optional v), or after a letter.
_START = re.compile(r"(?:(?<![^-_/@.])[vV]?|(?<=[^\W\d_]))(?=[0-9])")
# Each qualifier word begins with a separator that words cannot contain, so it never backtracks.
_QUALIFIER = r"(?:[A-Za-z][A-Za-z0-9]*)?(?:[-.+~][A-Za-z0-9_]+)*"
# One pass over a version body, alternatives tried in order: a dashed date, underscored numbers, dotted
# numbers followed by a branch marker or a qualifier. The lookahead-and-backreference makes the dotted core
# atomic (no possessive quantifiers before Python 3.11): "1.2.3" never re-splits as "1.2" + ".3".
_VERSION = re.compile(
    r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})" + _QUALIFIER
    + r"|(?P<underscored>[0-9]+(?:_[0-9]+)+)(?:_[A-Za-z][A-Za-z0-9]*)?"
    + r"|(?=(?P<dotted>[0-9]+(?:\.[0-9]+)*))(?P=dotted)(?:(?P<branch>(?:\.[xX*])+)|" + _QUALIFIER + ")"
)
_SEMVER = re.compile(
    r"(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
)
# Most tags in the wild are a plain "v1.2.3": answered by one match, without the candidate scan.
_PLAIN_SEMVER = re.compile(r"[vV]?((0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*))")
_ADVISORY = re.compile(
    r"(?<![A-Za-z0-9])(?:CVE-[0-9]{4}-[0-9]{4,}|GHSA(?:-[0-9a-z]{4}){1,3}|(?:RUSTSEC|PYSEC)-[0-9]{4}-[0-9]+)",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[a-z]+")
_TOKENS = re.compile(r"[A-Za-z]+|[0-9]+")


@dataclass(frozen=True)
class TagName:
    """One tag name, classified. ``version`` and ``scheme`` are None exactly when it is not a release.

    A non-release has a family only when it is a branch marker or a major-version pointer of a component.
    """

    name: str
    family: str
    version: str | None
    scheme: str | None
    prerelease: bool
    release: bool
    non_release_reason: str | None


class _Parsed(NamedTuple):  # a tuple: built once per candidate, so cheaper than a dataclass
    kind: str  # "version", "date", "branch" or "single"
    texts: tuple[str, ...] = ()  # the numeric parts as written
    qualifier: str = ""
    underscored: bool = False


def classify_tag(name: str) -> TagName:
    """Classify one tag name (without ``refs/tags/``). Never raises."""
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        return _not_release(name, "empty tag name")
    if len(text) > _MAX_LENGTH:
        return _not_release(name, f"too long to be a version tag ({len(text)} characters)")
    plain = _PLAIN_SEMVER.fullmatch(text)
    if plain and not (1990 <= int(plain.group(2)) <= 2100 and 1 <= int(plain.group(3)) <= 12):  # not 2024.5.1
        return TagName(name, "", plain.group(1), "semver", False, True, None)
    found = _find_version(text)
    kind = found[1].kind if found else ""
    if found and kind in ("version", "date"):
        family, parsed, body, _ = found
        pre = _is_prerelease(parsed.qualifier) or (family != "" and _last_word(family) in _FAMILY_PRE_WORDS)
        return TagName(name, family, body, _scheme(parsed, body), pre, True, None)
    advisory = _ADVISORY.search(text)
    if advisory:
        return _not_release(name, f"security advisory id ({advisory.group()})")
    if text.lower() in _MOVING:
        return _not_release(name, f"moving tag ({text})")
    # Branch markers and major pointers keep their family: "release-2.3.x" and "api-v2" belong to a component.
    if found and kind == "branch":
        return _not_release(name, f"branch marker ({text})", found[0])
    if found and kind == "single" and found[3]:
        # A v before a lone number ("v4") is the GitHub Actions convention for a moving major-version pointer.
        return _not_release(name, f"moving major-version tag ({text})", found[0])
    return _not_release(name, f"no version number ({text})")


def version_key(tag: TagName) -> tuple:
    """Sort key: by family, non-releases first, then versions numerically; a pre-release before its final.

    Every key has the same shape, so tags of any kind sort together without a TypeError.
    """
    parsed = _parse(tag.version) if tag.release and tag.version else None
    if parsed is None or parsed.kind not in ("version", "date"):
        return (tag.family, 0, (), 0, (), tag.name)
    numbers, phase, words = _precedence(parsed, tag.prerelease)
    return (tag.family, 1, numbers, phase, words, tag.name)


def bump_kind(previous: TagName, current: TagName) -> str:
    """How ``current`` moved on from ``previous``: major, minor, patch, prerelease or other.

    "other" when they are not comparable: a non-release, another family, CalVer against a numbered
    scheme (SemVer and "other" are both plain numbers, so ``2.0.0a3`` -> ``2.0.0`` compares), or a
    version that did not go up. The first numeric part that grew decides: 0 major, 1 minor, later patch.
    """
    if not (previous.release and current.release) or previous.family != current.family:
        return "other"
    if (previous.scheme == "calver") != (current.scheme == "calver"):
        return "other"
    before, after = version_key(previous)[2:5], version_key(current)[2:5]
    if not before[0] or not after[0] or after <= before:
        return "other"
    if previous.prerelease or current.prerelease:
        return "prerelease"
    width = max(len(before[0]), len(after[0]))
    padded = zip(before[0] + (0,) * (width - len(before[0])), after[0] + (0,) * (width - len(after[0])))
    for index, (old, new) in enumerate(padded):
        if old != new:
            return ("major", "minor")[index] if index < 2 else "patch"
    return "other"  # same numbers, only a final qualifier changed (1.2.3 -> 1.2.3-1)


def _not_release(name: str, reason: str, family: str = "") -> TagName:
    return TagName(name, family, None, None, False, False, reason)


def _find_version(text: str) -> tuple[str, _Parsed, str, str] | None:
    """The leftmost (family, parse, body, v) whose body reads as a version, branch marker or single number."""
    for start in _START.finditer(text):
        family = text[:start.start()].rstrip(_SEPARATORS)
        # A family of only digits and separators means the version was cut in two ("1.2_3" -> "1", "2_3").
        if family and not family.strip("0123456789" + _SEPARATORS):
            continue
        body = text[start.end():]
        parsed = _parse(body)
        if parsed is not None:
            return family, parsed, body, start.group()
    return None


def _parse(body: str) -> _Parsed | None:
    """Read ``body`` (starting with a digit, no leading v) as a version; None when it is not one."""
    match = _VERSION.fullmatch(body) if len(body) <= _MAX_LENGTH else None
    if match is None:
        return None
    year, month, day, underscored, dotted, branch = match.groups()
    if year is not None:
        # A dashed shape that is no real date ("2024-13-01") reads as nothing else either.
        return _Parsed("date", (year, month, day), body[10:]) if _is_date(year, month, day) else None
    if underscored is not None:
        return _Parsed("version", tuple(underscored.split("_")), body[len(underscored):], True)
    if branch is not None:
        return _Parsed("branch")
    rest = body[len(dotted):]
    texts = tuple(dotted.split("."))
    first = texts[0]
    if len(first) == 8 and _is_date(first[:4], first[4:6], first[6:]):
        return _Parsed("date", (first[:4], first[4:6], first[6:]) + texts[1:], rest)
    if len(texts) == 1:
        # A lone number is a counter or a major-version pointer, not a version; with a qualifier it is noise.
        return None if rest else _Parsed("single", texts)
    return _Parsed("version", texts, rest)


def _is_date(year: str, month: str, day: str) -> bool:
    y, m, d = int(year), int(month), int(day)
    return 1990 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31


def _scheme(parsed: _Parsed, body: str) -> str:
    texts = parsed.texts
    first, second = int(texts[0]), int(texts[1])
    if parsed.kind == "date" or (1990 <= first <= 2100 and 1 <= second <= 12):
        return "calver"
    if (len(texts[0]) == 2 and first >= 15 and len(texts[1]) == 2 and 1 <= second <= 12
            and (len(texts) == 2 or (len(texts) == 3 and texts[1][0] == "0"))):
        return "calver"
    return "semver" if _SEMVER.fullmatch(body) else "other"


def _is_prerelease(qualifier: str) -> bool:
    if not qualifier:
        return False
    words = _WORDS.findall(qualifier.split("+", 1)[0].lower())
    # A single letter marks a pre-release only first ("1.0a1", "-M1"), not in "-macos-m1".
    return any(word in _PRE_WORDS and (len(word) > 1 or index == 0) for index, word in enumerate(words))


def _last_word(family: str) -> str:
    words = _WORDS.findall(family.lower())
    return words[-1] if words else ""


def _precedence(parsed: _Parsed, prerelease: bool) -> tuple[tuple[int, ...], int, tuple]:
    """(numbers, phase, qualifier words): phase 0 pre-release, 1 final, 2 final with a qualifier."""
    numbers = tuple(int(text) for text in parsed.texts)
    head = parsed.qualifier.split("+", 1)[0]  # build metadata never changes precedence
    # Numbers sort before words (SemVer); known pre-release words sort by their PEP 440 rank.
    words = tuple((0, int(token), "") if token.isdigit()
                  else (1, _PRE_WORDS.get(token.lower(), _UNKNOWN_WORD_RANK), token.lower())
                  for token in _TOKENS.findall(head))
    phase = 0 if prerelease else (2 if words else 1)
    return numbers, phase, words
