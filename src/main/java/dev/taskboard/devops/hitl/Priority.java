package dev.taskboard.devops.hitl;

/** How urgently a request needs a human, with the word the file uses for it. */
public enum Priority {
  CRITICAL("Critical"),
  HIGH("High"),
  MEDIUM("Medium"),
  LOW("Low");

  private final String wireName;

  Priority(String wireName) {
    this.wireName = wireName;
  }

  /** The word written after {@code **Priority**:}. */
  public String wireName() {
    return wireName;
  }

  /** The priority whose word is {@code word}. */
  public static java.util.Optional<Priority> fromWire(String word) {
    for (Priority p : values()) {
      if (p.wireName.equals(word)) {
        return java.util.Optional.of(p);
      }
    }
    return java.util.Optional.empty();
  }
}
