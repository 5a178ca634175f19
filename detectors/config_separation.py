"""Configuration kept out of the code, as an application shows it: sample environment files,
per-environment configuration files, twelve-factor configuration libraries, settings read from the
environment. (Helm values, Kustomize overlays and ConfigMaps are judged by the infrastructure detectors.)
"""

from __future__ import annotations

import re

from devops_scan.model import Fact, Location
from devops_scan_detectors.dependency_manifests import Manifests
from devops_scan_detectors.observability_signals import Signal, _signal
from devops_scan_detectors.source_scan import SourceScan

SAMPLE_FILE = re.compile(
    r"(^|/)(\.env\.(example|sample|template|dist|defaults|tpl)|[\w.-]+\.env\.(example|sample)|(example|sample)\.env|"
    r"env\.(example|sample)|[\w-]+\.(ya?ml|json|toml|ini|conf|cfg|properties|py|php|rb|xml)\.(example|sample|dist)|"
    r"(config|settings|application)\.(example|sample)\.(ya?ml|json|toml|ini|conf|cfg|properties|py|php|js|ts))$",
    re.IGNORECASE)
_ENVIRONMENTS = r"(development|dev|staging|stage|production|prod|qa|uat|test|local|preview)"
PER_ENVIRONMENT_FILE = re.compile(
    r"(^|/)(config|configs|settings|conf|environments|envs?)/([\w-]*[-_.])?" + _ENVIRONMENTS +
    r"([-_.][\w-]*)?\.(json|ya?ml|toml|ini|conf|rb|py|exs|js|ts|properties|env|hcl)$"
    r"|(^|/)appsettings\.\w+\.json$|(^|/)application-\w+\.(ya?ml|properties)$|(^|/)\.env\." + _ENVIRONMENTS + r"$"
    r"|(^|/)environment\.(prod|production|staging)\.ts$", re.IGNORECASE)
# phpunit.xml.dist and friends configure test tools, not the application.
_TOOL_SAMPLES = re.compile(r"(^|/)(phpunit|phpcs|phpstan|psalm|infection|behat)\.[\w.]+$", re.IGNORECASE)

CONFIG_LIBRARIES: Signal = _signal(
    "configuration from the environment",
    "python-decouple django-environ environs python-dotenv pydantic-settings dynaconf everett "
    "dotenv dotenv-flow envalid env-var convict config @nestjs/config dotenv-expand @t3-oss/env-core "
    "@t3-oss/env-nextjs github.com/spf13/viper github.com/kelseyhightower/envconfig github.com/joho/godotenv "
    "github.com/sethvargo/go-envconfig github.com/ilyakaznacheev/cleanenv dotenv-rails figaro anyway_config "
    "vlucas/phpdotenv symfony/dotenv dotenvy envy figment envconfig "
    "microsoft.extensions.configuration.environmentvariables dotnetenv io.github.cdimascio:dotenv-java",
    "github.com/caarlos0/env github.com/knadh/koanf")


def config_facts(paths: list[str], found: Manifests, scan: SourceScan) -> list[Fact]:
    """`config` facts: sample and per-environment files, configuration libraries, environment reads."""
    facts: list[Fact] = []
    for path in paths:
        if _TOOL_SAMPLES.search(path):
            continue
        if SAMPLE_FILE.search(path):
            facts.append(Fact("config", "sample configuration to copy and fill in", Location(path)))
        elif PER_ENVIRONMENT_FILE.search(path):
            facts.append(Fact("config", "per-environment configuration file", Location(path)))
    for manifest, name, line in found.find(CONFIG_LIBRARIES.names, CONFIG_LIBRARIES.prefixes):
        facts.append(Fact("config", f"{name} reads configuration from the environment", Location(manifest.path, line)))
    for hit in scan.of("env-config"):
        facts.append(Fact("config", f"reads the environment (`{hit.text}`)", Location(hit.path, hit.line)))
    return facts
