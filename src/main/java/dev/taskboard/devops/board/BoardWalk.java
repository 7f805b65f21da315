package dev.taskboard.devops.board;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.taskboard.devops.board.ArrayPath.Segment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks a board document, one streaming pass, to the task arrays an {@link ArrayPath} names, and
 * hands each to a visitor; everything else is skipped unread. The worker's reader and {@code
 * validate} both walk boards this way, so they always agree on where the tasks are.
 */
public final class BoardWalk {
  /** What the walk finds; the parser is positioned on the token each call names. */
  public interface Visitor {
    /** On a task array's START_ARRAY; must leave the parser on its END_ARRAY. */
    void taskArray(JsonParser p) throws IOException;

    /**
     * On the root START_OBJECT of a file holding one task ({@link ArrayPath#oneTask()}); must leave
     * the parser on its END_OBJECT.
     */
    default void oneTask(JsonParser p) throws IOException {
      throw new UnsupportedOperationException("this reader reads task arrays only");
    }

    /**
     * What makes the document no board here, as one line saying what to do: a path that leads to
     * something else than an array, a document that is no array or object; {@code at} is null when
     * the file holds no JSON value at all (empty, or only whitespace).
     */
    void problem(JsonLocation at, String reason) throws IOException;

    /** Something follows the document's value: what was read may not be the board. */
    default void trailingContent(JsonLocation at, String reason) throws IOException {
      problem(at, reason);
    }
  }

  private final ArrayPath path;
  private final Visitor visitor;
  private int arrays;

  private BoardWalk(ArrayPath path, Visitor visitor) {
    this.path = path;
    this.visitor = visitor;
  }

  /**
   * Walks the whole document; returns how many task arrays it found (0 when the path leads
   * nowhere). The visitor decides whether a problem ends the walk (by throwing) or not.
   */
  public static int walk(JsonParser p, ArrayPath path, Visitor visitor) throws IOException {
    BoardWalk walk = new BoardWalk(path, visitor);
    JsonToken first = p.nextToken();
    if (first == null) {
      visitor.problem(null, "is empty; an empty board is []");
      return 0;
    }
    walk.root(p, first);
    JsonToken after = p.nextToken();
    if (after != null) {
      visitor.trailingContent(
          p.currentTokenLocation(), "unexpected content after the board's JSON value; remove it");
    }
    return walk.arrays;
  }

  private void root(JsonParser p, JsonToken first) throws IOException {
    List<List<Segment>> all = path.alternatives();
    boolean rootIsPath = all.stream().anyMatch(List::isEmpty);
    if (path.isOneTask()) {
      if (first == JsonToken.START_OBJECT) {
        arrays++;
        visitor.oneTask(p);
      } else {
        visitor.problem(
            p.currentTokenLocation(),
            "a task file holds one JSON object, found " + describe(first));
        p.skipChildren();
      }
    } else if (first == JsonToken.START_ARRAY && rootIsPath) {
      found(p);
    } else if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
      String found = describe(first);
      visitor.problem(
          p.currentTokenLocation(),
          "a board is a JSON array or object, found %s; point --board at the task board"
              .formatted(found));
    } else if (!path.automatic() && rootIsPath) {
      String found = describe(first);
      visitor.problem(
          p.currentTokenLocation(),
          "the board's top level is %s, not the task array; point --tasks-path at the array (e.g. $.tasks)"
              .formatted(found));
      p.skipChildren();
    } else {
      container(p, first, all.stream().filter(s -> !s.isEmpty()).toList(), 0);
    }
  }

  /** The parser is on a container's start at path depth {@code depth}; reads to its end. */
  private void container(JsonParser p, JsonToken start, List<List<Segment>> paths, int depth)
      throws IOException {
    boolean object = start == JsonToken.START_OBJECT;
    int index = 0;
    JsonToken token;
    while ((token = p.nextToken()) != JsonToken.END_OBJECT && token != JsonToken.END_ARRAY) {
      String name = null;
      if (object) {
        name = p.currentName();
        token = p.nextToken();
      }
      List<List<Segment>> here = new ArrayList<>();
      boolean last = false;
      for (List<Segment> candidate : paths) {
        if (depth < candidate.size() && candidate.get(depth).matches(name, index)) {
          here.add(candidate);
          last |= candidate.size() == depth + 1;
        }
      }
      index++;
      if (last) {
        if (token == JsonToken.START_ARRAY) {
          found(p);
        } else {
          String array = name == null ? "[" + (index - 1) + "]" : name;
          visitor.problem(
              p.currentTokenLocation(),
              "the task array %s is %s, not an array".formatted(array, describe(token)));
          p.skipChildren();
        }
      } else if (!here.isEmpty() && token.isStructStart()) {
        container(p, token, here, depth + 1);
      } else {
        p.skipChildren();
      }
    }
  }

  private void found(JsonParser p) throws IOException {
    arrays++;
    visitor.taskArray(p);
  }

  /** "an array", "a string", …: a token as a message names it. */
  public static String describe(JsonToken token) {
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
