package dev.taskboard.devops.board;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.files.FileStamp;
import dev.taskboard.devops.task.Json;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import org.apache.commons.io.IOUtils;
import org.apache.commons.io.input.CloseShieldInputStream;

/**
 * One Jackson streaming pass over a board: finds the task arrays, records every task's id and byte
 * span, checks ids are present and unique, and evaluates the filter on each task — on a projection
 * of the fields it names, or on the whole task when it needs more. Memory grows with the number of
 * tasks (an id and a span each) and the largest task, never with the board's size.
 */
final class BoardScanner implements BoardWalk.Visitor {
  private final Path file;
  private final ArrayPath arrayPath;
  private final Verdicts verdicts; // null: select nothing, only lay out the board
  private final Set<String> alsoIds; // tasks selected by id whatever the filter says

  private final List<Slot> slots = new ArrayList<>();
  private final Map<String, Integer> byId = new HashMap<>();
  private final List<Slot> matches = new ArrayList<>();
  private final List<long[]> arrays = new ArrayList<>(); // [open, close] offsets per task array
  private final Map<String, String> statusNames = new HashMap<>(); // one String per status

  private BoardScanner(Path file, ArrayPath arrayPath, TaskFilter filter, Set<String> alsoIds) {
    this.file = file;
    this.arrayPath = arrayPath;
    this.verdicts = filter == null ? null : new Verdicts(filter);
    this.alsoIds = alsoIds;
  }

  /**
   * Reads {@code file} once, selecting the tasks {@code filter} matches (none when null) and those
   * in {@code alsoIds}; the caller closes the snapshot.
   */
  static Snapshot scan(
      Path file, ArrayPath arrayPath, TaskFilter filter, Set<String> alsoIds, Board.Hooks hooks)
      throws IOException {
    return new BoardScanner(file, arrayPath, filter, alsoIds).scan(hooks);
  }

  private Snapshot scan(Board.Hooks hooks) throws IOException {
    // Attributes before opening: should another writer rename a new version in between, they
    // describe the older file and the check before a write sees the board changed. The other way
    // round they would describe a file this pass never read.
    FileStamp attributes = attributes();
    hooks.betweenAttributesAndOpen(file);
    FileChannel channel = open();
    try {
      CheckedInputStream in =
          new CheckedInputStream(
              new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024), new CRC32C());
      // The parser closes its source; the channel must stay open for span reads and copies.
      try (JsonParser parser = Json.MAPPER.createParser(CloseShieldInputStream.wrap(in))) {
        if (BoardWalk.walk(parser, arrayPath, this) == 0) {
          noTaskArray();
        }
      } catch (StreamConstraintsException e) {
        throw beyondLimits(e);
      } catch (JsonProcessingException e) {
        throw notJson(e);
      }
      IOUtils.consume(in); // the checksum covers every byte, trailing whitespace too
      return new Snapshot(
          file,
          channel,
          attributes.withChecksum(in.getChecksum().getValue()),
          arrays,
          slots,
          byId,
          matches);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public void problem(JsonLocation at, String reason) throws BoardException {
    if (at == null) {
      throw new UnreadableBoardException(
          file, reason + " (another writer may be mid-write: retry)");
    }
    throw at(at, reason);
  }

  private void noTaskArray() throws BoardException {
    throw new BoardException(
        file,
        "no task array at "
            + arrayPath
            + "; set the path of the task array with --tasks-path (e.g. $.tasks)");
  }

  private FileStamp attributes() throws IOException {
    if (Files.isDirectory(file)) {
      throw new BoardException(file, "is a directory; point --board at the tasks.json file");
    }
    try {
      return FileStamp.attributesOf(file);
    } catch (NoSuchFileException e) {
      throw missing();
    }
  }

  private FileChannel open() throws IOException {
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw missing();
    } catch (AccessDeniedException e) {
      throw new BoardException(
          file, "cannot be read (permission denied); check its owner and mode");
    }
  }

  private BoardException missing() {
    return new BoardException(
        file, "does not exist; create it (an empty board is []) or run 'devops-worker init'");
  }

  @Override
  public void taskArray(JsonParser p) throws IOException {
    if (!arrays.isEmpty() && arrayPath.definite()) {
      throw at(
          p.currentTokenLocation(),
          "a second task array"
              + (p.currentName() == null ? "" : " \"" + p.currentName() + "\"")
              + "; remove the duplicate key");
    }
    long open = p.currentTokenLocation().getByteOffset();
    int array = arrays.size();
    JsonToken token;
    while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
      JsonLocation start = p.currentTokenLocation();
      if (token != JsonToken.START_OBJECT) {
        throw at(
            start,
            "task "
                + slots.size()
                + " is "
                + BoardWalk.describe(token)
                + ", not an object; every task is a JSON object");
      }
      readTask(p, start, array);
    }
    arrays.add(new long[] {open, p.currentTokenLocation().getByteOffset()});
  }

  @Override
  public void oneTask(JsonParser p) throws IOException {
    long open = p.currentTokenLocation().getByteOffset();
    readTask(p, p.currentTokenLocation(), 0);
    arrays.add(new long[] {open, p.currentLocation().getByteOffset()});
  }

  private void readTask(JsonParser p, JsonLocation start, int array) throws IOException {
    JsonNode id = null;
    JsonNode taskId = null;
    JsonNode status = null;
    ObjectNode seen; // what the filter sees: the whole task, or the fields it names
    if (verdicts != null && verdicts.wholeTask()) {
      seen = (ObjectNode) Json.MAPPER.readTree(p);
      id = seen.get("id");
      taskId = seen.get("task_id");
      status = seen.get("status");
    } else {
      seen = verdicts == null ? null : Json.MAPPER.createObjectNode();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        boolean read = verdicts != null && verdicts.reads(name);
        JsonNode value;
        switch (name) {
          case "id" -> value = id = value(p);
          case "task_id" -> value = taskId = value(p);
          case "status" -> value = status = value(p);
          default -> {
            if (!read) {
              p.skipChildren();
              continue;
            }
            value = value(p);
          }
        }
        if (read) {
          seen.set(name, value);
        }
      }
    }
    long end = p.currentLocation().getByteOffset();
    Slot slot = addSlot(id, taskId, status, start, end, array);
    if (alsoIds.contains(slot.id()) || seen != null && verdicts.matches(seen)) {
      matches.add(slot);
    }
  }

  /**
   * The current value as a node; scalars directly from the token (readTree sets up a
   * deserialization context per call).
   */
  private static JsonNode value(JsonParser p) throws IOException {
    JsonNodeFactory nodes = Json.MAPPER.getNodeFactory();
    return switch (p.currentToken()) {
      case VALUE_STRING -> nodes.textNode(p.getText());
      case VALUE_TRUE -> nodes.booleanNode(true);
      case VALUE_FALSE -> nodes.booleanNode(false);
      case VALUE_NULL -> nodes.nullNode();
      default -> Json.MAPPER.readTree(p);
    };
  }

  /** Checks the task's id and status and records its slot. */
  private Slot addSlot(
      JsonNode idValue,
      JsonNode taskIdValue,
      JsonNode status,
      JsonLocation start,
      long end,
      int array)
      throws BoardException {
    String idKey = idValue != null ? "id" : taskIdValue != null ? "task_id" : null;
    if (idKey == null) {
      throw at(start, "task " + slots.size() + " has no id or task_id; give it one");
    }
    JsonNode id = idValue != null ? idValue : taskIdValue;
    if (!id.isTextual() && !id.isNumber()) {
      String found = id.getNodeType().toString().toLowerCase();
      throw at(
          start,
          "task %s: %s must be a string or a number, found %s; write it like \"id\": \"T-1\""
              .formatted(slots.size(), idKey, found));
    }
    if (status != null && !status.isTextual()) {
      String found = status.getNodeType().toString().toLowerCase() + " " + Json.compact(status);
      throw at(
          start,
          "task %s: status must be a string, found %s; write it as text, like \"status\": \"pending\""
              .formatted(id.asText(), found));
    }
    String text = id.asText();
    Integer earlier = byId.putIfAbsent(text, slots.size());
    if (earlier != null) {
      String first = slots.get(earlier).where();
      throw at(
          start,
          "duplicate task id %s (first at %s); give one of them another id".formatted(text, first));
    }
    Slot slot =
        new Slot(
            slots.size(),
            text,
            id.isNumber(),
            idKey,
            start.getByteOffset(),
            end,
            start.getLineNr(),
            start.getColumnNr(),
            status == null ? null : statusNames.computeIfAbsent(status.asText(), s -> s),
            array);
    slots.add(slot);
    return slot;
  }

  /** A value longer, a name longer, or nesting deeper than the JSON reader takes. */
  private BoardException beyondLimits(StreamConstraintsException e) {
    String reason = e.getOriginalMessage();
    if (reason.contains("getMaxStringLength")) {
      return new BoardException(
          file,
          "a value is longer than "
              + Json.MAX_STRING_CHARS / (1024 * 1024)
              + " MB of text; shorten it (the worker bounds its memory per entry)");
    }
    reason = reason.lines().findFirst().orElse("").strip();
    int cut = reason.indexOf(", from `"); // "… allowed (1000, from `StreamReadConstraints…`)"
    if (cut > 0) {
      reason = reason.substring(0, cut) + ")";
    }
    JsonLocation where = e.getLocation();
    String what = "beyond what the board reader takes (" + reason + "); shorten or flatten it";
    return where == null
        ? new BoardException(file, what)
        : new BoardException(file, where.getLineNr(), where.getColumnNr(), what);
  }

  private UnreadableBoardException notJson(JsonProcessingException e) {
    String reason =
        "not valid JSON (%s); nothing was written — fix the file, or retry if another writer is"
                .formatted(e.getOriginalMessage().lines().findFirst().orElse("").strip())
            + " mid-write";
    JsonLocation where = e.getLocation();
    return where == null
        ? new UnreadableBoardException(file, reason)
        : new UnreadableBoardException(file, where.getLineNr(), where.getColumnNr(), reason);
  }

  private BoardException at(JsonLocation where, String reason) {
    return new BoardException(file, where.getLineNr(), where.getColumnNr(), reason);
  }
}
