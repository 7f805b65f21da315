package dev.taskboard.devops.report;

import dev.taskboard.devops.task.TaskType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/** The DORA figures of one environment over the report's window. */
public record EnvironmentFigures(
    String environment,
    int successful,
    int failed,
    int rolledBack,
    double deploymentsPerDay,
    Hours leadTime,
    OptionalDouble changeFailureRate,
    Hours timeToRestore,
    List<Incident> incidents,
    State state) {

  public EnvironmentFigures {
    Objects.requireNonNull(environment, "environment == null");
    Objects.requireNonNull(leadTime, "leadTime == null");
    Objects.requireNonNull(changeFailureRate, "changeFailureRate == null");
    Objects.requireNonNull(timeToRestore, "timeToRestore == null");
    incidents = List.copyOf(incidents);
    Objects.requireNonNull(state, "state == null");
  }

  /** Finished deployments: successful, failed and rolled back. */
  public int deployments() {
    return successful + failed + rolledBack;
  }

  /**
   * When the open incident started: no successful deployment of a change has followed it yet. The
   * environment may serve a healthy release all the same (its rollback worked); {@link #state()}
   * says.
   */
  public Optional<Instant> failingSince() {
    return incidents.stream()
        .filter(i -> i.restoredAt().isEmpty())
        .map(Incident::failedAt)
        .findFirst();
  }

  /** What an environment serves now, as its deployments left it. */
  public enum Health {
    /** The last deployment succeeded. */
    HEALTHY("healthy", "healthy"),
    /**
     * The last deployment failed and its rollback worked, or a rollback task succeeded: the
     * previous release serves.
     */
    ROLLED_BACK("rolled_back", "rolled back, healthy"),
    /** The last deployment failed and nothing restored it: no rollback, or the rollback failed. */
    DOWN("down", "down"),
    /** No deployment reached a deploy step. */
    UNKNOWN("unknown", "nothing deployed");

    private final String wireName;
    private final String label;

    Health(String wireName, String label) {
      this.wireName = wireName;
      this.label = label;
    }

    /** The name in the JSON report and the HTML classes. */
    public String wireName() {
      return wireName;
    }

    /** The name people read. */
    public String label() {
      return label;
    }
  }

  /**
   * The environment's health now, from every deployment and rollback task in the journal (not only
   * those in the window).
   *
   * @param since when it entered this health
   * @param last the latest outcome that left it so
   */
  public record State(Health health, Optional<Instant> since, Optional<Deployment> last) {
    static final State UNKNOWN = new State(Health.UNKNOWN, Optional.empty(), Optional.empty());

    public State {
      Objects.requireNonNull(health, "health == null");
      Objects.requireNonNull(since, "since == null");
      Objects.requireNonNull(last, "last == null");
    }

    /** What left it so, for people: "P7 failed and its rollback failed too". */
    String cause() {
      return last.map(State::cause).orElse("no deployment reached a deploy step");
    }

    private static String cause(Deployment d) {
      if (d.outcome() == Deployment.Outcome.SUCCESS) {
        return d.task() + (TaskType.of(d.type()).isRollback() ? " rolled it back" : " deployed");
      }
      return switch (d.rollback()) {
        case NONE -> d.task() + " failed and nothing rolled it back";
        case SUCCEEDED -> d.task() + " failed and was rolled back";
        case FAILED -> d.task() + " failed and its rollback failed too";
      };
    }
  }

  /** How many durations were measured, and their median and 90th percentile in hours. */
  public record Hours(int count, OptionalDouble median, OptionalDouble p90) {
    public Hours {
      Objects.requireNonNull(median, "median == null");
      Objects.requireNonNull(p90, "p90 == null");
    }

    static Hours of(List<Duration> durations) {
      List<Double> hours = new ArrayList<>();
      for (Duration d : durations) {
        hours.add(d.toMillis() / 3_600_000.0);
      }
      hours.sort(null);
      return new Hours(hours.size(), percentile(hours, 0.5), percentile(hours, 0.9));
    }

    /**
     * Linear interpolation between the closest ranks (numpy's default, Excel's PERCENTILE.INC):
     * rank h = (n - 1) p, value x[⌊h⌋] + (h - ⌊h⌋)(x[⌊h⌋ + 1] - x[⌊h⌋]).
     */
    static OptionalDouble percentile(List<Double> sorted, double p) {
      if (sorted.isEmpty()) {
        return OptionalDouble.empty();
      }
      double h = (sorted.size() - 1) * p;
      int low = (int) Math.floor(h);
      int high = Math.min(low + 1, sorted.size() - 1);
      double x = sorted.get(low);
      return OptionalDouble.of(x + (h - low) * (sorted.get(high) - x));
    }
  }

  /** From the first failed deployment after a success to the next successful deployment. */
  public record Incident(Instant failedAt, Optional<Instant> restoredAt) {
    public Incident {
      Objects.requireNonNull(failedAt, "failedAt == null");
      Objects.requireNonNull(restoredAt, "restoredAt == null");
    }

    /** How long until it was restored; empty while it is still failing. */
    public Optional<Duration> timeToRestore() {
      return restoredAt.map(r -> Duration.between(failedAt, r));
    }
  }
}
