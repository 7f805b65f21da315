package dev.taskboard.devops.hitl;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.taskboard.devops.testing.WatchingReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four real processes escalate at the same time through the lock, while a reader parses every
 * version of the file it is woken for.
 */
class MultiProcessEscalateTest {
  private static final int PROCESSES = 4;
  private static final int CALLS = 10;

  @TempDir Path dir;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void escalate_fourProcessesAtOnce_loseNoEntry_giveUniqueIds_andNeverExposeABrokenFile()
      throws Exception {
    Path file = dir.resolve("human-requests.md");
    HumanRequests requests = new HumanRequests(file, HumanRequestsTest.CLOCK);
    requests.createIfMissing();
    String template = Files.readString(file);
    Reader reader = new Reader(file);
    Thread thread = new Thread(reader, "requests-reader");

    try (reader) {
      runLoops(file, reader, thread);
    }
    thread.join(TimeUnit.SECONDS.toMillis(30));

    assertFalse(thread.isAlive(), "the reader did not stop");
    assertEquals(List.of(), reader.failures, "versions the reader could not use");
    assertTrue(reader.versions > 1, "the reader saw " + reader.versions + " version(s)");
    List<Entry> entries = requests.entries();
    assertEquals(PROCESSES * CALLS, entries.size());
    assertEquals(
        IntStream.rangeClosed(1, PROCESSES * CALLS)
            .mapToObj(n -> String.format("HITL-%03d", n))
            .collect(Collectors.toSet()),
        entries.stream().map(Entry::id).collect(Collectors.toSet()));
    Set<String> keys = new HashSet<>();
    for (int p = 0; p < PROCESSES; p++) {
      for (int n = 0; n < CALLS; n++) {
        keys.add(EscalateLoop.key(p, n));
      }
    }
    assertEquals(
        keys, entries.stream().map(e -> e.key().orElseThrow()).collect(Collectors.toSet()));
    assertTrue(entries.stream().allMatch(e -> e.byWorker() && e.section() == Section.PENDING));
    assertEquals(
        PROCESSES * CALLS,
        entries.stream().map(e -> e.ref().orElseThrow().nonce()).distinct().count(),
        "every entry has a nonce of its own");
    String done = Files.readString(file);
    String anchor = "_Requests awaiting human response or action_\n";
    int at = template.indexOf(anchor) + anchor.length();
    assertTrue(done.startsWith(template.substring(0, at)), "bytes before the entries changed");
    assertTrue(done.endsWith(template.substring(at)), "bytes after the entries changed");
  }

  /** Starts every loop, waits until all are ready and the reader has read once, then lets go. */
  private void runLoops(Path file, Reader reader, Thread thread) throws Exception {
    List<Process> processes = new ArrayList<>();
    try {
      for (int p = 0; p < PROCESSES; p++) {
        processes.add(
            new ProcessBuilder(
                    Jvm.command(
                        EscalateLoop.class,
                        file.toString(),
                        Integer.toString(p),
                        Integer.toString(CALLS)))
                .redirectError(dir.resolve("loop-" + p + ".err").toFile())
                .start());
      }
      for (int p = 0; p < PROCESSES; p++) {
        String line =
            new BufferedReader(new InputStreamReader(processes.get(p).getInputStream(), UTF_8))
                .readLine();
        if (!"ready".equals(line)) {
          fail("EscalateLoop " + p + " did not start (" + line + "): " + stderrOf(p));
        }
      }
      thread.start();
      assertTrue(reader.firstRead.await(30, TimeUnit.SECONDS), "the reader never read the file");
      for (Process process : processes) {
        try (Writer go = new OutputStreamWriter(process.getOutputStream(), UTF_8)) {
          go.write("go\n");
        }
      }
      for (int p = 0; p < PROCESSES; p++) {
        Process process = processes.get(p);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "EscalateLoop " + p + " did not finish");
        assertEquals(0, process.exitValue(), "EscalateLoop " + p + " failed: " + stderrOf(p));
      }
    } finally {
      processes.stream().filter(Process::isAlive).forEach(Process::destroyForcibly);
    }
  }

  private String stderrOf(int proc) {
    try {
      return Files.readString(dir.resolve("loop-" + proc + ".err"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /**
   * Reads the file once and then each time its directory changes, until closed, and checks every
   * new version: valid UTF-8, the three sections, unique ids, whole worker entries, and never fewer
   * entries than the version before. It blocks on file events instead of spinning.
   */
  private static final class Reader extends WatchingReader {
    final HumanRequests requests;
    final List<String> failures = new ArrayList<>();
    int versions;
    private int lastCount;
    private String last;

    Reader(Path file) throws IOException {
      super(file);
      this.requests = new HumanRequests(file, HumanRequestsTest.CLOCK);
    }

    @Override
    protected void read() {
      try {
        String text = Files.readString(requests.file());
        if (text.equals(last)) {
          return;
        }
        last = text;
        versions++;
        check(text, requests.entries());
      } catch (IOException | RuntimeException e) {
        failures.add(e.toString());
      }
    }

    private void check(String text, List<Entry> entries) {
      Set<Section> sections = EnumSet.noneOf(Section.class);
      Document.parse(text).sections.forEach(s -> sections.add(s.section()));
      Set<String> ids = new HashSet<>();
      boolean whole = true;
      for (Entry e : entries) {
        ids.add(e.id());
        whole &= e.byWorker() && e.field("Human Response").isPresent();
      }
      if (!sections.containsAll(EnumSet.of(Section.PENDING, Section.IN_PROGRESS, Section.RESOLVED))
          || ids.size() != entries.size()
          || !whole
          || entries.size() < lastCount) {
        failures.add(
            entries.size() + " entries after " + lastCount + ", ids " + ids + ":\n" + text);
      }
      lastCount = entries.size();
    }
  }
}
