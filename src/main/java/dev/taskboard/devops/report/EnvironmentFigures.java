package dev.taskboard.devops.report;

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
    List<Incident> incidents) {

  public EnvironmentFigures {
    Objects.requireNonNull(environment, "environment == null");
    Objects.requireNonNull(leadTime, "leadTime == null");
    Objects.requireNonNull(changeFailureRate, "changeFailureRate == null");
    Objects.requireNonNull(timeToRestore, "timeToRestore == null");
    incidents = List.copyOf(incidents);
  }

  /** Finished deployments: successful, failed and rolled back. */
  public int deployments() {
    return successful + failed + rolledBack;
  }

  /** When the environment started failing, if no successful deployment has followed yet. */
  public Optional<Instant> failingSince() {
    return incidents.stream()
        .filter(i -> i.restoredAt().isEmpty())
        .map(Incident::failedAt)
        .findFirst();
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
