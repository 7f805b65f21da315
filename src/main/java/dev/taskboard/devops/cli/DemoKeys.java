package dev.taskboard.devops.cli;

import dev.taskboard.devops.trust.Decision;
import dev.taskboard.devops.trust.Signer;
import dev.taskboard.devops.trust.SigningException;
import dev.taskboard.devops.trust.Statement;
import dev.taskboard.devops.worker.HumanDecisions;
import dev.taskboard.devops.worker.WorkerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The demo's throwaway human: an SSH key and an allowed-signers file in the demo's scratch
 * directory, so that the demo shows the real trust model — the worker verifies every decision
 * against the signers file, and the printed {@code approve} command signs with this key.
 */
record DemoKeys(Path key, Path signers) {
  static final String PRINCIPAL = "demo-human@devops-worker.example";

  /**
   * Creates the key ({@code keys/demo-human}, no passphrase: it guards nothing but the demo) and
   * the signers file ({@code operator/allowed_signers}) in {@code project}; empty when ssh-keygen
   * is missing or fails, and the demo runs without signatures.
   */
  static Optional<DemoKeys> create(Path project) throws InterruptedException {
    try {
      Path keys = Files.createDirectories(project.resolve("keys"));
      Path key = keys.resolve("demo-human");
      Process p =
          new ProcessBuilder(
                  "ssh-keygen",
                  "-q",
                  "-t",
                  "ed25519",
                  "-N",
                  "",
                  "-C",
                  PRINCIPAL,
                  "-f",
                  key.toString())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      p.getOutputStream().close();
      byte[] output = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(new String(output, StandardCharsets.UTF_8).strip());
      }
      Path operator = Files.createDirectories(project.resolve("operator"));
      Files.setPosixFilePermissions(operator, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path signers = operator.resolve("allowed_signers");
      String publicKey = Files.readString(key.resolveSibling("demo-human.pub")).strip();
      Files.writeString(
          signers,
          PRINCIPAL + " namespaces=\"devops-worker\" " + publicKey + "\n",
          StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(signers, PosixFilePermissions.fromString("rw-r--r--"));
      return Optional.of(new DemoKeys(key, signers));
    } catch (IOException noSshKeygen) {
      return Optional.empty();
    }
  }

  /**
   * Signs the worker's open request to trust the runbook, as the demo's human: what an operator
   * does with {@code devops-worker trust-runbook} after reviewing the runbook.
   */
  void trustRunbook(WorkerConfig config, Map<String, String> env)
      throws IOException, InterruptedException {
    HumanDecisions.OpenRequest request = HumanDecisions.openRunbook(config);
    Statement statement =
        DecideCommand.statement(
            config, request, Decision.APPROVE, "the demo's runbook", Duration.ofDays(1));
    try {
      DecideCommand.signAndWrite(
          Signer.withoutTerminal(env), env, config, request, statement, key.toString());
    } catch (SigningException e) {
      throw new IOException("the demo could not sign its runbook: " + e.getMessage(), e);
    }
  }

  /** The worker's flags that name this signers file. */
  List<String> runFlags() {
    return List.of("--signers", signers.toString());
  }
}
