package dev.taskboard.devops.board;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The board scan's fast path: the same pass as {@link BoardScanner} — task array, every task's id,
 * span, line and column, the filter's matches, the file's checksum — for a board that is well
 * formed, without a tokenizer. Values the scan does not need (most of every task) are checked and
 * stepped over byte by byte; only the fields the filter names and the id and status are decoded.
 *
 * <p>It accepts a strict subset of what Jackson accepts (RFC 8259 with valid UTF-8; values no
 * deeper than {@value #MAX_DEPTH} and at most {@value #MAX_PATH_DEPTH} objects above the task
 * array, together far below Jackson's 1,000; names up to {@value #MAX_NAME_BYTES} bytes, numbers up
 * to {@value #MAX_NUMBER_BYTES} characters) and everything that board scan would report as a
 * problem — a syntax error, a task without id, a duplicate id, a status that is not text — makes it
 * give up ({@link #scan} returns null) and leaves the file to the Jackson scan, which reads it
 * again from the start and says exactly what is wrong and where. So it never accepts a board the
 * Jackson scan refuses, and for a board both accept they report the same (differential tests and a
 * token-level fuzz in {@code FastScanTest}; {@code SplitScanTest} and {@code BoardFuzzTest} run
 * through it).
 *
 * <p>Boards from {@link BoardScanner#splitFrom} bytes on are read by two threads ({@link
 * SecondHalf}), with the same rule as the Jackson scan's split: the second half's tasks are taken
 * only when the first half arrives at a task starting exactly where the second half began.
 *
 * <p>Why: in the Jackson scan two thirds of the time went to tokenizing values nobody reads —
 * decoding skipped strings and interning every field name of every task.
 */
final class FastScan {
  /** Off (tests, or {@code -Ddevops.board.fastScan=false}): every scan is the Jackson scan. */
  static volatile boolean enabled =
      Boolean.parseBoolean(System.getProperty("devops.board.fastScan", "true"));

  static final int MAX_DEPTH = 256; // Jackson refuses deeper than 1000
  static final int MAX_NAME_BYTES = 1024; // Jackson: 50,000
  static final int MAX_PATH_DEPTH = 64; // objects on the way to the task array
  static final int MAX_NUMBER_BYTES = 100; // Jackson: 1,000
  private static final int MAX_VALUE_BYTES = 1 << 20; // a decoded value; Jackson: 16 MB of text
  private static final int MAX_BUFFER = 2 * Json.MAX_ENTRY_BYTES;

  // Byte classes inside a string.
  private static final byte PLAIN = 0;
  private static final byte QUOTE = 1;
  private static final byte BACKSLASH = 2;
  private static final byte CONTROL = 3;
  private static final byte LEAD2 = 4;
  private static final byte LEAD3 = 5;
  private static final byte LEAD4 = 6;
  private static final byte INVALID = 7;
  private static final byte[] IN_STRING = new byte[256];

  static {
    for (int c = 0; c < 256; c++) {
      IN_STRING[c] = classInString(c);
    }
  }

  private static byte classInString(int c) {
    if (c < 0x20) {
      return CONTROL;
    } else if (c == '"') {
      return QUOTE;
    } else if (c == '\\') {
      return BACKSLASH;
    } else if (c < 0x80) {
      return PLAIN;
    } else if (c >= 0xC2 && c <= 0xDF) {
      return LEAD2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      return LEAD3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      return LEAD4;
    }
    return INVALID; // a continuation byte, C0/C1 (overlong) or F5-FF
  }

  // The range of a UTF-8 lead byte's second byte: no overlong forms, no UTF-16 surrogates, nothing
  // beyond U+10FFFF. (Jackson checks only that continuation bytes are 10xxxxxx; stricter is safe.)
  private static final int[] LOW = new int[256];
  private static final int[] HIGH = new int[256];

  static {
    Arrays.fill(LOW, 0x80);
    Arrays.fill(HIGH, 0xBF);
    LOW[0xE0] = 0xA0;
    HIGH[0xED] = 0x9F;
    LOW[0xF0] = 0x90;
    HIGH[0xF4] = 0x8F;
  }

  private static final JsonNodeFactory NODES = Json.MAPPER.getNodeFactory();

  // What a task member is to the scan: a bit per role, plus the filter field's index.
  private static final int ID = 1;
  private static final int TASK_ID = 2;
  private static final int STATUS = 4;

  /** Thrown to give the board to the Jackson scan. */
  private static final class GiveUp extends RuntimeException {
    static final GiveUp INSTANCE = new GiveUp();

    private GiveUp() {
      super(null, null, false, false);
    }
  }

  private final FileChannel channel;
  private final ArrayPath arrayPath;
  private final Verdicts verdicts; // null: lay out only
  private final Set<String> alsoIds;
  // The checksum of every byte read: crc from byte 0, split where the second half starts; once
  // the halves are joined, joinedChecksum covers every byte up to the end of the second half's
  // reads and crc starts again there.
  private RunChecksum crc = new RunChecksum(); // split at the second half's start, if any
  private long crcFrom; // bytes before this offset were checksummed by the second half
  private long joinedChecksum = -1; // up to crcFrom, once joined; crc then starts there

  private SecondHalf second; // the first half's partner while it may still meet it
  private SecondHalf serves; // the second half's own split: it stops when cancelled

  private byte[] buf = new byte[256 * 1024];
  private int pos;
  private int end;
  private long base; // the file offset of buf[0]
  private boolean eof;
  private int mark = -1; // bytes from here on stay in the buffer when it is refilled

  private long line = 1;
  private long lineStart; // file offset of the current line's first byte

  private final byte[] open = new byte[MAX_DEPTH]; // '{' or '[' per level in value()
  private final Slots slots = new Slots();
  private final List<Slot> matches = new ArrayList<>();
  private long arrayOpen = -1;
  private long arrayClose = -1;

  // Member names the scan reads, as UTF-8: roles and filter field index per name.
  private final byte[][] wantedNames;
  private final int[] wantedRoles;
  private final int[] wantedFields;
  private final TextCache texts = new TextCache();
  private final JsonNode[] projection; // one per scan, filled per task

  private FastScan(FileChannel channel, ArrayPath arrayPath, Verdicts verdicts, Set<String> also) {
    this.channel = channel;
    this.arrayPath = arrayPath;
    this.verdicts = verdicts;
    this.alsoIds = also;
    this.projection = verdicts == null || verdicts.wholeTask() ? null : verdicts.newProjection();
    List<String> names = new ArrayList<>(List.of("id", "task_id", "status"));
    if (verdicts != null && !verdicts.wholeTask()) {
      for (int i = 0; i < verdicts.fieldCount(); i++) {
        if (!names.contains(verdicts.fieldName(i))) {
          names.add(verdicts.fieldName(i));
        }
      }
    }
    wantedNames = new byte[names.size()][];
    wantedRoles = new int[names.size()];
    wantedFields = new int[names.size()];
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      wantedNames[i] = name.getBytes(StandardCharsets.UTF_8);
      wantedRoles[i] =
          name.equals("id") ? ID : name.equals("task_id") ? TASK_ID : i == 2 ? STATUS : 0;
      wantedFields[i] = verdicts == null || verdicts.wholeTask() ? -1 : verdicts.fieldIndex(name);
    }
  }

  /**
   * Reads the board in {@code channel} (by positional reads: its position stays 0); null when it
   * gave up, and then the board is for the Jackson scan.
   */
  static Snapshot scan(
      Path file,
      FileChannel channel,
      FileState attributes,
      ArrayPath arrayPath,
      Verdicts verdicts,
      Set<String> alsoIds)
      throws IOException {
    FastScan scan = new FastScan(channel, arrayPath, verdicts, alsoIds);
    if (attributes.size() >= BoardScanner.splitFrom
        && Runtime.getRuntime().availableProcessors() > 1) {
      scan.second = new SecondHalf(scan);
    }
    try {
      scan.document();
    } catch (GiveUp notForUs) {
      return null;
    } finally {
      if (scan.second != null) {
        scan.second.cancelled = true;
      }
    }
    return new Snapshot(
        file,
        channel,
        attributes.withChecksum(scan.checksum()),
        scan.arrayOpen,
        scan.arrayClose,
        scan.slots,
        scan.matches,
        true);
  }

  // ------------------------------------------------------------------------------------------
  // structure

  private void document() throws IOException {
    ensure(3);
    if (end - pos >= 3
        && (buf[0] & 0xff) == 0xEF
        && (buf[1] & 0xff) == 0xBB
        && (buf[2] & 0xff) == 0xBF) {
      pos = 3; // Jackson counts the BOM in offsets and columns alike
    }
    whitespace();
    int first = peek();
    if (arrayPath.automatic() ? first == '[' : arrayPath.names().isEmpty()) {
      if (first != '[') {
        throw GiveUp.INSTANCE;
      }
      tasks();
    } else if (first == '{') {
      object(0);
    } else {
      throw GiveUp.INSTANCE;
    }
    whitespace();
    if (pos < end || more() || arrayOpen < 0) {
      throw GiveUp.INSTANCE; // content after the board, or no task array
    }
  }

  /** At an object on the way to the task array, at path depth {@code depth}. */
  private void object(int depth) throws IOException {
    if (depth >= MAX_PATH_DEPTH) {
      throw GiveUp.INSTANCE; // with the values' own depth, Jackson's limit (1000) stays far off
    }
    pos++;
    whitespace();
    if (peek() == '}') {
      pos++;
      return;
    }
    while (true) {
      expect('"');
      mark = pos;
      int flags = name();
      if (pos - 1 - mark > MAX_NAME_BYTES) {
        throw GiveUp.INSTANCE;
      }
      String name = decode(mark, pos - 1, flags);
      mark = -1;
      whitespace();
      expect(':');
      whitespace();
      int c = peek();
      if (arrayPath.isTaskArray(depth, name)) {
        if (c != '[' || arrayOpen >= 0) {
          throw GiveUp.INSTANCE;
        }
        tasks();
      } else if (c == '{' && arrayPath.leadsTo(depth, name)) {
        object(depth + 1);
      } else {
        value();
      }
      whitespace();
      c = next();
      if (c == '}') {
        return;
      }
      if (c != ',') {
        throw GiveUp.INSTANCE;
      }
      whitespace();
    }
  }

  /** At the task array's '['. */
  private void tasks() throws IOException {
    arrayOpen = base + pos;
    pos++;
    whitespace();
    if (peek() == ']') {
      arrayClose = base + pos;
      pos++;
      return;
    }
    taskList();
  }

  /** At the first task's '{': reads the tasks up to the array's ']'. */
  private void taskList() throws IOException {
    while (true) {
      if (peek() != '{') {
        throw GiveUp.INSTANCE;
      }
      if (second != null && meet()) {
        return; // joined: arrayClose is the second half's, and reading goes on after it
      }
      if (serves != null && serves.cancelled) {
        throw GiveUp.INSTANCE;
      }
      task();
      whitespace();
      int c = next();
      if (c == ']') {
        arrayClose = base + pos - 1;
        return;
      }
      if (c != ',') {
        throw GiveUp.INSTANCE;
      }
      whitespace();
    }
  }

  /** At a task's '{'. */
  private void task() throws IOException {
    long start = base + pos;
    long startLine = line;
    long startColumn = start - lineStart + 1;
    String id = null;
    boolean numericId = false;
    String idKey = null;
    JsonNode idNode = null; // the id member's value, when "id" is present
    JsonNode taskIdNode = null;
    JsonNode status = null;
    JsonNode[] projected = null;
    ObjectNode whole = null;
    if (verdicts != null && verdicts.wholeTask()) {
      mark = pos;
      value();
      whole = (ObjectNode) tree(mark, pos);
      mark = -1;
      idNode = whole.get("id");
      taskIdNode = whole.get("task_id");
      status = whole.get("status");
    } else {
      projected = projection;
      if (projected != null) {
        Arrays.fill(projected, null); // reused: the verdict memo keeps copies
      }
      pos++;
      whitespace();
      if (peek() == '}') {
        pos++;
      } else {
        while (true) {
          expect('"');
          int wanted = member();
          whitespace();
          expect(':');
          whitespace();
          if (wanted < 0) {
            value();
          } else {
            JsonNode value =
                wantedValue((wantedRoles[wanted] & (ID | TASK_ID)) == 0 ? texts : null);
            int role = wantedRoles[wanted];
            if (role == ID) {
              idNode = value;
            } else if (role == TASK_ID) {
              taskIdNode = value;
            } else if (role == STATUS) {
              status = value;
            }
            if (wantedFields[wanted] >= 0) {
              projected[wantedFields[wanted]] = value;
            }
          }
          whitespace();
          int c = next();
          if (c == '}') {
            break;
          }
          if (c != ',') {
            throw GiveUp.INSTANCE;
          }
          whitespace();
        }
      }
    }
    JsonNode idValue = idNode != null ? idNode : taskIdNode;
    if (idValue == null
        || !idValue.isTextual() && !idValue.isNumber()
        || status != null && !status.isTextual()) {
      throw GiveUp.INSTANCE; // the Jackson scan says what is wrong with this task
    }
    idKey = idNode != null ? "id" : "task_id";
    id = idValue.asText();
    numericId = idValue.isNumber();
    int earlier =
        slots.add(
            id,
            numericId,
            idKey,
            start,
            base + pos,
            startLine,
            startColumn,
            status == null ? null : status.textValue());
    if (earlier >= 0) {
      throw GiveUp.INSTANCE;
    }
    if (alsoIds.contains(id)
        || whole != null && verdicts.matches(whole)
        || projected != null && verdicts.matches(projected)) {
      matches.add(slots.get(slots.size() - 1));
    }
  }

  /**
   * After a member name's opening quote: reads the name to its closing quote and returns which
   * wanted name it is, or -1.
   */
  private int member() throws IOException {
    mark = pos;
    int flags = name();
    int from = mark;
    int length = pos - 1 - from;
    mark = -1;
    if (length > MAX_NAME_BYTES) {
      throw GiveUp.INSTANCE;
    }
    if ((flags & ESCAPED) != 0) {
      String name = decode(from, pos - 1, flags);
      for (int i = 0; i < wantedNames.length; i++) {
        if (Arrays.equals(name.getBytes(StandardCharsets.UTF_8), wantedNames[i])) {
          return i;
        }
      }
      return -1;
    }
    for (int i = 0; i < wantedNames.length; i++) {
      byte[] w = wantedNames[i];
      if (w.length == length && Arrays.equals(buf, from, from + length, w, 0, length)) {
        return i;
      }
    }
    return -1;
  }

  /** A wanted member's value as a node; strings through {@code cache} when given. */
  private JsonNode wantedValue(TextCache cache) throws IOException {
    int c = peek();
    switch (c) {
      case '"' -> {
        pos++;
        mark = pos;
        int flags = string();
        int from = mark;
        mark = -1;
        if (pos - 1 - from > MAX_VALUE_BYTES) {
          throw GiveUp.INSTANCE;
        }
        if (cache != null && (flags & ESCAPED) == 0) {
          return cache.get(buf, from, pos - 1, (flags & NON_ASCII) != 0);
        }
        return NODES.textNode(decode(from, pos - 1, flags));
      }
      case 't', 'f', 'n' -> {
        literal();
        return c == 't'
            ? NODES.booleanNode(true)
            : c == 'f' ? NODES.booleanNode(false) : NODES.nullNode();
      }
      default -> {
        mark = pos;
        value();
        int from = mark;
        mark = -1;
        if (pos - from > MAX_VALUE_BYTES) {
          throw GiveUp.INSTANCE;
        }
        return tree(from, pos);
      }
    }
  }

  /** Bytes {@code [from, to)} of the buffer, checked by {@link #value()}, as a tree. */
  private JsonNode tree(int from, int to) throws IOException {
    try {
      return Json.MAPPER.readTree(buf, from, to - from);
    } catch (JsonProcessingException refused) {
      throw GiveUp.INSTANCE; // not expected: this scan accepts less than Jackson
    }
  }

  // ------------------------------------------------------------------------------------------
  // two halves

  /** Checksums {@code n} new bytes at buffer index {@code end}, file offset {@code offset}. */
  private void checksum(long offset, int n) {
    int from = (int) Math.max(0, Math.min(n, crcFrom - offset));
    // Before a join the first half's checksum counts from byte 0, so the split point is an offset.
    crc.update(buf, end + from, n - from, second == null ? -1 : second.at);
  }

  private long checksum() {
    return joinedChecksum < 0
        ? crc.checksum()
        : Crc32c.combine(joinedChecksum, crc.checksum(), crc.length());
  }

  /**
   * Before each task of the first half: starts the second half after the first task, and joins it
   * at the task where it started. True when joined.
   */
  private boolean meet() throws IOException {
    SecondHalf half = second;
    long here = base + pos;
    if (!half.begun) {
      if (slots.size() == 1) {
        half.begin(slots.get(0).end(), here);
      }
      return false;
    }
    if (BoardScanner.waitForSplitPoint) {
      half.chosen.join();
    }
    long at = half.at;
    if (at < 0 || here < at) {
      return false;
    }
    second = null; // met or passed: from here on this half reads alone, or is done
    FastScan theirs = here == at ? half.result.join() : null;
    half.cancelled = true;
    OptionalLong upToSplit = theirs == null ? OptionalLong.empty() : checksumBefore(at);
    if (upToSplit.isEmpty()) {
      return false;
    }
    long lineShift = line;
    long columnShift = at - lineStart;
    int before = slots.size();
    if (slots.appendAll(theirs.slots, lineShift, 0, columnShift) >= 0) {
      throw GiveUp.INSTANCE; // the same id in both halves: Jackson's scan reports it
    }
    for (Slot m : theirs.matches) {
      matches.add(slots.get(before + m.index()));
    }
    arrayClose = theirs.arrayClose;
    joinedChecksum =
        Crc32c.combine(upToSplit.getAsLong(), theirs.crc.checksum(), theirs.crc.length());
    crc = new RunChecksum(); // the bytes after the second half's, read from here on
    crcFrom = theirs.base + theirs.end;
    base = arrayClose + 1; // reading goes on after the array, from the file
    pos = 0;
    end = 0;
    eof = false;
    line = theirs.line == 0 ? line : theirs.line + lineShift;
    lineStart = theirs.line == 0 ? lineStart : theirs.lineStart;
    BoardScanner.lastScanWasSplit = true;
    return true;
  }

  /**
   * The checksum of the bytes before {@code at}: the head run's when it stopped there; else (it had
   * read past {@code at} before the second half chose it: a small board, or a slow second thread)
   * from reading them again, and only if they are still the bytes this half parsed — the same
   * checksum over all it has read. Empty when they are not.
   */
  private OptionalLong checksumBefore(long at) throws IOException {
    OptionalLong exact = crc.upTo(at);
    return exact.isPresent()
        ? exact
        : BoardScanner.checksumBefore(channel, at, crc.length(), crc.checksum());
  }

  /**
   * The second half of a two-thread scan. Once the first half has read one task, the separator
   * before the second is known (say {@code ",\n "}); this half looks for {@code "}" + separator +
   * "{"} from the middle of the file and reads tasks from that '{' to the array's ']'. Only a guess
   * until the first half arrives there: if a task of the first half starts at exactly that byte,
   * both would read the same from there on (JSON's grammar has one state at a value in an array),
   * and the first half takes this half's tasks and goes on after the ']'; otherwise (the guess was
   * inside a task or a string, or this half gave up) the first half reads on alone.
   */
  private static final class SecondHalf {
    private final FastScan first;
    volatile long at = -1; // where this half starts: a '{', or -1 while unknown
    volatile boolean cancelled;
    boolean begun; // first half only
    final CompletableFuture<Void> chosen = new CompletableFuture<>(); // at is final
    final CompletableFuture<FastScan> result = new CompletableFuture<>();

    SecondHalf(FastScan first) {
      this.first = first;
    }

    void begin(long firstEnd, long secondStart) throws IOException {
      begun = true;
      long gap = secondStart - firstEnd;
      long size = first.channel.size();
      if (gap <= 0 || gap > 256) {
        giveUp();
        return;
      }
      byte[] separator = new byte[(int) gap];
      first.channel.read(ByteBuffer.wrap(separator), firstEnd);
      byte[] pattern = new byte[separator.length + 2];
      pattern[0] = '}';
      System.arraycopy(separator, 0, pattern, 1, separator.length);
      pattern[pattern.length - 1] = '{';
      try {
        BoardScanner.SECOND_HALVES.execute(() -> read(pattern, Math.max(size / 2, secondStart)));
      } catch (RuntimeException | OutOfMemoryError noThread) {
        giveUp();
      }
    }

    private void read(byte[] pattern, long from) {
      try {
        long start = BoardScanner.find(first.channel, pattern, from, () -> cancelled);
        if (start < 0) {
          return;
        }
        at = start;
        chosen.complete(null);
        FastScan half =
            new FastScan(
                first.channel,
                first.arrayPath,
                first.verdicts == null ? null : first.verdicts.copy(),
                first.alsoIds);
        half.serves = this;
        half.base = start;
        half.crcFrom = start; // its checksum starts at the split point
        half.lineStart = start;
        half.line = 0;
        half.taskList();
        result.complete(half);
      } catch (IOException | RuntimeException | StackOverflowError gaveUp) {
        // the first half reads on alone
      } finally {
        giveUp(); // whatever ended this thread, the first half must not wait for it
      }
    }

    private void giveUp() {
      chosen.complete(null);
      result.complete(null);
    }
  }

  // ------------------------------------------------------------------------------------------
  // values stepped over

  /** Steps over one whole value (with whatever it nests), checking its grammar. */
  private void value() throws IOException {
    int depth = 0;
    while (true) {
      // at a value
      int c = peek();
      switch (c) {
        case '{', '[' -> {
          if (depth == MAX_DEPTH) {
            throw GiveUp.INSTANCE;
          }
          open[depth++] = (byte) c;
          pos++;
          whitespace();
          int d = peek();
          if (d == (c == '{' ? '}' : ']')) {
            pos++;
            depth--;
            break; // to the end of a value
          }
          if (c == '{') {
            memberName();
          }
          continue; // at the first element's value
        }
        case '"' -> {
          pos++;
          string();
        }
        case 't', 'f', 'n' -> literal();
        default -> number();
      }
      // at the end of a value: close containers until one goes on with ','
      while (true) {
        if (depth == 0) {
          return;
        }
        whitespace();
        int d = next();
        byte container = open[depth - 1];
        if (d == ',') {
          whitespace();
          if (container == '{') {
            memberName();
          }
          break;
        }
        if (d != (container == '{' ? '}' : ']')) {
          throw GiveUp.INSTANCE;
        }
        depth--;
      }
    }
  }

  /** At a member name in a skipped object: steps over it and its ':'. */
  private void memberName() throws IOException {
    expect('"');
    long from = base + pos;
    name();
    if (base + pos - from > MAX_NAME_BYTES) {
      throw GiveUp.INSTANCE;
    }
    whitespace();
    expect(':');
    whitespace();
  }

  private static final int ESCAPED = 1;
  private static final int NON_ASCII = 2;

  /**
   * A {@code \\u} escape of a UTF-16 surrogate. Jackson takes a lone one in a value but refuses one
   * in a member name ("Broken surrogate pair in field name"), so a name with any surrogate escape
   * is left to it.
   */
  private static final int SURROGATE = 4;

  /** After a member name's opening quote: {@link #string()}, for a name. */
  private int name() throws IOException {
    int flags = string();
    if ((flags & SURROGATE) != 0) {
      throw GiveUp.INSTANCE;
    }
    return flags;
  }

  /**
   * After a string's opening quote: checks it up to and past its closing quote; returns {@link
   * #ESCAPED} and {@link #NON_ASCII} flags.
   */
  private int string() throws IOException {
    int flags = 0;
    long highEnd = -1; // the end of a \\u escape of a high surrogate not yet followed by a low one
    while (true) {
      // The common bytes with locals only: runs of ASCII, and whole UTF-8 sequences.
      byte[] b = buf;
      int p = pos;
      int e = end;
      int k;
      while (true) {
        while (p < e && IN_STRING[b[p] & 0xff] == PLAIN) {
          p++;
        }
        if (p == e) {
          k = PLAIN;
          break;
        }
        int c = b[p] & 0xff;
        k = IN_STRING[c];
        if (k < LEAD2 || k > LEAD4 || p + k - LEAD2 + 2 > e) {
          break;
        }
        int c1 = b[p + 1] & 0xff;
        if (c1 < LOW[c] || c1 > HIGH[c]) {
          throw GiveUp.INSTANCE;
        }
        if (k == LEAD2) {
          p += 2;
        } else if (k == LEAD3) {
          if ((b[p + 2] & 0xc0) != 0x80) {
            throw GiveUp.INSTANCE;
          }
          p += 3;
        } else {
          if ((b[p + 2] & 0xc0) != 0x80 || (b[p + 3] & 0xc0) != 0x80) {
            throw GiveUp.INSTANCE;
          }
          p += 4;
        }
        flags |= NON_ASCII;
      }
      pos = p;
      if (p == e) {
        if (!more()) {
          throw GiveUp.INSTANCE;
        }
        continue;
      }
      switch (k) {
        case QUOTE -> {
          pos = p + 1;
          return highEnd >= 0 ? flags | SURROGATE : flags; // a high half at the very end
        }
        case BACKSLASH -> {
          flags |= ESCAPED;
          need(2);
          int x = buf[pos + 1];
          if (x == 'u') {
            need(6);
            for (int i = 2; i < 6; i++) {
              if (Character.digit(buf[pos + i], 16) < 0) {
                throw GiveUp.INSTANCE;
              }
            }
            int unit = 0;
            for (int i = 2; i < 6; i++) {
              unit = unit << 4 | Character.digit(buf[pos + i], 16);
            }
            long here = base + pos;
            if (unit >= 0xDC00 && unit <= 0xDFFF) {
              flags |= highEnd == here ? 0 : SURROGATE; // a low half that ends a pair, or not
              highEnd = -1;
            } else {
              flags |= highEnd >= 0 ? SURROGATE : 0; // a high half not followed by a low one
              highEnd = unit >= 0xD800 && unit <= 0xDBFF ? here + 6 : -1;
            }
            pos += 6;
          } else if (x == '"' || x == '\\' || x == '/' || x == 'b' || x == 'f' || x == 'n'
              || x == 'r' || x == 't') {
            flags |= highEnd >= 0 ? SURROGATE : 0;
            highEnd = -1;
            pos += 2;
          } else {
            throw GiveUp.INSTANCE;
          }
        }
        case LEAD2, LEAD3, LEAD4 -> {
          // A sequence across the buffer's end: the same checks once it is all in.
          int n = k - LEAD2 + 2;
          need(n);
          int c = buf[pos] & 0xff;
          int c1 = buf[pos + 1] & 0xff;
          if (c1 < LOW[c] || c1 > HIGH[c]) {
            throw GiveUp.INSTANCE;
          }
          for (int i = 2; i < n; i++) {
            if ((buf[pos + i] & 0xc0) != 0x80) {
              throw GiveUp.INSTANCE;
            }
          }
          pos += n;
          flags |= NON_ASCII;
        }
        default -> throw GiveUp.INSTANCE; // a control character or not UTF-8
      }
    }
  }

  /** At 't', 'f' or 'n': steps over true, false or null. */
  private void literal() throws IOException {
    byte[] word =
        switch (peek()) {
          case 't' -> TRUE;
          case 'f' -> FALSE;
          default -> NULL;
        };
    need(word.length);
    if (!Arrays.equals(buf, pos, pos + word.length, word, 0, word.length)) {
      throw GiveUp.INSTANCE;
    }
    pos += word.length;
  }

  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};

  /** At what must be a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
  private void number() throws IOException {
    long from = base + pos;
    if (peek() == '-') {
      pos++;
    }
    int c = peek();
    if (c == '0') {
      pos++;
    } else if (c >= '1' && c <= '9') {
      digits();
    } else {
      throw GiveUp.INSTANCE;
    }
    if (peek() == '.') {
      pos++;
      if (!isDigit(peek())) {
        throw GiveUp.INSTANCE;
      }
      digits();
    }
    c = peek();
    if (c == 'e' || c == 'E') {
      pos++;
      c = peek();
      if (c == '+' || c == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw GiveUp.INSTANCE;
      }
      digits();
    }
    if (base + pos - from > MAX_NUMBER_BYTES) {
      throw GiveUp.INSTANCE;
    }
    // What follows is checked by the caller: whitespace, ',', '}' or ']' — so "01", "1x" and
    // "-" are refused there or here.
  }

  private void digits() throws IOException {
    while (isDigit(peek())) {
      pos++;
    }
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  // ------------------------------------------------------------------------------------------
  // bytes

  /** Steps over JSON whitespace, counting lines as Jackson does (CR LF, LF and CR each one). */
  private void whitespace() throws IOException {
    while (true) {
      byte[] b = buf;
      int p = pos;
      int e = end;
      while (p < e && (b[p] == ' ' || b[p] == '\t')) {
        p++;
      }
      pos = p;
      if (p == e) {
        if (!more()) {
          return;
        }
        continue;
      }
      byte c = b[p];
      if (c == '\n') {
        pos = p + 1;
        line++;
        lineStart = base + pos;
      } else if (c == '\r') {
        pos = p + 1;
        if ((pos < end || more()) && buf[pos] == '\n') {
          pos++;
        }
        line++;
        lineStart = base + pos;
      } else {
        return;
      }
    }
  }

  /** The next byte (0–255) without taking it, or -1 at the end of the file. */
  private int peek() throws IOException {
    if (pos == end && !more()) {
      return -1;
    }
    return buf[pos] & 0xff;
  }

  /** The next byte, taken, or -1 at the end of the file. */
  private int next() throws IOException {
    int c = peek();
    if (c >= 0) {
      pos++;
    }
    return c;
  }

  private void expect(char c) throws IOException {
    if (next() != c) {
      throw GiveUp.INSTANCE;
    }
  }

  /** Makes {@code n} bytes from {@code pos} on available, or gives up at the end of the file. */
  private void need(int n) throws IOException {
    while (end - pos < n) {
      if (!more()) {
        throw GiveUp.INSTANCE;
      }
    }
  }

  private boolean ensure(int n) throws IOException {
    while (end - pos < n) {
      if (!more()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads more of the file into the buffer, keeping the bytes from {@code mark} (or from {@code
   * pos}) on; false at the end of the file.
   */
  private boolean more() throws IOException {
    while (!eof) {
      int keep = mark >= 0 ? Math.min(mark, pos) : pos;
      if (keep > 0) {
        System.arraycopy(buf, keep, buf, 0, end - keep);
        base += keep;
        pos -= keep;
        end -= keep;
        if (mark >= 0) {
          mark -= keep;
        }
      }
      if (end == buf.length) {
        if (buf.length >= MAX_BUFFER) {
          throw GiveUp.INSTANCE; // a value larger than the worker ever decodes
        }
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      int n = channel.read(ByteBuffer.wrap(buf, end, buf.length - end), base + end);
      if (n < 0) {
        eof = true;
        return false;
      }
      if (n > 0) {
        checksum(base + end, n);
        end += n;
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------
  // decoding

  /** The text of string content {@code [from, to)} (checked by {@link #string()}). */
  private String decode(int from, int to, int flags) {
    if ((flags & ESCAPED) == 0) {
      return new String(
          buf,
          from,
          to - from,
          (flags & NON_ASCII) == 0 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }
    StringBuilder out = new StringBuilder(to - from);
    int run = from;
    int p = from;
    while (p < to) {
      if (buf[p] != '\\') {
        p++;
        continue;
      }
      out.append(new String(buf, run, p - run, StandardCharsets.UTF_8));
      byte x = buf[p + 1];
      switch (x) {
        case 'u' -> {
          out.append(
              (char) Integer.parseInt(new String(buf, p + 2, 4, StandardCharsets.US_ASCII), 16));
          p += 6;
        }
        case 'b' -> {
          out.append('\b');
          p += 2;
        }
        case 'f' -> {
          out.append('\f');
          p += 2;
        }
        case 'n' -> {
          out.append('\n');
          p += 2;
        }
        case 'r' -> {
          out.append('\r');
          p += 2;
        }
        case 't' -> {
          out.append('\t');
          p += 2;
        }
        default -> {
          out.append((char) x);
          p += 2;
        } // " \ /
      }
      run = p;
    }
    out.append(new String(buf, run, to - run, StandardCharsets.UTF_8));
    return out.toString();
  }

  /**
   * One {@link TextNode} per distinct short value: the agents, statuses and types a filter looks at
   * repeat across a board, so most tasks cost a lookup, not a String.
   */
  private static final class TextCache {
    private static final int SLOTS = 1024; // a power of two; at most half used
    private static final int MAX_BYTES = 64;
    private final byte[][] keys = new byte[SLOTS][];
    private final TextNode[] nodes = new TextNode[SLOTS];
    private int used;

    TextNode get(byte[] b, int from, int to, boolean nonAscii) {
      int length = to - from;
      if (length > MAX_BYTES) {
        return NODES.textNode(text(b, from, to, nonAscii));
      }
      int h = 1;
      for (int i = from; i < to; i++) {
        h = 31 * h + b[i];
      }
      int i = (h * 0x9E3779B9) >>> 22; // 10 bits
      while (keys[i] != null) {
        if (keys[i].length == length && Arrays.equals(keys[i], 0, length, b, from, to)) {
          return nodes[i];
        }
        i = (i + 1) & (SLOTS - 1);
      }
      TextNode node = NODES.textNode(text(b, from, to, nonAscii));
      if (used < SLOTS / 2) {
        keys[i] = Arrays.copyOfRange(b, from, to);
        nodes[i] = node;
        used++;
      }
      return node;
    }

    private static String text(byte[] b, int from, int to, boolean nonAscii) {
      return new String(
          b, from, to - from, nonAscii ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }
  }
}
