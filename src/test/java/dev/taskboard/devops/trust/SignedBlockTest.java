package dev.taskboard.devops.trust;

import static dev.taskboard.devops.trust.SshFixture.statement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignedBlockTest {
  @TempDir Path dir;

  private SignedBlock block;

  @BeforeEach
  void signOnce() throws Exception {
    SshFixture ssh = new SshFixture(dir);
    Statement statement = statement(Decision.APPROVE, "ship it");
    block =
        new SignedBlock(statement, ssh.signDirectly(statement, ssh.key("alice"), "devops-worker"));
  }

  @Test
  void toMarkdown_isAFencedBlockWithTheStatementThenTheSignature() {
    List<String> lines = block.toMarkdown("  ").lines().toList();

    assertEquals("  ```devops-worker-signature", lines.get(0));
    assertEquals("  devops-worker statement v1", lines.get(1));
    assertEquals("  expires: 2026-12-03T10:15:30Z", lines.get(11));
    assertEquals("  -----BEGIN SSH SIGNATURE-----", lines.get(12));
    assertEquals("  -----END SSH SIGNATURE-----", lines.get(lines.size() - 2));
    assertEquals("  ```", lines.get(lines.size() - 1));
  }

  @Test
  void read_whatToMarkdownWrote_givesTheSameBlock() {
    assertEquals(block, found("approve\n" + block.toMarkdown("")));
  }

  @Test
  void read_blockInAListItem_indentedOrPrefixedTheSameOnEveryLine() {
    assertEquals(block, found("- **Human Response**: approve\n" + block.toMarkdown("  ")));
    assertEquals(block, found(block.toMarkdown("  - ")));
    assertEquals(block, found(block.toMarkdown("> ")));
    assertEquals(block, found(block.toMarkdown("\t")));
    String listItem = block.toMarkdown("    ").replaceFirst("^    ", "  - ");
    assertEquals(block, found(listItem));
    String numbered = block.toMarkdown("    ").replaceFirst("^    ", "12. ");
    assertEquals(block, found(numbered));
  }

  @Test
  void read_crlfLinesAndTrailingBlanks_areTolerated() {
    String text = block.toMarkdown("  ").replace("\n", "  \r\n");

    assertEquals(block, found(text));
  }

  @Test
  void read_noBlock_isAbsent() {
    assertInstanceOf(BlockReader.Absent.class, BlockReader.read("approve\n\nlooks good to me\n"));
  }

  @Test
  void read_missingLine_saysWhichLineWasExpected() {
    assertEquals(
        "line 5: expected 'task:', found 'environment: production'", malformed(without("task: ")));
  }

  @Test
  void read_extraOrReorderedLines_areRefused() {
    List<String> extra = lines();
    extra.add(4, "note: also fine");
    assertEquals("line 5: expected 'task:', found 'note: also fine'", malformed(extra));

    List<String> swapped = lines();
    swapped.set(4, lines().get(5));
    swapped.set(5, lines().get(4));
    assertEquals("line 5: expected 'task:', found 'environment: production'", malformed(swapped));
  }

  @Test
  void read_lineWithAnotherPrefix_isRefused() {
    List<String> lines = new ArrayList<>(block.toMarkdown("  ").lines().toList());
    lines.set(3, "    " + lines.get(3).strip());

    assertEquals("line 4: expected 'request:', found '  request: HITL-007'", malformed(lines));
    lines.set(3, " " + lines.get(3).strip());
    assertEquals(
        "line 4: the signature block's lines must start like its opening fence", malformed(lines));
  }

  @Test
  void read_unclosedBlock_isRefused() {
    List<String> lines = lines();
    lines.remove(lines.size() - 1);

    assertEquals(
        "line " + lines.size() + ": the signature block is not closed with ```", malformed(lines));
  }

  @Test
  void read_twoBlocks_areRefused() {
    String text = block.toMarkdown("") + "and again\n" + block.toMarkdown("");

    assertEquals(
        "line " + (lines().size() + 2) + ": a second signature block; keep only one",
        malformed(text));
  }

  @Test
  void read_signatureOutsideABlockOrFenceNotOnItsOwnLine_isRefused() {
    assertEquals(
        "line 2: an SSH signature outside a ```devops-worker-signature block",
        malformed("approve\n-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n"));
    assertEquals(
        "line 1: the signature block must open with a line of its own: ```devops-worker-signature",
        malformed("approve ```devops-worker-signature\n"));
  }

  @Test
  void read_badValues_nameTheLineAndTheRule() {
    assertEquals(
        "line 9: decision is not approve, reject or retry: 'yolo'",
        malformed(replaced("decision: approve", "decision: yolo")));
    assertEquals(
        "line 11: signed-at is not a UTC time to the second like 2026-12-02T10:15:30Z:"
            + " '2026-12-02T10:15:30+00:00'",
        malformed(
            replaced("signed-at: 2026-12-02T10:15:30Z", "signed-at: 2026-12-02T10:15:30+00:00")));
    assertEquals(
        "line 10: comment has leading or trailing whitespace",
        malformed(replaced("comment: ship it", "comment:  ship it")));
    assertEquals(
        "line 10: comment has a control or invisible character at index 4",
        malformed(replaced("comment: ship it", "comment: ship\u0007it")));
    assertEquals(
        "line 3: kind is not decision or runbook: 'deployment'",
        malformed(replaced("kind: decision", "kind: deployment")));
    assertEquals(
        "line 1: expires is not after signedAt",
        malformed(replaced("expires: 2026-12-03T10:15:30Z", "expires: 2026-12-01T10:15:30Z")));
  }

  @Test
  void read_foundTextIsQuotedShortAndVisible() {
    assertEquals(
        "line 4: expected 'request:', found '\u2022?" + "x".repeat(58) + "…'",
        malformed(replaced("request: HITL-007", "\u2022\u0007" + "x".repeat(80))));
  }

  @Test
  void read_badSignature_isRefused() {
    List<String> lines = lines();
    lines.set(13, "!!!!");
    assertEquals("line 14: the SSH signature has a line that is not base64", malformed(lines));

    List<String> notSshsig = lines();
    int end = notSshsig.indexOf(SshSignature.END);
    notSshsig.subList(13, end).clear();
    notSshsig.add(13, "QUFBQQ==");
    assertEquals(
        "line 14: the SSH signature is truncated or not an SSHSIG blob", malformed(notSshsig));
  }

  @Test
  void constructor_refusesASignatureThatIsNotOne() {
    assertEquals(
        "the SSH signature has no BEGIN and END lines",
        assertThrows(
                IllegalArgumentException.class, () -> new SignedBlock(block.statement(), "approve"))
            .getMessage());
  }

  private SignedBlock found(String text) {
    return assertInstanceOf(BlockReader.Found.class, BlockReader.read(text)).block();
  }

  private static String malformed(String text) {
    return assertInstanceOf(BlockReader.Malformed.class, BlockReader.read(text)).reason();
  }

  private static String malformed(List<String> lines) {
    return malformed(String.join("\n", lines) + "\n");
  }

  private List<String> lines() {
    return new ArrayList<>(block.toMarkdown("").lines().toList());
  }

  private List<String> without(String prefix) {
    List<String> lines = lines();
    lines.removeIf(l -> l.startsWith(prefix));
    return lines;
  }

  private List<String> replaced(String line, String with) {
    List<String> lines = lines();
    lines.set(lines.indexOf(line), with);
    return lines;
  }
}
