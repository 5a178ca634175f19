"""The safe YAML loader: never raises anything but YamlProblem, bounds alias bombs and depth."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_scan.yamlsafe import YamlProblem, iter_strings, key_line, load_yaml


def test_lines_are_one_based_for_evidence():
    doc = load_yaml("on: push\njobs:\n  test:\n    runs-on: x\n").first
    assert (key_line(doc, "jobs"), key_line(doc["jobs"], "test")) == (2, 3)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a: [\n", "expected the node content", 2),  # reported at the end of the text
        ("a: 1\na: 2\n", "duplicate key", 2),
        ("a:\n\tb: 1\n", "cannot start any token", 2),
        ("- " * 100 + "x", "nested deeper than 64 levels", 1),
    ],
)
def test_problems_carry_a_message_and_line(text, message, line):
    with pytest.raises(YamlProblem) as caught:
        load_yaml(text)
    assert message in caught.value.message and caught.value.line == line


def test_input_that_crashes_ruamels_constructor_is_a_problem_or_a_string():
    # `!!int` with no digits raises IndexError inside ruamel's own int constructor.
    with pytest.raises(YamlProblem, match="unreadable YAML"):
        load_yaml("!!int", positions=False)
    assert load_yaml("!!int").first == ""  # our constructor keeps odd scalars as their text


def test_valid_yaml_12_that_libyaml_rejects_still_loads():
    doc = load_yaml("source: {uri: https://example.com/web.git}\n").first
    assert doc["source"]["uri"] == "https://example.com/web.git"


def test_merge_keys_and_scalars_of_the_core_schema():
    doc = load_yaml(".base: &base\n  image: node\n  retry: 2\njob:\n  <<: *base\n  retry: 0x10\n"
                    "  flags: [true, yes, null, 010, 1.5, .inf, 2026-01-01]\n").first
    assert doc["job"]["image"] == "node" and doc["job"]["retry"] == 16
    assert doc["job"]["flags"] == [True, "yes", None, 10, 1.5, float("inf"), "2026-01-01"]
    assert key_line(doc["job"], "retry") == 6


def test_billion_laughs_is_refused_before_anything_walks_it():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(YamlProblem, match="aliases expand"):
        load_yaml("\n".join(lines))


def test_ordinary_anchors_are_fine():
    doc = load_yaml(".defaults: &defaults\n  image: python\njob:\n  <<: *defaults\n  script: [pytest]\n").first
    assert doc["job"]["image"] == "python"
    assert "pytest" in list(iter_strings(doc))


def test_fast_mode_gives_plain_values_without_lines():
    doc = load_yaml("a: {b: [1, 2]}\n", positions=False).first
    assert doc == {"a": {"b": [1, 2]}} and key_line(doc, "a") is None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_arbitrary_text_loads_or_raises_yaml_problem(text):
    for positions in (True, False):
        try:
            load_yaml(text, positions=positions)
        except YamlProblem:
            pass


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a:", " ", "\n", "- ", "&x ", "*x", "!!int", "!!float", "[", "]", "{", "}",
                                 ",", "'", '"', "? ", "|", ">", "<<: ", "---\n", "1", "true", "%YAML 1.1\n"]),
                max_size=40))
def test_yaml_token_soup_loads_or_raises_yaml_problem(tokens):
    try:
        load_yaml("".join(tokens))
    except YamlProblem:
        pass
