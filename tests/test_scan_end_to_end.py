from __future__ import annotations


def test_a_small_python_project_reaches_beginner_in_source_control(repo, scan):
    path = repo({
        ".gitignore": "__pycache__/\n",
        "src/app/__init__.py": "",
        "src/app/core.py": "def add(a, b):\n    return a + b\n",
        "tests/test_core.py": "from app.core import add\n\ndef test_add():\n    assert add(1, 2) == 3\n",
        ".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                                    "    steps:\n      - uses: actions/checkout@v4\n      - run: pytest\n",
    })
    report = scan(path)
    assert report["levels"]["source-control"] == "beginner"
    assert report["practices"]["ci.pipeline"]["outcome"] == "pass"
    assert report["practices"]["ci.pipeline"]["evidence"][0]["path"] == ".github/workflows/ci.yml"
    assert report["practices"]["test.present"]["outcome"] == "pass"
    assert report["inventory"]["ci_systems"] == ["github-actions"]
    # Practices no installed detector decides are unknown, never fail.
    assert report["practices"]["scm.protected-trunk"]["outcome"] == "unknown"
    assert "token" in report["practices"]["scm.protected-trunk"]["reason"]
