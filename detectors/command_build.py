"""Builds and packages published, per language ecosystem (npm, Python tools, cargo, dotnet, gem...).

A dry run (`npm publish --dry-run`) publishes nothing. JVM builds, images and releases have their
own modules (command_jvm, command_images, command_release).
"""

from __future__ import annotations

from typing import Mapping

from devops_scan_detectors.activity import (
    BUILD, COVERAGE, COVERAGE_UPLOAD, DEPENDENCY_SCAN, E2E_TEST, FORMAT_CHECK, LINT, PUBLISH, RELEASE, SAST,
    TAG, TEST, TYPE_CHECK,
)
from devops_scan_detectors.command_rules import (
    Handler, Result, always, has, kinds, operands, subcommands, unless_dry, value,
)


def _npm(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "--prefix -w --workspace --registry --tag --access --otp")
    command = found[0] if found else ""
    if command == "publish":
        return [] if has(args, "--dry-run") else kinds("npm", PUBLISH, registry=value(args, "--registry"))
    if command == "pack":
        return kinds("npm", BUILD)
    if command == "audit" and found[1:2] != ["fix"]:
        return kinds("npm", DEPENDENCY_SCAN)
    if command == "version" and not has(args, "--no-git-tag-version") and value(
            args, "--git-tag-version") != "false":
        return kinds("npm", RELEASE, TAG)
    return []


def _yarn_pnpm(tool: str) -> Handler:
    def handle(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
        found = operands(args, "--filter -F -C --dir --cwd --registry --tag --access")
        words = found[:2]
        if words[:1] == ["publish"] or words == ["npm", "publish"]:
            return [] if has(args, "--dry-run") else kinds(tool, PUBLISH)
        if words[:1] == ["audit"] or words == ["npm", "audit"]:
            return kinds(tool, DEPENDENCY_SCAN)
        if words[:1] == ["pack"]:
            return kinds(tool, BUILD)
        return []

    return handle


def _python_dist(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    """`python setup.py sdist bdist_wheel upload`."""
    found = operands(args, "-W -X")
    if not found or not found[0].endswith("setup.py"):
        return []
    commands = set(found[1:])
    result = kinds("setuptools", BUILD) if commands & {"sdist", "bdist_wheel", "bdist", "build", "bdist_egg"} else []
    return result + (kinds("setuptools", PUBLISH) if "upload" in commands else [])


def _twine(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    if operands(args, "-r --repository --repository-url -u -p")[:1] != ["upload"]:
        return []
    return kinds("twine", PUBLISH, registry=value(args, "-r", "--repository", "--repository-url") or "pypi")


def _python_tool(tool: str, build: str = "build", publish: str = "publish", **extra: tuple[str, ...]) -> Handler:
    table: dict[str, tuple[str, ...] | Handler] = {build: (BUILD,), publish: unless_dry(tool, PUBLISH)}
    table.update(extra)
    return subcommands(tool, table, valued="-p --project -C --directory -e --env -r --repository")


def _hatch(args: tuple[str, ...], env: Mapping[str, str]) -> Result:
    found = operands(args, "-e --env -p --project")
    command = found[0] if found else ""
    if command == "test":
        return kinds("hatch", TEST) + (kinds("hatch", COVERAGE) if has(args, "--cover", "-c") else [])
    if command == "fmt":
        return kinds("hatch", LINT) + (kinds("hatch", FORMAT_CHECK) if has(args, "--check") else [])
    return _python_tool("hatch")(args, env)


# cargo subcommands that run another cargo command over feature sets or versions: `cargo hack test
# --feature-powerset`, `cargo minimal-versions check`.
_CARGO_RUNNERS = ("hack", "minimal-versions")


def _cargo(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    if args and args[0].startswith("+"):  # `cargo +nightly test`: a toolchain, then the command
        return _cargo(args[1:], _env)
    found = operands(args, "--manifest-path -p --package --features --target -j --jobs --profile")
    command = found[0] if found else ""
    if command in _CARGO_RUNNERS:
        rest = args[args.index(command) + 1:]
        return _cargo(rest, _env) if rest else []
    if command in ("build", "b"):
        return kinds("cargo", BUILD)
    if command in ("test", "t") or found[:2] == ["nextest", "run"]:
        return kinds("cargo-nextest" if command == "nextest" else "cargo", TEST)
    if command == "publish":
        return [] if has(args, "--dry-run") else kinds("cargo", PUBLISH, registry=value(args, "--registry"))
    if command == "release":
        return kinds("cargo-release", RELEASE, TAG, PUBLISH) if has(args, "--execute", "-x") else []
    if command == "mutants":
        return kinds("cargo-mutants", TEST)
    return []


def _dotnet(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "-c --configuration -o --output -f --framework -r --runtime -s --source -k --api-key "
                           "-v --verbosity")
    command = found[0] if found else ""
    if command in ("build", "publish", "pack", "msbuild"):
        return kinds("dotnet", BUILD)
    if found[:2] == ["nuget", "push"]:
        return kinds("dotnet", PUBLISH, registry=value(args, "-s", "--source"))
    if command == "format":
        return kinds("dotnet-format", FORMAT_CHECK) if has(args, "--verify-no-changes", "--check") else []
    if command == "sonarscanner" and found[1:2] in (["begin"], ["end"]):
        return kinds("sonar", COVERAGE_UPLOAD, SAST, service="sonar")
    if command == "stryker":
        return kinds("stryker", TEST)
    return []


def _electron_builder(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    published = value(args, "--publish", "-p") in ("always", "onTag", "onTagOrDraft")
    return kinds("electron-builder", BUILD) + (kinds("electron-builder", PUBLISH) if published else [])


HANDLERS: dict[str, Handler] = {
    "knope": subcommands("knope", {"release": (RELEASE, TAG)}),
    "jreleaser": subcommands("jreleaser", {"release": (RELEASE,), "full-release": (RELEASE, PUBLISH),
                                           "deploy": (PUBLISH,)}),
    "npm": _npm, "yarn": _yarn_pnpm("yarn"), "pnpm": _yarn_pnpm("pnpm"),
    "bun": subcommands("bun", {"publish": unless_dry("bun", PUBLISH), "build": (BUILD,),
                               "test": lambda a, e: kinds("bun", TEST) + (kinds("bun", COVERAGE) if has(
                                   a, "--coverage") else [])}),
    "deno": subcommands("deno", {"test": lambda a, e: kinds("deno", TEST) + (kinds("deno", COVERAGE) if has(
        a, "--coverage") else []), "lint": (LINT,), "check": (TYPE_CHECK,), "compile": (BUILD,),
        "fmt": lambda a, e: kinds("deno", FORMAT_CHECK) if has(a, "--check") else [],
        "publish": unless_dry("deno", PUBLISH)}),
    "python": _python_dist, "build": always("pypa-build", BUILD), "pyproject-build": always("pypa-build", BUILD),
    "twine": _twine, "poetry": _python_tool("poetry"), "hatch": _hatch,
    "uv": _python_tool("uv"), "flit": _python_tool("flit"), "pdm": _python_tool("pdm"),
    "maturin": _python_tool("maturin", upload=unless_dry("maturin", PUBLISH)),
    "cibuildwheel": always("cibuildwheel", BUILD), "pyinstaller": always("pyinstaller", BUILD),
    "gem": subcommands("rubygems", {"build": (BUILD,), "push": (PUBLISH,)}),
    "rake": subcommands("rake", {"release": (RELEASE, TAG, PUBLISH), "build": (BUILD,)}),
    "cargo": _cargo, "dotnet": _dotnet,
    "nuget": subcommands("nuget", {"push": (PUBLISH,), "pack": (BUILD,)}), "msbuild": always("msbuild", BUILD),
    "go": subcommands("go", {"build": (BUILD,)}, valued="-C"),
    "mix": subcommands("mix", {"hex.publish": unless_dry("hex", PUBLISH), "release": (BUILD,)}),
    "swift": subcommands("swift", {"build": (BUILD,), "test": lambda a, e: kinds("swift", TEST) + (
        kinds("swift", COVERAGE) if has(a, "--enable-code-coverage") else [])}),
    "xcodebuild": lambda a, e: (kinds("xcodebuild", TEST) + (kinds("xcodebuild", COVERAGE) if value(
        a, "-enableCodeCoverage") == "YES" else [])) if "test" in operands(
        a, "-scheme -project -workspace -destination -configuration -sdk -derivedDataPath -resultBundlePath "
           "-enableCodeCoverage") else kinds("xcodebuild", BUILD) if {"build", "archive"} & set(operands(
            a, "-scheme -project -workspace -destination -configuration -sdk -derivedDataPath")) else [],
    "fastlane": subcommands("fastlane", {"scan": (TEST,), "gym": (BUILD,), "pilot": (PUBLISH,),
                                         "deliver": (PUBLISH,), "supply": (PUBLISH,)}),
    "pod": lambda a, e: kinds("cocoapods", LINT) if operands(a)[1:2] == ["lint"] else kinds(
        "cocoapods", PUBLISH) if operands(a)[:2] == ["trunk", "push"] else [],
    "flutter": subcommands("flutter", {"test": lambda a, e: kinds("flutter", TEST) + (kinds(
        "flutter", COVERAGE) if has(a, "--coverage") else []), "analyze": (LINT,), "build": (BUILD,),
        "drive": (E2E_TEST,), "pub": lambda a, e: unless_dry("flutter", PUBLISH)(a, e) if operands(
            a)[:1] == ["publish"] else []}),
    "dart": subcommands("dart", {"test": lambda a, e: kinds("dart", TEST) + (kinds("dart", COVERAGE) if has(
        a, "--coverage") else []), "analyze": (LINT,), "compile": (BUILD,),
        "format": lambda a, e: kinds("dart", FORMAT_CHECK) if has(a, "--set-exit-if-changed") else [],
        "pub": lambda a, e: unless_dry("dart", PUBLISH)(a, e) if operands(a)[:1] == ["publish"] else []}),
    "cmake": lambda a, e: (kinds("cmake", TEST) if value(a, "--target", "-t") in ("test", "check") else kinds(
        "cmake", BUILD)) if has(a, "--build") else [],
    "bazel": subcommands("bazel", {"build": (BUILD,), "test": (TEST,), "coverage": (TEST, COVERAGE)}),
    "bazelisk": subcommands("bazel", {"build": (BUILD,), "test": (TEST,), "coverage": (TEST, COVERAGE)}),
    "buck2": subcommands("buck2", {"build": (BUILD,), "test": (TEST,)}),
    "pants": subcommands("pants", {"test": (TEST,), "lint": (LINT,), "check": (TYPE_CHECK,), "package": (BUILD,),
                                   "publish": (PUBLISH,)}),
    "webpack": always("webpack", BUILD), "rollup": always("rollup", BUILD), "esbuild": always("esbuild", BUILD),
    "tsup": always("tsup", BUILD), "unbuild": always("unbuild", BUILD), "microbundle": always("microbundle", BUILD),
    "vite": subcommands("vite", {"build": (BUILD,)}), "next": subcommands("next", {"build": (BUILD,)}),
    "nuxt": subcommands("nuxt", {"build": (BUILD,), "generate": (BUILD,)}), "nuxi": subcommands(
        "nuxt", {"build": (BUILD,), "generate": (BUILD,)}), "astro": subcommands("astro", {"build": (BUILD,)}),
    "ng": subcommands("angular", {"build": (BUILD,), "lint": (LINT,), "e2e": (E2E_TEST,),
                                  "test": lambda a, e: kinds("angular", TEST) + (kinds("angular", COVERAGE) if has(
                                      a, "--code-coverage", "--codeCoverage") else [])}),
    "parcel": subcommands("parcel", {"build": (BUILD,)}), "gatsby": subcommands("gatsby", {"build": (BUILD,)}),
    "electron-builder": _electron_builder, "vsce": subcommands("vsce", {"publish": (PUBLISH,), "package": (BUILD,)}),
    "ovsx": subcommands("ovsx", {"publish": (PUBLISH,)}),
    "jf": lambda a, e: kinds("jfrog", PUBLISH) if operands(a)[:2] in (["rt", "u"], ["rt", "upload"]) else [],
    "jfrog": lambda a, e: kinds("jfrog", PUBLISH) if operands(a)[:2] in (["rt", "u"], ["rt", "upload"]) else [],
    "conan": subcommands("conan", {"upload": (PUBLISH,), "create": (BUILD,)}),
    "choco": subcommands("chocolatey", {"push": (PUBLISH,), "pack": (BUILD,)}),
    "snapcraft": lambda a, e: kinds("snapcraft", PUBLISH) if operands(a)[:1] in (["upload"], ["push"]) else kinds(
        "snapcraft", BUILD) if not operands(a) or operands(a)[:1] == ["pack"] else [],
    "promu": subcommands("promu", {"build": (BUILD,), "crossbuild": (BUILD,), "tarball": (BUILD,),
                                   "release": (RELEASE,)}),
    "fpm": always("fpm", BUILD), "nfpm": subcommands("nfpm", {"pkg": (BUILD,), "package": (BUILD,)}),
    "rpmbuild": always("rpmbuild", BUILD), "dpkg-buildpackage": always("dpkg-buildpackage", BUILD),
    "debuild": always("debuild", BUILD),
}
