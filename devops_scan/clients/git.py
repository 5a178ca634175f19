"""Running git through GitPython, safely: nothing in a scanned repository's config may execute."""

from __future__ import annotations

import subprocess
import threading
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Iterator

from devops_scan.errors import BadTargetError

if TYPE_CHECKING:
    import git

    from devops_scan.history.gitsource import GitHistory

# A repository's own config could name programs for git to run (core.fsmonitor is read by
# ls-files); scanning must never execute anything from the scanned repository.
# `log.showSignature` would make `git log` run gpg (and `gpg.program` may name anything).
_SAFE_CONFIG = ("-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false", "-c", "log.showSignature=false")


_STREAM_CHUNK = 1 << 16


@dataclass
class Git:
    """A git command runner bound to one repository (its top-level folder, or its git dir if bare)."""

    runner: "git.Git"
    bare: bool = False
    root: str = ""

    def run(self, *args: str, check: bool = True) -> bytes:
        """stdout of `git ARGS` as bytes; on failure a BadTargetError quoting git's first line."""
        import git

        command = ["git", *_SAFE_CONFIG, *args]
        try:
            return self.runner.execute(command, stdout_as_string=False, strip_newline_in_stdout=False)
        except git.GitCommandError as error:
            if not check:
                return b""
            raise BadTargetError(f"git {args[0]} failed: {_first_line(error.stderr)}") from None

    def stream(self, *args: str, stdin: bytes | None = None) -> Iterator[bytes]:
        """stdout of `git ARGS` in chunks as git writes it, so parsing overlaps git's own work.

        Closing the generator early stops git; a failure raises BadTargetError quoting git.
        """
        command = ["git", *_SAFE_CONFIG, *args]
        process = subprocess.Popen(command, cwd=self.runner.working_dir, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert process.stdin and process.stdout and process.stderr  # noqa: S101 - all three are pipes
        # stdin is written from a thread: git may fill its stdout pipe before it has read all of it.
        feeder = threading.Thread(target=_feed, args=(process.stdin, stdin or b""), daemon=True)
        feeder.start()
        completed = False
        try:
            yield from iter(lambda: process.stdout.read(_STREAM_CHUNK), b"")  # type: ignore[union-attr]
            completed = True
        finally:
            if not completed:
                process.kill()
            feeder.join()
            process.stdout.close()
            error = process.stderr.read()
            process.stderr.close()
            if process.wait() and completed:
                raise BadTargetError(f"git {args[0]} failed: {_first_line(error)}")

    def text(self, *args: str, check: bool = True) -> str:
        return self.run(*args, check=check).decode("utf-8", "surrogateescape").strip()

    def rev(self, name: str) -> str | None:
        """The commit sha `name` resolves to, or None (no commits yet, unknown ref)."""
        return self.text("rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}",
                         check=False) or None

    def commit_count(self, rev: str) -> int:
        return int(self.text("rev-list", "--count", rev) or 0)

    def is_shallow(self) -> bool:
        return self.text("rev-parse", "--is-shallow-repository") == "true"

    def current_branch(self) -> str | None:
        ref = self.text("symbolic-ref", "--quiet", "HEAD", check=False)
        return ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None

    def default_branch(self) -> str | None:
        """origin's HEAD when known; else the only one of main/master/trunk; else the current branch."""
        remote_head = self.text("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD", check=False)
        if remote_head.startswith("refs/remotes/origin/"):
            return remote_head.removeprefix("refs/remotes/origin/")
        branches = set(
            self.text("for-each-ref", "--format=%(refname:short)", "refs/heads/", check=False).split()
        )
        conventional = sorted(branches & {"main", "master", "trunk"})
        if len(conventional) == 1:
            return conventional[0]
        return self.current_branch()

    def history(self, rev: str | None, default_branch: str | None, name: str | None = None) -> "GitHistory":
        """The history as seen from `rev` (called `name` in reports), else from the default branch
        (local, then origin's), else HEAD."""
        from devops_scan.history.gitsource import GitHistory

        if rev is not None:
            return GitHistory(self, self.rev(rev) or rev, name or rev)
        for name in (f"refs/heads/{default_branch}", f"refs/remotes/origin/{default_branch}") if default_branch else ():
            sha = self.rev(name)
            if sha:
                return GitHistory(self, sha, default_branch or name)
        return GitHistory(self, self.rev("HEAD") or "HEAD", "HEAD")

    def close(self) -> None:
        """Stop the persistent `cat-file` processes GitPython keeps."""
        self.runner.clear_cache()


def open_git(path: str) -> Git:
    """A runner for the repository at `path` (or the work tree containing it); BadTargetError otherwise.

    Bareness is asked of git itself: GitPython infers it from `core.bare` and gets a bare
    repository without a config file wrong.
    """
    try:
        import git
    except ImportError as error:  # GitPython raises ImportError when no git executable is found
        raise BadTargetError(f"git is not available: {error}") from None
    probe = Git(git.Git(path))
    try:
        bare_flag, git_dir = probe.text("rev-parse", "--is-bare-repository", "--absolute-git-dir").splitlines()
    except BadTargetError as error:
        if "not a git repository" in str(error):
            raise BadTargetError(
                f"not a git repository: {path} (devops-scan scans git clones; clone the project or "
                "run `git init` and commit first)"
            ) from None
        raise
    if bare_flag == "true":
        return Git(git.Git(git_dir), bare=True, root=git_dir)
    root = probe.text("rev-parse", "--show-toplevel")
    return Git(git.Git(root), bare=False, root=root)


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    sha: str
    size: int | None = None

    @property
    def is_symlink(self) -> bool:
        return self.mode == "120000"


def parse_listing(output: bytes) -> dict[str, TreeEntry]:
    """Parse `git ls-files -z -s` or `git ls-tree -z [-l]` output into {path: TreeEntry}.

    Gitlinks (submodules, mode 160000) are left out: their files belong to another repository.
    """
    entries: dict[str, TreeEntry] = {}
    for record in output.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        fields = meta.decode("ascii").split()
        if fields[0] == "160000":
            continue
        if len(fields) >= 3 and fields[1] in ("blob", "tree", "commit"):
            # ls-tree: mode type sha [size]
            size = int(fields[3]) if len(fields) > 3 and fields[3].isdigit() else None
            entry = TreeEntry(fields[0], fields[2], size)
        else:
            entry = TreeEntry(fields[0], fields[1])  # ls-files -s: mode sha stage
        entries[raw_path.decode("utf-8", "surrogateescape")] = entry
    return entries


def _feed(pipe: IO[bytes], data: bytes) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except OSError:  # git exited early (an error it reports itself, or the reader stopped it)
        pass


def _first_line(stderr: str | bytes | None) -> str:
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    for line in (stderr or "").splitlines():
        line = line.strip().removeprefix("stderr: ").strip("'").strip()
        if line:
            return line
    return "unknown error"
