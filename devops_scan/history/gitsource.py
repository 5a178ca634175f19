"""Tags and commits read from a clone: ONE `git for-each-ref` and ONE streaming `git log`.

The log is `--pretty=raw`: besides parents, dates and the message, its headers say whether a
commit carries a signature (`gpgsig`) without asking gpg to verify it, so nothing runs but git.
The one-pass walk (walk.py) carries reachability and "first release containing it" from children
to parents, so it needs children first: git's default order gives that while streaming.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable, Iterator

from devops_scan.clients.git import Git
from devops_scan.history.records import CommitRecord, TagRecord

# Fields of one tag, NUL-separated; `%(if)` prints a marker instead of the whole signature block.
_TAG_FIELDS = (
    "%(refname)", "%(objecttype)", "%(objectname)", "%(*objecttype)", "%(*objectname)",
    "%(creatordate:unix)", "%(*committerdate:unix)", "%(taggername)", "%(taggeremail)",
    "%(committername)", "%(committeremail)", "%(*committername)", "%(*committeremail)",
    "%(if)%(contents:signature)%(then)signed%(end)",
)
_TAG_FORMAT = "%00".join(_TAG_FIELDS) + "%1e"
_ZONE_STARTS = (b" +", b" -")


class GitHistory:
    """The history of one repository as seen from `rev` (the default branch, usually)."""

    def __init__(self, git: Git, rev: str, rev_name: str) -> None:
        self._git = git
        self.rev = rev
        self.rev_name = rev_name

    def tags(self) -> list[TagRecord]:
        """Every tag, sorted by name."""
        output = self._git.run("for-each-ref", f"--format={_TAG_FORMAT}", "refs/tags/")
        records = [_tag(record) for record in output.split(b"\x1e\n") if record]
        return sorted((record for record in records if record), key=lambda tag: tag.name)

    def commits(self, since: datetime, tagged: Iterable[str] = ()) -> Iterator[CommitRecord]:
        """Commits reachable from `rev` or from the `tagged` commits, committed at or after `since`.

        Newest first in git's default order, which streams while git walks (`--date-order` would
        walk the whole window before the first byte). A child comes before its parents unless
        committer clocks disagree; walk.py notices and reports those commits.
        """
        moment = since.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S +0000")
        # Starting points go through stdin: 100,000 tags would not fit on a command line.
        starts = "\n".join([self.rev, *sorted(set(tagged))]).encode() + b"\n"
        chunks = self._git.stream("log", "-z", "--pretty=raw", "--no-show-signature", f"--since={moment}",
                                  "--stdin", "--", stdin=starts)
        pending = b""
        people: dict[bytes, tuple[str, str]] = {}  # a few hundred identities sign 100,000 commits
        for chunk in chunks:
            records = (pending + chunk).split(b"\0")
            pending = records.pop()
            for record in records:
                yield parse_raw_commit(record, people)
        if pending:
            yield parse_raw_commit(pending, people)

    def commit_times(self, shas: Iterable[str]) -> dict[str, int]:
        """{sha: committer time} for a few commits (the walk's leftovers), in one git call."""
        wanted = "\n".join(sorted(set(shas)))
        if not wanted:
            return {}
        output = b"".join(self._git.stream("log", "--no-walk", "--stdin", "--format=%H %ct", "--",
                                           stdin=wanted.encode() + b"\n"))
        pairs = (line.split() for line in output.decode("ascii", "replace").splitlines())
        return {pair[0]: int(pair[1]) for pair in pairs if len(pair) == 2 and pair[1].isdigit()}

    def mailmap(self, identities: list[str]) -> dict[str, str]:
        """{"Name <email>": canonical "Name <email>"} through the repository's .mailmap (one git call)."""
        if not identities:
            return {}
        output = b"".join(self._git.stream("check-mailmap", "--stdin", stdin="\n".join(identities).encode() + b"\n"))
        mapped = output.decode("utf-8", "replace").splitlines()
        return dict(zip(identities, mapped)) if len(mapped) == len(identities) else {}


def parse_raw_commit(record: bytes, people: dict[bytes, tuple[str, str]] | None = None) -> CommitRecord:
    """One `git log --pretty=raw` record: header lines, a blank line, the message indented 4 spaces.

    Hot path (one call per commit, ~2 µs): header fields sit in a fixed order (commit, tree,
    parent*, author, committer, then optional ones), so they are taken by position, not searched for.
    """
    header, _, body = record.partition(b"\n\n")
    lines = header.split(b"\n")
    index = 2
    parents = []
    while lines[index][:7] == b"parent ":
        parents.append(lines[index][7:47].decode("ascii"))
        index += 1
    author, _, author_stamp = lines[index].rpartition(b"> ")
    committer, _, committer_stamp = lines[index + 1].rpartition(b"> ")
    # Identities repeat across commits: each distinct "author Name <email" is decoded once.
    people = {} if people is None else people
    identity = people.get(author)
    if identity is None:
        name, _, email = author[7:].partition(b" <")
        identity = people[author] = (name.decode("utf-8", "replace"), email.decode("utf-8", "replace").lower())
    committer_email = people.get(committer)
    if committer_email is None:
        email = committer[committer.rfind(b"<") + 1:]
        committer_email = people[committer] = ("", email.decode("utf-8", "replace").lower())
    if body[:4] == b"    ":
        body = body.replace(b"\n    ", b"\n")[4:]
    if author_stamp[-6:-4] in _ZONE_STARTS and committer_stamp[-6:-4] in _ZONE_STARTS:
        # git writes "<seconds> +hhmm"; old or hand-made commits ("+05") take the careful path.
        try:
            author_time, committer_time = int(author_stamp[:-6]), int(committer_stamp[:-6])
        except ValueError:
            author_time, committer_time = _seconds(author_stamp), _seconds(committer_stamp)
    else:
        author_time, committer_time = _seconds(author_stamp), _seconds(committer_stamp)
    # tuple.__new__ skips NamedTuple's argument handling: a fifth of this function's time.
    return tuple.__new__(CommitRecord, (
        header[7:47].decode("ascii"), tuple(parents), identity[0], identity[1], author_time, committer_email[1],
        committer_time,
        body.decode("utf-8", "replace"),
        b"\ngpgsig" in header,  # a signature header (gpgsig, gpgsig-sha256): presence only, not verified
    ))


def _seconds(stamp: bytes) -> int:
    """Unix seconds from `1700000000 +0100`; 0 for a date git itself could not have written."""
    try:
        return int(stamp.partition(b" ")[0])
    except ValueError:
        return 0


def _tag(record: bytes) -> TagRecord | None:
    fields = record.decode("utf-8", "replace").split("\0")
    if len(fields) != len(_TAG_FIELDS):
        return None
    (ref, kind, sha, peeled_kind, peeled, created, peeled_date, tagger, tagger_email,
     committer, committer_email, peeled_committer, peeled_email, signed) = fields
    annotated = kind == "tag"
    target_kind = peeled_kind if annotated else kind
    commit = (peeled if annotated else sha) if target_kind == "commit" else None
    date = created or peeled_date
    return TagRecord(
        name=ref.removeprefix("refs/tags/"),
        commit=commit,
        object_type=target_kind or kind,
        annotated=annotated,
        signed=bool(signed),
        date=int(date) if date.lstrip("-").isdigit() else None,
        creator_name=tagger if annotated else committer or peeled_committer,
        creator_email=(tagger_email if annotated else committer_email or peeled_email).strip("<>").lower(),
    )
