package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report} through the real command line: formats, --out, --since, exit codes. */
class ReportCommandTest {
  private static final String BOARD =
      """
      [
        {"id": "T-1", "type": "deployment_staging", "status": "deployed",
         "agent": "DevOps-Engineer", "created_at": "2026-11-02T08:00:00Z",
         "payload": {"release": "1.0.0", "environment": "staging"}},
        {"id": "T-2", "type": "deployment_production", "status": "failed",
         "agent": "DevOps-Engineer", "created_at": "2026-11-03T08:00:00Z",
         "payload": {"release": "1.0.0"}}
      ]
      """;

  private static final String JOURNAL =
      """
      {"ts":"2026-11-02T09:55:00Z","event":"claim","task":"T-1","pid":7,"host":"ci","fields":{"status":"in_progress"}}
      {"ts":"2026-11-02T09:56:00Z","event":"step_start","task":"T-1","attempt":1,"step":"deploy#1"}
      {"ts":"2026-11-02T10:00:00Z","event":"outcome","task":"T-1","status":"deployed","message":"Deployed release 1.0.0 to staging.","fields":{"status":"deployed","updated_at":"2026-11-02T10:00:00Z","result":{"status":"success","message":"Deployed release 1.0.0 to staging.","attempts":1,"duration_ms":300000,"deployment_info":{"rollback_performed":false}}}}
      {"ts":"2026-11-03T09:55:00Z","event":"claim","task":"T-2","pid":7,"host":"ci","fields":{"status":"in_progress"}}
      {"ts":"2026-11-03T09:56:00Z","event":"step_start","task":"T-2","attempt":1,"step":"deploy#1"}
      {"ts":"2026-11-03T10:00:00Z","event":"outcome","task":"T-2","status":"failed","message":"Failed after 1 attempt; rolled back.","fields":{"status":"failed","updated_at":"2026-11-03T10:00:00Z","result":{"status":"failure","message":"Failed after 1 attempt; rolled back.","attempts":1,"duration_ms":300000,"deployment_info":{"rollback_performed":true}}}}
      """;

  @TempDir Path tempDir;
  private Path dir;
  private Path board;
  private Path journal;

  private record Run(int exitCode, String out, String err) {}

  @BeforeEach
  void files() throws IOException {
    dir = tempDir.toRealPath();
    board = dir.resolve("tasks.json");
    journal = TestEnv.stateDir(tempDir, board).resolve("journal.jsonl");
    Files.writeString(board, BOARD);
    Files.createDirectories(journal.getParent());
    Files.writeString(journal, JOURNAL);
  }

  @Test
  void report_textByDefault() {
    Run run = run("report", "--board", board.toString(), "--since", "2026-11-01");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(
        run.out().contains("production         1   0       0            1     0.00"), run.out());
    assertTrue(run.out().contains("staging            1   1       0            0"), run.out());
    assertTrue(run.out().contains("T-2   production   1.0.0    failed    rolled back"), run.out());
    assertEquals("", run.err());
  }

  @Test
  void report_jsonToOut_replacesTheFileWholeAndPrintsNothing() throws IOException {
    Path out = dir.resolve("reports/deployments.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, "an older report");

    Run run =
        run("report", "--board", board.toString(), "--format", "json", "--out", out.toString());

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("", run.out());
    JsonNode json = Json.parse(Files.readString(out));
    assertEquals("devops-worker/report/1", json.path("schema").asText());
    assertEquals(2, json.path("deployments").size());
    assertEquals(1.0, json.path("environments").get(0).path("change_failure_rate").asDouble());
    try (Stream<Path> files = Files.list(out.getParent())) {
      assertEquals(List.of(out), files.toList(), "no temp file left behind");
    }
  }

  @Test
  void report_htmlToStdout() {
    Run run = run("report", "--board", board.toString(), "--format", "HTML");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().startsWith("<!DOCTYPE html>"), run.out());
    assertEquals(2, count(run.out(), "<g class=\"mark "));
  }

  @Test
  void report_emptyStateDir_isNoDeploymentsYet() {
    Run run =
        run(
            "report",
            "--board",
            dir.resolve("no-board-yet.json").toString(),
            "--state-dir",
            dir.resolve("fresh").toString());

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(
        "No deployments yet: the worker's journal records no finished deployment task.\n",
        run.out());
  }

  @Test
  void report_tornLastLine_isAWarningOnStderrAndTheRestIsReported() throws IOException {
    Files.writeString(journal, JOURNAL + "{\"ts\":\"2026-11-04T10:00:00Z\",\"event\":\"outc");

    Run run = run("report", "--board", board.toString(), "--format", "json");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(
        "devops-worker: warning: "
            + journal
            + ":7: skipped a journal line it cannot use (not a whole JSON object: torn by a"
            + " crash, or edited)\n",
        run.err());
    assertEquals(2, Json.parse(run.out()).path("deployments").size());
  }

  @Test
  void report_badCreatedAt_isAWarningOnStderrAndInTheJson_andTheTaskStaysInTheHistory()
      throws IOException {
    Files.writeString(board, BOARD.replace("\"2026-11-02T08:00:00Z\"", "\"last Monday\""));

    Run run = run("report", "--board", board.toString(), "--format", "json");

    String warning =
        board
            + ":2:3: T-1: created_at \"last Monday\" is not a time, so its lead time is unknown;"
            + " write it like 2026-11-01T10:00:00Z";
    assertEquals(0, run.exitCode(), run.err());
    assertEquals("devops-worker: warning: " + warning + "\n", run.err());
    JsonNode json = Json.parse(run.out());
    assertEquals(warning, json.path("warnings").get(0).asText());
    assertEquals("T-1", json.path("deployments").get(0).path("task").asText());
    assertTrue(json.path("deployments").get(0).path("lead_time_seconds").isNull());
  }

  @Test
  void report_badSince_isBadInput() {
    Run run = run("report", "--board", board.toString(), "--since", "last week");

    assertEquals(ExitCode.BAD_INPUT, run.exitCode());
    assertEquals(
        "devops-worker: --since takes a date such as 2026-11-01 or a time such as"
            + " 2026-11-01T10:00:00Z, not 'last week'\n",
        run.err());
  }

  @Test
  void report_unknownFormat_isBadInput() {
    Run run = run("report", "--board", board.toString(), "--format", "pdf");

    assertEquals(ExitCode.BAD_INPUT, run.exitCode());
    assertTrue(
        run.err().contains("unknown report format 'pdf'; use text, json or html"), run.err());
  }

  @Test
  void report_outInAMissingDirectory_isBadInputAndWritesNothing() {
    Path out = dir.resolve("missing/report.html");

    Run run =
        run("report", "--board", board.toString(), "--format", "html", "--out", out.toString());

    assertEquals(ExitCode.BAD_INPUT, run.exitCode());
    assertEquals(
        "devops-worker: "
            + out.getParent()
            + ": no such directory for the report; create it first\n",
        run.err());
  }

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), TestEnv.in(tempDir), args);
    return new Run(code, out.toString(), err.toString());
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
      n++;
    }
    return n;
  }
}
