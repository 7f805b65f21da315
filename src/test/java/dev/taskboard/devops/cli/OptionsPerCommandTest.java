package dev.taskboard.devops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Each command declares exactly the options that act there. */
class OptionsPerCommandTest {
  private static final String STANDARD = "--help --version";
  private static final String BOARD = "--board --tasks-path";

  @Test
  void everyCommand_hasExactlyTheOptionsThatActThere() {
    Map<String, String> expected = new TreeMap<>();
    expected.put("devops-worker", STANDARD);
    expected.put(
        "run",
        "--allow-unsigned-approvals --filter --human-requests --notify --once --rescan --runbook"
            + " --runbook-file --signers --state-dir");
    expected.put("demo", "");
    expected.put("plan", BOARD + " --filter --runbook --runbook-file --state-dir");
    expected.put("status", BOARD + " --filter --json --state-dir");
    expected.put("board", "");
    expected.put("board list", BOARD + " --filter");
    expected.put("board get", BOARD);
    expected.put("board patch", BOARD + " --expect --json --set");
    expected.put("board add", BOARD + " --json");
    expected.put("board requeue", BOARD + " --reason");
    expected.put("report", BOARD + " --format --out --since --state-dir");
    expected.put("validate", BOARD + " --human-requests --runbook");
    expected.put("init", "--agents --launcher");
    for (String decide : new String[] {"approve", "reject", "retry"}) {
      expected.put(decide, BOARD + " --comment --expires --human-requests --key --state-dir");
    }
    expected.put(
        "trust-runbook",
        BOARD + " --comment --expires --human-requests --key --runbook --runbook-file --state-dir");
    expected.put("mcp", BOARD + " --filter --human-requests --runbook --runbook-file --state-dir");
    expected.replaceAll((k, v) -> k.equals("devops-worker") ? v : sorted(v + " " + STANDARD));
    expected.replace("run", sorted(expected.get("run") + " " + BOARD));

    Map<String, String> actual = new TreeMap<>();
    Main.everyCommand(
        Main.commandLine(Map.of()),
        cl -> {
          TreeSet<String> names = new TreeSet<>();
          cl.getCommandSpec().options().forEach(o -> names.add(o.longestName()));
          String name = cl.getCommandSpec().qualifiedName(" ").replaceFirst("^devops-worker ", "");
          actual.put(name, String.join(" ", names));
        });

    assertEquals(expected, actual);
  }

  private static String sorted(String names) {
    return String.join(" ", new TreeSet<>(Arrays.asList(names.strip().split("\\s+"))));
  }
}
