"""Which Jenkins pipeline steps are built in (or come with common plugins), and which only wrap others.

A step name not listed here and not defined in the Jenkinsfile is taken to come from a shared
library (`buildPlugin(...)`, a company's `deployService(...)`): its effect is defined outside the
repository, so the scanner must not guess what it does. The list is long on purpose — every name
missing from it would turn a well-known plugin step into "defined outside the repository".
"""

from __future__ import annotations

# Steps that run shell text.
SHELL_STEPS = frozenset({"sh", "bat", "powershell", "pwsh"})

# Steps whose closure is run in place: their body's steps belong to the enclosing stage.
WRAPPERS = frozenset({
    "script", "node", "dir", "ws", "withEnv", "withCredentials", "timeout", "retry", "timestamps", "ansiColor",
    "lock", "catchError", "warnError", "sshagent", "withDockerRegistry", "withDockerServer", "withDockerContainer",
    "container", "podTemplate", "withMaven", "withGradle", "withAnt", "withSonarQubeEnv", "withAWS",
    "withKubeConfig", "withKubeCredentials", "configFileProvider", "wrap", "nodejs", "withNPM", "withPythonEnv",
    "withVault", "withGroovy", "withFileParameter", "waitUntil", "xvfb", "conditionalStep", "stage",
    "docker.withRegistry", "docker.withServer", "docker.withTool", "docker.image.inside", "docker.image.withRun",
    "withChecks", "gitlabCommitStatus", "gitlabBuilds", "withBuildUser", "buildName", "azureCLI",
    "withCredentialsFromSecret", "withAzureCredentials", "withGoogleCredentials", "googleCloudCredentials",
    "withRubyEnv", "withJava", "tool", "milestone",
})

BUILTIN_STEPS = SHELL_STEPS | WRAPPERS | frozenset({
    # basic steps and Groovy built-ins
    "echo", "error", "unstable", "sleep", "readFile", "writeFile", "fileExists", "deleteDir", "cleanWs", "pwd",
    "isUnix", "input", "build", "parallel", "stash", "unstash", "archive", "archiveArtifacts", "copyArtifacts",
    "fingerprint", "step", "properties", "checkout", "git", "svn", "scm", "library", "load", "evaluate",
    "println", "print", "assert", "mail", "emailext", "emailextrecipients", "slackSend", "slackUploadFile",
    "mattermostSend", "office365ConnectorSend", "discordSend", "hipchatSend", "rocketSend", "googlechatnotification",
    "readJSON", "writeJSON", "readYaml", "writeYaml", "readCSV", "writeCSV", "readProperties", "readManifest",
    "readMavenPom", "writeMavenPom", "readTrusted", "findFiles", "zip", "unzip", "tar", "untar", "sha1", "sha256",
    "touch", "httpRequest", "getContext", "currentBuild", "setBuildResult", "addBadge", "addShortText",
    "createSummary", "buildDescription", "dockerFingerprintFrom", "dockerNode", "sshPublisher", "sshCommand",
    "sshPut", "sshGet", "sshScript", "sshRemove", "timeoutInMinutes", "resolveScm", "publishChecks",
    "githubNotify", "setGitHubPullRequestStatus", "gitHubPRStatus", "githubPRComment", "pullRequest",
    "updateGitlabCommitStatus", "addGitLabMRComment", "acceptGitLabMR", "bitbucketStatusNotify",
    "jiraComment", "jiraSendBuildInfo", "jiraSendDeploymentInfo", "jiraIssueSelector", "jobDsl",
    "usernamePassword", "usernameColonPassword", "string", "file", "sshUserPrivateKey", "certificate",
    "dockerCert", "aws", "vaultString", "choice", "booleanParam", "password", "text", "run", "credentials",
    "cron", "pollSCM", "upstream", "githubPush", "pipelineTriggers", "buildDiscarder", "logRotator",
    "disableConcurrentBuilds", "skipDefaultCheckout", "skipStagesAfterUnstable", "preserveStashes",
    "quietPeriod", "checkoutToSubdirectory", "newContainerPerStage", "overrideIndexTriggers", "parallelsAlwaysFailFast",
    "rateLimitBuilds", "durabilityHint", "disableResume", "copyArtifactPermission", "timeout",
    # test, coverage and quality reports
    "junit", "xunit", "nunit", "mstest", "testNG", "jacoco", "cobertura", "publishCoverage", "recordCoverage",
    "publishHTML", "publishTestResults", "recordIssues", "scanForIssues", "publishIssues", "checkstyle", "pmd",
    "findbugs", "spotbugs", "warnings", "warnNg", "dependencyCheck", "dependencyCheckPublisher",
    "dependencyTrackPublisher", "waitForQualityGate", "perfReport", "performanceReport", "cucumber",
    "allure", "publishGatlingReports", "gatlingArchive", "jmeter", "codeCoverage", "coverage",
    "lcov", "clover", "sonarScanner", "snykSecurity", "aquaMicroscanner", "anchore", "grypeScan",
    "trivy", "writeSarif", "openTasks", "junitReport", "publishBuildRecord", "realtimeJUnit",
    "discoverGitReferenceBuild", "discoverReferenceBuild", "mineRepository", "gitDiffStat",
    # build tools, containers, cloud and deployment plugins
    "docker.build", "docker.image", "docker.withRegistry", "docker.script", "dockerImage", "kubernetesDeploy",
    "kubectl", "helm", "ansiblePlaybook", "ansibleVault", "ansibleAdhoc", "terraform", "s3Upload", "s3Download",
    "s3Delete", "s3Copy", "s3FindFiles", "cfnUpdate", "cfnValidate", "cfnDelete", "cfnDescribe", "ecrLogin",
    "awsCodeBuild", "createDeployment", "deployToAppEngine", "googleStorageUpload", "googleStorageDownload",
    "azureWebAppPublish", "azureFunctionAppPublish", "acsDeploy", "azureUpload", "azureDownload",
    "nexusArtifactUploader", "nexusPublisher", "rtUpload", "rtDownload", "rtPublishBuildInfo", "rtMavenRun",
    "rtGradleRun", "rtNpmInstall", "rtNpmPublish", "rtServer", "rtMavenDeployer", "rtMavenResolver",
    "rtBuildInfo", "rtPipInstall", "jf", "artifactoryUpload", "openshiftBuild", "openshiftDeploy",
    "openshift.withCluster", "openshift.withProject", "mvn", "gradle", "msbuild", "vsTest", "dotnetBuild",
    "dotnetTest", "dotnetPublish", "dotnetRestore", "dotnetPack", "nodejs", "npm", "yarn", "gcloud",
    "containerBuildStep", "podman", "buildah", "kaniko", "signArtifacts", "cosign",
})

# Roots of dotted names that are Jenkins or Groovy objects, never shared-library steps.
KNOWN_ROOTS = frozenset({
    "env", "params", "currentBuild", "scm", "docker", "steps", "this", "Jenkins", "System", "Math", "String",
    "Integer", "Boolean", "Date", "manager", "jenkins", "hudson", "binding", "args", "it", "script",
    "openshift", "kubernetes", "JsonOutput", "JsonSlurper", "groovy", "java", "net", "org", "com", "io",
})

# Groovy control flow: its closures run in place (`if (...) { sh ... }`).
CONTROL = frozenset({"if", "else", "for", "while", "try", "catch", "finally", "switch", "case", "default",
                     "synchronized", "do"})


def is_known(name: str) -> bool:
    """Whether `name` (dotted) is a built-in or common plugin step, or a call on a Jenkins object."""
    if name in BUILTIN_STEPS or name in CONTROL:
        return True
    root = name.split(".", 1)[0]
    return root in KNOWN_ROOTS or root in BUILTIN_STEPS
