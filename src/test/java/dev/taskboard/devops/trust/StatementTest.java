package dev.taskboard.devops.trust;

import static dev.taskboard.devops.trust.SshFixture.DIGEST;
import static dev.taskboard.devops.trust.SshFixture.EXPIRES;
import static dev.taskboard.devops.trust.SshFixture.SIGNED;
import static dev.taskboard.devops.trust.SshFixture.statement;
import static dev.taskboard.devops.trust.SshFixture.subject;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatementTest {
  @Test
  void canonicalBytes_decision_isVersionedLinesInFixedOrder() {
    String expected =
        "devops-worker statement v1\n"
            + "kind: decision\n"
            + "request: HITL-007\n"
            + "task: T-42\n"
            + "environment: production\n"
            + "release: v1.4.2\n"
            + "runbook: "
            + DIGEST
            + "\n"
            + "decision: approve\n"
            + "comment: ship it\n"
            + "signed-at: 2026-12-02T10:15:30Z\n"
            + "expires: 2026-12-03T10:15:30Z\n";

    assertEquals(
        expected,
        new String(
            statement(Decision.APPROVE, "ship it").canonicalBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void canonicalBytes_runbook_hasNoRequestFieldsAndAnEmptyCommentWithoutTrailingSpace() {
    Statement s = new Statement(Subject.runbook(DIGEST), Decision.APPROVE, "", SIGNED, EXPIRES);

    assertEquals(
        "devops-worker statement v1\n"
            + "kind: runbook\n"
            + "runbook: "
            + DIGEST
            + "\n"
            + "decision: approve\n"
            + "comment:\n"
            + "signed-at: 2026-12-02T10:15:30Z\n"
            + "expires: 2026-12-03T10:15:30Z\n",
        new String(s.canonicalBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void canonicalBytes_areUtf8AndTheSameForEqualStatements() {
    byte[] first = statement(Decision.REJECT, "pas prêt, café d'abord ☕").canonicalBytes();
    byte[] second = statement(Decision.REJECT, "pas prêt, café d'abord ☕").canonicalBytes();

    assertArrayEquals(first, second);
    assertEquals(
        "comment: pas prêt, café d'abord ☕",
        new String(first, StandardCharsets.UTF_8).lines().toList().get(8));
  }

  @Test
  void times_areKeptToTheSecond() {
    Statement s =
        new Statement(
            subject(),
            Decision.RETRY,
            "",
            Instant.parse("2026-12-02T10:15:30.999Z"),
            Instant.parse("2026-12-03T10:15:30.5Z"));

    assertEquals(SIGNED, s.signedAt());
    assertEquals(EXPIRES, s.expires());
  }

  @Test
  void preconditions_sayWhatIsWrongInFewWords() {
    assertEquals("comment has a control or invisible character at index 4", rejected("ship\nit"));
    assertEquals("comment has a control or invisible character at index 4", rejected("ship\rit"));
    assertEquals(
        "comment has a control or invisible character at index 0", rejected("\u202Eti pihs"));
    assertEquals("comment has a control or invisible character at index 2", rejected("ok\u200B"));
    assertEquals(
        "comment has a control or invisible character at index 2", rejected("ok\uDB40\uDC41"));
    assertEquals("comment has a control or invisible character at index 1", rejected("a\uD800b"));
    assertEquals("comment has a control or invisible character at index 2", rejected("ok\u2028"));
    assertEquals("comment has leading or trailing whitespace", rejected("ship it "));
    assertEquals("comment has leading or trailing whitespace", rejected("\u00A0ship it"));
    assertEquals("comment is longer than 1000 characters", rejected("x".repeat(1001)));
    assertEquals(
        "comment == null",
        assertThrows(NullPointerException.class, () -> statement(Decision.APPROVE, null))
            .getMessage());
  }

  @Test
  void subjectPreconditions_nameTheField() {
    assertEquals(
        "requestId has a space at index 4",
        subjectRejected(() -> Subject.decision("HITL 7", "T-42", "production", "v1", DIGEST)));
    assertEquals(
        "taskId is empty",
        subjectRejected(() -> Subject.decision("HITL-7", "", "production", "v1", DIGEST)));
    assertEquals(
        "release has a control or invisible character at index 2",
        subjectRejected(() -> Subject.decision("HITL-7", "T-1", "production", "v1\n2", DIGEST)));
    assertEquals(
        "environment has leading or trailing whitespace",
        subjectRejected(() -> Subject.decision("HITL-7", "T-1", " production", "v1", DIGEST)));
    assertEquals(
        "requestId must be null for a runbook subject",
        subjectRejected(
            () -> new Subject(Subject.Kind.RUNBOOK, "HITL-7", null, null, null, DIGEST)));
    assertEquals(
        "runbookDigest == null",
        assertThrows(NullPointerException.class, () -> Subject.runbook(null)).getMessage());
  }

  @Test
  void timePreconditions() {
    assertEquals(
        "expires is not after signedAt",
        assertThrows(
                IllegalArgumentException.class,
                () -> new Statement(subject(), Decision.APPROVE, "", EXPIRES, SIGNED))
            .getMessage());
    assertEquals(
        "signedAt is not between 2000 and 9999",
        assertThrows(
                IllegalArgumentException.class,
                () -> new Statement(subject(), Decision.APPROVE, "", Instant.EPOCH, EXPIRES))
            .getMessage());
    assertEquals(
        "a runbook statement can only approve",
        assertThrows(
                IllegalArgumentException.class,
                () -> new Statement(Subject.runbook(DIGEST), Decision.REJECT, "", SIGNED, EXPIRES))
            .getMessage());
  }

  @Test
  void signCommand_namesTheDecisionAndRequest() {
    assertEquals("devops-worker retry HITL-007", statement(Decision.RETRY, "").signCommand());
    assertEquals("devops-worker approve|reject|retry HITL-007", subject().signCommand());
    assertEquals("devops-worker trust-runbook", Subject.runbook(DIGEST).signCommand());
  }

  @Test
  void decision_wireWordsRoundTrip() {
    for (Decision d : Decision.values()) {
      assertEquals(d, Decision.fromWire(d.wire()).orElseThrow());
    }
    assertEquals(java.util.Optional.empty(), Decision.fromWire("APPROVE"));
  }

  private static String rejected(String comment) {
    return assertThrows(IllegalArgumentException.class, () -> statement(Decision.APPROVE, comment))
        .getMessage();
  }

  private static String subjectRejected(org.junit.jupiter.api.function.Executable e) {
    return assertThrows(IllegalArgumentException.class, e).getMessage();
  }
}
