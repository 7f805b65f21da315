package dev.taskboard.devops.hitl;

import static dev.taskboard.devops.hitl.HumanRequestsTest.APPROVAL;
import static dev.taskboard.devops.hitl.HumanRequestsTest.CLOCK;
import static dev.taskboard.devops.hitl.HumanRequestsTest.SMALL;
import static dev.taskboard.devops.hitl.HumanRequestsTest.ref;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A plain answer decides only as one line holding one decision word. */
class DecisionTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {"approve", "Approve", "APPROVE.", "  approve  ", "- approve", "\napprove\n\n"})
  void parse_approveAlone_inAnyCase_withAPeriodOrAListMarker_approves(String answer) {
    assertEquals(Decision.APPROVE, Decision.parse(answer));
  }

  @Test
  void parse_rejectAndRetry_likewise() {
    assertEquals(Decision.REJECT, Decision.parse("  - Reject.\t"));
    assertEquals(Decision.RETRY, Decision.parse("retry\r\n"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "yes",
        "lgtm",
        "approved",
        "no",
        "approve? no",
        "yes, but not before Monday's change freeze ends",
        "approve please",
        "approve\nreject",
        "approve\n\napprove",
        "- - approve",
        "* approve",
        "-approve",
        "approve..",
        "approve!",
        "**approve**",
        "`approve`",
        "\u0430pprove",
        "approve\u2028no",
        "",
        "  \n "
      })
  void parse_anythingElse_isUnclear(String answer) {
    assertEquals(Decision.UNCLEAR, Decision.parse(answer));
  }

  @Test
  void humanResponse_decision_readsWhatTheHumanWroteUnderTheField() throws IOException {
    Path file = dir.resolve("human-requests.md");
    Files.writeString(file, SMALL);
    HumanRequests humans = new HumanRequests(file, CLOCK);
    Entry made = humans.escalate(APPROVAL);
    String text = Files.readString(file);

    assertEquals(Decision.UNCLEAR, decision(humans, made), "no answer yet");
    Files.writeString(file, text.replace("_(Please add your response here)_", "Approve."));
    assertEquals(Decision.APPROVE, decision(humans, made));
    Files.writeString(
        file,
        text.replace(
            "- **Human Response**:\n  - _(Please add your response here)_",
            "- **Human Response**: approve? no"));
    assertEquals(Decision.UNCLEAR, decision(humans, made));
    Files.writeString(
        file, text.replace("_(Please add your response here)_", "yes, but not before Monday"));
    assertEquals(Decision.UNCLEAR, decision(humans, made));
  }

  private static Decision decision(HumanRequests humans, Entry made) {
    Reading.Ok ok = (Reading.Ok) humans.read();
    return ok.requests().find(ref(made)).mine().orElseThrow().humanResponse().decision();
  }
}
