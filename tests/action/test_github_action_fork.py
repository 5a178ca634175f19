"""The second stage for pull requests from forks: a `workflow_run` job posts the comment the first,
read-only stage saved, after checking it belongs to the pull request the event names."""

from __future__ import annotations

import json

import pytest
import responses

from devops_scan.render.comment import marker
from tests.action.github_fake import FakeIssue, fork_stage_one, run_action, serve_pulls, workflow_run


def test_the_workflow_run_stage_posts_the_saved_comment_once(project, capsys):
    saved = fork_stage_one(project)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        issue = FakeIssue(mock)
        serve_pulls(mock, project)
        argv = ["post-comment", str(saved)]
        assert run_action(project, workflow_run(project), event_name="workflow_run", argv=argv)[0] == 0
        assert run_action(project, workflow_run(project), event_name="workflow_run", argv=argv)[0] == 0
    assert issue.writes == [("POST", 1000)]
    assert issue.comments[0]["body"] == (saved / "comment.md").read_text(encoding="utf-8")
    out = capsys.readouterr().out
    assert "comment created on #7" in out and "comment unchanged on #7" in out


@pytest.mark.parametrize("tamper, message", [
    (lambda saved: (saved / "pr.json").write_text(json.dumps({"number": 8, "head_sha": "x"})),
     "another commit"),
    (lambda saved: (saved / "comment.md").write_text("Click [here](https://evil) @octo-org/admins"),
     "not a devops-scan comment"),
])
def test_the_workflow_run_stage_refuses_a_tampered_artifact(project, capsys, tamper, message):
    saved = fork_stage_one(project)
    tamper(saved)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        issue = FakeIssue(mock)
        serve_pulls(mock, project)
        code, _ = run_action(project, workflow_run(project), event_name="workflow_run",
                             argv=["post-comment", str(saved)])
    assert code == 2 and issue.writes == [] and message in capsys.readouterr().out


def test_the_workflow_run_stage_posts_only_on_the_pull_request_the_event_names(project, capsys):
    saved = fork_stage_one(project)
    (saved / "comment.md").write_text(marker("default") + "\nping @octo-org/admins", encoding="utf-8")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        issue = FakeIssue(mock)
        serve_pulls(mock, project, number=9)   # the branch's open pull request is another one
        code, _ = run_action(project, workflow_run(project), event_name="workflow_run",
                             argv=["post-comment", str(saved)])
        assert code == 2 and issue.writes == []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        issue = FakeIssue(mock)
        serve_pulls(mock, project)
        assert run_action(project, workflow_run(project), event_name="workflow_run",
                          argv=["post-comment", str(saved)])[0] == 0
    assert issue.comments[0]["body"].endswith("ping @\u200bocto-org/admins")   # no live mention
    assert "names pull request #7, but the run is for #9" in capsys.readouterr().out


def test_the_workflow_run_stage_has_nothing_to_do_without_an_artifact(project, tmp_path, capsys):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        code, _ = run_action(project, workflow_run(project), event_name="workflow_run",
                             argv=["post-comment", str(tmp_path / "empty")])
        assert code == 0 and len(mock.calls) == 0
    assert "nothing to post" in capsys.readouterr().out
