package dev.taskboard.devops.runbook;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.apache.commons.io.file.PathUtils;

/**
 * The task's payload as a file for one step ({@code TASK_PAYLOAD_FILE}): readable by the worker's
 * user only, in a directory of its own, removed when the step ends.
 */
final class PayloadFile implements Closeable {
  private static final FileAttribute<?> PRIVATE_DIR =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  private static final FileAttribute<?> PRIVATE_FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private final Path dir;
  private final Path file;

  private PayloadFile(Path dir, Path file) {
    this.dir = dir;
    this.file = file;
  }

  /**
   * Writes {@code json} to {@code payload.json} in a new private directory under {@code parent}.
   */
  static PayloadFile write(Path parent, String json) throws IOException {
    Path dir = privateDirectory(parent);
    Path file = dir.resolve("payload.json");
    try (SeekableByteChannel out = create(file)) {
      ByteBuffer bytes = ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
    } catch (IOException | RuntimeException e) {
      new PayloadFile(dir, file).close();
      throw e;
    }
    return new PayloadFile(dir, file);
  }

  private static Path privateDirectory(Path parent) throws IOException {
    try {
      return Files.createTempDirectory(parent, "payload-", PRIVATE_DIR);
    } catch (UnsupportedOperationException e) {
      return Files.createTempDirectory(parent, "payload-"); // not a POSIX file system
    }
  }

  private static SeekableByteChannel create(Path file) throws IOException {
    Set<StandardOpenOption> options =
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      return Files.newByteChannel(file, options, PRIVATE_FILE);
    } catch (UnsupportedOperationException e) {
      return Files.newByteChannel(file, options);
    }
  }

  Path file() {
    return file;
  }

  /** Removes the directory with whatever the step put in it (links are removed, not followed). */
  @Override
  public void close() {
    try {
      PathUtils.deleteDirectory(dir);
    } catch (IOException e) {
      // What is left stays private to the worker's user, beside the step's log.
    }
  }
}
