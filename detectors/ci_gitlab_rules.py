"""GitLab CI `rules:`, `only:`/`except:` and `workflow:rules`, decided in each situation a pipeline starts in.

`rules:` are tried in order; the first that matches decides the job's `when` (a rule without `when`
means on_success), `when: never` keeps the job out, and no match keeps it out too. `if:` expressions
are read over the predefined variables the situation fixes (`$CI_PIPELINE_SOURCE`, `$CI_COMMIT_BRANCH`,
`$CI_COMMIT_TAG`, `$CI_DEFAULT_BRANCH`, `$CI_MERGE_REQUEST_*`...). Variables set outside the file
(project settings, pipeline variables — which override the file's own `variables:` too) are unknown:
a rule on them may match, and the job may run. `changes:` may match; `exists:` is checked against the
repository's files. Without `rules:`, `only:` defaults to branches and tags, as in GitLab — unless
`workflow:rules` exist, which lift that default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from devops_scan.clients.fileindex import FileIndex
from devops_scan_detectors.ci_gitlab_expr import both, either, evaluate, is_pattern, regex
from devops_scan_detectors.ci_gitlab_merge import Node, Seq
from devops_scan_detectors.ci_situations import DEFAULT_BRANCH, UNKNOWN, Opaque, Situation, branch_value, equals
from devops_scan_detectors.cimodel import CALL, MANUAL, OTHER, PULL_REQUEST, SCHEDULE, TAG, as_text

# Pipeline sources besides push and merge requests, tried only when the file names them.
SOURCES = {"schedule": SCHEDULE, "web": MANUAL, "trigger": CALL, "pipeline": CALL, "parent_pipeline": CALL,
           "external_pull_request_event": PULL_REQUEST, "api": OTHER, "chat": OTHER, "external": OTHER,
           "webide": OTHER, "ondemand_dast_scan": OTHER, "ondemand_dast_validation": OTHER,
           "security_orchestration_policy": OTHER}
# `only:`/`except:` keywords → the pipeline source they mean.
ONLY_SOURCES = {"schedules": "schedule", "web": "web", "api": "api", "triggers": "trigger",
                "pipelines": "pipeline", "external": "external", "chat": "chat",
                "external_pull_requests": "external_pull_request_event"}


@dataclass
class Rules:
    """Evaluates conditions in situations; remembers the outside variables they depended on."""

    files: FileIndex
    # The repository's default branch, when the scan knows it.
    default: str | None = None
    outside_variables: set[str] = field(default_factory=set)

    def variable(self, name: str, situation: Situation) -> Any:
        event, branch = situation.event, situation.branch
        known: dict[str, Any] = {"CI_PIPELINE_SOURCE": situation.source, "CI": "true", "GITLAB_CI": "true",
                                 "CI_DEFAULT_BRANCH": branch_value(DEFAULT_BRANCH, self.default)}
        if event == TAG:
            known.update(CI_COMMIT_TAG=Opaque("", "tag"), CI_COMMIT_REF_NAME=Opaque("", "tag"), CI_COMMIT_BRANCH=None)
        elif event == PULL_REQUEST:
            # The source branch of a merge request is taken to be a branch the file never names (a feature
            # branch); its target may be any branch.
            source = Opaque("", "unnamed")
            known.update(CI_COMMIT_TAG=None, CI_COMMIT_BRANCH=None, CI_COMMIT_REF_NAME=source,
                         CI_MERGE_REQUEST_SOURCE_BRANCH_NAME=source, CI_MERGE_REQUEST_ID=Opaque("", "mr"),
                         CI_MERGE_REQUEST_IID=Opaque("", "mr"))
        elif branch is not None:
            value = Opaque("", branch) if is_pattern(branch) else branch_value(branch, self.default)
            known.update(CI_COMMIT_TAG=None, CI_COMMIT_BRANCH=value, CI_COMMIT_REF_NAME=value)
        if name in known:
            return known[name]
        if name.startswith("CI_MERGE_REQUEST_"):
            return UNKNOWN if event == PULL_REQUEST else None
        if name.startswith("CI_COMMIT_TAG"):
            return UNKNOWN if event == TAG else None
        if not name.startswith(("CI_", "GITLAB_")):
            self.outside_variables.add(name)
        return UNKNOWN

    def condition(self, expression: Any, situation: Situation) -> bool | None:
        text = as_text(expression)
        return None if text is None else evaluate(text, lambda name: self.variable(name, situation))

    def first_match(self, rules: Iterable[tuple[Any, Any]], situation: Situation) -> str | None:
        """The `when` of the first rule that matches (None: no rule matches, the job is left out)."""
        for rule, _location in rules:
            if not isinstance(rule, Node):
                continue
            matched: bool | None = True
            if "if" in rule:
                matched = self.condition(rule.get("if"), situation)
            if matched is not False and "exists" in rule:
                matched = both(matched, self._exists(rule.get("exists")))
            if matched is not False and "changes" in rule:
                matched = both(matched, None)  # depends on what the push changed
            when = as_text(rule.get("when")) or "on_success"
            if matched is True or (matched is None and when != "never"):
                return when  # a rule that may match and lets the job in: it may run
        return None

    def _exists(self, value: Any) -> bool | None:
        patterns = value.get("paths") if isinstance(value, Node) else value
        if isinstance(value, Node) and "project" in value:
            return None  # files of another project
        globs = [patterns] if isinstance(patterns, str) else [p for p in patterns or () if isinstance(p, str)]
        if any("$" in glob or "{" in glob for glob in globs):
            return None
        return any(self.files.glob(glob.lstrip("/")) for glob in globs)

    def only_except(self, only: Any, except_: Any, situation: Situation, default_only: bool) -> bool | None:
        """Whether `only:`/`except:` let the job into a pipeline of this situation."""
        if only is None and default_only:
            only = ["branches", "tags"]
        included = True if only is None else self._policy(only, situation)
        excluded = False if except_ is None else self._policy(except_, situation)
        return both(included, None if excluded is None else not excluded)

    def _policy(self, policy: Any, situation: Situation) -> bool | None:
        """All keys of a policy must match (GitLab joins them with AND); refs match if any does."""
        if not isinstance(policy, Node):
            policy = {"refs": policy}
        result: bool | None = True
        if "refs" in policy:
            refs = policy["refs"] if isinstance(policy["refs"], (Seq, list)) else [policy["refs"]]
            result = either(self._ref(ref, situation) for ref in refs)
        if "variables" in policy:
            expressions = policy["variables"] if isinstance(policy["variables"], (Seq, list)) else [policy["variables"]]
            result = both(result, either(self.condition(e, situation) for e in expressions))
        if "changes" in policy or "kubernetes" in policy:
            result = both(result, None)
        return result

    def _ref(self, ref: Any, situation: Situation) -> bool | None:
        text = as_text(ref)
        if text is None:
            return False
        event, source = situation.event, situation.source
        if text == "branches":
            return event not in (TAG, PULL_REQUEST)
        if text == "tags":
            return event == TAG
        if text == "merge_requests":
            return event == PULL_REQUEST and source == "merge_request_event"
        if text == "pushes":
            return source == "push"
        if text in ONLY_SOURCES:
            return source == ONLY_SOURCES[text]
        if "@" in text:
            text, _, _project = text.partition("@")
            if not text:
                return None
        name = self.variable("CI_COMMIT_REF_NAME", situation)
        if is_pattern(text):
            return regex(name, text)
        return equals(name, text)


