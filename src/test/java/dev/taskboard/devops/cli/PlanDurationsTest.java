package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plan writes durations as people write them: 5m, 1m30s, 1.5s, never PT5M. */
class PlanDurationsTest {
  @TempDir Path dir;

  @Test
  void plan_printsSettingsDurationsAsWritten() throws IOException {
    Path board = dir.resolve("tasks.json");
    Files.writeString(
        board,
        "[{\"id\": \"T-1\", \"type\": \"deployment_staging\", \"status\": \"pending\","
            + " \"agent\": \"DevOps-Engineer\", \"payload\": {}}]");
    Path runbook = dir.resolve("deployment.md");
    Files.writeString(
        runbook,
        "# Runbook\n\n## deployment_staging\n\n```settings\ntimeout: 5m\nbackoff: 90s\n"
            + "grace: 1500ms\n```\n\n### deploy\n\n```sh\ntrue\n```\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code =
        Main.run(
            new PrintWriter(out),
            new PrintWriter(err),
            TestEnv.in(dir),
            "plan",
            "T-1",
            "--board",
            board.toString(),
            "--runbook",
            runbook.toString());

    assertEquals(0, code, err.toString());
    assertTrue(
        out.toString()
            .contains(
                "settings: timeout 5m per step, attempts 3, backoff 1m30s doubling, grace 1.5s,"),
        out.toString());
  }
}
