package dev.taskboard.devops.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskboard.devops.board.ArrayPath;
import dev.taskboard.devops.board.BoardLayout;
import dev.taskboard.devops.board.PerTaskBoard;
import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.validate.BoardReader.Entry;
import dev.taskboard.devops.validate.BoardReader.Value;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A per-task board's index and files, as the worker reads them: the index's shape, every listed
 * task's file (missing, broken, holding another id, an id that cannot name a file), entries that
 * disagree with their file, and files the index does not list (no agent sees them as tasks).
 */
final class PerTaskCheck {
  private static final List<String> COMPARED = List.of("status", "agent", "type", "priority");

  /** The tasks as their files say, for the board's other checks, and the findings so far. */
  record Result(Path index, List<Entry> tasks, List<Finding> findings) {}

  private PerTaskCheck() {}

  static Result read(Path dir) throws IOException {
    Path index = dir.resolve(BoardLayout.INDEX);
    if (!Files.isRegularFile(index)) {
      throw new UnreadableFileException(
          index,
          "does not exist; a per-task board needs its index (an empty one is []), or run"
              + " 'devops-worker init'");
    }
    TextFiles.requireUtf8(index, "--board");
    List<Finding> findings = new ArrayList<>();
    List<Entry> tasks = new ArrayList<>();
    BoardReader.Result listed = BoardReader.read(index, ArrayPath.auto());
    findings.addAll(listed.findings());
    Set<String> ids = new HashSet<>();
    for (Entry entry : listed.tasks()) {
      Optional<String> id = entry.id();
      if (id.isEmpty()) {
        findings.add(
            Finding.at(
                index,
                entry.at(),
                "an entry has no usable task_id; give it the id of its task's file"));
        continue;
      }
      Position idAt = entry.idField().orElseThrow().at();
      if (!ids.add(id.get())) {
        findings.add(
            Finding.at(index, idAt, "task " + id.get() + " is listed twice; remove one entry"));
        continue;
      }
      String unsafe = PerTaskBoard.unsafeId(id.get());
      if (unsafe != null) {
        findings.add(
            Finding.at(
                index,
                idAt,
                "task "
                    + Json.compact(Json.MAPPER.getNodeFactory().textNode(id.get()))
                    + ": "
                    + unsafe
                    + "; give the task another id (the worker skips it)"));
        continue;
      }
      Path file = dir.resolve(id.get() + ".json");
      if (Files.isSymbolicLink(file) || Files.exists(file) && !Files.isRegularFile(file)) {
        findings.add(
            Finding.at(
                file,
                Position.START,
                "is not a regular file; a task's file holds one JSON object (the worker skips"
                    + " task "
                    + id.get()
                    + ")"));
        continue;
      }
      if (!Files.exists(file)) {
        findings.add(
            Finding.at(
                index,
                entry.at(),
                "task "
                    + id.get()
                    + ": its file "
                    + file.getFileName()
                    + " does not exist; restore it or remove the entry (the worker skips the"
                    + " task)"));
        continue;
      }
      BoardReader.Result one;
      try {
        TextFiles.requireUtf8(file, "--board");
        one = BoardReader.read(file, ArrayPath.oneTask());
      } catch (IOException e) {
        findings.add(Finding.at(file, Position.START, oneLine(e, file)));
        continue;
      }
      findings.addAll(one.findings());
      if (one.tasks().isEmpty()) {
        continue;
      }
      Entry task = one.tasks().get(0);
      if (!task.id().equals(id)) {
        findings.add(
            Finding.at(
                file,
                task.idField().map(Value::at).orElse(task.at()),
                "holds task "
                    + task.id().orElse("(no id)")
                    + ", not "
                    + id.get()
                    + " as "
                    + BoardLayout.INDEX
                    + " says; give the file its task's id as name (the worker skips it)"));
        continue;
      }
      for (String field : COMPARED) {
        Optional<Value> said = entry.field(field);
        Optional<Value> truth = task.field(field);
        if (said.isPresent()
            && truth.isPresent()
            && !said.get().node().isNull()
            && !truth.get().node().isNull()
            && !said.get().node().equals(truth.get().node())) {
          findings.add(
              Finding.at(
                  index,
                  said.get().at(),
                  "task "
                      + id.get()
                      + ": the index says "
                      + field
                      + " "
                      + compact(said.get().node())
                      + ", its file says "
                      + compact(truth.get().node())
                      + "; the file is the truth: the worker repairs the entry (or correct it)"));
        }
      }
      tasks.add(task);
    }
    if (listed.findings().isEmpty()) {
      unlisted(dir, ids, findings);
    }
    return new Result(index, tasks, findings);
  }

  /** Task files the index does not list. */
  private static void unlisted(Path dir, Set<String> ids, List<Finding> findings)
      throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        String id = name.substring(0, name.length() - ".json".length());
        if (name.equals(BoardLayout.INDEX) || name.startsWith(".") || ids.contains(id)) {
          continue;
        }
        findings.add(
            Finding.at(
                f,
                Position.START,
                "is not listed in "
                    + BoardLayout.INDEX
                    + ", so it is no task for any agent; add an entry for it or remove the file"));
      }
    }
  }

  private static String compact(JsonNode node) {
    return Json.compact(node);
  }

  private static String oneLine(IOException e, Path file) {
    String message = String.valueOf(e.getMessage());
    String prefix = file + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }
}
