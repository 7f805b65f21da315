package dev.taskboard.devops.board;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import org.apache.commons.io.IOUtils;

/**
 * What the worker knows of a file version it read: identity, size, modification time and checksum.
 * Comparing two tells whether a writer that ignores the lock replaced or rewrote it.
 */
record FileState(Object fileKey, long size, long modifiedNanos, long crc32c) {

  /** The identity part only; the checksum is filled in once the content has been read. */
  static FileState attributesOf(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    return new FileState(a.fileKey(), a.size(), nanos(a), 0);
  }

  static FileState of(Path file) throws IOException {
    FileState attributes = attributesOf(file);
    CRC32C crc = new CRC32C();
    try (InputStream in = new CheckedInputStream(Files.newInputStream(file), crc)) {
      IOUtils.consume(in);
    }
    return attributes.withChecksum(crc.getValue());
  }

  FileState withChecksum(long checksum) {
    return new FileState(fileKey, size, modifiedNanos, checksum);
  }

  /** Same version: cheap attributes first, then the checksum. */
  boolean sameVersionAs(FileState other) {
    return Objects.equals(fileKey, other.fileKey)
        && size == other.size
        && modifiedNanos == other.modifiedNanos
        && crc32c == other.crc32c;
  }

  private static long nanos(BasicFileAttributes a) {
    var t = a.lastModifiedTime().toInstant();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
