package dev.taskboard.devops.trust;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operator's OpenSSH {@code allowed_signers} file, kept outside the project: who may sign
 * decisions. A loaded value is a snapshot of a file only its owner (the worker's user or root) can
 * change, in a directory others cannot rewrite; load again to see edits.
 */
public final class AllowedSigners {
  /** The environment variable naming the file when none is given. */
  public static final String ENV = "DEVOPS_WORKER_SIGNERS";

  /** A larger file is refused: a real one holds a few lines per human. */
  static final int MAX_BYTES = 1024 * 1024;

  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./@%+=:,-]+");

  private final Path path;
  private final byte[] content;

  private AllowedSigners(Path path, byte[] content) {
    this.path = path;
    this.content = content;
  }

  /**
   * Where the file is: {@code explicit} if not null, else {@value #ENV}, else {@code
   * $XDG_CONFIG_HOME/devops-worker/allowed_signers}, else {@code
   * ~/.config/devops-worker/allowed_signers}.
   */
  public static Path resolve(Path explicit, Map<String, String> environment) {
    if (explicit != null) {
      return explicit;
    }
    String named = environment.get(ENV);
    if (named != null && !named.isEmpty()) {
      return Path.of(named);
    }
    String xdg = environment.get("XDG_CONFIG_HOME");
    // The XDG spec: a relative XDG_CONFIG_HOME is invalid and ignored.
    Path config =
        xdg != null && xdg.startsWith("/") ? Path.of(xdg) : home(environment).resolve(".config");
    return config.resolve("devops-worker").resolve("allowed_signers");
  }

  /**
   * Reads the file at {@code path}; empty when it (or the file its link points to) does not exist.
   *
   * @throws FileSystemException when others than its owner could change it, it is owned by another
   *     user than this process's (or root), or it is not a regular file
   */
  public static Optional<AllowedSigners> load(Path path) throws IOException {
    // Who this process runs as: the owner of what it creates (no passwd lookup needed).
    UserPrincipal self;
    try (PrivateDir probe = PrivateDir.create()) {
      self = Files.getOwner(probe.path());
    }
    return load(path, self);
  }

  static Optional<AllowedSigners> load(Path path, UserPrincipal worker) throws IOException {
    Path real;
    try {
      real = path.toRealPath();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    // A link is judged by its target, and both directories: either could be swapped by others.
    String target = Files.isSymbolicLink(path) ? real.toString() : null;
    UserPrincipal root =
        path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root");
    Set<Path> directories = new LinkedHashSet<>();
    directories.add(path.toAbsolutePath().getParent().toRealPath());
    directories.add(real.getParent());
    for (Path dir : directories) {
      Optional<String> unsafe = unsafe(dir, worker, root, true);
      if (unsafe.isPresent()) {
        throw new FileSystemException(path.toString(), target, "its directory " + unsafe.get());
      }
    }
    if (!Files.isRegularFile(real)) {
      throw new FileSystemException(path.toString(), target, "not a regular file");
    }
    Optional<String> unsafe = unsafe(real, worker, root, false);
    if (unsafe.isPresent()) {
      throw new FileSystemException(path.toString(), target, unsafe.get());
    }
    return Optional.of(new AllowedSigners(path, read(path, real, target)));
  }

  private static byte[] read(Path path, Path real, String target) throws IOException {
    try (InputStream in = Files.newInputStream(real)) {
      byte[] content = in.readNBytes(MAX_BYTES + 1);
      if (content.length > MAX_BYTES) {
        throw new FileSystemException(path.toString(), target, "larger than 1 MiB");
      }
      return content;
    }
  }

  /** The path as resolved (a link stays a link). */
  public Path path() {
    return path;
  }

  /** The one line an operator runs to let a human sign, for a message when there is no file. */
  public static String howToAdd(Path path) {
    String file = shellQuoted(path.toAbsolutePath().toString());
    String dir = shellQuoted(path.toAbsolutePath().getParent().toString());
    return "mkdir -p "
        + dir
        + " && echo \"alice@example.com namespaces=\\\""
        + Statement.NAMESPACE
        + "\\\" $(cat ~/.ssh/id_ed25519.pub)\" >> "
        + file;
  }

  /** The message for a missing file: no human can sign yet, and how to add one. */
  public static String noSigners(Path path) {
    return "no signers configured in " + path + ": add one with: " + howToAdd(path);
  }

  byte[] content() {
    return content.clone();
  }

  /**
   * Why {@code file} is unsafe: owned by someone else than the worker's user or root, or writable
   * by group or others (a directory may be, when sticky, as /tmp is).
   */
  private static Optional<String> unsafe(
      Path file, UserPrincipal worker, UserPrincipal root, boolean directory) throws IOException {
    PosixFileAttributes attributes =
        Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    String subject = directory ? file + " is" : "is";
    UserPrincipal owner = attributes.owner();
    if (!owner.equals(worker) && !owner.equals(root)) {
      return Optional.of(
          String.format(
              "%s owned by %s, not by %s or root: chown %s %s",
              subject,
              owner.getName(),
              worker.getName(),
              worker.getName(),
              shellQuoted(file.toString())));
    }
    Set<PosixFilePermission> permissions = attributes.permissions();
    boolean writable =
        permissions.contains(PosixFilePermission.GROUP_WRITE)
            || permissions.contains(PosixFilePermission.OTHERS_WRITE);
    if (writable && !(directory && sticky(file))) {
      return Optional.of(
          String.format(
              "%s writable by others than its owner (%s): chmod go-w %s",
              subject, PosixFilePermissions.toString(permissions), shellQuoted(file.toString())));
    }
    return Optional.empty();
  }

  /**
   * The sticky bit, which the POSIX view does not show: others cannot rename what they do not own.
   */
  private static boolean sticky(Path dir) throws IOException {
    try {
      return ((Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 01000)
          != 0;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  private static Path home(Map<String, String> environment) {
    String home = environment.get("HOME");
    return Path.of(home != null && !home.isEmpty() ? home : System.getProperty("user.home"));
  }

  static String shellQuoted(String text) {
    return SHELL_SAFE.matcher(text).matches() ? text : "'" + text.replace("'", "'\\''") + "'";
  }
}
