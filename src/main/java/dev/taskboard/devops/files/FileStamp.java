package dev.taskboard.devops.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * One version of a file as the worker knows it: identity, size, modification time and, once its
 * bytes were read, their CRC32C. Two stamps tell whether a writer replaced or rewrote the file: the
 * one "did this file change?" value of the worker.
 */
public record FileStamp(Object fileKey, long size, long modifiedNanos, long crc32c) {
  /** The checksum of a version whose bytes were not read (CRC32C values are 32-bit). */
  public static final long NO_CHECKSUM = -1;

  /** The attributes of {@code file} (following symlinks), without reading its bytes. */
  public static FileStamp attributesOf(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    var t = a.lastModifiedTime().toInstant();
    return new FileStamp(
        a.fileKey(), a.size(), t.getEpochSecond() * 1_000_000_000L + t.getNano(), NO_CHECKSUM);
  }

  /** The attributes of {@code file}, or empty when there is no such file. */
  public static Optional<FileStamp> ifExists(Path file) throws IOException {
    try {
      return Optional.of(attributesOf(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** The attributes and the checksum of every byte of {@code file}. */
  static FileStamp read(Path file) throws IOException {
    FileStamp attributes = attributesOf(file);
    CRC32C crc = new CRC32C();
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      while (in.read(buffer.clear()) >= 0) {
        crc.update(buffer.flip());
      }
    }
    return attributes.withChecksum(crc.getValue());
  }

  public FileStamp withChecksum(long checksum) {
    return new FileStamp(fileKey, size, modifiedNanos, checksum);
  }

  /** The same attributes: identity, size and modification time. */
  public boolean sameAttributes(FileStamp other) {
    return Objects.equals(fileKey, other.fileKey)
        && size == other.size
        && modifiedNanos == other.modifiedNanos;
  }

  /** The same version: same attributes and same checksum. */
  public boolean sameVersionAs(FileStamp other) {
    return sameAttributes(other) && crc32c == other.crc32c;
  }
}
