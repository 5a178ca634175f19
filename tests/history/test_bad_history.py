"""History that is odd or hostile: shallow, tiny, rewritten, mis-dated, mis-encoded, huge."""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone

from devops_scan.history.analysis import inventory
from tests.testing.history import BASE, History, day


def _signed_tag(history: History, name: str, at: datetime) -> None:
    """An annotated tag carrying a PGP signature block (nothing verifies it: presence is what counts)."""
    stamp = int(at.timestamp())
    body = (f"object {history.head()}\ntype commit\ntag {name}\ntagger Ada Lovelace <ada@example.com> {stamp} +0000\n\n"
            f"release {name}\n-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n-----END PGP SIGNATURE-----\n")
    sha = subprocess.run(["git", "-C", str(history.path), "mktag"], input=body, capture_output=True, text=True,
                         check=True).stdout.strip()
    history.git("update-ref", f"refs/tags/{name}", sha)


def _signed_commit(history: History, message: str, at: datetime) -> str:
    """A commit object with a gpgsig header, written directly (no gpg here)."""
    stamp = int(at.timestamp())
    tree = history.git("rev-parse", "HEAD^{tree}")
    raw = (f"tree {tree}\nparent {history.head()}\nauthor Ada Lovelace <ada@example.com> {stamp} +0000\n"
           f"committer Ada Lovelace <ada@example.com> {stamp} +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n"
           f" iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\n{message}\n")
    sha = subprocess.run(["git", "-C", str(history.path), "hash-object", "-t", "commit", "-w", "--stdin"],
                         input=raw, capture_output=True, text=True, check=True).stdout.strip()
    history.git("update-ref", "refs/heads/main", sha)
    history.git("reset", "--quiet", "--hard", sha)
    return sha


def test_a_single_commit_gives_figures_but_no_metrics(tmp_path, analysed):
    history = History(tmp_path / "one")
    history.commit("initial import", day(0))
    analysis = analysed(history.path)
    assert (analysis.totals.commits, analysis.bus_factor) == (1, 1)
    assert all(metric.value is None for metric in analysis.metrics.values())


def test_tags_on_trees_and_blobs_are_not_releases(tmp_path, analysed):
    history = History(tmp_path / "odd-tags")
    history.commit("initial import", day(0))
    history.git("tag", "tree-1.0.0", "HEAD^{tree}")
    blob = subprocess.run(["git", "-C", str(history.path), "hash-object", "-w", "--stdin"], input="key\n",
                          capture_output=True, text=True, check=True).stdout.strip()
    history.git("tag", "key-2.0.0", blob)
    tags = inventory(analysed(history.path))["tags"]
    assert tags["releases"] == 0
    assert {entry["name"]: entry["reason"] for entry in tags["non_release"]} == {
        "key-2.0.0": "points at a blob, not a commit", "tree-1.0.0": "points at a tree, not a commit"}


def test_non_release_tags_are_told_apart(tmp_path, analysed):
    history = History(tmp_path / "markers")
    history.commit("initial import", day(0))
    for name in ("2.3.x", "v4", "latest", "CVE-2021-44228", "phase-1", "v2.3.0"):
        history.tag(name, day(1))
    tags = inventory(analysed(history.path))["tags"]
    assert tags["releases"] == 1
    assert sorted(entry["name"] for entry in tags["non_release"]) == ["2.3.x", "CVE-2021-44228", "latest",
                                                                      "phase-1", "v4"]


def test_tags_dated_after_as_of_are_left_out(tmp_path, analysed):
    history = History(tmp_path / "future")
    history.commit("initial import", day(0))
    history.tag("v1.0.0", day(1))
    history.tag("v9.0.0", datetime(2031, 1, 1, tzinfo=timezone.utc))
    analysis = analysed(history.path)
    assert analysis.tags.future == ("v9.0.0",)
    assert [release.tag.name for release in analysis.tags.releases] == ["v1.0.0"]


def test_rewritten_history_leaves_old_tags_off_the_default_branch(tmp_path, analysed):
    history = History(tmp_path / "reboot")
    history.commit("old world", day(0))
    history.tag("v1.0.0", day(1))
    history.git("checkout", "--quiet", "--orphan", "fresh")
    history.commit("new world", day(2))
    history.git("branch", "--quiet", "-M", "fresh", "main")
    tags = inventory(analysed(history.path))["tags"]
    assert (tags["on_default_branch"], tags["off_default_branch"]) == (0, 1)


def test_non_utf8_messages_and_names_are_read_with_replacement(tmp_path, analysed):
    history = History(tmp_path / "latin1")
    history.commit("initial import", day(0))
    message = tmp_path / "message.txt"
    message.write_bytes("Caf\xe9 fix (#12)\n".encode("latin-1"))
    stamp = day(1).isoformat()
    subprocess.run(["git", "-C", str(history.path), "-c", "i18n.commitEncoding=latin-1", "commit", "--quiet",
                    "--allow-empty", "-F", str(message)], check=True,
                   env={"GIT_AUTHOR_NAME": "Jos\xe9", "GIT_AUTHOR_EMAIL": "jose@example.com", "GIT_COMMITTER_NAME": "X",
                        "GIT_COMMITTER_EMAIL": "x@example.com", "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
                        "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    analysis = analysed(history.path)
    assert analysis.totals.reviewed == 1 and analysis.totals.changes == 2
    assert {author.email for author in analysis.authors} == {"ada@example.com", "jose@example.com"}


def test_signatures_are_seen_on_tags_and_commits_without_verifying(tmp_path, analysed):
    history = History(tmp_path / "signed")
    history.commit("initial import", day(0))
    _signed_commit(history, "feat: signed work", day(1))
    _signed_tag(history, "v1.0.0", day(2))
    analysis = analysed(history.path)
    assert [tag.signed for tag in analysis.tags.tags] == [True]
    assert (analysis.totals.signed, analysis.totals.commits) == (1, 2)


def test_commits_older_than_their_parent_are_reported(tmp_path, analysed):
    history = History(tmp_path / "skew")
    history.commit("initial import", day(0))
    history.branch("side")
    history.commit("feat: side work from a slow clock", day(-5))
    history.checkout("main")
    history.commit("feat: main work", day(2))
    history.merge("side", "Merge pull request #3 from org/side", day(3))
    assert analysed(history.path).totals.out_of_order >= 1


def test_one_hundred_thousand_tags(tmp_path, analysed):
    history = History(tmp_path / "many-tags")
    history.commit("initial import", BASE)
    head = history.head()
    # Written as packed refs, as `git pack-refs` would: 100,000 loose ref files take seconds to create.
    names = sorted(f"refs/tags/build-{n}.0.{n % 7}" for n in range(100_000))
    (history.path / ".git" / "packed-refs").write_text(
        "# pack-refs with: peeled fully-peeled sorted \n" + "".join(f"{head} {name}\n" for name in names))
    analysis = analysed(history.path)
    assert len(analysis.tags.tags) == 100_000
    assert inventory(analysis)["tags"]["families"][0]["count"] == 100_000
