"""The small condition algebra the CI parsers share: what `a AND (b OR NOT c)` lets a job run on."""

from __future__ import annotations

import pytest

from devops_scan_detectors.ci_conditions import ANYTHING, Narrowing, read_condition
from devops_scan_detectors.ci_travis_rules import travis_atom
from devops_scan_detectors.cimodel import MANUAL, PULL_REQUEST, PUSH, SCHEDULE, TAG

ALL_BUT_TAG = frozenset({PUSH, PULL_REQUEST, SCHEDULE, MANUAL})

CONDITIONS = [
    ("one comparison", "branch = main", Narrowing(events=ALL_BUT_TAG, branches=("main",))),
    # AND binds tighter than OR: pushes to main, or any tag.
    ("and before or", "branch = main AND type = push OR tag IS present",
     Narrowing(events=frozenset({PUSH, TAG}), branches=("main",))),
    ("parentheses", "(type = push OR type = api) AND branch = main",
     Narrowing(events=frozenset({PUSH, MANUAL}), branches=("main",))),
    ("not a branch", "NOT branch = main", Narrowing(branches_ignore=("main",))),
    ("not an event", "type != pull_request", Narrowing(events=frozenset({PUSH, TAG, SCHEDULE, MANUAL}))),
    # What the reader cannot tell (a fork, an env var) narrows nothing: the job may run.
    ("unknown comparison", "fork = false AND env(DEPLOY) = true", ANYTHING),
    ("unknown or known", "repo = acme/x OR branch = main", ANYTHING),
    ("unbalanced", "(branch = main AND (type = push", Narrowing(events=frozenset({PUSH}), branches=("main",))),
    ("empty", "", ANYTHING),
]


@pytest.mark.parametrize(("text", "expected"), [row[1:] for row in CONDITIONS], ids=[row[0] for row in CONDITIONS])
def test_read_condition(text, expected):
    assert read_condition(text, travis_atom) == expected


@pytest.mark.parametrize("text", ["false", "FALSE", "branch = main AND false"])
def test_a_literal_false_can_never_hold(text):
    assert read_condition(text, travis_atom).never is not None


def test_false_in_an_or_does_not_disable():
    assert read_condition("false OR branch = main", travis_atom).never is None
