"""Maven and Gradle: phases and tasks, and the plugin goals a DevOps engineer recognises.

Maven phases run every earlier phase (`mvn verify` runs the tests; `mvn deploy` builds, tests and
publishes) unless `-DskipTests`; Gradle's `build` runs `check`, which runs `test`.
"""

from __future__ import annotations

import re
from typing import Mapping

from devops_scan_detectors.activity import (
    BUILD, BUILD_IMAGE, COVERAGE, COVERAGE_GATE, COVERAGE_UPLOAD, DEPENDENCY_SCAN, E2E_TEST, FORMAT_CHECK, LINT,
    PUBLISH, PUSH_IMAGE, RELEASE, SAST, SBOM, SIGN, TAG, TEST, TEST_REPORT,
)
from devops_scan_detectors.command_rules import Handler, Result, kinds, operands, values

MAVEN_PHASES = ("validate", "initialize", "generate-sources", "process-sources", "generate-resources",
                "process-resources", "compile", "process-classes", "generate-test-sources",
                "process-test-sources", "generate-test-resources", "process-test-resources", "test-compile",
                "process-test-classes", "test", "prepare-package", "package", "pre-integration-test",
                "integration-test", "post-integration-test", "verify", "install", "deploy")
# Plugin goals by prefix (`jacoco:check`) or artifactId (`org.jacoco:jacoco-maven-plugin:0.8.11:check`).
MAVEN_GOALS: dict[tuple[str, str], tuple[str, ...]] = {
    ("jacoco", "prepare-agent"): (COVERAGE,), ("jacoco", "report"): (COVERAGE,),
    ("jacoco", "report-aggregate"): (COVERAGE,), ("jacoco", "check"): (COVERAGE_GATE,),
    ("sonar", "sonar"): (COVERAGE_UPLOAD, SAST), ("coveralls", "report"): (COVERAGE_UPLOAD,),
    ("checkstyle", "check"): (LINT,), ("checkstyle", "checkstyle"): (LINT,), ("pmd", "check"): (LINT,),
    ("pmd", "cpd-check"): (LINT,), ("spotbugs", "check"): (LINT,), ("spotless", "check"): (FORMAT_CHECK,),
    ("fmt", "check"): (FORMAT_CHECK,), ("dependency-check", "check"): (DEPENDENCY_SCAN,),
    ("dependency-check", "aggregate"): (DEPENDENCY_SCAN,), ("jib", "build"): (BUILD_IMAGE, PUSH_IMAGE),
    ("jib", "dockerBuild"): (BUILD_IMAGE,), ("jib", "buildTar"): (BUILD_IMAGE,),
    ("spring-boot", "build-image"): (BUILD_IMAGE,), ("release", "prepare"): (TAG, RELEASE),
    ("release", "perform"): (PUBLISH, RELEASE), ("deploy", "deploy"): (PUBLISH,),
    ("cyclonedx", "makeBom"): (SBOM,), ("cyclonedx", "makeAggregateBom"): (SBOM,),
    ("surefire-report", "report"): (TEST_REPORT,), ("failsafe", "integration-test"): (E2E_TEST,),
    ("gpg", "sign"): (SIGN,), ("jreleaser", "full-release"): (RELEASE,), ("jreleaser", "release"): (RELEASE,),
    ("jreleaser", "deploy"): (PUBLISH,), ("central-publishing", "publish"): (PUBLISH,),
}
_SERVICE = {"sonar": "sonar", "coveralls": "coveralls"}


def maven_prefix(artifact_id: str) -> str:
    """`jacoco-maven-plugin` → `jacoco`, `maven-release-plugin` → `release`, `sonar-maven-plugin` → `sonar`."""
    name = re.sub(r"-maven-plugin$|^maven-|-plugin$|-maven$", "", artifact_id)
    return re.sub(r"^maven-|-plugin$", "", name)


def maven_skips_tests(args: tuple[str, ...]) -> bool:
    return any(re.match(r"^-D(skipTests|maven\.test\.skip)(=true)?$", arg) for arg in args)


def _maven(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    goals = operands(args, "-f --file -s --settings -gs --global-settings -pl --projects -rf --resume-from -T "
                           "--threads -t --toolchains -l --log-file -b --builder -P --activate-profiles")
    result: Result = []
    last = max((MAVEN_PHASES.index(goal) for goal in goals if goal in MAVEN_PHASES), default=-1)
    if last >= MAVEN_PHASES.index("test") and not maven_skips_tests(args):
        result += kinds("maven", TEST)
    if last >= MAVEN_PHASES.index("package"):
        result += kinds("maven", BUILD)
    if last >= MAVEN_PHASES.index("deploy"):
        result += kinds("maven", PUBLISH)
    for goal in goals:
        parts = goal.split(":")
        if len(parts) < 2:
            continue
        prefix = parts[0] if len(parts) == 2 else maven_prefix(parts[1])
        found = MAVEN_GOALS.get((prefix, parts[-1]), ())
        result += kinds(prefix if prefix not in ("sonar",) else "sonar", *found, service=_SERVICE.get(prefix))
    return result


_GRADLE_TASKS: dict[str, tuple[str, ...]] = {
    "test": (TEST,), "check": (TEST,), "build": (BUILD, TEST), "assemble": (BUILD,), "jar": (BUILD,),
    "bootJar": (BUILD,), "shadowJar": (BUILD,), "war": (BUILD,), "distZip": (BUILD,), "installDist": (BUILD,),
    "assembleRelease": (BUILD,), "bundleRelease": (BUILD,), "integrationTest": (TEST, E2E_TEST),
    "connectedCheck": (TEST, E2E_TEST), "connectedAndroidTest": (TEST, E2E_TEST),
    "jacocoTestReport": (COVERAGE,), "jacocoTestCoverageVerification": (COVERAGE_GATE,),
    "koverXmlReport": (COVERAGE,), "koverHtmlReport": (COVERAGE,), "koverReport": (COVERAGE,),
    "koverVerify": (COVERAGE_GATE,), "sonar": (COVERAGE_UPLOAD, SAST), "sonarqube": (COVERAGE_UPLOAD, SAST),
    "coveralls": (COVERAGE_UPLOAD,), "publish": (PUBLISH,), "publishToSonatype": (PUBLISH,),
    "publishPlugins": (PUBLISH,), "uploadArchives": (PUBLISH,), "artifactoryPublish": (PUBLISH,),
    "closeAndReleaseSonatypeStagingRepository": (PUBLISH,), "publishAndReleaseToMavenCentral": (PUBLISH,),
    "ktlintCheck": (LINT,), "detekt": (LINT,), "lint": (LINT,), "lintDebug": (LINT,), "lintRelease": (LINT,),
    "checkstyleMain": (LINT,), "pmdMain": (LINT,), "spotbugsMain": (LINT,), "spotlessCheck": (FORMAT_CHECK,),
    "jib": (BUILD_IMAGE, PUSH_IMAGE), "jibDockerBuild": (BUILD_IMAGE,), "jibBuildTar": (BUILD_IMAGE,),
    "bootBuildImage": (BUILD_IMAGE,), "dependencyCheckAnalyze": (DEPENDENCY_SCAN,),
    "dependencyCheckAggregate": (DEPENDENCY_SCAN,), "cyclonedxBom": (SBOM,), "signArchives": (SIGN,),
    "release": (RELEASE, TAG), "jreleaserFullRelease": (RELEASE,),
}


def _gradle(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    tasks = [task.rsplit(":", 1)[-1] for task in operands(
        args, "-x --exclude-task -p --project-dir -b --build-file -c --settings-file -I --init-script "
              "--console -g --gradle-user-home --max-workers --warning-mode")]
    excluded = {task.rsplit(":", 1)[-1] for task in values(args, "-x", "--exclude-task")}
    result: Result = []
    for task in tasks:
        found = _GRADLE_TASKS.get(task)
        if found is None and re.match(r"^test[A-Z]\w*UnitTest$|^test[A-Z]", task):
            found = (TEST,)
        for kind in found or ():
            if kind == TEST and "test" in excluded:
                continue
            service = "sonar" if task.startswith("sonar") else "coveralls" if task == "coveralls" else None
            result += kinds("gradle", kind, service=service)
    return result


HANDLERS: dict[str, Handler] = {
    "mvn": _maven, "mvnw": _maven, "mvnd": _maven, "gradle": _gradle, "gradlew": _gradle,
}
