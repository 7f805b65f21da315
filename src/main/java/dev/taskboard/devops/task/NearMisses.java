package dev.taskboard.devops.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Values of a task's {@code agent}, {@code status} and {@code type} that are almost, but not
 * exactly, what the worker looks for, so a task the team meant for the worker is silently skipped:
 * {@code agent "DevOps" is not "DevOps-Engineer"}, {@code status "Pending" is not "pending"}, a
 * type within two edits of one the worker handles.
 */
public final class NearMisses {
  /** The agents' names as the board spells them. */
  static final List<String> AGENTS =
      List.of(
          Agents.DEVOPS_ENGINEER,
          Agents.TASK_CODER,
          Agents.PRODUCT_MANAGER,
          Agents.TESTER,
          Agents.UI_TESTER,
          Agents.CODE_REVIEWER);

  /** The types the worker handles by name. */
  static final List<String> TYPES =
      List.of(
          TaskType.DEPLOYMENT_STAGING.wireName(),
          TaskType.DEPLOYMENT_PRODUCTION.wireName(),
          TaskType.DEPLOYMENT_ROLLBACK.wireName(),
          TaskType.INFRASTRUCTURE_UPDATE.wireName(),
          TaskType.MONITORING_SETUP.wireName());

  private NearMisses() {}

  /**
   * Each near miss of {@code task}, as {@code field "value" is not "meant"}; {@code runbookTypes}
   * are the types the runbook has a section for (a type with its own section is no near miss).
   */
  public static List<String> of(JsonNode task, Collection<String> runbookTypes) {
    List<String> found = new ArrayList<>();
    agent(text(task, "agent")).ifPresent(a -> found.add(phrase("agent", task, a)));
    status(text(task, "status")).ifPresent(s -> found.add(phrase("status", task, s)));
    type(text(task, "type"), runbookTypes).ifPresent(t -> found.add(phrase("type", task, t)));
    return found;
  }

  /** The agent {@code value} was probably meant to be, when it is not exactly one. */
  public static Optional<String> agent(String value) {
    if (value == null || value.isEmpty() || AGENTS.contains(value)) {
      return Optional.empty();
    }
    String v = normal(value);
    for (String agent : AGENTS) {
      String a = normal(agent);
      if (v.equals(a) || NearMiss.distance(v, a) <= 2 || (v.length() >= 4 && a.startsWith(v))) {
        return Optional.of(agent);
      }
    }
    return Optional.empty();
  }

  /**
   * The status the worker acts on (pending, done, deployed) that {@code value} was probably meant
   * to be, when it is not exactly a known status.
   */
  public static Optional<String> status(String value) {
    if (value == null || value.isEmpty() || TaskStatus.of(value).isPresent()) {
      return Optional.empty();
    }
    String v = normal(value);
    // Only the statuses the worker acts on: what it takes and what dependencies wait for. Other
    // boards' own statuses (Task Master's in-progress, say) are not typos.
    for (TaskStatus status : List.of(TaskStatus.PENDING, TaskStatus.DONE, TaskStatus.DEPLOYED)) {
      String s = normal(status.wireName());
      if (v.equals(s) || NearMiss.distance(v, s) <= 1) {
        return Optional.of(status.wireName());
      }
    }
    return Optional.empty();
  }

  /**
   * The handled type {@code value} was probably meant to be: within two edits of one, and without a
   * runbook section of its own.
   */
  public static Optional<String> type(String value, Collection<String> runbookTypes) {
    if (value == null || value.isEmpty() || runbookTypes.contains(value)) {
      return Optional.empty();
    }
    Set<String> candidates = new LinkedHashSet<>(TYPES);
    runbookTypes.stream().filter(t -> TaskType.of(t).handled()).forEach(candidates::add);
    return NearMiss.closest(value, candidates, 2);
  }

  private static String phrase(String field, JsonNode task, String meant) {
    return field + " \"" + Printable.of(text(task, field)) + "\" is not \"" + meant + "\"";
  }

  private static String text(JsonNode task, String field) {
    JsonNode v = task.path(field);
    return v.isTextual() ? v.asText() : null;
  }

  /** Lower case, with '-', ' ' and '_' alike. */
  private static String normal(String s) {
    return s.toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
  }
}
