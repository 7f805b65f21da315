package dev.taskboard.devops.hitl;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskboard.devops.files.BusyFileException;
import dev.taskboard.devops.files.LockedUpdate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's escalations, reads and edits of human-requests.md on real files. */
class HumanRequestsTest {
  /** 23:30 UTC on May 2nd is already May 3rd east of UTC: the date must be UTC's. */
  static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-02T23:30:00Z"), ZoneOffset.UTC);

  static final Escalation APPROVAL =
      new Escalation(
          "TASK-005/approval",
          "Approve production deployment of release 1.4.0",
          "Deployment Approval",
          Priority.HIGH,
          "TASK-005",
          "Deploy release 1.4.0 to production?\nAnswer approve or reject.",
          List.of("every gate passed", "log: .plan/devops/logs/TASK-005/attempt-1.log"));

  /** The worker's entry for {@link #APPROVAL} as written, with its id and nonce. */
  static String approvalEntry(String id, String nonce) {
    return "### "
        + id
        + ": Approve production deployment of release 1.4.0 (TASK-005)\n"
        + "<!-- devops-worker entry=\""
        + id
        + "\" nonce=\""
        + nonce
        + "\" key=\"TASK-005/approval\" -->\n"
        + "- **Type**: Deployment Approval\n"
        + "- **Priority**: High\n"
        + "- **Submitted By**: DevOps-Engineer\n"
        + "- **Task ID**: TASK-005\n"
        + "- **Question**: Deploy release 1.4.0 to production? Answer approve or reject.\n"
        + "- **Context**:\n"
        + "  - every gate passed\n"
        + "  - log: .plan/devops/logs/TASK-005/attempt-1.log\n"
        + "- **Status**: Pending\n"
        + "- **Human Response**:\n"
        + "  - _(Please add your response here)_\n";
  }

  /** The same entry in the team's style: {@code **Name:** value} paragraphs. */
  static String teamApprovalEntry(Entry entry) {
    return "### "
        + entry.id()
        + ": Approve production deployment of release 1.4.0 (TASK-005)\n"
        + "<!-- devops-worker entry=\""
        + entry.id()
        + "\" nonce=\""
        + nonce(entry)
        + "\" key=\"TASK-005/approval\" -->\n"
        + "**Type:** Deployment Approval\n"
        + "**Priority:** High\n"
        + "**Submitted By:** DevOps-Engineer\n"
        + "**Task ID:** TASK-005\n"
        + "\n"
        + "**Question:** Deploy release 1.4.0 to production? Answer approve or reject.\n"
        + "\n"
        + "**Context:**\n"
        + "  - every gate passed\n"
        + "  - log: .plan/devops/logs/TASK-005/attempt-1.log\n"
        + "\n"
        + "**Status:** Pending\n"
        + "\n"
        + "**Human Response:**\n"
        + "_(Please add your response here)_\n";
  }

  /** The entry as written for {@code entry}, whose mark gives the nonce. */
  static String approvalEntry(Entry entry) {
    return approvalEntry(entry.id(), nonce(entry));
  }

  static String nonce(Entry entry) {
    return entry.ref().orElseThrow().nonce();
  }

  static EntryRef ref(Entry entry) {
    return entry.ref().orElseThrow();
  }

  static final String SMALL =
      "# Human Requests\n\n## Pending Requests\n\n## In Progress\n\n## Resolved\n";

  /** Entries in the two styles the team's agents write, with a human's answers. */
  static final String TEAM_FILE =
      "# Human Requests\n"
          + "\n"
          + "_Agents ask, humans answer._  \n"
          + "\n"
          + "---\n"
          + "\n"
          + "## 🔄 Pending Requests\n"
          + "\n"
          + "_Requests awaiting human response or action_\n"
          + "\n"
          + "### REQ-1001: Dark mode for the dashboard\n"
          + "**Type:** Feature Request\n"
          + "**Priority:** Medium\n"
          + "**Submitted By:** Product-Manager\n"
          + "**Description:** Users ask for it.\t\n"
          + "**Status:** Pending\n"
          + "\n"
          + "### HITL-041: Clarification on API Key\n"
          + "- **Type**: Agent Clarification\n"
          + "- **Priority**: High\n"
          + "- **Submitted By**: Task-Coder\n"
          + "- **Task ID**: TASK-004\n"
          + "- **Question**: Which provider?\n"
          + "- **Status**: Pending\n"
          + "- **Human Response**: \n"
          + "  - _(Please add your response here)_\n"
          + "\n"
          + "---\n"
          + "\n"
          + "## 🚀 In Progress\n"
          + "\n"
          + "_Requests currently being addressed_\n"
          + "\n"
          + "---\n"
          + "\n"
          + "## ✅ Resolved\n"
          + "\n"
          + "### HITL-000: Database Schema Clarification\n"
          + "- **Type**: Agent Clarification\n"
          + "- **Submitted By**: Task-Coder\n"
          + "- **Status**: Resolved\n"
          + "- **Human Response**: Use separate table for audit logs\n"
          + "- **Actions Taken**: Updated database schema and created migration\n"
          + "- **Resolved Date**: 2024-01-15\n"
          + "\n"
          + "---\n"
          + "\n"
          + "## Notes\n"
          + "\n"
          + "Be brief.\n";

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("human-requests.md");
  }

  private HumanRequests requests() {
    return new HumanRequests(file(), CLOCK);
  }

  private HumanRequests with(String content) throws IOException {
    Files.writeString(file(), content);
    return requests();
  }

  private String read() throws IOException {
    return Files.readString(file());
  }

  @Test
  void createIfMissing_writesTheShippedTemplate_once() throws IOException {
    HumanRequests requests = requests();

    assertTrue(requests.createIfMissing());
    assertFalse(requests.createIfMissing());

    assertArrayEquals(Files.readAllBytes(shippedTemplate()), Files.readAllBytes(file()));
    assertEquals(List.of(), requests.entries());
    assertEquals(
        List.of("human-requests.md", "human-requests.md.devops-lock"),
        filesIn(dir),
        "no temp file left");
  }

  @Test
  void createIfMissing_leavesAnExistingFileAlone() throws IOException {
    HumanRequests requests = with("# Mine\n");

    assertFalse(requests.createIfMissing());

    assertEquals("# Mine\n", read());
  }

  @Test
  void template_builtInCopyAndJarResource_equalTheShippedFile() throws IOException {
    byte[] shipped = Files.readAllBytes(shippedTemplate());

    assertEquals(new String(shipped, UTF_8), Template.BUILT_IN);
    try (InputStream resource = Template.class.getResourceAsStream(Template.RESOURCE)) {
      assertArrayEquals(shipped, resource.readAllBytes());
    }
    Map<Section, Long> sections =
        Stream.of(Template.BUILT_IN.split("\n"))
            .filter(l -> l.startsWith("## "))
            .map(l -> Section.of(l.substring(3)))
            .collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    assertEquals(
        Map.of(
            Section.PENDING, 1L, Section.IN_PROGRESS, 1L, Section.RESOLVED, 1L, Section.OTHER, 4L),
        sections);
  }

  @Test
  void escalate_appendsUnderPending_wordForWord() throws IOException {
    Entry entry = with(SMALL).escalate(APPROVAL);

    assertTrue(nonce(entry).matches("[0-9a-f]{32}"), nonce(entry));
    assertEquals(
        "# Human Requests\n\n## Pending Requests\n\n"
            + approvalEntry("HITL-001", nonce(entry))
            + "\n## In Progress\n\n## Resolved\n",
        read());
    assertEquals(
        new Entry(
            "HITL-001",
            "Approve production deployment of release 1.4.0 (TASK-005)",
            Section.PENDING,
            fields(
                "Type", "Deployment Approval",
                "Priority", "High",
                "Submitted By", "DevOps-Engineer",
                "Task ID", "TASK-005",
                "Question", "Deploy release 1.4.0 to production? Answer approve or reject.",
                "Context", "every gate passed\nlog: .plan/devops/logs/TASK-005/attempt-1.log",
                "Status", "Pending",
                "Human Response", "_(Please add your response here)_"),
            HumanResponse.NONE,
            Optional.of(new EntryRef("HITL-001", nonce(entry))),
            Optional.of("TASK-005/approval"),
            false,
            5),
        entry);
    assertTrue(entry.open());
    assertTrue(entry.byWorker());
    assertEquals(List.of(entry), requests().entries());
  }

  @Test
  void escalate_onAMissingFile_startsFromTheTemplate_andGoesAtTheEndOfPending() throws IOException {
    Entry entry = requests().escalate(APPROVAL);

    String template = Files.readString(shippedTemplate());
    String anchor = "_Requests awaiting human response or action_\n";
    int at = template.indexOf(anchor) + anchor.length();
    assertEquals(
        template.substring(0, at) + "\n" + approvalEntry(entry) + template.substring(at), read());
    assertEquals(Section.PENDING, entry.section());
  }

  @Test
  void escalate_withTheRefItAsked_returnsThatOpenEntry_andWritesNothing() throws IOException {
    HumanRequests requests = with(SMALL);
    Entry first = requests.escalate(APPROVAL);
    byte[] before = Files.readAllBytes(file());
    Object inode = Files.readAttributes(file(), "unix:ino").get("ino");

    Entry again =
        requests.escalate(
            new Escalation(
                "TASK-005/approval",
                "Other words",
                "Other",
                Priority.LOW,
                "TASK-005",
                "?",
                List.of()),
            ref(first));

    assertEquals(first, again);
    assertArrayEquals(before, Files.readAllBytes(file()));
    assertEquals(inode, Files.readAttributes(file(), "unix:ino").get("ino"), "file was replaced");
  }

  @Test
  void escalate_sameKeyWithoutARef_asksAgain_underANewIdAndNonce() throws IOException {
    HumanRequests requests = with(SMALL);
    Entry first = requests.escalate(APPROVAL);

    Entry second = requests.escalate(APPROVAL);

    assertEquals("HITL-002", second.id());
    assertTrue(!nonce(first).equals(nonce(second)), "the nonce was used twice");
    assertEquals(List.of(first, second), requests.entries());
  }

  @Test
  void escalate_withTheRefOfAnEntryMovedToInProgress_returnsIt() throws IOException {
    HumanRequests requests = with(SMALL);
    Entry first = requests.escalate(APPROVAL);
    String moved =
        "# Human Requests\n\n## Pending Requests\n\n## In Progress\n\n"
            + approvalEntry(first)
            + "\n## Resolved\n";
    Files.writeString(file(), moved);

    Entry again = requests.escalate(APPROVAL, ref(first));

    assertEquals(Section.IN_PROGRESS, again.section());
    assertEquals(ref(first), ref(again));
    assertEquals(moved, read());
  }

  @Test
  void escalate_withTheRefOfAResolvedEntry_opensANewEntry() throws IOException {
    HumanRequests requests = with(SMALL);
    Entry first = requests.escalate(APPROVAL);
    requests.resolve(ref(first), "Deployed.");

    Entry second = requests.escalate(APPROVAL, ref(first));

    assertEquals("HITL-002", second.id());
    assertEquals(
        List.of("HITL-002 PENDING", "HITL-001 RESOLVED"),
        requests.entries().stream().map(e -> e.id() + " " + e.section()).toList());
  }

  @Test
  void escalate_idIsAboveEveryHitlNumber_andSkipsOtherPrefixes() throws IOException {
    Entry entry = with(TEAM_FILE).escalate(APPROVAL);

    assertEquals("HITL-042", entry.id());
  }

  @Test
  void escalate_idGrowsPastThreeDigits() throws IOException {
    String file =
        SMALL.replace(
            "## Resolved\n", "## Resolved\n\n### HITL-999: Old\n- **Status**: Resolved\n");

    assertEquals("HITL-1000", with(file).escalate(APPROVAL).id());
  }

  @Test
  void escalate_leavesOtherAgentsEntriesAndEveryOtherByteAlone() throws IOException {
    Entry made = with(TEAM_FILE).escalate(APPROVAL);

    String anchor = "  - _(Please add your response here)_\n";
    int at = TEAM_FILE.indexOf(anchor) + anchor.length();
    assertEquals(
        TEAM_FILE.substring(0, at) + "\n" + approvalEntry(made) + TEAM_FILE.substring(at), read());
    List<Entry> entries = requests().entries();
    assertEquals(
        List.of("REQ-1001", "HITL-041", "HITL-042", "HITL-000"),
        entries.stream().map(Entry::id).toList());
    Entry req = entries.get(0);
    assertEquals(
        fields(
            "Type", "Feature Request",
            "Priority", "Medium",
            "Submitted By", "Product-Manager",
            "Description", "Users ask for it.",
            "Status", "Pending"),
        req.fields());
    assertFalse(req.byWorker());
    assertFalse(entries.get(1).byWorker(), "no mark");
  }

  @Test
  void crlfFile_staysCrlf_throughEscalateNoteAndResolve() throws IOException {
    HumanRequests requests = with(TEAM_FILE.replace("\n", "\r\n"));

    Entry made = requests.escalate(APPROVAL);
    String escalated = read();
    requests.note(ref(made), "Answers: approve, reject.");
    Files.writeString(
        file(),
        read().replace("_(Please add your response here)_\r\n\r\n---", "approve\r\n\r\n---"));
    requests.resolve(ref(made), "Deployed.");

    String anchor = "  - _(Please add your response here)_\n";
    int at = TEAM_FILE.indexOf(anchor) + anchor.length();
    String expected =
        TEAM_FILE.substring(0, at) + "\n" + approvalEntry(made) + TEAM_FILE.substring(at);
    assertEquals(expected.replace("\n", "\r\n"), escalated);
    String resolved = read();
    assertFalse(resolved.replace("\r\n", "").contains("\n"), "a bare LF was written:\n" + resolved);
    assertTrue(
        resolved.contains(
            "- **Worker Note**: Answers: approve, reject.\r\n"
                + "- **Human Response**:\r\n"
                + "  - approve\r\n"
                + "- **Actions Taken**: Deployed.\r\n"
                + "- **Resolved Date**: 2024-05-02\r\n"
                + "\r\n---\r\n\r\n## Notes"),
        resolved);
  }

  @Test
  void escalate_keepsTheByteOrderMark() throws IOException {
    Files.write(file(), ("\uFEFF" + SMALL).getBytes(UTF_8));

    Entry made = requests().escalate(APPROVAL);

    byte[] after = Files.readAllBytes(file());
    assertArrayEquals(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, Arrays.copyOf(after, 3));
    assertEquals(
        "\uFEFF# Human Requests\n\n## Pending Requests\n\n"
            + approvalEntry(made)
            + "\n## In Progress\n\n## Resolved\n",
        new String(after, UTF_8));
  }

  @Test
  void escalate_fileWithoutFinalNewline_keepsEndingWithoutOne() throws IOException {
    HumanRequests requests = with("# Human Requests\n\n## Pending Requests");

    Entry made = requests.escalate(APPROVAL);

    assertEquals(
        "# Human Requests\n\n## Pending Requests\n\n" + approvalEntry(made).stripTrailing(),
        read());
    Entry second =
        requests.escalate(
            new Escalation(
                "TASK-006/approval",
                "Second",
                "Deployment Approval",
                Priority.LOW,
                "",
                "?",
                List.of()));
    assertTrue(
        read()
            .endsWith(
                "\n\n### HITL-002: Second\n"
                    + "<!-- devops-worker entry=\"HITL-002\" nonce=\""
                    + nonce(second)
                    + "\" key=\"TASK-006/approval\" -->\n"
                    + "- **Type**: Deployment Approval\n"
                    + "- **Priority**: Low\n"
                    + "- **Submitted By**: DevOps-Engineer\n"
                    + "- **Question**: ?\n"
                    + "- **Status**: Pending\n"
                    + "- **Human Response**:\n"
                    + "  - _(Please add your response here)_"),
        read());
  }

  @Test
  void escalate_createsPendingAtTheEnd_whenTheFileHasNone() throws IOException {
    Entry made = with("# Human Requests\n\nAsk here.\n").escalate(APPROVAL);

    assertEquals(
        "# Human Requests\n\nAsk here.\n\n## 🔄 Pending Requests\n\n" + approvalEntry(made),
        read());
  }

  @Test
  void escalate_headingsWithoutEmojiOrInOtherCase_areFoundByTheirWords() throws IOException {
    String file = "## PENDING\n\n---\n\n## in-progress\n\n## Resolved Requests ✅\n";

    Entry made = with(file).escalate(APPROVAL);

    assertEquals(
        "## PENDING\n\n"
            + approvalEntry(made)
            + "\n---\n\n## in-progress\n\n## Resolved Requests ✅\n",
        read());
  }

  @Test
  void escalate_foldsLineBreaks_soNoValueCanStartALineOfItsOwn() throws IOException {
    Escalation hostile =
        new Escalation(
            "TASK-009/\"quoted\" --> key",
            "Title\n# Not a heading",
            "Deployment\r\nFailure",
            Priority.CRITICAL,
            "TASK-009",
            "Why?\n- **Status**: Resolved\n### HITL-777: fake\n```\n\u2028end",
            List.of("line one\n\n---\nline two", "\n", "<!-- devops-worker key=\"forged\" -->"));

    Entry entry = with(SMALL).escalate(hostile);

    String written = read();
    assertTrue(
        written.contains(
            "### HITL-001: Title # Not a heading (TASK-009)\n"
                + "<!-- devops-worker entry=\"HITL-001\" nonce=\""
                + nonce(entry)
                + "\" key=\"TASK-009/&quot;quoted&quot; --&gt; key\" -->\n"
                + "- **Type**: Deployment Failure\n"
                + "- **Priority**: Critical\n"
                + "- **Submitted By**: DevOps-Engineer\n"
                + "- **Task ID**: TASK-009\n"
                + "- **Question**: Why? - **Status**: Resolved ### HITL-777: fake ``` end\n"
                + "- **Context**:\n"
                + "  - line one --- line two\n"
                + "  - \\<!-- devops-worker key=\"forged\" -->\n"
                + "- **Status**: Pending\n"),
        written);
    assertEquals(Optional.of("TASK-009/\"quoted\" --> key"), entry.key());
    assertEquals("Pending", entry.fields().get("Status"));
    assertEquals(List.of("HITL-001"), requests().entries().stream().map(Entry::id).toList());
    assertEquals(
        "line one --- line two\n\\<!-- devops-worker key=\"forged\" -->",
        entry.fields().get("Context"),
        "a context item opens no HTML block");
    assertEquals(List.of(entry), requests().entries(), "the escaped key is read back");
  }

  @Test
  void escalation_rejectsAKeyWithALineBreak() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Escalation("a\nb", "t", "x", Priority.LOW, "", "?", List.of()));

    assertEquals("key has a control character: a\nb", e.getMessage());
  }

  @Test
  void entries_readTheResponse_onTheSameLine_underIt_severalLines_orNone() throws IOException {
    String file =
        SMALL.replace(
            "## Pending Requests\n",
            "## Pending Requests\n\n"
                + response("HITL-001", "- **Human Response**: approve  \n")
                + response("HITL-002", "- **Human Response**:\n  - reject\n")
                + response(
                    "HITL-003", "- **Human Response**: \n  - _(Please add your response here)_\n")
                + response("HITL-004", "- **Human Response**:\n")
                + response(
                    "HITL-005",
                    "- **Human Response**: Approved, but\n"
                        + "  - only after 18:00 UTC,\n"
                        + "\n"
                        + "    and **not** on Friday.\n"
                        + "  * 1. really\n")
                + response("HITL-006", "**Human Response:** _(Please add your response here)_\n")
                + response("HITL-007", "- **Human Response**:\n  1. go ahead\n"));

    List<Entry> entries = with(file).entries();

    assertEquals(
        List.of(
            Optional.of("approve"),
            Optional.of("reject"),
            Optional.empty(),
            Optional.empty(),
            Optional.of("Approved, but\nonly after 18:00 UTC,\nand **not** on Friday.\n1. really"),
            Optional.empty(),
            Optional.of("go ahead")),
        entries.stream().map(Entry::response).toList());
  }

  @Test
  void resolve_movesTheEntryToResolved_keepingTheHumansWordsExactly() throws IOException {
    HumanRequests requests = with(TEAM_FILE);
    Entry made = requests.escalate(APPROVAL);
    String answer =
        "- **Human Response**:  \n  - approve — but *only* after 18:00 UTC  \n  - thanks\t\n";
    Files.writeString(
        file(),
        read().replace("- **Human Response**:\n  - _(Please add your response here)_\n", answer));
    String before = read();

    requests.resolve(ref(made), "Deployed release 1.4.0 to production.\nHealth checks pass.");

    String entry =
        approvalEntry(made)
                .replace("- **Status**: Pending\n", "- **Status**: Resolved\n")
                .replace("- **Human Response**:\n  - _(Please add your response here)_\n", answer)
            + "- **Actions Taken**: Deployed release 1.4.0 to production. Health checks pass.\n"
            + "- **Resolved Date**: 2024-05-02\n";
    String pendingEntry =
        before.substring(before.indexOf("### HITL-042"), before.indexOf("---\n\n## 🚀"));
    String anchor = "- **Resolved Date**: 2024-01-15\n";
    String expected = before.replace(pendingEntry, "");
    int at = expected.indexOf(anchor) + anchor.length();
    expected = expected.substring(0, at) + "\n" + entry + expected.substring(at);
    assertEquals(expected, read());
    Entry resolved = requests.entries().get(3);
    assertEquals(Section.RESOLVED, resolved.section());
    assertEquals(Optional.of("approve — but *only* after 18:00 UTC\nthanks"), resolved.response());
    assertFalse(resolved.open());
  }

  @Test
  void resolve_createsResolvedAtTheEnd_whenAbsent_andIsANoOpTheSecondTime() throws IOException {
    HumanRequests requests =
        with("# Human Requests\n\n---\n\n## Pending Requests\n\n## Notes\n\nBe brief.");
    Entry made = requests.escalate(APPROVAL);
    Files.writeString(
        file(), read().replace("  - _(Please add your response here)_", "  - reject"));

    requests.resolve(ref(made), "Cancelled the deployment.");
    byte[] once = Files.readAllBytes(file());
    requests.resolve(ref(made), "Cancelled the deployment.");

    assertEquals(
        "# Human Requests\n\n---\n\n## Pending Requests\n\n## Notes\n\nBe brief.\n\n---\n\n"
            + "## Resolved\n\n"
            + approvalEntry(made)
                .replace("Pending\n", "Resolved\n")
                .replace("_(Please add your response here)_", "reject")
            + "- **Actions Taken**: Cancelled the deployment.\n"
            + "- **Resolved Date**: 2024-05-02",
        read());
    assertArrayEquals(once, Files.readAllBytes(file()));
  }

  @Test
  void resolve_refusesAnEntryWithoutTheWorkersMark_orNoEntry_naming_fileAndLine()
      throws IOException {
    HumanRequests requests = with(TEAM_FILE);
    EntryRef hitl041 = new EntryRef("HITL-041", "0123456789abcdef0123456789abcdef");

    HumanRequestsException e =
        assertThrows(HumanRequestsException.class, () -> requests.resolve(hitl041, "done"));

    assertEquals(
        file()
            + ":18:1: entry HITL-041 does not carry the mark devops-worker wrote under its heading"
            + " (its <!-- devops-worker entry=... nonce=... --> line); the worker leaves it alone",
        e.getMessage());
    assertEquals(TEAM_FILE, read());
    EntryRef hitl100 = new EntryRef("HITL-100", "0123456789abcdef0123456789abcdef");
    HumanRequestsException missing =
        assertThrows(HumanRequestsException.class, () -> requests.note(hitl100, "done"));
    assertEquals(
        file()
            + ": has no entry HITL-100; its heading may have been edited or removed, restore it"
            + " or escalate again",
        missing.getMessage());
  }

  @Test
  void note_addsALineBeforeTheResponse_thenReplacesIt_inPlace() throws IOException {
    HumanRequests requests = with(SMALL);
    Entry made = requests.escalate(APPROVAL);

    requests.note(ref(made), "Understood answers: approve, reject.");
    String added = read();
    requests.note(ref(made), "Understood answers:\napprove, reject, later.");

    String noted =
        approvalEntry(made)
            .replace(
                "- **Human Response**:",
                "- **Worker Note**: Understood answers: approve, reject.\n- **Human Response**:");
    assertEquals(SMALL.replace("## Pending Requests\n", "## Pending Requests\n\n" + noted), added);
    assertEquals(added.replace("approve, reject.", "approve, reject, later."), read());
    assertEquals(
        "Understood answers: approve, reject, later.",
        requests.entries().get(0).fields().get("Worker Note"));
  }

  @Test
  void read_refusesAFileThatIsNotUtf8_withItsPosition_andWritesNothing() throws IOException {
    String text = SMALL.replace("## In Progress", "## Bald – In Progress");
    byte[] broken = text.getBytes(UTF_8);
    broken[broken.length - "Progress\n\n## Resolved\n".length()] = (byte) 0xFF; // the P
    Files.write(file(), broken);
    HumanRequests requests = requests();

    HumanRequestsException e =
        assertThrows(HumanRequestsException.class, () -> requests.escalate(APPROVAL));

    assertEquals(
        file()
            + ":5:14: not valid UTF-8 (byte 0xFF); save the file as UTF-8, the worker neither reads"
            + " nor writes it until then",
        e.getMessage());
    assertArrayEquals(broken, Files.readAllBytes(file()));
    HumanRequestsException onRead = assertThrows(HumanRequestsException.class, requests::entries);
    assertEquals(e.getMessage(), onRead.getMessage());
  }

  @Test
  void read_ofAFileThatIsNotUtf8_isUnreadable_inOneLine_andEditsStillRefuse() throws IOException {
    HumanRequests requests = with(SMALL);
    Entry made = requests.escalate(APPROVAL);
    byte[] broken = read().replace("Pending Requests", "Pending caf\u00e9").getBytes(UTF_8);
    int e9 = new String(broken, UTF_8).indexOf('\u00e9');
    byte[] cp1252 = new byte[broken.length - 1];
    System.arraycopy(broken, 0, cp1252, 0, e9);
    cp1252[e9] = (byte) 0xE9; // é as cp1252 saves it
    System.arraycopy(broken, e9 + 2, cp1252, e9 + 1, broken.length - e9 - 2);
    Files.write(file(), cp1252);

    Reading reading = requests.read();

    String message =
        file()
            + ":3:15: not valid UTF-8 (byte 0xE9); save the file as UTF-8, the worker neither reads"
            + " nor writes it until then";
    assertEquals(new Reading.Unreadable(message), reading);
    assertEquals(
        message,
        assertThrows(HumanRequestsException.class, () -> requests.resolve(ref(made), "x"))
            .getMessage());
    assertEquals(
        message,
        assertThrows(HumanRequestsException.class, () -> requests.note(ref(made), "x"))
            .getMessage());
    assertArrayEquals(cp1252, Files.readAllBytes(file()), "nothing was written");
    Files.write(file(), broken);
    Reading fixed = requests.read();
    assertTrue(fixed instanceof Reading.Ok, fixed.toString());
    assertEquals(
        List.of(made.id()),
        ((Reading.Ok) fixed).requests().entries().stream().map(Entry::id).toList());
  }

  @Test
  void read_ofAMissingFile_isOk_withNoEntries() {
    Reading reading = requests().read();

    assertTrue(reading instanceof Reading.Ok, reading.toString());
    assertEquals(List.of(), ((Reading.Ok) reading).requests().entries());
    assertEquals(Set.of(), ((Reading.Ok) reading).requests().sections());
  }

  @Test
  void writes_goThroughASymlinkToItsTarget_andKeepTheMode() throws IOException {
    Path target = Files.createDirectory(dir.resolve("shared")).resolve("requests.md");
    Files.writeString(target, SMALL);
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw-r--"));
    Files.createSymbolicLink(file(), target);

    Entry made = requests().escalate(APPROVAL);

    assertTrue(Files.isSymbolicLink(file()));
    assertTrue(Files.readString(target).contains(approvalEntry(made)));
    assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    assertEquals(List.of("requests.md", "requests.md.devops-lock"), filesIn(target.getParent()));
  }

  @Test
  void update_givesUpAfterTenForeignReplacements_withoutWriting() throws IOException {
    with(SMALL);
    int[] rewrites = {0};
    HumanRequests requests =
        new HumanRequests(
            file(),
            CLOCK,
            new LockedUpdate.Options(
                LockedUpdate.ATTEMPTS,
                real -> {
                  Path temp = dir.resolve("foreign.tmp");
                  Files.writeString(temp, SMALL + "x".repeat(++rewrites[0]));
                  Files.move(temp, file(), StandardCopyOption.ATOMIC_MOVE);
                }));

    BusyFileException e = assertThrows(BusyFileException.class, () -> requests.escalate(APPROVAL));

    assertEquals(
        file()
            + ": kept changing under a writer that ignores human-requests.md.devops-lock (10 tries);"
            + " nothing was written, retry",
        e.getMessage());
    assertEquals(SMALL + "x".repeat(10), read());
    assertEquals(List.of("human-requests.md", "human-requests.md.devops-lock"), filesIn(dir));
  }

  private static String response(String id, String field) {
    return "### " + id + ": Q\n- **Status**: Pending\n" + field + "\n";
  }

  private static Map<String, String> fields(String... pairs) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      fields.put(pairs[i], pairs[i + 1]);
    }
    return fields;
  }

  private static List<String> filesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  /** The top-level template; surefire runs in the project directory. */
  static Path shippedTemplate() {
    return Path.of("human-requests.md.template").toAbsolutePath();
  }
}
