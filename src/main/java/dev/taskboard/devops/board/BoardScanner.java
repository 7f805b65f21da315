package dev.taskboard.devops.board;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import org.apache.commons.io.IOUtils;
import org.apache.commons.io.input.CloseShieldInputStream;

/**
 * One streaming pass over a board: finds the task array, records every task's id and byte span,
 * checks ids are present and unique, and evaluates the filter on a projection of each task. Memory
 * grows with the number of tasks (an id and a span each), never with their size.
 */
final class BoardScanner {
  /**
   * Boards from this size on are read by two threads when there are two processors: the second half
   * from a task boundary near the middle, the first half up to it. Tests lower it; so does the
   * system property {@code devops.board.splitFrom} (bytes), for the torture harnesses.
   */
  static final long SPLIT_FROM_BYTES = Long.getLong("devops.board.splitFrom", 8L << 20);

  static volatile long splitFrom = SPLIT_FROM_BYTES;

  /**
   * Tests: the first half waits at each task until the second half has chosen its start, so that
   * whether the halves meet does not depend on which thread ran first.
   */
  static volatile boolean waitForSplitPoint;

  /** Whether the last scan in this JVM took a second half's tasks (tests, one thread). */
  static boolean lastScanWasSplit;

  static final ExecutorService SECOND_HALVES =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "board-scan-second-half");
            t.setDaemon(true);
            return t;
          });
  private final Path file;
  private final ArrayPath arrayPath;
  private final TaskFilter filter; // null: select nothing, only lay out the board
  private final Set<String> alsoIds; // tasks selected by id whatever the filter says

  private final Slots slots = new Slots();
  private final List<Slot> matches = new ArrayList<>();
  private final Map<String, String> statusNames = new HashMap<>(); // one String per status
  private final Verdicts verdicts;
  private long arrayOpen = -1;
  private long arrayClose = -1;

  // A second-half scan reads the bytes up to the task array's '[' and then those from its split
  // point on: its offsets past that '[' are moved back to the file's.
  private long movedAfter = Long.MAX_VALUE;
  private long moved;
  private Split split; // the split this scan may meet (first half) or serves (second half)
  private JsonLocation firstTask; // where a second-half scan found its first task

  private BoardScanner(Path file, ArrayPath arrayPath, TaskFilter filter, Set<String> alsoIds) {
    this.file = file;
    this.arrayPath = arrayPath;
    this.filter = filter;
    this.alsoIds = alsoIds;
    this.verdicts = filter == null ? null : new Verdicts(filter);
  }

  /** Reads {@code file} once; the caller closes the snapshot. */
  static Snapshot scan(Path file, ArrayPath arrayPath, TaskFilter filter) throws IOException {
    return scan(file, arrayPath, filter, Set.of());
  }

  /**
   * Like {@link #scan(Path, ArrayPath, TaskFilter)}, also matching the tasks in {@code alsoIds}.
   */
  static Snapshot scan(Path file, ArrayPath arrayPath, TaskFilter filter, Set<String> alsoIds)
      throws IOException {
    return new BoardScanner(file, arrayPath, filter, alsoIds).scan();
  }

  /** Runs between reading the attributes and opening the file; tests stage a rename there. */
  static volatile java.util.function.Consumer<Path> betweenAttributesAndOpen = file -> {};

  private Snapshot scan() throws IOException {
    // Attributes before opening: if another writer renames a new version in between, they
    // describe the older file, and the check before a write sees the board has changed.
    // The other way round they would describe a file this pass never read.
    FileState attributes = attributes();
    betweenAttributesAndOpen.accept(file);
    FileChannel channel = open();
    lastScanWasSplit = false;
    if (FastScan.enabled) {
      try {
        Snapshot fast = FastScan.scan(file, channel, attributes, arrayPath, verdicts, alsoIds);
        if (fast != null) {
          return fast;
        }
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }
    if (attributes.size() >= splitFrom && Runtime.getRuntime().availableProcessors() > 1) {
      split = new Split(channel, attributes.size());
    }
    try {
      CheckedUpTo in =
          new CheckedUpTo(
              new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024), split);
      if (split != null) {
        split.firstHalf = in;
      }
      // The parser closes its source; the channel must stay open for span reads and copies.
      try (JsonParser parser = Json.MAPPER.createParser(CloseShieldInputStream.wrap(in))) {
        readDocument(parser);
      } catch (Adopted done) {
        lastScanWasSplit = true;
        return snapshot(channel, attributes.withChecksum(split.joinedChecksum));
      } catch (StreamConstraintsException e) {
        throw beyondLimits(e);
      } catch (JsonProcessingException e) {
        throw notJson(e);
      }
      IOUtils.consume(in); // the checksum covers every byte, even trailing whitespace
      return snapshot(channel, attributes.withChecksum(in.checksum()));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    } finally {
      if (split != null) {
        split.cancel();
      }
    }
  }

  private Snapshot snapshot(FileChannel channel, FileState state) {
    return new Snapshot(file, channel, state, arrayOpen, arrayClose, slots, matches, true);
  }

  private FileState attributes() throws IOException {
    if (Files.isDirectory(file)) {
      throw new BoardException(file, "is a directory; point --board at the tasks.json file");
    }
    try {
      return FileState.attributesOf(file);
    } catch (NoSuchFileException e) {
      throw new BoardException(
          file, "does not exist; create it (an empty board is []) or run 'devops-worker init'");
    }
  }

  private FileChannel open() throws IOException {
    if (Files.isDirectory(file)) {
      throw new BoardException(file, "is a directory; point --board at the tasks.json file");
    }
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new BoardException(
          file, "does not exist; create it (an empty board is []) or run 'devops-worker init'");
    } catch (AccessDeniedException e) {
      throw new BoardException(
          file, "cannot be read (permission denied); check its owner and mode");
    }
  }

  private void readDocument(JsonParser p) throws IOException {
    JsonToken first = p.nextToken();
    if (first == null) {
      throw new UnreadableBoardException(
          file, "is empty; an empty board is [] (another writer may be mid-write: retry)");
    }
    if (arrayPath.automatic() ? first == JsonToken.START_ARRAY : arrayPath.names().isEmpty()) {
      if (first != JsonToken.START_ARRAY) {
        throw at(
            p.currentTokenLocation(),
            "the board's top level is not an array; set the task array path (e.g. $.tasks)");
      }
      readTasks(p);
    } else if (first == JsonToken.START_OBJECT) {
      readObject(p, 0);
    } else {
      throw at(
          p.currentTokenLocation(),
          "a board is a JSON array or object, found "
              + describe(first)
              + "; point --board at the task board");
    }
    if (p.nextToken() != null) {
      throw at(
          p.currentTokenLocation(), "unexpected content after the board's JSON value; remove it");
    }
    if (arrayOpen < 0) {
      throw new BoardException(
          file,
          "no task array at "
              + arrayPath
              + "; set the path of the task array with --tasks-path (e.g. $.tasks)");
    }
  }

  /** The parser is on START_OBJECT at path depth {@code depth}; reads to its END_OBJECT. */
  private void readObject(JsonParser p, int depth) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (arrayPath.isTaskArray(depth, name)) {
        if (value != JsonToken.START_ARRAY) {
          throw at(
              p.currentTokenLocation(),
              "the task array " + name + " is " + describe(value) + ", not an array");
        }
        if (arrayOpen >= 0) {
          throw at(
              p.currentTokenLocation(),
              "a second task array \"" + name + "\"; remove the duplicate key");
        }
        readTasks(p);
      } else if (value == JsonToken.START_OBJECT && arrayPath.leadsTo(depth, name)) {
        readObject(p, depth + 1);
      } else {
        p.skipChildren();
      }
    }
  }

  /** The parser is on the task array's START_ARRAY; reads to its END_ARRAY. */
  private void readTasks(JsonParser p) throws IOException {
    arrayOpen = offset(p.currentTokenLocation().getByteOffset());
    JsonToken token;
    while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
      JsonLocation start = p.currentTokenLocation();
      if (token != JsonToken.START_OBJECT) {
        throw at(
            start,
            "task "
                + slots.size()
                + " is "
                + describe(token)
                + ", not an object; every task is a JSON object");
      }
      if (split != null) {
        meet(start);
      }
      readTask(p, start);
    }
    arrayClose = offset(p.currentTokenLocation().getByteOffset());
    if (split != null && movedAfter == Long.MAX_VALUE) {
      split.cancel(); // the first half read the whole array: the second half is not needed
    }
  }

  /** Before each task: the first half's side of the split. */
  private void meet(JsonLocation start) throws IOException {
    if (movedAfter != Long.MAX_VALUE) {
      if (firstTask == null) {
        firstTask = start;
      }
      if (split.cancelled) {
        throw Adopted.CANCELLED;
      }
      return;
    }
    if (slots.size() == 1) {
      split.begin(this, arrayOpen, slots.get(0).end(), start.getByteOffset());
    }
    if (waitForSplitPoint && split.begun) {
      split.chosen.join();
    }
    long at = split.at;
    long offset = start.getByteOffset();
    if (at < 0 || offset < at || split.met) {
      return;
    }
    split.met = true;
    if (offset > at) {
      split.cancel(); // the split point was inside a task: this half reads on alone
      return;
    }
    BoardScanner second = split.second();
    if (second == null) {
      return;
    }
    OptionalLong firstHalf = split.firstHalfChecksum();
    if (firstHalf.isPresent() && absorb(second, start)) {
      split.joinedChecksum = split.checksum(firstHalf.getAsLong());
      throw Adopted.ADOPTED;
    }
  }

  /**
   * Takes the second half's tasks, their lines and columns made the file's; false, and nothing
   * taken, when one of its ids is already in the first half (reading on reports it exactly).
   */
  private boolean absorb(BoardScanner second, JsonLocation here) {
    Slots theirs = second.slots;
    for (int i = 0; i < theirs.size(); i++) {
      if (slots.contains(theirs.id(i))) {
        return false;
      }
    }
    long firstLine = second.firstTask.getLineNr();
    int base = slots.size();
    slots.appendAll(
        theirs,
        here.getLineNr() - firstLine,
        firstLine,
        here.getColumnNr() - second.firstTask.getColumnNr());
    for (Slot m : second.matches) {
      matches.add(slots.get(base + m.index()));
    }
    arrayClose = second.arrayClose;
    return true;
  }

  private long offset(long parserOffset) {
    return parserOffset > movedAfter ? parserOffset + moved : parserOffset;
  }

  private void readTask(JsonParser p, JsonLocation start) throws IOException {
    JsonNode id = null;
    JsonNode taskId = null;
    JsonNode status = null;
    ObjectNode whole = null;
    JsonNode[] projected = null;
    if (verdicts != null && verdicts.wholeTask()) {
      whole = (ObjectNode) Json.MAPPER.readTree(p);
      id = whole.get("id");
      taskId = whole.get("task_id");
      status = whole.get("status");
    } else {
      projected = verdicts == null ? null : verdicts.newProjection();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        int field = verdicts == null ? -1 : verdicts.fieldIndex(name);
        JsonNode value;
        switch (name) {
          case "id" -> value = id = value(p);
          case "task_id" -> value = taskId = value(p);
          case "status" -> value = status = value(p);
          default -> {
            if (field < 0) {
              p.skipChildren();
              continue;
            }
            value = value(p);
          }
        }
        if (field >= 0) {
          projected[field] = value;
        }
      }
    }
    long end = p.currentLocation().getByteOffset();
    String slotId = addSlot(id, taskId, status, start, end);
    if (alsoIds.contains(slotId)
        || whole != null && verdicts.matches(whole)
        || projected != null && verdicts.matches(projected)) {
      matches.add(slots.get(slots.size() - 1));
    }
  }

  /**
   * The current value as a node; scalars directly from the token (readTree would set up a
   * deserialization context per call, a tenth of a large scan).
   */
  private static JsonNode value(JsonParser p) throws IOException {
    JsonNodeFactory nodes = Json.MAPPER.getNodeFactory();
    return switch (p.currentToken()) {
      case VALUE_STRING -> nodes.textNode(p.getText());
      case VALUE_TRUE -> nodes.booleanNode(true);
      case VALUE_FALSE -> nodes.booleanNode(false);
      case VALUE_NULL -> nodes.nullNode();
      default -> Json.MAPPER.readTree(p);
    };
  }

  /** Checks the task's id and status and records its slot; returns its id. */
  private String addSlot(
      JsonNode idValue, JsonNode taskIdValue, JsonNode status, JsonLocation start, long end)
      throws BoardException {
    String idKey = idValue != null ? "id" : taskIdValue != null ? "task_id" : null;
    if (idKey == null) {
      throw at(start, "task " + slots.size() + " has no id or task_id; give it one");
    }
    JsonNode id = idValue != null ? idValue : taskIdValue;
    if (!id.isTextual() && !id.isNumber()) {
      throw at(
          start,
          "task "
              + slots.size()
              + ": "
              + idKey
              + " must be a string or a number, found "
              + id.getNodeType().toString().toLowerCase()
              + "; write it like \"id\": \"T-1\"");
    }
    if (status != null && !status.isTextual()) {
      throw at(
          start,
          "task "
              + id.asText()
              + ": status must be a string, found "
              + status.getNodeType().toString().toLowerCase()
              + " "
              + Json.compact(status)
              + "; write it as text, like \"status\": \"pending\"");
    }
    String text = id.asText();
    int earlier =
        slots.add(
            text,
            id.isNumber(),
            idKey,
            offset(start.getByteOffset()),
            offset(end),
            start.getLineNr(),
            start.getColumnNr(),
            status == null ? null : statusNames.computeIfAbsent(status.asText(), s -> s));
    if (earlier >= 0) {
      throw at(
          start,
          "duplicate task id "
              + text
              + " (first at "
              + slots.get(earlier).where()
              + "); give one of them another id");
    }
    return text;
  }

  /** A value longer, a name longer, or nesting deeper than the JSON reader takes. */
  private BoardException beyondLimits(StreamConstraintsException e) {
    String reason = e.getOriginalMessage();
    if (reason.contains("getMaxStringLength")) {
      return new BoardException(
          file,
          "a value is longer than "
              + Json.MAX_STRING_CHARS / (1024 * 1024)
              + " MB of text; shorten it (the worker bounds its memory per entry)");
    }
    reason = reason.lines().findFirst().orElse("").strip();
    int cut = reason.indexOf(", from `"); // "… allowed (1000, from `StreamReadConstraints…`)"
    if (cut > 0) {
      reason = reason.substring(0, cut) + ")";
    }
    JsonLocation where = e.getLocation();
    String what = "beyond what the board reader takes (" + reason + "); shorten or flatten it";
    return where == null
        ? new BoardException(file, what)
        : new BoardException(file, where.getLineNr(), where.getColumnNr(), what);
  }

  private UnreadableBoardException notJson(JsonProcessingException e) {
    String reason = e.getOriginalMessage();
    int newline = reason.indexOf('\n');
    if (newline >= 0) {
      reason = reason.substring(0, newline);
    }
    reason =
        "not valid JSON ("
            + reason.strip()
            + "); nothing was written — fix the file, or retry if another writer is mid-write";
    JsonLocation where = e.getLocation();
    return where == null
        ? new UnreadableBoardException(file, reason)
        : new UnreadableBoardException(file, where.getLineNr(), where.getColumnNr(), reason);
  }

  private BoardException at(JsonLocation where, String reason) {
    return new BoardException(file, where.getLineNr(), where.getColumnNr(), reason);
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.asString() == null ? token.name() : token.asString();
    };
  }

  // ------------------------------------------------------------------------------------------
  // two halves

  /**
   * The checksum of bytes {@code [0, at)} of {@code channel}, read again, if bytes {@code [0, end)}
   * still have the checksum {@code whole} (the bytes a first half parsed); else empty.
   */
  static OptionalLong checksumBefore(FileChannel channel, long at, long end, long whole)
      throws IOException {
    CRC32C before = new CRC32C();
    CRC32C after = new CRC32C();
    ByteBuffer window = ByteBuffer.allocate(256 * 1024);
    long position = 0;
    while (position < end) {
      window.clear().limit((int) Math.min(window.capacity(), end - position));
      int n = channel.read(window, position);
      if (n <= 0) {
        return OptionalLong.empty();
      }
      int toBefore = (int) Math.max(0, Math.min(n, at - position));
      before.update(window.array(), 0, toBefore);
      after.update(window.array(), toBefore, n - toBefore);
      position += n;
    }
    boolean same = Crc32c.combine(before.getValue(), after.getValue(), end - at) == whole;
    return same ? OptionalLong.of(before.getValue()) : OptionalLong.empty();
  }

  /**
   * The offset of the '{' ending the first {@code pattern} in {@code channel} from {@code from} on,
   * or -1 (also once {@code cancelled}).
   */
  static long find(FileChannel channel, byte[] pattern, long from, BooleanSupplier cancelled)
      throws IOException {
    ByteBuffer window = ByteBuffer.allocate(256 * 1024);
    long position = from;
    while (!cancelled.getAsBoolean()) {
      window.clear();
      int n = channel.read(window, position);
      if (n < pattern.length) {
        return -1;
      }
      byte[] b = window.array();
      outer:
      for (int i = 0; i + pattern.length <= n; i++) {
        for (int j = 0; j < pattern.length; j++) {
          if (b[i + j] != pattern[j]) {
            continue outer;
          }
        }
        return position + i + pattern.length - 1;
      }
      position += n - pattern.length + 1;
    }
    return -1;
  }

  /**
   * A scan in two halves. Once the first half has read two tasks, the separator between them is
   * known (say {@code ",\n "}); the second half looks for {@code "}" + separator + "{"} from the
   * middle of the file on, and reads from that '{' — with the bytes up to the task array's '[' in
   * front, so it parses in the same context — to the end of the file. It is only a guess until the
   * first half arrives there: if the first half finds a task starting at exactly that byte, both
   * parses agree on everything from there on (JSON's grammar has one state at a value's start), and
   * the second half's tasks are taken; if not (the guess was inside a task, or the second half
   * failed), the first half reads on alone and reports any error itself, the same as a one-thread
   * scan would.
   */
  private final class Split {
    final FileChannel channel;
    final long size;
    volatile long at = -1; // where the second half starts: a '{', or -1 while unknown
    volatile boolean cancelled;
    boolean met; // first half only
    CheckedUpTo firstHalf; // its source
    long joinedChecksum; // the whole file's, once the halves are joined
    private boolean begun;
    private final CompletableFuture<BoardScanner> second = new CompletableFuture<>();
    private final CompletableFuture<Void> chosen = new CompletableFuture<>(); // at is final
    private volatile long secondChecksum;
    private volatile long secondLength;

    Split(FileChannel channel, long size) {
      this.channel = channel;
      this.size = size;
    }

    /** The first half has read its first task and is at the second one. */
    void begin(BoardScanner first, long arrayOpen, long firstEnd, long secondStart)
        throws IOException {
      if (begun) {
        return;
      }
      begun = true;
      long gap = secondStart - firstEnd;
      if (gap <= 0 || gap > 256) {
        second.complete(null);
        chosen.complete(null);
        return;
      }
      byte[] separator = new byte[(int) gap];
      channel.read(ByteBuffer.wrap(separator), firstEnd);
      byte[] pattern = new byte[separator.length + 2];
      pattern[0] = '}';
      System.arraycopy(separator, 0, pattern, 1, separator.length);
      pattern[pattern.length - 1] = '{';
      long from = Math.max(size / 2, secondStart);
      try {
        SECOND_HALVES.execute(() -> readSecondHalf(first, arrayOpen, pattern, from));
      } catch (RuntimeException | OutOfMemoryError noThread) {
        second.complete(null); // no second thread: the first half reads alone
        chosen.complete(null);
      }
    }

    private void readSecondHalf(BoardScanner first, long arrayOpen, byte[] pattern, long from) {
      try {
        long start = find(channel, pattern, from, () -> cancelled);
        if (start < 0 || cancelled) {
          second.complete(null);
          return;
        }
        at = start;
        chosen.complete(null);
        BoardScanner half = new BoardScanner(first.file, arrayPath, filter, alsoIds);
        half.split = this;
        half.movedAfter = arrayOpen;
        half.moved = start - (arrayOpen + 1);
        CRC32C crc = new CRC32C();
        PositionalInputStream fromSplit = new PositionalInputStream(channel, start, Long.MAX_VALUE);
        CheckedInputStream rest = new CheckedInputStream(fromSplit, crc);
        InputStream in =
            new BufferedInputStream(
                new SequenceInputStream(new PositionalInputStream(channel, 0, arrayOpen + 1), rest),
                256 * 1024);
        // The parser closes its source at the end; the rest must still be read for the checksum.
        try (JsonParser parser = Json.MAPPER.createParser(CloseShieldInputStream.wrap(in))) {
          half.readDocument(parser);
          IOUtils.consume(in);
        }
        secondChecksum = crc.getValue();
        secondLength = fromSplit.read;
        second.complete(half.firstTask == null ? null : half);
      } catch (IOException | RuntimeException | StackOverflowError e) {
        second.complete(null); // the first half reads on and reports whatever this was
      } finally {
        // Whatever ended this thread (even an OutOfMemoryError), the first half must not wait
        // for it forever: it reads on alone. complete() does nothing once a result is set.
        second.complete(null);
        chosen.complete(null);
      }
    }

    /** The second half's scan, once it is done; null when it failed or found no split point. */
    BoardScanner second() {
      return second.join();
    }

    /**
     * The checksum of the first half's bytes before the split point, or empty when it cannot be
     * vouched for. A first half that had read past the split point before the second half chose it
     * (a small board, in one buffer) reads its bytes again, and only if they are still the ones it
     * parsed — same checksum over all it had read — are the two halves joined.
     */
    OptionalLong firstHalfChecksum() throws IOException {
      OptionalLong exact = firstHalf.upTo(at);
      if (exact.isPresent()) {
        return exact;
      }
      return checksumBefore(channel, at, firstHalf.position(), firstHalf.checksum());
    }

    /** The whole file's checksum, from the first half's before the split and the second half's. */
    long checksum(long firstHalfChecksum) {
      return Crc32c.combine(firstHalfChecksum, secondChecksum, secondLength);
    }

    void cancel() {
      cancelled = true;
    }
  }

  /** Ends a first half that took the second half's result, or a second half no longer wanted. */
  private static final class Adopted extends RuntimeException {
    static final Adopted ADOPTED = new Adopted();
    static final Adopted CANCELLED = new Adopted();

    private Adopted() {
      super(null, null, false, false);
    }
  }

  /**
   * The first half's source, checksummed in two runs: up to the split point once it is known, and
   * from there on. The second half's checksum replaces the second run when its tasks are taken;
   * when they are not, the two runs make the whole file's.
   */
  private static final class CheckedUpTo extends FilterInputStream {
    private final Split split;
    private final RunChecksum crc = new RunChecksum();

    CheckedUpTo(InputStream in, Split split) {
      super(in);
      this.split = split;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        crc.update(b, off, n, split == null ? -1 : split.at);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      return IOUtils.skip(this, n); // through read(), so that skipped bytes are checksummed
    }

    /** The checksum of every byte read. */
    long checksum() {
      return crc.checksum();
    }

    /** The checksum of the bytes before {@code at}, when reading stopped there exactly. */
    OptionalLong upTo(long at) {
      return crc.upTo(at);
    }

    long position() {
      return crc.length();
    }
  }

  /** Bytes {@code [from, to)} of a channel by positional reads, leaving its position alone. */
  private static final class PositionalInputStream extends InputStream {
    private final FileChannel channel;
    private final long to;
    private long position;
    long read;

    PositionalInputStream(FileChannel channel, long from, long to) {
      this.channel = channel;
      this.position = from;
      this.to = to;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      long left = to - position;
      if (left <= 0) {
        return -1;
      }
      int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, left)), position);
      if (n > 0) {
        position += n;
        read += n;
      }
      return n;
    }
  }
}
