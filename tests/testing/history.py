"""Build git histories with known dates, authors, merges and tags, so metrics have exact answers.

Every commit, merge and tag takes an explicit moment; identities come from PEOPLE. Commands go
through `git` with GIT_*_DATE pinned, like tests/testing/repos.py, on a real repository.
"""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

PEOPLE = {
    "ada": ("Ada Lovelace", "ada@example.com"),
    "grace": ("Grace Hopper", "grace@example.com"),
    "linus": ("Linus Benedict", "linus@example.com"),
    "bot": ("release-bot[bot]", "41898282+release-bot[bot]@users.noreply.github.com"),
    "github": ("GitHub", "noreply@github.com"),
}
BASE = datetime(2025, 11, 10, 10, 0, tzinfo=timezone.utc)  # a Monday, inside the 90 days before AS_OF


def day(offset: float, base: datetime = BASE) -> datetime:
    return base + timedelta(days=offset)


class History:
    """A repository on `main` that a test writes step by step."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "--quiet", "--initial-branch=main")
        self._counter = 0

    def git(self, *args: str, at: datetime | None = None, author: str = "ada", committer: str | None = None,
            env: dict[str, str] | None = None) -> str:
        name, email = PEOPLE[author]
        c_name, c_email = PEOPLE[committer or author]
        stamp = (at or BASE).isoformat()
        full_env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
                    "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": c_name,
                    "GIT_COMMITTER_EMAIL": c_email, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
                    **(env or {})}
        return subprocess.run(["git", "-C", str(self.path), *args], check=True, capture_output=True,
                              text=True, env=full_env).stdout.strip()

    def commit(self, message: str, at: datetime, author: str = "ada", committer: str | None = None) -> str:
        """A commit changing one file (so merges have something to merge)."""
        self._counter += 1
        (self.path / f"change-{self._counter}.txt").write_text(f"{message}\n", encoding="utf-8")
        self.git("add", "--all")
        self.git("commit", "--quiet", "-m", message, at=at, author=author, committer=committer)
        return self.head()

    def branch(self, name: str, start: str = "main") -> None:
        self.git("checkout", "--quiet", "-b", name, start)

    def checkout(self, name: str) -> None:
        self.git("checkout", "--quiet", name)

    def merge(self, branch: str, message: str, at: datetime, author: str = "github") -> str:
        """A merge commit on the current branch (always a real merge, as GitHub's merge button makes)."""
        self.git("merge", "--quiet", "--no-ff", "-m", message, branch, at=at, author=author)
        return self.head()

    def tag(self, name: str, at: datetime, annotated: bool = True, tagger: str = "ada", target: str = "HEAD") -> None:
        if annotated:
            self.git("tag", "-a", name, "-m", f"release {name}", target, at=at, author=tagger, committer=tagger)
        else:
            self.git("tag", name, target, at=at)

    def revert(self, sha: str, at: datetime, author: str = "ada") -> str:
        self.git("revert", "--no-edit", sha, at=at, author=author)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")


def release_train(path: Path) -> History:
    """Ten weekly releases v1.0.0 … v1.9.0, each after a two-commit branch merged through a pull request.

    Week k (k = 0…9, from BASE): branch f<k> gets `feat:` at day 7k (Ada or Grace, alternating) and
    `test:` at day 7k+1, GitHub merges it at 7k+2 ("Merge pull request #k"; even k link ABC-k), and
    release-bot tags v1.k.0 at 7k+3. The initial commit (Linus) is months older.
    """
    history = History(path)
    history.commit("initial import", day(-150), author="linus")
    for k in range(10):
        who = "ada" if k % 2 == 0 else "grace"
        history.branch(f"f{k}")
        history.commit(f"feat: feature {k}", day(7 * k), author=who)
        history.commit(f"test: cover feature {k}", day(7 * k + 1), author=who)
        history.checkout("main")
        body = f"\n\nFix login ABC-{k + 10}" if k % 2 == 0 else f"\n\nFeature {k}"
        history.merge(f"f{k}", f"Merge pull request #{k + 1} from org/f{k}{body}", day(7 * k + 2))
        history.tag(f"v1.{k}.0", day(7 * k + 3), tagger="bot")
    return history


def hotfixes(path: Path) -> tuple[History, str]:
    """Releases with two failures of known length, and a back-port tagged off the default branch.

    v2.0.0 day 0, patch v2.0.1 day 1 (v2.0.0 failed, fixed in 24 h); v2.1.0 day 10; v2.2.0 day 20
    ships commit X; X is reverted on day 25 and v2.3.0 ships the revert on day 30 (v2.2.0 failed,
    fixed in 240 h); v2.4.0 day 40; v2.5.0 day 50. v1.9.1 is tagged on day 5 on branch release-1.9,
    never merged. Returns the history and X's sha.
    """
    history = History(path)
    history.commit("initial import", day(-100), author="linus")
    history.tag("v1.9.0", day(-99))
    history.branch("release-1.9")
    history.commit("fix: back-port the parser fix", day(4), author="grace")
    history.tag("v1.9.1", day(5))
    history.checkout("main")
    reverted = ""
    for offset, name in ((0, "v2.0.0"), (1, "v2.0.1"), (10, "v2.1.0"), (20, "v2.2.0"), (30, "v2.3.0"),
                         (40, "v2.4.0"), (50, "v2.5.0")):
        sha = history.commit(f"feat: work for {name}", day(offset - 0.5), author="ada" if offset % 20 else "grace")
        if name == "v2.2.0":
            reverted = sha
        if name == "v2.3.0":
            history.revert(reverted, day(25))
        history.tag(name, day(offset))
    return history, reverted
