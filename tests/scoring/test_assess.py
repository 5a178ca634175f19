from __future__ import annotations

import pytest

from devops_scan.model import Finding, Outcome
from devops_scan.scoring.assess import assess
from devops_scan.scoring.loader import load_model

MODEL = """\
schema: devops-scan/model/v1
name: ladder
version: "1"
overall: {overall}
areas:
  - id: build
    title: Build
  - id: ship
    title: Ship
    also_require:
      intermediate: [{{any_of: [b.two, s.alt]}}]
practices:
  b.one:   {{title: one,   area: build, level: beginner,     cams: automation,  remediation: r, weight: 2}}
  b.two:   {{title: two,   area: build, level: intermediate, cams: automation,  remediation: r}}
  b.three: {{title: three, area: build, level: advanced,     cams: measurement, remediation: r}}
  b.four:  {{title: four,  area: build, level: expert,       cams: culture,     remediation: r}}
  s.one:   {{title: s1,    area: ship,  level: beginner,     cams: automation,  remediation: r}}
  s.alt:   {{title: alt,   cams: sharing, remediation: r}}
"""


@pytest.fixture
def model(tmp_path):
    def build(overall="lowest"):
        path = tmp_path / "m.yml"
        path.write_text(MODEL.format(overall=overall))
        return load_model(str(path))

    return build


def findings(**outcomes: str) -> dict[str, Finding]:
    """findings(b_one="pass") → {"b.one": Finding(...)}."""
    ids = {name: name.replace("_", ".") for name in outcomes}
    return {ids[name]: Finding(ids[name], Outcome(o), f"{o} because") for name, o in outcomes.items()}


def area(assessment, area_id):
    return next(a for a in assessment.areas if a.id == area_id)


def test_levels_are_cumulative(model):
    result = assess(model(), findings(b_one="pass", b_two="fail", b_three="pass", b_four="pass", s_one="pass"))
    build = area(result, "build")
    assert build.level == "beginner"  # advanced and expert pass, but intermediate blocks the climb
    assert (build.next_level, build.next_steps) == ("intermediate", ("b.two",))


def test_unknown_blocks_a_level_and_is_listed_as_a_next_step(model):
    result = assess(model(), findings(b_one="pass", b_two="unknown", s_one="pass"))
    build = area(result, "build")
    assert build.level == "beginner" and build.next_steps == ("b.two",)
    assert result.findings["b.two"].outcome is Outcome.UNKNOWN


def test_unanswered_practices_are_unknown_never_fail(model):
    result = assess(model(), {})
    assert {f.outcome for f in result.findings.values()} == {Outcome.UNKNOWN}
    assert result.findings["b.one"].reason == "no installed detector decides this practice"


def test_top_level_has_no_next_step(model):
    result = assess(model(), findings(b_one="pass", b_two="pass", b_three="pass", b_four="pass"))
    assert (area(result, "build").level, area(result, "build").next_level) == ("expert", None)


def test_any_of_is_met_by_either_alternative(model):
    via_alt = assess(model(), findings(s_one="pass", b_two="fail", s_alt="pass"))
    assert area(via_alt, "ship").level == "intermediate"
    neither = assess(model(), findings(s_one="pass", b_two="fail", s_alt="unknown"))
    assert area(neither, "ship").level == "beginner"
    assert area(neither, "ship").next_steps == ("b.two", "s.alt")


def test_not_applicable_does_not_block_and_an_all_na_area_is_not_applicable(model):
    result = assess(model(), findings(b_one="pass", b_two="not_applicable", b_three="pass", b_four="fail",
                                      s_one="not_applicable", s_alt="not_applicable"))
    assert area(result, "build").level == "advanced"
    ship = area(result, "ship")
    assert not ship.applicable and ship.level == "base"
    assert result.overall == "advanced"  # the not-applicable area does not drag the overall level down


def test_overall_is_the_lowest_applicable_area_or_the_median(model):
    outcomes = dict(b_one="pass", b_two="pass", b_three="pass", b_four="pass", s_one="fail")
    assert assess(model("lowest"), findings(**outcomes)).overall == "base"
    assert assess(model("median"), findings(**outcomes)).overall == "base"  # median_low of [base, expert]
    outcomes["s_one"] = "pass"
    assert assess(model("lowest"), findings(**outcomes)).overall == "intermediate"  # ship: via b.two


def test_cams_scores_are_weighted_over_known_practices_with_unknown_counted(model):
    result = assess(model(), findings(b_one="pass", b_two="fail", s_one="unknown", b_three="not_applicable"))
    cams = {score.dimension: score for score in result.cams}
    automation = cams["automation"]
    # b.one (weight 2) passes, b.two (weight 1) fails: 2/3 of the weight; s.one is unknown.
    assert (automation.score, automation.passed, automation.applicable, automation.unknown) == (67, 1, 2, 1)
    measurement = cams["measurement"]
    assert (measurement.score, measurement.applicable, measurement.unknown) == (None, 0, 0)


def test_findings_for_practices_outside_the_model_are_kept(model):
    result = assess(model(), findings(extra_practice="pass"))
    assert result.findings["extra.practice"].outcome is Outcome.PASS


def test_levels_made_only_of_not_applicable_practices_are_climbed_through(model):
    result = assess(model(), findings(b_one="pass", b_two="not_applicable", b_three="pass", b_four="not_applicable"))
    build = area(result, "build")
    assert (build.level, build.next_level, build.applicable) == ("expert", None, True)
