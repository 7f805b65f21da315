package dev.taskboard.devops.trust;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The exact text a human signs: a {@link Subject} from the worker's records plus the human's
 * decision, comment, signing time and expiry. Times are kept to the second.
 */
public record Statement(
    Subject subject, Decision decision, String comment, Instant signedAt, Instant expires) {

  /** First line of every statement; a new layout gets a new version. */
  static final String HEADER = "devops-worker statement v1";

  /** The SSH signature namespace: a signature made for anything else never verifies here. */
  static final String NAMESPACE = "devops-worker";

  private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  public Statement {
    Objects.requireNonNull(subject, "subject == null");
    Objects.requireNonNull(decision, "decision == null");
    Values.comment(comment);
    signedAt = second("signedAt", signedAt);
    expires = second("expires", expires);
    if (!expires.isAfter(signedAt)) {
      throw new IllegalArgumentException("expires is not after signedAt");
    }
    if (subject.kind() == Subject.Kind.RUNBOOK && decision != Decision.APPROVE) {
      throw new IllegalArgumentException("a runbook statement can only approve");
    }
  }

  /** The signed bytes: {@link #lines()} in UTF-8, each ended by a line feed. */
  public byte[] canonicalBytes() {
    return (String.join("\n", lines()) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** The command that signs this statement's decision again. */
  public String signCommand() {
    return subject.signCommand(decision);
  }

  /**
   * The header, then one {@code key: value} line per field in {@link #keys(Subject.Kind)} order.
   */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    lines.add(field("kind", subject.kind().wire()));
    if (subject.kind() == Subject.Kind.DECISION) {
      lines.add(field("request", subject.requestId()));
      lines.add(field("task", subject.taskId()));
      lines.add(field("environment", subject.environment()));
      lines.add(field("release", subject.release()));
    }
    lines.add(field("runbook", subject.runbookDigest()));
    lines.add(field("decision", decision.wire()));
    lines.add(field("comment", comment));
    lines.add(field("signed-at", signedAt.toString()));
    lines.add(field("expires", expires.toString()));
    return lines;
  }

  /** The keys of a statement of {@code kind}, in order, after the header. */
  static List<String> keys(Subject.Kind kind) {
    return kind == Subject.Kind.DECISION
        ? List.of(
            "kind",
            "request",
            "task",
            "environment",
            "release",
            "runbook",
            "decision",
            "comment",
            "signed-at",
            "expires")
        : List.of("kind", "runbook", "decision", "comment", "signed-at", "expires");
  }

  /** {@code key: value}, or just {@code key:} for an empty value, so no line ends in a space. */
  static String field(String key, String value) {
    return value.isEmpty() ? key + ":" : key + ": " + value;
  }

  private static Instant second(String name, Instant time) {
    Objects.requireNonNull(time, name + " == null");
    if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
      throw new IllegalArgumentException(name + " is not between 2000 and 9999");
    }
    return time.truncatedTo(ChronoUnit.SECONDS);
  }
}
