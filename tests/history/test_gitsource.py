"""Parsing what git writes, including what only an old or hand-made commit holds."""

from __future__ import annotations

from devops_scan.history.gitsource import parse_raw_commit

SHA, PARENT = "a" * 40, "b" * 40


def _raw(author: bytes, extra: bytes = b"", message: bytes = b"    Fix it (#4)\n    \n    Body line\n") -> bytes:
    return (b"commit " + SHA.encode() + b"\ntree " + b"c" * 40 + b"\nparent " + PARENT.encode() + b"\nauthor " + author
            + b"\ncommitter GitHub <noreply@github.com> 1700000100 +0000\n" + extra + b"\n" + message)


def test_a_raw_record_becomes_a_commit_record():
    record = parse_raw_commit(_raw(b"Ada Lovelace <Ada@Example.com> 1700000000 +0200"))
    assert (record.sha, record.parents, record.author_name, record.author_email) == \
        (SHA, (PARENT,), "Ada Lovelace", "ada@example.com")
    assert (record.author_time, record.committer_email, record.committer_time) == \
        (1700000000, "noreply@github.com", 1700000100)
    assert (record.message, record.signed) == ("Fix it (#4)\n\nBody line\n", False)


def test_a_signature_header_marks_the_commit_signed():
    extra = b"gpgsig -----BEGIN SSH SIGNATURE-----\n U1NIU0lH\n -----END SSH SIGNATURE-----\n"
    assert parse_raw_commit(_raw(b"Ada <ada@example.com> 1700000000 +0000", extra)).signed


def test_a_malformed_date_or_identity_is_read_not_raised():
    record = parse_raw_commit(_raw(b"no address at all"))
    assert (record.author_time, record.author_email) == (0, "")
    assert parse_raw_commit(_raw(b"Old <old@example.com> 1100000000 +05")).author_time == 1100000000
