"""The GitLab CI entry point (`python -m devops_scan.action.gitlab`, run by
templates/devops-scan.gitlab-ci.yml).

In a merge request pipeline it scans the merge request's diff base and its head commit, writes the
head's Code Quality report, and keeps one merge request note up to date with what the change does
to the maturity. On the default branch it scans and writes the Code Quality report only: that
report is what GitLab compares a merge request's report with.

A note that cannot be written never fails the job: most GitLab versions refuse notes to the
job's CI_JOB_TOKEN, and the scan and the report are still worth having. Only the gates the user
asked for (DEVOPS_SCAN_FAIL_UNDER, DEVOPS_SCAN_FAIL_ON_REGRESSION) make the job fail.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Callable, Mapping
from urllib.parse import quote

from devops_scan.action.gitlab_notes import MergeRequestNotes, NoteOutcome, upsert
from devops_scan.action.gitlab_settings import CODEQUALITY_FILE, JobSettings, read_settings
from devops_scan.errors import EXIT_BELOW_THRESHOLD, EXIT_OK, EXIT_UNEXPECTED, ScanError
from devops_scan.model import level_rank
from devops_scan.platform.tokens import Token, redact, token_for

NOTE_KEY = "default"
_HELP_TOKEN = ("set a masked GITLAB_TOKEN CI/CD variable holding a project access token with the api "
               "scope (the job's CI_JOB_TOKEN cannot write merge request notes)")


def main(env: Mapping[str, str] = os.environ) -> int:
    """Scan, write the Code Quality report, update the note; the job's exit code."""
    token = token_for("gitlab", env)
    secrets = (token.value,) if token else ()
    try:
        return _run(read_settings(env), token, secrets)
    except ScanError as error:
        _say(f"error: {error}", secrets)
        return error.exit_code
    except Exception as error:  # a bug must not print a traceback that could quote a request
        _say(f"unexpected error: {type(error).__name__}: {error}", secrets)
        return EXIT_UNEXPECTED


def _run(settings: JobSettings, token: Token | None, secrets: tuple[str, ...]) -> int:
    from devops_scan.platform.connect import PlatformOptions
    from devops_scan.render.codequality import render_codequality
    from devops_scan.scan import scan_path
    from devops_scan.scoring.loader import load_model

    model_path = settings.model_path
    if model_path and not os.path.isabs(model_path):
        model_path = os.path.join(settings.project_dir, model_path)
    model = load_model(model_path)
    options = PlatformOptions(platform=settings.platform, gitlab_url=settings.api_root)

    def scan(sha: str | None, name: str | None) -> dict[str, Any]:
        # The committed tree, not the working tree: the job's own files (pip's cache, the report
        # being written) must not count as the repository's.
        report = scan_path(settings.project_dir, model, as_of=settings.as_of, ref=sha, platform=options)
        if name:   # the note reads "main 1a2b3c → feature/x 4d5e6f", not two shas
            report["repository"]["ref"] = name
        return report

    head = scan(settings.head_sha, settings.head_name)
    issues = render_codequality(head)
    _write_json(os.path.join(settings.project_dir, CODEQUALITY_FILE), issues)
    print(f"devops-scan: overall level {head['overall']}; {len(issues)} Code Quality issue(s) in {CODEQUALITY_FILE}")
    code = EXIT_OK
    if settings.fail_under and level_rank(head["overall"]) < level_rank(settings.fail_under):
        _say(f"overall level {head['overall']} is below DEVOPS_SCAN_FAIL_UNDER {settings.fail_under}", secrets)
        code = EXIT_BELOW_THRESHOLD
    if settings.mr_iid is None:
        return code
    if settings.base_sha is None:
        _say("CI_MERGE_REQUEST_DIFF_BASE_SHA is not set: nothing to compare with, no note", secrets)
        return code
    try:
        base = scan(settings.base_sha, settings.base_name)
    except ScanError as error:
        _say(f"the diff base {settings.base_sha[:12]} could not be scanned ({error}); is GIT_DEPTH \"0\" "
             "set? No note", secrets)
        return code
    return max(code, _merge_request(settings, base, head, token, secrets))


def _merge_request(settings: JobSettings, base: dict[str, Any], head: dict[str, Any], token: Token | None,
                   secrets: tuple[str, ...]) -> int:
    from devops_scan.diff import compare, regressions
    from devops_scan.render.comment import marker, render_comment

    delta = compare(base, head)
    overall = delta["overall"]
    print(f"devops-scan: merge request !{settings.mr_iid}: overall {overall['before']} → {overall['after']}")
    code = EXIT_OK
    if settings.fail_on_regression:
        dropped = regressions(delta, settings.regression_practices)
        if dropped:
            _say(f"regressed: {', '.join(dropped)} (DEVOPS_SCAN_FAIL_ON_REGRESSION)", secrets)
            code = EXIT_BELOW_THRESHOLD
    if settings.comment == "off":
        return code
    body = render_comment(delta, head, marker=marker(NOTE_KEY),
                          link=blob_link(settings.project_url, settings.head_sha),
                          base_link=blob_link(settings.project_url, settings.base_sha))
    _note(settings, body, marker(NOTE_KEY), token, secrets)
    return code


def _note(settings: JobSettings, body: str, mark: str, token: Token | None, secrets: tuple[str, ...]) -> None:
    """Upsert the note; every failure is one line on standard error, never the job's failure."""
    import gitlab

    from devops_scan.platform.pygitlab import gitlab_api
    from devops_scan.platform.transport import PlatformTransport, RequestStats

    if token is None:
        _say(f"no merge request note: no token; {_HELP_TOKEN}", secrets)
        return
    if not (settings.api_root and settings.project_id):
        _say("no merge request note: CI_API_V4_URL or CI_PROJECT_ID is not set", secrets)
        return
    transport = PlatformTransport(RequestStats(), secrets=secrets)
    try:
        api = MergeRequestNotes(gitlab_api(settings.api_root, token, transport), settings.project_id,
                                str(settings.mr_iid))
        outcome = upsert(api, body, mark, settings.comment, job_token=token.kind == "job")
    except gitlab.exceptions.GitlabError as error:
        status = error.response_code
        if status in (401, 403):
            _say(f"no merge request note: GitLab answered {status} to {token.source}; {_HELP_TOKEN}", secrets)
        else:
            _say(f"no merge request note: GitLab answered {status or 'with an error'}", secrets)
        return
    except ScanError as error:   # the transport: unreachable, or a rate limit longer than the wait
        _say(f"no merge request note: {error}", secrets)
        return
    except ValueError:           # an answer that is not JSON: a proxy's error page, not GitLab
        _say("no merge request note: GitLab's answer was not JSON", secrets)
        return
    finally:
        transport.close()
    print(redact(_describe(outcome, token), secrets))


def _describe(outcome: NoteOutcome, token: Token) -> str:
    where = f" (note {outcome.note_id})" if outcome.note_id is not None else ""
    if outcome.action == "kept":
        return (f"devops-scan: a note with the marker exists{where}; with {token.source} its author cannot be "
                "checked, so it is left as it is; set GITLAB_TOKEN (a project access token with the api scope) "
                "to keep it up to date")
    return f"devops-scan: merge request note {outcome.action}{where}"


def blob_link(project_url: str | None, sha: str | None) -> Callable[[str, int | None], str | None]:
    """Evidence links to the head commit's blob: `{project}/-/blob/{sha}/{path}#L{line}`."""

    def link(path: str, line: int | None) -> str | None:
        if not project_url or not sha or not project_url.startswith("https://"):
            return None
        # Percent-encoding every character but `/` keeps a hostile file name from closing the
        # Markdown link or adding a query string.
        url = f"{project_url}/-/blob/{sha}/{quote(path, safe='/')}"
        return f"{url}#L{line}" if line else url

    return link


def _write_json(path: str, data: Any) -> None:
    try:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
    except OSError as error:
        raise ScanError(f"cannot write {path}: {error.strerror or error}") from None


def _say(message: str, secrets: tuple[str, ...]) -> None:
    print(redact(f"devops-scan: {message}", secrets), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
