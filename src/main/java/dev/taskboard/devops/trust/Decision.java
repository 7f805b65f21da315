package dev.taskboard.devops.trust;

import java.util.Optional;

/** What a human decided about a request, with the word the command and the statement use. */
public enum Decision {
  APPROVE("approve"),
  REJECT("reject"),
  RETRY("retry");

  private final String wire;

  Decision(String wire) {
    this.wire = wire;
  }

  /** The word on the command line and in the signed statement. */
  public String wire() {
    return wire;
  }

  /** The decision spelled exactly {@code word}, if any. */
  public static Optional<Decision> fromWire(String word) {
    for (Decision d : values()) {
      if (d.wire.equals(word)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
