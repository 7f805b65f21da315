package dev.taskboard.devops.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.board.Task;
import dev.taskboard.devops.files.RegularFile;
import dev.taskboard.devops.runbook.GateSettings;
import dev.taskboard.devops.runbook.Phase;
import dev.taskboard.devops.runbook.Section;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.task.TaskStatus;
import dev.taskboard.devops.task.TaskType;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The quality gates of role 004 for staging and production deployments, evaluated on the evidence
 * convention documented in the README and deployment.md:
 *
 * <ol>
 *   <li>the task's own {@code payload.gates.<check>} (a boolean, a word like pass/fail/approved, a
 *       pass rate, test counts, metrics, or {@code {"file": "path"}} to a JSON file with any of
 *       these);
 *   <li>related board tasks — same {@code payload.release}, else same {@code source_story_id}, else
 *       same {@code sprint_id}, plus any listed in {@code payload.evidence_tasks}: Tester results,
 *       Code-Reviewer verdicts, security/performance tasks, a done monitoring_setup, a deployed
 *       deployment_staging of the same release;
 *   <li>the runbook (a rollback phase) and the humans' decisions.
 * </ol>
 */
public final class Gates {
  private static final Set<String> PASS_WORDS =
      Set.of(
          "pass",
          "passed",
          "ok",
          "success",
          "succeeded",
          "green",
          "approved",
          "approve",
          "yes",
          "true",
          "configured",
          "complete",
          "completed",
          "done");
  private static final Set<String> FAIL_WORDS =
      Set.of(
          "fail",
          "failed",
          "failure",
          "red",
          "rejected",
          "changes_requested",
          "no",
          "false",
          "incomplete",
          "error");

  /** Largest evidence file read. */
  static final long MAX_EVIDENCE_BYTES = 1_000_000;

  private final GateSettings settings;
  private final Path projectDir;

  public Gates(GateSettings settings, Path projectDir) {
    this.settings = settings;
    this.projectDir = projectDir;
  }

  private static Optional<TaskStatus> status(Task t) {
    return TaskStatus.of(t.text("status"));
  }

  private static TaskType type(Task t) {
    return TaskType.of(t.text("type"));
  }

  /** Whether the task has ended so that its result counts as evidence (a failure too). */
  private static boolean concluded(Task t) {
    return status(t).map(TaskStatus::concluded).orElse(false);
  }

  /**
   * Evaluates gate {@code gate} for {@code task}; {@code board} holds candidate evidence tasks (the
   * relation is decided here), {@code section} the task's runbook section.
   */
  public GateReport evaluate(
      String gate, Task task, List<Task> board, Section section, Decisions decisions) {
    List<Task> related = related(task, board);
    List<Check> checks = new ArrayList<>();
    for (String name : settings.checks(gate)) {
      String waiver = decisions.waivedIn().get(name);
      checks.add(
          waiver != null
              ? Check.pass(name, "waived by a human in " + waiver)
              : check(name, task, related, board, section, decisions));
    }
    return new GateReport(gate, checks);
  }

  private Check check(
      String name,
      Task task,
      List<Task> related,
      List<Task> board,
      Section section,
      Decisions decisions) {
    JsonNode explicit = task.json().path("payload").path("gates").path(name);
    if (!explicit.isMissingNode()
        && !name.equals("stakeholder_approval")
        && !name.equals("rollback_plan")) {
      String source = "payload.gates." + name + " of " + task.id();
      if (explicit.path("file").isTextual()) {
        source = "file " + explicit.path("file").asText() + " (" + source + ")";
      }
      return fromValue(name, resolveFile(explicit), source);
    }
    return switch (name) {
      case "unit_tests", "smoke_tests", "sanity_tests", "regression_tests" -> suite(name, related);
      case "code_review" -> review(related);
      case "security_basic", "security_validation" -> byType(name, related, "security");
      case "performance" -> byType(name, related, "performance");
      case "monitoring" -> monitoring(board);
      case "staging_deployed" -> stagingDeployed(task, board);
      case "rollback_plan" ->
          section != null && section.has(Phase.ROLLBACK)
              ? Check.pass(
                  name,
                  "the runbook section "
                      + section.name()
                      + " has a rollback phase ("
                      + section.file().getFileName()
                      + ":"
                      + section.line()
                      + ")")
              : Check.fail(
                  name,
                  "the runbook section has no ### rollback phase; add one to "
                      + (section == null ? "deployment.md" : section.file().getFileName()));
      case "stakeholder_approval" ->
          decisions.approvedIn().isPresent()
              ? Check.pass(name, "approved by a human in " + decisions.approvedIn().get())
              : Check.inconclusive(name, "no stakeholder approval yet");
      default -> Check.inconclusive(name, "no rule for check " + name);
    };
  }

  /** Tasks that speak about the same release, story or sprint, plus those named as evidence. */
  static List<Task> related(Task task, List<Task> board) {
    JsonNode payload = task.json().path("payload");
    Set<String> named = new java.util.HashSet<>();
    payload.path("evidence_tasks").forEach(n -> named.add(n.asText()));
    String release = payload.path("release").asText("");
    String story = task.text("source_story_id");
    String sprint = task.text("sprint_id");
    List<Task> out = new ArrayList<>();
    for (Task t : board) {
      if (t.id().equals(task.id())) {
        continue;
      }
      boolean same;
      if (!release.isEmpty()) {
        same = release.equals(t.json().path("payload").path("release").asText(""));
      } else if (!story.isEmpty()) {
        same = story.equals(t.text("source_story_id"));
      } else {
        same = !sprint.isEmpty() && sprint.equals(t.text("sprint_id"));
      }
      if (same || named.contains(t.id())) {
        out.add(t);
      }
    }
    return out;
  }

  private Check suite(String name, List<Task> related) {
    String suite = name.substring(0, name.length() - "_tests".length());
    Check found = null;
    for (Task t : related) {
      JsonNode results = t.json().path("result").path("test_results");
      JsonNode counts = results.path("suites").path(suite);
      if (counts.isMissingNode() && namesSuite(t, suite)) {
        counts = results;
      }
      if (counts.isMissingNode()) {
        continue;
      }
      if (!concluded(t)) {
        found =
            Check.inconclusive(
                name, t.id() + " (" + t.text("agent") + ") has not finished: " + t.text("status"));
        continue;
      }
      found = fromValue(name, counts, "result.test_results of " + t.id());
    }
    return found != null
        ? found
        : Check.inconclusive(
            name,
            "no evidence: no related Tester result for the "
                + suite
                + " suite and no payload.gates."
                + name);
  }

  private static boolean namesSuite(Task t, String suite) {
    JsonNode p = t.json().path("payload");
    if (p.path("suite").asText("").equalsIgnoreCase(suite)) {
      return true;
    }
    for (JsonNode s : p.path("suites")) {
      if (s.asText("").equalsIgnoreCase(suite)) {
        return true;
      }
    }
    return false;
  }

  private Check review(List<Task> related) {
    Check found = null;
    for (Task t : related) {
      if (!t.text("type").contains("review") && !t.text("agent").equals("Code-Reviewer")) {
        continue;
      }
      JsonNode result = t.json().path("result");
      String verdict = result.path("review").asText(result.path("status").asText(""));
      if (!concluded(t)) {
        found =
            Check.inconclusive("code_review", "review " + t.id() + " is still " + t.text("status"));
      } else {
        found =
            fromValue(
                "code_review",
                Json.valueOf(verdict.isEmpty() ? t.text("status") : verdict),
                "review " + t.id());
      }
    }
    return found != null
        ? found
        : Check.inconclusive(
            "code_review",
            "no evidence: no related Code-Reviewer task and no payload.gates.code_review");
  }

  private Check byType(String name, List<Task> related, String word) {
    Check found = null;
    for (Task t : related) {
      if (!t.text("type").toLowerCase(Locale.ROOT).contains(word)) {
        continue;
      }
      if (!concluded(t)) {
        found =
            Check.inconclusive(
                name, t.id() + " (" + t.text("type") + ") is still " + t.text("status"));
        continue;
      }
      JsonNode result = t.json().path("result");
      JsonNode value =
          result.has("metrics")
              ? result.path("metrics")
              : Json.valueOf(result.path("status").asText(t.text("status")));
      found = fromValue(name, value, t.id() + " (" + t.text("type") + ")");
    }
    return found != null
        ? found
        : Check.inconclusive(
            name, "no evidence: no related " + word + " task and no payload.gates." + name);
  }

  private static Check monitoring(List<Task> board) {
    for (int i = board.size() - 1; i >= 0; i--) {
      Task t = board.get(i);
      if (type(t).equals(TaskType.MONITORING_SETUP)
          && status(t).map(TaskStatus::concluded).orElse(false)
          && !t.text("status").equals(TaskStatus.FAILED.wireName())) {
        return Check.pass("monitoring", "monitoring_setup " + t.id() + " is " + t.text("status"));
      }
    }
    return Check.inconclusive(
        "monitoring",
        "no evidence: no monitoring_setup task is done and no payload.gates.monitoring");
  }

  private static Check stagingDeployed(Task task, List<Task> board) {
    String release = task.json().path("payload").path("release").asText("");
    if (release.isEmpty()) {
      return Check.inconclusive(
          "staging_deployed",
          "the task names no release (payload.release), so no staging deployment can match it");
    }
    Check found =
        Check.inconclusive(
            "staging_deployed", "no deployment_staging of release " + release + " on the board");
    for (Task t : board) {
      if (!type(t).equals(TaskType.DEPLOYMENT_STAGING)
          || !release.equals(t.json().path("payload").path("release").asText(""))) {
        continue;
      }
      if (status(t).equals(Optional.of(TaskStatus.DEPLOYED))) {
        return Check.pass(
            "staging_deployed", "release " + release + " is deployed on staging (" + t.id() + ")");
      }
      if (status(t).equals(Optional.of(TaskStatus.FAILED))) {
        found =
            Check.fail(
                "staging_deployed",
                "the staging deployment of release " + release + " failed (" + t.id() + ")");
      } else if (found.verdict() == Verdict.INCONCLUSIVE) {
        found =
            Check.inconclusive(
                "staging_deployed",
                "the staging deployment of release "
                    + release
                    + " is "
                    + t.text("status")
                    + " ("
                    + t.id()
                    + ")");
      }
    }
    return found;
  }

  /** Reads {@code {"file": "path"}} evidence relative to the project directory. */
  private JsonNode resolveFile(JsonNode value) {
    if (!value.isObject() || !value.path("file").isTextual()) {
      return value;
    }
    String name = value.path("file").asText();
    try {
      Path root = projectDir.toRealPath();
      Path file = root.resolve(name).normalize();
      if (!file.startsWith(root) || !file.getParent().toRealPath().startsWith(root)) {
        return Json.valueOf("unreadable: " + name + " is outside the project directory");
      }
      // An agent names this file: a regular file only, opened without following a link and
      // without blocking (a FIFO would hang the worker, a device would never end).
      byte[] bytes = RegularFile.read(file, MAX_EVIDENCE_BYTES, false);
      JsonNode content = Json.MAPPER.readTree(bytes);
      return content.has("test_results") ? content.path("test_results") : content;
    } catch (IOException | InvalidPathException e) {
      return Json.valueOf("unreadable: " + name + " (" + e.getMessage() + ")");
    }
  }

  /** One value of the convention → a verdict. */
  private Check fromValue(String name, JsonNode v, String source) {
    if (v.isBoolean()) {
      return v.asBoolean()
          ? Check.pass(name, source + " says true")
          : Check.fail(name, source + " says false");
    }
    if (v.isNumber()) {
      return rate(name, v.asDouble(), source + " reports a " + v.asText() + "% pass rate");
    }
    if (v.isTextual()) {
      String word = v.asText().strip().toLowerCase(Locale.ROOT);
      if (word.startsWith("unreadable: ")) {
        return Check.inconclusive(name, "evidence file " + v.asText().substring(12));
      }
      String first = word.split("[\\s:,.;]+", 2)[0];
      if (PASS_WORDS.contains(first)) {
        return Check.pass(name, source + " says \"" + v.asText() + "\"");
      }
      if (FAIL_WORDS.contains(first)) {
        return Check.fail(name, source + " says \"" + v.asText() + "\"");
      }
      return Check.inconclusive(
          name, source + " says \"" + v.asText() + "\", which is neither pass nor fail");
    }
    if (v.isObject()) {
      Optional<Counts> counts = Counts.of(v);
      if (counts.isPresent()) {
        Counts c = counts.get();
        if (c.total() == 0) {
          return Check.inconclusive(name, source + " counts no tests");
        }
        return rate(
            name,
            100.0 * c.passed() / c.total(),
            source + ": " + c.passed() + " of " + c.total() + " passed");
      }
      if (name.equals("performance") && !v.has("status")) {
        return performance(v, source);
      }
      if (v.has("status")) {
        return fromValue(name, v.path("status"), source);
      }
    }
    return Check.inconclusive(
        name,
        source + " holds " + Json.compact(v) + ", which the evidence convention does not read");
  }

  private Check rate(String name, double percent, String evidence) {
    double min = GateSettings.TEST_SUITES.contains(name) ? settings.minPassRate(name) : 100.0;
    String text = String.format(Locale.ROOT, "%s (needs %s%%)", evidence, trim(min));
    return percent >= min ? Check.pass(name, text) : Check.fail(name, text);
  }

  private Check performance(JsonNode metrics, String source) {
    Map<String, Double> max = settings.performanceMax();
    if (max.isEmpty()) {
      return Check.inconclusive(
          "performance",
          source + " reports metrics but deployment.md sets no performance.max.<metric> limits");
    }
    List<String> over = new ArrayList<>();
    List<String> within = new ArrayList<>();
    for (Map.Entry<String, Double> limit : max.entrySet()) {
      JsonNode value = metrics.path(limit.getKey());
      if (!value.isNumber()) {
        continue;
      }
      String text =
          limit.getKey() + " " + trim(value.asDouble()) + " (max " + trim(limit.getValue()) + ")";
      (value.asDouble() <= limit.getValue() ? within : over).add(text);
    }
    if (!over.isEmpty()) {
      return Check.fail("performance", source + ": over the limit: " + String.join(", ", over));
    }
    if (within.isEmpty()) {
      return Check.inconclusive(
          "performance",
          source
              + " reports none of the limited metrics ("
              + String.join(", ", max.keySet())
              + ")");
    }
    return Check.pass("performance", source + ": within limits: " + String.join(", ", within));
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /**
   * Test counts as agents write them: total_tests/passed_tests/failed_tests, or
   * total/passed/failed.
   */
  record Counts(long total, long passed) {
    static Optional<Counts> of(JsonNode v) {
      JsonNode total = v.has("total_tests") ? v.path("total_tests") : v.path("total");
      JsonNode passed = v.has("passed_tests") ? v.path("passed_tests") : v.path("passed");
      JsonNode failed = v.has("failed_tests") ? v.path("failed_tests") : v.path("failed");
      if (passed.isNumber() && total.isNumber()) {
        return Optional.of(new Counts(total.asLong(), passed.asLong()));
      }
      if (passed.isNumber() && failed.isNumber()) {
        return Optional.of(new Counts(passed.asLong() + failed.asLong(), passed.asLong()));
      }
      return Optional.empty();
    }
  }
}
