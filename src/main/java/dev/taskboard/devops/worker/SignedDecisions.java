package dev.taskboard.devops.worker;

import dev.taskboard.devops.hitl.HumanResponse;
import dev.taskboard.devops.journal.JournalEvent.Decided;
import dev.taskboard.devops.trust.AllowedSigners;
import dev.taskboard.devops.trust.Decision;
import dev.taskboard.devops.trust.Subject;
import dev.taskboard.devops.trust.Verification;
import dev.taskboard.devops.trust.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place a human's answer in human-requests.md becomes a decision the worker acts on — and
 * where a decision is checked again when it is used. A decision that lets a deployment proceed
 * counts only when a human signed it ({@code devops-worker approve|reject|retry HITL-ID}, verified
 * against the operator's allowed signers), or, with no signers file, when the operator started the
 * worker with {@code --allow-unsigned-approvals}. A plain answer is exactly one decision word on
 * one line; anything else is unclear.
 */
final class SignedDecisions {
  /** The info string of the fenced block {@code devops-worker approve} writes. */
  static final String SIGNATURE = "devops-worker-signature";

  /** Empty values of a request (no release) as the signed statement spells them. */
  static final String NONE = "(none)";

  private final Path signers;
  private final boolean allowUnsigned;
  private final Verifier verifier;
  private final Clock clock;
  private final Set<String> trustedRunbooks = ConcurrentHashMap.newKeySet();

  SignedDecisions(WorkerConfig config, Map<String, String> env) {
    this.signers = config.signers();
    this.allowUnsigned = config.allowUnsigned();
    this.verifier = new Verifier(env);
    this.clock = config.clock();
  }

  /** What an answer means. */
  sealed interface Reading {}

  /** A decision to act on, by {@code principal} (empty: unsigned), with its signed block. */
  record Accepted(Decision decision, String principal, String signature) implements Reading {}

  /** Not acted on: why, in a sentence that says what to do. */
  record NotAccepted(String reason) implements Reading {}

  /** Reads the human's answer to the worker's request {@code h}. */
  Reading read(Journal.HitlRecord h, HumanResponse answer) {
    String response = answer.text();
    Subject subject;
    try {
      subject = subject(h);
    } catch (IllegalArgumentException unsignable) {
      return new NotAccepted(
          "this request cannot be signed (" + unsignable.getMessage() + "); fix the task");
    }
    Optional<AllowedSigners> operators;
    try {
      operators = AllowedSigners.load(signers);
    } catch (IOException unsafe) {
      return new NotAccepted(
          "the signers file cannot be trusted, so no decision counts: " + unsafe.getMessage());
    }
    if (!answer.blocks(SIGNATURE).isEmpty() || response.contains("```" + SIGNATURE)) {
      if (operators.isEmpty()) {
        return new NotAccepted("signed, but " + AllowedSigners.noSigners(signers));
      }
      return verified(subject, response, operators.get());
    }
    if (h.kind().equals(Escalations.RUNBOOK)) {
      return new NotAccepted(
          "trusting a runbook needs a signature: a signer runs " + subject.signCommand());
    }
    Optional<Decision> word = word(answer);
    if (word.isEmpty()) {
      return new NotAccepted(
          "not a decision: answer with a signed decision ("
              + subject.signCommand(Decision.APPROVE)
              + ", or reject/retry)"
              + (operators.isEmpty() ? ", or one word: approve, reject or retry" : ""));
    }
    if (operators.isPresent()) {
      return new NotAccepted(
          "unsigned; decisions need a signature here: " + subject.signCommand(word.get()));
    }
    if (opensTheGate(h, word.get()) && !allowUnsigned) {
      return new NotAccepted(
          "unsigned; a production approval or an evidence waiver needs a signed decision and "
              + AllowedSigners.noSigners(signers)
              + ", then run: "
              + subject.signCommand(word.get()));
    }
    return new Accepted(word.get(), "", "");
  }

  /**
   * Whether a recorded approval still opens the gate now: its signature verified again against the
   * current signers and the runbook the task would run ({@code runbookDigest}), unexpired — or, for
   * an unsigned one, the operator still allowing those.
   */
  boolean stillValid(Decided d, Journal.HitlRecord h, String runbookDigest) {
    Optional<AllowedSigners> operators;
    try {
      operators = AllowedSigners.load(signers);
    } catch (IOException unsafe) {
      return false;
    }
    if (d.signature().isEmpty()) {
      return operators.isEmpty() && (allowUnsigned || !opensTheGate(h, Decision.APPROVE));
    }
    if (operators.isEmpty()) {
      return false;
    }
    try {
      Subject now =
          Subject.decision(
              h.id(),
              h.task(),
              orNone(h.asked().environment()),
              orNone(h.release()),
              runbookDigest);
      return verifier.verifyResponse(now, d.signature(), operators.get(), clock.instant())
          instanceof Verification.Verified;
    } catch (IllegalArgumentException unsignable) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Whether the runbook's content must be trusted by a signer before it runs: whenever a signers
   * file exists (or cannot be trusted itself — then nothing counts as trusted).
   */
  boolean runbookNeedsTrust() {
    try {
      return AllowedSigners.load(signers).isPresent();
    } catch (IOException unsafe) {
      return true;
    }
  }

  /**
   * Whether a recorded runbook approval {@code d} still trusts the runbook whose digest is {@code
   * digest}: signed, for that digest, verified now against the current signers. Verified answers
   * are remembered per signature, digest and signers file version, so a cycle costs no process.
   */
  boolean trustsRunbook(Decided d, String digest) {
    if (d.signature().isEmpty()) {
      return false;
    }
    Optional<AllowedSigners> operators;
    String version;
    try {
      operators = AllowedSigners.load(signers);
      version = Files.getLastModifiedTime(signers) + "/" + Files.size(signers);
    } catch (IOException unsafe) {
      return false;
    }
    if (operators.isEmpty()) {
      return false;
    }
    String key = digest + "\n" + version + "\n" + d.signature();
    if (trustedRunbooks.contains(key)) {
      return true;
    }
    try {
      boolean ok =
          verifier.verifyResponse(
                  Subject.runbook(digest), d.signature(), operators.get(), clock.instant())
              instanceof Verification.Verified;
      if (ok) {
        trustedRunbooks.add(key);
      }
      return ok;
    } catch (IllegalArgumentException unsignable) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Reading verified(Subject subject, String response, AllowedSigners operators) {
    try {
      Verification v = verifier.verifyResponse(subject, response, operators, clock.instant());
      if (v instanceof Verification.Verified ok) {
        return new Accepted(ok.statement().decision(), ok.principal(), response);
      }
      return new NotAccepted(((Verification.Refused) v).reason());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new NotAccepted("interrupted while verifying; it is read again on the next look");
    }
  }

  /** What the request is about, from the worker's own record of it — never from the entry. */
  static Subject subject(Journal.HitlRecord h) {
    if (h.kind().equals(Escalations.RUNBOOK)) {
      return Subject.runbook(h.asked().runbookDigest());
    }
    return Subject.decision(
        h.id(),
        h.task(),
        orNone(h.asked().environment()),
        orNone(h.release()),
        orNone(h.asked().runbookDigest()));
  }

  /** A production approval or an evidence waiver: what lets a deployment past its gate. */
  private static boolean opensTheGate(Journal.HitlRecord h, Decision d) {
    return d == Decision.APPROVE
        && (h.kind().equals(Escalations.APPROVAL) || h.kind().equals(Escalations.EVIDENCE));
  }

  /** The one decision word of a plain answer, if it is exactly that (hitl's grammar). */
  static Optional<Decision> word(HumanResponse answer) {
    return switch (answer.decision()) {
      case APPROVE -> Optional.of(Decision.APPROVE);
      case REJECT -> Optional.of(Decision.REJECT);
      case RETRY -> Optional.of(Decision.RETRY);
      case UNCLEAR -> Optional.empty();
    };
  }

  private static String orNone(String value) {
    return value == null || value.isEmpty() ? NONE : value;
  }
}
