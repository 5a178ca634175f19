"""The settings-file readers: line numbers where the formats allow, and never an exception on
arbitrary input (hypothesis), because one odd file must not cost the other files' evidence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_scan_detectors.code_text import blank_comments, braced_block, object_after
from devops_scan_detectors.config_readers import json_line, parse_ini, parse_json, parse_toml, toml_line
from devops_scan_detectors.xml_reader import REFUSED, parse_xml

SETUP_CFG = """[metadata]
name = stockroom

; a comment
[tool:pytest]
testpaths = tests
addopts =
    --strict-markers
    --cov=stockroom

    --cov-fail-under=85
# trailing comment
[coverage:report]
Fail_Under = 80
"""


def test_ini_sections_entries_and_multi_line_values_keep_their_lines():
    ini = parse_ini(SETUP_CFG)
    assert [(s.name, s.line) for s in ini.sections] == [("metadata", 1), ("tool:pytest", 5), ("coverage:report", 13)]
    addopts = ini.section("tool:pytest").get("addopts")
    assert addopts.line == 7
    assert addopts.value == "--strict-markers\n--cov=stockroom\n--cov-fail-under=85"
    # `--cov` is the option on line 9, not the start of `--cov-fail-under`.
    assert [addopts.line_of(option) for option in ("--cov", "--cov-fail-under", "--absent")] == [9, 11, 7]
    # Keys are case-insensitive, as configparser (and so coverage.py) reads them.
    assert ini.section("coverage:report").get("fail_under").value == "80"


TOML = """[tool.pytest.ini_options]
addopts = "--cov"

[tool.coverage]
report.fail_under = 90
[tool."coverage".run]
branch = true
"""


@pytest.mark.parametrize(("dotted", "line"), [
    ("tool.pytest.ini_options", 1), ("tool.pytest.ini_options.addopts", 2), ("tool.coverage", 4),
    ("tool.coverage.report.fail_under", 5), ("tool.coverage.run.branch", 7), ("tool.absent", None),
])
def test_toml_lines_are_found_for_every_way_of_writing_a_key(dotted, line):
    assert parse_toml(TOML)["tool"]["coverage"]["report"]["fail_under"] == 90
    assert toml_line(TOML, dotted) == line


PACKAGE_JSON = ('{\n  "devDependencies": {\n    "jest": "^29.7.0"\n  },\n  "jest": {\n    "coverageThreshold": {\n'
                '      "global": {"lines": 90}\n    }\n  }\n}\n')


def test_json_lines_follow_nested_keys_and_skip_same_named_strings():
    assert parse_json(PACKAGE_JSON)["jest"]["coverageThreshold"]["global"]["lines"] == 90
    # The dependency `"jest": "^29"` on line 3 is not the `"jest": {` settings object on line 5.
    assert json_line(PACKAGE_JSON, "jest", "coverageThreshold", "global", "lines") == 7
    assert json_line(PACKAGE_JSON, "jest", object_last=True) == 5
    assert json_line(PACKAGE_JSON, "jest") == 3
    assert json_line(PACKAGE_JSON, "jest", "absent") is None


def test_comments_are_blanked_but_strings_and_lines_are_kept():
    code = "a = 'http://x' // note\n/* block\n collectCoverage: true */ b = \"#\"\n"
    blanked = blank_comments(code)
    assert len(blanked) == len(code) and blanked.count("\n") == code.count("\n")
    assert "'http://x'" in blanked and "note" not in blanked and "collectCoverage" not in blanked
    assert blank_comments("x = 1 # coverage\ny = '#'\n", hash_comments=True) == "x = 1           \ny = '#'\n"


def test_blocks_are_cut_at_their_matching_brace():
    code = "module.exports = { coverageThreshold: { global: { lines: 90, x: '}' } }, other: {} };"
    body, start = object_after(code, "coverageThreshold")
    assert body == " global: { lines: 90, x: '}' } "
    assert code[start:].startswith(" global")
    assert object_after(code, "absent") is None
    assert braced_block("{ unclosed", 0) is None


@pytest.mark.parametrize(("text", "problem"), [
    ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">]>\n<project>&lol;</project>', REFUSED),
    ("<project><build></project>", "not well-formed XML (line 1: mismatched tag)"),
    ("", "not well-formed XML (line 1: no element found)"),
], ids=["entities", "mismatched", "empty"])
def test_xml_with_entities_or_broken_markup_is_refused_with_a_reason(text, problem):
    result = parse_xml(text)
    assert result.root is None
    assert result.problem == problem


def test_xml_elements_keep_lines_and_drop_namespaces():
    text = ('<project xmlns="http://maven.apache.org/POM/4.0.0">\n  <build>\n    <plugins>\n      <plugin>\n'
            "        <artifactId>jacoco-maven-plugin</artifactId>\n      </plugin>\n    </plugins>\n"
            "  </build>\n</project>\n")
    root = parse_xml(text).root
    [plugin] = root.path("build", "plugins", "plugin")
    assert (root.tag, plugin.line, plugin.text_of("artifactId")) == ("project", 4, "jacoco-maven-plugin")
    assert [element.tag for element in root.iter("artifactId")] == ["artifactId"]


# --- no parser raises on arbitrary input ----------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
SYNTAX = st.lists(st.sampled_from(["[", "]", "{", "}", "=", ":", "\n", "  ", '"', "'", "#", "//", "/*", "*/",
                                   "<a>", "</a>", "<!ENTITY", "x", "1", ",", "\\", "`"]), max_size=60).map("".join)


@settings(max_examples=80, deadline=None)
@given(st.one_of(TEXT, SYNTAX))
def test_readers_never_raise(text):
    parse_ini(text)
    parse_toml(text)
    parse_json(text)
    result = parse_xml(text)
    assert (result.root is None) == (result.problem is not None)
    toml_line(text, "tool.coverage.report")
    json_line(text, "jest", "coverageThreshold")
    blanked = blank_comments(text)
    assert len(blanked) == len(text) and blanked.count("\n") == text.count("\n")
    assert len(blank_comments(text, hash_comments=True)) == len(text)
    object_after(text, "coverage")
