package dev.taskboard.devops.trust;

import java.util.Objects;
import java.util.Optional;

/**
 * What a signature is about, from the worker's own records: a request of the worker (with its task,
 * environment, release and the runbook digest it would run), or a runbook digest to trust. The
 * human's part (decision, comment, times) completes it into a {@link Statement}.
 *
 * <p>The fields other than {@code runbookDigest} are {@code null} for a runbook subject.
 */
public record Subject(
    Kind kind,
    String requestId,
    String taskId,
    String environment,
    String release,
    String runbookDigest) {

  /** The two things a human signs, with the word the statement uses. */
  public enum Kind {
    DECISION("decision"),
    RUNBOOK("runbook");

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    static Optional<Kind> fromWire(String word) {
      for (Kind k : values()) {
        if (k.wire.equals(word)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  public Subject {
    Objects.requireNonNull(kind, "kind == null");
    Values.id("runbookDigest", runbookDigest);
    if (kind == Kind.DECISION) {
      Values.id("requestId", requestId);
      Values.id("taskId", taskId);
      Values.line("environment", environment);
      Values.line("release", release);
    } else {
      onlyForDecisions("requestId", requestId);
      onlyForDecisions("taskId", taskId);
      onlyForDecisions("environment", environment);
      onlyForDecisions("release", release);
    }
  }

  /** A decision about the worker's request {@code requestId}. */
  public static Subject decision(
      String requestId, String taskId, String environment, String release, String runbookDigest) {
    return new Subject(Kind.DECISION, requestId, taskId, environment, release, runbookDigest);
  }

  /** Trust in the runbook whose digest is {@code runbookDigest} (opaque, e.g. sha256:hex). */
  public static Subject runbook(String runbookDigest) {
    return new Subject(Kind.RUNBOOK, null, null, null, null, runbookDigest);
  }

  /** The command a human runs to sign {@code decision} about this subject. */
  public String signCommand(Decision decision) {
    return kind == Kind.RUNBOOK
        ? "devops-worker trust-runbook"
        : "devops-worker " + decision.wire() + " " + requestId;
  }

  /** The command a human runs to sign this subject, the decision still open. */
  public String signCommand() {
    return kind == Kind.RUNBOOK
        ? "devops-worker trust-runbook"
        : "devops-worker approve|reject|retry " + requestId;
  }

  private static void onlyForDecisions(String name, String value) {
    if (value != null) {
      throw new IllegalArgumentException(name + " must be null for a runbook subject");
    }
  }
}
