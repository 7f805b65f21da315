package dev.taskboard.devops.cli;

import dev.taskboard.devops.trust.Decision;
import dev.taskboard.devops.trust.Signer;
import dev.taskboard.devops.trust.SigningException;
import dev.taskboard.devops.trust.SigningKey;
import dev.taskboard.devops.trust.Statement;
import dev.taskboard.devops.worker.HumanDecisions;
import dev.taskboard.devops.worker.WorkerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code approve|reject|retry HITL-ID}: a human's decision on one of the worker's requests, signed
 * with the human's SSH key over a statement built from the worker's own records, and written under
 * the entry's Human Response. The worker verifies it against the operator's allowed signers.
 */
abstract class DecideCommand implements Callable<Integer> {
  /** The signer's key and note, for every command that signs. */
  static final class Signing {
    @Option(
        names = "--key",
        paramLabel = "FILE",
        description =
            "The SSH key to sign with. Default: $DEVOPS_WORKER_SIGNING_KEY, else the first key of"
                + " your ssh-agent, else ~/.ssh/id_ed25519 (and the other default key files).")
    String key;

    @Option(
        names = "--comment",
        paramLabel = "TEXT",
        defaultValue = "",
        description = "A note signed with the decision (one line).")
    String comment = "";
  }

  @Mixin BoardCommand.BoardOptions board;
  @Mixin WorkerOptions.StateDir stateDir;
  @Mixin WorkerOptions.HumanRequests humanRequests;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "HITL-ID", description = "The request, e.g. HITL-007.")
  String id;

  @Mixin Signing signing;

  @Option(
      names = "--expires",
      paramLabel = "DURATION",
      defaultValue = "24h",
      description =
          "How long the decision may be acted on (default: ${DEFAULT-VALUE}): 30m, 24h, 7d.")
  String expires;

  abstract Decision decision();

  @Override
  public Integer call() throws IOException, InterruptedException {
    Map<String, String> env = Main.env(spec);
    WorkerConfig config =
        WorkerOptions.builder(env, board).stateDir(stateDir).humanRequests(humanRequests).config();
    HumanDecisions.OpenRequest request = HumanDecisions.open(config, id);
    if (decision() == Decision.RETRY && !request.takesRetry()) {
      throw new IllegalArgumentException(
          id + " asks for an approval: answer approve or reject; retry is for evidence requests");
    }
    sign(spec, env, config, request, decision(), signing.key, signing.comment, expires);
    return ExitCode.OK;
  }

  /**
   * Shows the statement on stderr, signs it with the human's key and writes the signed block under
   * the request's Human Response.
   */
  static void sign(
      CommandSpec spec,
      Map<String, String> env,
      WorkerConfig config,
      HumanDecisions.OpenRequest request,
      Decision decision,
      String key,
      String comment,
      String expires)
      throws IOException, InterruptedException {
    Statement statement = statement(config, request, decision, comment, duration(expires));
    PrintWriter err = spec.commandLine().getErr();
    err.println("devops-worker: signing, as a human, this statement:");
    new String(statement.canonicalBytes(), java.nio.charset.StandardCharsets.UTF_8)
        .lines()
        .forEach(l -> err.println("  " + l));
    err.flush();
    try {
      SigningKey signingKey =
          signAndWrite(Signer.onTerminal(env), env, config, request, statement, key);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "signed "
              + decision.wire()
              + " of "
              + request.id()
              + " ("
              + request.task()
              + ") with "
              + signingKey.describe()
              + "; written to "
              + config.humanRequests()
              + ", where the worker reads it");
      out.flush();
    } catch (SigningException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The statement a human signs about {@code request}, valid from now for {@code validFor}. */
  static Statement statement(
      WorkerConfig config,
      HumanDecisions.OpenRequest request,
      Decision decision,
      String comment,
      Duration validFor) {
    Instant now = config.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    return new Statement(request.subject(), decision, comment, now, now.plus(validFor));
  }

  /** Signs {@code statement} with {@code key} and writes it under the request's Human Response. */
  static SigningKey signAndWrite(
      Signer signer,
      Map<String, String> env,
      WorkerConfig config,
      HumanDecisions.OpenRequest request,
      Statement statement,
      String key)
      throws IOException, SigningException, InterruptedException {
    SigningKey signingKey = SigningKey.resolve(key, env);
    HumanDecisions.answer(config, request, signer.sign(statement, signingKey));
    return signingKey;
  }

  /** {@code 30m}, {@code 24h}, {@code 7d}. */
  static Duration duration(String text) {
    var m = java.util.regex.Pattern.compile("(\\d{1,6})([mhd])").matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "--expires takes a number and a unit, like 30m, 24h or 7d, not '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description =
          "Approve one of the worker's requests (a production deployment, or going on without"
              + " missing evidence), signed with your SSH key.")
  static final class Approve extends DecideCommand {
    @Override
    Decision decision() {
      return Decision.APPROVE;
    }
  }

  /**
   * {@code trust-runbook}: a signer trusts the runbook's current content (deployment.md and the
   * operator's extra runbook files), answering the worker's request for exactly that digest.
   */
  @Command(
      name = "trust-runbook",
      mixinStandardHelpOptions = true,
      description =
          "Trust the runbook's current content, signed with your SSH key: the worker asked for it"
              + " in human-requests.md because the runbook changed since a signer last trusted"
              + " it. Review the change first.")
  static final class TrustRunbook implements Callable<Integer> {
    @Mixin BoardCommand.BoardOptions board;
    @Mixin WorkerOptions.Runbook runbook;
    @Mixin WorkerOptions.RunbookFiles runbookFiles;
    @Mixin WorkerOptions.StateDir stateDir;
    @Mixin WorkerOptions.HumanRequests humanRequests;
    @Spec CommandSpec spec;

    @Mixin Signing signing;

    @Option(
        names = "--expires",
        paramLabel = "DURATION",
        defaultValue = "3650d",
        description = "How long the trust lasts (default: ${DEFAULT-VALUE}).")
    String expires;

    @Override
    public Integer call() throws IOException, InterruptedException {
      Map<String, String> env = Main.env(spec);
      WorkerConfig config =
          WorkerOptions.builder(env, board)
              .runbook(runbook)
              .runbookFiles(runbookFiles)
              .stateDir(stateDir)
              .humanRequests(humanRequests)
              .config();
      HumanDecisions.OpenRequest request = HumanDecisions.openRunbook(config);
      sign(spec, env, config, request, Decision.APPROVE, signing.key, signing.comment, expires);
      return ExitCode.OK;
    }
  }

  @Command(
      name = "reject",
      mixinStandardHelpOptions = true,
      description =
          "Reject one of the worker's requests, signed with your SSH key: its task fails.")
  static final class Reject extends DecideCommand {
    @Override
    Decision decision() {
      return Decision.REJECT;
    }
  }

  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description =
          "Answer an evidence request once the evidence is there, signed with your SSH key: the"
              + " worker runs the task's gates again.")
  static final class Retry extends DecideCommand {
    @Override
    Decision decision() {
      return Decision.RETRY;
    }
  }
}
