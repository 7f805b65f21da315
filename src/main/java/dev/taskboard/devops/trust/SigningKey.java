package dev.taskboard.devops.trust;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The SSH key a human signs with: a key file (private, or public with the private half in
 * ssh-agent), or a public key whose private half only ssh-agent holds. {@code origin} says where it
 * was found, for messages.
 *
 * <p>Exactly one of {@code file} and {@code agentPublicKey} is set.
 */
public record SigningKey(Path file, String agentPublicKey, String origin) {
  /** The environment variable naming the key when {@code --key} is not given. */
  public static final String ENV = "DEVOPS_WORKER_SIGNING_KEY";

  /** Key files tried last, in this order, under {@code ~/.ssh}. */
  static final List<String> DEFAULT_FILES =
      List.of("id_ed25519", "id_ecdsa", "id_ed25519_sk", "id_ecdsa_sk", "id_rsa");

  /** One public key line: type, base64 blob, optional comment. */
  private static final Pattern PUBLIC_KEY =
      Pattern.compile("[a-z0-9][a-z0-9@.-]*-[a-z0-9@.-]+ [A-Za-z0-9+/]+={0,2}( [^\\p{Cntrl}]*)?");

  /** Bound on asking ssh-agent for its keys. */
  static final Duration AGENT_TIMEOUT = Duration.ofSeconds(10);

  public SigningKey {
    Objects.requireNonNull(origin, "origin == null");
    if ((file == null) == (agentPublicKey == null)) {
      throw new IllegalArgumentException("exactly one of file and agentPublicKey");
    }
    if (agentPublicKey != null && !isPublicKey(agentPublicKey)) {
      throw new IllegalArgumentException("agentPublicKey is not one public key line");
    }
  }

  private static boolean isPublicKey(String line) {
    if (!PUBLIC_KEY.matcher(line).matches()) {
      return false;
    }
    try {
      Base64.getDecoder().decode(line.split(" ")[1]);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Finds the key as {@code git}'s SSH signing would with a key configured, falling back further:
   * {@code explicit} (from {@code --key}), else {@value #ENV}, else the first key ssh-agent lists
   * ({@code ssh-add -L}), else the first of {@code ~/.ssh/id_ed25519}, {@code id_ecdsa}, {@code
   * id_ed25519_sk}, {@code id_ecdsa_sk}, {@code id_rsa} that exists. A given value is a key file
   * ({@code ~/} means the home directory) or, like git's {@code user.signingKey}, a public key
   * literal {@code key::ssh-ed25519 AAAA…} (or starting with {@code ssh-}) held by ssh-agent.
   *
   * @param explicit the {@code --key} value, or null
   * @param environment the environment (HOME, SSH_AUTH_SOCK, {@value #ENV}) of the human's command
   */
  public static SigningKey resolve(String explicit, Map<String, String> environment)
      throws SigningException, InterruptedException {
    SshTool tool = new SshTool(environment, AGENT_TIMEOUT, false);
    if (explicit != null) {
      return given(explicit, "--key", tool);
    }
    Optional<String> fromEnv = tool.env(ENV);
    if (fromEnv.isPresent()) {
      return given(fromEnv.get(), ENV, tool);
    }
    Optional<SigningKey> inAgent = firstAgentKey(tool);
    if (inAgent.isPresent()) {
      return inAgent.get();
    }
    Optional<Path> home = tool.env("HOME").map(Path::of);
    for (String name : DEFAULT_FILES) {
      Optional<Path> file = home.map(h -> h.resolve(".ssh").resolve(name));
      if (file.isPresent() && Files.isRegularFile(file.get())) {
        return new SigningKey(file.get(), null, "~/.ssh/" + name);
      }
    }
    throw new SigningException(
        "no SSH key to sign with: pass --key FILE, set "
            + ENV
            + ", add a key to ssh-agent (ssh-add), or create one (ssh-keygen -t ed25519)");
  }

  /** How messages name this key: its file, or its type and fingerprint, and where it was found. */
  public String describe() {
    if (file != null) {
      return file + " (from " + origin + ")";
    }
    String[] fields = agentPublicKey.split(" ");
    byte[] blob = Base64.getDecoder().decode(fields[1]);
    return "the ssh-agent key "
        + fields[0]
        + " "
        + SshSignature.fingerprint(blob)
        + " (from "
        + origin
        + ")";
  }

  private static SigningKey given(String value, String origin, SshTool tool)
      throws SigningException {
    Optional<String> literal = literal(value);
    if (literal.isPresent()) {
      if (!isPublicKey(literal.get())) {
        throw new SigningException("the key given by " + origin + " is not a public key line");
      }
      return new SigningKey(null, literal.get(), origin);
    }
    Path file = expandHome(value, tool);
    if (!Files.isRegularFile(file)) {
      throw new SigningException("no key file " + file + " (given by " + origin + ")");
    }
    return new SigningKey(file, null, origin);
  }

  /** A public key literal as git's {@code user.signingKey} accepts it. */
  private static Optional<String> literal(String value) {
    if (value.startsWith("key::")) {
      return Optional.of(value.substring("key::".length()).strip());
    }
    return value.startsWith("ssh-") ? Optional.of(value.strip()) : Optional.empty();
  }

  private static Path expandHome(String value, SshTool tool) throws SigningException {
    if (!value.startsWith("~/")) {
      return Path.of(value);
    }
    String home =
        tool.env("HOME")
            .orElseThrow(
                () -> new SigningException("HOME is not set, so " + value + " has no home"));
    return Path.of(home).resolve(value.substring(2));
  }

  /** The first key {@code ssh-add -L} lists; none when there is no agent or it holds no key. */
  private static Optional<SigningKey> firstAgentKey(SshTool tool)
      throws SigningException, InterruptedException {
    if (tool.env("SSH_AUTH_SOCK").isEmpty()) {
      return Optional.empty();
    }
    SshTool.Result listed;
    try (PrivateDir dir = PrivateDir.create()) {
      listed = tool.run(dir, List.of("ssh-add", "-L"), null);
    } catch (IOException e) {
      throw new SigningException("cannot run ssh-add -L: " + e.getMessage());
    }
    // Exit code 1: the agent holds no key; 2: no agent answers at SSH_AUTH_SOCK.
    if (!listed.ok()) {
      return Optional.empty();
    }
    return listed
        .stdout()
        .lines()
        .map(String::strip)
        .filter(SigningKey::isPublicKey)
        .findFirst()
        .map(line -> new SigningKey(null, line, "ssh-agent"));
  }
}
