package dev.taskboard.devops.journal;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The journal file: JSON lines, appended and forced to disk one event at a time, before the board
 * says the thing happened. Each line is sealed ({@link Seal}) under a key kept beside it, so that a
 * line edited, or appended by anyone but the worker, is reported and ignored — never acted on. A
 * line that cannot be used, torn by a crash mid-append or not sealed, is skipped with a warning
 * naming file:line; it never stops the reader.
 */
public final class JournalFile implements Closeable {
  private static final String KEY_FILE = "journal.key";

  private final Path file;
  private final FileChannel out;
  private final Seal seal;
  private String lastMac;
  private long lastSeq;
  private long end; // the file's size after the worker's last write

  private JournalFile(Path file, FileChannel out, Seal seal, String lastMac, long lastSeq)
      throws IOException {
    this.file = file;
    this.out = out;
    this.seal = seal;
    this.lastMac = lastMac;
    this.lastSeq = lastSeq;
    this.end = out.size();
  }

  /** What a read found: the usable events in file order, and a warning per skipped line. */
  public record Read(List<JournalEvent> events, List<String> warnings) {
    public Read {
      events = List.copyOf(events);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * Reads the sealed events of {@code file} with the key beside it; a missing file is an empty
   * journal. Without a key (a reader that may not see the state dir's key) nothing verifies.
   */
  public static Read read(Path file) throws IOException {
    return scan(file, key(file).map(Seal::new)).read();
  }

  /**
   * Reads every event of {@code file} without checking seals: for {@code report} run by a user who
   * cannot read the worker's key, and for moving an earlier version's unsealed journal.
   */
  public static Read readUnverified(Path file) throws IOException {
    return scan(file, Optional.empty()).read();
  }

  /** The key kept beside {@code journal}, if there is one this process can read. */
  private static Optional<byte[]> key(Path journal) throws IOException {
    Path key = journal.resolveSibling(KEY_FILE);
    if (!Files.isReadable(key)) {
      return Optional.empty();
    }
    byte[] bytes = Files.readAllBytes(key);
    return bytes.length == 32 ? Optional.of(bytes) : Optional.empty();
  }

  /** The key beside {@code journal}, made (32 random bytes, mode 0600) when there is none. */
  private static byte[] keyOrNew(Path journal) throws IOException {
    Optional<byte[]> existing = key(journal);
    if (existing.isPresent()) {
      return existing.get();
    }
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path file = journal.resolveSibling(KEY_FILE);
    Path temp = journal.resolveSibling("." + KEY_FILE + ".tmp");
    Files.deleteIfExists(temp);
    Files.createFile(
        temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(temp, key);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    return key;
  }

  /** One pass over the file: events, warnings, and where the chain ends. */
  private record Scan(
      List<JournalEvent> events, List<String> warnings, String lastMac, long lastSeq) {
    Read read() {
      return new Read(events, warnings);
    }
  }

  private static Scan scan(Path file, Optional<Seal> seal) throws IOException {
    List<JournalEvent> events = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    if (!Files.exists(file)) {
      return new Scan(events, warnings, "", 0);
    }
    // Decoded leniently: a line torn inside a multi-byte character must only make that line
    // unusable, not the whole journal.
    String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    String lastMac = "";
    long lastSeq = 0;
    String previousClaim = "";
    int number = 0;
    for (String line : text.split("\n", -1)) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      String where = file + ":" + number + ": ";
      Optional<Seal.Sealed> sealed = Seal.split(line);
      String claim = sealed.map(Seal.Sealed::mac).orElse("");
      String problem = null;
      Map<String, Object> map = null;
      try {
        map = JSON.std.mapFrom(line);
      } catch (IOException | IllegalStateException notJson) {
        problem = "not a whole JSON object: torn by a crash, or edited";
      }
      if (problem == null && seal.isPresent()) {
        long seq = map.get("seq") instanceof Number n ? n.longValue() : -1;
        if (sealed.isEmpty()) {
          problem = "not sealed by this worker: written by someone else; ignored";
        } else if (seal.get().verifies(sealed.get(), lastMac) && seq > lastSeq) {
          lastMac = claim;
          lastSeq = seq;
        } else if (seal.get().verifies(sealed.get(), previousClaim) && seq > lastSeq) {
          warnings.add(where + "the lines before it are missing or were edited");
          lastMac = claim;
          lastSeq = seq;
        } else {
          problem = "its seal does not match: edited, copied or written by someone else; ignored";
        }
      }
      previousClaim = claim;
      if (problem == null) {
        try {
          events.add(Codec.fromMap(map));
          continue;
        } catch (IllegalArgumentException unusable) {
          problem = unusable.getMessage();
        }
      }
      warnings.add(where + "skipped a journal line it cannot use (" + problem + ")");
    }
    return new Scan(events, warnings, lastMac, lastSeq);
  }

  /**
   * Opens {@code file} for appending, creating it, its directory and its key. A last line without
   * its line ending (a crash mid-append) is ended first, so the next event starts a line of its
   * own.
   */
  public static JournalFile append(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    return append(file, keyOrNew(file));
  }

  private static JournalFile append(Path file, byte[] key) throws IOException {
    Seal seal = new Seal(key);
    Scan chain = scan(file, Optional.of(seal));
    boolean torn = endsTorn(file);
    FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    try {
      if (torn) {
        write(out, new byte[] {'\n'});
      }
      return new JournalFile(file, out, seal, chain.lastMac(), chain.lastSeq());
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /**
   * Seals an earlier version's unsealed journal in place (its events taken as they are, once, when
   * the worker moves it out of the project); lines it cannot use are dropped. Returns the warnings.
   */
  public static List<String> sealUnsealed(Path file) throws IOException {
    Read old = readUnverified(file);
    Path temp = file.resolveSibling("." + file.getFileName() + ".sealing");
    Files.deleteIfExists(temp);
    Files.createFile(temp);
    try (JournalFile sealed = append(temp)) {
      for (JournalEvent e : old.events()) {
        sealed.write(e);
      }
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return old.warnings();
  }

  /**
   * Replaces {@code file} with {@code events}, sealed under its key: a temp file renamed over it,
   * so a crash leaves either the old journal or the new one.
   */
  public static void rewrite(Path file, List<JournalEvent> events) throws IOException {
    Path temp = file.resolveSibling("." + file.getFileName() + ".rewriting");
    Files.deleteIfExists(temp);
    Files.createFile(temp);
    try (JournalFile out = append(temp, keyOrNew(file))) {
      for (JournalEvent e : events) {
        out.write(e);
      }
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Whether the file's last byte is not a line ending (Java opens no channel READ + APPEND). */
  private static boolean endsTorn(Path file) throws IOException {
    if (!Files.exists(file)) {
      return false;
    }
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      if (size == 0) {
        return false;
      }
      ByteBuffer last = ByteBuffer.allocate(1);
      in.read(last, size - 1);
      return last.get(0) != '\n';
    }
  }

  public Path file() {
    return file;
  }

  /** Appends {@code event} as one sealed line and forces it to disk. */
  public synchronized void write(JournalEvent event) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>(Codec.toMap(event));
    m.put("seq", lastSeq + 1);
    String line = seal.seal(JSON.std.asString(m), lastMac);
    // Another process may have appended since (a torn line without its line ending): the worker's
    // line must start a line of its own, or it is glued to that one and lost on every read.
    boolean foreignTail = out.size() != end && endsTorn(file);
    write(out, ((foreignTail ? "\n" : "") + line + "\n").getBytes(StandardCharsets.UTF_8));
    out.force(false);
    end = out.size();
    lastSeq++;
    lastMac = Seal.split(line).orElseThrow().mac();
  }

  private static void write(FileChannel out, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
