package dev.taskboard.devops.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskboard.devops.hitl.Entry;
import dev.taskboard.devops.hitl.EntryRef;
import dev.taskboard.devops.hitl.Escalation;
import dev.taskboard.devops.hitl.HumanRequests;
import dev.taskboard.devops.hitl.HumanRequestsException;
import dev.taskboard.devops.hitl.Lookup;
import dev.taskboard.devops.hitl.Priority;
import dev.taskboard.devops.hitl.Reading;
import dev.taskboard.devops.hitl.Section;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property-based fuzzing of human-requests.md: files from random fragments (section headings with
 * and without emoji, entries in both field styles, HITL/REQ ids, old key comments and new marks,
 * HTML comments (some never closed), code fences (some unterminated), random bytes, CRLF, BOM).
 *
 * <ul>
 *   <li>{@code read()} never throws: Ok, or Unreadable with a one-line message naming the file;
 *       {@code entries()} returns or throws an IOException with that same line;
 *   <li>{@code escalate} appends a new entry (never adopts one) or refuses in one line without
 *       writing; the entry it returns is found again by its id and nonce, open, the worker's, and
 *       the original file is the new one minus one inserted run of bytes;
 *   <li>after a human answers, {@code resolve} (or a one-line refusal that writes nothing) keeps
 *       the answer, every line of the original file and every line of the entry but its Status.
 * </ul>
 */
class HumanRequestsFuzzTest {
  private static final int CI_CASES = 300;
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
  private static final Pattern STATUS_PENDING =
      Pattern.compile("^(?:- \\*\\*Status\\*\\*:|\\*\\*Status:\\*\\*) Pending$");

  private static final String[] SECTIONS = {
    "## 🔄 Pending Requests",
    "## Pending Requests",
    "## pending",
    "## 🚀 In Progress",
    "## In-Progress",
    "## ✅ Resolved",
    "## Resolved Requests",
    "## How to answer",
    "## Request Types",
    "# Human Requests",
    "#### Pending",
    "##"
  };
  private static final String[] IDS = {
    "HITL-001", "HITL-002", "HITL-7", "HITL-0999", "REQ-12", "REQ-001", "hitl-003", "X-1", "HITL-"
  };
  private static final String[] KEYS = {"TASK-1/approval", "TASK-2/evidence", "k", "a\"b<c>&d"};
  private static final String[] NONCES = {
    "00000000000000000000000000000000", "0123456789abcdef0123456789abcdef", "xyz"
  };
  private static final String[] COMMENTS = {
    "<!-- a note -->",
    "<!--",
    "-->",
    "<!-- ### HITL-050: hidden -->",
    "text <!--",
    "<div>",
    "</div>"
  };
  private static final String[] FIELDS = {
    "Type",
    "Priority",
    "Submitted By",
    "Task ID",
    "Question",
    "Context",
    "Status",
    "Human Response",
    "Worker Note",
    "Actions Taken",
    "Resolved Date"
  };
  private static final String[] VALUES = {
    "DevOps-Engineer",
    "Deployment Approval",
    "High",
    "Pending",
    "In Progress",
    "Resolved",
    "approve",
    "_(Please add your response here)_",
    "",
    "TASK-1"
  };

  @TempDir Path dir;

  private final AtomicInteger refusedEscalations = new AtomicInteger();
  private final AtomicInteger refusedResolves = new AtomicInteger();

  @Test
  void entriesEscalateAndResolveKeepEveryOtherByte() {
    Fuzz.run("human-requests fuzz", CI_CASES, Duration.ofSeconds(10), this::oneCase);
    System.out.println(
        "human-requests fuzz: "
            + Fuzz.cases(CI_CASES)
            + " cases passed; escalate refused in "
            + refusedEscalations.get()
            + " and resolve in "
            + refusedResolves.get()
            + " files (not UTF-8, or an unclosed code block or HTML comment would take the entry"
            + " in)");
  }

  private void oneCase(long seed) throws Exception {
    Random r = new Random(seed);
    Path file = dir.resolve("human-requests.md");
    byte[] original = document(r);
    Files.write(file, original);
    HumanRequests requests = new HumanRequests(file, CLOCK);
    String shown = "\n--- file ---\n" + Fuzz.show(original);

    // read() never throws; entries() returns or throws the same one line; neither writes
    Reading reading;
    try {
      reading = requests.read();
    } catch (RuntimeException e) {
      throw new AssertionError("read() threw " + e + shown, e);
    }
    if (reading instanceof Reading.Unreadable unreadable) {
      assertTrue(Fuzz.oneLine(unreadable.message()), "read(): " + unreadable.message() + shown);
      assertTrue(unreadable.message().startsWith(file.toString()), unreadable.message());
      IOException e = assertThrows(IOException.class, requests::entries, shown);
      assertEquals(unreadable.message(), e.getMessage(), shown);
    } else {
      assertEquals(((Reading.Ok) reading).requests().entries(), requests.entries(), shown);
    }
    assertArrayEquals(original, Files.readAllBytes(file), "reading changed the file" + shown);

    // escalate(): a new entry found again by id and nonce; the original split at one point
    Escalation escalation = escalation(r);
    Entry made;
    try {
      made = requests.escalate(escalation);
    } catch (IOException e) {
      assertTrue(Fuzz.oneLine(e.getMessage()), "escalate: not one line: " + e.getMessage() + shown);
      assertTrue(e.getMessage().startsWith(file.toString()), "escalate: " + e.getMessage());
      assertArrayEquals(original, Files.readAllBytes(file), "failed escalate changed the file");
      refusedEscalations.incrementAndGet();
      return;
    } catch (RuntimeException e) {
      throw new AssertionError("escalate(" + escalation + ") threw " + e + shown, e);
    }
    byte[] escalated = Files.readAllBytes(file);
    assertEquals(
        Optional.of(escalation.key()), made.key(), "escalate returned another key" + shown);
    EntryRef ref = made.ref().orElseThrow(() -> new AssertionError("no nonce" + shown));
    Lookup lookup = ((Reading.Ok) requests.read()).requests().find(ref);
    Entry found =
        lookup.mine().orElseThrow(() -> new AssertionError("not found again: " + lookup + shown));
    assertEquals(made, found, "the entry read back differs" + shown);
    assertTrue(found.open() && found.byWorker() && found.section() == Section.PENDING, shown);
    assertOneInsertion(original, escalated, shown);

    // a human answers (replaces the placeholder), then resolve()
    String text = new String(escalated, StandardCharsets.UTF_8);
    String placeholder = "_(Please add your response here)_";
    int heading = 0;
    for (int line = 1; line < found.line(); line++) {
      heading = text.indexOf('\n', heading) + 1;
    }
    assertTrue(text.startsWith("### " + made.id() + ":", heading), "entry line is off" + shown);
    int at = text.indexOf(placeholder, heading);
    assertTrue(heading >= 0 && at > heading, "new entry has no placeholder" + shown);
    String response = response(r);
    String answered = text.substring(0, at) + response + text.substring(at + placeholder.length());
    Files.writeString(file, answered);
    try {
      requests.resolve(ref, "did it " + Fuzz.randomText(r, 3));
    } catch (HumanRequestsException e) {
      assertTrue(Fuzz.oneLine(e.getMessage()), "resolve: not one line: " + e.getMessage() + shown);
      assertEquals(answered, Files.readString(file), "failed resolve changed the file" + shown);
      refusedResolves.incrementAndGet();
      return;
    }
    String resolved = Files.readString(file);
    String shownAnswered = "\n--- answered ---\n" + answered + "\n--- resolved ---\n" + resolved;
    Entry done =
        requests.entries().stream()
            .filter(e -> e.ref().equals(Optional.of(ref)))
            .findFirst()
            .orElseThrow(() -> new AssertionError("resolved entry lost" + shownAnswered));
    assertEquals(Section.RESOLVED, done.section(), "entry not in Resolved" + shownAnswered);
    assertEquals(
        Optional.of(response.strip()), done.response(), "response changed" + shownAnswered);
    // every line of the original file is kept, in order; so is every line of the entry but Status
    // (the entry runs from its heading to its placeholder, the last line the worker writes in it)
    String inserted = text.substring(heading, at) + response;
    List<String> entryLines = lines(inserted);
    entryLines.removeIf(line -> STATUS_PENDING.matcher(line).matches());
    assertSubsequence(
        lines(new String(original, StandardCharsets.UTF_8)),
        lines(resolved),
        "lines outside the entry" + shownAnswered);
    assertSubsequence(entryLines, lines(resolved), "lines of the entry" + shownAnswered);
  }

  /**
   * The non-blank lines, each without a final carriage return: a file ending in a lone CR gets a LF
   * after it from an append, which makes it a CRLF line ending and changes no byte.
   */
  private static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    for (String l : text.replace("\uFEFF", "").split("\n", -1)) {
      String line = l.replaceFirst("\r+$", "");
      if (!line.isBlank()) {
        out.add(line);
      }
    }
    return out;
  }

  private static void assertSubsequence(List<String> part, List<String> whole, String what) {
    int j = 0;
    for (String line : part) {
      while (j < whole.size() && !whole.get(j).equals(line)) {
        j++;
      }
      if (j == whole.size()) {
        throw new AssertionError(what + ": line lost or reordered: " + line);
      }
      j++;
    }
  }

  /**
   * Found by this fuzzer (seed 20261122): when human-requests.md ends inside a code fence that is
   * never closed, the entry escalate appends lands inside the fence, and escalate threw
   * NoSuchElementException instead of writing or refusing with one line.
   */
  @Test
  void escalateIntoAFileEndingInAnOpenFence_refusesInOneLine() throws IOException {
    Path file = dir.resolve("human-requests.md");
    Files.writeString(file, "```\n");
    HumanRequests requests = new HumanRequests(file, CLOCK);
    Escalation e =
        new Escalation(
            "TASK-1/approval", "Title", "Deployment Approval", Priority.HIGH, "", "q?", List.of());

    IOException refused = assertThrows(IOException.class, () -> requests.escalate(e));

    assertEquals(
        file
            + ":1:1: a ``` code block opened here is never closed; close it so new requests can be"
            + " added",
        refused.getMessage());
    assertEquals("```\n", Files.readString(file));
  }

  private static void assertOneInsertion(byte[] before, byte[] after, String shown) {
    assertTrue(after.length > before.length, "escalate did not grow the file" + shown);
    int prefix = 0;
    while (prefix < before.length && before[prefix] == after[prefix]) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < before.length - prefix
        && before[before.length - 1 - suffix] == after[after.length - 1 - suffix]) {
      suffix++;
    }
    assertEquals(
        before.length,
        prefix + suffix,
        "escalate changed bytes of the original (kept "
            + prefix
            + " bytes before and "
            + suffix
            + " after one insertion point)"
            + shown
            + "\n--- after ---\n"
            + Fuzz.show(after));
  }

  // --- generation ---

  private static Escalation escalation(Random r) {
    String key =
        r.nextInt(3) == 0
            ? Fuzz.pick(r, KEYS)
            : "TASK-"
                + r.nextInt(100)
                + "/"
                + Fuzz.randomText(r, 1 + r.nextInt(6)).replaceAll("\\p{Cc}", "");
    if (key.isBlank()) {
      key = "k";
    }
    List<String> context = new ArrayList<>();
    for (int i = r.nextInt(3); i > 0; i--) {
      context.add(Fuzz.randomText(r, r.nextInt(20)));
    }
    return new Escalation(
        key,
        "Title " + Fuzz.randomText(r, r.nextInt(10)),
        Fuzz.pick(r, new String[] {"Deployment Approval", "Missing Evidence", "Runbook Missing"}),
        Priority.values()[r.nextInt(4)],
        r.nextBoolean() ? "" : "TASK-" + r.nextInt(50),
        Fuzz.randomText(r, r.nextInt(40)),
        context);
  }

  private static String response(Random r) {
    String alphabet = "abcdefghijklmnopqrstuvwxyzABC0123456789 .,!?é部🚀:'\"()<>/";
    StringBuilder b = new StringBuilder("answer");
    int n = r.nextInt(20);
    for (int i = 0; i < n; i++) {
      b.appendCodePoint(
          alphabet.codePointAt(
              alphabet.offsetByCodePoints(
                  0, r.nextInt(alphabet.codePointCount(0, alphabet.length())))));
    }
    return b.toString().strip();
  }

  static byte[] document(Random r) {
    String eol = r.nextInt(4) == 0 ? "\r\n" : "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (r.nextInt(8) == 0) {
      out.writeBytes("\uFEFF".getBytes(StandardCharsets.UTF_8));
    }
    int fragments = r.nextInt(16);
    for (int i = 0; i < fragments; i++) {
      StringBuilder b = new StringBuilder();
      switch (r.nextInt(14)) {
        case 0, 1 -> b.append(Fuzz.pick(r, SECTIONS)).append(eol);
        case 2, 3 -> {
          b.append("### ").append(Fuzz.pick(r, IDS));
          b.append(Fuzz.pick(r, new String[] {": ", " — ", " - ", " ", ""}));
          b.append(Fuzz.randomText(r, r.nextInt(8)).replaceAll("[\\r\\n]", "")).append(eol);
          if (r.nextInt(3) == 0) {
            b.append("<!-- devops-worker key=\"")
                .append(Fuzz.pick(r, KEYS))
                .append("\" -->")
                .append(eol);
          } else if (r.nextBoolean()) {
            b.append("<!-- devops-worker entry=\"")
                .append(Fuzz.pick(r, IDS))
                .append("\" nonce=\"")
                .append(Fuzz.pick(r, NONCES))
                .append("\" key=\"")
                .append(Fuzz.pick(r, KEYS))
                .append("\" -->")
                .append(eol);
          }
        }
        case 4, 5, 6 -> {
          String name = Fuzz.pick(r, FIELDS);
          String value =
              r.nextInt(4) == 0 ? Fuzz.randomText(r, r.nextInt(10)) : Fuzz.pick(r, VALUES);
          value = value.replaceAll("[\\r\\n]", " ");
          b.append(r.nextBoolean() ? "- **" + name + "**: " + value : "**" + name + ":** " + value)
              .append(eol);
          if (r.nextInt(4) == 0) {
            b.append("  - ").append(Fuzz.pick(r, VALUES)).append(eol);
          }
        }
        case 7 -> {
          String fence = r.nextBoolean() ? "```" : "~~~";
          b.append(fence).append(r.nextBoolean() ? "md" : "").append(eol);
          b.append(Fuzz.pick(r, SECTIONS)).append(eol);
          if (r.nextInt(4) != 0) {
            b.append(fence).append(eol); // else unterminated
          }
        }
        case 8 -> b.append(Fuzz.pick(r, new String[] {"---", "***", "___", "- - -"})).append(eol);
        case 9 -> b.append(eol);
        case 10 -> b.append(Fuzz.randomText(r, r.nextInt(30))).append(eol);
        case 11, 12 -> b.append(Fuzz.pick(r, COMMENTS)).append(eol);
        default -> {
          out.writeBytes(Fuzz.junk(r));
          continue;
        }
      }
      out.writeBytes(b.toString().getBytes(StandardCharsets.UTF_8));
    }
    byte[] bytes = out.toByteArray();
    return r.nextInt(6) == 0 && bytes.length > 0 ? Fuzz.mutate(r, bytes, 2) : bytes;
  }
}
