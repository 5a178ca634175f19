"""GitLab facts for one project, each answer known or unknown-with-why, in nine requests plus one
per merged merge request (at most 20: see gitlab_merges).

Reads the REST API through python-gitlab's `http_get` (one request per call, GitLab's own error
messages, the transport underneath) and returns devops_scan.platform.facts values. What a token
cannot see depends on its role, its scopes and the instance's tier (approval rules and protected
environments are GitLab Premium): such facts are `Unknown` saying what would show them.
"""

from __future__ import annotations

from datetime import datetime, timezone
from statistics import median
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from devops_scan.errors import BadTargetError
from devops_scan.platform.facts import CIRuns, Known, PlatformFacts, Security, Unknown
from devops_scan.platform.github_reader import Answer, seconds_of

if TYPE_CHECKING:
    import gitlab

READ_API = "read_api"
_JOB_TOKEN_REACH = "a CI job token reaches only some API endpoints"
# GitLab's secret detection, dependency scanning and SAST run as CI jobs (or scan execution
# policies, GitLab Ultimate): the CI detectors read those from the files; the project API says nothing.
_CI_SCANNER = "GitLab runs {what} as a CI job or a scan execution policy, which the project API does not report"


class GitLabReader:
    def __init__(self, gl: "gitlab.Gitlab", path_with_namespace: str, web_url: str, authenticated: bool,
                 since: int, as_of: int) -> None:
        self._gl, self.full_name, self.web_url = gl, path_with_namespace, web_url
        self.authenticated, self.since, self.as_of = authenticated, since, as_of
        self.job_token = bool(getattr(gl, "job_token", None))
        # The URL-encoded path is GitLab's documented way to name a project without knowing its id.
        self.project = f"/projects/{quote(path_with_namespace, safe='')}"

    def get(self, path: str, **params: Any) -> Answer:
        import gitlab

        try:
            # The transport waits out rate limits; python-gitlab must not sleep on a 429 as well.
            data = self._gl.http_get(path, query_data=params, obey_rate_limit=False)
        except gitlab.exceptions.GitlabError as error:   # HTTP errors, a 401 (its own class), bad JSON
            return Answer(None, error.response_code or 0, _one_line(error.error_message))
        if not isinstance(data, (dict, list)):
            return Answer(None, 0, "the answer was not JSON")
        return Answer(data)

    @property
    def since_iso(self) -> str:
        return datetime.fromtimestamp(self.since, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def read(self) -> PlatformFacts:
        from devops_scan.platform.gitlab_deploys import deployments_of, environments_of
        from devops_scan.platform.gitlab_merges import merged_requests
        from devops_scan.platform.gitlab_protection import protection_of

        answer = self.get(self.project)
        if not answer.ok or not isinstance(answer.data, dict):
            raise BadTargetError(self._project_error(answer))
        data = answer.data
        # An empty project has no default branch yet (GitLab reports null), so nothing to protect.
        branch = data.get("default_branch") if not data.get("empty_repo") else None
        no_branch = Unknown("the repository is empty: it has no default branch yet")
        return PlatformFacts(
            name="gitlab", url=data.get("web_url") or self.web_url,
            full_name=data.get("path_with_namespace") or self.full_name,
            default_branch=branch, archived=bool(data.get("archived")), fork=bool(data.get("forked_from_project")),
            visibility=data.get("visibility") or "private", authenticated=self.authenticated,
            protection=protection_of(self, data, branch) if branch else no_branch,
            environments=environments_of(self),
            deployments=deployments_of(self),
            releases=self._releases(),
            ci_runs=self._ci_runs(branch) if branch else no_branch,
            pull_requests=merged_requests(self, branch) if branch else no_branch,
            security=security_of(data),
        )

    def _project_error(self, answer: Answer) -> str:
        if answer.status == 401:
            return "GitLab refused the token (401 Unauthorized): check GITLAB_TOKEN / CI_JOB_TOKEN"
        if answer.status == 404:
            hint = ""
            if not self.authenticated:
                hint = " (set GITLAB_TOKEN to scan a private or internal project)"
            elif self.job_token:
                hint = (" (a CI job token sees only projects whose job token allowlist admits its own; "
                        "set GITLAB_TOKEN to a token with read_api)")
            return f"GitLab project not found or not visible: {self.full_name}{hint}"
        if answer.status == 403 and "scope" in answer.message:
            return f"GitLab refused the token for {self.full_name} ({answer.message}): it needs the read_api scope"
        return f"GitLab answered {answer.status or 'nothing usable'} for {self.full_name}: " \
               f"{answer.message or 'no message'}"

    def unreadable(self, answer: Answer, what: str, needs: str = READ_API, premium: bool = False) -> Unknown:
        """Why `what` could not be read, in words a user can act on.

        The project itself was readable, so a 401, 403 or 404 on one of its parts means the token's
        role or scopes, the token kind, or the instance's tier hides that part."""
        if answer.status in (401, 403, 404):
            token = "a GITLAB_TOKEN" if self.job_token else "a token"
            tier = "GitLab Premium and " if premium else ""
            text = f"{what}: not visible without {tier}{token} with {needs} (GitLab answered {answer.status})"
            return Unknown(text + (f"; {_JOB_TOKEN_REACH}" if self.job_token else ""))
        return Unknown(f"{what} could not be read: GitLab answered {answer.status} {answer.message}".rstrip())

    def _releases(self) -> Known | Unknown:
        answer = self.get(f"{self.project}/releases", per_page=100)
        if not answer.ok or not isinstance(answer.data, list):
            return self.unreadable(answer, "releases", f"{READ_API} and at least the Reporter role")
        # An upcoming release (released_at in the future) has not shipped yet.
        found = [(r.get("tag_name", ""), seconds_of(r.get("released_at"))) for r in answer.data
                 if isinstance(r, dict) and not r.get("upcoming_release")]
        return Known(tuple((name, moment) for name, moment in found if moment is not None and moment <= self.as_of))

    def _ci_runs(self, branch: str) -> Known | Unknown:
        answer = self.get(f"{self.project}/pipelines", ref=branch, scope="finished", updated_after=self.since_iso,
                          per_page=100)
        if not answer.ok or not isinstance(answer.data, list):
            return self.unreadable(answer, "pipelines", READ_API)
        runs = [run for run in answer.data
                if isinstance(run, dict) and self.since <= (seconds_of(run.get("created_at")) or 0) <= self.as_of]
        statuses = [run.get("status") for run in runs]
        # The list carries no duration; started_at/finished_at would cost one request per pipeline.
        # A finished pipeline's updated_at is (nearly) when it finished, so created_at -> updated_at
        # is its length, queue time included; a later retry stretches it.
        minutes = [(end - start) / 60 for run in runs
                   if (start := seconds_of(run.get("created_at"))) is not None
                   and (end := seconds_of(run.get("updated_at"))) is not None and end >= start]
        return Known(CIRuns(total=len(runs), succeeded=statuses.count("success"), failed=statuses.count("failed"),
                            median_minutes=round(median(minutes), 1) if minutes else None, system="gitlab-ci"))


def security_of(project: dict) -> Security:
    """Only secret push protection is a project setting GitLab reports, and only to tokens whose
    role may see security settings (GitLab Ultimate); the rest run as CI jobs, never guessed here."""
    pushed = project.get("secret_push_protection_enabled", project.get("pre_receive_secret_detection_enabled"))
    push: Known | Unknown = Known(pushed) if isinstance(pushed, bool) else Unknown(
        "secret push protection: GitLab reports it only on GitLab Ultimate, to tokens whose role may see "
        "security settings")
    return Security(
        secret_scanning=Unknown(_CI_SCANNER.format(what="secret detection")),
        push_protection=push,
        dependabot_security_updates=Unknown("Dependabot is GitHub's; "
                                            + _CI_SCANNER.format(what="dependency scanning")),
        vulnerability_alerts=Unknown("GitLab's vulnerability report (GitLab Ultimate) is not read; "
                                     + _CI_SCANNER.format(what="dependency scanning")),
        code_scanning_default_setup=Unknown("GitLab has no code scanning default setup; "
                                            + _CI_SCANNER.format(what="SAST")),
    )


def iso_of(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat().replace("+00:00", "Z")


def _one_line(message: Any) -> str:
    return " ".join(str(message or "").split())[:200]
