package dev.taskboard.devops.board;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
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
 * One streaming pass over a board: finds the task array, records every task's id and byte span,
 * checks ids are present and unique, and evaluates the filter on a projection of each task. Memory
 * grows with the number of tasks (an id and a span each), never with their size.
 */
final class BoardScanner {
  private static final Set<String> ID_KEYS = Set.of("id", "task_id");

  private final Path file;
  private final ArrayPath arrayPath;
  private final TaskFilter filter; // null: select nothing, only lay out the board
  private final Set<String> alsoIds; // tasks selected by id whatever the filter says

  private final List<Slot> slots = new ArrayList<>();
  private final List<Slot> matches = new ArrayList<>();
  private final Map<String, Slot> byId = new HashMap<>();
  private final Verdicts verdicts;
  private long arrayOpen = -1;
  private long arrayClose = -1;

  private BoardScanner(Path file, ArrayPath arrayPath, TaskFilter filter, Set<String> alsoIds) {
    this.file = file;
    this.arrayPath = arrayPath;
    this.filter = filter;
    this.alsoIds = alsoIds;
    this.verdicts = filter == null ? null : new Verdicts(filter);
  }

  /** Reads {@code file} once; the caller closes the snapshot. */
  static Snapshot scan(Path file, ArrayPath arrayPath, TaskFilter filter) throws IOException {
    return scan(file, arrayPath, filter, Set.of());
  }

  /**
   * Like {@link #scan(Path, ArrayPath, TaskFilter)}, also matching the tasks in {@code alsoIds}.
   */
  static Snapshot scan(Path file, ArrayPath arrayPath, TaskFilter filter, Set<String> alsoIds)
      throws IOException {
    return new BoardScanner(file, arrayPath, filter, alsoIds).scan();
  }

  /** Runs between reading the attributes and opening the file; tests stage a rename there. */
  static volatile java.util.function.Consumer<Path> betweenAttributesAndOpen = file -> {};

  private Snapshot scan() throws IOException {
    // Attributes before opening: if another writer renames a new version in between, they
    // describe the older file, and the check before a write sees the board has changed.
    // The other way round they would describe a file this pass never read.
    FileState attributes = attributes();
    betweenAttributesAndOpen.accept(file);
    FileChannel channel = open();
    try {
      CRC32C crc = new CRC32C();
      InputStream in =
          new CheckedInputStream(
              new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024), crc);
      // The parser closes its source; the channel must stay open for span reads and copies.
      try (JsonParser parser = Json.MAPPER.createParser(CloseShieldInputStream.wrap(in))) {
        readDocument(parser);
      } catch (StreamConstraintsException e) {
        throw new BoardException(
            file,
            "a value is longer than "
                + Json.MAX_STRING_CHARS / (1024 * 1024)
                + " MB of text; shorten it (the worker bounds its memory per entry)");
      } catch (JsonProcessingException e) {
        throw notJson(e);
      }
      IOUtils.consume(in); // the checksum covers every byte, even trailing whitespace
      return new Snapshot(
          file,
          channel,
          attributes.withChecksum(crc.getValue()),
          arrayOpen,
          arrayClose,
          slots,
          matches);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private FileState attributes() throws IOException {
    if (Files.isDirectory(file)) {
      throw new BoardException(file, "is a directory; point --board at the tasks.json file");
    }
    try {
      return FileState.attributesOf(file);
    } catch (NoSuchFileException e) {
      throw new BoardException(
          file, "does not exist; create it (an empty board is []) or run 'devops-worker init'");
    }
  }

  private FileChannel open() throws IOException {
    if (Files.isDirectory(file)) {
      throw new BoardException(file, "is a directory; point --board at the tasks.json file");
    }
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new BoardException(
          file, "does not exist; create it (an empty board is []) or run 'devops-worker init'");
    } catch (AccessDeniedException e) {
      throw new BoardException(
          file, "cannot be read (permission denied); check its owner and mode");
    }
  }

  private void readDocument(JsonParser p) throws IOException {
    JsonToken first = p.nextToken();
    if (first == null) {
      throw new UnreadableBoardException(
          file, "is empty; an empty board is [] (another writer may be mid-write: retry)");
    }
    if (arrayPath.automatic() ? first == JsonToken.START_ARRAY : arrayPath.names().isEmpty()) {
      if (first != JsonToken.START_ARRAY) {
        throw at(
            p.currentTokenLocation(),
            "the board's top level is not an array; set the task array path (e.g. $.tasks)");
      }
      readTasks(p);
    } else if (first == JsonToken.START_OBJECT) {
      readObject(p, 0);
    } else {
      throw at(
          p.currentTokenLocation(),
          "a board is a JSON array or object, found "
              + describe(first)
              + "; point --board at the task board");
    }
    if (p.nextToken() != null) {
      throw at(
          p.currentTokenLocation(), "unexpected content after the board's JSON value; remove it");
    }
    if (arrayOpen < 0) {
      throw new BoardException(
          file,
          "no task array at "
              + arrayPath
              + "; set the path of the task array with --tasks-path (e.g. $.tasks)");
    }
  }

  /** The parser is on START_OBJECT at path depth {@code depth}; reads to its END_OBJECT. */
  private void readObject(JsonParser p, int depth) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (arrayPath.isTaskArray(depth, name)) {
        if (value != JsonToken.START_ARRAY) {
          throw at(
              p.currentTokenLocation(),
              "the task array " + name + " is " + describe(value) + ", not an array");
        }
        if (arrayOpen >= 0) {
          throw at(
              p.currentTokenLocation(),
              "a second task array \"" + name + "\"; remove the duplicate key");
        }
        readTasks(p);
      } else if (value == JsonToken.START_OBJECT && arrayPath.leadsTo(depth, name)) {
        readObject(p, depth + 1);
      } else {
        p.skipChildren();
      }
    }
  }

  /** The parser is on the task array's START_ARRAY; reads to its END_ARRAY. */
  private void readTasks(JsonParser p) throws IOException {
    arrayOpen = p.currentTokenLocation().getByteOffset();
    JsonToken token;
    while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
      if (token != JsonToken.START_OBJECT) {
        throw at(
            p.currentTokenLocation(),
            "task "
                + slots.size()
                + " is "
                + describe(token)
                + ", not an object; every task is a JSON object");
      }
      readTask(p);
    }
    arrayClose = p.currentTokenLocation().getByteOffset();
  }

  private void readTask(JsonParser p) throws IOException {
    JsonLocation start = p.currentTokenLocation();
    ObjectNode fields;
    if (filter != null && filter.fields().isEmpty()) {
      fields = (ObjectNode) Json.MAPPER.readTree(p);
    } else {
      fields = Json.MAPPER.createObjectNode();
      Set<String> wanted = filter == null ? Set.of() : filter.fields().orElseThrow();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (ID_KEYS.contains(name) || name.equals("status") || wanted.contains(name)) {
          fields.set(name, value(p));
        } else {
          p.skipChildren();
        }
      }
    }
    long end = p.currentLocation().getByteOffset();
    Slot slot = slotOf(fields, start, end);
    slots.add(slot);
    if (alsoIds.contains(slot.id()) || filter != null && verdicts.matches(fields)) {
      matches.add(slot);
    }
  }

  /**
   * The current value as a node; scalars directly from the token (readTree would set up a
   * deserialization context per call, a tenth of a large scan).
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

  private Slot slotOf(ObjectNode task, JsonLocation start, long end) throws BoardException {
    String idKey = task.has("id") ? "id" : task.has("task_id") ? "task_id" : null;
    if (idKey == null) {
      throw at(start, "task " + slots.size() + " has no id or task_id; give it one");
    }
    JsonNode id = task.get(idKey);
    if (!id.isTextual() && !id.isNumber()) {
      throw at(
          start,
          "task "
              + slots.size()
              + ": "
              + idKey
              + " must be a string or a number, found "
              + id.getNodeType().toString().toLowerCase()
              + "; write it like \"id\": \"T-1\"");
    }
    JsonNode status = task.get("status");
    if (status != null && !status.isTextual()) {
      throw at(
          start,
          "task "
              + id.asText()
              + ": status must be a string, found "
              + status.getNodeType().toString().toLowerCase()
              + " "
              + Json.compact(status)
              + "; write it as text, like \"status\": \"pending\"");
    }
    Slot slot =
        new Slot(
            slots.size(),
            id.asText(),
            id.isNumber(),
            idKey,
            start.getByteOffset(),
            end,
            start.getLineNr(),
            start.getColumnNr(),
            status == null ? null : status.asText().intern());
    Slot earlier = byId.putIfAbsent(slot.id(), slot);
    if (earlier != null) {
      throw at(
          start,
          "duplicate task id "
              + slot.id()
              + " (first at "
              + earlier.where()
              + "); give one of them another id");
    }
    return slot;
  }

  private UnreadableBoardException notJson(JsonProcessingException e) {
    String reason = e.getOriginalMessage();
    int newline = reason.indexOf('\n');
    if (newline >= 0) {
      reason = reason.substring(0, newline);
    }
    reason =
        "not valid JSON ("
            + reason.strip()
            + "); nothing was written — fix the file, or retry if another writer is mid-write";
    JsonLocation where = e.getLocation();
    return where == null
        ? new UnreadableBoardException(file, reason)
        : new UnreadableBoardException(file, where.getLineNr(), where.getColumnNr(), reason);
  }

  private BoardException at(JsonLocation where, String reason) {
    return new BoardException(file, where.getLineNr(), where.getColumnNr(), reason);
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.asString() == null ? token.name() : token.asString();
    };
  }
}
