package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.board.ArrayPath;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.testing.TestEnv;
import dev.taskboard.devops.validate.Finding;
import dev.taskboard.devops.validate.Validator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed team's per-task board (src/test/resources/seed/.demo/.plan, see its SOURCES.md) through
 * the real command line: run --once, board, status, plan, validate and init.
 */
class PerTaskLayoutTest {
  static final Path SEED = Path.of("src/test/resources/seed/.demo/.plan");

  /** The DevOps task added to the seed's demo, in the demo's own style (type in payload). */
  static final String DEVOPS_TASK =
      "{\n"
          + "  \"task_id\": \"T-DEMO-4\",\n"
          + "  \"title\": \"Deploy the per-task reader to staging\",\n"
          + "  \"status\": \"pending\",\n"
          + "  \"agent\": \"DevOps-Engineer\",\n"
          + "  \"payload\": {\n"
          + "    \"type\": \"deployment_staging\",\n"
          + "    \"description\": \"Ship the dashboard build to staging.\",\n"
          + "    \"priority\": \"high\"\n"
          + "  },\n"
          + "  \"updated_at\": \"2025-09-15T08:30:00Z\"\n"
          + "}\n";

  static final String DEVOPS_ENTRY =
      ",\n"
          + "  {\n"
          + "    \"task_id\": \"T-DEMO-4\",\n"
          + "    \"title\": \"Deploy the per-task reader to staging\",\n"
          + "    \"status\": \"pending\",\n"
          + "    \"agent\": \"DevOps-Engineer\",\n"
          + "    \"type\": \"deployment_staging\",\n"
          + "    \"priority\": \"high\",\n"
          + "    \"updated_at\": \"2025-09-15T08:30:00Z\"\n"
          + "  }\n"
          + "]\n";

  static final String RUNBOOK =
      "# Runbook\n\n## gates\n\nNo quality gate here.\n\n```settings\nstaging:\n```\n\n"
          + "## deployment_staging\n\n### deploy\n\n```sh\necho deploying \"$TASK_ID\"\n```\n\n"
          + "### verify\n\n```sh\ntrue\n```\n\n### rollback\n\n```sh\ntrue\n```\n";

  @TempDir Path dir;

  private record Run(int exitCode, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), TestEnv.in(dir), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** The seed's demo as {@code .plan/} plus the DevOps task; returns the tasks directory. */
  private Path project() throws IOException {
    Path plan = dir.resolve(".plan");
    Path tasks = plan.resolve("tasks");
    Files.createDirectories(tasks);
    Files.copy(SEED.resolve("human-requests.md"), plan.resolve("human-requests.md"));
    try (Stream<Path> files = Files.list(SEED.resolve("tasks"))) {
      for (Path f : files.toList()) {
        Files.copy(f, tasks.resolve(f.getFileName()));
      }
    }
    Files.writeString(tasks.resolve("T-DEMO-4.json"), DEVOPS_TASK);
    String index = Files.readString(tasks.resolve("index.json"));
    index = index.substring(0, index.lastIndexOf("}") + 1) + DEVOPS_ENTRY;
    Files.writeString(tasks.resolve("index.json"), index);
    Instant old = Instant.parse("2025-09-15T08:30:00Z");
    try (Stream<Path> files = Files.list(tasks)) {
      for (Path f : files.toList()) {
        Files.setLastModifiedTime(f, FileTime.from(old));
      }
    }
    Files.setLastModifiedTime(tasks.resolve("index.json"), FileTime.from(old.plusSeconds(60)));
    Files.writeString(dir.resolve("deployment.md"), RUNBOOK);
    return tasks;
  }

  private static Map<String, byte[]> files(Path dir) throws IOException {
    Map<String, byte[]> all = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = dir.relativize(f).toString();
        if (!name.endsWith(".devops-lock")) {
          all.put(name, Files.readAllBytes(f));
        }
      }
    }
    return all;
  }

  private static JsonNode entry(Path tasks, String id) throws IOException {
    for (JsonNode e : Json.parse(Files.readString(tasks.resolve("index.json")))) {
      if (e.path("task_id").asText().equals(id)) {
        return e;
      }
    }
    throw new AssertionError("no entry " + id);
  }

  @Test
  void runOnce_deploysTheDevOpsTask_fileAndEntry_everyOtherFileByteIdentical() throws IOException {
    Path tasks = project();
    Path plan = tasks.getParent();
    Map<String, byte[]> before = files(plan);

    Run once =
        run(
            "run",
            "--once",
            "--board",
            plan.toString(),
            "--runbook",
            dir.resolve("deployment.md").toString());

    assertEquals(0, once.exitCode(), once.err() + once.out());
    JsonNode task = Json.parse(Files.readString(tasks.resolve("T-DEMO-4.json")));
    assertEquals("deployed", task.path("status").asText(), task.toString());
    assertEquals("deployed", entry(tasks, "T-DEMO-4").path("status").asText());
    assertFalse(
        task.path("updated_at").asText().equals("2025-09-15T08:30:00Z"), "updated_at is kept up");
    assertEquals(
        task.path("updated_at").asText(), entry(tasks, "T-DEMO-4").path("updated_at").asText());
    Map<String, byte[]> after = files(plan);
    assertEquals(before.keySet(), after.keySet(), "no other file was made, none removed");
    for (String name : before.keySet()) {
      if (name.endsWith("T-DEMO-4.json") || name.endsWith("index.json")) {
        continue;
      }
      assertArrayEquals(before.get(name), after.get(name), name);
    }
    String index = Files.readString(tasks.resolve("index.json"));
    String original = new String(before.get("tasks/index.json"));
    int entry = original.indexOf("\"task_id\": \"T-DEMO-4\"");
    assertEquals(original.substring(0, entry), index.substring(0, entry), "other entries");
  }

  @Test
  void runOnce_repairsAnIndexEntryThatDisagreesWithItsFile() throws IOException {
    Path tasks = project();
    Path index = tasks.resolve("index.json");
    String original = Files.readString(index);
    Files.writeString(
        index, original.replace("\"status\": \"implementation_done\"", "\"status\": \"done\""));

    Run once =
        run(
            "run",
            "--once",
            "--board",
            tasks.toString(),
            "--runbook",
            dir.resolve("deployment.md").toString());

    assertEquals(0, once.exitCode(), once.err() + once.out());
    assertEquals("implementation_done", entry(tasks, "T-DEMO-2").path("status").asText());
    String repaired = Files.readString(index);
    int entry = original.indexOf("\"task_id\": \"T-DEMO-2\"");
    assertEquals(original.substring(0, entry), repaired.substring(0, entry));
  }

  @Test
  void boardCommands_listGetPatchAdd_onThePerTaskBoard() throws IOException {
    Path tasks = project();
    String board = tasks.toString();

    Run list = run("board", "list", "--board", board);
    assertEquals(0, list.exitCode(), list.err());
    assertEquals(1, list.out().lines().count(), list.out());
    assertTrue(list.out().contains("\"task_id\":\"T-DEMO-4\""), list.out());
    assertTrue(list.out().contains("\"type\":\"deployment_staging\""), "lifted: " + list.out());

    Run get = run("board", "get", "T-DEMO-1", "--board", tasks.resolve("index.json").toString());
    assertEquals(0, get.exitCode(), get.err());
    assertEquals("feature_dashboard", Json.parse(get.out()).path("type").asText());

    Run patch =
        run(
            "board",
            "patch",
            "T-DEMO-3",
            "--set",
            "status=in_progress",
            "--expect",
            "status=pending",
            "--board",
            board);
    assertEquals(0, patch.exitCode(), patch.err());
    assertEquals(
        "in_progress",
        Json.parse(Files.readString(tasks.resolve("T-DEMO-3.json"))).path("status").asText());
    assertEquals("in_progress", entry(tasks, "T-DEMO-3").path("status").asText());

    Run add =
        run(
            "board",
            "add",
            "--json",
            "{\"title\": \"Check the staging logs\", \"status\": \"pending\", \"agent\": \"Tester\"}",
            "--board",
            board);
    assertEquals(0, add.exitCode(), add.err());
    assertTrue(Files.exists(tasks.resolve("T-DEMO-5.json")), add.out());
    assertEquals("Tester", entry(tasks, "T-DEMO-5").path("agent").asText());

    Run missing = run("board", "get", "T-DEMO-9", "--board", board);
    assertEquals(1, missing.exitCode(), missing.err());
  }

  @Test
  void bothLayouts_exit2_namingBothAndTheFlag() throws IOException {
    Path tasks = project();
    Files.writeString(tasks.resolveSibling("tasks.json"), "[]\n");

    Run list = run("board", "list", "--board", tasks.getParent().toString());

    assertEquals(2, list.exitCode(), list.err());
    assertEquals(1, list.err().strip().lines().count(), list.err());
    assertTrue(list.err().contains(tasks.toString()), list.err());
    assertTrue(list.err().contains(tasks.resolveSibling("tasks.json").toString()), list.err());
    assertTrue(list.err().contains("--board"), list.err());
  }

  @Test
  void statusAndPlan_readThePerTaskBoard() throws IOException {
    Path tasks = project();
    String runbook = dir.resolve("deployment.md").toString();

    Run status = run("status", "--board", tasks.toString());
    assertEquals(0, status.exitCode(), status.err());
    assertTrue(status.out().contains("T-DEMO-4"), status.out());

    Run plan = run("plan", "T-DEMO-4", "--board", tasks.toString(), "--runbook", runbook);
    assertEquals(0, plan.exitCode(), plan.err());
    assertTrue(plan.out().startsWith("T-DEMO-4 deployment_staging (pending"), plan.out());
  }

  @Test
  void validate_reportsEntriesWithoutFiles_filesWithoutEntries_andDisagreements()
      throws IOException {
    Path tasks = project();
    Files.delete(tasks.resolve("T-DEMO-2.json"));
    Files.writeString(tasks.resolve("T-DEMO-9.json"), "{\"task_id\": \"T-DEMO-9\"}\n");
    Path index = tasks.resolve("index.json");
    Files.writeString(
        index,
        Files.readString(index).replace("\"agent\": \"Tester\"", "\"agent\": \"UI-Tester\""));

    Run validate =
        run(
            "validate",
            "--board",
            tasks.getParent().toString(),
            "--runbook",
            dir.resolve("deployment.md").toString());

    assertEquals(1, validate.exitCode(), validate.err() + validate.out());
    String out = validate.out();
    assertTrue(
        out.contains("index.json:") && out.contains("its file T-DEMO-2.json does not exist"), out);
    assertTrue(out.contains("T-DEMO-9.json:1:1: is not listed in index.json"), out);
    assertTrue(
        out.contains("task T-DEMO-3: the index says agent \"UI-Tester\", its file says \"Tester\""),
        out);
    assertEquals(
        3,
        out.lines().filter(l -> l.contains("/.plan/tasks/")).count(),
        "three in the board: " + out);
  }

  @Test
  void validate_withoutRunbook_checksTheBoardAndHumanRequests_andSaysSoInOneLine()
      throws IOException {
    Path tasks = project();
    Files.delete(dir.resolve("deployment.md"));
    Files.delete(tasks.resolve("T-DEMO-1.json"));
    Files.writeString(
        tasks.resolveSibling("human-requests.md"), "# Human Requests\n\n### HITL-001: x\n");

    List<Finding> findings =
        Validator.validate(
            tasks, ArrayPath.auto(), null, tasks.resolveSibling("human-requests.md"));
    Optional<String> line =
        ValidateCommand.runbookSkipped(null, Map.of(), dir.resolve("deployment.md"));

    assertTrue(
        findings.stream().anyMatch(f -> f.message().contains("T-DEMO-1.json does not exist")),
        findings.toString());
    assertTrue(
        findings.stream().anyMatch(f -> f.file().endsWith("human-requests.md")),
        findings.toString());
    assertTrue(line.orElseThrow().startsWith("runbook checks skipped: no runbook at "), line.get());
    assertEquals(1, line.get().lines().count());
    assertEquals(
        Optional.empty(),
        ValidateCommand.runbookSkipped(
            dir.resolve("deployment.md"), Map.of(), dir.resolve("deployment.md")),
        "a runbook named but missing stays an error");
  }

  @Test
  void init_keepsThePerTaskBoard_andCreatesNoSecondBoard() throws IOException {
    project();

    Run init = run("init", dir.toString());

    assertEquals(0, init.exitCode(), init.err());
    assertTrue(init.out().contains("kept .plan/tasks (exists)"), init.out());
    assertTrue(init.out().contains("kept .plan/tasks/index.json (exists)"), init.out());
    assertTrue(init.out().contains("kept .plan/human-requests.md (exists)"), init.out());
    assertFalse(Files.exists(dir.resolve(".plan/tasks.json")), "a second board was created");
  }
}
