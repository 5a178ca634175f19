"""The tolerant Groovy/Kotlin scanner under Jenkinsfiles and TeamCity settings: what it reads, and how it
repairs what it cannot (each repair is a problem with its line, never an exception)."""

from __future__ import annotations

import pytest

from devops_scan_detectors.ci_groovy import MAX_DEPTH, call_of, parse, statements, string_value
from devops_scan_detectors.ci_groovy_lexer import STRING, tokenize


def calls(text: str) -> list[tuple[str, str | None, int]]:
    root, _ = parse(text)
    found = []
    for statement in statements(root):
        call = call_of(statement)
        if call is not None:
            found.append((call.name, call.first_string("script"), call.line))
    return found


READS = [
    ("command call", "sh 'make'", [("sh", "make", 1)]),
    ("parenthesised", "sh(script: \"make test\", returnStatus: true)", [("sh", "make test", 1)]),
    ("semicolons", "echo 'a'; sh 'b'", [("echo", "a", 1), ("sh", "b", 1)]),
    ("assignment", "def out = sh(script: 'git rev-parse HEAD', returnStdout: true).trim()",
     [("sh", "git rev-parse HEAD", 1)]),
    ("dotted", "docker.build('app:1')", [("docker.build", "app:1", 1)]),
    ("line comment", "// sh 'no'\nsh 'yes'", [("sh", "yes", 2)]),
    ("block comment", "/* sh 'no'\n sh 'no' */\nsh 'yes'", [("sh", "yes", 3)]),
    ("triple quotes keep lines", "sh '''\n  make\n  make test\n'''", [("sh", "\n  make\n  make test\n", 1)]),
    ("concatenation", "sh 'make ' + target", [("sh", "make ${target}", 1)]),
    ("method on the literal", "sh \"\"\"\n make\n\"\"\".stripIndent()", [("sh", "\n make\n", 1)]),
    ("brace on the next line", "stage('x')\n{\n}\nsh 'after'", [("stage", "x", 1), ("sh", "after", 4)]),
    ("chained call on the next line", "docker.image('x')\n  .inside {\n sh 'y'\n}", [("docker.image", "x", 1)]),
    ("shebang", "#!groovy\nsh 'x'", [("sh", "x", 2)]),
]


@pytest.mark.parametrize(("text", "expected"), [row[1:] for row in READS], ids=[row[0] for row in READS])
def test_reads(text, expected):
    assert calls(text) == expected


REPAIRS = [
    ("unterminated quote ends at the line end", "sh 'make\nsh 'test'", "line 1: unterminated ' string",
     [("sh", "make", 1), ("sh", "test", 2)]),
    ("unterminated triple quote", 'sh """\nmake', 'line 1: unterminated """ string', [("sh", "\nmake", 1)]),
    ("unterminated comment", "sh 'a'\n/* never closed", "line 2: unterminated /* comment */", [("sh", "a", 1)]),
    ("stray closer", "}\nsh 'a'", "line 1: `}` closes nothing; skipped", [("sh", "a", 2)]),
    ("unclosed block", "node {\n sh 'a'", "line 1: `{` is never closed", [("node", None, 1)]),
]


@pytest.mark.parametrize(("text", "problem", "expected"), [row[1:] for row in REPAIRS],
                         ids=[row[0] for row in REPAIRS])
def test_repairs(text, problem, expected):
    _, problems = parse(text)
    assert problem in problems
    assert calls(text) == expected


def test_deep_nesting_is_flattened_not_recursed():
    text = "a {" * 5000 + "sh 'deep'" + "}" * 5000
    root, problems = parse(text)
    assert any(f"nested deeper than {MAX_DEPTH} levels" in problem for problem in problems)
    depth, group = 0, root
    while group.items and hasattr(group.items[-1], "items"):
        group, depth = group.items[-1], depth + 1
    assert depth <= MAX_DEPTH + 1


def test_interpolation_with_quotes_and_braces_stays_one_string():
    tokens, problems = tokenize('echo "${env.A ?: "}"} and ${[1, 2].collect { it }}"')
    strings = [token.text for token in tokens if token.kind == STRING]
    assert strings == ['${env.A ?: "}"} and ${[1, 2].collect { it }}']
    assert problems == []


def test_string_value_refuses_expressions():
    root, _ = parse("sh(script: cmd.join(' '))")
    call = call_of(statements(root)[0])
    assert call is not None and string_value(call.named("script") or ()) is None


@pytest.mark.parametrize("text", ["stage('x')\n{\n  sh 'inside'\n}", "docker.image('x')\n  .inside {\n sh 'inside'\n}"],
                         ids=["allman brace", "chained call"])
def test_a_closure_on_the_next_line_belongs_to_the_call_above(text):
    root, _ = parse(text)
    [statement] = statements(root)
    call = call_of(statement)
    assert call is not None and len(call.closures) == 1
    [inner] = statements(call.closures[0])
    assert call_of(inner).first_string() == "inside"
