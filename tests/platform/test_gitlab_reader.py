"""The GitLab reader against payloads shaped like GitLab's REST documentation (fixtures/gitlab),
through python-gitlab and the transport, as a scan sends them."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
import responses

from devops_scan.errors import BadTargetError
from devops_scan.platform.connect import PlatformOptions
from devops_scan.platform.facts import Known, Unknown
from devops_scan.platform.gitlab_protection import matches
from devops_scan.platform.gitlab_reader import GitLabReader
from devops_scan.platform.pygitlab import USER_AGENT, gitlab_api
from devops_scan.platform.tokens import Token
from devops_scan.platform.transport import PlatformTransport, RequestStats
from tests.conftest import AS_OF
from tests.platform.gitlab_api import (
    BASE,
    INSTANCE,
    MERGED_IIDS,
    PROJECT,
    error,
    payload,
    serve_project,
)

PERSONAL = Token("glpat-" + "Zx9wV8uT7sR6qP5oN4mL", "GITLAB_TOKEN")
JOB = Token("glcbt-" + "64_Yq3rT8uV1wX4zA7bC0dE", "CI_JOB_TOKEN", kind="job")
SINCE = int(datetime(2025, 2, 1, tzinfo=timezone.utc).timestamp())   # AS_OF minus the 365-day window
END = int(AS_OF.timestamp())
# project, protected branches, approval rules, environments, protected environments, deployments,
# releases, pipelines, merged merge requests, then one approvals request per merged one.
REQUESTS = 9 + len(MERGED_IIDS)


def _read(token: Token | None = PERSONAL) -> tuple:
    stats = RequestStats()
    transport = PlatformTransport(stats, secrets=(token.value,) if token else ())
    gl = gitlab_api(INSTANCE, token, transport)
    reader = GitLabReader(gl, PROJECT, f"{INSTANCE}/{PROJECT}", token is not None, SINCE, END)
    return reader.read(), stats


@responses.activate
def test_a_branch_only_merge_requests_reach_is_protected():
    serve_project(responses.mock)
    facts, _stats = _read()
    protection = facts.protection.value
    assert (facts.name, facts.full_name, facts.default_branch) == ("gitlab", PROJECT, "main")
    assert protection.source == "protected_branch" and protection.partial == ""
    assert protection.force_push_blocked and protection.deletion_blocked and protection.code_owner_review
    assert protection.required_approvals == 3   # the "security" rule, scoped to main
    assert protection.requires_checks and protection.required_checks == ("a successful pipeline",)
    assert not protection.strict_checks and not protection.linear_history   # merge_method "merge"
    assert protection.origins[0] == ("protected branch 'main': push no one (changes only through merge "
                                     "requests), merge Developers + Maintainers, code owners' approval required")
    assert "approval rule 'security': 3 approval(s)" in protection.origins


@responses.activate
def test_gitlabs_documented_protected_branches_and_a_wildcard_rule():
    # GitLab's own example: main pushed to by Maintainers and a deploy key, `release/*` by Maintainers.
    project = {**payload("project.json"), "default_branch": "release/2.0", "merge_method": "ff"}
    serve_project(responses.mock, project=project, protected_branches=(200, payload("protected-branches.json")))
    protection = _read()[0].protection.value
    assert protection.origins[0] == "protected branch 'release/*': push Maintainers, merge Maintainers"
    assert protection.required_approvals == 0   # the approval rule is scoped to main
    assert protection.strict_checks and protection.linear_history   # fast-forward merges only
    assert matches("release/*", "release/2.0/hotfix") and not matches("release/*", "main")


@responses.activate
def test_force_push_allowed_by_any_matching_rule_is_allowed():
    rules = payload("protected-branches-merge-only.json")
    rules.append({**rules[0], "id": 3109, "name": "ma*", "allow_force_push": True})
    serve_project(responses.mock, protected_branches=(200, rules))
    assert not _read()[0].protection.value.force_push_blocked


@responses.activate
def test_an_unprotected_default_branch_is_none():
    serve_project(responses.mock, protected_branches=(200, []))
    facts, stats = _read()
    protection = facts.protection.value
    assert protection.source == "none" and not protection.force_push_blocked and not protection.requires_checks
    assert protection.deletion_blocked   # GitLab never deletes a default branch
    assert not any("approval_rules" in call.request.url for call in responses.calls)
    assert stats.requests == REQUESTS - 1


@responses.activate
def test_protected_branches_the_token_cannot_read_are_unknown():
    serve_project(responses.mock, protected_branches=error(403))
    protection = _read()[0].protection
    assert protection == Unknown("protected branches (is main protected?): not visible without a token with "
                                 "read_api (and, on older GitLab versions, the Maintainer role) (GitLab answered 403)")


@responses.activate
def test_approval_rules_on_gitlab_free_leave_the_approvals_unknown():
    serve_project(responses.mock, approval_rules=error(404))
    protection = _read()[0].protection.value
    assert protection.required_approvals == 0 and protection.force_push_blocked
    # Only the review requirement is unseen: force push, deletion and checks are still decided.
    assert protection.partial == ""
    assert protection.approvals_partial == ("approval rules: not visible without GitLab Premium and a token with "
                                            "read_api and at least the Developer role (GitLab answered 404)")


@responses.activate
def test_a_report_approver_rule_does_not_count():
    rule = {**payload("approval-rules.json")[0], "rule_type": "report_approver", "approvals_required": 5}
    anyone = {**rule, "rule_type": "any_approver", "name": "All Members", "approvals_required": 1,
              "protected_branches": []}
    serve_project(responses.mock, approval_rules=(200, [rule, anyone]))
    assert _read()[0].protection.value.required_approvals == 1


@responses.activate
def test_environments_deployments_pipelines_and_releases():
    serve_project(responses.mock)
    facts, _stats = _read()
    environments = {env.name: env for env in facts.environments.value}
    assert sorted(environments) == ["production", "review/fix-login", "staging"]
    assert environments["production"].required_reviewers == 3   # two approval rules: 1 + 2
    assert environments["staging"].required_reviewers == 0
    assert environments["production"].url == "https://api.acme.example"
    deployments = facts.deployments.value
    # The fifth deployment was created before the window; GitLab returned it for a later update.
    assert (deployments.total, deployments.per_environment) == (4, {"production": 2, "staging": 2})
    assert deployments.latest == {"production": "2026-01-20T14:28:02Z", "staging": "2026-01-19T09:00:12Z"}
    assert deployments.latest_state == {"production": "success", "staging": "success"}
    assert [env for env, _moment in deployments.events] == ["production", "staging", "production", "staging"]
    runs = facts.ci_runs.value
    assert (runs.total, runs.succeeded, runs.failed, runs.system) == (6, 4, 1, "gitlab-ci")
    assert runs.median_minutes == 17.6
    # v2.0.0 is an upcoming release; v1.4.0 and v1.3.0 shipped.
    assert [tag for tag, _moment in facts.releases.value] == ["v1.4.0", "v1.3.0"]


@responses.activate
def test_environment_approvals_the_token_cannot_see_are_unknown():
    serve_project(responses.mock, protected_environments=error(403))
    environments = _read()[0].environments
    assert environments == Unknown(
        "whether deployments to production, review/fix-login, staging wait for an approval is not known; "
        "protected environments: not visible without GitLab Premium and a token with read_api and the "
        "Maintainer role (GitLab answered 403)")


@responses.activate
def test_no_environment_needs_no_protected_environments_request():
    serve_project(responses.mock, environments=(200, []))
    facts, stats = _read()
    assert facts.environments == Known(())
    assert stats.requests == REQUESTS - 1


@responses.activate
def test_merged_merge_requests_count_approvals_by_someone_else():
    serve_project(responses.mock)
    pulls = _read()[0].pull_requests.value
    # !58 approved by bkim, !57 by nobody, !56 only by its author, !55 by two others; !41 predates the window.
    assert (pulls.merged, pulls.approved_by_other) == (4, 2)
    assert pulls.median_hours_to_merge == 27.8   # between 22.9 and 32.7 of 0.9, 22.9, 32.7, 173.2 hours
    assert pulls.sample[0] == "!58 Add rate-limit headers to every response (approved by bkim)"
    assert pulls.sample[2] == "!56 Bump the HTTP client (no approval by another person)"


@responses.activate
def test_unreadable_approvals_leave_review_depth_open_and_stop_asking():
    serve_project(responses.mock, approvals=error(403))
    facts, stats = _read()
    assert facts.pull_requests.value.approved_by_other is None
    assert facts.pull_requests.value.merged == 4
    assert stats.requests == 9 + 1


@responses.activate
def test_the_request_count_of_one_read():
    serve_project(responses.mock)
    facts, stats = _read()
    assert stats.requests == len(responses.calls) == REQUESTS == 13
    assert facts.security.push_protection == Known(False)
    assert isinstance(facts.security.secret_scanning, Unknown)


@responses.activate
def test_query_parameters_python_gitlab_sends():
    serve_project(responses.mock)
    _read()
    urls = [call.request.url for call in responses.calls]
    assert urls[0] == BASE
    sent = {url.split("?")[0].removeprefix(BASE): url.split("?")[1] for url in urls if "?" in url}
    assert sent["/deployments"] == ("updated_after=2025-02-01T00%3A00%3A00Z&order_by=updated_at&sort=desc"
                                    "&per_page=100")
    assert sent["/pipelines"] == "ref=main&scope=finished&updated_after=2025-02-01T00%3A00%3A00Z&per_page=100"
    assert sent["/merge_requests"].startswith("state=merged&target_branch=main&")


@pytest.mark.parametrize(("status", "token", "message"), [
    (404, PERSONAL, "GitLab project not found or not visible: acme/platform/api"),
    (403, PERSONAL, "GitLab refused the token for acme/platform/api (insufficient_scope): it needs the read_api scope"),
    (404, None, ("GitLab project not found or not visible: acme/platform/api (set GITLAB_TOKEN to scan a "
                "private or internal project)")),
    (401, PERSONAL, "GitLab refused the token (401 Unauthorized): check GITLAB_TOKEN / CI_JOB_TOKEN"),
    (401, JOB, "GitLab refused the token (401 Unauthorized): check GITLAB_TOKEN / CI_JOB_TOKEN"),
])
@responses.activate
def test_project_errors_are_one_line_without_the_token(status, token, message):
    body = {404: payload("error-404-project.json"), 401: payload("error-401.json"),
            403: payload("error-403-insufficient-scope.json")}[status]
    responses.get(BASE, json=body, status=status)
    with pytest.raises(BadTargetError) as raised:
        _read(token)
    assert str(raised.value) == message
    assert len(responses.calls) == 1


@responses.activate
def test_a_job_token_is_sent_as_job_token_and_never_shown():
    serve_project(responses.mock, protected_branches=error(401))
    facts, _stats = _read(JOB)
    headers = [call.request.headers for call in responses.calls]
    assert all(h["JOB-TOKEN"] == JOB.value and "PRIVATE-TOKEN" not in h for h in headers)
    assert headers[0]["User-Agent"] == USER_AGENT
    reason = facts.protection.reason
    assert reason.endswith("(GitLab answered 401); a CI job token reaches only some API endpoints")
    assert "without a GITLAB_TOKEN with read_api" in reason
    assert JOB.value not in json.dumps([str(value) for value in facts.__dict__.values()])


@responses.activate
def test_a_personal_token_is_sent_as_private_token_and_anonymous_sends_none():
    serve_project(responses.mock)
    _read(PERSONAL)
    assert all(call.request.headers["PRIVATE-TOKEN"] == PERSONAL.value and "JOB-TOKEN" not in call.request.headers
               for call in responses.calls)
    responses.calls.reset()
    facts, _stats = _read(None)
    assert not facts.authenticated
    assert not any(name in call.request.headers for call in responses.calls
                   for name in ("PRIVATE-TOKEN", "JOB-TOKEN", "Authorization"))


@responses.activate
def test_an_empty_archived_fork_says_so():
    project = {**payload("project.json"), "default_branch": None, "empty_repo": True, "archived": True,
               "forked_from_project": {"id": 17, "path_with_namespace": "acme/upstream"}}
    serve_project(responses.mock, project=project)
    facts, _stats = _read()
    assert facts.archived and facts.fork and facts.default_branch is None
    assert facts.protection == Unknown("the repository is empty: it has no default branch yet")


@responses.activate
def test_an_unchanged_project_is_revalidated_with_its_etag(tmp_path):
    from devops_scan.platform.httpcache import EtagCache

    serve_project(responses.mock)
    stats = RequestStats()
    gl = gitlab_api(INSTANCE, PERSONAL, PlatformTransport(stats, EtagCache(tmp_path)))
    first = GitLabReader(gl, PROJECT, f"{INSTANCE}/{PROJECT}", True, SINCE, END).read()
    # GitLab answers 304 to the ETag it sent, with no Content-Type (Rack drops it from a 304), and
    # python-gitlab sees the cached project as a 200.
    responses.replace(responses.GET, BASE, status=304, headers={"ETag": 'W/"project-v1"'},
                      content_type=None)
    second = GitLabReader(gl, PROJECT, f"{INSTANCE}/{PROJECT}", True, SINCE, END).read()
    assert second == first and stats.not_modified == 1
    assert responses.calls[REQUESTS].request.headers["If-None-Match"] == 'W/"project-v1"'


def test_a_bad_instance_url_is_refused():
    with pytest.raises(BadTargetError):
        gitlab_api("gitlab.example.com", None, PlatformTransport(RequestStats()))


@pytest.fixture
def remote_scan(tmp_path, default_model, monkeypatch):
    """`scan_path("gitlab:acme/platform/api")` with the clone replaced by a local repository."""
    from devops_scan.clients.open import open_local
    from devops_scan.scan import scan_path
    from tests.testing.repos import make_repo

    monkeypatch.setenv("DEVOPS_SCAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GITLAB_TOKEN", PERSONAL.value)
    source = make_repo(tmp_path / "source", {"README.md": "# API\n"})
    cloned: list = []
    monkeypatch.setattr("devops_scan.clients.remote.clone_remote",
                        lambda target, token=None, workdir=None: cloned.append((target, token))
                        or open_local(str(source)))

    def run() -> tuple[dict, list]:
        options = PlatformOptions(gitlab_url=INSTANCE)
        return scan_path(f"gitlab:{PROJECT}", default_model, as_of=AS_OF, platform=options), cloned
    return run


@responses.activate
def test_a_gitlab_target_is_cloned_and_its_settings_decide(remote_scan):
    serve_project(responses.mock)
    report, cloned = remote_scan()
    practices = report["practices"]
    assert cloned[0][0].web_url == f"{INSTANCE}/{PROJECT}" and cloned[0][1] == PERSONAL.value
    assert practices["scm.code-review"]["outcome"] == "pass"
    assert practices["scm.code-review"]["reason"].startswith("main: 3 approving review(s) required")
    assert practices["scm.protected-trunk"]["outcome"] == "pass"
    assert practices["ci.required-checks"]["outcome"] == "pass"
    assert practices["ci.required-checks"]["reason"].startswith("main: merging waits for a successful pipeline")
    assert report["inventory"]["platform"]["name"] == "gitlab"
    assert report["repository"]["api_requests"] == REQUESTS
    assert PERSONAL.value not in json.dumps(report)
    from tests.test_report_contract import validator

    assert sorted(validator().iter_errors(report), key=str) == []


@responses.activate
def test_a_gitlab_target_without_pipeline_checks_fails_them(remote_scan):
    project = {**payload("project.json"), "only_allow_merge_if_pipeline_succeeds": False}
    serve_project(responses.mock, project=project)
    practices = remote_scan()[0]["practices"]
    assert practices["ci.required-checks"]["outcome"] == "fail"
    assert practices["scm.protected-trunk"]["outcome"] == "fail"
    assert "no status check is required" in practices["scm.protected-trunk"]["reason"]


@responses.activate
def test_gitlab_wording_in_a_fail(remote_scan):
    serve_project(responses.mock, project={**payload("project.json"), "only_allow_merge_if_pipeline_succeeds": False})
    reason = remote_scan()[0]["practices"]["ci.required-checks"]["reason"]
    assert reason == "main: no status check must pass before merging (protected branch rules read)"
