package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * The layout of the last board version this worker read or wrote in full — every task's id, span,
 * line, column and status, the task array's place — persisted in the state dir, so that a change to
 * an unchanged board does not tokenize the whole file again to find one entry.
 *
 * <p>Trust: the layout is used only for the version it was made from — same file identity, size and
 * modification time, and its checksum is the one the write protocol's final check compares the
 * board against before the rename. A board that differs in any byte therefore fails that check (the
 * write is retried on a full scan, the index is dropped) and is never written from the index. The
 * index file carries its own checksum; a torn or foreign file is ignored.
 *
 * <p>After a write the layout is carried forward, not re-read: for the two changes the worker makes
 * — one entry rewritten, one task appended after the last — the spans, lines and columns of the
 * tasks after the splice shift by what the splice added. Any other change drops the index.
 */
final class BoardIndex {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BoardIndex.class);
  private static final int MAGIC = 0x44574958; // "DWIX"
  private static final int FORMAT = 1;
  private static final byte NUMERIC = 1;
  private static final byte TASK_ID_KEY = 2;
  private static final byte HAS_STATUS = 4;

  /**
   * The layout each index file last held in this process: a daemon's next change finds it here
   * instead of decoding the file again. Only used under the board's lock, like the file.
   */
  private static final Map<Path, Layout> RECENT = new ConcurrentHashMap<>();

  private final Path file;
  private final ArrayPath arrayPath;

  private BoardIndex(Path file, ArrayPath arrayPath) {
    this.file = file;
    this.arrayPath = arrayPath;
  }

  /**
   * The index of {@code realBoard} (symlinks resolved) under {@code stateDir}, for its task array
   * at {@code arrayPath}: another array path is another layout, in another file.
   */
  static BoardIndex of(Path stateDir, Path realBoard, ArrayPath arrayPath) {
    String key =
        realBoard.toAbsolutePath() + "\n" + arrayPath.automatic() + "\n" + arrayPath.names();
    String name = realBoard.getFileName() + "-" + Integer.toHexString(key.hashCode()) + ".idx";
    return new BoardIndex(stateDir.resolve("index").resolve(name), arrayPath);
  }

  Path file() {
    return file;
  }

  /**
   * A snapshot of {@code real} laid out from the index, when the index describes the version on
   * disk now (identity, size, modification time); empty otherwise. Its checksum is the indexed one:
   * only the write protocol's final check, which compares it with the bytes on disk, makes it
   * usable for a write.
   */
  Optional<Snapshot> snapshot(Path real) throws IOException {
    // Attributes before opening, as the scanner does: a rename in between fails the final check.
    FileState now;
    try {
      now = FileState.attributesOf(real);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    Layout layout = RECENT.get(file);
    if (layout == null || !layout.describes(now)) {
      layout = load();
      if (layout == null || !layout.describes(now)) {
        return Optional.empty();
      }
      RECENT.put(file, layout);
    }
    FileChannel channel = FileChannel.open(real, StandardOpenOption.READ);
    return Optional.of(
        new Snapshot(
            real,
            channel,
            now.withChecksum(layout.crc32c),
            layout.arrayOpen,
            layout.arrayClose,
            layout.slots,
            List.of(),
            false));
  }

  /** Records the layout of a fully scanned version; best effort (the index is only a cache). */
  void save(Snapshot s) {
    save(new Layout(s.state, s.arrayOpen, s.arrayClose, s.slots));
  }

  /**
   * Remembers the layout of a version a read scanned in full: at once for this process, on file off
   * the caller's time, unless by then the board on disk is another version.
   */
  void remember(Snapshot s) {
    if (s.state.crc32c() == FileState.NO_CHECKSUM) {
      return;
    }
    // The scan's own slots, shared with the reader and the write below: nothing changes them in
    // place (a change carries a copy forward, see follow), so no copy is needed here — a 100 MB
    // board's slots are ~6 MB, and a 64 MB heap feels each one.
    Layout copy = new Layout(s.state, s.arrayOpen, s.arrayClose, s.slots);
    RECENT.put(file, copy);
    Path board = s.file;
    Housekeeping.later(
        () -> {
          try {
            if (copy.describes(FileState.attributesOf(board))) {
              write(copy);
            }
          } catch (IOException e) {
            // the board is gone or unreadable: nothing worth remembering
          }
        });
  }

  /**
   * Carries the layout of {@code before} over {@code splices} to the version {@code written} that
   * was renamed into place, or drops the index when the change is not one it can follow.
   */
  void committed(Snapshot before, List<Splice> splices, FileState written) {
    try {
      Layout next = splices.size() == 1 ? follow(before, splices.get(0), written) : null;
      if (next == null) {
        drop();
      } else {
        save(next);
      }
    } catch (IOException | RuntimeException e) {
      drop(e);
    }
  }

  /** Forgets what this process remembers of every index, as a new process would start (tests). */
  static void forgetInProcess() {
    RECENT.clear();
  }

  /** Forgets the layout: the next change scans the board in full. */
  void drop() {
    RECENT.remove(file);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.debug("{}: cannot remove the board index: {}", file, e.toString());
    }
  }

  private void drop(Exception why) {
    LOG.debug("{}: board index dropped: {}", file, why.toString());
    drop();
  }

  // ------------------------------------------------------------------------------------------
  // carrying a layout over one splice

  /**
   * The layout after {@code splice}: {@code before}'s slots, copied (a reader, the index write or
   * the remembered layout may still be going through them), then moved.
   */
  private Layout follow(Snapshot before, Splice splice, FileState written) throws IOException {
    Slots slots = before.slots.copy();
    if (slots.isEmpty()) {
      return null;
    }
    byte[] text = splice.replacement();
    long delta = text.length - (splice.end() - splice.start());
    Slot last = slots.get(slots.size() - 1);
    if (splice.start() == splice.end() && splice.start() == last.end()) {
      // an append: separator, then the task, whose place follows from where the last one ended
      int brace = indexOf(text, (byte) '{');
      Parsed task = brace < 0 ? null : Parsed.of(text, brace);
      if (task == null) {
        return null;
      }
      Position at = Position.after(end(last, before), text, 0, brace);
      int earlier =
          slots.add(
              task.id,
              task.numericId,
              task.idKey,
              splice.start() + brace,
              splice.start() + text.length,
              at.line,
              at.column,
              task.status);
      if (earlier >= 0) {
        return null;
      }
    } else {
      int index = slots.indexAt(splice.start());
      if (index < 0 || slots.get(index).end() != splice.end()) {
        return null;
      }
      Slot slot = slots.get(index);
      Parsed task = Parsed.of(text, 0);
      if (task == null) {
        return null;
      }
      Position oldEnd = end(slot, before);
      Position newEnd =
          Position.after(new Position(slot.line(), slot.column()), text, 0, text.length);
      if (!slots.replace(
          index, task.id, task.numericId, task.idKey, slot.start() + text.length, task.status)) {
        return null;
      }
      slots.shift(
          index + 1, delta, newEnd.line - oldEnd.line, oldEnd.line, newEnd.column - oldEnd.column);
    }
    return new Layout(written, before.arrayOpen, before.arrayClose + delta, slots);
  }

  /** What the index keeps of a task the worker wrote, read back from its bytes. */
  private record Parsed(String id, boolean numericId, String idKey, String status) {
    /** The task in {@code text} from {@code from} on, or null when it is not one a scan takes. */
    static Parsed of(byte[] text, int from) throws IOException {
      JsonNode task = Json.MAPPER.readTree(Arrays.copyOfRange(text, from, text.length));
      if (task == null || !task.isObject()) {
        return null;
      }
      String idKey = task.has("id") ? "id" : "task_id";
      JsonNode id = task.get(idKey);
      JsonNode status = task.get("status");
      if (id == null
          || !(id.isTextual() || id.isNumber())
          || status != null && !status.isTextual()) {
        return null;
      }
      return new Parsed(id.asText(), id.isNumber(), idKey, status == null ? null : status.asText());
    }
  }

  /** Where the byte just after {@code slot} is: line and (1-based, in bytes) column. */
  private static Position end(Slot slot, Snapshot s) throws IOException {
    byte[] entry = s.bytes(slot.start(), slot.end());
    return Position.after(new Position(slot.line(), slot.column()), entry, 0, entry.length);
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** A line and column as Jackson counts them: CR LF, CR and LF each end a line. */
  private record Position(long line, long column) {
    /** The position of the byte after {@code text[from, to)}, which starts at {@code start}. */
    static Position after(Position start, byte[] text, int from, int to) {
      long line = start.line;
      long column = start.column;
      for (int i = from; i < to; i++) {
        byte b = text[i];
        if (b == '\n' || b == '\r' && (i + 1 >= to || text[i + 1] != '\n')) {
          line++;
          column = 1;
        } else {
          column++;
        }
      }
      return new Position(line, column);
    }
  }

  // ------------------------------------------------------------------------------------------
  // the file

  /**
   * One version's layout. The file key is kept as text: the index outlives the JVM that read it.
   */
  private record Layout(
      String fileKey,
      long size,
      long modifiedNanos,
      long crc32c,
      long arrayOpen,
      long arrayClose,
      Slots slots) {
    Layout(FileState s, long arrayOpen, long arrayClose, Slots slots) {
      this(
          String.valueOf(s.fileKey()),
          s.size(),
          s.modifiedNanos(),
          s.crc32c(),
          arrayOpen,
          arrayClose,
          slots);
    }

    boolean describes(FileState now) {
      return fileKey.equals(String.valueOf(now.fileKey()))
          && size == now.size()
          && modifiedNanos == now.modifiedNanos();
    }
  }

  private void save(Layout layout) {
    if (layout.crc32c == FileState.NO_CHECKSUM) {
      return;
    }
    try {
      // Encoded before anyone else can see the slots: a change carries them forward in place.
      byte[] bytes = encode(layout);
      RECENT.put(file, layout);
      write(bytes);
    } catch (IOException | RuntimeException e) {
      drop(e);
    }
  }

  /** Writes {@code layout} to the index file only; best effort. */
  private void write(Layout layout) {
    try {
      write(encode(layout));
    } catch (IOException | RuntimeException e) {
      LOG.debug("{}: board index not written: {}", file, e.toString());
    }
  }

  private void write(byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
    try {
      Files.write(temp, bytes);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    removeStaleTemps();
  }

  /**
   * Temp files of this index that a process killed while writing it left behind: any over a minute
   * old (a write takes milliseconds; index writes take no lock to tell them apart).
   */
  private void removeStaleTemps() throws IOException {
    String prefix = "." + file.getFileName();
    FileTime minuteAgo = FileTime.from(Instant.now().minusSeconds(60));
    try (DirectoryStream<Path> temps =
        Files.newDirectoryStream(
            file.getParent(),
            p ->
                p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(".tmp"))) {
      for (Path temp : temps) {
        if (Files.getLastModifiedTime(temp).compareTo(minuteAgo) < 0) {
          Files.deleteIfExists(temp);
        }
      }
    }
  }

  /*
   * The format: a header (magic, format, array path, the version's identity, size, mtime and
   * checksum, the array's place, the status names), then per task its id and, as unsigned
   * varints, the gap from the previous task's end, its length, the lines since the previous task
   * and its column; last the CRC32C of all of it. About 20 bytes a task.
   */

  private byte[] encode(Layout layout) throws IOException {
    Encoder out = new Encoder(64 + 24 * layout.slots.size());
    out.writeInt(MAGIC);
    out.writeInt(FORMAT);
    out.writeBoolean(arrayPath.automatic());
    out.writeInt(arrayPath.names().size());
    for (String name : arrayPath.names()) {
      out.writeUTF(name);
    }
    out.writeUTF(layout.fileKey);
    out.writeLong(layout.size);
    out.writeLong(layout.modifiedNanos);
    out.writeLong(layout.crc32c);
    out.writeLong(layout.arrayOpen);
    out.writeLong(layout.arrayClose);
    Slots slots = layout.slots;
    Map<String, Integer> codes = new HashMap<>();
    List<String> statuses = new ArrayList<>();
    for (int i = 0; i < slots.size(); i++) {
      String status = slots.status(i);
      if (status != null && codes.putIfAbsent(status, statuses.size()) == null) {
        statuses.add(status);
      }
    }
    out.writeVarint(statuses.size());
    for (String status : statuses) {
      out.writeText(status);
    }
    out.writeVarint(slots.size());
    long previousEnd = 0;
    long previousLine = 0;
    for (int i = 0; i < slots.size(); i++) { // by column: no Slot record per task
      String status = slots.status(i);
      out.writeText(slots.id(i));
      out.writeByte(
          (slots.numericId(i) ? NUMERIC : 0)
              | (slots.taskIdKey(i) ? TASK_ID_KEY : 0)
              | (status == null ? 0 : HAS_STATUS));
      if (status != null) {
        out.writeVarint(codes.get(status));
      }
      out.writeVarint(slots.start(i) - previousEnd);
      out.writeVarint(slots.end(i) - slots.start(i));
      out.writeVarint(slots.line(i) - previousLine);
      out.writeVarint(slots.column(i));
      previousEnd = slots.end(i);
      previousLine = slots.line(i);
    }
    return out.withChecksum();
  }

  /** The layout on file, or null when there is none, it is torn, or made for another array path. */
  private Layout load() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return null;
    }
    if (bytes.length < 16) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 8);
    if (ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong() != crc.getValue()) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, bytes.length - 8);
    try {
      if (in.getInt() != MAGIC || in.getInt() != FORMAT) {
        return null;
      }
      boolean automatic = in.get() != 0;
      List<String> names = new ArrayList<>();
      for (int n = in.getInt(); n > 0; n--) {
        names.add(readUtf(in));
      }
      if (!new ArrayPath(names, automatic).equals(arrayPath)) {
        return null;
      }
      String fileKey = readUtf(in);
      long size = in.getLong();
      long modified = in.getLong();
      long checksum = in.getLong();
      long arrayOpen = in.getLong();
      long arrayClose = in.getLong();
      String[] statuses = new String[Math.toIntExact(readVarint(in))];
      for (int i = 0; i < statuses.length; i++) {
        statuses[i] = readText(in);
      }
      Slots slots = null;
      long previousEnd = 0;
      long previousLine = 0;
      int count = Math.toIntExact(readVarint(in));
      slots = new Slots(count);
      for (int n = count; n > 0; n--) {
        String id = readText(in);
        byte flags = in.get();
        String status = (flags & HAS_STATUS) != 0 ? statuses[(int) readVarint(in)] : null;
        long start = previousEnd + readVarint(in);
        long end = start + readVarint(in);
        long line = previousLine + readVarint(in);
        long column = readVarint(in);
        int earlier =
            slots.add(
                id,
                (flags & NUMERIC) != 0,
                (flags & TASK_ID_KEY) != 0 ? "task_id" : "id",
                start,
                end,
                line,
                column,
                status);
        if (earlier >= 0) {
          return null;
        }
        previousEnd = end;
        previousLine = line;
      }
      return in.hasRemaining()
          ? null
          : new Layout(fileKey, size, modified, checksum, arrayOpen, arrayClose, slots);
    } catch (RuntimeException torn) {
      return null;
    }
  }

  private static long readVarint(ByteBuffer in) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in.get();
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw new IllegalStateException("varint too long");
  }

  private static String readText(ByteBuffer in) {
    int length = Math.toIntExact(readVarint(in));
    String text = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
    in.position(in.position() + length);
    return text;
  }

  private static String readUtf(ByteBuffer in) {
    int length = Short.toUnsignedInt(in.getShort());
    String text = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
    in.position(in.position() + length);
    return text;
  }

  /** A growable buffer for the index: the whole file is built in memory, then written once. */
  private static final class Encoder {
    private byte[] bytes;
    private int size;

    Encoder(int capacity) {
      bytes = new byte[capacity];
    }

    void writeByte(int b) {
      if (size == bytes.length) {
        bytes = Arrays.copyOf(bytes, bytes.length * 2);
      }
      bytes[size++] = (byte) b;
    }

    void write(byte[] b) {
      if (size + b.length > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + b.length));
      }
      System.arraycopy(b, 0, bytes, size, b.length);
      size += b.length;
    }

    void writeBoolean(boolean b) {
      writeByte(b ? 1 : 0);
    }

    void writeInt(int v) {
      writeLong32(v);
    }

    void writeLong(long v) {
      writeLong32((int) (v >>> 32));
      writeLong32((int) v);
    }

    private void writeLong32(int v) {
      writeByte(v >>> 24);
      writeByte(v >>> 16);
      writeByte(v >>> 8);
      writeByte(v);
    }

    /** A 2-byte length, then the UTF-8 bytes (see readUtf). */
    void writeUTF(String text) throws IOException {
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      if (utf8.length > 0xffff) {
        throw new IOException("too long to index: " + text.length() + " characters");
      }
      writeByte(utf8.length >>> 8);
      writeByte(utf8.length);
      write(utf8);
    }

    void writeVarint(long value) throws IOException {
      if (value < 0) {
        throw new IOException("a negative distance cannot be indexed: " + value);
      }
      while (value >= 0x80) {
        writeByte((int) (value & 0x7f) | 0x80);
        value >>>= 7;
      }
      writeByte((int) value);
    }

    void writeText(String text) throws IOException {
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      writeVarint(utf8.length);
      write(utf8);
    }

    /** The bytes written, followed by their CRC32C. */
    byte[] withChecksum() {
      CRC32C crc = new CRC32C();
      crc.update(bytes, 0, size);
      writeLong(crc.getValue());
      return Arrays.copyOf(bytes, size);
    }
  }
}
