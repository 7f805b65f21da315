package dev.taskboard.devops.runbook;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The kernel's limits on a new process's environment, checked before a step starts: over them,
 * {@code execve} fails and no step of the task can run at all.
 */
final class EnvironmentLimits {
  /** MAX_ARG_STRLEN: 32 pages for one {@code NAME=value}, its terminating NUL included. */
  static final int MAX_VARIABLE = 128 * 1024;

  /**
   * Arguments and environment together may take a quarter of the stack limit (2 MiB with the usual
   * 8 MiB); the environment keeps to half of that, leaving the rest to the command line.
   */
  static final int MAX_TOTAL = 1024 * 1024;

  /** Each variable also costs a pointer in the array execve is given. */
  private static final int POINTER = 8;

  private EnvironmentLimits() {}

  /** {@code NAME=value} and its NUL, in bytes. */
  static long size(String name, String value) {
    return utf8Length(name) + 1 + utf8Length(value) + 1;
  }

  /**
   * @throws TaskEnvironmentException naming the largest variable when it is over {@link
   *     #MAX_VARIABLE}, or when the total is over {@link #MAX_TOTAL}
   */
  static void check(Map<String, String> env) throws TaskEnvironmentException {
    long total = 0;
    String largest = null;
    long largestSize = 0;
    for (Map.Entry<String, String> e : env.entrySet()) {
      long size = size(e.getKey(), e.getValue());
      total += size + POINTER;
      if (size > largestSize) {
        largest = e.getKey();
        largestSize = size;
      }
    }
    if (largestSize > MAX_VARIABLE) {
      throw tooLarge(largest, largestSize);
    }
    if (total > MAX_TOTAL) {
      throw new TaskEnvironmentException(
          TaskEnvironmentException.Kind.TOO_LARGE,
          "the steps' environment (the worker's own variables and the task's) would take "
              + total
              + " bytes, over the "
              + MAX_TOTAL
              + " a step may safely be given, so no step could start; nothing ran. The largest"
              + " variable is "
              + largest
              + " ("
              + largestSize
              + " bytes): make the payload smaller (steps read the whole payload from the file"
              + " named by TASK_PAYLOAD_FILE), or start the worker with fewer variables");
    }
  }

  private static TaskEnvironmentException tooLarge(String name, long size) {
    String fix =
        name.equals(TaskEnvironment.PAYLOAD)
            ? "make the payload smaller"
            : name.startsWith(TaskEnvironment.PAYLOAD_PREFIX)
                ? "shorten that payload field"
                : "shorten it";
    return new TaskEnvironmentException(
        TaskEnvironmentException.Kind.TOO_LARGE,
        name
            + " would be "
            + size
            + " bytes as NAME=value, over the kernel's limit of "
            + MAX_VARIABLE
            + " for one environment variable, so no step could start; nothing ran. "
            + Character.toUpperCase(fix.charAt(0))
            + fix.substring(1)
            + " (steps read the whole payload from the file named by TASK_PAYLOAD_FILE)");
  }

  private static long utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
