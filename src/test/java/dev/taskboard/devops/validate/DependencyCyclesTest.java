package dev.taskboard.devops.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DependencyCyclesTest {
  @Test
  void threeCycle_isNamedFromItsFirstNode() {
    // 0 depends on 2, 1 on 0, 2 on 1; 3 depends on the cycle but is not in it.
    List<List<Integer>> edges = List.of(List.of(2), List.of(0), List.of(1), List.of(2));

    assertEquals(List.of(List.of(0, 2, 1, 0)), DependencyCycles.of(edges));
  }

  @Test
  void selfDependency_isACycleOfOne() {
    assertEquals(
        List.of(List.of(1, 1)), DependencyCycles.of(List.of(List.of(), List.of(1), List.of(0))));
  }

  @Test
  void separateCycles_areEachReportedOnceInBoardOrder() {
    List<List<Integer>> edges =
        List.of(List.of(1), List.of(0), List.of(3), List.of(4), List.of(2), List.of());

    assertEquals(List.of(List.of(0, 1, 0), List.of(2, 3, 4, 2)), DependencyCycles.of(edges));
  }

  @Test
  void componentWithSeveralCycles_reportsTheShortestThroughItsFirstNode() {
    // 0 → 1 → 2 → 3 → 0 and a shortcut 1 → 0.
    List<List<Integer>> edges = List.of(List.of(1), List.of(2, 0), List.of(3), List.of(0));

    assertEquals(List.of(List.of(0, 1, 0)), DependencyCycles.of(edges));
  }

  @Test
  void longChainWithoutCycle_needsNoDeepStack() {
    List<List<Integer>> edges = new ArrayList<>();
    int n = 50_000;
    for (int i = 0; i < n; i++) {
      edges.add(i + 1 < n ? List.of(i + 1) : List.of());
    }

    assertEquals(List.of(), DependencyCycles.of(edges));
  }

  @Test
  void longCycle_isFoundWholeWithoutDeepStack() {
    List<List<Integer>> edges = new ArrayList<>();
    int n = 50_000;
    for (int i = 0; i < n; i++) {
      edges.add(List.of((i + 1) % n));
    }

    List<List<Integer>> cycles = DependencyCycles.of(edges);

    assertEquals(1, cycles.size());
    assertEquals(n + 1, cycles.get(0).size());
  }
}
