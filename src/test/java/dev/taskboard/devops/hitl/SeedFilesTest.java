package dev.taskboard.devops.hitl;

import static dev.taskboard.devops.hitl.HumanRequestsTest.APPROVAL;
import static dev.taskboard.devops.hitl.HumanRequestsTest.CLOCK;
import static dev.taskboard.devops.hitl.HumanRequestsTest.ref;
import static dev.taskboard.devops.hitl.HumanRequestsTest.teamApprovalEntry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed team's .plan/human-requests.md (src/test/resources/seed, see SOURCES.md) end to end: its
 * sections and entries are read, and the worker's entries take the file's style while every byte
 * outside them stays as it was.
 */
class SeedFilesTest {
  static final Path SEED = Path.of("src/test/resources/seed");
  static final Path DEMO = SEED.resolve(".demo/.plan/human-requests.md");
  static final Path WRITERS = SEED.resolve(".plan/human-requests.md");

  @TempDir Path dir;

  private Path copy(Path seed) throws IOException {
    Path file = Files.createDirectories(dir.resolve(".plan")).resolve("human-requests.md");
    Files.copy(seed, file);
    return file;
  }

  private static Requests requests(HumanRequests humans) {
    Reading reading = humans.read();
    assertTrue(reading instanceof Reading.Ok, reading.toString());
    return ((Reading.Ok) reading).requests();
  }

  @Test
  void demoFile_readsItsThreeSectionsAndNineEntries() throws IOException {
    HumanRequests humans = new HumanRequests(copy(DEMO), CLOCK);

    Requests now = requests(humans);

    assertEquals(Set.of(Section.PENDING, Section.IN_PROGRESS, Section.RESOLVED), now.sections());
    assertEquals(
        List.of(
            "REQ-2001 PENDING",
            "REQ-2002 PENDING",
            "REQ-2003 PENDING",
            "REQ-2004 IN_PROGRESS",
            "REQ-2005 IN_PROGRESS",
            "REQ-2006 IN_PROGRESS",
            "REQ-2007 RESOLVED",
            "REQ-2008 RESOLVED",
            "REQ-2009 RESOLVED"),
        now.entries().stream().map(e -> e.id() + " " + e.section()).toList());
    Entry first = now.entries().get(0);
    assertEquals(Optional.of("HIGH"), first.field("Priority"));
    assertEquals(
        Optional.of(
            "Let a human pause a running deploy after verify and resume it later from the"
                + " dashboard."),
        first.field("Description"));
    assertEquals(Optional.of("pending"), first.field("Status"));
    assertFalse(first.byWorker());
  }

  @Test
  void demoFile_escalateNoteResolve_inTheTeamsStyle_keepEveryOtherByte() throws IOException {
    Path file = copy(DEMO);
    String original = Files.readString(file);
    HumanRequests humans = new HumanRequests(file, CLOCK);

    Entry made = humans.escalate(APPROVAL);
    String asked = Files.readString(file);
    humans.note(made.ref().orElseThrow(), "Answers: approve, reject.");
    String noted = Files.readString(file);
    Files.writeString(file, noted.replace("_(Please add your response here)_", "approve"));
    humans.resolve(ref(made), "Deployed release 1.4.0.");

    String entry = teamApprovalEntry(made);
    String pendingEnd = "---\n\n## 🚀 In Progress";
    assertEquals(
        original.replace(pendingEnd, "---\n\n" + entry + "\n---\n\n## 🚀 In Progress"), asked);
    assertEquals("HITL-001", made.id());
    String withNote =
        entry.replace(
            "**Human Response:**",
            "**Worker Note:** Answers: approve, reject.\n\n**Human Response:**");
    assertEquals(asked.replace(entry, withNote), noted);
    String resolved =
        withNote
                .replace("**Status:** Pending", "**Status:** Resolved")
                .replace("_(Please add your response here)_", "approve")
            + "\n**Actions Taken:** Deployed release 1.4.0.\n**Resolved Date:** 2024-05-02\n";
    assertEquals(original + "\n" + resolved + "\n---\n", Files.readString(file));
    Entry done = requests(humans).find(ref(made)).mine().orElseThrow();
    assertEquals(Section.RESOLVED, done.section());
    assertEquals(Decision.APPROVE, done.humanResponse().decision());
    assertEquals(Optional.of("Deployed release 1.4.0."), done.field("Actions Taken"));
  }

  @Test
  void writersFile_entriesInsideTheTemplatesComment_areNoEntries() throws IOException {
    HumanRequests humans = new HumanRequests(copy(WRITERS), CLOCK);

    Requests now = requests(humans);

    assertEquals(
        List.of("HR-1758353100456 PENDING", "REQ-1758352925307 RESOLVED"),
        now.entries().stream().map(e -> e.id() + " " + e.section()).toList());
    assertEquals(Set.of(Section.PENDING, Section.IN_PROGRESS, Section.RESOLVED), now.sections());
    assertEquals(Optional.of("T-103"), now.entries().get(0).field("Linked Task"));
  }

  @Test
  void writersFile_inCrlf_escalateAndResolve_keepEveryOtherByte_andItsLineEndings()
      throws IOException {
    Path file = copy(WRITERS);
    String original = Files.readString(file).replace("\n", "\r\n");
    Files.writeString(file, original);
    HumanRequests humans = new HumanRequests(file, CLOCK);

    Entry made = humans.escalate(APPROVAL);
    String asked = Files.readString(file);
    Files.writeString(file, asked.replace("_(Please add your response here)_", "reject"));
    humans.resolve(ref(made), "Cancelled.");

    String entry = teamApprovalEntry(made).replace("\n", "\r\n");
    String commentEnd = "### REQ-XXXX: Title\" section -->\r\n";
    assertEquals(original.replace(commentEnd, commentEnd + "\r\n" + entry + "\r\n---\r\n"), asked);
    String resolved =
        entry
                .replace("**Status:** Pending", "**Status:** Resolved")
                .replace("_(Please add your response here)_", "reject")
            + "\r\n**Actions Taken:** Cancelled.\r\n**Resolved Date:** 2024-05-02\r\n";
    assertEquals(
        original.substring(0, original.length() - 2) + "\r\n" + resolved + "\r\n---\r\n\r\n",
        Files.readString(file));
  }
}
