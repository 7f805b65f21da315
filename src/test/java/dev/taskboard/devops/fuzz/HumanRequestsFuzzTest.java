package dev.taskboard.devops.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskboard.devops.hitl.Entry;
import dev.taskboard.devops.hitl.Escalation;
import dev.taskboard.devops.hitl.HumanRequests;
import dev.taskboard.devops.hitl.Priority;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property-based fuzzing of human-requests.md: files from random fragments (section headings with
 * and without emoji, entries in both field styles, HITL/REQ ids, key comments, code fences, random
 * bytes, CRLF, BOM).
 *
 * <ul>
 *   <li>{@code entries()} returns or throws an IOException with a one-line message;
 *   <li>{@code escalate} then {@code entries()} finds the new entry with its key, and the original
 *       file is the new one minus one inserted run of bytes;
 *   <li>after a human answers, {@code resolve} keeps the answer and every other line.
 * </ul>
 */
class HumanRequestsFuzzTest {
  private static final int CI_CASES = 300;
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

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

  @Test
  void entriesEscalateAndResolveKeepEveryOtherByte() {
    Fuzz.run("human-requests fuzz", CI_CASES, Duration.ofSeconds(10), this::oneCase);
    System.out.println(
        "human-requests fuzz: "
            + Fuzz.cases(CI_CASES)
            + " cases passed; escalate skipped in "
            + openFenceSkips.get()
            + " files ending in an open fence (known bug)");
  }

  private static final java.util.concurrent.atomic.AtomicInteger openFenceSkips =
      new java.util.concurrent.atomic.AtomicInteger();

  private void oneCase(long seed) throws Exception {
    Random r = new Random(seed);
    Path file = dir.resolve("human-requests.md");
    byte[] original = document(r);
    Files.write(file, original);
    HumanRequests requests = new HumanRequests(file, CLOCK);
    String shown = "\n--- file ---\n" + Fuzz.show(original);

    // entries(): a list or a one-line IOException; the file is never touched by reading
    try {
      requests.entries();
    } catch (IOException e) {
      assertTrue(
          Fuzz.oneLine(e.getMessage()), "entries(): not one line: " + e.getMessage() + shown);
      assertTrue(e.getMessage().startsWith(file.toString()), "entries(): " + e.getMessage());
    } catch (RuntimeException e) {
      throw new AssertionError("entries() threw " + e + shown, e);
    }
    assertArrayEquals(original, Files.readAllBytes(file), "entries() changed the file" + shown);

    if (endsInOpenFence(new String(original, StandardCharsets.UTF_8))) {
      // An entry after an unclosed fence would be read as code: escalate refuses, in one line.
      openFenceSkips.incrementAndGet();
      IOException refused =
          assertThrows(IOException.class, () -> requests.escalate(escalation(r)), shown);
      assertTrue(Fuzz.oneLine(refused.getMessage()), refused.getMessage() + shown);
      assertArrayEquals(original, Files.readAllBytes(file), "a refused escalate wrote" + shown);
      return;
    }
    // escalate(): finds its entry again; the original is a subsequence split at one point
    Escalation escalation = escalation(r);
    Entry made;
    try {
      made = requests.escalate(escalation);
    } catch (IOException e) {
      assertTrue(Fuzz.oneLine(e.getMessage()), "escalate: not one line: " + e.getMessage() + shown);
      assertArrayEquals(original, Files.readAllBytes(file), "failed escalate changed the file");
      return;
    } catch (RuntimeException e) {
      throw new AssertionError("escalate(" + escalation + ") threw " + e + shown, e);
    }
    byte[] escalated = Files.readAllBytes(file);
    assertEquals(
        Optional.of(escalation.key()), made.key(), "escalate returned another key" + shown);
    List<Entry> after = requests.entries();
    Entry found =
        after.stream()
            .filter(e -> e.line() == made.line() && e.id().equals(made.id()))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("escalate's entry " + made.id() + " not found" + shown));
    assertTrue(found.open(), "the escalated entry is not open: " + found + shown);
    assertEquals(made.key(), found.key(), "the entry read back has another key" + shown);
    if (new String(original, StandardCharsets.UTF_8)
        .equals(new String(escalated, StandardCharsets.UTF_8))) {
      return; // an open entry with this key was already there
    }
    assertOneInsertion(original, escalated, shown);
    assertTrue(found.byWorker(), "new entry is not the worker's: " + found + shown);
    assertEquals(Section.PENDING, found.section(), "new entry is not pending" + shown);

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
    requests.resolve(made.id(), "did it " + Fuzz.randomText(r, 3));
    String resolved = Files.readString(file);
    String shownAnswered = "\n--- answered ---\n" + answered + "\n--- resolved ---\n" + resolved;
    Entry done =
        requests.entries().stream()
            .filter(e -> e.id().equals(made.id()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("resolved entry lost" + shownAnswered));
    assertEquals(Section.RESOLVED, done.section(), "entry not in Resolved" + shownAnswered);
    assertEquals(
        Optional.of(response.strip()), done.response(), "response changed" + shownAnswered);
    // every line but the entry's Status line is kept, in order
    List<String> kept = lines(answered);
    int entryStart = lines(answered.substring(0, heading)).size();
    kept.removeIf(line -> line.equals("- **Status**: Pending"));
    List<String> outside = new ArrayList<>();
    List<String> inside = new ArrayList<>();
    List<String> all = lines(answered);
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).equals("- **Status**: Pending")) {
        continue;
      }
      boolean inEntry = i >= entryStart && i <= entryStart + entryLength(all, entryStart);
      (inEntry ? inside : outside).add(all.get(i));
    }
    assertSubsequence(outside, lines(resolved), "lines outside the entry" + shownAnswered);
    assertSubsequence(inside, lines(resolved), "lines of the entry" + shownAnswered);
    assertTrue(kept.size() <= lines(resolved).size(), "resolve dropped lines" + shownAnswered);
  }

  /**
   * Found by this fuzzer (seed 20261122): when human-requests.md ends inside a code fence that is
   * never closed, the entry (and the section heading) escalate appends land inside the fence, so
   * the re-parse finds no entry and escalate throws NoSuchElementException (Document.entry(id)
   * .orElseThrow() in HumanRequests.escalate) instead of writing or refusing with one line.
   */
  @Test
  void escalateIntoAFileEndingInAnOpenFence() throws IOException {
    Path file = dir.resolve("human-requests.md");
    Files.writeString(file, "```\n");
    HumanRequests requests = new HumanRequests(file, CLOCK);
    Escalation e =
        new Escalation(
            "TASK-1/approval", "Title", "Deployment Approval", Priority.HIGH, "", "q?", List.of());
    Entry made;
    try {
      made = requests.escalate(e);
    } catch (IOException refused) {
      assertTrue(Fuzz.oneLine(refused.getMessage()), refused.getMessage());
      assertEquals("```\n", Files.readString(file));
      return;
    }
    assertTrue(
        requests.entries().stream().anyMatch(x -> x.id().equals(made.id())),
        "escalate's entry cannot be read back");
  }

  /** Whether the text ends inside a fenced code block, by Document's rule. */
  static boolean endsInOpenFence(String text) {
    java.util.regex.Pattern fencePattern = java.util.regex.Pattern.compile("^ {0,3}(`{3,}|~{3,})");
    String fence = null;
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    for (String line : body.split("\r?\n", -1)) {
      java.util.regex.Matcher f = fencePattern.matcher(line);
      if (fence != null) {
        if (f.find()
            && f.group(1).charAt(0) == fence.charAt(0)
            && f.group(1).length() >= fence.length()
            && line.substring(f.end()).isBlank()) {
          fence = null;
        }
      } else if (f.find()) {
        fence = f.group(1);
      }
    }
    return fence != null;
  }

  /** How many lines after its heading the worker's entry runs (to its answered placeholder). */
  private static int entryLength(List<String> lines, int heading) {
    for (int i = heading + 1; i < lines.size(); i++) {
      if (lines.get(i).startsWith("  - ")
          && i > 0
          && lines.get(i - 1).startsWith("- **Human Response**")) {
        return i - heading;
      }
    }
    return lines.size() - heading;
  }

  private static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    for (String l : text.replace("\uFEFF", "").split("\r?\n", -1)) {
      if (!l.isBlank()) {
        out.add(l);
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
      switch (r.nextInt(12)) {
        case 0, 1 -> b.append(Fuzz.pick(r, SECTIONS)).append(eol);
        case 2, 3 -> {
          b.append("### ").append(Fuzz.pick(r, IDS));
          b.append(Fuzz.pick(r, new String[] {": ", " — ", " - ", " ", ""}));
          b.append(Fuzz.randomText(r, r.nextInt(8)).replaceAll("[\\r\\n]", "")).append(eol);
          if (r.nextBoolean()) {
            b.append("<!-- devops-worker key=\"")
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
