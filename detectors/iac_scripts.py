"""Provisioning and operations scripted in the repository (`infra.scripted`).

A script counts when it runs an infrastructure or operations tool — a cloud CLI (aws, gcloud, az,
doctl...), kubectl, helm install/upgrade, terraform, ansible-playbook, packer, pulumi, `docker
push`, ssh/scp/rsync to a host, systemctl — or, for Python, imports a cloud or remote-execution SDK
(boto3, google-cloud, azure-mgmt, kubernetes, paramiko, fabric, pyinfra). Shell scripts, Makefiles,
justfiles, Taskfiles, Python scripts in ops-like folders, fabfiles, Vagrantfiles and cloud-init
files are read. Declarative infrastructure as code counts too: it is scripting's next step.
"""

from __future__ import annotations

import posixpath
import re

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.model import Evidence, Fact, Finding, Location, Outcome
from devops_scan_detectors.iac import iac_facts
from devops_scan_detectors.iac_model import DECLARATIVE_KINDS, KIND_NAMES
from devops_scan_detectors.iac_scope import deliverable, own_paths
from devops_scan_detectors.iac_yaml import read_text

_TOOLS = ("aws|gcloud|gsutil|az|doctl|flyctl|fly|heroku|eksctl|kubectl|helm|terraform|tofu|terragrunt|pulumi|"
          "ansible-playbook|ansible|packer|vagrant|ssh|scp|rsync|systemctl|docker|podman|oc|ibmcloud|hcloud|"
          "linode-cli|openstack|nomad|sam|cdk|serverless|sls|skaffold|argocd|flux|kops|kind|k3d|minikube")
# A command at the start of a line or after a shell separator, after Makefile `@`/`-` prefixes and sudo.
_COMMAND = re.compile(r"(?:^|[;&|`(]|\$\()[ \t]*[@-]?[ \t]*(?:sudo[ \t]+(?:-\S+[ \t]+)*)?"
                      rf"({_TOOLS})(?=[ \t]|$)([^\n]*)", re.MULTILINE)
# Tools that are ordinary development commands unless given one of these subcommands.
_ONLY_WITH = {
    "docker": re.compile(r"^\s+(push|stack|service|swarm|context)\b|--host\b|-H\s"),
    "podman": re.compile(r"^\s+push\b"),
    "helm": re.compile(r"^\s+(install|upgrade|rollback|uninstall|push)\b"),
    "ssh": re.compile(r"\S+@\S+|\s[\w.-]+\.[a-z]{2,}\b"), "scp": re.compile(r"\S+:[~/\w]"),
    "rsync": re.compile(r"\S+@\S+:|[\w.-]+\.[a-z]{2,}:"),
    "sam": re.compile(r"^\s+deploy\b"), "cdk": re.compile(r"^\s+(deploy|destroy|bootstrap)\b"),
    "serverless": re.compile(r"^\s+(deploy|remove)\b"), "sls": re.compile(r"^\s+(deploy|remove)\b"),
    "kind": re.compile(r"^\s+create\s+cluster\b"), "ansible": re.compile(r"\s-m\s|\s-i\s"),
}
_PYTHON_SDK = re.compile(r"^[ \t]*(?:import|from)[ \t]+(boto3|botocore|google\.cloud|googleapiclient|azure\.mgmt|"
                         r"azure\.identity|kubernetes|paramiko|fabric|pyinfra|hcloud|digitalocean|openstack|libcloud|"
                         r"pulumi)\b",
                         re.MULTILINE)
_SHEBANG = re.compile(r"^#!.*\b(ba|z|k|da)?sh\b")
OPS_FOLDERS = frozenset({"scripts", "script", "ops", "deploy", "deployment", "deployments", "infra", "infrastructure",
                         "tools", "bin", "provisioning", "provision", "admin", "hack", "ci", "release", "bootstrap"})
_MAX_FILES = 500  # a repository with thousands of scripts is judged on its first 500 (sorted)
_LIMIT = 12


class InfraScriptsDetector(Detector):
    id = "infrastructure-scripts"
    title = "Provisioning and operations scripts"
    practices = ("infra.scripted",)
    description = (
        "A script counts when it runs an infrastructure or operations tool: a cloud CLI (aws, gcloud, az, "
        "doctl...), kubectl, `helm install/upgrade`, terraform, ansible-playbook, packer, pulumi, `docker push`, "
        "ssh/scp/rsync to a host, systemctl; or, for Python, imports a cloud or remote-execution SDK (boto3, "
        "google-cloud, azure-mgmt, kubernetes, paramiko, fabric, pyinfra). Shell scripts, Makefiles, justfiles, "
        "Taskfiles, Python scripts in ops-like folders, fabfiles, Vagrantfiles and cloud-init files are read; "
        "commented-out lines and development commands (`docker build`, `helm lint`) do not count. Declarative "
        "infrastructure as code counts too: it is scripting's next step. Not applicable to a library or tool "
        "package that defines nothing that runs on servers."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        found = scripted(client)
        iac = iac_facts(client, context)
        declared = {}
        for item in iac.files:
            if item.kind in DECLARATIVE_KINDS:
                declared.setdefault(item.kind, item)
        found += [Fact("iac", f"{KIND_NAMES[item.kind]}: {item.detail}", Location(item.path, item.line))
                  for item in declared.values()]
        scope = deliverable(client, context)
        if scope.library_only and not iac.workloads:
            found.append(scope.package)
        return Evidence(self.id, tuple(found))

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        practice = "infra.scripted"
        scripts, iac = evidence.of_kind("ops-script"), evidence.of_kind("iac")
        if scripts or iac:
            parts = ([f"{len(scripts)} provisioning/operations script(s)"] if scripts else []) + \
                    ([f"infrastructure declared as code ({len(iac)} kind(s))"] if iac else [])
            return [Finding(practice, Outcome.PASS, " and ".join(parts), (scripts + iac)[:_LIMIT])]
        package = evidence.of_kind("package")
        if package:
            return [Finding(practice, Outcome.NOT_APPLICABLE,
                            "a library or tool package with nothing that runs on servers: nothing to provision",
                            package)]
        return [Finding(practice, Outcome.FAIL, "no provisioning or operations scripts (cloud CLIs, kubectl, "
                        "terraform, ansible, ssh...) and no infrastructure as code")]


def scripted(client: RepoClient) -> list[Fact]:
    """`ops-script` facts: each script that runs an infrastructure or operations tool, with the line."""
    facts = []
    for path in _candidates(client)[:_MAX_FILES]:
        text = read_text(client, path)
        if text is None:
            continue
        fact = _python(path, text) if path.endswith(".py") else _commands(path, text)
        if fact is not None:
            facts.append(fact)
    return facts


def _candidates(client: RepoClient) -> list[str]:
    files = client.files
    paths = set(files.with_extension("sh", "bash", "zsh", "ksh", "ps1", "mk"))
    paths |= set(files.named("Makefile", "GNUmakefile", "makefile", "justfile", "Justfile", ".justfile",
                             "Taskfile.yml", "Taskfile.yaml", "Vagrantfile", "fabfile.py", "user-data",
                             "cloud-init.yaml", "cloud-config.yaml"))
    for path in files.with_extension("py"):
        folder = posixpath.dirname(path)
        if not folder or set(folder.split("/")) & OPS_FOLDERS:
            paths.add(path)
    for folder in ("bin", "scripts", "script", "hack"):
        paths |= {p for p in files.in_folder(folder) if "." not in posixpath.basename(p)}
    return sorted(own_paths(sorted(paths)))


def _commands(path: str, text: str) -> Fact | None:
    name = posixpath.basename(path)
    if "." not in name and name not in ("Makefile", "GNUmakefile", "makefile", "justfile", "Justfile", "Vagrantfile",
                                        "user-data") and not _SHEBANG.match(text):
        return None  # an extension-less file in bin/ that is not a shell script
    if name == "Vagrantfile" and "Vagrant.configure" in text:
        return Fact("ops-script", "Vagrantfile provisions a virtual machine",
                    Location(path, text[:text.find("Vagrant.configure")].count("\n") + 1))
    if text.startswith("#cloud-config"):
        return Fact("ops-script", "cloud-init configuration provisions a machine", Location(path, 1))
    code = _without_comments(text)
    for match in _COMMAND.finditer(code):
        tool, rest = match.group(1), match.group(2)
        rule = _ONLY_WITH.get(tool)
        if rule is not None and not rule.search(rest):
            continue
        line = code.count("\n", 0, match.start(1)) + 1
        words = f"{tool}{re.split(r'[|;&`)]', rest, maxsplit=1)[0]}".strip().split()  # this command only
        return Fact("ops-script", f"runs `{' '.join(words[:5])}`", Location(path, line), {"tool": tool})
    return None


def _without_comments(text: str) -> str:
    """Text with `#` comment lines blanked (kept as empty lines, so line numbers stay right)."""
    return "\n".join("" if line.lstrip().startswith("#") else line for line in text.split("\n"))


def _python(path: str, text: str) -> Fact | None:
    match = _PYTHON_SDK.search(text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    return Fact("ops-script", f"Python script using {match.group(1)}", Location(path, line), {"tool": match.group(1)})
