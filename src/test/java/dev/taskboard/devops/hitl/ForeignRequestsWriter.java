package dev.taskboard.devops.hitl;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Another agent editing human-requests.md the way an LLM's file tool does, ignoring the lock:
 * {@code ForeignRequestsWriter FILE} reads the whole file, puts {@link #ENTRY} before the In
 * Progress heading, writes a temp file and renames it over the file.
 */
final class ForeignRequestsWriter {
  static final String ENTRY =
      "### REQ-2001: Dark mode for the dashboard\n"
          + "**Type:** Feature Request\n"
          + "**Submitted By:** Product-Manager\n"
          + "**Status:** Pending\n"
          + "\n";

  private static final Pattern IN_PROGRESS = Pattern.compile("(?m)^## .*In Progress");

  private ForeignRequestsWriter() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    String text = Files.readString(file, UTF_8);
    Matcher m = IN_PROGRESS.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no In Progress heading in " + file);
    }
    String changed = text.substring(0, m.start()) + ENTRY + text.substring(m.start());
    Path temp = file.resolveSibling(file.getFileName() + ".foreign~");
    Files.writeString(temp, changed, UTF_8);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
