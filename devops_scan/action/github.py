"""The GitHub Action's entry point: `python -m devops_scan.action.github` (run by action.yml).

On a pull request it scans the base and the head commits in the job's own clone (`ref=`, no second
checkout), keeps one comment on the pull request up to date with the difference, and writes the
same Markdown to the job summary, the step outputs, warnings at the lines of what regressed, and
optionally SARIF. On any other event (a push to the default branch) it scans once and writes the
summary and outputs only. `post-comment DIR` is the second stage for forks (github_fork.py).

Exit codes: 0 ok, 1 a gate failed (fail-under, fail-on-regression), 2 an error the user can fix,
3 an unexpected error. Every error is one line, with the token redacted.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence
from urllib.parse import quote

from devops_scan.action import github_workflow as workflow
from devops_scan.action.github_comment import Forbidden, PullRequests, upsert
from devops_scan.action.github_fork import post_saved, save_for_later, saved_dir
from devops_scan.action.github_settings import PULL_REQUEST_EVENTS, Settings, check_practices, read_settings
from devops_scan.errors import EXIT_BELOW_THRESHOLD, EXIT_OK, EXIT_UNEXPECTED, ScanError
from devops_scan.model import level_rank
from devops_scan.platform.tokens import Token, redact

if TYPE_CHECKING:
    from devops_scan.clients.git import Git
    from devops_scan.scoring.maturity import MaturityModel

Say = Callable[[str], None]
COMMENT_KEY = "default"
COMMENT_LIMIT = 65000   # GitHub refuses bodies over 65,536 characters; leave room to spare


def main(env: Mapping[str, str] = os.environ, argv: Sequence[str] | None = None,
         now: datetime | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    secrets = (env.get("INPUT_GITHUB_TOKEN", "").strip(),)
    try:
        settings = read_settings(env, now)
        if args[:1] == ["post-comment"]:
            if len(args) != 2:
                raise ScanError("usage: python -m devops_scan.action.github post-comment DIR")
            post_saved(args[1], settings.event, lambda: _connect(settings), settings.comment,
                       lambda line: _say(line, secrets))
            return EXIT_OK
        if args:
            raise ScanError(f"unknown arguments: {' '.join(args)}")
        return _run(settings, lambda line: _say(line, secrets))
    except ScanError as error:
        _say(workflow.command("error", f"devops-scan: {error}"), secrets)
        return error.exit_code
    except Exception as error:  # noqa: BLE001 - the job log gets one line, never a traceback
        _say(workflow.command("error", f"devops-scan: unexpected error: {type(error).__name__}: {error}"), secrets)
        return EXIT_UNEXPECTED


def _run(settings: Settings, say: Say) -> int:
    from devops_scan.clients.git import open_git
    from devops_scan.scoring.loader import load_model

    model = load_model(settings.model)
    check_practices(settings, model)
    git = open_git(settings.path)
    try:
        pull = settings.event.get("pull_request") if settings.event_name in PULL_REQUEST_EVENTS else None
        if pull:
            return _pull_request(settings, pull, model, git, say)
        head = _scan(settings, model, git, settings.sha, say, (settings.event.get("ref") or "").removeprefix(
            "refs/heads/") or None)
        from devops_scan.render.markdown import render

        _finish(settings, model, head, render(head), None, say)
        return _gates(settings, head, None, say)
    finally:
        git.close()


def _pull_request(settings: Settings, pull: dict[str, Any], model: MaturityModel, git: Git, say: Say) -> int:
    from devops_scan.diff import compare
    from devops_scan.render.comment import marker, render_comment

    base_sha, head_sha = (pull.get("base") or {}).get("sha"), (pull.get("head") or {}).get("sha")
    if not head_sha or git.rev(head_sha) is None:
        # The working tree may be the base (pull_request_target checks out the base branch): scanning
        # it as the head would report the wrong commit.
        raise ScanError(f"the pull request's head commit {str(head_sha)[:12]} is not in the clone; check out "
                        "the pull request (the default for pull_request) with fetch-depth: 0")
    head = _scan(settings, model, git, head_sha, say, (pull.get("head") or {}).get("ref"))
    if not base_sha or git.rev(base_sha) is None:
        say(f"devops-scan: the base commit {str(base_sha)[:12]} is not in the clone (check out with "
            "fetch-depth: 0); scanned the head only, no comparison")
        from devops_scan.render.markdown import render

        _finish(settings, model, head, render(head), None, say)
        return _gates(settings, head, None, say)
    base = _scan(settings, model, git, base_sha, say, (pull.get("base") or {}).get("ref"))
    delta = compare(base, head)
    link = blob_link(settings.server_url, settings.repository, head["repository"]["head"])
    # Removed evidence exists only in the base commit: link it there, not to a 404 in the head.
    base_link = blob_link(settings.server_url, settings.repository, base["repository"]["head"])
    say(f"devops-scan: overall {base['overall']} → {head['overall']}"
        f"{' (something regressed)' if delta['regressed'] else ''}")
    summary = render_comment(delta, head, limit=1_000_000, link=link,   # the summary has room for everything
                             base_link=base_link)
    _finish(settings, model, head, summary, delta, say)
    prefix = _prefix(settings.workspace, git.root)
    head_commit = head["repository"]["head"]
    for line in workflow.regression_annotations(delta, lambda path: _in_tree(git, head_commit, path), prefix):
        say(line)
    if settings.comment != "off":
        body = render_comment(delta, head, marker=marker(COMMENT_KEY), limit=COMMENT_LIMIT, link=link,
                              base_link=base_link)
        _comment(settings, int(pull["number"]), body, pull, say)
    return _gates(settings, head, delta, say)


def _scan(settings: Settings, model: MaturityModel, git: Git, sha: str | None, say: Say,
          name: str | None) -> dict[str, Any]:
    """The report of commit `sha`, read from git (the commit the event names, whatever the working
    tree holds), named after its branch and the repository's web address."""
    from devops_scan.scan import scan_path

    ref = sha if sha and git.rev(sha) else None
    if sha and ref is None:
        say(f"devops-scan: commit {sha[:12]} is not in the clone; scanned the checked-out working tree")
    report = scan_path(settings.path, model, as_of=settings.now, ref=ref)
    repository = report["repository"]
    if settings.repository:
        repository["url"] = f"{settings.server_url}/{settings.repository}"
    if name and ref:
        repository["ref"] = name
    return report


def _finish(settings: Settings, model: MaturityModel, head: dict[str, Any], summary: str,
            delta: dict[str, Any] | None, say: Say) -> None:
    """Summary, outputs and SARIF: written before the comment, so a failed comment loses none of them."""
    workflow.append_summary(settings.summary_file, summary)
    workflow.write_outputs(settings.output_file, {
        "overall": head["overall"],
        "levels": json.dumps(head["levels"], separators=(",", ":")),
        "regressed": "true" if delta and delta["regressed"] else "false",
    })
    if settings.sarif_file:
        from devops_scan.render.sarif import render_sarif

        try:
            with open(settings.sarif_file, "w", encoding="utf-8") as handle:
                json.dump(render_sarif(head, model=model), handle, indent=2, ensure_ascii=True)
        except OSError as error:
            raise ScanError(f"cannot write {settings.sarif_file}: {error.strerror or error}") from None
        say(f"devops-scan: SARIF written to {os.path.relpath(settings.sarif_file, settings.workspace)}")


def _comment(settings: Settings, number: int, body: str, pull: dict[str, Any], say: Say) -> None:
    try:
        outcome = upsert(_connect(settings), number, body, settings.comment, COMMENT_KEY)
    except Forbidden:
        # A fork's pull request gets a read-only token: save the comment for the second stage.
        directory = saved_dir(settings.runner_temp)
        save_for_later(directory, body, number, pull)
        say(f"devops-scan: this token cannot comment on #{number} (a fork's read-only token); saved the "
            f"comment in {directory} for the workflow_run workflow to post")
        return
    say(f"devops-scan: comment {outcome} on #{number}")


def _gates(settings: Settings, head: dict[str, Any], delta: dict[str, Any] | None, say: Say) -> int:
    from devops_scan.diff import regressions

    failed = False
    if settings.fail_under and level_rank(head["overall"]) < level_rank(settings.fail_under):
        say(f"devops-scan: overall level {head['overall']} is below fail-under {settings.fail_under}")
        failed = True
    if delta is not None and settings.fail_on_regression is not None:
        regressed = regressions(delta, settings.fail_on_regression)
        if regressed:
            say(f"devops-scan: fail-on-regression: {', '.join(regressed)} regressed")
            failed = True
    return EXIT_BELOW_THRESHOLD if failed else EXIT_OK


def blob_link(server: str, repository: str, sha: str | None) -> Callable[[str, int | None], str | None]:
    """Evidence → its line on GitHub at the head commit; the path is percent-encoded whole, so no
    character of a file name can end the Markdown link or add a query."""
    def link(path: str, line: int | None) -> str | None:
        if not (repository and sha):
            return None
        return f"{server}/{repository}/blob/{sha}/{quote(path, safe='/')}" + (f"#L{line}" if line else "")
    return link


def _connect(settings: Settings) -> PullRequests:
    if not settings.token:
        raise ScanError("github-token is empty; set it, or set comment: off")
    if not settings.repository:
        raise ScanError("GITHUB_REPOSITORY is not set")
    return PullRequests(settings.api_url, Token(settings.token, "github-token input"), settings.repository)


def _in_tree(git: Git, commit: str, path: str) -> bool:
    return bool(git.text("rev-parse", "--verify", "--quiet", f"{commit}:{path}", check=False))


def _prefix(workspace: str, root: str) -> str:
    """Annotations name files from the workspace; evidence names them from the repository's root."""
    relative = os.path.relpath(root, workspace)
    return "" if relative == "." or relative.startswith("..") else relative.replace(os.sep, "/") + "/"


def _say(line: str, secrets: tuple[str, ...]) -> None:
    print(redact(line, secrets), flush=True)


if __name__ == "__main__":
    sys.exit(main())
