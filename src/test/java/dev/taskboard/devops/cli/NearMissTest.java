package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskboard.devops.task.NearMiss;
import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** validate and plan name the field of a value that is almost what the worker takes. */
class NearMissTest {
  @TempDir Path dir;
  private Path board;
  private Path runbook;

  private record Run(int exitCode, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), TestEnv.in(dir), args);
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeEach
  void project() throws IOException {
    board = dir.resolve("tasks.json");
    runbook = dir.resolve("deployment.md");
    Files.writeString(
        board,
        "[\n"
            + "{\"id\": \"T-1\", \"agent\": \"DevOps\", \"status\": \"pending\","
            + " \"type\": \"deployment_staging\"},\n"
            + "{\"id\": \"T-2\", \"agent\": \"DevOps-Engineer\", \"status\": \"Pending\","
            + " \"type\": \"deployment_staging\"},\n"
            + "{\"id\": \"T-3\", \"agent\": \"DevOps-Engineer\", \"status\": \"pending\","
            + " \"type\": \"deployment_stagign\"},\n"
            + "{\"id\": \"T-4\", \"agent\": \"DevOps-Engineer\", \"status\": \"pending\","
            + " \"type\": \"deployment_stage\"}\n"
            + "]\n");
    Files.writeString(
        runbook,
        "# Runbook\n\n## deployment_staging\n\n### deploy\n\n```sh\ntrue\n```\n\n"
            + "## deployment_stage\n\n### deploy\n\n```sh\ntrue\n```\n");
  }

  @Test
  void validate_namesEachNearMissAtItsField() {
    Run v = run("validate", "--board", board.toString(), "--runbook", runbook.toString());

    assertEquals(1, v.exitCode(), v.out() + v.err());
    String b = board.toString();
    assertEquals(
        List.of(
            b
                + ":2:24: task T-1: agent \"DevOps\" is not \"DevOps-Engineer\"; write \"agent\":"
                + " \"DevOps-Engineer\" (the worker takes exact values only)",
            b
                + ":3:53: task T-2: status \"Pending\" is not \"pending\"; write \"status\":"
                + " \"pending\" (the worker takes exact values only)",
            b
                + ":4:72: task T-3: type \"deployment_stagign\" is not \"deployment_staging\";"
                + " write \"type\": \"deployment_staging\" (the worker takes exact values only)"),
        v.out().lines().filter(l -> l.startsWith(b)).toList());
  }

  @Test
  void plan_saysWhichConditionFailsWithTheTasksValue() {
    Run p1 = run("plan", "T-1", "--board", board.toString(), "--runbook", runbook.toString());
    Run p2 = run("plan", "T-2", "--board", board.toString(), "--runbook", runbook.toString());
    Run p4 = run("plan", "T-4", "--board", board.toString(), "--runbook", runbook.toString());

    assertEquals(0, p1.exitCode(), p1.err());
    assertTrue(
        p1.out()
            .contains(
                "selected by the worker's filter: no (it would not be taken)\n"
                    + "  @.agent == 'DevOps-Engineer' fails: agent is \"DevOps\"\n"
                    + "near misses: agent \"DevOps\" is not \"DevOps-Engineer\" (the worker takes"
                    + " exact values only)\n"),
        p1.out());
    assertTrue(
        p2.out()
            .contains(
                "  @.status == 'pending' fails: status is \"Pending\"\n"
                    + "near misses: status \"Pending\" is not \"pending\""),
        p2.out());
    assertTrue(p4.out().contains("selected by the worker's filter: yes\n"), p4.out());
    assertFalse(p4.out().contains("near misses"), p4.out());
  }

  @Test
  void distance_countsANeighbourSwapAsOneEdit() {
    assertEquals(1, NearMiss.distance("lsit", "list"));
    assertEquals(1, NearMiss.distance("--Once", "--once"));
    assertEquals(1, NearMiss.distance("bord", "board"));
    assertTrue(NearMiss.distance("bord", "report") > 2);
    assertEquals(0, NearMiss.distance("list", "list"));
  }
}
