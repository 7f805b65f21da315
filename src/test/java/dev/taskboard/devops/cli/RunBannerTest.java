package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** run says at start which board, runbook, state dir, requests file, signers and notifier. */
class RunBannerTest {
  @TempDir Path dir;
  private Path board;

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
    Files.writeString(board, "{\"tasks\": []}\n");
    Files.writeString(dir.resolve("deployment.md"), "# Runbook\n");
    Files.writeString(dir.resolve("more.md"), "# More\n");
    Files.writeString(dir.resolve("signers"), "");
  }

  @Test
  void banner_namesEveryFileTheWorkerUses() {
    Run run =
        run(
            "run",
            "--once",
            "--board",
            board.toString(),
            "--tasks-path",
            "$.tasks",
            "--runbook",
            dir.resolve("deployment.md").toString(),
            "--runbook-file",
            dir.resolve("more.md").toString(),
            "--state-dir",
            dir.resolve("state").toString(),
            "--human-requests",
            dir.resolve("asks.md").toString(),
            "--signers",
            dir.resolve("signers").toString(),
            "--notify",
            "notify-send hi");

    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = run.err().lines().toList();
    assertEquals(
        List.of(
            "devops-worker (development build) starting",
            "  board:          " + board + " (task array: $['tasks'])",
            "  runbook:        " + dir.resolve("deployment.md") + " + " + dir.resolve("more.md"),
            "  state dir:      " + dir.resolve("state"),
            "  human requests: " + dir.resolve("asks.md"),
            "  signers:        " + dir.resolve("signers"),
            "  notify:         notify-send hi"),
        lines.subList(0, 7),
        run.err());
  }

  @Test
  void unsignedApprovals_getALoudLine_missingSignersSaySo() {
    Run run =
        run(
            "run",
            "--once",
            "--board",
            board.toString(),
            "--runbook",
            dir.resolve("deployment.md").toString(),
            "--allow-unsigned-approvals");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(
        run.err()
            .contains(
                "  board:          "
                    + board
                    + " (task array: auto ($, $.tasks or $.master.tasks))\n"),
        run.err());
    assertTrue(
        run.err()
            .contains(
                "  signers:        "
                    + dir.resolve("home/.config/devops-worker/allowed_signers")
                    + " (missing: no approval or waiver can be verified; see --signers)\n"),
        run.err());
    assertTrue(run.err().contains("  notify:         none (--notify CMD)\n"), run.err());
    assertTrue(
        run.err()
            .contains(
                "devops-worker: WARNING: unsigned approvals are allowed"
                    + " (--allow-unsigned-approvals): anyone who can write human-requests.md can"
                    + " open the production gate\n"),
        run.err());
  }
}
