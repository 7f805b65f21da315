package dev.taskboard.devops.gate;

import java.util.Map;
import java.util.Optional;

/**
 * What humans decided about a task through human-requests.md, as the worker recorded it in its own
 * journal (never read from the board, which any agent can write): a production approval, and checks
 * waived when a human answered an evidence request with approve.
 */
public record Decisions(Optional<String> approvedIn, Map<String, String> waivedIn) {
  public Decisions {
    waivedIn = Map.copyOf(waivedIn);
  }

  public static Decisions none() {
    return new Decisions(Optional.empty(), Map.of());
  }
}
