package dev.taskboard.devops.board;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * What the worker knows of a file version it read: identity, size, modification time and checksum.
 * Comparing two tells whether a writer that ignores the lock replaced or rewrote it.
 */
record FileState(Object fileKey, long size, long modifiedNanos, long crc32c) {
  /**
   * One read buffer per thread, direct so that the channel reads into it without a copy and CRC32C
   * runs over it intrinsified. Allocated once: direct memory is freed only by a GC, and a fresh
   * megabyte per check makes the JVM force collections when that memory runs short.
   */
  private static final ThreadLocal<ByteBuffer> BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1 << 20));

  /** The checksum of a version whose bytes were not all read (CRC32C values are 32-bit). */
  static final long NO_CHECKSUM = -1;

  /** The identity part only; the checksum is filled in once the content has been read. */
  static FileState attributesOf(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    return new FileState(a.fileKey(), a.size(), nanos(a), NO_CHECKSUM);
  }

  static FileState of(Path file) throws IOException {
    return pieces(file, new long[0]).state();
  }

  /**
   * The version on disk now with its checksum, and the checksum of each piece between {@code cuts}
   * (ascending offsets): piece i runs from {@code cuts[i - 1]} (or 0) to {@code cuts[i]} (or the
   * end of the file). One read.
   */
  static Pieces pieces(Path file, long[] cuts) throws IOException {
    FileState attributes = attributesOf(file);
    long[] crcs = new long[cuts.length + 1];
    long[] lengths = new long[cuts.length + 1];
    ByteBuffer buffer = BUFFER.get().clear();
    CRC32C crc = new CRC32C();
    int piece = 0;
    long position = 0;
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      while (in.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          long pieceEnd = piece < cuts.length ? cuts[piece] : Long.MAX_VALUE;
          int take = (int) Math.min(buffer.remaining(), pieceEnd - position);
          ByteBuffer slice = buffer.slice().limit(take);
          crc.update(slice);
          buffer.position(buffer.position() + take);
          position += take;
          lengths[piece] += take;
          if (position == pieceEnd) {
            crcs[piece++] = crc.getValue();
            crc.reset();
          }
        }
        buffer.clear();
      }
    }
    while (piece <= cuts.length) {
      crcs[piece++] = crc.getValue(); // the pieces the file ended in or before
      crc.reset();
    }
    long whole = crcs[0];
    for (int i = 1; i < crcs.length; i++) {
      whole = Crc32c.combine(whole, crcs[i], lengths[i]);
    }
    return new Pieces(attributes.withChecksum(whole), crcs, lengths);
  }

  /** A version's state and the checksums and lengths of its pieces. */
  record Pieces(FileState state, long[] crcs, long[] lengths) {}

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
