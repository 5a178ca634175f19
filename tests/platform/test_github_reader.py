"""The GitHub reader against GitHub's documented example payloads (fixtures/github)."""

from __future__ import annotations

import pytest
import responses

from devops_scan.errors import BadTargetError
from devops_scan.platform.facts import Known, Unknown
from devops_scan.platform.github_reader import GitHubReader
from tests.platform.github_api import REPO, error, payload, serve_repository

SINCE, AS_OF = 0, 1_800_000_000  # every example date (2011-2024) is inside the window


def _reader(authenticated: bool = True) -> GitHubReader:
    import github

    gh = github.Github(retry=None, seconds_between_requests=None) if not authenticated else \
        github.Github(auth=github.Auth.Token("test-token-123456"), retry=None, seconds_between_requests=None)
    return GitHubReader(gh, REPO, f"https://github.com/{REPO}", authenticated, SINCE, AS_OF)


@responses.activate
def test_classic_protection_and_rulesets_are_merged():
    serve_repository(responses.mock)
    facts = _reader().read()
    protection = facts.protection.value
    assert protection.source == "both"
    # Classic example: 2 approvals, code owners, checks "continuous-integration/travis-ci"; rulesets add more.
    assert protection.required_approvals == 2 and protection.code_owner_review
    assert protection.force_push_blocked and protection.deletion_blocked and protection.requires_checks
    assert any(origin.startswith("ruleset 42") for origin in protection.origins)


@responses.activate
def test_without_admin_rights_the_rulesets_still_count():
    serve_repository(responses.mock, protection=(403, error("Resource not accessible by integration")))
    protection = _reader().read().protection.value
    assert protection.source == "rulesets"
    assert protection.partial == ("classic branch protection not visible (GitHub answered 403: Resource not "
                                  "accessible by integration; it needs Administration: read)")


@responses.activate
def test_without_admin_rights_and_no_ruleset_protection_is_unknown():
    serve_repository(responses.mock, protection=(403, error("Resource not accessible by integration")),
                     rules=(200, []))
    protection = _reader().read().protection
    assert isinstance(protection, Unknown)
    assert "needs Administration: read" in protection.reason


@responses.activate
def test_an_unprotected_branch_the_token_could_see_is_none():
    serve_repository(responses.mock, protection=(404, payload("error-branch-not-protected.json")), rules=(200, []))
    assert _reader().read().protection.value.source == "none"


@responses.activate
def test_environments_deployments_runs_and_releases():
    serve_repository(responses.mock)
    facts = _reader().read()
    staging = facts.environments.value[0]
    assert (staging.name, staging.wait_timer_minutes, staging.required_reviewers >= 1) == ("staging", 30, True)
    assert facts.deployments.value.per_environment == {"production": 1}
    assert facts.deployments.value.latest_state == {"production": "success"}
    assert facts.ci_runs.value.total == 1
    assert isinstance(facts.releases, Known)


@responses.activate
def test_merged_pull_requests_count_approvals_by_someone_else():
    serve_repository(responses.mock)
    pulls = _reader().read().pull_requests.value
    # #104 two approvers, #103 none, #102 only its author, #101 one other person.
    assert (pulls.merged, pulls.approved_by_other) == (4, 2)


@responses.activate
def test_anonymous_reads_public_facts_and_says_what_needs_a_token():
    serve_repository(responses.mock, protection=(401, error("Requires authentication")))
    facts = _reader(authenticated=False).read()
    assert facts.pull_requests.value.approved_by_other is None  # REST page only, no GraphQL
    assert facts.security.secret_scanning == Unknown(
        "secret scanning: visible to tokens with admin rights on the repository only")


@pytest.mark.parametrize(("status", "message"), [
    (404, "GitHub repository not found or not visible: octocat/Hello-World"),
    (401, "GitHub refused the token (401 Bad credentials): check GITHUB_TOKEN / GH_TOKEN"),
])
@responses.activate
def test_repository_errors_are_one_line(status, message):
    responses.get(f"https://api.github.com:443/repos/{REPO}", json=error("x"), status=status)
    with pytest.raises(BadTargetError) as raised:
        _reader().read()
    assert str(raised.value) == message


@responses.activate
def test_an_archived_repository_says_so():
    serve_repository(responses.mock, repo={**payload("repo.json"), "archived": True})
    assert _reader().read().archived


@responses.activate
def test_a_truncated_answer_is_unknown_not_a_crash():
    serve_repository(responses.mock, environments_body='{"total_count": 1, "environ')
    facts = _reader().read()
    assert facts.environments == Unknown(
        "environments could not be read: GitHub answered 502 the answer was not complete JSON")


@responses.activate
def test_an_empty_repository_has_no_branch_to_protect():
    serve_repository(responses.mock, repo={**payload("repo.json"), "size": 0, "pushed_at": None})
    protection = _reader().read().protection
    assert protection == Unknown("the repository is empty: it has no default branch yet")
