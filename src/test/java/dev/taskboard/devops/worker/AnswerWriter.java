package dev.taskboard.devops.worker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A human's editor, as a separate process: replaces the response placeholder of one entry in
 * human-requests.md with an answer and saves with temp file + rename, ignoring any lock. Usage:
 * {@code AnswerWriter FILE HITL-ID ANSWER [EXTRA_ENTRY_TITLE]}.
 */
public final class AnswerWriter {
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int entry = text.indexOf("### " + args[1] + ":");
    int placeholder = text.indexOf("_(Please add your response here)_", entry);
    if (entry < 0 || placeholder < 0) {
      System.err.println("no open entry " + args[1]);
      System.exit(3);
    }
    text =
        text.substring(0, placeholder)
            + args[2]
            + text.substring(placeholder + "_(Please add your response here)_".length());
    if (args.length > 3) {
      text =
          text
              + "\n### REQ-9001: "
              + args[3]
              + "\n**Type:** Feature Request\n**Status:** pending\n";
    }
    Path temp = Files.createTempFile(file.getParent(), "editor", ".tmp");
    Files.writeString(temp, text, StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
  }
}
