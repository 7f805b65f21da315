package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One consistent read of a board: the task array's place, every task's id and span, and the tasks
 * that matched the filter. It keeps the file open, so spans stay readable even if another writer
 * renames a new version over the path meanwhile.
 */
final class Snapshot implements AutoCloseable {
  final Path file;
  final FileChannel channel;
  final FileState state;
  final long arrayOpen;
  final long arrayClose;
  final Slots slots;
  final List<Slot> matches;

  /**
   * Whether this read saw every byte of the version its state describes; false for a layout
   * remembered from an earlier read (see {@link BoardIndex}), which the write protocol's final
   * check must confirm.
   */
  final boolean verified;

  Snapshot(
      Path file,
      FileChannel channel,
      FileState state,
      long arrayOpen,
      long arrayClose,
      Slots slots,
      List<Slot> matches,
      boolean verified) {
    this.file = file;
    this.channel = channel;
    this.state = state;
    this.arrayOpen = arrayOpen;
    this.arrayClose = arrayClose;
    this.slots = slots;
    this.matches = List.copyOf(matches);
    this.verified = verified;
  }

  Optional<Slot> slot(String id) {
    return slots.find(id);
  }

  /** The bytes {@code [start, end)} of the version this snapshot read. */
  byte[] bytes(long start, long end) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(end - start));
    long position = start;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position);
      if (n < 0) {
        throw new BoardException(file, "the file shrank while it was being read; retry");
      }
      position += n;
    }
    return buffer.array();
  }

  byte[] entryBytes(Slot slot) throws IOException {
    if (slot.length() > Json.MAX_ENTRY_BYTES) {
      throw new BoardException(
          file,
          slot.line(),
          slot.column(),
          String.format(
              "task %s is %.1f MB; entries over %d MB are refused to keep memory bounded, shorten it",
              slot.id(), slot.length() / 1e6, Json.MAX_ENTRY_BYTES / (1024 * 1024)));
    }
    return bytes(slot.start(), slot.end());
  }

  JsonNode task(Slot slot) throws IOException {
    return Json.MAPPER.readTree(entryBytes(slot));
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
