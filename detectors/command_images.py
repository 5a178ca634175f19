"""Container images: builds (`docker build`, buildx, buildah, kaniko, ko, buildpacks) and pushes."""

from __future__ import annotations

from typing import Mapping

from devops_scan_detectors.activity import BUILD_IMAGE, CONTAINER_SCAN, DEPLOY, PUSH_IMAGE, SBOM, SIGN
from devops_scan_detectors.command_rules import Handler, Result, has, kinds, operands, subcommands, value, values


def _image_build(tool: str) -> Handler:
    def handle(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
        image = value(args, "-t", "--tag")
        result = kinds(tool, BUILD_IMAGE, image=image)
        outputs = " ".join(values(args, "--output", "-o"))
        if has(args, "--push") and value(args, "--push") != "false" or "type=registry" in outputs \
                or "push=true" in outputs:
            result += kinds(tool, PUSH_IMAGE, image=image)
        return result

    return handle


def _push(tool: str) -> Handler:
    return lambda args, _env: kinds(tool, PUSH_IMAGE, image=(operands(args) or [None])[0])


def _docker(args: tuple[str, ...], env: Mapping[str, str]) -> Result:
    found = operands(args, "-H --host -c --context --config -l --log-level")
    if not found:
        return []
    head, rest = found[0], args[args.index(found[0]) + 1:]
    if head in ("build", "builder"):
        return _image_build("docker")(rest if head == "build" else rest[1:], env)
    if head == "buildx":
        sub = operands(rest, "--builder")
        if sub[:1] in (["build"], ["b"]):
            return _image_build("docker")(rest[rest.index(sub[0]) + 1:], env)
        if sub[:1] == ["bake"]:
            return kinds("docker", BUILD_IMAGE) + (kinds("docker", PUSH_IMAGE) if has(rest, "--push") else [])
        if sub[:2] == ["imagetools", "create"]:
            return kinds("docker", PUSH_IMAGE)
        return []
    if head in ("image", "manifest") and operands(rest)[:1] == ["push"]:
        return _push("docker")(rest[1:], env)
    if head == "image" and operands(rest)[:1] == ["build"]:
        return _image_build("docker")(rest[1:], env)
    if head == "push":
        return _push("docker")(rest, env)
    if head in ("compose", "docker-compose"):
        return _compose(rest, env)
    if head == "scan":
        return kinds("docker", CONTAINER_SCAN)
    if head == "scout":
        sub = operands(rest)
        if sub[:1] in (["cves"], ["quickview"], ["recommendations"], ["compare"]):
            return kinds("docker-scout", CONTAINER_SCAN)
        return kinds("docker-scout", SBOM) if sub[:1] == ["sbom"] else []
    if head == "sbom":
        return kinds("docker", SBOM)
    if head == "trust" and operands(rest)[:1] == ["sign"]:
        return kinds("docker", SIGN)
    if head == "stack" and operands(rest)[:1] == ["deploy"]:
        return kinds("docker", DEPLOY)
    if head == "service" and operands(rest)[:1] == ["update"] and has(rest, "--image"):
        return kinds("docker", DEPLOY)
    return []


def _compose(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "-f --file -p --project-name --profile --env-file --project-directory")
    if found[:1] == ["build"]:
        return kinds("docker-compose", BUILD_IMAGE) + (kinds("docker-compose", PUSH_IMAGE) if has(
            args, "--push") else [])
    return kinds("docker-compose", PUSH_IMAGE) if found[:1] == ["push"] else []


def _kaniko(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    image = value(args, "--destination", "-d")
    result = kinds("kaniko", BUILD_IMAGE, image=image)
    return result if has(args, "--no-push") or not image else result + kinds("kaniko", PUSH_IMAGE, image=image)


def _ko(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "-f --filename --platform --tags -t --image-refs")
    command = found[0] if found else ""
    if command not in ("build", "publish", "resolve", "apply", "create"):
        return []
    local = has(args, "--local", "-L") or value(args, "--push") == "false"
    result = kinds("ko", BUILD_IMAGE) + ([] if local else kinds("ko", PUSH_IMAGE))
    return result + (kinds("ko", DEPLOY) if command in ("apply", "create") else [])


HANDLERS: dict[str, Handler] = {
    "docker": _docker, "docker-compose": _compose, "podman": _docker, "nerdctl": _docker,
    "buildah": subcommands("buildah", {"bud": (BUILD_IMAGE,), "build": (BUILD_IMAGE,), "push": (PUSH_IMAGE,),
                                       "manifest": lambda a, e: kinds("buildah", PUSH_IMAGE) if operands(
                                           a)[:1] == ["push"] else []}),
    "executor": _kaniko, "kaniko": _kaniko, "img": subcommands("img", {"build": (BUILD_IMAGE,),
                                                                        "push": (PUSH_IMAGE,)}),
    "buildctl": lambda a, e: _image_build("buildkit")(a, e) if operands(a)[:1] == ["build"] else [],
    "crane": subcommands("crane", {"push": (PUSH_IMAGE,), "copy": (PUSH_IMAGE,), "cp": (PUSH_IMAGE,),
                                   "append": (PUSH_IMAGE,)}),
    "skopeo": subcommands("skopeo", {"copy": (PUSH_IMAGE,), "sync": (PUSH_IMAGE,)}),
    "pack": lambda a, e: (kinds("buildpacks", BUILD_IMAGE) + (kinds("buildpacks", PUSH_IMAGE) if has(
        a, "--publish") else [])) if operands(a)[:1] == ["build"] else [],
    "nixpacks": subcommands("nixpacks", {"build": (BUILD_IMAGE,)}), "ko": _ko,
    "jib": subcommands("jib", {"build": (BUILD_IMAGE, PUSH_IMAGE)}),
}
