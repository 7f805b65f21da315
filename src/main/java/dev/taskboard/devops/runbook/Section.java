package dev.taskboard.devops.runbook;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The runbook section for one task type: its settings and the steps of each phase. */
public record Section(
    String name, Path file, int line, Settings settings, Map<Phase, List<Step>> phases) {

  public Section {
    EnumMap<Phase, List<Step>> copy = new EnumMap<>(Phase.class);
    phases.forEach((phase, steps) -> copy.put(phase, List.copyOf(steps)));
    phases = Collections.unmodifiableMap(copy);
  }

  /** The steps of {@code phase} in document order; empty when the section has no such phase. */
  public List<Step> steps(Phase phase) {
    return phases.getOrDefault(phase, List.of());
  }

  public boolean has(Phase phase) {
    return !steps(phase).isEmpty();
  }
}
