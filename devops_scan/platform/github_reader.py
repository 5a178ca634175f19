"""GitHub facts for one repository, in about a dozen requests, each answer known or unknown-with-why.

Reads through PyGithub's requester (so GHES, auth and errors behave as PyGithub's do) and returns
devops_scan.platform.facts values. Branch protection is read twice, because GitHub keeps two kinds:
classic protection (needs Administration: read) and rulesets (readable with plain read access);
a token that cannot see the first still reads the second, and never turns "not visible" into "none".
"""

from __future__ import annotations

from datetime import datetime
from statistics import median
from typing import TYPE_CHECKING, Any

from devops_scan.errors import BadTargetError
from devops_scan.platform.facts import (CIRuns, Deployments, Environment, Known, PlatformFacts, PullRequests,
                                        Unknown)
from devops_scan.platform.github_protection import protection_of
from devops_scan.platform.github_security import security_of

if TYPE_CHECKING:
    import github

MAX_STATUS_LOOKUPS = 5  # newest deployment per environment: one request each, for at most this many
_MERGED_PULLS = """
query($owner: String!, $name: String!, $base: String!, $first: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequests(states: MERGED, baseRefName: $base, first: $first, orderBy: {field: UPDATED_AT, direction: DESC}) {
      nodes { number title createdAt mergedAt additions deletions author { login }
              reviews(states: APPROVED, first: 20) { nodes { author { login } } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""


class Answer:
    """One request's outcome: the JSON, or the HTTP status and GitHub's message."""

    def __init__(self, data: Any = None, status: int = 200, message: str = "") -> None:
        self.data, self.status, self.message = data, status, message

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class GitHubReader:
    def __init__(self, gh: "github.Github", full_name: str, web_url: str, authenticated: bool,
                 since: int, as_of: int) -> None:
        self._gh, self.full_name, self.web_url = gh, full_name, web_url
        self.authenticated, self.since, self.as_of = authenticated, since, as_of

    def get(self, path: str, **params: Any) -> Answer:
        import github

        try:
            _headers, data = self._gh.requester.requestJsonAndCheck("GET", path, parameters=params or None)
        except github.GithubException as error:
            message = error.data.get("message", "") if isinstance(error.data, dict) else str(error.data or "")
            return Answer(None, error.status, message)
        except ValueError:  # a body cut short (a dropped connection, a proxy): not JSON
            return Answer(None, 502, "the answer was not complete JSON")
        return Answer(data)

    def read(self) -> PlatformFacts:
        repo = self.get(f"/repos/{self.full_name}")
        if not repo.ok:
            raise BadTargetError(self._repo_error(repo))
        data = repo.data
        branch = data.get("default_branch")
        admin = bool((data.get("permissions") or {}).get("admin"))
        empty = not data.get("size") and not data.get("pushed_at")
        no_branch = Unknown("the repository is empty: it has no default branch yet")
        return PlatformFacts(
            name="github", url=data.get("html_url") or self.web_url, full_name=data.get("full_name") or self.full_name,
            default_branch=branch, archived=bool(data.get("archived")), fork=bool(data.get("fork")),
            visibility=data.get("visibility") or ("private" if data.get("private") else "public"),
            authenticated=self.authenticated,
            protection=protection_of(self, branch) if branch and not empty else no_branch,
            environments=self._environments(),
            deployments=self._deployments(),
            releases=self._releases(),
            ci_runs=self._ci_runs(branch) if branch else no_branch,
            pull_requests=self._pull_requests(branch) if branch else no_branch,
            security=security_of(self, data, admin),
        )

    def _repo_error(self, answer: Answer) -> str:
        if answer.status == 401:
            return "GitHub refused the token (401 Bad credentials): check GITHUB_TOKEN / GH_TOKEN"
        if answer.status == 404:
            hint = "" if self.authenticated else " (set GITHUB_TOKEN to scan a private repository)"
            return f"GitHub repository not found or not visible: {self.full_name}{hint}"
        return f"GitHub answered {answer.status} for {self.full_name}: {answer.message or 'no message'}"

    def unreadable(self, answer: Answer, what: str, permission: str) -> Unknown:
        """Why `what` could not be read, in words a user can act on."""
        if answer.status in (401, 403) or (answer.status == 404 and not self.authenticated):
            needs = "a token" if not self.authenticated else f"a token with {permission}"
            return Unknown(f"{what} needs {needs} (GitHub answered {answer.status})")
        return Unknown(f"{what} could not be read: GitHub answered {answer.status} {answer.message}".rstrip())

    def _environments(self) -> Known | Unknown:
        answer = self.get(f"/repos/{self.full_name}/environments", per_page=100)
        if not answer.ok:
            return self.unreadable(answer, "environments", "Actions: read or Environments: read")
        found = []
        for env in answer.data.get("environments") or []:
            reviewers, wait, policy = 0, 0, ""
            for rule in env.get("protection_rules") or []:
                if rule.get("type") == "required_reviewers":
                    reviewers = max(reviewers, len(rule.get("reviewers") or []) or 1)
                elif rule.get("type") == "wait_timer":
                    wait = int(rule.get("wait_timer") or 0)
            branches = env.get("deployment_branch_policy") or {}
            if branches.get("protected_branches"):
                policy = "protected branches"
            elif branches.get("custom_branch_policies"):
                policy = "custom"
            found.append(Environment(env.get("name", ""), reviewers, wait, policy, env.get("html_url", "")))
        return Known(tuple(sorted(found, key=lambda e: e.name)))

    def _deployments(self) -> Known | Unknown:
        answer = self.get(f"/repos/{self.full_name}/deployments", per_page=100)
        if not answer.ok:
            return self.unreadable(answer, "deployments", "Deployments: read")
        counts: dict[str, int] = {}
        latest: dict[str, tuple[int, int]] = {}  # environment -> (time, deployment id)
        events = []
        for deployment in answer.data or []:
            moment = _seconds(deployment.get("created_at"))
            if moment is None or not self.since <= moment <= self.as_of:
                continue
            env = deployment.get("environment") or "(none)"
            counts[env] = counts.get(env, 0) + 1
            events.append((env, moment))
            if moment > latest.get(env, (0, 0))[0]:
                latest[env] = (moment, deployment.get("id"))
        states = {}
        for env, (_moment, identifier) in sorted(latest.items(), key=lambda item: -item[1][0])[:MAX_STATUS_LOOKUPS]:
            statuses = self.get(f"/repos/{self.full_name}/deployments/{identifier}/statuses", per_page=1)
            if statuses.ok and statuses.data:
                states[env] = statuses.data[0].get("state", "")
        return Known(Deployments(
            total=len(events), per_environment=dict(sorted(counts.items())),
            latest={env: _iso(moment) for env, (moment, _id) in sorted(latest.items())},
            latest_state=dict(sorted(states.items())), events=tuple(sorted(events, key=lambda e: (-e[1], e[0])))))

    def _releases(self) -> Known | Unknown:
        answer = self.get(f"/repos/{self.full_name}/releases", per_page=100)
        if not answer.ok:
            return self.unreadable(answer, "releases", "Contents: read")
        found = [(r.get("tag_name", ""), _seconds(r.get("published_at"))) for r in answer.data or []
                 if not r.get("draft") and not r.get("prerelease")]
        return Known(tuple((name, moment) for name, moment in found if moment is not None))

    def _ci_runs(self, branch: str) -> Known | Unknown:
        answer = self.get(f"/repos/{self.full_name}/actions/runs", branch=branch, status="completed", per_page=100)
        if not answer.ok:
            return self.unreadable(answer, "workflow runs", "Actions: read")
        runs = [run for run in answer.data.get("workflow_runs") or []
                if (_seconds(run.get("created_at")) or 0) >= self.since]
        conclusions = [run.get("conclusion") for run in runs]
        minutes = [(end - start) / 60 for run in runs
                   if (start := _seconds(run.get("run_started_at") or run.get("created_at"))) is not None
                   and (end := _seconds(run.get("updated_at"))) is not None and end >= start]
        return Known(CIRuns(total=len(runs), succeeded=conclusions.count("success"),
                            failed=sum(1 for c in conclusions if c in ("failure", "timed_out")),
                            median_minutes=round(median(minutes), 1) if minutes else None, system="github-actions"))

    def _pull_requests(self, branch: str) -> Known | Unknown:
        owner, _, name = self.full_name.partition("/")
        if self.authenticated:
            from devops_scan.platform.github_pulls import merged_pulls_graphql

            return merged_pulls_graphql(self, _MERGED_PULLS, owner, name, branch)
        from devops_scan.platform.github_pulls import merged_pulls_rest

        return merged_pulls_rest(self, branch)

    def graphql(self, query: str, variables: dict[str, Any]) -> Answer:
        import github

        try:
            _headers, data = self._gh.requester.graphql_query(query, variables)
        except github.GithubException as error:
            message = error.data.get("message", "") if isinstance(error.data, dict) else str(error.data or "")
            return Answer(None, error.status, message)
        except ValueError:
            return Answer(None, 502, "the answer was not complete JSON")
        if isinstance(data, dict) and data.get("errors"):
            return Answer(None, 400, "; ".join(str(e.get("message", "")) for e in data["errors"][:3]))
        return Answer(data.get("data") if isinstance(data, dict) else None)


def _seconds(text: str | None) -> int | None:
    if not text:
        return None
    try:
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None


def _iso(seconds: int) -> str:
    from datetime import timezone

    return datetime.fromtimestamp(seconds, timezone.utc).isoformat().replace("+00:00", "Z")


seconds_of = _seconds
__all__ = ["Answer", "GitHubReader", "PullRequests", "seconds_of"]
