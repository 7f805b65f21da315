package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only a human can open the production gate: with a real ssh-keygen key, an unsigned "approve" is
 * refused (with and without a signers file), {@code devops-worker approve HITL-ID --key KEY} then
 * {@code run --once --signers FILE} deploys and names the signer on the board, and the same signed
 * answer copied under another request does not deploy.
 */
class SignedDecisionEndToEndTest {
  private static final Pattern BLOCK =
      Pattern.compile("(?s)(  ```devops-worker-signature\\n.*?\\n  ```\\n)");

  @TempDir Path tempDir;
  private Path dir;
  private Path board;
  private Path requests;
  private Path key;
  private Path signers;
  private Map<String, String> env;

  private record Run(int exitCode, String out, String err) {}

  @BeforeEach
  void project() throws Exception {
    dir = tempDir.toRealPath();
    env = TestEnv.in(dir);
    board = dir.resolve(".plan/tasks.json");
    requests = dir.resolve(".plan/human-requests.md");
    Files.createDirectories(board.getParent());
    Files.writeString(board, "[\n  " + production("P-1") + "\n]\n");
    String steps =
        "### deploy\n\n```sh\necho deploy\n```\n\n### verify\n\n```sh\ntrue\n```\n\n"
            + "### rollback\n\n```sh\ntrue\n```\n";
    Files.writeString(
        dir.resolve("deployment.md"),
        "# R\n\n## gates\n\n```settings\nproduction: rollback_plan, stakeholder_approval\nstaging: rollback_plan\n```\n\n"
            + "## defaults\n\n```settings\nattempts: 1\n```\n\n## deployment_production\n\n"
            + steps
            + "\n## deployment_staging\n\n### deploy\n\n```sh\necho staged\n```\n\n### rollback\n\n```sh\ntrue\n```\n");
    Path keys = Files.createDirectories(dir.resolve("keys"));
    key = keys.resolve("alice");
    ssh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", key.toString());
    Path config = Files.createDirectories(dir.resolve("operator"));
    signers = config.resolve("allowed_signers");
    Files.writeString(
        signers,
        "alice@example.com namespaces=\"devops-worker\" "
            + Files.readString(key.resolveSibling("alice.pub")).strip()
            + "\n");
    Files.setPosixFilePermissions(signers, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void onlyASignedDecisionOpensTheProductionGate_andOnlyForItsOwnRequest() throws Exception {
    runOnce(); // P-1's gate asks for a stakeholder's approval
    assertEquals("blocked", status("P-1"));

    answerLikeAnAgent("HITL-001", "approve");
    runOnce(); // no signers file, unsigned approvals not allowed
    assertEquals("blocked", status("P-1"));
    assertTrue(note("HITL-001").contains("no signers configured"), note("HITL-001"));

    // A signers file now: every decision must be signed, a plain one (written again) too.
    Files.writeString(requests, requests().replace("  - approve\n", "  - Approve.\n"));
    runOnce("--signers", signers.toString());
    assertEquals("blocked", status("P-1"));
    assertTrue(note("HITL-001").contains("unsigned; decisions need a signature"), requests());

    Run approve = cli("approve", "HITL-001", "--key", key.toString(), "--board", board.toString());
    assertEquals(0, approve.exitCode(), approve.err());
    assertTrue(approve.err().contains("task: P-1"), approve.err());
    String signed = requests();

    runOnce("--signers", signers.toString());
    // Approved, but with a signers file the runbook itself must be one a signer trusted.
    assertEquals("blocked", status("P-1"), requests());
    assertEquals("HITL-002", task("P-1").path("result").path("hitl").asText());
    assertTrue(
        task("P-1").path("result").path("message").asText().contains("trust-runbook"),
        task("P-1").toString());
    answerLikeAnAgent("HITL-002", "approve"); // an agent cannot trust the runbook
    runOnce("--signers", signers.toString());
    assertEquals("blocked", status("P-1"));
    assertTrue(note("HITL-002").contains("needs a signature"), note("HITL-002"));

    Run trust =
        cli(
            "trust-runbook",
            "--key",
            key.toString(),
            "--board",
            board.toString(),
            "--runbook",
            dir.resolve("deployment.md").toString());
    assertEquals(0, trust.exitCode(), trust.err());
    runOnce("--signers", signers.toString());
    JsonNode p1 = task("P-1");
    assertEquals("deployed", p1.path("status").asText(), requests());
    JsonNode approval = p1.path("approvals").get(p1.path("approvals").size() - 1);
    assertEquals("alice@example.com", approval.path("signed_by").asText());
    Run report = cli("report", "--format", "json", "--board", board.toString());
    assertEquals(0, report.exitCode(), report.err());
    assertTrue(
        report.out().contains("\"approved_by\" : \"alice@example.com\"")
            || report.out().contains("\"approved_by\":\"alice@example.com\""),
        report.out());

    // A second production task: its request gets the first one's signed answer, copied.
    Files.writeString(
        board, Files.readString(board).replace("\n]", ",\n  " + production("P-2") + "\n]"));
    runOnce("--signers", signers.toString());
    assertEquals("blocked", status("P-2"));
    Matcher block = BLOCK.matcher(signed);
    assertTrue(block.find(), signed);
    String text = requests();
    int at = text.indexOf("### HITL-003:");
    int placeholder = text.indexOf("  - _(Please add your response here)_\n", at);
    Files.writeString( // the signed answer to HITL-001, pasted whole under HITL-003's response
        requests,
        text.substring(0, placeholder)
            + block.group(1)
            + text.substring(placeholder + "  - _(Please add your response here)_\n".length()));
    runOnce("--signers", signers.toString());
    assertEquals("blocked", status("P-2"), requests());
    assertTrue(note("HITL-003").contains("HITL-001"), note("HITL-003"));
  }

  @Test
  void aChangedRunbook_holdsDeploymentsUntilASignerTrustsIt() throws Exception {
    Files.writeString(
        board,
        "[\n  " + staging("S-1") + ",\n  " + staging("S-2") + "\n]\n",
        StandardCharsets.UTF_8);
    runOnce("--signers", signers.toString());
    assertEquals("blocked", status("S-1"));
    assertEquals("blocked", status("S-2"));
    // One request for the runbook, whatever the number of tasks waiting on it.
    assertEquals("HITL-001", task("S-1").path("result").path("hitl").asText());
    assertEquals("HITL-001", task("S-2").path("result").path("hitl").asText());
    assertTrue(requests().contains("deployment_staging ("), requests());
    assertTrue(!requests().contains("### HITL-002"), requests());

    assertEquals(
        0,
        cli(
                "trust-runbook",
                "--key",
                key.toString(),
                "--board",
                board.toString(),
                "--runbook",
                dir.resolve("deployment.md").toString())
            .exitCode());
    runOnce("--signers", signers.toString());
    assertEquals("deployed", status("S-1"), requests());
    assertEquals("deployed", status("S-2"), requests());

    // An agent edits a step: the next deployment waits for a signer again, and says what changed.
    Path runbook = dir.resolve("deployment.md");
    Files.writeString(runbook, Files.readString(runbook).replace("echo staged", "echo changed"));
    Files.writeString(
        board, Files.readString(board).replace("\n]", ",\n  " + staging("S-3") + "\n]"));
    runOnce("--signers", signers.toString());
    assertEquals("blocked", status("S-3"), requests());
    assertEquals("HITL-002", task("S-3").path("result").path("hitl").asText());
    String asked = requests().substring(requests().indexOf("### HITL-002"));
    assertTrue(asked.contains("changed: deployment_staging ("), asked);
    Run stale = cli("approve", "HITL-001", "--key", key.toString(), "--board", board.toString());
    assertEquals(1, Math.min(1, stale.exitCode()), "an answered request is not signed again");
  }

  // --- helpers

  private static String production(String id) {
    return "{\"id\": \""
        + id
        + "\", \"type\": \"deployment_production\", \"status\": \"pending\","
        + " \"agent\": \"DevOps-Engineer\", \"payload\": {\"release\": \"2.0\"}}";
  }

  private static String staging(String id) {
    return "{\"id\": \""
        + id
        + "\", \"type\": \"deployment_staging\", \"status\": \"pending\","
        + " \"agent\": \"DevOps-Engineer\", \"payload\": {\"release\": \"2.0\"}}";
  }

  private void runOnce(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--once",
                "--board",
                board.toString(),
                "--runbook",
                dir.resolve("deployment.md").toString()));
    args.addAll(List.of(more));
    Run run = cli(args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.err());
  }

  private Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), env, args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Replaces the placeholder under the entry's Human Response, as anyone with the file can. */
  private void answerLikeAnAgent(String id, String answer) throws IOException {
    String text = requests();
    int at = text.indexOf("### " + id + ":");
    int placeholder = text.indexOf("_(Please add your response here)_", at);
    assertTrue(at >= 0 && placeholder > at, text);
    Files.writeString(
        requests,
        text.substring(0, placeholder)
            + answer.strip()
            + text.substring(placeholder + "_(Please add your response here)_".length()),
        StandardCharsets.UTF_8);
  }

  private String note(String id) throws IOException {
    String text = requests();
    int at = text.indexOf("### " + id + ":");
    int note = text.indexOf("**Worker Note**", at);
    int next = text.indexOf("\n###", at + 1);
    return note < 0 || (next > 0 && note > next)
        ? ""
        : text.substring(note, text.indexOf('\n', note));
  }

  private String requests() throws IOException {
    return Files.readString(requests);
  }

  private String status(String id) throws IOException {
    return task(id).path("status").asText();
  }

  private JsonNode task(String id) throws IOException {
    for (JsonNode t : Json.MAPPER.readTree(Files.readAllBytes(board))) {
      if (t.path("id").asText().equals(id)) {
        return t;
      }
    }
    throw new AssertionError("no task " + id);
  }

  private void ssh(String... command) throws Exception {
    ProcessBuilder pb = TestEnv.apply(new ProcessBuilder(command), dir).redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
  }
}
