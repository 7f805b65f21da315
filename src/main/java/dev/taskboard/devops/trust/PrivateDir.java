package dev.taskboard.devops.trust;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A temporary directory only this user can enter, for the files ssh-keygen reads and writes
 * (statement, signature, signers copy, agent public key); removed with everything in it on close.
 */
final class PrivateDir implements AutoCloseable {
  private final Path path;
  private boolean closed;

  private PrivateDir(Path path) {
    this.path = path;
  }

  static PrivateDir create() throws IOException {
    return create(Path.of(System.getProperty("java.io.tmpdir")));
  }

  static PrivateDir create(Path parent) throws IOException {
    return new PrivateDir(
        Files.createTempDirectory(
            parent,
            "devops-worker-trust-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
  }

  Path path() {
    return path;
  }

  /** A new file {@code name} holding {@code bytes}, readable by this user only. */
  Path write(String name, byte[] bytes) throws IOException {
    Path file =
        Files.createFile(
            path.resolve(name),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(file, bytes, StandardOpenOption.TRUNCATE_EXISTING);
    return file;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    List<Path> all;
    try (Stream<Path> walk = Files.walk(path)) {
      all = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : all) {
      Files.deleteIfExists(p);
    }
  }
}
