package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskboard.devops.runbook.Phase;
import dev.taskboard.devops.runbook.Runbook;
import dev.taskboard.devops.runbook.Section;
import dev.taskboard.devops.runbook.Step;
import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code init} on empty, initialized and unusable directories, through the real command line. */
class InitCommandTest {
  private static final List<String> HANDLED_TYPES =
      List.of(
          "deployment_staging",
          "deployment_production",
          "deployment_rollback",
          "infrastructure_update",
          "monitoring_setup");

  @TempDir Path tempDir;
  private Path dir;

  private record Run(int exitCode, String out, String err) {}

  @BeforeEach
  void realPath() throws IOException {
    dir = tempDir.toRealPath();
  }

  @Test
  void init_emptyDirectory_createsBoardRequestsAndRunbook() throws IOException {
    Run run = run("init", dir.toString());

    assertEquals(
        "created .plan/tasks.json\ncreated .plan/human-requests.md\ncreated deployment.md\n",
        run.out());
    assertEquals(ExitCode.OK, run.exitCode());
    assertEquals("", run.err());
    assertEquals("[]\n", Files.readString(dir.resolve(".plan/tasks.json")));
    assertEquals(
        Files.readString(Path.of("human-requests.md.template")),
        Files.readString(dir.resolve(".plan/human-requests.md")));
  }

  @Test
  void init_secondRun_keepsEveryFileByteForByte() throws IOException {
    run("init", dir.toString());
    byte[] board = Files.readAllBytes(dir.resolve(".plan/tasks.json"));
    byte[] requests = Files.readAllBytes(dir.resolve(".plan/human-requests.md"));
    Files.writeString(dir.resolve("deployment.md"), "# my own runbook\n");

    Run again = run("init", dir.toString());

    assertEquals(
        "kept .plan/tasks.json (exists)\n"
            + "kept .plan/human-requests.md (exists)\n"
            + "kept deployment.md (exists)\n",
        again.out());
    assertEquals(ExitCode.OK, again.exitCode());
    assertArrayEquals(board, Files.readAllBytes(dir.resolve(".plan/tasks.json")));
    assertArrayEquals(requests, Files.readAllBytes(dir.resolve(".plan/human-requests.md")));
    assertEquals("# my own runbook\n", Files.readString(dir.resolve("deployment.md")));
  }

  @Test
  void init_runbook_hasEveryHandledTypeWithDeployVerifyAndRollback() throws IOException {
    run("init", dir.toString());

    Runbook runbook = Runbook.load(dir.resolve("deployment.md"));

    for (String type : HANDLED_TYPES) {
      Section section = runbook.section(type).orElseThrow(() -> new AssertionError(type));
      for (Phase phase : List.of(Phase.DEPLOY, Phase.VERIFY, Phase.ROLLBACK)) {
        assertTrue(section.has(phase), type + " " + phase);
      }
      assertEquals(1, section.settings().attempts(), type);
    }
  }

  @Test
  void init_runbook_everyPlaceholderStepFailsSayingWhatToWrite()
      throws IOException, InterruptedException {
    run("init", dir.toString());
    Runbook runbook = Runbook.load(dir.resolve("deployment.md"));

    int steps = 0;
    for (Section section : runbook.sections()) {
      for (List<Step> phase : section.phases().values()) {
        for (Step step : phase) {
          Process p = new ProcessBuilder("sh", "-e", "-c", step.script()).start();
          p.getOutputStream().close();
          assertTrue(p.waitFor(10, TimeUnit.SECONDS), step.origin());
          String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
          assertEquals(1, p.exitValue(), step.origin());
          assertEquals(
              section.name()
                  + ": write your "
                  + step.phase().wireName()
                  + " steps in deployment.md\n",
              stderr);
          steps++;
        }
      }
    }
    assertEquals(16, steps, "deploy, verify, rollback of five sections, and one pre");
  }

  @Test
  void init_thenValidate_reportsNoFindings() {
    run("init", dir.toString());

    Run validate =
        run(
            "validate",
            "--board",
            dir.resolve(".plan/tasks.json").toString(),
            "--runbook",
            dir.resolve("deployment.md").toString());

    assertEquals("no findings\n", validate.out(), validate.err());
    assertEquals(ExitCode.OK, validate.exitCode());
  }

  @Test
  void init_projectWithARootBoard_keepsItAndPutsRequestsBesideIt() throws IOException {
    Files.writeString(dir.resolve("tasks.json"), "[{\"id\": \"T-1\"}]\n");

    Run run = run("init", dir.toString());

    assertEquals(
        "kept tasks.json (exists)\ncreated human-requests.md\ncreated deployment.md\n", run.out());
    assertFalse(Files.exists(dir.resolve(".plan")), "an empty .plan/tasks.json would hide it");
    assertEquals("[{\"id\": \"T-1\"}]\n", Files.readString(dir.resolve("tasks.json")));
  }

  @Test
  void init_fileInsteadOfDirectory_exits2WithOneLine() throws IOException {
    Path file = Files.writeString(dir.resolve("notes.txt"), "x");

    Run run = run("init", file.toString());

    assertEquals(ExitCode.BAD_INPUT, run.exitCode());
    assertEquals("", run.out());
    assertEquals(
        "devops-worker: " + file + ": is not a directory; give init the project's directory\n",
        run.err());
    assertEquals("x", Files.readString(file));
  }

  @Test
  void init_missingDirectory_exits2AndCreatesNothing() {
    Path missing = dir.resolve("nowhere");

    Run run = run("init", missing.toString());

    assertEquals(ExitCode.BAD_INPUT, run.exitCode());
    assertEquals(
        "devops-worker: " + missing + ": does not exist; create the project's directory first\n",
        run.err());
    assertFalse(Files.exists(missing));
  }

  private static final String LAUNCHER = "/opt/devops-worker/bin/devops-worker";

  @Test
  void initAgents_freshProject_registersTheServerAndWritesAgentsMd() throws IOException {
    Run run = run("init", "--agents", "--launcher", LAUNCHER, dir.toString());

    assertEquals(ExitCode.OK, run.exitCode(), run.err());
    assertTrue(run.out().endsWith("created .mcp.json\ncreated AGENTS.md\n"), run.out());
    assertEquals(
        """
        {
          "mcpServers": {
            "devops-worker": {
              "command": "/opt/devops-worker/bin/devops-worker",
              "args": ["mcp", "--board", ".plan/tasks.json"]
            }
          }
        }
        """,
        Files.readString(dir.resolve(".mcp.json")));
    String agents = Files.readString(dir.resolve("AGENTS.md"));
    assertTrue(agents.startsWith("## Deployments: devops-worker\n"), agents);
    assertTrue(agents.contains("`request_deployment`"), agents);
    assertTrue(agents.contains(LAUNCHER + " board add --json"), agents);
  }

  @Test
  void initAgents_mcpJsonWithOtherServers_addsOursAfterThem_keepsEveryOtherByte()
      throws IOException {
    Files.writeString(
        dir.resolve(".mcp.json"),
        """
        {
            "mcpServers": {
                "task-master-ai": {
                    "command": "npx",
                    "args": ["-y", "task-master-ai"]
                }
            },
            "note": "é"
        }""");

    Run run = run("init", "--agents", "--launcher", LAUNCHER, dir.toString());

    assertTrue(run.out().contains("added the devops-worker server to .mcp.json\n"), run.out());
    assertEquals(
        """
        {
            "mcpServers": {
                "task-master-ai": {
                    "command": "npx",
                    "args": ["-y", "task-master-ai"]
                },
                "devops-worker": {
                  "command": "/opt/devops-worker/bin/devops-worker",
                  "args": ["mcp", "--board", ".plan/tasks.json"]
                }
            },
            "note": "é"
        }""",
        Files.readString(dir.resolve(".mcp.json")));
  }

  @Test
  void initAgents_mcpJsonWithoutServers_addsAnMcpServersObject() throws IOException {
    Files.writeString(dir.resolve(".mcp.json"), "{\r\n  \"x\": true\r\n}\r\n");

    run("init", "--agents", "--launcher", LAUNCHER, dir.toString());

    assertEquals(
        "{\r\n  \"x\": true,\r\n  \"mcpServers\": {\r\n    \"devops-worker\": {\r\n"
            + "      \"command\": \"/opt/devops-worker/bin/devops-worker\",\r\n"
            + "      \"args\": [\"mcp\", \"--board\", \".plan/tasks.json\"]\r\n    }\r\n  }\r\n}\r\n",
        Files.readString(dir.resolve(".mcp.json")));
  }

  @Test
  void initAgents_emptyMcpServers_putsOursInside() throws IOException {
    Files.writeString(dir.resolve(".mcp.json"), "{\"mcpServers\": {}}");

    run("init", "--agents", "--launcher", "dw", dir.toString());

    assertEquals(
        "{\"mcpServers\": {\n  \"devops-worker\": {\n    \"command\": \"dw\",\n"
            + "    \"args\": [\"mcp\", \"--board\", \".plan/tasks.json\"]\n  }\n}}",
        Files.readString(dir.resolve(".mcp.json")));
  }

  @Test
  void initAgents_serverAlreadyRegistered_leavesMcpJsonAloneAndSaysSo() throws IOException {
    String mine = "{\"mcpServers\": {\"devops-worker\": {\"command\": \"my-wrapper\"}}}\n";
    Files.writeString(dir.resolve(".mcp.json"), mine);

    Run run = run("init", "--agents", "--launcher", LAUNCHER, dir.toString());

    assertTrue(run.out().contains("kept .mcp.json (it has a devops-worker server)\n"), run.out());
    assertEquals(mine, Files.readString(dir.resolve(".mcp.json")));
  }

  @Test
  void initAgents_mcpJsonNotJson_leavesItAloneAndSaysSo() throws IOException {
    Files.writeString(dir.resolve(".mcp.json"), "{\"mcpServers\": {,}\n");

    Run run = run("init", "--agents", "--launcher", LAUNCHER, dir.toString());

    assertEquals(ExitCode.OK, run.exitCode());
    assertTrue(
        run.out()
            .contains("kept .mcp.json (not valid JSON; add the devops-worker server yourself)\n"),
        run.out());
    assertEquals("{\"mcpServers\": {,}\n", Files.readString(dir.resolve(".mcp.json")));
  }

  @Test
  void initAgents_agentsMdWithoutOurSection_appendsIt_keepsTheRest() throws IOException {
    String theirs = "# Agents\n\nTask-Coder writes code.";
    Files.writeString(dir.resolve("AGENTS.md"), theirs);

    Run run = run("init", "--agents", "--launcher", LAUNCHER, dir.toString());

    assertTrue(run.out().endsWith("added a devops-worker section to AGENTS.md\n"), run.out());
    String agents = Files.readString(dir.resolve("AGENTS.md"));
    assertTrue(agents.startsWith(theirs + "\n\n## Deployments: devops-worker\n"), agents);
  }

  @Test
  void initAgents_agentsMdWithOurSection_keepsItByteForByte() throws IOException {
    run("init", "--agents", "--launcher", LAUNCHER, dir.toString());
    byte[] agents = Files.readAllBytes(dir.resolve("AGENTS.md"));
    byte[] mcp = Files.readAllBytes(dir.resolve(".mcp.json"));

    Run again = run("init", "--agents", "--launcher", LAUNCHER, dir.toString());

    assertTrue(
        again
            .out()
            .endsWith(
                "kept .mcp.json (it has a devops-worker server)\n"
                    + "kept AGENTS.md (it has a devops-worker section)\n"),
        again.out());
    assertArrayEquals(agents, Files.readAllBytes(dir.resolve("AGENTS.md")));
    assertArrayEquals(mcp, Files.readAllBytes(dir.resolve(".mcp.json")));
  }

  @Test
  void init_withoutAgents_writesNoAgentFiles() {
    run("init", dir.toString());

    assertFalse(Files.exists(dir.resolve(".mcp.json")));
    assertFalse(Files.exists(dir.resolve("AGENTS.md")));
  }

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), TestEnv.in(tempDir), args);
    return new Run(code, out.toString(), err.toString());
  }
}
