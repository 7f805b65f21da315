package dev.taskboard.devops.worker;

import dev.taskboard.devops.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Where the worker keeps what is its own, outside the project tree the agents write: its state
 * (journal, logs) under {@code $XDG_STATE_HOME/devops-worker/<board id>/}, its instance lock under
 * {@code $XDG_RUNTIME_DIR/devops-worker/} — each falling back as the XDG base directory spec says.
 * (The operator's allowed signers are under {@code $XDG_CONFIG_HOME}: see {@code AllowedSigners}.)
 */
public record Locations(Path stateHome, Path runtimeDir) {
  private static final String APP = "devops-worker";

  /** The locations the environment {@code env} names (HOME, XDG_*). */
  public static Locations of(Map<String, String> env) {
    Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
    Path state = xdg(env, "XDG_STATE_HOME", home.resolve(".local/state"));
    String runtime = env.get("XDG_RUNTIME_DIR");
    Path run =
        runtime != null && Path.of(runtime).isAbsolute()
            ? Path.of(runtime)
            : Path.of(System.getProperty("java.io.tmpdir"), APP + "-" + userName(env));
    return new Locations(state.resolve(APP), run.resolve(APP));
  }

  /** The spec's rule: a relative or empty value is ignored. */
  private static Path xdg(Map<String, String> env, String name, Path fallback) {
    String value = env.get(name);
    return value != null && !value.isBlank() && Path.of(value).isAbsolute()
        ? Path.of(value)
        : fallback;
  }

  private static String userName(Map<String, String> env) {
    String user = env.getOrDefault("USER", System.getProperty("user.name", "user"));
    return user.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /**
   * The state directory of the board {@code board}: named after the project directory and a hash of
   * the board's real path, so two boards never share one and a symlinked path is the same board.
   */
  public Path stateDirFor(Path board) {
    Path real = real(board);
    Path parent = real.getParent();
    Path project = parent == null ? null : parent.getParent();
    String name =
        project == null || project.getFileName() == null
            ? "board"
            : project.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
    if (name.startsWith(".")) {
      name = "_" + name.substring(1);
    }
    return stateHome.resolve(name + "-" + hash(real).substring(0, 12));
  }

  /** The instance lock of the board {@code board}: one per real path, whatever the state dir. */
  public Path lockFileFor(Path board) {
    return runtimeDir.resolve(hash(real(board)) + ".lock");
  }

  /** The board's real path; its absolute one while it (or its directory) does not exist yet. */
  private static Path real(Path board) {
    try {
      return AtomicFiles.realPath(board);
    } catch (IOException notThereYet) {
      return board.toAbsolutePath().normalize();
    }
  }

  static String hash(Path real) {
    return sha256(real.toString());
  }

  /** The hex SHA-256 of {@code text}'s UTF-8 bytes. */
  static String sha256(String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Creates {@code dir} (and its parents) readable by this user only when it is new. */
  static void createPrivate(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Files.createDirectories(dir);
    try {
      Files.setPosixFilePermissions(
          dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException notPosix) {
      // Not a POSIX file system: the directory keeps the default access.
    }
  }
}
