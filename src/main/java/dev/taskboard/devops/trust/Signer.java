package dev.taskboard.devops.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Signs a {@link Statement} with a human's SSH key by running {@code ssh-keygen -Y sign -n
 * devops-worker}, and returns the block to write under the request's Human Response.
 */
public final class Signer {
  /** Bound on signing when a human may be typing a passphrase. */
  static final Duration TERMINAL_TIMEOUT = Duration.ofMinutes(5);

  /** Bound on signing with nobody to type a passphrase: only an unlocked key can sign. */
  static final Duration BATCH_TIMEOUT = Duration.ofSeconds(30);

  private final SshTool tool;

  Signer(SshTool tool) {
    this.tool = tool;
  }

  /**
   * A signer for the human's own command: ssh-keygen may ask for the key's passphrase on this
   * process's terminal.
   *
   * @param environment the environment of ssh-keygen (HOME, SSH_AUTH_SOCK, PATH)
   */
  public static Signer onTerminal(Map<String, String> environment) {
    return new Signer(new SshTool(environment, TERMINAL_TIMEOUT, true));
  }

  /**
   * A signer that never prompts: a key that needs a passphrase and is not in ssh-agent fails at
   * once instead of waiting.
   */
  public static Signer withoutTerminal(Map<String, String> environment) {
    return new Signer(new SshTool(environment, BATCH_TIMEOUT, false));
  }

  /**
   * Signs {@code statement}'s canonical bytes with {@code key}.
   *
   * @throws SigningException with a one-line reason when ssh-keygen cannot sign
   */
  public SignedBlock sign(Statement statement, SigningKey key)
      throws SigningException, InterruptedException {
    try (PrivateDir dir = PrivateDir.create()) {
      Path message = dir.write("statement", statement.canonicalBytes());
      SshTool.Result signed = tool.run(dir, command(dir, key, message), null);
      Path signature = dir.path().resolve("statement.sig");
      if (!signed.ok() || !Files.isRegularFile(signature)) {
        throw new SigningException(
            "ssh-keygen could not sign with " + key.describe() + ": " + signed.complaint());
      }
      return new SignedBlock(statement, Files.readString(signature));
    } catch (IOException e) {
      throw new SigningException("cannot sign: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new SigningException("ssh-keygen wrote no usable signature: " + e.getMessage());
    }
  }

  private static List<String> command(PrivateDir dir, SigningKey key, Path message)
      throws IOException {
    List<String> command =
        new ArrayList<>(List.of("ssh-keygen", "-Y", "sign", "-n", Statement.NAMESPACE, "-f"));
    if (key.file() != null) {
      command.add(key.file().toAbsolutePath().toString());
    } else {
      // As git does for a key literal: the public half in a file, -U to sign through ssh-agent.
      byte[] publicKey = (key.agentPublicKey() + "\n").getBytes(StandardCharsets.UTF_8);
      command.add(dir.write("agent-key.pub", publicKey).toString());
      command.add("-U");
    }
    command.add(message.toString());
    return command;
  }
}
