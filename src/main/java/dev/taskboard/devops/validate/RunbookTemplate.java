package dev.taskboard.devops.validate;

/**
 * The deployment.md that {@code init} writes: every handled task type's section, whose steps fail
 * with a message saying what to write, so an un-edited runbook never deploys anything.
 */
final class RunbookTemplate {
  static final String TEXT =
      """
      # Deployment runbook

      This file is read by people as documentation and executed by `devops-worker` as the
      DevOps-Engineer's runbook. `devops-worker init` wrote it with a section for every task type the
      worker handles, and every step in it is a placeholder that FAILS with a message saying what to
      write: nothing is deployed until you replace the placeholders with your own steps.
      `devops-worker validate` checks this file without running anything.

      How the worker reads it:

      - A level-2 heading that is a task type alone (`deployment_staging`) opens that type's section;
        other level-2 headings are documentation, except `gates` and `defaults` below.
      - Level-3 headings open a section's phases: `pre` runs once before anything changes; `deploy`
        and then `verify` run in every attempt, up to `attempts` times with a doubling `backoff`;
        `rollback` runs after the last attempt failed.
      - Each fenced block marked `sh`, `bash`, `python3`, `node` or `perl` in a phase is one step; it
        succeeds when it exits 0 (`sh` runs with `-e`, `bash` with `-e -o pipefail`). A block marked
        `text` only documents; any other mark is an error.
      - Task data reaches the steps only as environment variables, never as command text: `TASK_ID`,
        `TASK_TYPE`, `TASK_ATTEMPT`, `TASK_PAYLOAD` (the payload as JSON) and `TASK_PAYLOAD_<FIELD>`
        (e.g. `TASK_PAYLOAD_RELEASE`), plus `ENVIRONMENT_URL`, `RUNBOOK_DIR` and `DEVOPS_STATE_DIR`.
        Quote them (`"$TASK_PAYLOAD_RELEASE"`) and check any value you put in a path.
      - A `settings` block holds `key: value` lines: `timeout` (`30s`, `5m`), `attempts`, `backoff`,
        `url`, `workdir`, `grace`, `env.NAME` and `redact`. A section's settings win over `defaults`.

      ## gates

      The quality gates a `deployment_staging` and a `deployment_production` pass before they run: the
      checks of each gate and their thresholds. Evidence comes from the task's `payload.gates`, from
      related tasks on the board (test results, reviews) and, for approvals, from human-requests.md.

      ```settings
      staging: unit_tests, smoke_tests, sanity_tests, code_review, security_basic
      production: staging_deployed, regression_tests, performance, security_validation, monitoring, rollback_plan, stakeholder_approval
      unit_tests.min_pass_rate: 100
      smoke_tests.min_pass_rate: 100
      sanity_tests.min_pass_rate: 100
      regression_tests.min_pass_rate: 95
      # performance.max.p95_ms: 250
      approval.timeout: 72h
      ```

      ## defaults

      Settings every section starts from.

      ```settings
      timeout: 5m
      attempts: 1          # the placeholders fail anyway; raise it once the steps are real
      backoff: 2s
      grace: 30s
      ```

      ## deployment_staging

      Deploys the release a task names (`TASK_PAYLOAD_RELEASE`) to staging. Runs after the staging
      gate passed (unit, smoke and sanity tests, code review, basic security). Put the environment's
      address in `url` below: the worker reports it on the task.

      ```settings
      # url: https://staging.example.com/
      ```

      Replace each block with your own steps: deploy the release, check it answers (a health
      check), and go back to the previous release when it does not.

      ### deploy

      ```sh
      echo "deployment_staging: write your deploy steps in deployment.md" >&2; exit 1
      ```

      ### verify

      ```sh
      echo "deployment_staging: write your verify steps in deployment.md" >&2; exit 1
      ```

      ### rollback

      ```sh
      echo "deployment_staging: write your rollback steps in deployment.md" >&2; exit 1
      ```

      ## deployment_production

      Deploys the release to production, only after the production gate passed: staging got the same
      release, regression tests, performance, security, monitoring, this section's rollback, and a
      human's approval in human-requests.md. Production is tried once: a failure rolls back at once.

      ```settings
      # url: https://production.example.com/
      attempts: 1
      ```

      ### deploy

      ```sh
      echo "deployment_production: write your deploy steps in deployment.md" >&2; exit 1
      ```

      ### verify

      ```sh
      echo "deployment_production: write your verify steps in deployment.md" >&2; exit 1
      ```

      ### rollback

      ```sh
      echo "deployment_production: write your rollback steps in deployment.md" >&2; exit 1
      ```

      ## deployment_rollback

      Rolls the environment a task names (`TASK_PAYLOAD_ENVIRONMENT`) back to its previous release.
      This section's own rollback undoes that, should the rollback fail.

      ### deploy

      ```sh
      echo "deployment_rollback: write your deploy steps in deployment.md" >&2; exit 1
      ```

      ### verify

      ```sh
      echo "deployment_rollback: write your verify steps in deployment.md" >&2; exit 1
      ```

      ### rollback

      ```sh
      echo "deployment_rollback: write your rollback steps in deployment.md" >&2; exit 1
      ```

      ## infrastructure_update

      Changes infrastructure or configuration as the task's payload says. Plan in `### pre` (it runs
      once, before anything changes), apply in deploy, check in verify, undo in rollback.

      ### pre

      ```sh
      echo "infrastructure_update: write your pre steps in deployment.md" >&2; exit 1
      ```

      ### deploy

      ```sh
      echo "infrastructure_update: write your deploy steps in deployment.md" >&2; exit 1
      ```

      ### verify

      ```sh
      echo "infrastructure_update: write your verify steps in deployment.md" >&2; exit 1
      ```

      ### rollback

      ```sh
      echo "infrastructure_update: write your rollback steps in deployment.md" >&2; exit 1
      ```

      ## monitoring_setup

      Sets up monitoring and alerts for what the task's payload names; verify checks they report.

      ### deploy

      ```sh
      echo "monitoring_setup: write your deploy steps in deployment.md" >&2; exit 1
      ```

      ### verify

      ```sh
      echo "monitoring_setup: write your verify steps in deployment.md" >&2; exit 1
      ```

      ### rollback

      ```sh
      echo "monitoring_setup: write your rollback steps in deployment.md" >&2; exit 1
      ```
      """;

  private RunbookTemplate() {}
}
