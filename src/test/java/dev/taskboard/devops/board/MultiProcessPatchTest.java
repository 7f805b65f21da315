package dev.taskboard.devops.board;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.testing.WatchingReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight real processes patch different entries of one board at the same time through {@code board
 * patch}, while a reader keeps parsing whatever the file holds.
 */
class MultiProcessPatchTest {
  private static final int PROCESSES = 8;
  private static final int CALLS = 20;

  /** Entry {@code 3p} and {@code 3p+1} belong to process {@code p}; {@code 3p+2} nobody touches. */
  private static final int ENTRIES = 3 * PROCESSES;

  private static final Set<Integer> PATCHED =
      IntStream.range(0, ENTRIES).filter(i -> i % 3 != 2).boxed().collect(Collectors.toSet());

  /** Plain Jackson, as any other agent would read the board. */
  private static final ObjectMapper JACKSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void patch_eightProcessesOnDifferentEntries_loseNoUpdateAndNeverExposeAHalfWrittenBoard()
      throws Exception {
    Path board = Files.createDirectory(dir.resolve(".plan")).resolve("tasks.json");
    byte[] original = board().getBytes(UTF_8);
    Files.write(board, original);
    BoardPoller poller = new BoardPoller(board);
    Thread reader = new Thread(poller, "board-poller");

    try (poller) {
      runPatchLoops(board, poller, reader);
    }
    reader.join(TimeUnit.SECONDS.toMillis(30));

    assertFalse(reader.isAlive(), "the reader did not stop");
    assertEquals(0, poller.failures, "unparseable version seen by the reader:\n" + poller.failure);
    assertTrue(poller.reads > 0, "reads: " + poller.reads);
    assertTrue(
        poller.versions > 1,
        "the reader saw only " + poller.versions + " version(s) in " + poller.reads + " reads");
    assertTrue(poller.updatesOnlyGrew, "a version had fewer updates than one read before it");
    byte[] done = Files.readAllBytes(board);
    assertEveryUpdateLanded(original, done);
    assertEquals(outside(original, PATCHED), outside(done, PATCHED));
    try (Stream<Path> beside = Files.list(board.getParent())) {
      assertEquals(
          List.of("tasks.json", "tasks.json.devops-lock"),
          beside.map(f -> f.getFileName().toString()).sorted().toList(),
          "files beside the board");
    }
  }

  /**
   * Starts every PatchLoop, waits until all are ready and the reader has read the board once, lets
   * them all go at once and waits for each to exit 0.
   */
  private void runPatchLoops(Path board, BoardPoller poller, Thread reader) throws Exception {
    List<Process> processes = new ArrayList<>();
    try {
      for (int p = 0; p < PROCESSES; p++) {
        processes.add(startPatchLoop(board, p));
      }
      for (int p = 0; p < PROCESSES; p++) {
        awaitReady(processes.get(p), p);
      }
      reader.start();
      assertTrue(poller.firstRead.await(30, TimeUnit.SECONDS), "the reader never read the board");
      for (Process process : processes) {
        try (Writer go = new OutputStreamWriter(process.getOutputStream(), UTF_8)) {
          go.write("go\n");
        }
      }
      for (int p = 0; p < PROCESSES; p++) {
        Process process = processes.get(p);
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), "PatchLoop " + p + " did not finish");
        assertEquals(0, process.exitValue(), "PatchLoop " + p + " failed: " + stderrOf(p));
      }
    } finally {
      processes.stream().filter(Process::isAlive).forEach(Process::destroyForcibly);
    }
  }

  /**
   * Every call's field and every process's last counter are in the final board, the patched
   * entries' other fields are as they were, and their original bytes are still there up to the last
   * original member.
   */
  private static void assertEveryUpdateLanded(byte[] original, byte[] done) throws IOException {
    JsonNode before = JACKSON.readTree(original);
    JsonNode after = JACKSON.readTree(done);
    assertEquals(ENTRIES, after.size());
    assertEquals(PROCESSES * CALLS, BoardPoller.countUpdates(after), "call fields in the board");
    List<String> originalEntries = entries(original);
    List<String> doneEntries = entries(done);
    for (int p = 0; p < PROCESSES; p++) {
      for (int k = 0; k < 2; k++) {
        int index = 3 * p + k;
        ObjectNode entry = (ObjectNode) after.get(index).deepCopy();
        int last = -1;
        for (int n = k; n < CALLS; n += 2) {
          String field = PatchLoop.callField(p, n);
          assertEquals(n, entry.path(field).asInt(-1), entry.get("id") + " " + field);
          entry.remove(field);
          last = n;
        }
        assertEquals(last, entry.path("counter_" + p).asInt(-1), entry.get("id") + " counter");
        entry.remove("counter_" + p);
        assertEquals(before.get(index), entry, "fields the patches did not name");
        String kept = originalEntries.get(index);
        kept = kept.substring(0, kept.lastIndexOf('}')).stripTrailing();
        assertTrue(
            doneEntries.get(index).startsWith(kept),
            "the patches rewrote bytes of the entry they extend:\n" + doneEntries.get(index));
      }
    }
  }

  /**
   * Reads the board once before the first write and then each time its directory changes, until
   * closed after the last writer exited, and parses every version it sees (a version read again
   * unchanged is not parsed again). It blocks on file events instead of spinning, so eight writers
   * on two cores keep the CPU.
   */
  private static final class BoardPoller extends WatchingReader {
    final Path board;
    int reads;
    int versions;
    int failures;
    String failure;
    boolean updatesOnlyGrew = true;
    private int lastUpdates;
    private byte[] last;

    BoardPoller(Path board) throws IOException {
      super(board);
      this.board = board;
    }

    @Override
    protected void read() {
      reads++;
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(board);
      } catch (IOException e) {
        record("read failed: " + e);
        return;
      }
      if (!Arrays.equals(bytes, last)) {
        versions++;
        parse(bytes);
        last = bytes;
      }
    }

    private void parse(byte[] bytes) {
      JsonNode tasks;
      try {
        tasks = JACKSON.readTree(bytes);
      } catch (IOException e) {
        record(e.getMessage() + "\n" + new String(bytes, UTF_8));
        return;
      }
      if (!tasks.isArray() || tasks.size() != ENTRIES) {
        record(
            bytes.length
                + " bytes, not an array of "
                + ENTRIES
                + " tasks:\n"
                + new String(bytes, UTF_8));
        return;
      }
      int updates = countUpdates(tasks);
      updatesOnlyGrew &= updates >= lastUpdates;
      lastUpdates = updates;
    }

    private void record(String what) {
      failures++;
      if (failure == null) {
        failure = what;
      }
    }

    private static int countUpdates(JsonNode tasks) {
      int n = 0;
      for (JsonNode task : tasks) {
        Iterator<String> names = task.fieldNames();
        while (names.hasNext()) {
          n += names.next().matches("p\\d+_call\\d+") ? 1 : 0;
        }
      }
      return n;
    }
  }

  private Process startPatchLoop(Path board, int proc) throws IOException {
    List<String> command = new ArrayList<>(javaCommand(PatchLoop.class));
    command.add(board.toString());
    command.add(Integer.toString(proc));
    command.add(Integer.toString(CALLS));
    command.add(id(3 * proc));
    command.add(id(3 * proc + 1));
    return new ProcessBuilder(command)
        .redirectError(dir.resolve("patchloop-" + proc + ".err").toFile())
        .start();
  }

  private void awaitReady(Process process, int proc) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
    String line = out.readLine();
    if (!"ready".equals(line)) {
      fail("PatchLoop " + proc + " did not start (" + line + "): " + stderrOf(proc));
    }
  }

  private String stderrOf(int proc) {
    try {
      return Files.readString(dir.resolve("patchloop-" + proc + ".err"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** The JVM running this test, with the test class path, starting {@code main}. */
  static List<String> javaCommand(Class<?> main) {
    String java = ProcessHandle.current().info().command().orElse(null);
    assertNotNull(java, "cannot tell which java runs this test");
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    // C1 only and a small serial heap: these JVMs live for a second or two on two cores.
    return List.of(
        java,
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-Xmx96m",
        "-cp",
        classPath,
        main.getName());
  }

  /** The file with the task entries at {@code patched} indexes replaced by a marker. */
  static String outside(byte[] file, Set<Integer> patched) throws IOException {
    StringBuilder out = new StringBuilder();
    int from = 0;
    List<int[]> spans = spans(file);
    for (int i = 0; i < spans.size(); i++) {
      if (patched.contains(i)) {
        out.append(new String(file, from, spans.get(i)[0] - from, UTF_8));
        out.append("<entry ").append(i).append('>');
        from = spans.get(i)[1];
      }
    }
    return out.append(new String(file, from, file.length - from, UTF_8)).toString();
  }

  /** The text of each task entry of a board whose top level is the task array. */
  private static List<String> entries(byte[] file) throws IOException {
    List<String> entries = new ArrayList<>();
    for (int[] span : spans(file)) {
      entries.add(new String(file, span[0], span[1] - span[0], UTF_8));
    }
    return entries;
  }

  /** The byte span {@code [start, end)} of each task entry. */
  private static List<int[]> spans(byte[] file) throws IOException {
    List<int[]> spans = new ArrayList<>();
    try (JsonParser p = JACKSON.createParser(file)) {
      assertEquals(JsonToken.START_ARRAY, p.nextToken());
      while (p.nextToken() == JsonToken.START_OBJECT) {
        int start = Math.toIntExact(p.currentTokenLocation().getByteOffset());
        p.skipChildren();
        spans.add(new int[] {start, Math.toIntExact(p.currentLocation().getByteOffset())});
      }
    }
    return spans;
  }

  private static String id(int index) {
    return String.format("TASK-%03d", index + 1);
  }

  /**
   * A board as agents leave it: entries in four layouts (two-space, inline, four-space with {@code
   * " : "}, tabs), blank lines, unicode escapes and raw non-ASCII text, fields nobody patches.
   */
  private static String board() {
    StringBuilder b = new StringBuilder("[\n");
    for (int i = 0; i < ENTRIES; i++) {
      String id = id(i);
      String entry =
          switch (i % 4) {
            case 0 ->
                "  {\n"
                    + "    \"id\": \""
                    + id
                    + "\",\n"
                    + "    \"type\": \"deployment_staging\",\n"
                    + "    \"status\": \"pending\",\n"
                    + "    \"agent\": \"DevOps-Engineer\",\n"
                    + "    \"payload\": {\n"
                    + "      \"title\": \"Caf\\u00e9 \\\"quoted\\\" \\\\ path\",\n"
                    + "      \"depends_on\": [\"TASK-000\"]\n"
                    + "    }\n"
                    + "  }";
            case 1 ->
                "  {\"id\": \""
                    + id
                    + "\", \"type\": \"bug_fix\", \"status\": \"in_progress\","
                    + " \"agent\": \"Task-Coder\", \"priority_score\": 4.20}";
            case 2 ->
                "    {\n"
                    + "        \"id\" : \""
                    + id
                    + "\",\n"
                    + "        \"type\" : \"infrastructure_update\",\n"
                    + "        \"status\" : \"blocked\",\n"
                    + "        \"payload\" : { \"title\" : \"Déploiement — étape 2\" },\n"
                    + "        \"result\" : null\n"
                    + "    }";
            default ->
                "\t{\n"
                    + "\t\t\"id\": \""
                    + id
                    + "\",\n"
                    + "\t\t\"type\": \"monitoring_setup\",\n"
                    + "\t\t\"status\": \"done\",\n"
                    + "\t\t\"created_at\": \"2024-05-01T10:00:00Z\"\n"
                    + "\t}";
          };
      b.append(entry).append(i < ENTRIES - 1 ? "," : "").append(i % 5 == 4 ? "\n\n" : "\n");
    }
    return b.append("]\n").toString();
  }
}
