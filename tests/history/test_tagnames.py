"""Tag-name classification: the release shapes seen in the wild, the non-release ones, ordering and bumps,
and properties (hypothesis): any string is classified without raising, and the fields agree with each other."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_scan.history.tagnames import TagName, bump_kind, classify_tag, version_key


@pytest.mark.parametrize(
    ("name", "family", "version", "scheme", "prerelease"),
    [
        ("v1.2.3", "", "1.2.3", "semver", False),
        ("1.2.3", "", "1.2.3", "semver", False),
        ("V1.2.3", "", "1.2.3", "semver", False),
        ("v1.2.3-rc.1", "", "1.2.3-rc.1", "semver", True),
        ("1.0.0-beta.2", "", "1.0.0-beta.2", "semver", True),
        ("v1.2.3+build.5", "", "1.2.3+build.5", "semver", False),  # build metadata is not a pre-release
        ("1.0rc1", "", "1.0rc1", "other", True),  # PEP 440
        ("2.0.0a3", "", "2.0.0a3", "other", True),
        ("2.0b1", "", "2.0b1", "other", True),
        ("1.0.dev0", "", "1.0.dev0", "other", True),
        ("1.0.0-SNAPSHOT", "", "1.0.0-SNAPSHOT", "semver", True),
        ("5.0.0-M1", "", "5.0.0-M1", "semver", True),
        ("2.1.0-Preview.3", "", "2.1.0-Preview.3", "semver", True),
        ("3.0.0-next.4", "", "3.0.0-next.4", "semver", True),
        ("v0.9", "", "0.9", "other", False),
        ("1.2.3.4", "", "1.2.3.4", "other", False),
        ("5.3.0.RELEASE", "", "5.3.0.RELEASE", "other", False),
        ("1.2.3-1", "", "1.2.3-1", "semver", False),  # a packaging revision, not a pre-release word
        ("1.2.3-macos-m1", "", "1.2.3-macos-m1", "semver", False),  # a lone letter counts only first
        ("2024.05.01", "", "2024.05.01", "calver", False),
        ("2024.5.1", "", "2024.5.1", "calver", False),
        ("2023.1", "", "2023.1", "calver", False),
        ("24.04", "", "24.04", "calver", False),
        ("22.04.1", "", "22.04.1", "calver", False),
        ("20240501", "", "20240501", "calver", False),
        ("2024-05-01", "", "2024-05-01", "calver", False),
        ("20.11.1", "", "20.11.1", "semver", False),  # Node-style: valid SemVer wins over YY.MM
        ("node-20.11.1", "node", "20.11.1", "semver", False),
        ("20.10.0-rc.1", "", "20.10.0-rc.1", "semver", True),
        ("16.1", "", "16.1", "other", False),  # a one-digit month is not Ubuntu-style YY.MM
        ("release-1.4.0", "release", "1.4.0", "semver", False),
        ("chart-name-1.2.3", "chart-name", "1.2.3", "semver", False),
        ("helm-chart-1.2.3", "helm-chart", "1.2.3", "semver", False),
        ("@scope/pkg@1.2.3", "@scope/pkg", "1.2.3", "semver", False),
        ("pkg@1.2.3", "pkg", "1.2.3", "semver", False),
        ("pkg/v1.2.3", "pkg", "1.2.3", "semver", False),
        ("sub/dir/v0.3.0", "sub/dir", "0.3.0", "semver", False),
        ("api-v2.0.1", "api", "2.0.1", "semver", False),
        ("jenkins-2.401", "jenkins", "2.401", "other", False),
        ("rel/1.2", "rel", "1.2", "other", False),
        ("release-2024-05-01", "release", "2024-05-01", "calver", False),
        ("go1.21.0", "go", "1.21.0", "semver", False),
        ("python3-lib-1.2.3", "python3-lib", "1.2.3", "semver", False),  # digits inside a family
        ("foo-2-bar-1.2.3", "foo-2-bar", "1.2.3", "semver", False),
        ("x86_64-1.2", "x86_64", "1.2", "other", False),
        ("foo_1_2_3", "foo", "1_2_3", "other", False),
        ("REL_16_1", "REL", "16_1", "other", False),
        ("REL9_6_1", "REL", "9_6_1", "other", False),
        ("curl-8_5_0", "curl", "8_5_0", "other", False),
        ("v2.15.0-cve-2021-44228", "", "2.15.0-cve-2021-44228", "semver", False),  # a patched release
        ("nightly-2024-05-01", "nightly", "2024-05-01", "calver", True),  # the family says nightly
        ("next@13.0.0", "next", "13.0.0", "semver", False),  # a package named next is not a pre-release
    ],
)
def test_releases(name, family, version, scheme, prerelease):
    tag = classify_tag(name)
    assert (tag.family, tag.version, tag.scheme, tag.prerelease) == (family, version, scheme, prerelease)
    assert tag.release and tag.non_release_reason is None and tag.name == name


@pytest.mark.parametrize(
    ("name", "reason", "family"),
    [
        ("2.3.x", "branch marker (2.3.x)", ""),
        ("v1.x", "branch marker (v1.x)", ""),
        ("release-2.3.x", "branch marker (release-2.3.x)", "release"),
        ("v4", "moving major-version tag (v4)", ""),
        ("v12", "moving major-version tag (v12)", ""),
        ("api-v2", "moving major-version tag (api-v2)", "api"),
        ("latest", "moving tag (latest)", ""),
        ("Stable", "moving tag (Stable)", ""),
        ("nightly", "moving tag (nightly)", ""),
        ("CVE-2021-44228", "security advisory id (CVE-2021-44228)", ""),
        ("GHSA-jfh8-c2jp-5v3q", "security advisory id (GHSA-jfh8-c2jp-5v3q)", ""),
        ("fix-RUSTSEC-2023-0044", "security advisory id (RUSTSEC-2023-0044)", ""),
        ("phase-1", "no version number (phase-1)", ""),
        ("sprint-12", "no version number (sprint-12)", ""),
        ("build-1234", "no version number (build-1234)", ""),
        ("42", "no version number (42)", ""),
        ("v2-beta", "no version number (v2-beta)", ""),
        ("2024-13-01", "no version number (2024-13-01)", ""),  # no such month
        ("deploy", "no version number (deploy)", ""),
        ("---", "no version number (---)", ""),
        ("", "empty tag name", ""),
        ("  ", "empty tag name", ""),
        ("1" * 300, "too long to be a version tag (300 characters)", ""),
    ],
)
def test_non_releases_say_why(name, reason, family):
    tag = classify_tag(name)
    assert (tag.release, tag.non_release_reason, tag.family) == (False, reason, family)
    assert (tag.version, tag.scheme, tag.prerelease) == (None, None, False)


def test_surrounding_whitespace_is_ignored_but_the_name_is_kept():
    tag = classify_tag("v1.2.3\n")
    assert (tag.name, tag.version, tag.scheme) == ("v1.2.3\n", "1.2.3", "semver")


@pytest.mark.parametrize(
    "ordered",
    [
        ["1.2.9", "1.2.10", "1.10.0", "2.0.0"],
        ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"],
        ["1.0.dev0", "1.0a1", "1.0b2", "1.0rc1", "1.0", "1.0.post1"],
        ["v1.2.3", "1.2.3-1", "1.2.4"],  # a final qualifier sorts after the bare final
        ["2023.12.31", "2024-01-02", "20240103", "2024.1.4"],  # dates compare across spellings
        ["REL_9_6_1", "REL_16_1", "REL_16_2"],
    ],
)
def test_version_key_orders_numerically_and_pre_releases_first(ordered):
    tags = [classify_tag(name) for name in reversed(ordered)]
    assert [tag.name for tag in sorted(tags, key=version_key)] == ordered


def test_version_key_groups_by_family_and_puts_non_releases_first():
    names = ["pkg-b@2.0.0", "v4", "1.2.3", "latest", "pkg-a@1.0.0", "0.9.0", "pkg-a@0.10.0"]
    ordered = [tag.name for tag in sorted(map(classify_tag, names), key=version_key)]
    assert ordered == ["latest", "v4", "0.9.0", "1.2.3", "pkg-a@0.10.0", "pkg-a@1.0.0", "pkg-b@2.0.0"]


@pytest.mark.parametrize(
    ("previous", "current", "kind"),
    [
        ("1.2.3", "2.0.0", "major"),
        ("1.2.3", "1.3.0", "minor"),
        ("1.2.3", "1.2.4", "patch"),
        ("v1.2.3", "1.2.4", "patch"),  # the v is spelling, not a family
        ("1.2.3.4", "1.2.3.5", "patch"),
        ("1.2", "1.2.1", "patch"),  # missing parts count as zero
        ("1.2", "1.3", "minor"),
        ("0.9", "1.0.0", "major"),  # "other" and SemVer are both plain numbers
        ("1.0.0-rc.1", "1.0.0", "prerelease"),
        ("1.0.0", "1.1.0-beta.1", "prerelease"),
        ("1.0rc1", "1.0rc2", "prerelease"),
        ("2.0.0a3", "2.0.0", "prerelease"),
        ("2024.05.1", "2024.05.2", "patch"),  # same date, bigger counter
        ("2024.05.01", "2024.06.01", "minor"),
        ("2023.12.01", "2024.01.01", "major"),
        ("24.04", "24.10", "minor"),
        ("pkg/v1.2.3", "pkg/v1.3.0", "minor"),
        ("curl-8_5_0", "curl-8_6_0", "minor"),
        ("1.2.4", "1.2.3", "other"),  # went down
        ("1.2.3", "v1.2.3", "other"),  # did not move
        ("1.2.3", "1.2.3-1", "other"),  # only a final qualifier changed
        ("1.2.3", "2024.05.01", "other"),  # CalVer against numbers
        ("pkg-a@1.0.0", "pkg-b@2.0.0", "other"),  # another family
        ("v4", "v5", "other"),  # not releases
        ("1.2.3", "latest", "other"),
    ],
)
def test_bump_kind(previous, current, kind):
    assert bump_kind(classify_tag(previous), classify_tag(current)) == kind


def test_version_key_and_bump_kind_tolerate_hand_built_tags():
    odd = TagName("x", "", "not a version", "semver", False, True, None)
    assert version_key(odd)[1] == 0  # unreadable: sorted with the non-releases
    assert bump_kind(odd, classify_tag("1.0.0")) == "other"


_VERSIONS = st.builds(
    lambda parts, sep, qualifier, v: ("v" if v else "") + sep.join(map(str, parts)) + qualifier,
    st.lists(st.integers(0, 3000), min_size=1, max_size=5),
    st.sampled_from([".", "_", "-"]),
    st.sampled_from(["", "-rc.1", "rc1", "a2", "-beta", ".dev0", "+build.5", "-1", ".x", "-SNAPSHOT", "~x"]),
    st.booleans(),
)
# Always a release: two or more numbers, dotted with any qualifier, or underscored bare.
_RELEASE_VERSIONS = st.one_of(
    st.builds(lambda parts, qualifier, v: ("v" if v else "") + ".".join(map(str, parts)) + qualifier,
              st.lists(st.integers(0, 3000), min_size=2, max_size=5),
              st.sampled_from(["", "-rc.1", "rc1", "a2", "-beta", ".dev0", "+build.5", "-1", "-SNAPSHOT", "~x"]),
              st.booleans()),
    st.builds(lambda parts: "_".join(map(str, parts)), st.lists(st.integers(0, 3000), min_size=2, max_size=4)),
)
_NAMES = st.one_of(
    st.text(max_size=80),
    st.text(alphabet="v0123456789.-_/@+xXrcab", max_size=40),
    st.builds(lambda family, sep, version: family + sep + version,
              st.text(max_size=20), st.sampled_from(["", "-", "/", "@", "_"]), _VERSIONS),
)


@settings(max_examples=400, deadline=None)
@given(_NAMES)
def test_any_name_is_classified_consistently(name):
    tag = classify_tag(name)
    assert tag.release == (tag.non_release_reason is None)
    assert (tag.scheme is None) == (not tag.release) == (tag.version is None)
    assert tag.scheme in (None, "semver", "calver", "other")
    assert not (tag.prerelease and not tag.release)
    if tag.release:
        assert tag.version in name and tag.family in name


@settings(max_examples=300, deadline=None)
@given(_RELEASE_VERSIONS)
def test_a_family_prefix_changes_only_the_family(version):
    # Also checks the plain "v1.2.3" shortcut against the general reading that a family forces.
    bare = classify_tag(version)
    assert (bare.family, bare.release) == ("", True)
    prefixed = classify_tag("pkg/" + version)
    assert (prefixed.family, prefixed.release) == ("pkg", True)
    assert (prefixed.version, prefixed.scheme, prefixed.prerelease) == (bare.version, bare.scheme, bare.prerelease)


@settings(max_examples=200, deadline=None)
@given(st.lists(_NAMES, max_size=12))
def test_keys_of_any_tags_compare_and_going_down_is_never_a_bump(names):
    ordered = sorted((classify_tag(name) for name in names), key=version_key)  # no TypeError between kinds
    for previous, current in itertools.pairwise(ordered):
        assert bump_kind(previous, current) in ("major", "minor", "patch", "prerelease", "other")
        assert bump_kind(current, previous) == "other"
