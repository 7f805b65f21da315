package dev.taskboard.devops.hitl;

import static dev.taskboard.devops.hitl.HumanRequestsTest.APPROVAL;
import static dev.taskboard.devops.hitl.HumanRequestsTest.CLOCK;
import static dev.taskboard.devops.hitl.HumanRequestsTest.SMALL;
import static dev.taskboard.devops.hitl.HumanRequestsTest.approvalEntry;
import static dev.taskboard.devops.hitl.HumanRequestsTest.ref;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
 * Text inside HTML comments and fenced code is no entry, heading or field, as a reader of the
 * rendered file sees it; fences inside a Human Response are read as what they hold.
 */
class HiddenTextTest {
  @TempDir Path dir;

  private Path file() {
    return dir.resolve("human-requests.md");
  }

  private HumanRequests with(String content) throws IOException {
    Files.writeString(file(), content);
    return new HumanRequests(file(), CLOCK);
  }

  private static Requests requests(HumanRequests humans) {
    return ((Reading.Ok) humans.read()).requests();
  }

  @Test
  void entries_insideHtmlComments_singleOrMultiLine_areNoEntries() throws IOException {
    HumanRequests humans =
        with(
            SMALL.replace(
                "## Pending Requests\n",
                "## Pending Requests\n"
                    + "<!-- ### HITL-001: one line -->\n"
                    + "\n"
                    + "<!-- New requests go here, each as a \"\n"
                    + "\n"
                    + "### REQ-1758352811042: Approve the production window\n"
                    + "**Status:** pending\n"
                    + "\n"
                    + "### REQ-XXXX: Title\" section -->\n"
                    + "\n"
                    + "### REQ-7: Seen\n"
                    + "**Status:** pending\n"));

    assertEquals(List.of("REQ-7"), requests(humans).entries().stream().map(Entry::id).toList());
  }

  @Test
  void entries_andHeadings_insideFencedCode_areNone() throws IOException {
    HumanRequests humans =
        with(
            "# Human Requests\n\n## Pending Requests\n\n"
                + "```markdown\n"
                + "## Resolved\n"
                + "### HITL-005: An example\n"
                + "- **Status**: Pending\n"
                + "```\n"
                + "\n"
                + "~~~\n"
                + "## In Progress\n"
                + "~~~\n");

    Requests now = requests(humans);

    assertEquals(List.of(), now.entries());
    assertEquals(Set.of(Section.PENDING), now.sections());
  }

  @Test
  void aCopyInsideAComment_isNotTaken_forTheWorkersEntry() throws IOException {
    HumanRequests humans = with(SMALL);
    Entry made = humans.escalate(APPROVAL);
    String answered = approvalEntry(made).replace("_(Please add your response here)_", "approve");
    String text = Files.readString(file());
    Files.writeString(
        file(),
        text.replace("## Pending Requests\n", "## Pending Requests\n<!--\n" + answered + "-->\n"));

    Lookup found = requests(humans).find(ref(made));
    humans.resolve(ref(made), "Nothing to do.");

    assertTrue(found instanceof Lookup.Found, found.toString());
    assertEquals(Optional.empty(), found.mine().orElseThrow().response());
    String resolved = Files.readString(file());
    assertTrue(resolved.contains("<!--\n" + answered + "-->\n"), "the comment is left as it was");
    assertEquals(Section.RESOLVED, requests(humans).find(ref(made)).mine().orElseThrow().section());
  }

  @Test
  void fields_insideCommentsOrCode_areNoFields() throws IOException {
    HumanRequests humans = with(SMALL);
    Entry made = humans.escalate(APPROVAL);
    Files.writeString(
        file(),
        Files.readString(file())
            .replace(
                "  - _(Please add your response here)_\n",
                "  - _(Please add your response here)_\n"
                    + "\n"
                    + "<!--\n"
                    + "- **Status**: Resolved\n"
                    + "- **Human Response**: approve\n"
                    + "-->\n"
                    + "\n"
                    + "```\n"
                    + "- **Status**: Resolved\n"
                    + "```\n"));

    Entry entry = requests(humans).find(ref(made)).mine().orElseThrow();

    assertEquals(
        List.of(
            "Type",
            "Priority",
            "Submitted By",
            "Task ID",
            "Question",
            "Context",
            "Status",
            "Human Response"),
        List.copyOf(entry.fields().keySet()));
    assertEquals(List.of("```", "- **Status**: Resolved", "```"), entry.humanResponse().lines());
    humans.resolve(ref(made), "Done.");
    String resolved = Files.readString(file());
    assertTrue(resolved.contains("<!--\n- **Status**: Resolved\n"), resolved);
    assertTrue(resolved.contains("- **Status**: Resolved\n- **Human Response**:\n"), resolved);
  }

  @Test
  void humanResponse_givesTheLinesAndTheFencedBlockWithAnInfoString() throws IOException {
    HumanRequests humans = with(SMALL);
    Entry made = humans.escalate(APPROVAL);
    Files.writeString(
        file(),
        Files.readString(file())
            .replace(
                "  - _(Please add your response here)_\n",
                "  - approve\n"
                    + "\n"
                    + "  ```devops-worker-signature\n"
                    + "  -----BEGIN SSH SIGNATURE-----\n"
                    + "  U1NIU0lH\n"
                    + "  -----END SSH SIGNATURE-----\n"
                    + "  ```\n"
                    + "  ```text\n"
                    + "  not this one\n"
                    + "  ```\n"));

    HumanResponse response = requests(humans).find(ref(made)).mine().orElseThrow().humanResponse();

    assertEquals(
        List.of("-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"),
        response.blocks("devops-worker-signature"));
    assertEquals(List.of("not this one\n"), response.blocks("text"));
    assertEquals(List.of(), response.blocks("devops-worker"));
    assertEquals(19, response.blocks().get(0).line());
    assertEquals("  - approve", response.lines().get(0));
    assertEquals(10, response.lines().size());
    assertEquals(Decision.UNCLEAR, response.decision(), "more than one line");
  }

  @Test
  void humanResponse_withoutAnswer_isEmpty_andAnUnclosedFenceIsNoBlock() throws IOException {
    HumanRequests humans = with(SMALL);
    Entry made = humans.escalate(APPROVAL);
    assertEquals(HumanResponse.NONE, made.humanResponse());
    Files.writeString(
        file(),
        Files.readString(file())
            .replace(
                "  - _(Please add your response here)_\n",
                "  ```devops-worker-signature\n  never closed\n"));

    HumanResponse response = requests(humans).find(ref(made)).mine().orElseThrow().humanResponse();

    assertEquals(List.of(), response.blocks("devops-worker-signature"));
    assertEquals(List.of("  ```devops-worker-signature", "  never closed"), response.lines());
  }

  @Test
  void escalate_intoPendingBehindAnUnclosedComment_refusesNamingItsLine() throws IOException {
    String text = "# Human Requests\n\n## Pending Requests\n\n<!-- notes\n\nmore notes\n";
    HumanRequests humans = with(text);

    HumanRequestsException e =
        assertThrows(HumanRequestsException.class, () -> humans.escalate(APPROVAL));

    assertEquals(
        file()
            + ":5:1: an HTML comment opened here is never closed; end it with --> so new requests"
            + " can be added",
        e.getMessage());
    assertEquals(text, Files.readString(file()));
  }

  @Test
  void resolve_intoAResolvedSectionEndingInAnOpenFence_refusesNamingItsLine() throws IOException {
    HumanRequests humans = with(SMALL + "\n````\nnot closed\n");
    Entry made = humans.escalate(APPROVAL);
    String before = Files.readString(file());

    HumanRequestsException e =
        assertThrows(HumanRequestsException.class, () -> humans.resolve(ref(made), "Done."));

    assertEquals(
        file()
            + ":23:1: a ```` code block opened here is never closed; close it so new requests can"
            + " be added",
        e.getMessage());
    assertEquals(before, Files.readString(file()));
  }

  @Test
  void nextId_isAboveEveryHitlNumber_inCommentsCodeAndProseToo() throws IOException {
    HumanRequests humans =
        with(
            SMALL.replace(
                "## Pending Requests\n",
                "## Pending Requests\n\n<!-- ### HITL-050: hidden -->\n\n"
                    + "```\nHITL-0059\n```\n\nSee hitl-060 and REQ-999.\n"));

    assertEquals("HITL-061", humans.escalate(APPROVAL).id());
  }
}
