package dev.taskboard.devops.validate;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.taskboard.devops.hitl.Entry;
import dev.taskboard.devops.hitl.HumanRequests;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * human-requests.md, when there is one: the three sections the worker files its entries under, and
 * the fields of its own entries it reads answers from and writes states to.
 */
final class HumanRequestsCheck {
  private static final Pattern SECTION_HEADING =
      Pattern.compile("^ {0,3}##(?:[ \\t]+(.*?))?(?:[ \\t]+#+)?[ \\t]*$");
  private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");

  /** The sections, told by the words of their headings as the worker tells them. */
  enum Part {
    PENDING("Pending", "🔄 Pending Requests", "where new requests go", "\\bpending\\b"),
    IN_PROGRESS(
        "In Progress",
        "🚀 In Progress",
        "for requests a human is working on",
        "\\bin[ _-]+progress\\b"),
    RESOLVED("Resolved", "✅ Resolved", "where answered requests go", "\\bresolved\\b");

    final String name;
    final String heading;
    final String purpose;
    final Pattern words;

    Part(String name, String heading, String purpose, String words) {
      this.name = name;
      this.heading = heading;
      this.purpose = purpose;
      this.words = Pattern.compile(words);
    }

    /** In Progress first: "Pending" alone must not claim a heading that says both. */
    static Set<Part> of(String headingText) {
      String text = headingText.toLowerCase(Locale.ROOT);
      if (IN_PROGRESS.words.matcher(text).find()) {
        return EnumSet.of(IN_PROGRESS);
      }
      for (Part p : List.of(PENDING, RESOLVED)) {
        if (p.words.matcher(text).find()) {
          return EnumSet.of(p);
        }
      }
      return EnumSet.noneOf(Part.class);
    }
  }

  private HumanRequestsCheck() {}

  /** No file, no findings: the worker creates it from its template. */
  static List<Finding> check(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<Finding> findings = new ArrayList<>();
    Set<Part> missing = EnumSet.allOf(Part.class);
    missing.removeAll(sections(file));
    for (Part p : missing) {
      findings.add(
          Finding.at(
              file,
              Position.START,
              "no " + p.name + " section; add a '## " + p.heading + "' heading, " + p.purpose));
    }
    for (Entry e : new HumanRequests(file, Clock.systemUTC()).entries()) {
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

  /** The sections whose level-2 headings are in the file, outside fenced code. */
  private static Set<Part> sections(Path file) throws IOException {
    Set<Part> found = EnumSet.noneOf(Part.class);
    String fence = null;
    try (BufferedReader in = Files.newBufferedReader(file, UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        Matcher f = FENCE.matcher(line);
        if (fence != null) {
          if (f.find()
              && f.group(1).charAt(0) == fence.charAt(0)
              && f.group(1).length() >= fence.length()
              && line.substring(f.end()).isBlank()) {
            fence = null;
          }
        } else if (f.find()) {
          fence = f.group(1);
        } else {
          Matcher h = SECTION_HEADING.matcher(line.replace("\uFEFF", ""));
          if (h.matches() && h.group(1) != null) {
            found.addAll(Part.of(h.group(1)));
          }
        }
      }
    }
    return found;
  }
}
