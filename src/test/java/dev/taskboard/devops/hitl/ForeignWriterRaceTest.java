package dev.taskboard.devops.hitl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskboard.devops.files.LockedUpdate;
import dev.taskboard.devops.testing.ForeignWrite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another agent rewrites human-requests.md, ignoring the lock, between the worker's read and its
 * rename: the worker must notice, read again and re-apply, so that both edits are in the file.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ForeignWriterRaceTest {
  @TempDir Path dir;
  @TempDir Path logs;

  private Path file;
  private HumanRequests requests;

  @BeforeEach
  void file() throws IOException {
    file = dir.resolve("human-requests.md");
    requests = new HumanRequests(file, HumanRequestsTest.CLOCK);
    requests.createIfMissing();
  }

  @Test
  void escalate_reappliesOnTopOfAForeignRewrite() throws IOException {
    ForeignWrite foreign = stage();

    Entry entry = requests.escalate(HumanRequestsTest.APPROVAL);

    assertEquals(0, foreign.exitCode, foreign.output);
    assertTrue(foreign.wroteText().contains(ForeignRequestsWriter.ENTRY), foreign.wroteText());
    assertEquals(1, requests.collisions());
    assertEquals(2, foreign.calls, "one check failed, the second attempt committed");
    assertEquals(
        foreign
            .wroteText()
            .replace(
                "**Status:** Pending\n",
                "**Status:** Pending\n\n" + HumanRequestsTest.teamApprovalEntry(entry)),
        Files.readString(file));
    assertEquals("HITL-001", entry.id(), "the foreign entry's style, the worker's id");
    assertEquals(List.of("human-requests.md", "human-requests.md.devops-lock"), filesIn(dir));
  }

  @Test
  void resolve_reappliesOnTopOfAForeignRewrite() throws IOException {
    Entry made = requests.escalate(HumanRequestsTest.APPROVAL);
    Files.writeString(
        file,
        Files.readString(file).replace("_(Please add your response here)_", "approve, go ahead"));
    ForeignWrite foreign = stage();

    requests.resolve(HumanRequestsTest.ref(made), "Deployed release 1.4.0.");

    assertEquals(0, foreign.exitCode, foreign.output);
    assertEquals(1, requests.collisions());
    List<Entry> entries = requests.entries();
    assertEquals(
        List.of("REQ-2001 PENDING", "HITL-001 RESOLVED"),
        entries.stream().map(e -> e.id() + " " + e.section()).toList());
    assertEquals(Optional.of("approve, go ahead"), entries.get(1).response());
    assertEquals(Optional.of("Deployed release 1.4.0."), entries.get(1).field("Actions Taken"));
    String done = Files.readString(file);
    assertTrue(done.contains(ForeignRequestsWriter.ENTRY), done);
    assertEquals(List.of("human-requests.md", "human-requests.md.devops-lock"), filesIn(dir));
  }

  /** Runs {@link ForeignRequestsWriter} in the worker's commit window, once. */
  private ForeignWrite stage() {
    ForeignWrite foreign =
        new ForeignWrite(
            Jvm.command(ForeignRequestsWriter.class, file.toString()),
            file,
            logs.resolve("foreign.log"));
    requests =
        new HumanRequests(
            file,
            HumanRequestsTest.CLOCK,
            new LockedUpdate.Options(LockedUpdate.ATTEMPTS, real -> foreign.run()));
    return foreign;
  }

  private static List<String> filesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }
}
