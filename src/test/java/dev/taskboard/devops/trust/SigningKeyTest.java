package dev.taskboard.devops.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SigningKeyTest {
  @TempDir Path dir;

  private SshFixture ssh;

  @BeforeEach
  void fixture() throws Exception {
    ssh = new SshFixture(dir);
  }

  @Test
  void resolve_givenFile_winsOverEverythingElse() throws Exception {
    Path alice = ssh.key("alice");
    ssh.env.put(SigningKey.ENV, ssh.key("bob").toString());

    SigningKey key = SigningKey.resolve(alice.toString(), ssh.env);

    assertEquals(alice, key.file());
    assertEquals("--key", key.origin());
  }

  @Test
  void resolve_givenFileMissing_saysSo() {
    SigningException e =
        assertThrows(SigningException.class, () -> SigningKey.resolve("/no/such/key", ssh.env));

    assertEquals("no key file /no/such/key (given by --key)", e.getMessage());
  }

  @Test
  void resolve_environmentVariable_withHomeExpanded() throws Exception {
    Path key = ssh.key("alice");
    Files.createDirectories(ssh.home.resolve("keys"));
    Files.move(key, ssh.home.resolve("keys/alice"));
    ssh.env.put(SigningKey.ENV, "~/keys/alice");

    SigningKey resolved = SigningKey.resolve(null, ssh.env);

    assertEquals(ssh.home.resolve("keys/alice"), resolved.file());
    assertEquals(SigningKey.ENV, resolved.origin());
  }

  @Test
  void resolve_publicKeyLiteral_isSignedThroughTheAgent() throws Exception {
    String pub = ssh.publicKey(ssh.key("alice"));
    ssh.env.put(SigningKey.ENV, "key::" + pub);

    SigningKey key = SigningKey.resolve(null, ssh.env);

    assertNull(key.file());
    assertEquals(pub, key.agentPublicKey());
    assertEquals(pub, SigningKey.resolve(pub, ssh.env).agentPublicKey());
  }

  @Test
  void resolve_noKeyGiven_takesTheAgentsFirstKey() throws Exception {
    Path alice = ssh.key("alice");
    Files.createDirectories(ssh.home.resolve(".ssh"));
    ssh.key("ignored");
    Files.move(dir.resolve("ignored"), ssh.home.resolve(".ssh/id_ed25519"));
    try (SshFixture.Agent agent = ssh.new Agent()) {
      agent.add(alice);

      SigningKey key = SigningKey.resolve(null, agent.env());

      assertEquals(ssh.publicKey(alice), key.agentPublicKey());
      assertEquals("ssh-agent", key.origin());
    }
  }

  @Test
  void resolve_emptyAgent_fallsBackToTheDefaultKeyFiles() throws Exception {
    Files.createDirectories(ssh.home.resolve(".ssh"));
    ssh.key("rsa-named");
    Files.move(dir.resolve("rsa-named"), ssh.home.resolve(".ssh/id_rsa"));
    ssh.key("ecdsa-named");
    Files.move(dir.resolve("ecdsa-named"), ssh.home.resolve(".ssh/id_ecdsa"));
    try (SshFixture.Agent agent = ssh.new Agent()) {
      SigningKey key = SigningKey.resolve(null, agent.env());

      assertEquals(ssh.home.resolve(".ssh/id_ecdsa"), key.file());
      assertEquals("~/.ssh/id_ecdsa", key.origin());
    }
  }

  @Test
  void resolve_agentSocketWithoutAgent_fallsBackToTheDefaultKeyFiles() throws Exception {
    Files.createDirectories(ssh.home.resolve(".ssh"));
    ssh.key("default");
    Files.move(dir.resolve("default"), ssh.home.resolve(".ssh/id_ed25519"));
    ssh.env.put("SSH_AUTH_SOCK", dir.resolve("no-agent.sock").toString());

    assertEquals(ssh.home.resolve(".ssh/id_ed25519"), SigningKey.resolve(null, ssh.env).file());
  }

  @Test
  void resolve_nothingAnywhere_saysEveryWayToGiveAKey() {
    SigningException e =
        assertThrows(SigningException.class, () -> SigningKey.resolve(null, ssh.env));

    assertEquals(
        "no SSH key to sign with: pass --key FILE, set DEVOPS_WORKER_SIGNING_KEY, add a key to"
            + " ssh-agent (ssh-add), or create one (ssh-keygen -t ed25519)",
        e.getMessage());
  }

  @Test
  void resolve_literalThatIsNoKey_isRefused() {
    ssh.env.put(SigningKey.ENV, "key::not a key");

    SigningException e =
        assertThrows(SigningException.class, () -> SigningKey.resolve(null, ssh.env));

    assertEquals(
        "the key given by DEVOPS_WORKER_SIGNING_KEY is not a public key line", e.getMessage());
  }
}
