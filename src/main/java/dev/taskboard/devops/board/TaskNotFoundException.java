package dev.taskboard.devops.board;

import java.nio.file.Path;

/** The board has no task with the requested id. */
public final class TaskNotFoundException extends BoardException {
  private static final long serialVersionUID = 1L;

  /** The id as given, or as a JSON string when it holds control characters (one line always). */
  private static String printable(String id) {
    return id.chars().anyMatch(Character::isISOControl)
        ? Json.compact(Json.MAPPER.getNodeFactory().textNode(id))
        : id;
  }

  public TaskNotFoundException(Path file, String id) {
    super(
        file,
        "no task with id "
            + printable(id)
            + "; check the id (ids compare as text, so 7 and \"7\" are the same)");
  }
}
