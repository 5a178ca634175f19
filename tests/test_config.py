"""The repository's own settings: excludes and declared not-applicable practices."""

from __future__ import annotations

LIB = {
    ".gitignore": "*.pyc\n",
    "lib/a.py": "", "lib/b.py": "", "lib/c.py": "",
    "examples/demo/test_demo.py": "def test():\n    pass\n",
    "examples/demo/.gitlab-ci.yml": "test:\n  script: [pytest]\n",
}


def test_excluded_paths_are_invisible_to_every_detector(repo, scan):
    files = dict(LIB)
    files["examples/demo/Jenkinsfile"] = "pipeline { agent any\n stages { stage('t') { steps { sh 'make' } } } }\n"
    before = scan(repo(files, name="before"))
    assert before["practices"]["test.present"]["outcome"] == "pass"  # only the example has tests
    assert before["inventory"]["ci_systems"] == ["jenkins"]
    files[".devops-scan.yml"] = "exclude:\n  - examples/\n"
    after = scan(repo(files, name="after"))
    assert after["practices"]["test.present"]["outcome"] == "fail"
    assert after["inventory"]["ci_systems"] == []


def test_declared_not_applicable_practice_with_its_reason_and_line(repo, scan):
    files = dict(LIB)
    files[".devops-scan.yml"] = ("not_applicable:\n"
                                 "  - practice: ci.pipeline\n"
                                 "    reason: Built and released by the parent monorepo's pipeline.\n")
    practice = scan(repo(files))["practices"]["ci.pipeline"]
    assert practice["outcome"] == "not_applicable"
    assert practice["reason"] == ("declared not applicable in .devops-scan.yml: "
                                  "Built and released by the parent monorepo's pipeline.")
    assert practice["evidence"] == [{"path": ".devops-scan.yml", "line": 2, "detail": "declared not applicable"}]


def test_entries_without_a_reason_are_refused_with_a_warning(repo, scan):
    files = dict(LIB)
    files[".devops-scan.yml"] = "not_applicable:\n  - practice: ci.pipeline\n  - practice: Not An Id\n    reason: x\n"
    report = scan(repo(files))
    assert report["practices"]["ci.pipeline"]["outcome"] == "fail"
    assert any(".devops-scan.yml:2: not_applicable 'ci.pipeline' has no `reason:`" in w for w in report["warnings"])
    assert any("'Not An Id' is not a practice id" in w for w in report["warnings"])


def test_pyproject_tool_section_works_too(repo, scan):
    files = dict(LIB)
    files["pyproject.toml"] = ('[project]\nname = "lib"\n\n[tool.devops-scan]\nexclude = ["examples/"]\n'
                               'not_applicable = [{practice = "ci.pipeline", reason = "mirrored from elsewhere"}]\n')
    report = scan(repo(files))
    assert report["practices"]["test.present"]["outcome"] == "fail"
    assert report["practices"]["ci.pipeline"]["reason"].endswith("mirrored from elsewhere")


def test_a_broken_config_is_a_warning_and_the_scan_goes_on(repo, scan):
    files = dict(LIB)
    files[".devops-scan.yml"] = "exclude: [examples/\n"
    report = scan(repo(files))
    assert report["practices"]["test.present"]["outcome"] == "pass"
    assert any(w.startswith(".devops-scan.yml: ignored, line") for w in report["warnings"])


def test_unknown_settings_and_wrong_types_are_reported(repo, scan):
    files = dict(LIB)
    files[".devops-scan.yml"] = "exclud: [examples/]\nexclude: examples/\n"
    warnings = scan(repo(files))["warnings"]
    assert ".devops-scan.yml: unknown setting(s) ignored: exclud" in warnings
    assert ".devops-scan.yml: `exclude` must be a list of path patterns; ignored" in warnings


def test_a_pyproject_whose_tool_key_is_not_a_table_is_no_configuration(repo, scan):
    report = scan(repo({**LIB, "pyproject.toml": 'tool = 3\n[project]\nname = "lib"\n'}))
    assert report["practices"]["scm.ignore-file"]["outcome"] == "pass"
