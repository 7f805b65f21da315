package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.taskboard.devops.testing.FixtureBoards;
import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code validate} through the real command line, on the bad inputs of the corpus in
 * src/test/resources/validate (each case a directory with the one file that is wrong; the test adds
 * an empty board and a clean runbook where a case has none), on the shipped example and on every
 * real board of the fixtures.
 */
class ValidateCommandTest {
  private static final Path FIXTURES = FixtureBoards.dir();

  @TempDir Path tempDir;
  private Path dir;

  private record Run(int exitCode, List<String> out, String err) {}

  @BeforeEach
  void realPath() throws IOException {
    dir = tempDir.toRealPath();
  }

  static Stream<Arguments> corpus() {
    return Stream.of(
        arguments(
            "board-truncated",
            List.of(
                "tasks.json:3:37: not valid JSON (Unexpected end-of-input in VALUE_STRING); fix the"
                    + " file (nothing else in the board was checked), or retry if another writer is"
                    + " mid-write")),
        arguments("board-empty", List.of("tasks.json:1:1: is empty; an empty board is []")),
        arguments(
            "board-missing-id",
            List.of(
                "tasks.json:3:3: a task has no id or task_id; give it one, like \"id\": \"TASK-014\"")),
        arguments(
            "board-duplicate-ids",
            List.of(
                "tasks.json:2:10: duplicate task id TASK-001 (also at 4:10); give one of them another"
                    + " id",
                "tasks.json:4:10: duplicate task id TASK-001 (also at 2:10); give one of them another"
                    + " id")),
        arguments(
            "board-missing-dependency",
            List.of(
                "tasks.json:8:32: task TASK-002 depends on TASK-099, which is not on the board; fix"
                    + " the id or remove it (the task would wait forever)")),
        arguments(
            "board-cycle",
            List.of(
                "tasks.json:2:100: dependency cycle TASK-001 → TASK-003 → TASK-002 → TASK-001;"
                    + " remove one of these depends_on entries (none of these tasks can ever"
                    + " start)")),
        arguments(
            "board-depends-on-text",
            List.of(
                "tasks.json:3:99: depends_on is a string, not a list of task ids; write it as a"
                    + " list, like [\"TASK-001\"]")),
        arguments(
            "board-unknown-devops-type",
            List.of(
                "tasks.json:4:13: task TASK-001 has type deploy-staging, which devops-worker does"
                    + " not run; write deployment_staging")),
        arguments(
            "board-type-without-section",
            List.of(
                "tasks.json:2:30: task TASK-001 has type deployment_canary, which has no runbook"
                    + " section; add a '## deployment_canary' section to deployment.md (the worker"
                    + " blocks these tasks until it exists)")),
        arguments(
            "board-status-number",
            List.of(
                "tasks.json:2:51: task TASK-001: status must be a string, found number 3; write it"
                    + " like \"status\": \"pending\"")),
        arguments(
            "board-missing-agent",
            List.of(
                "tasks.json:3:3: task TASK-002 has no agent field; set it to the role that works on"
                    + " it (\"agent\": \"DevOps-Engineer\" for this worker)")),
        arguments(
            "board-missing-agent-many",
            List.of(
                "tasks.json:3:5: 3 tasks have no agent field (first here); set each to the role that"
                    + " works on it (\"agent\": \"DevOps-Engineer\" for this worker)")),
        arguments(
            "runbook-no-production-rollback",
            List.of(
                "deployment.md:23:1: deployment_production has no rollback phase; add a '###"
                    + " rollback' with steps that bring back the previous release (without one, a"
                    + " failed deployment stays broken and the production gate's rollback_plan"
                    + " check fails)")),
        arguments(
            "runbook-staging-no-verify",
            List.of(
                "deployment.md:3:1: deployment_staging has no verify phase; add a '### verify' with"
                    + " a health check, else a deployment counts as done without anything checking"
                    + " that it works")),
        arguments(
            "runbook-unknown-interpreter",
            List.of(
                "deployment.md:7:4: unknown interpreter 'shell'; write sh, bash, python3, node or"
                    + " perl (or text for a block that only documents)")),
        arguments(
            "runbook-bad-setting",
            List.of(
                "deployment.md:7:10: timeout '5 minutes' is not a duration; write a whole number and"
                    + " a unit: 500ms, 30s, 5m or 1h")),
        arguments(
            "runbook-heading-with-words",
            List.of(
                "deployment.md:43:1: a section heading is the task type alone; write '##"
                    + " deployment_rollback' and describe it in a paragraph below")),
        arguments(
            "runbook-missing-sections",
            List.of(
                missingSection("deployment_production"),
                missingSection("deployment_rollback"),
                missingSection("infrastructure_update"),
                missingSection("monitoring_setup"))),
        arguments(
            "hr-no-resolved",
            List.of(
                "human-requests.md:1:1: no Resolved section; add a '## ✅ Resolved' heading, where"
                    + " answered requests go")),
        arguments(
            "hr-entry-without-status",
            List.of(
                "human-requests.md:5:1: entry HITL-001 has no Status field; add '- **Status**:"
                    + " Pending' to it (the worker writes its state there)")),
        arguments(
            "hr-entry-without-response",
            List.of(
                "human-requests.md:9:1: entry HITL-002 has no Human Response field; add '- **Human"
                    + " Response**:' with the answer below it (the worker reads the answer"
                    + " there)")));
  }

  private static String missingSection(String type) {
    return "deployment.md:1:1: no section for "
        + type
        + "; add a '## "
        + type
        + "' heading with ### deploy, ### verify and ### rollback steps (the worker blocks "
        + type
        + " tasks until it exists)";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void validate_badInput_reportsExactlyItsFindings(String name, List<String> expected)
      throws IOException {
    copyCase(name);
    Map<String, byte[]> before = contents(dir);

    Run run = validate();

    List<String> lines = new ArrayList<>(expected);
    lines.add(expected.size() == 1 ? "1 finding" : expected.size() + " findings");
    assertEquals(lines, run.out(), run.err());
    assertEquals(ExitCode.FINDINGS, run.exitCode());
    assertEquals("", run.err());
    assertUnchanged(before, contents(dir));
  }

  @Test
  void validate_shippedExample_hasNoFindings() {
    Run run =
        run(
            "validate",
            "--board",
            "tasks.json.example",
            "--runbook",
            "deployment.md",
            "--human-requests",
            dir.resolve("human-requests.md").toString());

    assertEquals(List.of("no findings"), run.out(), run.err());
    assertEquals(ExitCode.OK, run.exitCode());
  }

  @Test
  void validate_everyFixtureBoard_endsWithACountAndNeverRepeatsALine() throws IOException {
    List<Path> boards;
    try (Stream<Path> files = Files.list(FIXTURES)) {
      boards = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    assertTrue(boards.size() >= 10, "fixture boards: " + boards);
    for (Path board : boards) {
      Run run =
          run(
              "validate",
              "--board",
              board.toString(),
              "--runbook",
              "deployment.md",
              "--human-requests",
              dir.resolve("human-requests.md").toString());

      assertTrue(run.exitCode() == 0 || run.exitCode() == 1, board + ": " + run);
      assertEquals("", run.err(), board.toString());
      String last = run.out().get(run.out().size() - 1);
      int findings = run.out().size() - 1;
      assertEquals(
          findings == 0 ? "no findings" : findings == 1 ? "1 finding" : findings + " findings",
          last,
          board.toString());
      assertEquals(run.out().size(), new HashSet<>(run.out()).size(), board + ": " + run.out());
      assertTrue(run.out().size() <= 3, "collapsed, not one line per task: " + run.out());
    }
  }

  @Test
  void validate_taskmasterBoard_reportsTheMissingAgentsOnceWithACount() {
    Path board = FIXTURES.resolve("0xdolan--tajdin.taskmaster.tasks.json");

    Run run =
        run(
            "validate",
            "--board",
            board.toString(),
            "--runbook",
            "deployment.md",
            "--human-requests",
            dir.resolve("human-requests.md").toString());

    assertEquals(
        List.of(
            board
                + ":4:7: 24 tasks have no agent field (first here); set each to the role that works"
                + " on it (\"agent\": \"DevOps-Engineer\" for this worker)",
            "1 finding"),
        run.out());
    assertEquals(ExitCode.FINDINGS, run.exitCode());
  }

  @Test
  void validate_missingBoard_exits2NamingTheFile() throws IOException {
    Files.copy(resource("clean").resolve("deployment.md"), dir.resolve("deployment.md"));

    Run run = validate();

    assertEquals(ExitCode.BAD_INPUT, run.exitCode());
    assertEquals(List.of(), run.out());
    assertEquals(
        "devops-worker: "
            + dir.resolve("tasks.json")
            + ": does not exist; point --board at it, or run 'devops-worker init' to create it\n",
        run.err());
  }

  @Test
  void validate_runbookThatIsADirectory_exits2() throws IOException {
    Files.writeString(dir.resolve("tasks.json"), "[]\n");
    Files.createDirectory(dir.resolve("deployment.md"));

    Run run = validate();

    assertEquals(ExitCode.BAD_INPUT, run.exitCode());
    assertEquals(
        "devops-worker: "
            + dir.resolve("deployment.md")
            + ": is a directory; point --runbook at the file\n",
        run.err());
  }

  @Test
  void validate_boardThatIsNotUtf8_exits2WithThePositionOfTheBadByte() throws IOException {
    Files.write(
        dir.resolve("tasks.json"),
        "[\n  {\"id\": \"Caf\u00e9\"}\n]\n".getBytes(StandardCharsets.ISO_8859_1));
    Files.copy(resource("clean").resolve("deployment.md"), dir.resolve("deployment.md"));

    Run run = validate();

    assertEquals(ExitCode.BAD_INPUT, run.exitCode());
    assertEquals(
        "devops-worker: "
            + dir.resolve("tasks.json")
            + ":2:14: is not UTF-8 text (byte 0xE9); save it as UTF-8\n",
        run.err());
  }

  @Test
  void validate_humanRequestsThatIsNotUtf8_exits2() throws IOException {
    Files.writeString(dir.resolve("tasks.json"), "[]\n");
    Files.copy(resource("clean").resolve("deployment.md"), dir.resolve("deployment.md"));
    Files.write(dir.resolve("human-requests.md"), new byte[] {'#', ' ', (byte) 0xC3, '\n'});

    Run run = validate();

    assertEquals(ExitCode.BAD_INPUT, run.exitCode());
    assertEquals(
        "devops-worker: "
            + dir.resolve("human-requests.md")
            + ":1:3: is not UTF-8 text (byte 0xC3); save it as UTF-8\n",
        run.err());
  }

  @Test
  void validate_findingsOfSeveralFiles_areSortedByFileThenPosition() throws IOException {
    copyCase("hr-no-resolved");
    copyCase("runbook-staging-no-verify");
    copyCase("board-duplicate-ids");

    Run run = validate();

    assertEquals(
        List.of(
            "deployment.md:3:1",
            "human-requests.md:1:1",
            "tasks.json:2:10",
            "tasks.json:4:10",
            "4 findings"),
        run.out().stream().map(l -> l.replaceFirst("^([^:]+:\\d+:\\d+): .*", "$1")).toList());
  }

  @Test
  void validate_tasksPath_findsTheArrayWhereItIsTold() throws IOException {
    Files.writeString(
        dir.resolve("tasks.json"),
        "{\"project\": {\"queue\": [{\"id\": \"A\", \"status\": \"done\"}]}}\n");
    Files.copy(resource("clean").resolve("deployment.md"), dir.resolve("deployment.md"));

    Run run = validate("--tasks-path", "$.project.queue");

    assertEquals(
        List.of(
            "tasks.json:1:24: task A has no agent field; set it to the role that works on it"
                + " (\"agent\": \"DevOps-Engineer\" for this worker)",
            "1 finding"),
        run.out(),
        run.err());
  }

  private Run validate(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "validate",
                "--board",
                dir.resolve("tasks.json").toString(),
                "--runbook",
                dir.resolve("deployment.md").toString()));
    args.addAll(List.of(more));
    Run run = run(args.toArray(String[]::new));
    String prefix = dir + "/";
    return new Run(
        run.exitCode(), run.out().stream().map(l -> l.replace(prefix, "")).toList(), run.err());
  }

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), TestEnv.in(tempDir), args);
    String text = out.toString();
    List<String> lines = text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines = lines.subList(0, lines.size() - 1);
    }
    return new Run(code, lines, err.toString());
  }

  /** The case's files, plus an empty board and a clean runbook where the case has none. */
  private void copyCase(String name) throws IOException {
    try (Stream<Path> files = Files.list(resource(name))) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (!Files.exists(dir.resolve("tasks.json"))) {
      Files.writeString(dir.resolve("tasks.json"), "[]\n");
    }
    if (!Files.exists(dir.resolve("deployment.md"))) {
      Files.copy(resource("clean").resolve("deployment.md"), dir.resolve("deployment.md"));
    }
  }

  private static Path resource(String name) {
    try {
      return Path.of(ValidateCommandTest.class.getResource("/validate/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, byte[]> contents(Path dir) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path f : all.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(f).toString(), Files.readAllBytes(f));
      }
    }
    return files;
  }

  private static void assertUnchanged(Map<String, byte[]> before, Map<String, byte[]> after) {
    assertEquals(before.keySet(), after.keySet(), "validate created or removed a file");
    before.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), name));
  }
}
