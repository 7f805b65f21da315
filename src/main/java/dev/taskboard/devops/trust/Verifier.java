package dev.taskboard.devops.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a human signed what the worker is about to do. It rebuilds the statement from its
 * own {@link Subject} and the decision, comment and times in the block, checks the times, asks
 * {@code ssh-keygen -Y find-principals} who holds the key, then {@code ssh-keygen -Y verify -I
 * principal -n devops-worker} over the rebuilt bytes. Any doubt is a {@link Verification.Refused}.
 */
public final class Verifier {
  /** How far a signing time may be ahead of this machine's clock. */
  public static final Duration SKEW = Duration.ofMinutes(5);

  /** Bound on each ssh-keygen run. */
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Principals tried for one key, at most. */
  static final int MAX_PRINCIPALS = 16;

  private static final DateTimeFormatter SSH_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

  /** How ssh-keygen -Y verify starts its answer when the signature is good. */
  private static final String GOOD = "Good \"" + Statement.NAMESPACE + "\" signature for ";

  private final SshTool tool;

  /**
   * @param environment the environment of ssh-keygen (PATH; HOME is pointed at nothing it needs)
   */
  public Verifier(Map<String, String> environment) {
    this.tool = new SshTool(environment, TIMEOUT, false);
  }

  /**
   * Finds the signature block in a human's {@code response} (the text under Human Response) and
   * verifies it: no block, an unreadable block or a second block is refused.
   */
  public Verification verifyResponse(
      Subject expected, String response, AllowedSigners signers, Instant now)
      throws InterruptedException {
    BlockReader.Reading reading = BlockReader.read(response);
    if (reading instanceof BlockReader.Found found) {
      return verify(expected, found.block(), signers, now);
    }
    if (reading instanceof BlockReader.Malformed malformed) {
      return refused("unreadable signature block, " + malformed.reason(), expected.signCommand());
    }
    return refused("unsigned: no " + SignedBlock.OPEN + " block", expected.signCommand());
  }

  /**
   * Verifies that a signer in {@code signers} signed {@code block}'s decision about {@code
   * expected}.
   */
  public Verification verify(
      Subject expected, SignedBlock block, AllowedSigners signers, Instant now)
      throws InterruptedException {
    Statement claimed = block.statement();
    String again = expected.signCommand(claimed.decision());
    Optional<String> mismatch = mismatch(expected, claimed.subject());
    if (mismatch.isPresent()) {
      return refused(mismatch.get(), again);
    }
    // The bytes to verify come from the worker's own subject, never from the block's text.
    Statement rebuilt =
        new Statement(
            expected, claimed.decision(), claimed.comment(), claimed.signedAt(), claimed.expires());
    SshSignature signature = block.signature();
    Optional<String> early = untimely(rebuilt, now).or(() -> foreignNamespace(signature));
    if (early.isPresent()) {
      return refused(early.get(), again);
    }
    try (PrivateDir dir = PrivateDir.create()) {
      return check(Inputs.write(dir, rebuilt, signature, signers), now, again);
    } catch (IOException e) {
      return refused("cannot run ssh-keygen: " + e.getMessage(), again);
    }
  }

  /** What ssh-keygen reads, written to the private directory. */
  private record Inputs(
      PrivateDir dir,
      Statement rebuilt,
      SshSignature signature,
      Path statement,
      Path signatureFile,
      Path signers,
      Path operatorsFile) {
    static Inputs write(
        PrivateDir dir, Statement rebuilt, SshSignature signature, AllowedSigners signers)
        throws IOException {
      return new Inputs(
          dir,
          rebuilt,
          signature,
          dir.write("statement", rebuilt.canonicalBytes()),
          dir.write("statement.sig", signature.armored().getBytes(StandardCharsets.US_ASCII)),
          dir.write("allowed_signers", signers.content()),
          signers.path());
    }

    /** ssh-keygen's words, naming the operator's file instead of its private copy. */
    String complaint(SshTool.Result result) {
      return result.complaint(signers.toString(), operatorsFile.toString());
    }
  }

  private Verification check(Inputs in, Instant now, String again)
      throws IOException, InterruptedException {
    String time = "-Overify-time=" + SSH_TIME.format(now);
    SshTool.Result found = tool.run(in.dir(), findCommand(in, time), null);
    List<String> principals = principals(found);
    if (principals.isEmpty()) {
      return refused(
          String.format(
              "unknown signer: %s is not allowed in %s (ssh-keygen: %s)",
              in.signature().key(), in.operatorsFile(), in.complaint(found)),
          again);
    }
    String complaint = "";
    for (String principal : principals) {
      SshTool.Result verified =
          tool.run(in.dir(), verifyCommand(in, principal, time), in.statement());
      if (verified.ok() && verified.stdout().startsWith(GOOD)) {
        return new Verification.Verified(principal, in.rebuilt());
      }
      complaint = in.complaint(verified);
    }
    return refused(
        String.format(
            "bad signature: %s (%s) did not sign this statement for %s (ssh-keygen: %s)",
            in.signature().key(), String.join(", ", principals), Statement.NAMESPACE, complaint),
        again);
  }

  private static List<String> findCommand(Inputs in, String time) {
    return List.of(
        "ssh-keygen",
        "-Y",
        "find-principals",
        "-f",
        in.signers().toString(),
        "-s",
        in.signatureFile().toString(),
        time);
  }

  private static List<String> verifyCommand(Inputs in, String principal, String time) {
    return List.of(
        "ssh-keygen",
        "-Y",
        "verify",
        "-n",
        Statement.NAMESPACE,
        "-f",
        in.signers().toString(),
        "-I",
        principal,
        "-s",
        in.signatureFile().toString(),
        time);
  }

  private static Optional<String> untimely(Statement statement, Instant now) {
    if (now.isAfter(statement.expires())) {
      return Optional.of("expired at " + statement.expires());
    }
    if (statement.signedAt().isAfter(now.plus(SKEW))) {
      return Optional.of(
          "signed at " + statement.signedAt() + ", ahead of this machine's clock (" + now + ")");
    }
    return Optional.empty();
  }

  /** Checked before ssh-keygen, which would refuse it too, to say plainly why. */
  private static Optional<String> foreignNamespace(SshSignature signature) {
    return signature.namespace().equals(Statement.NAMESPACE)
        ? Optional.empty()
        : Optional.of(
            "signed for namespace "
                + Shown.quote(signature.namespace())
                + ", not '"
                + Statement.NAMESPACE
                + "'");
  }

  private static List<String> principals(SshTool.Result found) {
    if (!found.ok()) {
      return List.of();
    }
    List<String> principals = new ArrayList<>();
    found
        .stdout()
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty())
        .limit(MAX_PRINCIPALS)
        .forEach(principals::add);
    return principals;
  }

  /** What differs between the subject signed and the worker's own, first difference only. */
  static Optional<String> mismatch(Subject expected, Subject signed) {
    if (expected.kind() != signed.kind()) {
      return Optional.of(
          "a " + signed.kind().wire() + " was signed, not a " + expected.kind().wire());
    }
    String[][] fields = {
      {"request", expected.requestId(), signed.requestId()},
      {"task", expected.taskId(), signed.taskId()},
      {"environment", expected.environment(), signed.environment()},
      {"release", expected.release(), signed.release()},
      {"runbook", expected.runbookDigest(), signed.runbookDigest()},
    };
    for (String[] field : fields) {
      if (field[1] != null && !field[1].equals(field[2])) {
        return Optional.of(
            "signed for "
                + field[0]
                + " "
                + Shown.quote(field[2], Values.MAX_VALUE)
                + ", not "
                + Shown.quote(field[1], Values.MAX_VALUE));
      }
    }
    return Optional.empty();
  }

  private static Verification refused(String reason, String command) {
    return new Verification.Refused(reason + "; sign with: " + command);
  }
}
