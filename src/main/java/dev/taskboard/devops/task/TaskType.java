package dev.taskboard.devops.task;

import java.util.Objects;
import java.util.Optional;

/**
 * A task's {@code type} as the board writes it, with what the worker makes of it. Types are
 * open-ended — any {@code deployment_*} or {@code infrastructure_*} is the worker's — so this is a
 * value with constants for the types it knows by name rather than a closed enum.
 */
public record TaskType(String wireName) {
  public static final TaskType DEPLOYMENT_STAGING = new TaskType("deployment_staging");
  public static final TaskType DEPLOYMENT_PRODUCTION = new TaskType("deployment_production");
  public static final TaskType DEPLOYMENT_ROLLBACK = new TaskType("deployment_rollback");
  public static final TaskType INFRASTRUCTURE_UPDATE = new TaskType("infrastructure_update");
  public static final TaskType MONITORING_SETUP = new TaskType("monitoring_setup");
  public static final TaskType URGENT_FIX = new TaskType("urgent_fix");
  public static final TaskType ESCALATION_REQUEST = new TaskType("escalation_request");

  /**
   * The worker's types as a JsonPath filter condition on {@code @.type}. Jayway's {@code =~} must
   * match the whole string, hence the {@code .*}.
   */
  public static final String HANDLED_CONDITION =
      "(@.type =~ /(deployment|infrastructure)_.*/ || @.type == 'monitoring_setup')";

  private static final String DEPLOYMENT_PREFIX = "deployment_";

  public TaskType {
    Objects.requireNonNull(wireName, "wireName == null");
  }

  public static TaskType of(String wireName) {
    return new TaskType(wireName);
  }

  /**
   * Whether the worker runs tasks of this type: deployment_*, infrastructure_*, monitoring_setup.
   */
  public boolean handled() {
    return isDeployment() || wireName.startsWith("infrastructure_") || equals(MONITORING_SETUP);
  }

  /** Any {@code deployment_*}, rollbacks included. */
  public boolean isDeployment() {
    return wireName.startsWith(DEPLOYMENT_PREFIX) && wireName.length() > DEPLOYMENT_PREFIX.length();
  }

  public boolean isRollback() {
    return equals(DEPLOYMENT_ROLLBACK);
  }

  /** A deployment that puts a release into an environment: deployment_* but not the rollback. */
  public boolean deploysRelease() {
    return isDeployment() && !isRollback();
  }

  /** The quality gate it passes first: staging or production, or none. */
  public Optional<String> gate() {
    if (equals(DEPLOYMENT_STAGING)) {
      return Optional.of("staging");
    }
    return equals(DEPLOYMENT_PRODUCTION) ? Optional.of("production") : Optional.empty();
  }

  /** deployed for a deployment of a release, done for the rest. */
  public TaskStatus successStatus() {
    return deploysRelease() ? TaskStatus.DEPLOYED : TaskStatus.DONE;
  }

  /** The environment its name says ({@code deployment_staging} → staging), else "". */
  public String environment() {
    return deploysRelease() ? wireName.substring(DEPLOYMENT_PREFIX.length()) : "";
  }

  /** The {@code deployment_info} key its environment URL goes under. */
  public String urlKey() {
    if (equals(DEPLOYMENT_STAGING)) {
      return "staging_url";
    }
    return equals(DEPLOYMENT_PRODUCTION) ? "production_url" : "environment_url";
  }

  @Override
  public String toString() {
    return wireName;
  }
}
