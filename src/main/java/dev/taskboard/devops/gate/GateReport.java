package dev.taskboard.devops.gate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.task.Json;
import java.util.List;

/** A gate's checks for one task. */
public record GateReport(String gate, List<Check> checks) {
  public GateReport {
    checks = List.copyOf(checks);
  }

  public List<Check> with(Verdict verdict) {
    return checks.stream().filter(c -> c.verdict() == verdict).toList();
  }

  /** Every check passed. */
  public boolean passed() {
    return checks.stream().allMatch(c -> c.verdict() == Verdict.PASS);
  }

  /**
   * {@code {"unit_tests": {"verdict": "pass", "evidence": "..."}, ...}} for {@code result.gates}.
   */
  public ObjectNode toJson() {
    ObjectNode out = Json.MAPPER.createObjectNode();
    for (Check c : checks) {
      ObjectNode o = out.putObject(c.name());
      o.put("verdict", c.verdict().wireName());
      o.put("evidence", c.evidence());
    }
    return out;
  }
}
