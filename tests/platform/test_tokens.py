"""Tokens: where they are read (and in which order), errors about token files, and redaction —
with a property test that no secret survives `redact` whatever text it is buried in."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_scan.errors import ScanError
from devops_scan.platform.tokens import Token, redact, token_for

SECRET = "ghp_0123456789abcdefABCDEF0123456789abcd"


def test_token_repr_and_str_never_show_the_value():
    token = Token(SECRET, "GITHUB_TOKEN")
    assert repr(token) == str(token) == "Token(from GITHUB_TOKEN)"
    assert SECRET not in repr([token]) and SECRET not in f"{token}" and SECRET not in repr({"t": token})


@pytest.mark.parametrize(("env", "expected"), [
    ({"GITHUB_TOKEN": "a-token-1", "GH_TOKEN": "b-token-2"}, ("a-token-1", "GITHUB_TOKEN")),
    ({"GH_TOKEN": "b-token-2"}, ("b-token-2", "GH_TOKEN")),
    ({"GITHUB_TOKEN": "  ", "GH_TOKEN": "b-token-2"}, ("b-token-2", "GH_TOKEN")),   # blank is unset
    ({"GITLAB_TOKEN": "glpat-x"}, None),                                            # another platform's
    ({}, None),
])
def test_github_token_precedence(env, expected):
    token = token_for("github", env)
    assert (token and (token.value, token.source)) == expected
    assert token is None or token.kind == "personal"


def test_gitlab_personal_token_wins_over_the_job_token():
    token = token_for("gitlab", {"GITLAB_TOKEN": "glpat-abc123", "CI_JOB_TOKEN": "job-1234"})
    assert (token.value, token.source, token.kind) == ("glpat-abc123", "GITLAB_TOKEN", "personal")


def test_gitlab_job_token_is_marked_as_such():
    token = token_for("gitlab", {"CI_JOB_TOKEN": "job-1234", "GITHUB_TOKEN": "nope-1234"})
    assert (token.value, token.source, token.kind) == ("job-1234", "CI_JOB_TOKEN", "job")


def test_unknown_platform_is_a_programming_error():
    with pytest.raises(ValueError):
        token_for("bitbucket", {})


def test_token_file_first_line_wins_over_the_environment(tmp_path):
    path = tmp_path / "token"
    path.write_text("  file-token-123  \nsecond line\n", encoding="utf-8")
    token = token_for("github", {"GITHUB_TOKEN": "env-token-1"}, token_file=str(path))
    assert (token.value, token.source, token.kind) == ("file-token-123", f"--token-file {path}", "personal")


def test_missing_token_file_is_one_line_naming_the_file(tmp_path):
    path = tmp_path / "absent"
    with pytest.raises(ScanError) as caught:
        token_for("github", {}, token_file=str(path))
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("content", [b"", b"\n\nlater-token-1\n", b"   \n"])
def test_empty_token_file_is_an_error(tmp_path, content):
    path = tmp_path / "token"
    path.write_bytes(content)
    with pytest.raises(ScanError, match="is empty") as caught:
        token_for("gitlab", {"GITLAB_TOKEN": "env-token-1"}, token_file=str(path))
    assert "later-token-1" not in str(caught.value) and "\n" not in str(caught.value)


def test_token_file_that_is_not_text_names_the_file_not_the_content(tmp_path):
    path = tmp_path / "token"
    path.write_bytes(b"\xff\xfesecret-bytes-1")
    with pytest.raises(ScanError) as caught:
        token_for("github", {}, token_file=str(path))
    assert str(path) in str(caught.value) and "secret-bytes" not in str(caught.value)


def test_token_file_that_is_a_directory(tmp_path):
    with pytest.raises(ScanError, match="cannot read token file"):
        token_for("github", {}, token_file=str(tmp_path))


@pytest.mark.parametrize(("text", "expected"), [
    ("Authorization: token abc123", "Authorization: token ***"),
    ("{'Authorization': 'Bearer eyJ0eXAi.x', 'Accept': 'json'}", "{'Authorization': 'Bearer ***', 'Accept': 'json'}"),
    ("authorization=basic dXNlcjpwYXNz", "authorization=basic ***"),
    ("PRIVATE-TOKEN: glpat-abc", "PRIVATE-TOKEN: ***"),
    ("{'JOB-TOKEN': 'abc'}", "{'JOB-TOKEN': '***'}"),
    ("clone https://user:s3cret@gitlab.example.com/g/p.git", "clone https://***@gitlab.example.com/g/p.git"),
    ("https://oauth2:tok@host/x and http://a@b/", "https://***@host/x and http://***@b/"),
    ("GET /api/v4/projects?private_token=abc&page=2", "GET /api/v4/projects?private_token=***&page=2"),
    ("sent Bearer abcdef123456 upstream", "sent Bearer *** upstream"),
    (f"leaked {SECRET}!", "leaked ***!"),
    # prose and our own messages survive
    ("cannot read token file /tmp/t1: No such file", "cannot read token file /tmp/t1: No such file"),
    ("Token(from GITHUB_TOKEN) used, https://github.com/o/r", "Token(from GITHUB_TOKEN) used, https://github.com/o/r"),
])
def test_redact_credential_shapes_without_a_secret_list(text, expected):
    assert redact(text, ()) == expected


def test_redact_masks_every_listed_secret_but_ignores_short_ones():
    assert redact("a-b abcd xabcdx abc", ["abcd", "abc", ""]) == "a-b *** x***x abc"


def test_redact_masks_the_longest_secret_whole():
    assert redact("key=abcd1234", ["abcd", "abcd1234"]) == "key=***"


def test_redact_does_not_let_masking_rebuild_a_secret():
    # "a" + "***" left after masking "a***" once would read "a***" again.
    assert "a***" not in redact("aa***", ["a***"])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(prefix=st.text(), secret=st.text(min_size=4), suffix=st.text(), others=st.lists(st.text(), max_size=3))
def test_no_secret_survives_redaction(prefix, secret, suffix, others):
    text = prefix + secret + suffix + secret
    redacted = redact(text, [*others, secret])
    assert secret not in redacted
    for other in others:
        assert len(other) < 4 or other not in redacted
