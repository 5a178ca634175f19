"""Deployments and infrastructure: what applies a change to an environment, what only validates it.

Decisions: `terraform apply`, `pulumi up`, `cdk deploy` are DEPLOY (with `iac` in data) — in CI they
change live infrastructure the application runs on. `ansible-playbook` is DEPLOY unless it only
checks (`--check`, `--syntax-check`) or targets the CI machine itself (`-c local`, `-i localhost,`).
`aws s3 sync`, `rsync`, `scp`, `ssh host cmd` are NOT counted: they move files, and whether that is a
deployment cannot be read from the command. An environment is recorded only when the command names
one (`--stage`, `--prod`, a Capistrano stage...).
"""

from __future__ import annotations

from typing import Mapping

from devops_scan_detectors.activity import (
    BUILD, BUILD_IMAGE, DEPLOY, E2E_TEST, IAC_VALIDATE, LINT, PUBLISH, PUSH_IMAGE, SIGN, TEST,
)
from devops_scan_detectors.command_rules import Handler, Result, always, has, kinds, operands, subcommands, value

_INFRA = "infrastructure"


def _deploy(tool: str, environment_flags: tuple[str, ...] = (), **data: str) -> Handler:
    def handle(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
        named = value(args, *environment_flags) if environment_flags else None
        return kinds(tool, DEPLOY, **{**data, **({"environment": named} if named else {})})

    return handle


def _terraform(tool: str) -> Handler:
    def handle(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
        found = operands(args, "-chdir -var -var-file -target -out -backend-config -lock-timeout -parallelism")
        if tool == "terragrunt" and found[:1] in (["run-all"], ["run"]):
            found = [word for word in found[1:] if word != "--all"]
        command = found[0] if found else ""
        if command == "fmt":
            return kinds(tool, IAC_VALIDATE) if has(args, "-check", "--check") else []
        if command in ("validate", "plan"):
            return kinds(tool, IAC_VALIDATE)
        if command == "apply":
            return kinds(tool, DEPLOY, iac="terraform")
        if command == "test":
            return kinds(tool, TEST, subject=_INFRA)
        return []

    return handle


def _helm(args: tuple[str, ...], env: Mapping[str, str]) -> Result:
    found = operands(args, "-n --namespace -f --values --set --set-string --version --kube-context --timeout "
                           "--repo --kubeconfig --post-renderer -o --output --username --password")
    command = found[0] if found else ""
    if command in ("secrets", "diff") and len(found) > 1:
        inner = _helm(args[args.index(command) + 1:], env)
        return [(IAC_VALIDATE, "helm", data) if command == "diff" else (kind, "helm", data)
                for kind, _tool, data in inner]
    if command in ("lint",):
        return kinds("helm", IAC_VALIDATE, LINT)
    if command == "template" or command in ("install", "upgrade") and has(args, "--dry-run"):
        return kinds("helm", IAC_VALIDATE)
    if command in ("install", "upgrade"):
        return kinds("helm", DEPLOY, release=found[1] if len(found) > 1 else None,
                     namespace=value(args, "-n", "--namespace"))
    if command == "package":
        return kinds("helm", BUILD)
    if command in ("push", "cm-push"):
        return kinds("helm", PUBLISH)
    if command == "unittest":
        return kinds("helm-unittest", TEST, subject=_INFRA)
    if command == "test":
        return kinds("helm", E2E_TEST, subject=_INFRA)
    return []


def _kubectl(tool: str) -> Handler:
    def handle(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
        found = operands(args, "-n --namespace -f --filename -k --kustomize -l --selector --context -o --output "
                               "--kubeconfig --cluster --user --field-manager --timeout -c --container")
        command = found[0] if found else ""
        dry = any(arg.startswith("--dry-run") for arg in args) or has(args, "--server-dry-run")
        namespace = value(args, "-n", "--namespace")
        if command in ("diff", "kustomize") or command in ("apply", "create", "replace") and dry:
            return kinds(tool, IAC_VALIDATE)
        if command in ("apply", "create", "replace", "patch") or found[:2] in (
                ["set", "image"], ["rollout", "restart"], ["argo", "rollouts"]):
            return kinds(tool, DEPLOY, namespace=namespace)
        return []

    return handle


def _ansible_playbook(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    if has(args, "--syntax-check", "--check", "-C", "--list-tasks", "--list-hosts"):
        return kinds("ansible", IAC_VALIDATE)
    inventory = value(args, "-i", "--inventory") or ""
    if value(args, "-c", "--connection") == "local" or inventory.rstrip(",") in ("localhost", "127.0.0.1"):
        return []
    return kinds("ansible", DEPLOY, iac="ansible", inventory=inventory or None)


def _serverless(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "-s --stage -r --region -c --config --aws-profile --app --org -f --function")
    if found[:1] == ["deploy"]:
        return kinds("serverless", DEPLOY, environment=value(args, "--stage", "-s"))
    return kinds("serverless", BUILD) if found[:1] == ["package"] else []


def _vercel_netlify(tool: str, production_flags: tuple[str, ...]) -> Handler:
    def handle(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
        found = operands(args, "--token -t --scope --cwd --dir -d --site -s --alias -m --message --auth")
        command = found[0] if found else ""
        if tool == "vercel" and command not in ("", "deploy") and not command.startswith((".", "/")):
            return []
        if tool == "netlify" and command != "deploy":
            return []
        environment = "production" if has(args, *production_flags) else "preview"
        return kinds(tool, DEPLOY, environment=environment)

    return handle


def _capistrano(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args)
    if len(found) >= 2 and found[1].split(":")[0] == "deploy":
        return kinds("capistrano", DEPLOY, environment=found[0])
    return []


def _aws(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "--region --profile --output --cluster --service --stack-name --template-file "
                           "--function-name --application-name --deployment-group-name --environment-name "
                           "--task-definition --cli-input-json --s3-bucket --zip-file --image-uri")
    pair = tuple(found[:2])
    deploys = {("cloudformation", "deploy"), ("cloudformation", "create-stack"), ("cloudformation", "update-stack"),
               ("cloudformation", "execute-change-set"), ("ecs", "update-service"), ("ecs", "deploy"),
               ("deploy", "create-deployment"), ("lambda", "update-function-code"),
               ("elasticbeanstalk", "update-environment"), ("apprunner", "start-deployment"),
               ("amplify", "start-deployment"), ("ssm", "send-command")}
    if pair == ("cloudformation", "validate-template"):
        return kinds("aws-cli", IAC_VALIDATE)
    if pair == ("signer", "start-signing-job"):
        return kinds("aws-signer", SIGN)
    if pair in deploys and pair != ("ssm", "send-command"):
        return kinds("aws-cli", DEPLOY, service=pair[0], iac="cloudformation" if pair[0] == "cloudformation" else None)
    return []


def _gcloud(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = [word for word in operands(args, "--project --region --zone --image --source --tag --config "
                                             "--platform --service-account --format")
             if word not in ("alpha", "beta")]
    if found[:2] in (["run", "deploy"], ["app", "deploy"], ["functions", "deploy"]) or found[:3] == [
            "deploy", "releases", "create"] or found[:2] == ["run", "services"] and found[2:3] == ["update"]:
        return kinds("gcloud", DEPLOY, service=found[0])
    if found[:2] == ["builds", "submit"]:
        return kinds("cloud-build", BUILD_IMAGE, PUSH_IMAGE) if has(args, "--tag", "-t") else []
    return []


def _az(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "-g --resource-group -n --name --src-path --src --type --template-file -f "
                           "--parameters -p --image --subscription -l --location --registry -r -t --image-name")
    pair = found[:2]
    if pair in (["webapp", "deploy"], ["webapp", "up"], ["functionapp", "deploy"], ["containerapp", "update"],
                ["containerapp", "up"], ["spring", "app"], ["staticwebapp", "deploy"]) or found[:3] in (
            ["webapp", "deployment", "source"], ["functionapp", "deployment", "source"]):
        return kinds("azure-cli", DEPLOY, service=pair[0])
    if pair == ["deployment", "group"] or pair == ["deployment", "sub"]:
        action = found[2] if len(found) > 2 else ""
        if action in ("validate", "what-if"):
            return kinds("azure-cli", IAC_VALIDATE)
        return kinds("azure-cli", DEPLOY, iac="arm") if action == "create" else []
    if pair == ["bicep", "build"]:
        return kinds("azure-cli", IAC_VALIDATE)
    if pair == ["acr", "build"]:
        return kinds("azure-cli", BUILD_IMAGE, PUSH_IMAGE)
    return []


def _pulumi(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "-s --stack -C --cwd --config -c --parallel -p --target")
    command = found[0] if found else ""
    if command == "preview":
        return kinds("pulumi", IAC_VALIDATE)
    if command in ("up", "update"):
        return kinds("pulumi", DEPLOY, iac="pulumi", stack=value(args, "-s", "--stack"))
    return []


HANDLERS: dict[str, Handler] = {
    "terraform": _terraform("terraform"), "tofu": _terraform("tofu"), "terragrunt": _terraform("terragrunt"),
    "tflint": always("tflint", IAC_VALIDATE, LINT), "cfn-lint": always("cfn-lint", IAC_VALIDATE, LINT),
    "ansible-lint": always("ansible-lint", IAC_VALIDATE, LINT), "ansible-playbook": _ansible_playbook,
    "puppet-lint": always("puppet-lint", IAC_VALIDATE, LINT), "cookstyle": always("cookstyle", IAC_VALIDATE, LINT),
    "foodcritic": always("foodcritic", IAC_VALIDATE, LINT), "salt-lint": always("salt-lint", IAC_VALIDATE, LINT),
    "puppet": lambda a, e: kinds("puppet", IAC_VALIDATE) if operands(a)[:2] == ["parser", "validate"] else [],
    "kube-linter": subcommands("kube-linter", {"lint": (IAC_VALIDATE, LINT)}),
    "kubeconform": always("kubeconform", IAC_VALIDATE), "kubeval": always("kubeval", IAC_VALIDATE),
    "pluto": always("pluto", IAC_VALIDATE), "kustomize": subcommands("kustomize", {"build": (IAC_VALIDATE,)}),
    "packer": subcommands("packer", {"validate": (IAC_VALIDATE,), "build": (BUILD,),
                                     "fmt": lambda a, e: kinds("packer", IAC_VALIDATE) if has(a, "-check") else []}),
    "cdk": subcommands("cdk", {"synth": (IAC_VALIDATE,), "synthesize": (IAC_VALIDATE,), "diff": (IAC_VALIDATE,),
                               "deploy": _deploy("cdk", iac="cdk")}),
    "cdktf": subcommands("cdktf", {"synth": (IAC_VALIDATE,), "diff": (IAC_VALIDATE,), "plan": (IAC_VALIDATE,),
                                   "deploy": _deploy("cdktf", iac="cdktf")}),
    "sam": subcommands("sam", {"validate": (IAC_VALIDATE,), "build": (BUILD,), "package": (BUILD,),
                               "deploy": _deploy("sam", ("--config-env",), iac="sam")}),
    "pulumi": _pulumi, "serverless": _serverless, "sls": _serverless,
    "rain": subcommands("rain", {"deploy": _deploy("rain", iac="cloudformation")}),
    "helm": _helm, "helmfile": lambda a, e: _helmfile(a),
    "ct": subcommands("chart-testing", {"lint": (IAC_VALIDATE, LINT), "install": (E2E_TEST,),
                                        "lint-and-install": (IAC_VALIDATE, LINT, E2E_TEST)}),
    "cr": subcommands("chart-releaser", {"upload": (PUBLISH,), "package": (BUILD,)}),
    "kubectl": _kubectl("kubectl"), "oc": _kubectl("openshift"),
    "kubectl-argo-rollouts": subcommands("argo-rollouts", {"set": (DEPLOY,), "promote": (DEPLOY,)}),
    "argocd": lambda a, e: kinds("argocd", DEPLOY) if operands(a)[:2] == ["app", "sync"] else kinds(
        "argocd", IAC_VALIDATE) if operands(a)[:2] == ["app", "diff"] else [],
    "flux": subcommands("flux", {"reconcile": (DEPLOY,)}), "kapp": subcommands("kapp", {"deploy": (DEPLOY,)}),
    "skaffold": subcommands("skaffold", {"run": (BUILD_IMAGE, DEPLOY), "deploy": (DEPLOY,), "build": (BUILD_IMAGE,),
                                         "render": (IAC_VALIDATE,), "diagnose": (IAC_VALIDATE,)}),
    "devspace": subcommands("devspace", {"deploy": (DEPLOY,)}), "okteto": subcommands("okteto", {"deploy": (DEPLOY,)}),
    "garden": subcommands("garden", {"deploy": (DEPLOY,)}),
    "nomad": lambda a, e: kinds("nomad", DEPLOY) if operands(a)[:2] == ["job", "run"] or operands(a)[:1] == [
        "run"] else kinds("nomad", IAC_VALIDATE) if operands(a)[:2] in (["job", "validate"], ["job", "plan"]) else [],
    "waypoint": subcommands("waypoint", {"up": (DEPLOY,), "deploy": (DEPLOY,)}),
    "aws": _aws, "gcloud": _gcloud, "az": _az,
    "ecs-deploy": always("ecs-deploy", DEPLOY), "ecs-cli": lambda a, e: kinds("ecs-cli", DEPLOY) if "up" in operands(
        a) else [],
    "copilot": lambda a, e: kinds("copilot", DEPLOY, environment=value(a, "--env", "-e")) if "deploy" in operands(
        a, "--env -e --name -n --app -a") else [],
    "eb": lambda a, e: kinds("elastic-beanstalk", DEPLOY, environment=(operands(a)[1:2] or [None])[0]) if operands(
        a)[:1] == ["deploy"] else [],
    "func": lambda a, e: kinds("azure-functions", DEPLOY) if operands(a)[:3] == [
        "azure", "functionapp", "publish"] else [],
    "swa": subcommands("azure-static-web-apps", {"deploy": (DEPLOY,)}),
    "fly": subcommands("fly", {"deploy": _deploy("fly")}), "flyctl": subcommands("fly", {"deploy": _deploy("fly")}),
    "heroku": lambda a, e: kinds("heroku", DEPLOY) if operands(a)[:1] in (["container:release"],
                                                                          ["releases:promote"]) else [],
    "vercel": _vercel_netlify("vercel", ("--prod", "--production")),
    "netlify": _vercel_netlify("netlify", ("--prod", "--production")),
    "firebase": lambda a, e: kinds("firebase", DEPLOY, environment="preview") if operands(a)[:1] == [
        "hosting:channel:deploy"] else kinds("firebase", DEPLOY) if operands(a, "--project -P --only")[:1] == [
        "deploy"] else [],
    "cap": _capistrano, "fab": lambda a, e: kinds("fabric", DEPLOY) if any(
        word.split(":")[0] == "deploy" for word in operands(a, "-H --hosts -r -i -f")) else [],
    "kamal": lambda a, e: kinds("kamal", DEPLOY, environment=value(a, "-d", "--destination")) if operands(a)[:1] in (
        ["deploy"], ["redeploy"]) else [],
    "mrsk": subcommands("mrsk", {"deploy": (DEPLOY,)}),
    "dpl": lambda a, e: kinds("dpl", DEPLOY, provider=value(a, "--provider") or (operands(a) or [None])[0]),
    "mkdocs": subcommands("mkdocs", {"gh-deploy": _deploy("mkdocs", environment="github-pages")}),
    "ghp-import": lambda a, e: kinds("ghp-import", DEPLOY, environment="github-pages") if has(a, "-p", "--push")
    else [],
    "gh-pages": always("gh-pages", DEPLOY), "surge": always("surge", DEPLOY),
    "wrangler": lambda a, e: kinds("cloudflare", DEPLOY) if operands(a)[:1] in (["deploy"], ["publish"]) or operands(
        a)[:2] == ["pages", "deploy"] else [],
    "railway": subcommands("railway", {"up": (DEPLOY,)}),
    "octo": lambda a, e: kinds("octopus", DEPLOY, environment=value(a, "--deployTo", "--deployto")) if operands(
        a)[:1] == ["deploy-release"] or has(a, "--deployTo", "--deployto") else [],
    "pyinfra": always("pyinfra", DEPLOY),
}


def _helmfile(args: tuple[str, ...]) -> Result:
    found = operands(args, "-e --environment -f --file -l --selector -n --namespace --kube-context")
    environment = value(args, "-e", "--environment")
    if found[:1] in (["apply"], ["sync"], ["deploy"]):
        return kinds("helmfile", DEPLOY, environment=environment)
    return kinds("helmfile", IAC_VALIDATE) if found[:1] in (["lint"], ["template"], ["diff"]) else []
