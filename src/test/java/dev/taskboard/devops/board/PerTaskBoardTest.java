package dev.taskboard.devops.board;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.taskboard.devops.files.LockedUpdate;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.testing.ForeignWrite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-task board on the seed team's own files (src/test/resources/seed, see SOURCES.md):
 * detection, lifting from payload, reads that open only candidate files, byte-exact writes of the
 * file and its index entry, repair, hostile ids, new tasks, and writers that ignore the lock.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PerTaskBoardTest {
  static final Path SEED = Path.of("src/test/resources/seed");

  @TempDir Path dir;
  @TempDir Path logs;

  /** Copies the seed's {@code .demo/.plan} (or {@code .plan}); task files older than the index. */
  static Path copySeed(String plan, Path into) throws IOException {
    Path from = SEED.resolve(plan);
    Path to = into.resolve(plan);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    Path tasks = to.resolve("tasks");
    Instant old = Instant.parse("2025-09-15T08:30:00Z");
    try (Stream<Path> files = Files.list(tasks)) {
      for (Path f : files.toList()) {
        Files.setLastModifiedTime(f, FileTime.from(old));
      }
    }
    Files.setLastModifiedTime(tasks.resolve("index.json"), FileTime.from(old.plusSeconds(60)));
    return tasks;
  }

  private static Map<String, byte[]> bytesOf(Path tasks) throws IOException {
    Map<String, byte[]> all = new TreeMap<>();
    try (Stream<Path> files = Files.list(tasks)) {
      for (Path f : files.toList()) {
        if (!f.getFileName().toString().endsWith(".devops-lock")) {
          all.put(f.getFileName().toString(), Files.readAllBytes(f));
        }
      }
    }
    return all;
  }

  /** Records every file a read opens. */
  private static final class Opened implements Board.Hooks {
    final List<String> names = new ArrayList<>();

    @Override
    public void betweenAttributesAndOpen(Path file) {
      names.add(file.getFileName().toString());
    }
  }

  @Test
  void detection_directoryOrItsIndexIsPerTask_fileIsSingle() throws IOException {
    Path tasks = copySeed(".demo/.plan", dir);
    Files.writeString(dir.resolve("tasks.json"), "[]\n");

    assertInstanceOf(PerTaskBoard.class, Board.at(tasks));
    assertInstanceOf(PerTaskBoard.class, Board.at(tasks.resolve("index.json")));
    assertInstanceOf(SingleFileBoard.class, Board.at(dir.resolve("tasks.json")));
    assertEquals(tasks, BoardLayout.resolve(dir.resolve(".demo/.plan"), Map.of()));
    assertEquals(tasks, BoardLayout.resolve(null, Map.of("DEVOPS_WORKER_BOARD", tasks.toString())));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Board.open(tasks, ArrayPath.parse("$.tasks")),
            "a task array path means nothing to a per-task board");
    assertTrue(e.getMessage().contains("--tasks-path"), e.getMessage());
  }

  @Test
  void detection_bothLayoutsInOnePlanDirectory_isRefusedNamingBothAndTheFlag() throws IOException {
    Path tasks = copySeed(".demo/.plan", dir);
    Path single = dir.resolve(".demo/.plan/tasks.json");
    Files.writeString(single, "[]\n");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BoardLayout.resolve(dir.resolve(".demo/.plan"), Map.of()));

    assertTrue(e.getMessage().contains(tasks.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(single.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("--board"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void read_liftsTypeAndPriorityFromPayload_andTakesTheTopLevelFirst() throws IOException {
    Path tasks = copySeed(".demo/.plan", dir);
    copySeed(".plan", dir);

    JsonNode demo = Board.at(tasks).get("T-DEMO-1").json();
    JsonNode migrated = Board.at(dir.resolve(".plan/tasks")).get("T-101").json();

    assertEquals("feature_dashboard", demo.path("type").asText());
    assertEquals("high", demo.path("priority").asText());
    assertEquals("feature_dashboard", demo.path("payload").path("type").asText());
    assertEquals("deployment_staging", migrated.path("type").asText());
    assertEquals(
        List.of("T-DEMO-3"),
        Board.at(tasks).select(TaskFilter.parse("@.type == 'test_ui_smoke'")).stream()
            .map(Task::id)
            .toList());
  }

  @Test
  void read_opensOnlyTheFilesOfCandidateTasks() throws IOException {
    Path tasks = copySeed(".demo/.plan", dir);
    Opened opened = new Opened();
    Board board = Board.open(tasks, ArrayPath.auto(), new Board.Options(10, opened));

    List<Task> testers = board.select(TaskFilter.parse("@.agent == 'Tester'"));
    assertEquals(List.of("T-DEMO-3"), testers.stream().map(Task::id).toList());
    assertEquals(List.of("index.json", "T-DEMO-3.json"), opened.names);

    opened.names.clear();
    assertEquals(List.of(), board.select(TaskFilter.defaultFilter()));
    assertEquals(List.of("index.json"), opened.names, "no entry is the worker's: no file opened");

    opened.names.clear();
    Files.setLastModifiedTime(
        tasks.resolve("T-DEMO-1.json"), FileTime.from(Instant.parse("2025-09-16T00:00:00Z")));
    board.select(TaskFilter.parse("@.agent == 'Tester'"));
    assertEquals(
        List.of("index.json", "T-DEMO-1.json", "T-DEMO-3.json"),
        opened.names,
        "a file written after the index may say more than its entry: opened");
  }

  @Test
  void read_opensTheFileWhenTheEntryLacksAFieldTheFilterReads() throws IOException {
    Path tasks = copySeed(".plan", dir);
    Opened opened = new Opened();
    Board board = Board.open(tasks, ArrayPath.auto(), new Board.Options(10, opened));

    List<Task> found = board.select(TaskFilter.parse("@.type == 'infrastructure_update'"));

    assertEquals(List.of("T-1758352000123"), found.stream().map(Task::id).toList());
    assertEquals(List.of("index.json", "T-1758352000123.json"), opened.names);
  }

  @Test
  void patch_writesTheFileThenItsEntry_byteExact_andNothingElse() throws IOException {
    Path tasks = copySeed(".demo/.plan", dir);
    Map<String, byte[]> before = bytesOf(tasks);

    Task written =
        Board.at(tasks)
            .patch(
                "T-DEMO-3",
                Patch.empty()
                    .set("status", TextNode.valueOf("in_progress"))
                    .expect("status", TextNode.valueOf("pending")));

    Map<String, byte[]> after = bytesOf(tasks);
    String file = new String(after.get("T-DEMO-3.json"), UTF_8);
    String stamp = Json.parse(file).path("updated_at").asText();
    assertTrue(stamp.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), stamp);
    assertEquals(
        new String(before.get("T-DEMO-3.json"), UTF_8)
            .replace("\"status\": \"pending\"", "\"status\": \"in_progress\"")
            .replace("2025-09-15T08:30:00Z", stamp),
        file);
    String index = new String(before.get("index.json"), UTF_8);
    int entry = index.indexOf("\"task_id\": \"T-DEMO-3\"");
    String expectedIndex =
        index.substring(0, entry)
            + index
                .substring(entry)
                .replaceFirst("\"status\": \"pending\"", "\"status\": \"in_progress\"")
                .replaceFirst("2025-09-15T08:30:00Z", stamp);
    assertEquals(expectedIndex, new String(after.get("index.json"), UTF_8));
    for (String name : List.of("T-DEMO-1.json", "T-DEMO-2.json")) {
      assertArrayEquals(before.get(name), after.get(name), name);
    }
    assertEquals(
        Set.of("index.json", "T-DEMO-1.json", "T-DEMO-2.json", "T-DEMO-3.json"), after.keySet());
    assertEquals("in_progress", written.text("status"));
    assertEquals("test_ui_smoke", written.text("type"), "the task as the board shows it");
    assertTrue(Files.exists(tasks.resolve("index.json.devops-lock")), "one lock for the directory");
    assertFalse(Files.exists(tasks.resolve("T-DEMO-3.json.devops-lock")));
  }

  @Test
  void patch_ofATaskWithNoStatusAnywhere_stillMirrorsWhatChanged() throws IOException {
    Path tasks = copySeed(".demo/.plan", dir);
    Files.writeString(
        tasks.resolve("T-BARE.json"), "{\"task_id\": \"T-BARE\", \"title\": \"Old\"}\n");
    String index = Files.readString(tasks.resolve("index.json"));
    int end = index.lastIndexOf('}') + 1;
    Files.writeString(
        tasks.resolve("index.json"),
        index.substring(0, end)
            + ",\n  {\"task_id\": \"T-BARE\", \"title\": \"Old\"}"
            + index.substring(end));

    Board.at(tasks).patch("T-BARE", Patch.empty().set("title", TextNode.valueOf("New")));

    assertEquals(
        "{\"task_id\": \"T-BARE\", \"title\": \"New\"}\n",
        Files.readString(tasks.resolve("T-BARE.json")));
    assertTrue(
        Files.readString(tasks.resolve("index.json"))
            .contains("{\"task_id\": \"T-BARE\", \"title\": \"New\"}"),
        "the entry mirrors the new title, and gains no status the task does not have");
  }

  @Test
  void patch_failedExpectation_writesNeitherFile() throws IOException {
    Path tasks = copySeed(".demo/.plan", dir);
    Map<String, byte[]> before = bytesOf(tasks);

    assertThrows(
        ExpectationFailedException.class,
        () ->
            Board.at(tasks)
                .patch(
                    "T-DEMO-2",
                    Patch.empty()
                        .set("status", TextNode.valueOf("done"))
                        .expect("status", TextNode.valueOf("pending"))));

    Map<String, byte[]> after = bytesOf(tasks);
    assertEquals(before.keySet(), after.keySet());
    before.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), name));
  }

  @Test
  void disagreement_isReported_andRepairedFromTheFile() throws IOException {
    Path tasks = copySeed(".demo/.plan", dir);
    Path index = tasks.resolve("index.json");
    String original = Files.readString(index);
    Files.writeString(
        index,
        original.replaceFirst("\"status\": \"implementation_done\"", "\"status\": \"done\""));
    Files.setLastModifiedTime(index, FileTime.from(Instant.parse("2025-09-15T08:31:00Z")));
    Board board = Board.at(tasks);

    Board.Selection read = board.read(TaskFilter.parse("@.agent == 'Code-Reviewer'"), Set.of());

    assertEquals(
        List.of(
            new Board.Disagreement("T-DEMO-2", "status", "\"done\"", "\"implementation_done\"")),
        read.disagreements());
    assertEquals("implementation_done", read.statuses().get("T-DEMO-2"), "the file is the truth");
    assertEquals(1, board.repairIndex(Set.of("T-DEMO-2")));
    String repaired = Files.readString(index);
    assertTrue(repaired.contains("\"status\": \"implementation_done\""), repaired);
    int entry = repaired.indexOf("\"task_id\": \"T-DEMO-2\"");
    assertEquals(
        original.substring(0, entry), repaired.substring(0, entry), "other entries untouched");
    assertEquals(
        List.of(),
        board.read(TaskFilter.parse("@.agent == 'Code-Reviewer'"), Set.of()).disagreements());
    assertEquals(0, board.repairIndex(Set.of("T-DEMO-2")), "nothing left to repair");
  }

  @Test
  void hostileAndBrokenEntries_areRefusedAlone_neverGuessed() throws IOException {
    Path tasks = copySeed(".demo/.plan", dir);
    Files.writeString(dir.resolve(".demo/.plan/evil.json"), "{\"task_id\": \"../evil\"}");
    Files.writeString(tasks.resolve("T-GONE.json.bak"), "{}");
    Files.writeString(tasks.resolve("T-BROKEN.json"), "{\"task_id\": \"T-BROKEN\", ");
    Files.writeString(tasks.resolve("T-OTHER.json"), "{\"task_id\": \"T-DEMO-1\"}");
    Files.writeString(tasks.resolve("T-ARRAY.json"), "[]");
    Files.createSymbolicLink(tasks.resolve("T-LINK.json"), tasks.resolve("T-DEMO-1.json"));
    String longId = "T-" + "9".repeat(200);
    List<String> hostile =
        List.of(
            "../evil",
            "a/b",
            "index",
            ".hidden",
            "tab\tid",
            longId,
            "T-GONE",
            "T-BROKEN",
            "T-OTHER",
            "T-ARRAY",
            "T-LINK");
    StringBuilder index = new StringBuilder(Files.readString(tasks.resolve("index.json")));
    index.setLength(index.lastIndexOf("]"));
    for (String id : hostile) {
      index.insert(
          index.lastIndexOf("}") + 1,
          ",\n  {\"task_id\": "
              + Json.compact(TextNode.valueOf(id))
              + ", \"status\": \"pending\", \"agent\": \"Tester\"}");
    }
    index.append("]\n");
    Files.writeString(tasks.resolve("index.json"), index);

    Board board = Board.at(tasks);
    Board.Selection read = board.read(TaskFilter.parse("@.agent == 'Tester'"), Set.of());

    assertEquals(List.of("T-DEMO-3"), read.tasks().stream().map(Task::id).toList());
    Map<String, String> refused = new HashMap<>();
    read.refused().forEach(r -> refused.put(r.id(), r.getMessage()));
    assertEquals(Set.copyOf(hostile), refused.keySet(), refused.toString());
    refused.values().forEach(m -> assertEquals(1, m.lines().count(), m));
    assertTrue(refused.get("T-GONE").contains("does not exist"), refused.get("T-GONE"));
    assertTrue(refused.get("T-OTHER").contains("holds task T-DEMO-1"), refused.get("T-OTHER"));
    assertTrue(refused.get("T-LINK").contains("symbolic link"), refused.get("T-LINK"));
    assertTrue(refused.get("../evil").contains("path separator"), refused.get("../evil"));
    assertTrue(refused.get("index").contains("index itself"), refused.get("index"));
    Map<String, byte[]> before = bytesOf(tasks);
    for (String id : List.of("../evil", "index", "T-GONE", "T-OTHER", "T-LINK")) {
      assertThrows(
          BoardException.class,
          () -> board.patch(id, Patch.empty().set("status", TextNode.valueOf("done"))),
          id);
    }
    BoardException other =
        assertThrows(
            BoardException.class,
            () -> board.patch("T-OTHER", Patch.empty().set("title", TextNode.valueOf("x"))));
    assertTrue(other.getMessage().contains("holds task T-DEMO-1"), other.getMessage());
    Map<String, byte[]> after = bytesOf(tasks);
    assertEquals(before.keySet(), after.keySet());
    before.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), name));
    assertEquals(
        "{\"task_id\": \"../evil\"}", Files.readString(dir.resolve(".demo/.plan/evil.json")));
  }

  @Test
  void add_newFileInTheNewestFilesStyle_andAnEntry_underAnIdNoEntryOrFileHas() throws IOException {
    Path tasks = copySeed(".plan", dir);
    Files.writeString(tasks.resolve("T-1758352000124.json"), "{\"task_id\": \"stray\"}");
    Map<String, byte[]> before = bytesOf(tasks);
    ObjectNode task = Json.MAPPER.createObjectNode();
    task.put("title", "Rotate the signing key")
        .put("status", "pending")
        .put("agent", "DevOps-Engineer")
        .putObject("payload")
        .put("type", "infrastructure_update")
        .put("priority", "high");

    Task added = Board.at(tasks).add(task);

    assertEquals("T-1758352000125", added.id());
    Map<String, byte[]> after = bytesOf(tasks);
    String file = new String(after.get("T-1758352000125.json"), UTF_8);
    assertEquals(
        "{\n"
            + "  \"task_id\": \"T-1758352000125\",\n"
            + "  \"title\": \"Rotate the signing key\",\n"
            + "  \"status\": \"pending\",\n"
            + "  \"agent\": \"DevOps-Engineer\",\n"
            + "  \"payload\": {\n"
            + "    \"type\": \"infrastructure_update\",\n"
            + "    \"priority\": \"high\"\n"
            + "  }\n"
            + "}",
        file,
        "the newest file's style: 2 spaces, no final newline");
    JsonNode entries = Json.parse(new String(after.get("index.json"), UTF_8));
    JsonNode entry = entries.get(entries.size() - 1);
    assertEquals("T-1758352000125", entry.path("task_id").asText());
    assertEquals("infrastructure_update", entry.path("type").asText());
    assertEquals("high", entry.path("priority").asText());
    assertEquals("Rotate the signing key", entry.path("title").asText());
    String index = new String(before.get("index.json"), UTF_8);
    assertTrue(
        new String(after.get("index.json"), UTF_8)
            .startsWith(index.substring(0, index.length() - 2)),
        "the entry is appended; the entries before it are untouched");
    for (String name : before.keySet()) {
      if (!name.equals("index.json")) {
        assertArrayEquals(before.get(name), after.get(name), name);
      }
    }
    assertEquals("infrastructure_update", Board.at(tasks).get("T-1758352000125").text("type"));
  }

  @Test
  void addIfAbsent_findsTheTaskInItsFile_andAddsNothing() throws IOException {
    Path tasks = copySeed(".demo/.plan", dir);
    ObjectNode task = Json.MAPPER.createObjectNode();
    task.put("title", "Follow-up").put("status", "pending").put("agent", "Tester");
    task.putObject("payload").put("followup_key", "T-DEMO-3:smoke");
    Board board = Board.at(tasks);

    Task first = board.addIfAbsent(task, "payload.followup_key");
    Map<String, byte[]> once = bytesOf(tasks);
    Task again = board.addIfAbsent(task, "payload.followup_key");

    assertEquals("T-DEMO-4", first.id());
    assertEquals("T-DEMO-4", again.id());
    Map<String, byte[]> twice = bytesOf(tasks);
    assertEquals(once.keySet(), twice.keySet());
    once.forEach((name, bytes) -> assertArrayEquals(bytes, twice.get(name), name));
  }

  @Test
  void patch_survivesWritersIgnoringTheLock_onTheFileAndOnTheIndex() throws IOException {
    Path tasks = copySeed(".demo/.plan", dir);
    Path file = tasks.resolve("T-DEMO-3.json");
    Path index = tasks.resolve("index.json");
    ForeignWrite onFile = foreign("rename", file, "T-DEMO-3", "reviewed_by", "\"Code-Reviewer\"");
    ForeignWrite onIndex = foreign("inplace", index, "T-DEMO-1", "title", "\"Renamed\"");
    Board board =
        Board.open(
            tasks,
            ArrayPath.auto(),
            new Board.Options(
                LockedUpdate.ATTEMPTS,
                new Board.Hooks() {
                  @Override
                  public void beforeCheck(Path real) {
                    if (real.getFileName().toString().equals("T-DEMO-3.json")) {
                      onFile.run();
                    } else {
                      onIndex.run();
                    }
                  }
                }));

    board.patch(
        "T-DEMO-3",
        Patch.empty()
            .set("status", TextNode.valueOf("in_progress"))
            .expect("status", TextNode.valueOf("pending")));

    assertEquals(0, onFile.exitCode, onFile.output);
    assertEquals(0, onIndex.exitCode, onIndex.output);
    assertEquals(2, onFile.calls, "one check saw the foreign file, the second attempt wrote");
    assertEquals(2, onIndex.calls, "one check saw the foreign index, the second attempt wrote");
    JsonNode task = Json.parse(Files.readString(file));
    assertEquals("in_progress", task.path("status").asText());
    assertEquals("Code-Reviewer", task.path("reviewed_by").asText(), "the foreign edit is kept");
    JsonNode entries = Json.parse(Files.readString(index));
    assertEquals("Renamed", entries.get(0).path("title").asText(), "the foreign edit is kept");
    assertEquals("in_progress", entries.get(2).path("status").asText());
    try (Stream<Path> files = Files.list(tasks)) {
      assertEquals(
          List.of(),
          files
              .map(f -> f.getFileName().toString())
              .filter(n -> n.startsWith(".") || n.endsWith("~"))
              .toList(),
          "no temp file left");
    }
  }

  private ForeignWrite foreign(String mode, Path file, String... args) {
    List<String> command = new ArrayList<>(MultiProcessPatchTest.javaCommand(ForeignWriter.class));
    command.add(mode);
    command.add(file.toString());
    command.addAll(List.of(args));
    return new ForeignWrite(command, file, logs.resolve(file.getFileName() + ".log"));
  }

  @Test
  void stamp_changesWhenAnyTaskFileChanges() throws IOException {
    Path tasks = copySeed(".demo/.plan", dir);
    Board board = Board.at(tasks);
    var before = board.stamp();

    Files.setLastModifiedTime(
        tasks.resolve("T-DEMO-2.json"), FileTime.from(Instant.parse("2025-09-17T00:00:00Z")));

    assertFalse(before.sameAttributes(board.stamp()));
    assertEquals(tasks.toRealPath(), board.watched().dir());
    assertTrue(board.watched().names().test("T-DEMO-2.json"));
    assertFalse(board.watched().names().test("index.json.devops-lock"));
  }
}
