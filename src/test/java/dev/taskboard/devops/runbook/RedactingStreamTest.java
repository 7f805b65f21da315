package dev.taskboard.devops.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redaction of output that arrives in pieces: random secrets at random places in random text
 * (carriage returns, line feeds, lines longer than the cut), fed in random pieces. Each case names
 * its seed.
 */
class RedactingStreamTest {
  private static final long SEED = 20261203L;
  private static final String ALPHABET = "abcxyz-_.:/ \t\r\n";

  @TempDir Path dir;

  @Test
  void feed_givesWhatRedactingTheWholeTextGives_wherever_thePiecesEnd() {
    for (int i = 0; i < 5000; i++) {
      long seed = SEED + i;
      Random r = new Random(seed);
      Redactor redactor = Redactor.of(secrets(r), Set.of());
      String text = text(r, r.nextInt(60), redactor, false);

      RedactingStream stream = redactor.stream();
      StringBuilder out = new StringBuilder();
      for (String piece : pieces(r, text)) {
        out.append(stream.feed(piece));
      }
      out.append(stream.finish());

      assertEquals(redactor.redact(text), out.toString(), "seed " + seed);
    }
  }

  @Test
  void feed_holdsBackOnlyWhatMayStillBecomeASecret() {
    RedactingStream stream = Redactor.of(Map.of("API_TOKEN", "tok-123456"), Set.of()).stream();

    assertEquals("deploying\n", stream.feed("deploying\n"));
    assertEquals("pushing with ", stream.feed("pushing with tok-12"));
    assertEquals("*** done\n", stream.feed("3456 done\nto"));
    assertEquals("to", stream.finish());
  }

  /** Through the pump: no secret reaches a log line or the last line, however it is cut. */
  @Test
  void pump_neverWritesASecret_acrossCutsCarriageReturnsOrReads() throws Exception {
    for (int i = 0; i < 40; i++) {
      long seed = SEED * 31 + i;
      Random r = new Random(seed);
      Map<String, String> env = secrets(r);
      Redactor redactor = Redactor.of(env, Set.of());
      String text = text(r, 2 + r.nextInt(12), redactor, true);
      Path log = dir.resolve("attempt-" + i + ".log");

      String lastLine;
      try (StepLog out = StepLog.append(log)) {
        OutputPump pump =
            OutputPump.start(
                new Trickle(text.getBytes(StandardCharsets.UTF_8), r), out, redactor, "t");
        pump.ended().get(60, TimeUnit.SECONDS);
        lastLine = out.lastLine();
      }

      List<String> lines = Files.readAllLines(log);
      assertSameLines(linesOf(redactor.redact(text)), lines, seed);
      for (String secret : env.values()) {
        for (String line : lines) {
          assertFalse(line.contains(secret), "seed " + seed + ": a secret in " + shown(line));
        }
        assertFalse(lastLine.contains(secret), "seed " + seed + ": a secret in the last line");
      }
    }
  }

  private static void assertSameLines(List<String> expected, List<String> actual, long seed) {
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      assertEquals(shown(expected.get(i)), shown(actual.get(i)), "seed " + seed + ", line " + i);
    }
    assertEquals(expected.size(), actual.size(), "seed " + seed + ": number of lines");
  }

  /** A line short enough for a failure message: its length and both ends. */
  private static String shown(String line) {
    return line.length() <= 80
        ? line
        : line.substring(0, 40) + "…(" + line.length() + ")…" + line.substring(line.length() - 40);
  }

  /** Up to four secrets, some sharing prefixes or holding line breaks. */
  private static Map<String, String> secrets(Random r) {
    Map<String, String> env = new LinkedHashMap<>();
    String base = word(r, 4 + r.nextInt(12));
    env.put("A_TOKEN", base);
    if (r.nextBoolean()) {
      env.put("B_TOKEN", base + word(r, 1 + r.nextInt(6))); // the first is its prefix
    }
    if (r.nextBoolean()) {
      env.put("C_SECRET", word(r, 2) + (r.nextBoolean() ? "\r" : "\n") + word(r, 2 + r.nextInt(8)));
    }
    if (r.nextBoolean()) {
      env.put("D_PASSWORD", base.substring(base.length() / 2) + word(r, 4)); // overlaps a suffix
    }
    return env;
  }

  /** Text with the secrets (and their halves) at random places, sometimes past the line cut. */
  private static String text(Random r, int parts, Redactor redactor, boolean longLines) {
    List<String> secrets = new ArrayList<>(redactor.values());
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < parts; i++) {
      switch (r.nextInt(6)) {
        case 0, 1 -> b.append(secrets.get(r.nextInt(secrets.size())));
        case 2 -> {
          String s = secrets.get(r.nextInt(secrets.size()));
          b.append(s, 0, r.nextInt(s.length()));
        }
        case 3 -> b.append("y".repeat(longLines ? OutputPump.MAX_LINE - 3 - r.nextInt(8) : 3));
        default -> b.append(word(r, r.nextInt(20)));
      }
    }
    return b.toString();
  }

  private static String word(Random r, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  private static List<String> pieces(Random r, String text) {
    List<String> pieces = new ArrayList<>();
    for (int i = 0; i < text.length(); ) {
      int n = Math.min(text.length() - i, 1 + r.nextInt(r.nextBoolean() ? 4 : 9000));
      pieces.add(text.substring(i, i + n));
      i += n;
    }
    return pieces;
  }

  /** What the log holds for {@code text}: lines ended by LF, CR or CRLF, cut at MAX_LINE. */
  private static List<String> linesOf(String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n') {
        lines.add(line.toString());
        line.setLength(0);
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
      } else {
        line.append(c);
        if (line.length() == OutputPump.MAX_LINE) {
          lines.add(line.toString());
          line.setLength(0);
        }
      }
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }

  /** A pipe that delivers its bytes a few at a time, as a step's output arrives. */
  private static final class Trickle extends InputStream {
    private final byte[] bytes;
    private final Random r;
    private int at;

    Trickle(byte[] bytes, Random r) {
      this.bytes = bytes;
      this.r = r;
    }

    @Override
    public int read() {
      return at < bytes.length ? bytes[at++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (at >= bytes.length) {
        return -1;
      }
      int n =
          Math.min(Math.min(len, bytes.length - at), 1 + r.nextInt(r.nextBoolean() ? 3 : 20000));
      System.arraycopy(bytes, at, b, off, n);
      at += n;
      return n;
    }
  }
}
