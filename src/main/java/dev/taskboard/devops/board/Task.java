package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.JsonNode;

/** One task as read from the board, with where it starts in the file. */
public record Task(String id, int index, long line, long column, JsonNode json) {

  /** The task's text field {@code name}, or "" when absent or not text. */
  public String text(String name) {
    JsonNode value = json.path(name);
    return value.isTextual() ? value.asText() : "";
  }
}
