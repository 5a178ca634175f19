"""Which dependencies and configuration files prove logging, error tracking, metrics, tracing, health
checks, or that the code runs as a service. Names are as manifests normalise them (lower-case; Python
names PEP 503; Maven/Gradle `group:artifact`; Go module paths).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Signal:
    label: str
    names: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    # Dependencies whose name matches this are excluded even when a prefix matches.
    excluding: re.Pattern[str] | None = None

    def matches(self, name: str) -> bool:
        if name in self.names or (self.prefixes and name.startswith(self.prefixes)):
            return not (self.excluding and self.excluding.search(name))
        return False


def _signal(label: str, names: str = "", prefixes: str = "", excluding: str | None = None) -> Signal:
    return Signal(label, frozenset(names.split()), tuple(prefixes.split()),
                  re.compile(excluding) if excluding else None)


_OTEL_METRICS = r"metric|prometheus"

DEPENDENCY_SIGNALS: dict[str, tuple[Signal, ...]] = {
    "obs.logging": (
        _signal("structured logging library",
                "structlog loguru python-json-logger logbook eliot ecs-logging json-logging picologging "
                "winston pino pino-http bunyan log4js loglevel signale tslog roarr morgan express-winston consola "
                "go.uber.org/zap github.com/rs/zerolog github.com/sirupsen/logrus github.com/go-kit/log "
                "github.com/apex/log github.com/charmbracelet/log github.com/hashicorp/go-hclog "
                "github.com/go-logr/logr "
                "k8s.io/klog/v2 github.com/golang/glog github.com/inconshreveable/log15 "
                "net.logstash.logback:logstash-logback-encoder org.springframework.boot:spring-boot-starter-logging "
                "log4j:log4j log4net nlog lograge semantic_logger rails_semantic_logger ougai logging log4r "
                "monolog/monolog tracing tracing-subscriber env_logger pretty_env_logger log4rs slog fern "
                "flexi_logger simplelog logger_json",
                "ch.qos.logback: org.apache.logging.log4j: org.slf4j: io.github.microutils:kotlin-logging "
                "io.github.oshai:kotlin-logging serilog nlog. microsoft.extensions.logging"),
    ),
    "obs.error-tracking": (
        _signal("error tracking SDK",
                "sentry-sdk raven rollbar bugsnag honeybadger airbrake pybrake raygun4py raven-js airbrake-js "
                "raygun raygun4js trackjs github.com/getsentry/sentry-go github.com/getsentry/raven-go "
                "github.com/rollbar/rollbar-go github.com/bugsnag/bugsnag-go github.com/honeybadger-io/honeybadger-go "
                "github.com/airbrake/gobrake sentry-ruby sentry-rails sentry-raven sentry-sidekiq "
                "exception_notification "
                "raygun4ruby sentry/sentry sentry/sentry-laravel sentry/sentry-symfony rollbar/rollbar "
                "rollbar/rollbar-laravel bugsnag/bugsnag bugsnag/bugsnag-laravel honeybadger-io/honeybadger-php sentry "
                "appsignal",
                "@sentry/ @bugsnag/ @honeybadger-io/ @airbrake/ io.sentry: com.rollbar: com.bugsnag: "
                "io.honeybadger: io.airbrake: sentry. rollbar. bugsnag. mindscape.raygun4net sentry-"),
    ),
    "obs.metrics": (
        _signal("metrics library",
                "prometheus-client prometheus-flask-exporter django-prometheus prometheus-fastapi-instrumentator "
                "starlette-exporter starlette-prometheus statsd datadog aioprometheus "
                "opentelemetry-exporter-prometheus "
                "prom-client express-prom-bundle hot-shots node-statsd statsd-client @opentelemetry/sdk-metrics "
                "@opentelemetry/exporter-prometheus @willsoto/nestjs-prometheus fastify-metrics datadog-metrics "
                "github.com/prometheus/client_golang go.opentelemetry.io/otel/metric "
                "go.opentelemetry.io/otel/sdk/metric "
                "go.opentelemetry.io/otel/exporters/prometheus github.com/datadog/datadog-go "
                "github.com/cactus/go-statsd-client github.com/armon/go-metrics github.com/rcrowley/go-metrics "
                "github.com/victoriametrics/metrics org.springframework.boot:spring-boot-starter-actuator "
                "io.opentelemetry:opentelemetry-sdk-metrics io.quarkus:quarkus-smallrye-metrics app.metrics "
                "justeat.statsd dogstatsd-csharp-client prometheus-client statsd-instrument dogstatsd-ruby "
                "promphp/prometheus_client_php jimdo/prometheus_client_php endclothing/prometheus_client_php "
                "prometheus metrics metrics-exporter-prometheus opentelemetry-prometheus autometrics cadence "
                "prom_ex telemetry_metrics_prometheus prometheus_ex peep",
                "@opentelemetry/exporter-metrics @promster/ io.micrometer:micrometer-registry "
                "io.micrometer:micrometer-core "
                "io.prometheus: io.dropwizard.metrics: io.quarkus:quarkus-micrometer io.micronaut.micrometer: "
                "prometheus-net app.metrics. opentelemetry.exporter.prometheus yabeda"),
    ),
    "obs.tracing": (
        _signal("tracing library",
                "ddtrace elastic-apm jaeger-client py-zipkin newrelic honeycomb-beeline aws-xray-sdk scout-apm "
                "dd-trace elastic-apm-node @google-cloud/trace-agent aws-xray-sdk-core "
                "github.com/uber/jaeger-client-go github.com/openzipkin/zipkin-go gopkg.in/datadog/dd-trace-go.v1 "
                "github.com/newrelic/go-agent github.com/newrelic/go-agent/v3 go.opencensus.io "
                "github.com/aws/aws-xray-sdk-go com.datadoghq:dd-trace-api com.datadoghq:dd-java-agent "
                "org.springframework.cloud:spring-cloud-starter-sleuth io.micrometer:micrometer-tracing "
                "io.micrometer:micrometer-tracing-bridge-otel io.micrometer:micrometer-tracing-bridge-brave "
                "io.quarkus:quarkus-opentelemetry newrelic_rpm zipkin-tracer scout_apm datadog/dd-trace "
                "tracing-opentelemetry spandex",
                "opentelemetry- @opentelemetry/ go.opentelemetry.io/otel io.opentelemetry: "
                "io.opentelemetry.instrumentation: "
                "io.zipkin. io.jaegertracing: co.elastic.apm: com.newrelic.agent.java: opentelemetry. datadog.trace "
                "elastic.apm newrelic.agent open-telemetry/ opencensus go.elastic.co/apm "
                "github.com/datadog/dd-trace-go",
                excluding=_OTEL_METRICS),
    ),
    "obs.health-checks": (
        _signal("health-check library",
                "django-health-check django-healthchecks django-watchman fastapi-health flask-healthz healthcheck "
                "py-healthcheck @godaddy/terminus lightship express-healthcheck @nestjs/terminus fastify-healthcheck "
                "@cloudnative/health-connect github.com/heptiolabs/healthcheck github.com/hellofresh/health-go/v5 "
                "github.com/alexliesenfeld/health github.com/etherlabsio/healthcheck/v2 "
                "org.springframework.boot:spring-boot-starter-actuator io.quarkus:quarkus-smallrye-health "
                "io.micronaut:micronaut-management okcomputer health_check "
                "microsoft.extensions.diagnostics.healthchecks "
                "microsoft.aspnetcore.diagnostics.healthchecks plug_checkup plug_heartbeat",
                "aspnetcore.healthchecks. github.com/hellofresh/health-go org.eclipse.microprofile.health:"),
    ),
}

SERVICE_FRAMEWORKS = _signal(
    "web or worker framework",
    "django flask fastapi starlette aiohttp tornado sanic falcon pyramid bottle quart litestar gunicorn uvicorn "
    "hypercorn waitress daphne celery cherrypy connexion dramatiq rq "
    "express fastify koa @hapi/hapi hapi @nestjs/core next nuxt restify hono @remix-run/node @remix-run/serve "
    "@sveltejs/kit @adonisjs/core sails @loopback/core @apollo/server socket.io polka micro @feathersjs/feathers "
    "@trpc/server elysia github.com/gin-gonic/gin github.com/gorilla/mux github.com/julienschmidt/httprouter "
    "github.com/valyala/fasthttp github.com/zeromicro/go-zero connectrpc.com/connect github.com/danielgtaylor/huma/v2 "
    "org.springframework.boot:spring-boot-starter-web org.springframework.boot:spring-boot-starter-webflux "
    "io.dropwizard:dropwizard-core io.vertx:vertx-web io.javalin:javalin com.sparkjava:spark-core rails sinatra "
    "puma hanami grape roda unicorn sidekiq laravel/framework symfony/framework-bundle slim/slim "
    "laminas/laminas-mvc cakephp/cakephp yiisoft/yii2 laravel/lumen-framework actix-web axum rocket warp tide poem "
    "salvo phoenix plug_cowboy bandit microsoft.azure.functions.worker",
    "github.com/labstack/echo github.com/go-chi/chi github.com/gofiber/fiber github.com/beego/beego "
    "github.com/grpc-ecosystem/grpc-gateway io.quarkus:quarkus-resteasy io.quarkus:quarkus-rest "
    "io.micronaut:micronaut-http-server io.ktor:ktor-server io.helidon.webserver: apollo-server",
)
# .NET projects are services by their SDK, Gradle builds by the Spring Boot or application server plugin.
SERVICE_SDKS = frozenset({"Microsoft.NET.Sdk.Web", "Microsoft.NET.Sdk.Worker", "Microsoft.NET.Sdk.Functions"})
SERVICE_GRADLE_PLUGINS = frozenset({"org.springframework.boot", "io.quarkus", "io.micronaut.application",
                                    "io.ktor.plugin"})

# (practice, label, glob, content pattern) — configuration files that prove a practice.
CONFIG_FILES: tuple[tuple[str, str, str, str], ...] = (
    ("obs.logging", "Python logging configuration", "**/logging.conf", r"^\[(loggers|handlers)\]"),
    ("obs.logging", "Python logging configuration", "**/logging.ini", r"^\[(loggers|handlers)\]"),
    ("obs.logging", "logging configuration", "**/logging.y*ml", r"^(handlers|loggers|formatters|root)\s*:"),
    ("obs.logging", "logging configuration", "**/logging.json", r"\"(handlers|loggers|formatters)\""),
    ("obs.logging", "Logback configuration", "**/logback*.xml", r"<configuration|<appender"),
    ("obs.logging", "Log4j 2 configuration", "**/log4j2*.xml", r"<Configuration|<Appenders"),
    ("obs.logging", "Log4j 2 configuration", "**/log4j2*.y*ml", r"Configuration\s*:"),
    ("obs.logging", "Log4j configuration", "**/log4j.properties", r"log4j\.(rootLogger|appender)"),
    ("obs.logging", "Spring Boot logging settings", "**/application*.properties",
     r"^logging\.(level|pattern|file|config|structured|logback)"),
    ("obs.logging", "Spring Boot logging settings", "**/application*.y*ml", r"^logging\s*:"),
    ("obs.logging", "NLog configuration", "**/nlog.config", r"<nlog"),
    ("obs.logging", "NLog configuration", "**/NLog.config", r"<nlog"),
    ("obs.logging", "log4net configuration", "**/log4net.config", r"<log4net"),
    ("obs.logging", "Serilog settings", "**/appsettings.json", r"\"Serilog\"\s*:"),
    ("obs.logging", "Rails production logging", "config/environments/production.rb",
     r"config\.(log_level|logger|log_formatter|lograge)"),
    ("obs.logging", "Fluent Bit configuration", "**/fluent-bit.conf", r"\[(INPUT|OUTPUT|SERVICE)\]"),
    ("obs.logging", "Fluentd configuration", "**/fluent*.conf", r"<(source|match)\b"),
    ("obs.logging", "Vector configuration", "**/vector.y*ml", r"^(sources|sinks)\s*:"),
    ("obs.logging", "Vector configuration", "**/vector.toml", r"^\[(sources|sinks)\."),
    ("obs.logging", "Promtail configuration", "**/promtail*.y*ml", r"^scrape_configs\s*:"),
    ("obs.error-tracking", "Sentry CLI configuration", "**/.sentryclirc", r"\[(defaults|auth)\]"),
    ("obs.error-tracking", "Sentry configuration", "**/sentry.properties", r"defaults\.(org|project)"),
    ("obs.error-tracking", "Sentry SDK configuration", "**/sentry.*.config.*", r"Sentry\.init"),
    ("obs.error-tracking", "Sentry initializer", "config/initializers/sentry.rb", r"Sentry\.init|Raven\.configure"),
    ("obs.error-tracking", "Honeybadger configuration", "**/honeybadger.yml", r"api_key|env"),
    ("obs.error-tracking", "Bugsnag initializer", "config/initializers/bugsnag.rb", r"Bugsnag\.configure"),
    ("obs.error-tracking", "Rollbar initializer", "config/initializers/rollbar.rb", r"Rollbar\.configure"),
    ("obs.error-tracking", "Sentry bundle configuration", "config/packages/sentry.yaml", r"^sentry\s*:"),
    ("obs.tracing", "New Relic agent configuration", "**/newrelic.ini", r"^\[newrelic\]"),
    ("obs.tracing", "New Relic agent configuration", "**/newrelic.y*ml", r"app_name|license_key"),
    ("obs.tracing", "New Relic agent configuration", "**/newrelic.js", r"app_name"),
)
