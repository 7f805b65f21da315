package dev.taskboard.devops.report;

import dev.taskboard.devops.report.Deployment.Outcome;
import dev.taskboard.devops.report.EnvironmentFigures.Health;
import dev.taskboard.devops.report.EnvironmentFigures.Hours;
import dev.taskboard.devops.report.EnvironmentFigures.Incident;
import dev.taskboard.devops.report.EnvironmentFigures.State;
import dev.taskboard.devops.task.TaskType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** Computes one environment's figures from its deployments in the window. */
final class Figures {
  private Figures() {}

  /**
   * @param deployments the environment's history rows in the window, oldest first
   * @param state the environment's health now
   * @param days the window's length in days
   */
  static EnvironmentFigures of(
      String environment, List<Deployment> deployments, State state, double days) {
    List<Deployment> counted = deployments.stream().filter(Deployment::counted).toList();
    int successful = count(counted, Outcome.SUCCESS);
    int failed = count(counted, Outcome.FAILED);
    int rolledBack = count(counted, Outcome.ROLLED_BACK);
    int finished = successful + failed + rolledBack;
    List<Duration> leadTimes = counted.stream().flatMap(d -> d.leadTime().stream()).toList();
    List<Incident> incidents = incidents(counted);
    return new EnvironmentFigures(
        environment,
        successful,
        failed,
        rolledBack,
        successful / days,
        Hours.of(leadTimes),
        finished == 0
            ? OptionalDouble.empty()
            : OptionalDouble.of((failed + rolledBack) / (double) finished),
        Hours.of(incidents.stream().flatMap(i -> i.timeToRestore().stream()).toList()),
        incidents,
        state);
  }

  /**
   * The health the environment's outcomes (all of them, oldest first, rollback tasks included)
   * leave it in: each outcome that changed the environment decides; one held before any deploy step
   * changed nothing.
   */
  static State state(List<Deployment> outcomes) {
    State state = State.UNKNOWN;
    for (Deployment d : outcomes) {
      if (d.outcome() == Outcome.NOT_DEPLOYED) {
        continue; // nothing was deployed: the environment is as the previous outcome left it
      }
      Health health = healthAfter(d);
      Optional<Instant> since = health == state.health() ? state.since() : Optional.of(d.at());
      state = new State(health, since, Optional.of(d));
    }
    return state;
  }

  private static Health healthAfter(Deployment d) {
    if (d.outcome() == Outcome.SUCCESS) {
      return TaskType.of(d.type()).isRollback() ? Health.ROLLED_BACK : Health.HEALTHY;
    }
    return d.rollback() == Deployment.Rollback.SUCCEEDED ? Health.ROLLED_BACK : Health.DOWN;
  }

  /**
   * A failure opens an incident unless one is open already (later failures belong to it); the next
   * success closes it.
   */
  static List<Incident> incidents(List<Deployment> counted) {
    List<Incident> incidents = new ArrayList<>();
    Instant failingSince = null;
    for (Deployment d : counted) {
      if (d.outcome().isFailure() && failingSince == null) {
        failingSince = d.at();
      } else if (d.outcome() == Outcome.SUCCESS && failingSince != null) {
        incidents.add(new Incident(failingSince, Optional.of(d.at())));
        failingSince = null;
      }
    }
    if (failingSince != null) {
      incidents.add(new Incident(failingSince, Optional.empty()));
    }
    return incidents;
  }

  private static int count(List<Deployment> deployments, Outcome outcome) {
    return (int) deployments.stream().filter(d -> d.outcome() == outcome).count();
  }
}
