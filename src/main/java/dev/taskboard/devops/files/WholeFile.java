package dev.taskboard.devops.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** A small shared file read whole: its bytes, and the stamp of the version they are. */
public final class WholeFile implements LockedUpdate.Version {
  private final byte[] bytes;
  private final FileStamp stamp;

  private WholeFile(byte[] bytes, FileStamp stamp) {
    this.bytes = bytes;
    this.stamp = stamp;
  }

  /**
   * Reads {@code file} whole; files over {@code maxBytes} are refused.
   *
   * @throws java.nio.file.NoSuchFileException when it does not exist
   */
  public static WholeFile read(Path file, int maxBytes) throws IOException {
    // Attributes of the path, bytes of the open file: should a rename slip in between, the
    // checksum no longer matches and the final check of a write says so.
    FileStamp attributes = FileStamp.attributesOf(file);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      if (size > maxBytes) {
        throw new FileSystemException(
            file.toString(),
            null,
            String.format(
                "is %.1f MB; files over %.1f MB are refused, shorten it",
                size / 1e6, maxBytes / 1e6));
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) size);
      while (buffer.hasRemaining() && in.read(buffer) >= 0) {
        // reads until full or the file ended early (it shrank: the checksum will say so)
      }
      byte[] bytes = Arrays.copyOf(buffer.array(), buffer.position());
      CRC32C crc = new CRC32C();
      crc.update(bytes);
      return new WholeFile(bytes, attributes.withChecksum(crc.getValue()));
    }
  }

  /** The bytes read; a copy. */
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public FileStamp stamp() {
    return stamp;
  }

  @Override
  public void close() {}
}
