package dev.taskboard.devops.board;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.files.FileStamp;
import dev.taskboard.devops.files.LockedUpdate;
import dev.taskboard.devops.task.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One consistent read of a board: its task arrays, every task's id and span, and the tasks that
 * matched. It keeps the file open, so spans stay readable even if another writer renames a new
 * version over the path meanwhile.
 */
record Snapshot(
    Path file,
    FileChannel channel,
    FileStamp stamp,
    List<long[]> arrays, // [open, close] offsets of each task array
    List<Slot> slots,
    Map<String, Integer> byId,
    List<Slot> matches)
    implements LockedUpdate.Version {
  /** Largest task entry the worker materializes; memory is bounded by this, not by the board. */
  static final int MAX_ENTRY_BYTES = 16 * 1024 * 1024;

  Snapshot {
    arrays = List.copyOf(arrays);
    slots = List.copyOf(slots);
    byId = Map.copyOf(byId);
    matches = List.copyOf(matches);
  }

  Optional<Slot> slot(String id) {
    Integer index = byId.get(id);
    return index == null ? Optional.empty() : Optional.of(slots.get(index));
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

  /**
   * The entry's bytes.
   *
   * @throws RefusedTaskException when it is over the entry limit: that task alone is refused
   */
  byte[] entryBytes(Slot slot) throws IOException {
    if (slot.length() > MAX_ENTRY_BYTES) {
      throw new RefusedTaskException(
          file,
          slot.id(),
          slot.line(),
          slot.column(),
          String.format(
              Locale.ROOT,
              "task %s is %.1f MB; entries over %d MB are refused to keep memory bounded, shorten"
                  + " it",
              slot.id(),
              slot.length() / 1e6,
              MAX_ENTRY_BYTES / (1024 * 1024)));
    }
    return bytes(slot.start(), slot.end());
  }

  /**
   * The entry, parsed from the version scanned. A writer that ignores the lock and rewrites the
   * file in place (the same inode) after the scan leaves other bytes in the span: that reads as a
   * board that changed under the read — a {@link BoardException} the caller waits out like a
   * half-written board — never as a parse error or as whatever value the span holds now.
   */
  JsonNode task(Slot slot) throws IOException {
    byte[] bytes = entryBytes(slot);
    try {
      JsonNode node = Json.MAPPER.readTree(bytes);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (JsonProcessingException changed) {
      // the span no longer holds the entry scanned
    }
    throw new BoardException(
        file, "was rewritten in place by another writer while it was being read; retry");
  }

  Task taskAt(Slot slot) throws IOException {
    return new Task(slot.id(), slot.index(), slot.line(), slot.column(), task(slot));
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
