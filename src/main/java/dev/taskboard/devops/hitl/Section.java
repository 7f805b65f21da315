package dev.taskboard.devops.hitl;

import java.util.Locale;
import java.util.regex.Pattern;

/** The part of human-requests.md an entry stands in, told by the words of its heading. */
public enum Section {
  PENDING("Pending Requests", "🔄"),
  IN_PROGRESS("In Progress", "🚀"),
  RESOLVED("Resolved", "✅"),
  OTHER("", "");

  private static final Pattern IN_PROGRESS_WORDS = Pattern.compile("\\bin[ _-]+progress\\b");
  private static final Pattern PENDING_WORDS = Pattern.compile("\\bpending\\b");
  private static final Pattern RESOLVED_WORDS = Pattern.compile("\\bresolved\\b");

  private final String heading;
  private final String emoji;

  Section(String heading, String emoji) {
    this.heading = heading;
    this.emoji = emoji;
  }

  /** The section a level-2 heading opens: emoji or not, any case. */
  static Section of(String headingText) {
    String words = headingText.toLowerCase(Locale.ROOT);
    if (IN_PROGRESS_WORDS.matcher(words).find()) {
      return IN_PROGRESS;
    }
    if (PENDING_WORDS.matcher(words).find()) {
      return PENDING;
    }
    return RESOLVED_WORDS.matcher(words).find() ? RESOLVED : OTHER;
  }

  /** The heading text the worker writes when it has to create this section. */
  String heading(boolean withEmoji) {
    return withEmoji ? emoji + " " + heading : heading;
  }
}
