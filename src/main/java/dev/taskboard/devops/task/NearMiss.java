package dev.taskboard.devops.task;

import java.util.Collection;
import java.util.Optional;

/**
 * Words a person or an agent meant but mistyped: the edit distance where inserting, deleting or
 * changing a letter, or swapping two neighbouring letters, counts as one edit (so {@code lsit} is
 * one edit from {@code list}, {@code --Once} one from {@code --once}, {@code bord} one from {@code
 * board}).
 */
public final class NearMiss {
  private NearMiss() {}

  /** Edits from {@code a} to {@code b}: insertions, deletions, changes, neighbour swaps. */
  public static int distance(String a, String b) {
    int n = a.length();
    int m = b.length();
    int[][] d = new int[n + 1][m + 1];
    for (int i = 0; i <= n; i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= m; j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= n; i++) {
      for (int j = 1; j <= m; j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          best = Math.min(best, d[i - 2][j - 2] + 1);
        }
        d[i][j] = best;
      }
    }
    return d[n][m];
  }

  /**
   * The candidate closest to {@code word} within {@code maxEdits} edits, the first listed on a tie;
   * none when {@code word} is itself a candidate or nothing is that close.
   */
  public static Optional<String> closest(String word, Collection<String> candidates, int maxEdits) {
    if (word == null || candidates.contains(word)) {
      return Optional.empty();
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance(word, candidate);
      if (d <= maxEdits && d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The candidate {@code word} was meant to be, for a typo in a command line: at most one edit for
   * words up to four letters, else at most two; case counts as an edit.
   */
  public static Optional<String> typo(String word, Collection<String> candidates) {
    return closest(word, candidates, word.length() <= 4 ? 1 : 2);
  }
}
