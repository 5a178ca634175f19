"""Targets typed by a user, and clones' origin URLs, as GitHub / GitLab repositories."""

from __future__ import annotations

import pytest

from devops_scan.errors import BadTargetError
from devops_scan.platform.targets import RemoteTarget, parse_target, remote_of_clone

GITHUB = ("github", "github.com", "https://api.github.com")
GITLAB = ("gitlab", "gitlab.com", "https://gitlab.com")


def _expected(kind: tuple[str, str, str], path: str, base: str | None = None) -> RemoteTarget:
    platform, host, api_url = kind
    web_url = f"{base or 'https://' + host}/{path}"
    return RemoteTarget(platform, host, path, api_url, web_url, web_url + ".git")


@pytest.mark.parametrize(("text", "kind", "path"), [
    ("github:octo/hello", GITHUB, "octo/hello"),
    ("GitHub:octo/hello.git", GITHUB, "octo/hello"),
    ("  github:octo/hello\n", GITHUB, "octo/hello"),
    ("gitlab:group/project", GITLAB, "group/project"),
    ("gitlab:group/sub/deeper/project", GITLAB, "group/sub/deeper/project"),
    ("https://github.com/octo/hello", GITHUB, "octo/hello"),
    ("https://github.com/octo/hello.git", GITHUB, "octo/hello"),
    ("https://github.com/octo/hello/", GITHUB, "octo/hello"),
    ("https://github.com/octo/hello/tree/main/src", GITHUB, "octo/hello"),
    ("https://github.com/octo/hello/pulls?q=is%3Aopen#top", GITHUB, "octo/hello"),
    ("https://www.github.com/octo/my_repo.js", GITHUB, "octo/my_repo.js"),
    ("http://github.com/octo/hello", GITHUB, "octo/hello"),
    ("https://gitlab.com/group/sub/project", GITLAB, "group/sub/project"),
    ("https://gitlab.com/group/sub/project.git", GITLAB, "group/sub/project"),
    ("https://gitlab.com/group/sub/project/-/tree/main/docs", GITLAB, "group/sub/project"),
    ("https://gitlab.com/group/project/-/merge_requests/7", GITLAB, "group/project"),
    ("git@github.com:octo/hello.git", GITHUB, "octo/hello"),
    ("git@github.com:octo/hello", GITHUB, "octo/hello"),
    ("github.com:octo/hello.git", GITHUB, "octo/hello"),
    ("git@gitlab.com:group/sub/project.git", GITLAB, "group/sub/project"),
    ("ssh://git@github.com/octo/hello.git", GITHUB, "octo/hello"),
    ("ssh://git@ssh.github.com:443/octo/hello.git", GITHUB, "octo/hello"),
    ("git+ssh://git@gitlab.com/group/project.git", GITLAB, "group/project"),
])
def test_accepted_forms(text, kind, path):
    assert parse_target(text) == _expected(kind, path)


@pytest.mark.parametrize("github_url", [
    "https://ghe.example.com", "https://ghe.example.com/", "https://GHE.example.com/api/v3", " https://ghe.example.com/api/v3/ ",
])
@pytest.mark.parametrize("text", [
    "https://ghe.example.com/octo/hello/tree/main", "git@ghe.example.com:octo/hello.git",
    "ssh://git@ghe.example.com:2222/octo/hello.git", "github:octo/hello",
])
def test_github_enterprise_needs_github_url(text, github_url):
    expected = RemoteTarget("github", "ghe.example.com", "octo/hello", "https://ghe.example.com/api/v3",
                            "https://ghe.example.com/octo/hello", "https://ghe.example.com/octo/hello.git")
    assert parse_target(text, github_url=github_url) == expected


def test_github_enterprise_keeps_a_port_and_github_com_still_works_beside_it():
    target = parse_target("https://ghe.example.com:8443/octo/hello", github_url="https://ghe.example.com:8443")
    assert target is not None
    assert (target.host, target.api_url) == ("ghe.example.com:8443", "https://ghe.example.com:8443/api/v3")
    assert parse_target("https://github.com/octo/hello", github_url="https://ghe.example.com") == \
        _expected(GITHUB, "octo/hello")


@pytest.mark.parametrize("github_url", ["https://github.com", "https://api.github.com"])
def test_github_url_naming_github_com_is_github_com(github_url):
    assert parse_target("github:octo/hello", github_url=github_url) == _expected(GITHUB, "octo/hello")


@pytest.mark.parametrize("text", [
    "https://gitlab.example.com/group/sub/project/-/blob/main/README.md",
    "git@gitlab.example.com:group/sub/project.git",
    "gitlab:group/sub/project",
])
def test_gitlab_self_managed_needs_gitlab_url(text):
    target = parse_target(text, gitlab_url="https://gitlab.example.com/api/v4")
    kind = ("gitlab", "gitlab.example.com", "https://gitlab.example.com")
    assert target == _expected(kind, "group/sub/project")


def test_gitlab_under_a_relative_root():
    gitlab_url = "https://example.com/gitlab"
    kind = ("gitlab", "example.com", "https://example.com/gitlab")
    for text in ("https://example.com/gitlab/group/project/-/tree/main", "git@example.com:group/project.git"):
        assert parse_target(text, gitlab_url=gitlab_url) == _expected(kind, "group/project", "https://example.com/gitlab")


def test_both_self_managed_hosts_at_once():
    urls = {"github_url": "https://ghe.example.com", "gitlab_url": "https://gitlab.example.com"}
    assert parse_target("https://ghe.example.com/o/r", **urls).platform == "github"
    assert parse_target("https://gitlab.example.com/g/p", **urls).platform == "gitlab"


@pytest.mark.parametrize("text", [
    "", ".", "./repo", "../repo", "/srv/git/repo", "repo", "C:\\work\\repo", "C:/work/repo", "notes.txt:12",
    "build/github:octo/hello",
])
def test_local_paths_are_not_targets(text):
    assert parse_target(text) is None


@pytest.mark.parametrize(("text", "fragment"), [
    ("github:onlyowner", "exactly two parts (expected github:OWNER/REPO)"),
    ("github:a/b/c", "exactly two parts (expected github:OWNER/REPO)"),
    ("github:", "exactly two parts"),
    ("github:/repo", "empty part in the path"),
    ("github:owner/", "empty part in the path"),
    ("github:owner//repo", "empty part in the path"),
    ("gitlab:project", "at least two parts (expected gitlab:GROUP/[SUBGROUP/]PROJECT)"),
    ("gitlab:group//project", "empty part in the path"),
    ("github:octo/hello world", "'hello world' has characters a repository name cannot have"),
    ("github:octo/hel\nlo", "'hel?lo' has characters"),
    ("github:../hello", "'..' is not a name"),
    ("gitlab:group/../project", "'..' is not a name"),
    ("github:octo/.git", "empty part in the path"),
    ("https://github.com/octo", "exactly two parts (expected https://github.com/OWNER/REPO)"),
    ("https://github.com/", "exactly two parts"),
    ("https://gitlab.com/group/-/tree/main", "at least two parts"),
    ("https://github.com/octo/he%20llo", "has characters a repository name cannot have"),
    ("https://github.com:port/octo/hello", "not a valid URL"),
    ("https:///octo/hello", "no host in https:///octo/hello"),
    ("file:///srv/git/repo", "give the local path of the repository, not a file:// URL"),
    ("ftp://github.com/octo/hello", "unsupported URL scheme ftp://"),
    ("git@github.com:octo/a/b.git", "exactly two parts (expected git@github.com:OWNER/REPO)"),
])
def test_bad_forms_are_one_line_errors(text, fragment):
    with pytest.raises(BadTargetError) as raised:
        parse_target(text)
    message = str(raised.value)
    assert fragment in message
    assert "\n" not in message


@pytest.mark.parametrize("text", [
    "https://example.com/octo/hello", "git@example.com:octo/hello.git", "ssh://git@example.com/octo/hello.git",
])
def test_unknown_host_says_which_option_to_pass(text):
    with pytest.raises(BadTargetError, match=r"^unknown host example\.com in .*: pass --github-url "
                                             r"https://example\.com \(GitHub Enterprise Server\) or "
                                             r"--gitlab-url https://example\.com \(GitLab self-managed\)$"):
        parse_target(text)


def test_unknown_host_with_the_other_platform_configured_is_still_unknown():
    with pytest.raises(BadTargetError, match="unknown host example.com"):
        parse_target("https://example.com/o/r", github_url="https://ghe.example.com")


@pytest.mark.parametrize(("option", "value"), [("github_url", "ghe.example.com"), ("gitlab_url", "ssh://gitlab.example.com")])
def test_url_options_must_be_web_addresses(option, value):
    with pytest.raises(BadTargetError, match=f"--{option.replace('_', '-')} must be the instance's web address"):
        parse_target("github:o/r", **{option: value})


def test_credentials_in_a_url_are_dropped_and_never_echoed():
    target = parse_target("https://x-access-token:s3cr3t@github.com/octo/hello.git")
    assert target == _expected(GITHUB, "octo/hello")
    for text in ("https://user:s3cr3t@github.com/octo", "https://s3cr3t@example.com/octo/hello",
                 "https://user:p@ss@s3cr3t@github.com/octo"):
        with pytest.raises(BadTargetError) as raised:
            parse_target(text)
        assert "s3cr3t" not in str(raised.value)
        assert "p@ss" not in str(raised.value)


@pytest.mark.parametrize(("origin", "expected"), [
    ("https://github.com/octo/hello.git", _expected(GITHUB, "octo/hello")),
    ("https://x-access-token:ghs_s3cr3t@github.com/octo/hello.git", _expected(GITHUB, "octo/hello")),
    ("https://oauth2:glpat-s3cr3t@gitlab.com/group/sub/project.git", _expected(GITLAB, "group/sub/project")),
    ("git@github.com:octo/hello.git", _expected(GITHUB, "octo/hello")),
    ("github.com:octo/hello.git", _expected(GITHUB, "octo/hello")),
    ("ssh://git@gitlab.com:22/group/project.git", _expected(GITLAB, "group/project")),
    ("git://github.com/octo/hello.git", _expected(GITHUB, "octo/hello")),
])
def test_remote_of_clone_reads_origin(origin, expected):
    target = remote_of_clone(origin)
    assert target == expected
    assert "s3cr3t" not in repr(target)


def test_remote_of_clone_on_self_managed_hosts():
    target = remote_of_clone("git@ghe.example.com:octo/hello.git", github_url="https://ghe.example.com")
    assert target is not None and target.api_url == "https://ghe.example.com/api/v3"
    target = remote_of_clone("https://ci:tok@gitlab.example.com/g/p.git", gitlab_url="https://gitlab.example.com")
    assert target is not None and target.web_url == "https://gitlab.example.com/g/p"


@pytest.mark.parametrize("origin", [
    "https://bitbucket.org/octo/hello.git", "git@bitbucket.org:octo/hello.git", "/srv/git/hello.git",
    "../hello", "file:///srv/git/hello.git", "", "https://github.com/octo", "not a url", "C:\\repos\\hello",
])
def test_remote_of_clone_is_none_when_not_a_known_platform(origin):
    assert remote_of_clone(origin) is None
