package dev.taskboard.devops.validate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cycles of a dependency graph, one per strongly connected component: the shortest cycle
 * through the component's first task in board order. Iterative, so a long chain of dependencies
 * cannot exhaust the stack.
 */
final class DependencyCycles {
  private final List<List<Integer>> edges;
  private final int[] index;
  private final int[] low;
  private final boolean[] onStack;
  private final Deque<Integer> stack = new ArrayDeque<>();
  private final List<List<Integer>> components = new ArrayList<>();
  private int counter;

  private DependencyCycles(List<List<Integer>> edges) {
    this.edges = edges;
    int n = edges.size();
    index = new int[n];
    low = new int[n];
    onStack = new boolean[n];
    Arrays.fill(index, -1);
  }

  /**
   * Each cycle as the node numbers along it, first node repeated at the end ({@code [0, 1, 0]});
   * {@code edges.get(n)} are the nodes {@code n} depends on.
   */
  static List<List<Integer>> of(List<List<Integer>> edges) {
    DependencyCycles c = new DependencyCycles(edges);
    for (int n = 0; n < edges.size(); n++) {
      if (c.index[n] < 0) {
        c.connect(n);
      }
    }
    List<List<Integer>> cycles = new ArrayList<>();
    for (List<Integer> component : c.components) {
      int first = component.stream().min(Integer::compare).orElseThrow();
      if (component.size() > 1 || edges.get(first).contains(first)) {
        cycles.add(c.shortestCycle(first, component));
      }
    }
    cycles.sort((a, b) -> Integer.compare(a.get(0), b.get(0)));
    return cycles;
  }

  /** Tarjan's algorithm with an explicit stack of (node, next edge) frames. */
  private void connect(int root) {
    Deque<int[]> frames = new ArrayDeque<>();
    open(root);
    frames.push(new int[] {root, 0});
    while (!frames.isEmpty()) {
      int[] frame = frames.peek();
      int node = frame[0];
      List<Integer> out = edges.get(node);
      if (frame[1] < out.size()) {
        int next = out.get(frame[1]++);
        if (index[next] < 0) {
          open(next);
          frames.push(new int[] {next, 0});
        } else if (onStack[next]) {
          low[node] = Math.min(low[node], index[next]);
        }
        continue;
      }
      frames.pop();
      if (!frames.isEmpty()) {
        int parent = frames.peek()[0];
        low[parent] = Math.min(low[parent], low[node]);
      }
      if (low[node] == index[node]) {
        List<Integer> component = new ArrayList<>();
        int member;
        do {
          member = stack.pop();
          onStack[member] = false;
          component.add(member);
        } while (member != node);
        components.add(component);
      }
    }
  }

  private void open(int node) {
    index[node] = counter;
    low[node] = counter;
    counter++;
    stack.push(node);
    onStack[node] = true;
  }

  /** Breadth-first from {@code start} inside its component until an edge leads back to it. */
  private List<Integer> shortestCycle(int start, List<Integer> members) {
    Set<Integer> component = new HashSet<>(members);
    Map<Integer, Integer> cameFrom = new HashMap<>();
    Deque<Integer> queue = new ArrayDeque<>(List.of(start));
    while (!queue.isEmpty()) {
      int node = queue.poll();
      for (int next : edges.get(node)) {
        if (next == start) {
          return pathTo(node, start, cameFrom);
        }
        if (component.contains(next) && !cameFrom.containsKey(next)) {
          cameFrom.put(next, node);
          queue.add(next);
        }
      }
    }
    throw new IllegalStateException("a strongly connected component without a cycle");
  }

  private static List<Integer> pathTo(int last, int start, Map<Integer, Integer> cameFrom) {
    List<Integer> path = new ArrayList<>();
    path.add(start);
    for (int node = last; node != start; node = cameFrom.get(node)) {
      path.add(node);
    }
    path.add(start);
    Collections.reverse(path.subList(1, path.size() - 1));
    return path;
  }
}
