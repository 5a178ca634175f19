"""TestsPresentDetector (`test.present`, inventory `tests{files, by_language}`) on real git repositories."""

from __future__ import annotations

import pytest

from tests.testing.repos import FIXTURES


def counts(source: int, test: int) -> dict[str, int]:
    return {"source_files": source, "test_files": test}


def is_test_file_fact(fact: dict) -> bool:
    return fact["detail"].endswith(" test file") or fact["detail"] == "Rust unit tests in a source file"


def evidence_paths(report: dict) -> list[str]:
    """The test files in the evidence (frameworks and suites are asserted on their own)."""
    return [fact["path"] for fact in report["practices"]["test.present"]["evidence"] if is_test_file_fact(fact)]


def framework_evidence(report: dict) -> list[str]:
    return [f"{fact['path']}:{fact['line']} {fact['detail']}"
            for fact in report["practices"]["test.present"]["evidence"] if not is_test_file_fact(fact)]

# (fixture, outcome, by_language, test files that must be in the evidence, frameworks: inventory and evidence)
FIXTURE_TABLE = [
    ("python-lib", "pass", {"Python": counts(2, 2)}, ["tests/conftest.py", "tests/test_loader.py"],
     ["pytest"], ["pyproject.toml:16 pytest: `pytest` declared as a dependency"]),
    ("ci-polyglot", "pass", {"Go": counts(3, 2)},
     ["internal/api/handler_test.go", "internal/store/store_test.go"],
     ["go-testing"], ['internal/api/handler_test.go:7 go-testing: imports "testing" (2 of 2 test files read)']),
    # The helper under src/test/java counts although its name is not *Test.java.
    ("java-maven", "pass", {"Java": counts(2, 2)},
     ["src/test/java/com/example/inventory/InventoryServiceTest.java",
      "src/test/java/com/example/inventory/support/Stock.java"],
     ["junit5"], ["pom.xml:19 junit5: `org.junit.jupiter:junit-jupiter` declared as a dependency"]),
    # Every file of the Ledger.Tests project is a test file, whatever its name.
    ("dotnet", "pass", {"C#": counts(2, 2)}, ["Ledger.Tests/GlobalUsings.cs", "Ledger.Tests/JournalFacts.cs"],
     ["xunit"], ["Ledger.Tests/Ledger.Tests.csproj:13 xunit: `xunit` declared as a dependency"]),
    ("ruby-rspec", "pass", {"Ruby": counts(3, 3)},
     ["spec/shipping_rates/calculator_spec.rb", "spec/shipping_rates_spec.rb", "spec/spec_helper.rb"],
     ["rspec"], [".rspec:None rspec: rspec configuration file"]),
    # lib.rs holds a #[cfg(test)] module and is a source file as well; parse.rs and the example have no tests.
    ("rust-inline", "pass", {"Rust": counts(3, 1)}, ["src/lib.rs"],
     ["cargo-test"], ["src/lib.rs:34 cargo-test: unit tests inside 1 source file(s), run by `cargo test`"]),
    ("lookalikes", "pass", {"Python": counts(3, 1), "Shell": counts(1, 0)}, ["tests/test_cells.py"],
     ["pytest"], ["tox.ini:5 pytest: `pytest` declared as a dependency"]),
    # The vendored packages' own test runners are not the project's frameworks either.
    ("vendored-tests", "fail", {"Go": counts(3, 0), "JavaScript": counts(2, 0)}, [], [], []),
    ("docs-only", "not_applicable", {}, [], [], []),
    # jest.config.js is tool configuration, not untested JavaScript.
    ("cov-jest-threshold", "pass", {"TypeScript": counts(3, 2)},
     ["src/cart/cart.test.ts", "src/pricing/discounts.test.ts"],
     ["jest"], ["jest.config.js:None jest: jest configuration file"]),
    ("tests-go-terratest", "pass", {"Go": counts(0, 1)}, ["test/static_site_test.go"],
     ["go-testing", "terratest", "testify"],
     ['test/static_site_test.go:8 go-testing: imports "testing" (1 of 1 test files read)',
      "test/go.mod:6 terratest: `github.com/gruntwork-io/terratest` declared as a dependency",
      "test/go.mod:7 testify: `github.com/stretchr/testify` declared as a dependency"]),
    # Suites in no programming language are tests too: a chart or a role with them has tests.
    ("tests-helm-unittest", "pass", {}, [], ["helm-unittest"],
     ["charts/webapp/tests:None helm-unittest suite: 2 helm-unittest suite file(s)",
      "charts/webapp/tests/deployment_test.yaml:1 helm-unittest: helm-unittest suite"]),
    ("tests-ansible-molecule", "pass", {}, [], ["molecule"],
     ["molecule/default:None molecule suite: Molecule scenario `default` (molecule/default/molecule.yml)",
      "molecule/rockylinux:None molecule suite: Molecule scenario `rockylinux` (molecule/rockylinux/molecule.yml)",
      "molecule/default/molecule.yml:None molecule: Molecule scenario `default`"]),
]


@pytest.mark.parametrize(("name", "outcome", "by_language", "expected", "frameworks", "framework_facts"),
                         FIXTURE_TABLE, ids=[row[0] for row in FIXTURE_TABLE])
def test_fixture_repositories(fixture_repo, scan, name, outcome, by_language, expected, frameworks, framework_facts):
    report = scan(fixture_repo(name))
    assert report["practices"]["test.present"]["outcome"] == outcome
    assert report["practices"]["test.present"]["detector"] == "tests-present"
    assert report["inventory"]["tests"] == {
        "files": sum(c["test_files"] for c in by_language.values()),
        "by_language": by_language,
    }
    assert evidence_paths(report) == expected
    assert report["inventory"]["test_frameworks"] == frameworks
    assert framework_evidence(report) == framework_facts


def test_pass_reason_counts_tests_and_sources_and_names_untested_languages(fixture_repo, scan):
    reason = scan(fixture_repo("lookalikes"))["practices"]["test.present"]["reason"]
    assert reason == "1 Python test file(s) for 3 source file(s); no tests found for Shell; frameworks: pytest"


@pytest.mark.parametrize(("name", "reason"), [
    ("tests-helm-unittest", "1 helm-unittest test folder(s); frameworks: helm-unittest"),
    ("tests-ansible-molecule", "2 Molecule scenario(s); frameworks: molecule"),
    ("tests-e2e-playwright",
     "2 TypeScript test file(s) for 4 source file(s); frameworks: playwright, testing-library, vitest"),
])
def test_pass_reason_names_suites_and_frameworks(fixture_repo, scan, name, reason):
    assert scan(fixture_repo(name))["practices"]["test.present"]["reason"] == reason


def test_a_framework_configured_without_test_files_is_named_in_the_failure(repo, scan):
    practice = scan(repo({"pyproject.toml": "[tool.pytest.ini_options]\ntestpaths = [\"tests\"]\n",
                          "app/a.py": "", "app/b.py": "", "app/c.py": ""}))["practices"]["test.present"]
    assert practice["outcome"] == "fail"
    assert practice["reason"] == ("no test files found for Python (3 source files); configured but without test "
                                  "files: pytest")
    assert practice["evidence"] == [{"path": "pyproject.toml", "line": 1,
                                     "detail": "pytest: [tool.pytest.ini_options] table"}]


def test_rust_inline_tests_are_found_with_their_line(fixture_repo, scan):
    lines = (FIXTURES / "repos/rust-inline/src/lib.rs").read_text(encoding="utf-8").splitlines()
    expected_line = lines.index("#[cfg(test)]") + 1
    report = scan(fixture_repo("rust-inline"))
    practice = report["practices"]["test.present"]
    assert practice["evidence"] == [
        {"path": "src/lib.rs", "line": expected_line, "detail": "Rust unit tests in a source file"},
        {"path": "src/lib.rs", "line": expected_line,
         "detail": "cargo-test: unit tests inside 1 source file(s), run by `cargo test`"},
    ]
    assert expected_line == 34
    assert practice["reason"] == "1 Rust test file(s) for 3 source file(s); frameworks: cargo-test"


def test_a_one_file_crate_with_inline_tests_still_has_a_source_file(repo, scan):
    # Regression: the file holding the tests was moved out of the source count: "for 0 source file(s)".
    report = scan(repo({
        "Cargo.toml": "[package]\nname = \"slug\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        "src/lib.rs": "pub fn slug(s: &str) -> String {\n    s.to_lowercase().replace(' ', \"-\")\n}\n\n"
                      "#[test]\nfn spaces_become_dashes() {\n    assert_eq!(slug(\"A b\"), \"a-b\");\n}\n",
    }))
    practice = report["practices"]["test.present"]
    assert practice["reason"] == "1 Rust test file(s) for 1 source file(s); frameworks: cargo-test"
    assert practice["evidence"][0]["line"] == 5


def test_vendored_tests_do_not_count(fixture_repo, scan):
    report = scan(fixture_repo("vendored-tests"))
    practice = report["practices"]["test.present"]
    # vendor/…/uuid_test.go, web/node_modules/**/test*.js and third_party/**/tests/*.c are someone
    # else's tests; the vendored sources are not the project's languages either (no C/C++ here).
    assert practice["reason"] == "no test files found for Go (3 source files), JavaScript (2 source files)"
    assert practice["evidence"] == []


def test_docs_only_is_not_applicable(fixture_repo, scan):
    practice = scan(fixture_repo("docs-only"))["practices"]["test.present"]
    assert practice["outcome"] == "not_applicable"
    assert practice["reason"] == "no source files in a language devops-scan knows: nothing to unit-test"


# --- each language's conventions -----------------------------------------------------------------------

CONVENTIONS = [
    # (language, files, the test files among them)
    ("Python", {"polls/models.py": "", "polls/views.py": "", "polls/tests.py": "from django.test import TestCase\n"},
     ["polls/tests.py"]),  # Django's startapp layout
    ("Python", {"pkg/clock.py": "", "pkg/clock_test.py": "", "pkg/test_alarm.py": ""},
     ["pkg/clock_test.py", "pkg/test_alarm.py"]),
    ("JavaScript", {"src/cart.js": "", "src/__tests__/cart.js": "", "src/Button.test.jsx": "", "test/api.mjs": ""},
     ["src/Button.test.jsx", "src/__tests__/cart.js", "test/api.mjs"]),
    ("TypeScript", {"src/app.ts": "", "src/app.spec.ts": "", "cypress/e2e/login.cy.ts": "", "src/types.d.ts": ""},
     ["cypress/e2e/login.cy.ts", "src/app.spec.ts"]),
    ("Go", {"pkg/rate/limiter.go": "", "pkg/rate/limiter_test.go": "", "test/e2e/framework.go": ""},
     ["pkg/rate/limiter_test.go"]),
    ("Java", {"core/src/main/java/Order.java": "", "core/src/test/java/OrderTests.java": "",
              "core/src/test/java/Builders.java": "", "it/src/main/java/CheckoutIT.java": ""},
     ["core/src/test/java/Builders.java", "core/src/test/java/OrderTests.java", "it/src/main/java/CheckoutIT.java"]),
    ("Kotlin", {"app/src/main/kotlin/Feed.kt": "", "app/src/test/kotlin/FeedTest.kt": "",
                "app/src/test/kotlin/Fakes.kt": ""},
     ["app/src/test/kotlin/Fakes.kt", "app/src/test/kotlin/FeedTest.kt"]),
    ("Scala", {"src/main/scala/Parser.scala": "", "src/test/scala/ParserSpec.scala": ""},
     ["src/test/scala/ParserSpec.scala"]),
    ("C#", {"Billing/Invoice.cs": "", "Billing.UnitTests/InvoiceFacts.cs": "", "Billing/InvoiceTests.cs": ""},
     ["Billing.UnitTests/InvoiceFacts.cs", "Billing/InvoiceTests.cs"]),
    ("Ruby", {"lib/cart.rb": "", "test/test_cart.rb": "", "test/models/user_test.rb": "", "test/test_helper.rb": ""},
     ["test/models/user_test.rb", "test/test_cart.rb", "test/test_helper.rb"]),
    ("PHP", {"src/Cart.php": "", "tests/Unit/CartTest.php": "", "tests/bootstrap.php": ""},
     ["tests/Unit/CartTest.php", "tests/bootstrap.php"]),
    ("Rust", {"src/main.rs": "fn main() {}\n", "tests/cli.rs": "#[test]\nfn runs() {}\n"}, ["tests/cli.rs"]),
    ("Swift", {"Sources/Kit/Kit.swift": "", "Tests/KitTests/KitTests.swift": "", "Tests/KitTests/Helpers.swift": ""},
     ["Tests/KitTests/Helpers.swift", "Tests/KitTests/KitTests.swift"]),
    ("Elixir", {"lib/queue.ex": "", "test/queue_test.exs": "", "test/test_helper.exs": ""},
     ["test/queue_test.exs", "test/test_helper.exs"]),
    ("C/C++", {"src/ring.c": "", "src/ring.h": "", "src/ring_unittest.cc": "", "tests/fuzz.c": ""},
     ["src/ring_unittest.cc", "tests/fuzz.c"]),
    ("Shell", {"bin/release.sh": "", "test/release.bats": ""}, ["test/release.bats"]),
]


@pytest.mark.parametrize(("language", "files", "expected"), CONVENTIONS,
                         ids=[f"{row[0]}-{index}" for index, row in enumerate(CONVENTIONS)])
def test_language_conventions(repo, scan, language, files, expected):
    report = scan(repo(files))
    assert report["practices"]["test.present"]["outcome"] == "pass"
    assert sorted(evidence_paths(report)) == expected
    found = report["inventory"]["tests"]["by_language"][language]
    assert found["test_files"] == len(expected)
    assert found["source_files"] == len(files) - len(expected)


NOT_TESTS = [
    # Names that only look like tests: a naive `"test" in path` scanner counts them all.
    ("Python", {"app/latest.py": "", "app/contest.py": "", "app/testing_tools.py": "", "tests/__init__.py": ""}),
    ("Go", {"internal/test/helpers.go": "", "cmd/tester/main.go": "", "internal/api/api.go": ""}),
    ("JavaScript", {"src/testUtils.js": "", "src/attest.js": "", "src/index.js": ""}),
    ("Rust", {"src/lib.rs": "// no tests here, see the test plan in README\npub fn f() {}\n",
              "src/cfg.rs": "#[cfg(not(test))]\npub fn g() {}\n", "src/main.rs": "fn main() {}\n"}),
]


@pytest.mark.parametrize(("language", "files"), NOT_TESTS, ids=[row[0] for row in NOT_TESTS])
def test_lookalike_names_are_not_tests(repo, scan, language, files):
    report = scan(repo(files))
    practice = report["practices"]["test.present"]
    assert practice["outcome"] == "fail"
    assert practice["reason"].startswith(f"no test files found for {language} (")
    assert practice["evidence"] == []
    assert report["inventory"]["tests"]["files"] == 0


def test_evidence_is_a_sample_shared_between_languages(repo, scan):
    files = {f"pkg/m{i:02}.go": "" for i in range(30)}
    files |= {f"pkg/m{i:02}_test.go": "" for i in range(30)}
    files |= {f"tests/test_m{i:02}.py": "" for i in range(30)}
    files |= {"tools/gen.py": ""}
    report = scan(repo(files))
    practice = report["practices"]["test.present"]
    assert practice["reason"] == "30 Go test file(s) for 30 source file(s); 30 Python test file(s) for 1 source file(s)"
    assert [fact["path"] for fact in practice["evidence"]] == (
        [f"pkg/m{i:02}_test.go" for i in range(5)] + [f"tests/test_m{i:02}.py" for i in range(5)]
    )
    assert report["inventory"]["tests"]["files"] == 60


def test_untracked_test_files_do_not_count(repo, scan):
    path = repo({"src/app/core.py": "def f():\n    return 1\n", "src/app/cli.py": "", "src/app/io.py": ""})
    (path / "tests").mkdir()
    (path / "tests/test_core.py").write_text("def test_f():\n    pass\n", encoding="utf-8")
    practice = scan(path)["practices"]["test.present"]
    assert practice["outcome"] == "fail"
    assert practice["reason"] == "no test files found for Python (3 source files)"


def test_too_little_code_to_expect_tests_is_not_applicable(repo, scan):
    # A documentation site whose only code is Sphinx's conf.py is not a project missing its tests.
    practice = scan(repo({"docs/conf.py": "project = 'x'\n", "docs/index.rst": "Hi\n"}))["practices"]["test.present"]
    assert practice["outcome"] == "not_applicable"
    assert practice["reason"] == "only 1 source file(s): too little code to expect unit tests"


def test_test_data_trees_are_neither_code_nor_tests(repo, scan):
    files = {"app/a.py": "", "app/b.py": "", "app/c.py": "",
             "tests/fixtures/sample-project/tests/test_x.py": "", "pkg/testdata/case_test.go": ""}
    report = scan(repo(files))
    assert report["practices"]["test.present"]["outcome"] == "fail"
    assert report["inventory"]["tests"]["by_language"] == {"Python": {"source_files": 3, "test_files": 0}}


def test_a_bug_in_framework_reading_does_not_cost_the_test_counts(repo, scan, monkeypatch):
    from devops_scan_detectors import tests_present

    def broken(client, context):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(tests_present, "test_frameworks", broken)
    report = scan(repo({"app/a.py": "", "app/b.py": "", "tests/test_a.py": "import pytest\n"}))
    practice = report["practices"]["test.present"]
    assert (practice["outcome"], practice["reason"]) == ("pass", "1 Python test file(s) for 2 source file(s)")
    assert report["inventory"]["test_frameworks"] == []
    assert "tests-present: test frameworks and suites not read (RuntimeError: parser bug)" in report["warnings"]
