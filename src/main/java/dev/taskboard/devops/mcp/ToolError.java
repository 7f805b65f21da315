package dev.taskboard.devops.mcp;

/**
 * A tool call refused, with the one-line message the agent gets back as an error result: which
 * argument or task, what is wrong, what to do. Unchecked, so it can leave a board update's compute
 * function (the board releases its lock on the way out).
 */
final class ToolError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ToolError(String message) {
    super(message, null, false, false);
  }
}
