package dev.taskboard.devops.fuzz;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

/**
 * The harness the fuzz tests share: how many cases ({@code -Dfuzz.cases=N}, per property test),
 * which seeds ({@code -Dfuzz.seed=S}; case {@code i} uses seed {@code S + i}, so {@code
 * -Dfuzz.seed=<seed in a failure> -Dfuzz.cases=1} replays one case), and random edits of bytes.
 */
final class Fuzz {
  static final long DEFAULT_SEED = 20261121L;

  /** One case: throws on a violated property. */
  interface Case {
    void run(long seed) throws Exception;
  }

  private Fuzz() {}

  /** {@code -Dfuzz.cases} when given, else the CI-sized default of the calling test. */
  static int cases(int ciDefault) {
    String given = System.getProperty("fuzz.cases", "").strip();
    return given.isEmpty() ? ciDefault : Integer.parseInt(given);
  }

  static long baseSeed() {
    String given = System.getProperty("fuzz.seed", "").strip();
    return given.isEmpty() ? DEFAULT_SEED : Long.parseLong(given);
  }

  /**
   * Runs {@code n} cases, each bounded by {@code perCase}; a failure names its seed and how to
   * replay it.
   */
  static void run(String property, int ciDefault, Duration perCase, Case body) {
    int n = cases(ciDefault);
    long base = baseSeed();
    for (int i = 0; i < n; i++) {
      long seed = base + i;
      String replay =
          property
              + " failed for seed "
              + seed
              + " (replay: -Dfuzz.seed="
              + seed
              + " -Dfuzz.cases=1)";
      try {
        assertTimeoutPreemptively(perCase, () -> body.run(seed), () -> replay + ": timed out");
      } catch (Throwable t) {
        throw new AssertionError(replay + ": " + t, t);
      }
    }
  }

  /** A message that is one line: no line breaks of any kind. */
  static boolean oneLine(String message) {
    return message != null && message.chars().noneMatch(c -> c == '\n' || c == '\r');
  }

  static <T> T pick(Random r, T[] items) {
    return items[r.nextInt(items.length)];
  }

  private static final String[] SNIPPETS = {
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    ":",
    " ",
    "\n",
    "\r\n",
    "\t",
    "\\",
    "\\u",
    "\\u00e9",
    "\\ud83d",
    "null",
    "true",
    "false",
    "0",
    "-1",
    "1e999",
    "1.50",
    "\"id\"",
    "\"task_id\"",
    "\"status\"",
    "\"tasks\"",
    "\"master\"",
    "\"x\":",
    "é",
    "部署",
    "🚀",
    "\uFEFF",
    "#",
    "##",
    "###",
    "```",
    "~~~",
    "- ",
    "**",
    "<!--",
    "-->",
    "\u0000",
    "\u2028",
    "HITL-",
    "settings",
    "sh"
  };

  /** A few random bytes: structural snippets, random UTF-8 characters or invalid bytes. */
  static byte[] junk(Random r) {
    return switch (r.nextInt(4)) {
      case 0, 1 -> pick(r, SNIPPETS).getBytes(StandardCharsets.UTF_8);
      case 2 -> randomText(r, 1 + r.nextInt(4)).getBytes(StandardCharsets.UTF_8);
      default -> {
        byte[] b = new byte[1 + r.nextInt(3)];
        for (int i = 0; i < b.length; i++) {
          // continuation bytes, overlong leads, 0xFE/0xFF, or anything
          b[i] =
              (byte)
                  switch (r.nextInt(4)) {
                    case 0 -> 0x80 + r.nextInt(0x40);
                    case 1 -> 0xC0 + r.nextInt(2);
                    case 2 -> 0xF5 + r.nextInt(11);
                    default -> r.nextInt(256);
                  };
        }
        yield b;
      }
    };
  }

  /** Random characters from all over Unicode (valid code points, no lone surrogates). */
  static String randomText(Random r, int length) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int cp =
          switch (r.nextInt(6)) {
            case 0 -> r.nextInt(0x20);
            case 1, 2 -> 0x20 + r.nextInt(0x5f);
            case 3 -> 0xA0 + r.nextInt(0x700);
            case 4 -> 0x4E00 + r.nextInt(0x500);
            default -> 0x1F300 + r.nextInt(0x300);
          };
      b.appendCodePoint(cp);
    }
    return b.toString();
  }

  /** {@code bytes} with 1 to {@code max} random edits: insert, delete, replace, truncate. */
  static byte[] mutate(Random r, byte[] bytes, int max) {
    byte[] b = bytes;
    int edits = 1 + r.nextInt(max);
    for (int e = 0; e < edits; e++) {
      int at = b.length == 0 ? 0 : r.nextInt(b.length + 1);
      switch (r.nextInt(8)) {
        case 0, 1, 2 -> b = splice(b, at, at, junk(r));
        case 3, 4 -> {
          int len = Math.min(b.length - at, 1 + r.nextInt(r.nextBoolean() ? 4 : 64));
          b = splice(b, at, at + Math.max(0, len), new byte[0]);
        }
        case 5, 6 -> {
          int len = Math.min(b.length - at, 1 + r.nextInt(3));
          b = splice(b, at, at + Math.max(0, len), junk(r));
        }
        default -> b = splice(b, at, b.length, new byte[0]);
      }
    }
    return b;
  }

  static byte[] splice(byte[] b, int from, int to, byte[] with) {
    byte[] out = new byte[b.length - (to - from) + with.length];
    System.arraycopy(b, 0, out, 0, from);
    System.arraycopy(with, 0, out, from, with.length);
    System.arraycopy(b, to, out, from + with.length, b.length - to);
    return out;
  }

  static String show(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8).replace("\r", "\\r").replace("\n", "\\n\n");
  }
}
