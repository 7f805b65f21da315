package dev.taskboard.devops.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The persisted layout a change uses instead of a full scan: after every write it must equal what a
 * full scan of the new version finds, and a layout that no longer matches the bytes on disk must
 * never be written from.
 */
class BoardIndexTest {
  private static final int CASES = Integer.getInteger("board.cases", 600) / 2;

  @TempDir Path dir;

  @Test
  void afterRandomPatchesAndAdds_theCarriedLayoutEqualsAFullScan() throws IOException {
    for (long seed = 1; seed <= CASES; seed++) {
      try {
        runCase(seed);
      } catch (AssertionError | IOException | RuntimeException e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
    }
  }

  private void runCase(long seed) throws IOException {
    RandomBoards gen = new RandomBoards(seed);
    ArrayNode tasks = gen.tasks();
    Path file = dir.resolve("tasks-" + seed + ".json");
    Files.write(file, gen.render(tasks).getBytes(StandardCharsets.UTF_8));
    Board board = indexed(file, "state-" + seed);
    for (int step = 0; step < 6; step++) {
      List<Slot> slots = FixtureBoardsTest.slots(file);
      byte[] before = Files.readAllBytes(file);
      if (slots.isEmpty() || gen.random().nextInt(3) == 0) {
        ObjectNode task = gen.object(2);
        task.remove(List.of("id", "task_id"));
        board.add(task);
      } else {
        Slot target = slots.get(gen.random().nextInt(slots.size()));
        board.patch(target.id(), randomPatch(gen, target));
      }
      // an append into an empty array is not carried over; a change that changed nothing wrote
      // nothing, so there may be no index yet
      boolean unchanged = Arrays.equals(before, Files.readAllBytes(file));
      assertIndexMatchesScan(file, board, slots.isEmpty() || unchanged);
    }
  }

  private static Patch randomPatch(RandomBoards gen, Slot target) {
    return switch (gen.random().nextInt(5)) {
      case 0 -> Patch.empty().set("status", Json.valueOf("in_progress"));
      case 1 -> Patch.empty().set("result." + gen.key(), gen.value(2));
      case 2 -> Patch.empty().merge(gen.object(3));
      case 3 ->
          Patch.empty()
              .set(target.idKey(), Json.valueOf("\"renamed-" + target.id() + "\""))
              .set("note", Json.valueOf("\"a\\nb\""));
      default -> Patch.empty().set("payload." + gen.key() + "." + gen.key(), gen.value(1));
    };
  }

  @ParameterizedTest
  @MethodSource("dev.taskboard.devops.board.FixtureBoardsTest#boards")
  void fixtureBoards_patchAppendPatch_layoutEqualsAFullScanEachTime(Path fixture)
      throws IOException {
    Path file = dir.resolve(fixture.getFileName());
    Files.copy(fixture, file);
    file.toFile().setWritable(true);
    Board board = indexed(file, "state");
    List<Slot> slots = FixtureBoardsTest.slots(file);
    Slot middle = slots.get(slots.size() / 2);

    board.patch(middle.id(), Patch.empty().set("status", Json.valueOf("indexed ✓")));
    assertIndexMatchesScan(file, board, false);
    ObjectNode task = Json.MAPPER.createObjectNode().put("title", "follow-up ✓ 😅");
    board.add(task);
    assertIndexMatchesScan(file, board, false);
    board.patch(middle.id(), Patch.empty().set("result.summary", Json.valueOf("déployé\r\nok")));
    assertIndexMatchesScan(file, board, false);
  }

  @Test
  void inPlaceRewriteWithTheSameSizeAndMtime_isNotWrittenFromTheStaleLayout() throws IOException {
    Path file = dir.resolve("tasks.json");
    Files.writeString(
        file,
        "[\n  {\"id\": \"A\", \"status\": \"pending\", \"note\": \"xxxx\"},\n"
            + "  {\"id\": \"B\", \"status\": \"pending\"}\n]\n");
    Board board = indexed(file, "state");
    board.patch("A", Patch.empty().set("status", Json.valueOf("blocked")));
    assertTrue(index(file, board).isPresent(), "the write left a layout");

    // A writer that ignores the lock rewrites the file in place: A's note two bytes shorter,
    // B's status two bytes longer — same size — and the mtime put back: B's span has moved.
    FileTime mtime = Files.getLastModifiedTime(file);
    String text = Files.readString(file);
    String rewritten =
        text.replace("\"note\": \"xxxx\"", "\"note\": \"xx\"")
            .replace(
                "{\"id\": \"B\", \"status\": \"pending\"}",
                "{\"id\": \"B\", \"status\": \"pending!!\"}");
    assertEquals(text.length(), rewritten.length());
    Files.writeString(file, rewritten);
    Files.setLastModifiedTime(file, mtime);
    assertTrue(index(file, board).isPresent(), "the layout still looks current");

    board.patch("B", Patch.empty().set("status", Json.valueOf("done")));

    JsonNode tasks = Json.MAPPER.readTree(file.toFile());
    assertEquals("xx", tasks.get(0).get("note").asText(), "the foreign edit survived");
    assertEquals("done", tasks.get(1).get("status").asText());
    assertIndexMatchesScan(file, board, false);
  }

  @Test
  void staleLayout_anExpectationThatFailsOnItIsCheckedAgainstAFullRead() throws IOException {
    Path file = dir.resolve("tasks.json");
    Files.writeString(
        file,
        "[\n  {\"id\": \"A\", \"status\": \"pending\", \"note\": \"xxxx\"},\n"
            + "  {\"id\": \"B\", \"status\": \"pending\"}\n]\n");
    Board board = indexed(file, "state");
    board.patch("A", Patch.empty().set("note", Json.valueOf("yyyy")));
    FileTime mtime = Files.getLastModifiedTime(file);
    // Same size, same mtime: B is now one byte further on, A one byte shorter.
    String text = Files.readString(file);
    String rewritten = text.replace("\"yyyy\"", "\"yyy\"").replace("\"B\"", "\"BB\"");
    Files.writeString(file, rewritten);
    Files.setLastModifiedTime(file, mtime);

    assertThrows(
        TaskNotFoundException.class,
        () -> board.patch("B", Patch.empty().set("status", Json.valueOf("done"))),
        "B is gone (renamed BB): the stale layout must not find it");
    board.patch(
        "BB",
        Patch.empty()
            .set("status", Json.valueOf("done"))
            .expect("status", Json.valueOf("pending")));
    assertEquals("done", Json.MAPPER.readTree(file.toFile()).get(1).get("status").asText());
  }

  @Test
  void anIndexWhoseSpansAreWrong_isNotWrittenFrom_evenWhenItsChecksumMatches() throws IOException {
    Path file = dir.resolve("tasks.json");
    Files.writeString(
        file,
        "[\n  {\"id\": \"A\", \"status\": \"pending\"},\n  {\"id\": \"B\", \"status\": \"pending\"}\n]\n");
    Board board = indexed(file, "state");
    Path real = file.toRealPath();
    // A layout with the right checksum and every span one byte off: as a bug carrying it forward
    // would leave it. The bytes it points at are not the tasks it names.
    try (Snapshot scanned = BoardScanner.scan(real, ArrayPath.auto(), null)) {
      Slots wrong = new Slots();
      for (Slot x : scanned.slots) {
        wrong.add(
            x.id(),
            x.numericId(),
            x.idKey(),
            x.start() + 1,
            x.end() + 1,
            x.line(),
            x.column(),
            x.status());
      }
      BoardIndex.of(board.stateDir(), real, ArrayPath.auto())
          .save(
              new Snapshot(
                  real,
                  scanned.channel,
                  scanned.state,
                  scanned.arrayOpen,
                  scanned.arrayClose + 1,
                  wrong,
                  List.of(),
                  true));
    }
    BoardIndex.forgetInProcess();
    assertTrue(index(file, board).isPresent(), "the wrong layout looks current");

    board.patch("B", Patch.empty().set("status", Json.valueOf("done")));
    board.add(Json.MAPPER.createObjectNode().put("title", "after the wrong layout"));

    JsonNode tasks = Json.MAPPER.readTree(file.toFile());
    assertEquals("pending", tasks.get(0).get("status").asText());
    assertEquals("done", tasks.get(1).get("status").asText());
    assertEquals("after the wrong layout", tasks.get(2).get("title").asText());
    assertEquals(3, tasks.size());
    assertIndexMatchesScan(file, board, false);
  }

  @Test
  void anotherTaskArrayPath_hasItsOwnLayout() throws IOException {
    Path file = dir.resolve("tasks.json");
    Files.writeString(
        file, "{\"tasks\": [{\"id\": \"A\", \"n\": 0}], \"archive\": [{\"id\": \"B\", \"n\": 0}]}");
    Board tasks = indexed(file, "state");
    Board archive =
        new Board(file, ArrayPath.parse("$.archive"), dir.resolve("state"), Clock.systemUTC());
    archive.indexFrom(0);

    tasks.patch("A", Patch.empty().set("n", Json.valueOf("1")));
    assertThrows(
        TaskNotFoundException.class,
        () -> archive.patch("A", Patch.empty().set("n", Json.valueOf("2"))),
        "A is in tasks, not in archive");
    archive.add(Json.MAPPER.createObjectNode().put("id", "C"));
    tasks.patch("A", Patch.empty().set("n", Json.valueOf("3")));

    JsonNode root = Json.MAPPER.readTree(file.toFile());
    assertEquals(3, root.get("tasks").get(0).get("n").asInt());
    assertEquals(1, root.get("tasks").size());
    assertEquals("C", root.get("archive").get(1).get("id").asText());
  }

  @Test
  void aTempFileAKilledIndexWriteLeft_isRemovedOnceItIsStale() throws IOException {
    Path file = dir.resolve("tasks.json");
    Files.writeString(file, "[{\"id\": \"A\", \"n\": 0}]");
    Board board = indexed(file, "state");
    board.patch("A", Patch.empty().set("n", Json.valueOf("1")));
    Path indexFile = BoardIndex.of(board.stateDir(), file.toRealPath(), ArrayPath.auto()).file();
    Path stale = indexFile.resolveSibling("." + indexFile.getFileName() + "123.tmp");
    Path fresh = indexFile.resolveSibling("." + indexFile.getFileName() + "456.tmp");
    Files.writeString(stale, "torn");
    Files.writeString(fresh, "being written");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(3600)));

    board.patch("A", Patch.empty().set("n", Json.valueOf("2")));

    assertFalse(Files.exists(stale), "an hour-old temp file is gone");
    assertTrue(Files.exists(fresh), "a temp file another process may be writing stays");
  }

  @Test
  void tornOrForeignIndexFile_isIgnored() throws IOException {
    Path file = dir.resolve("tasks.json");
    Files.writeString(file, "[{\"id\": 1, \"status\": \"pending\"}, {\"id\": 2}]");
    Board board = indexed(file, "state");
    board.patch("1", Patch.empty().set("status", Json.valueOf("done")));
    Path indexFile = BoardIndex.of(board.stateDir(), file.toRealPath(), ArrayPath.auto()).file();
    byte[] bytes = Files.readAllBytes(indexFile);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(indexFile, bytes);
    BoardIndex.forgetInProcess(); // as another process, which has only the file
    assertFalse(index(file, board).isPresent(), "a damaged index is not used");

    board.patch("2", Patch.empty().set("status", Json.valueOf("done")));

    JsonNode tasks = Json.MAPPER.readTree(file.toFile());
    assertEquals("done", tasks.get(0).get("status").asText());
    assertEquals("done", tasks.get(1).get("status").asText());
    assertIndexMatchesScan(file, board, false);
  }

  @Test
  void aChange_carriesACopyForward_notTheSlotsAnEarlierReadStillHolds() throws IOException {
    Path file = dir.resolve("shared.json");
    Files.writeString(
        file,
        "[\n  {\"id\": \"1\", \"status\": \"pending\"},\n  {\"id\": \"2\", \"status\":"
            + " \"pending\"}\n]\n");
    Board board = indexed(file, "shared-state");
    board.select(TaskFilter.parse("[?(@.status == 'pending')]")); // remembered: the scan's slots
    try (Snapshot held = index(file, board).orElseThrow()) {
      List<Slot> before = List.copyOf(held.slots);

      board.patch("1", Patch.empty().set("status", Json.valueOf("in_progress_for_a_while")));

      assertEquals(before, List.copyOf(held.slots), "the slots a reader holds did not move");
    }
    assertIndexMatchesScan(file, board, false);
  }

  // ------------------------------------------------------------------------------------------

  private Board indexed(Path file, String state) {
    Board board = new Board(file, ArrayPath.auto(), dir.resolve(state), Clock.systemUTC());
    board.indexFrom(0);
    return board;
  }

  private static Optional<Snapshot> index(Path file, Board board) throws IOException {
    Path real = file.toRealPath();
    return BoardIndex.of(board.stateDir(), real, ArrayPath.auto()).snapshot(real);
  }

  /** The index, when there is one, describes the board on disk exactly as a full scan does. */
  private static void assertIndexMatchesScan(Path file, Board board, boolean mayBeDropped)
      throws IOException {
    Optional<Snapshot> remembered = index(file, board);
    if (remembered.isEmpty()) {
      assertTrue(mayBeDropped, "a patch or an append after the last task keeps the index");
      return;
    }
    try (Snapshot indexed = remembered.get();
        Snapshot scanned = BoardScanner.scan(file.toRealPath(), ArrayPath.auto(), null)) {
      assertEquals(scanned.state, indexed.state, "identity, size, mtime and checksum");
      assertEquals(scanned.arrayOpen, indexed.arrayOpen, "array open");
      assertEquals(scanned.arrayClose, indexed.arrayClose, "array close");
      assertEquals(List.copyOf(scanned.slots), List.copyOf(indexed.slots), "every slot");
    }
  }
}
