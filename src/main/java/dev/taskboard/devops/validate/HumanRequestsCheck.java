package dev.taskboard.devops.validate;

import dev.taskboard.devops.hitl.Entry;
import dev.taskboard.devops.hitl.HumanRequests;
import dev.taskboard.devops.hitl.Section;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * human-requests.md, when there is one: the three sections the worker files its entries under, and
 * the fields of its own entries it reads answers from and writes states to.
 */
final class HumanRequestsCheck {

  /** The sections the worker needs, with what to write when one is missing. */
  enum Part {
    PENDING(Section.PENDING, "Pending", "🔄 Pending Requests", "where new requests go"),
    IN_PROGRESS(
        Section.IN_PROGRESS, "In Progress", "🚀 In Progress", "for requests a human is working on"),
    RESOLVED(Section.RESOLVED, "Resolved", "✅ Resolved", "where answered requests go");

    final Section section;
    final String name;
    final String heading;
    final String purpose;

    Part(Section section, String name, String heading, String purpose) {
      this.section = section;
      this.name = name;
      this.heading = heading;
      this.purpose = purpose;
    }
  }

  private HumanRequestsCheck() {}

  /** No file, no findings: the worker creates it from its template. */
  static List<Finding> check(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<Finding> findings = new ArrayList<>();
    HumanRequests requests = new HumanRequests(file, Clock.systemUTC());
    // The worker's own reading of the file decides which sections exist.
    Set<Section> present = requests.sections();
    for (Part p : Part.values()) {
      if (present.contains(p.section)) {
        continue;
      }
      findings.add(
          Finding.at(
              file,
              Position.START,
              "no " + p.name + " section; add a '## " + p.heading + "' heading, " + p.purpose));
    }
    for (Entry e : requests.entries()) {
      if (e.key().isPresent()) {
        findings.addAll(fields(file, e));
      }
    }
    return findings;
  }

  private static List<Finding> fields(Path file, Entry e) {
    List<Finding> findings = new ArrayList<>();
    Position at = new Position(e.line(), 1);
    if (e.field("Status").isEmpty()) {
      findings.add(
          Finding.at(
              file,
              at,
              "entry "
                  + e.id()
                  + " has no Status field; add '- **Status**: Pending' to it (the worker writes"
                  + " its state there)"));
    }
    if (e.field("Human Response").isEmpty()) {
      findings.add(
          Finding.at(
              file,
              at,
              "entry "
                  + e.id()
                  + " has no Human Response field; add '- **Human Response**:' with the answer"
                  + " below it (the worker reads the answer there)"));
    }
    return findings;
  }
}
