package dev.taskboard.devops.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real OpenSSH keys, allowed signers files and agents in a test's temporary directory. Every child
 * process sees only the environment built here: HOME and XDG_CONFIG_HOME in that directory, no
 * SSH_AUTH_SOCK unless a test starts its own agent.
 */
final class SshFixture {
  static final Instant SIGNED = Instant.parse("2026-12-02T10:15:30Z");
  static final Instant EXPIRES = Instant.parse("2026-12-03T10:15:30Z");
  static final Instant NOW = Instant.parse("2026-12-02T11:00:00Z");
  static final String DIGEST =
      "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  final Path dir;
  final Path home;
  final Map<String, String> env = new HashMap<>();

  SshFixture(Path dir) throws IOException {
    this.dir = dir;
    this.home = Files.createDirectories(dir.resolve("home"));
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", home.toString());
    env.put("XDG_CONFIG_HOME", Files.createDirectories(dir.resolve("config")).toString());
  }

  static Subject subject() {
    return Subject.decision("HITL-007", "T-42", "production", "v1.4.2", DIGEST);
  }

  static Statement statement(Decision decision, String comment) {
    return new Statement(subject(), decision, comment, SIGNED, EXPIRES);
  }

  /** A new ed25519 key without passphrase; returns the private key's path. */
  Path key(String name) throws Exception {
    return key(name, "");
  }

  Path key(String name, String passphrase) throws Exception {
    Path key = dir.resolve(name);
    run(
        List.of(
            "ssh-keygen",
            "-q",
            "-t",
            "ed25519",
            "-N",
            passphrase,
            "-C",
            name,
            "-f",
            key.toString()));
    return key;
  }

  String publicKey(Path key) throws IOException {
    return Files.readString(Path.of(key + ".pub")).strip();
  }

  /** An allowed signers line for {@code principal}, restricted to the devops-worker namespace. */
  String signer(String principal, Path key) throws IOException {
    return principal + " namespaces=\"devops-worker\" " + publicKey(key);
  }

  /** The operator's file, mode 600, holding {@code lines}. */
  Path signersFile(String... lines) throws IOException {
    Path file = dir.resolve("allowed_signers");
    Files.writeString(file, String.join("\n", lines) + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  AllowedSigners signers(String... lines) throws IOException {
    return AllowedSigners.load(signersFile(lines)).orElseThrow();
  }

  /** Signs {@code statement}'s bytes with {@code ssh-keygen} directly, for another namespace. */
  String signDirectly(Statement statement, Path key, String namespace) throws Exception {
    Path message = dir.resolve("message-" + namespace);
    Files.write(message, statement.canonicalBytes());
    run(
        List.of(
            "ssh-keygen", "-Y", "sign", "-n", namespace, "-f", key.toString(), message.toString()));
    return Files.readString(Path.of(message + ".sig"));
  }

  /** Runs {@code command} with this fixture's environment and expects it to succeed. */
  void run(List<String> command) throws Exception {
    run(command, env);
  }

  static void run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectInput(Redirect.from(new File("/dev/null")))
            .redirectOutput(Redirect.DISCARD)
            .redirectError(Redirect.DISCARD);
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), command + " did not finish");
    assertEquals(0, p.exitValue(), command + " failed");
  }

  /** A real {@code ssh-agent -D} on a socket in the temporary directory, killed on close. */
  final class Agent implements AutoCloseable {
    final Path socket;
    private final Process process;

    Agent() throws Exception {
      socket = dir.resolve("agent.sock");
      ProcessBuilder pb =
          new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
              .redirectInput(Redirect.from(new File("/dev/null")))
              .redirectError(Redirect.DISCARD);
      pb.environment().clear();
      pb.environment().putAll(env);
      process = pb.start();
      // ssh-agent prints its SSH_AUTH_SOCK line once the socket listens: wait for that, no polling.
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      assertTrue(first != null && first.startsWith("SSH_AUTH_SOCK="), "ssh-agent said " + first);
    }

    Map<String, String> env() {
      Map<String, String> withAgent = new HashMap<>(SshFixture.this.env);
      withAgent.put("SSH_AUTH_SOCK", socket.toString());
      return withAgent;
    }

    void add(Path key) throws Exception {
      run(List.of("ssh-add", "-q", key.toString()), env());
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
