package dev.taskboard.devops.trust;

import static dev.taskboard.devops.trust.SshFixture.DIGEST;
import static dev.taskboard.devops.trust.SshFixture.EXPIRES;
import static dev.taskboard.devops.trust.SshFixture.NOW;
import static dev.taskboard.devops.trust.SshFixture.SIGNED;
import static dev.taskboard.devops.trust.SshFixture.statement;
import static dev.taskboard.devops.trust.SshFixture.subject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SignAndVerifyTest {
  @TempDir Path dir;

  private SshFixture ssh;
  private Path alice;
  private AllowedSigners signers;
  private Verifier verifier;

  @BeforeEach
  void fixture() throws Exception {
    ssh = new SshFixture(dir);
    alice = ssh.key("alice");
    signers = ssh.signers("# operators", ssh.signer("alice@example.com", alice));
    verifier = new Verifier(ssh.env);
  }

  @Test
  void signThenVerify_isVerifiedWithTheSignersPrincipal() throws Exception {
    SignedBlock block = sign(statement(Decision.APPROVE, "ship it"), alice);

    Verification v = verifier.verify(subject(), block, signers, NOW);

    Verification.Verified ok = assertInstanceOf(Verification.Verified.class, v);
    assertEquals("alice@example.com", ok.principal());
    assertEquals(statement(Decision.APPROVE, "ship it"), ok.statement());
  }

  @Test
  void verifyResponse_blockInsideTheHumanResponseListItem_isVerified() throws Exception {
    SignedBlock block = sign(statement(Decision.RETRY, ""), alice);
    String response = "- **Human Response**: retry\n" + block.toMarkdown("  ");

    Verification v = verifier.verifyResponse(subject(), response, signers, NOW);

    assertEquals(
        Decision.RETRY, assertInstanceOf(Verification.Verified.class, v).statement().decision());
  }

  @Test
  void runbookApproval_signThenVerify() throws Exception {
    Statement trust = new Statement(Subject.runbook(DIGEST), Decision.APPROVE, "", SIGNED, EXPIRES);

    Verification v = verifier.verify(Subject.runbook(DIGEST), sign(trust, alice), signers, NOW);

    assertTrue(v.accepted());
    assertEquals(
        "signed for runbook 'sha256:other', not 'sha256:changed'; sign with: devops-worker"
            + " trust-runbook",
        reason(
            verifier.verify(
                Subject.runbook("sha256:changed"),
                sign(
                    new Statement(
                        Subject.runbook("sha256:other"), Decision.APPROVE, "", SIGNED, EXPIRES),
                    alice),
                signers,
                NOW)));
  }

  @Test
  void unknownSigner_isRefusedNamingTheKey() throws Exception {
    Path bob = ssh.key("bob");
    SignedBlock block = sign(statement(Decision.APPROVE, ""), bob);
    String fingerprint = block.signature().fingerprint();

    assertEquals(
        "unknown signer: ssh-ed25519 key "
            + fingerprint
            + " is not allowed in "
            + signers.path()
            + " (ssh-keygen: 'No principal matched.'); sign with: devops-worker approve HITL-007",
        reason(verifier.verify(subject(), block, signers, NOW)));
  }

  @Test
  void statementForAnotherRequestTaskEnvironmentReleaseOrRunbook_isRefused() throws Exception {
    SignedBlock block = sign(statement(Decision.APPROVE, ""), alice);

    assertEquals(
        "signed for request 'HITL-007', not 'HITL-008'; sign with: devops-worker approve HITL-008",
        reason(check(other("HITL-008", "T-42", "production", "v1.4.2", DIGEST), block)));
    assertEquals(
        "signed for task 'T-42', not 'T-43'; sign with: devops-worker approve HITL-007",
        reason(check(other("HITL-007", "T-43", "production", "v1.4.2", DIGEST), block)));
    assertEquals(
        "signed for environment 'production', not 'staging'; sign with: devops-worker approve"
            + " HITL-007",
        reason(check(other("HITL-007", "T-42", "staging", "v1.4.2", DIGEST), block)));
    assertEquals(
        "signed for release 'v1.4.2', not 'v1.4.3'; sign with: devops-worker approve HITL-007",
        reason(check(other("HITL-007", "T-42", "production", "v1.4.3", DIGEST), block)));
    assertEquals(
        "signed for runbook '"
            + DIGEST
            + "', not 'sha256:new'; sign with: devops-worker approve"
            + " HITL-007",
        reason(check(other("HITL-007", "T-42", "production", "v1.4.2", "sha256:new"), block)));
    assertEquals(
        "a decision was signed, not a runbook; sign with: devops-worker trust-runbook",
        reason(verifier.verify(Subject.runbook(DIGEST), block, signers, NOW)));
    SignedBlock rejection = sign(statement(Decision.REJECT, ""), alice);
    assertEquals(
        "a decision was signed, not a runbook; sign with: devops-worker trust-runbook",
        reason(verifier.verify(Subject.runbook(DIGEST), rejection, signers, NOW)));
  }

  @Test
  void blockEditedToClaimTheWorkersSubject_failsTheSignature() throws Exception {
    SignedBlock signedForOther =
        sign(
            new Statement(
                Subject.decision("HITL-007", "T-42", "production", "v1.4.1", DIGEST),
                Decision.APPROVE,
                "",
                SIGNED,
                EXPIRES),
            alice);
    // An agent rewrites the visible release line; the worker's own subject now matches the text.
    String edited = signedForOther.toMarkdown("").replace("release: v1.4.1", "release: v1.4.2");

    String reason = reason(verifier.verifyResponse(subject(), edited, signers, NOW));

    assertTrue(reason.startsWith("bad signature: ssh-ed25519 key "), reason);
    assertTrue(
        reason.endsWith(
            " (alice@example.com) did not sign this statement for devops-worker (ssh-keygen:"
                + " 'Signature verification failed: incorrect signature'); sign with:"
                + " devops-worker approve HITL-007"),
        reason);
  }

  @Test
  void changedDecisionOrComment_failsTheSignature() throws Exception {
    String block = sign(statement(Decision.REJECT, "not before the freeze"), alice).toMarkdown("");

    assertTrue(
        reason(verify(block.replace("decision: reject", "decision: approve")))
            .startsWith("bad signature: "));
    assertTrue(
        reason(verify(block.replace("comment: not before the freeze", "comment: ok after all")))
            .startsWith("bad signature: "));
    assertTrue(
        reason(verify(block.replace("expires: 2026-12-03", "expires: 2026-12-09")))
            .startsWith("bad signature: "));
    assertTrue(verify(block).accepted());
  }

  @Test
  void expiredOrSignedInTheFuture_isRefused() throws Exception {
    SignedBlock block = sign(statement(Decision.APPROVE, ""), alice);

    assertEquals(
        "expired at 2026-12-03T10:15:30Z; sign with: devops-worker approve HITL-007",
        reason(verifier.verify(subject(), block, signers, EXPIRES.plusSeconds(1))));
    assertTrue(verifier.verify(subject(), block, signers, EXPIRES).accepted());
    Instant early = SIGNED.minus(Verifier.SKEW).minusSeconds(1);
    assertEquals(
        "signed at 2026-12-02T10:15:30Z, ahead of this machine's clock ("
            + early
            + "); sign with: devops-worker approve HITL-007",
        reason(verifier.verify(subject(), block, signers, early)));
    assertTrue(verifier.verify(subject(), block, signers, early.plusSeconds(1)).accepted());
  }

  @Test
  void signatureForAnotherNamespace_isRefused() throws Exception {
    Statement s = statement(Decision.APPROVE, "");
    SignedBlock block = new SignedBlock(s, ssh.signDirectly(s, alice, "file"));

    assertEquals(
        "signed for namespace 'file', not 'devops-worker'; sign with: devops-worker approve"
            + " HITL-007",
        reason(verifier.verify(subject(), block, signers, NOW)));
  }

  @Test
  void keyAllowedOnlyForAnotherNamespace_isRefusedByVerifyAfterFindPrincipalsNamedIt()
      throws Exception {
    AllowedSigners gitOnly =
        ssh.signers("alice@example.com namespaces=\"git\" " + ssh.publicKey(alice));

    String reason =
        reason(
            verifier.verify(subject(), sign(statement(Decision.APPROVE, ""), alice), gitOnly, NOW));

    assertTrue(reason.startsWith("bad signature: ssh-ed25519 key "), reason);
    assertTrue(
        reason.contains(
            "(alice@example.com) did not sign this statement for devops-worker (ssh-keygen: '"
                + gitOnly.path()
                + ":1: key is not permitted for use in signature namespace \"devops-worker\""),
        reason);
  }

  @Test
  void keyPastItsValidBeforeDate_isUnknown() throws Exception {
    AllowedSigners expired =
        ssh.signers("alice@example.com valid-before=\"20261201\" " + ssh.publicKey(alice));

    String reason =
        reason(
            verifier.verify(subject(), sign(statement(Decision.APPROVE, ""), alice), expired, NOW));

    assertTrue(reason.startsWith("unknown signer: "), reason);
    assertTrue(reason.contains(expired.path() + ":1: key has expired"), reason);
  }

  @Test
  void oneKeyForManyPrincipals_isVerifiedAsTheFirstThatVerifies() throws Exception {
    AllowedSigners shared =
        ssh.signers(
            "ops@example.com,alice@example.com namespaces=\"devops-worker\" "
                + ssh.publicKey(alice));

    Verification v =
        verifier.verify(subject(), sign(statement(Decision.APPROVE, ""), alice), shared, NOW);

    assertEquals("ops@example.com", assertInstanceOf(Verification.Verified.class, v).principal());
  }

  @Test
  void unsignedOrGarbageResponse_isRefusedWithTheCommandToSign() throws Exception {
    assertEquals(
        "unsigned: no ```devops-worker-signature block; sign with: devops-worker"
            + " approve|reject|retry HITL-007",
        reason(verifier.verifyResponse(subject(), "approve", signers, NOW)));
    assertEquals(
        "unreadable signature block, line 2: expected 'devops-worker statement v1', found"
            + " 'approved!!'; sign with: devops-worker approve|reject|retry HITL-007",
        reason(
            verifier.verifyResponse(
                subject(), "```devops-worker-signature\napproved!!\n```\n", signers, NOW)));
  }

  @Test
  void agentKey_signsThroughARealAgent() throws Exception {
    Path carol = ssh.key("carol");
    AllowedSigners withCarol = ssh.signers(ssh.signer("carol@example.com", carol));
    try (SshFixture.Agent agent = ssh.new Agent()) {
      agent.add(carol);
      // Only the agent can sign now.
      Files.delete(carol);
      SigningKey key = SigningKey.resolve(null, agent.env());

      SignedBlock block =
          Signer.withoutTerminal(agent.env()).sign(statement(Decision.APPROVE, ""), key);

      assertEquals("ssh-agent", key.origin());
      assertEquals(
          "carol@example.com",
          assertInstanceOf(
                  Verification.Verified.class, verifier.verify(subject(), block, withCarol, NOW))
              .principal());
    }
  }

  @Test
  void agentKey_agentGone_failsWithSshKeygensReason() throws Exception {
    Path carol = ssh.key("carol");
    SigningKey key = new SigningKey(null, ssh.publicKey(carol), "ssh-agent");
    ssh.env.put("SSH_AUTH_SOCK", dir.resolve("gone.sock").toString());

    SigningException e =
        assertThrows(
            SigningException.class,
            () -> Signer.withoutTerminal(ssh.env).sign(statement(Decision.APPROVE, ""), key));

    assertTrue(
        e.getMessage()
            .startsWith("ssh-keygen could not sign with the ssh-agent key ssh-ed25519 SHA256:"),
        e.getMessage());
  }

  @Test
  void passphraseKeyWithoutTerminal_failsInsteadOfWaiting() throws Exception {
    Path carol = ssh.key("carol", "a passphrase nobody types");

    SigningException e =
        assertThrows(
            SigningException.class,
            () ->
                new Signer(new SshTool(ssh.env, Duration.ofMinutes(10), false))
                    .sign(
                        statement(Decision.APPROVE, ""),
                        SigningKey.resolve(carol.toString(), ssh.env)));

    assertTrue(
        e.getMessage().startsWith("ssh-keygen could not sign with " + carol), e.getMessage());
    assertTrue(e.getMessage().contains("incorrect passphrase"), e.getMessage());
  }

  @Test
  void withoutTerminal_neverAsksAnAskpassProgramEither() throws Exception {
    Path carol = ssh.key("carol", "typed-by-askpass");
    Path askpass = dir.resolve("askpass");
    Files.writeString(askpass, "#!/bin/sh\necho typed-by-askpass\n");
    Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
    ssh.env.put("SSH_ASKPASS", askpass.toString());
    ssh.env.put("SSH_ASKPASS_REQUIRE", "force");
    ssh.env.put("DISPLAY", ":0");

    SigningException e =
        assertThrows(SigningException.class, () -> sign(statement(Decision.APPROVE, ""), carol));

    assertTrue(e.getMessage().contains("incorrect passphrase"), e.getMessage());
  }

  private SignedBlock sign(Statement statement, Path key) throws Exception {
    return Signer.withoutTerminal(ssh.env)
        .sign(statement, SigningKey.resolve(key.toString(), ssh.env));
  }

  private Verification verify(String response) throws InterruptedException {
    return verifier.verifyResponse(subject(), response, signers, NOW);
  }

  private Verification check(Subject expected, SignedBlock block) throws InterruptedException {
    return verifier.verify(expected, block, signers, NOW);
  }

  private static Subject other(
      String request, String task, String environment, String release, String digest) {
    return Subject.decision(request, task, environment, release, digest);
  }

  private static String reason(Verification v) {
    return assertInstanceOf(Verification.Refused.class, v).reason();
  }
}
