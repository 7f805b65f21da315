package dev.taskboard.devops.board;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.task.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets fields of one task entry by splicing its bytes: only the value being set changes (or, for a
 * new field, one member is inserted after the last one, indented like its siblings). Everything
 * else in the entry — order, spacing, escapes — stays as it was.
 */
final class EntryEditor {
  private byte[] entry;
  private final String baseIndent;
  private final Style style;

  /**
   * @param entry the bytes of one JSON object
   * @param baseIndent the leading whitespace of the line the object starts on
   */
  EntryEditor(byte[] entry, String baseIndent) {
    this.entry = entry;
    this.baseIndent = baseIndent;
    this.style = Style.of(entry, baseIndent);
  }

  byte[] bytes() {
    return entry;
  }

  /** Sets the field at {@code path} (member names from the entry down) to {@code value}. */
  EntryEditor set(FieldPath path, JsonNode value) throws IOException {
    ObjectSpan object = ObjectSpan.parse(entry);
    List<String> names = path.names();
    for (int i = 0; i < names.size(); i++) {
      Member member = object.member(names.get(i));
      JsonNode rest = nest(names.subList(i + 1, names.size()), value);
      if (member == null) {
        insert(object, names.get(i), rest);
        return this;
      }
      if (i == names.size() - 1 || member.object() == null) {
        replace(object, member, rest);
        return this;
      }
      object = member.object();
    }
    return this;
  }

  private void replace(ObjectSpan owner, Member member, JsonNode value) {
    Style.Bytes b = new Style.Bytes(entry);
    String indent = b.lineIndent(member.keyStart(), baseIndent);
    Style s = isInline(owner, b) ? style.inline() : style;
    splice(member.valueStart(), member.valueEnd(), s.render(value, indent));
  }

  private void insert(ObjectSpan object, String key, JsonNode value) {
    Style.Bytes b = new Style.Bytes(entry);
    List<Member> members = object.members();
    if (!members.isEmpty()) {
      Member last = members.get(members.size() - 1);
      String text;
      if (isInline(object, b)) {
        String separator =
            members.size() > 1
                ? b.text(members.get(0).valueEnd(), members.get(1).keyStart())
                : style.keySeparator().endsWith(" ") ? ", " : ",";
        text = separator + style.inline().member(key, value, "");
      } else {
        String gap = b.text(b.skipBackWhitespace(last.keyStart()), last.keyStart());
        int newline = gap.lastIndexOf('\n');
        String indent = gap.substring(newline + 1);
        String lineEnding = newline > 0 && gap.charAt(newline - 1) == '\r' ? "\r\n" : "\n";
        text = "," + lineEnding + indent + style.member(key, value, indent);
      }
      splice(last.valueEnd(), last.valueEnd(), text);
    } else if (style.multiLine()) {
      String own = b.lineIndent(object.open(), baseIndent);
      String inner = own + style.unit();
      String lineEnding = style.lineEnding();
      splice(
          object.open(),
          object.close() + 1,
          "{" + lineEnding + inner + style.member(key, value, inner) + lineEnding + own + "}");
    } else {
      splice(object.open(), object.close() + 1, "{" + style.member(key, value, "") + "}");
    }
  }

  /**
   * Whether the object keeps its members on its own line, e.g. {@code {"url": "x", "ok": true}}.
   */
  private static boolean isInline(ObjectSpan object, Style.Bytes b) {
    if (object.members().isEmpty()) {
      return false;
    }
    int key = object.members().get(object.members().size() - 1).keyStart();
    return b.text(b.skipBackWhitespace(key), key).indexOf('\n') < 0;
  }

  private void splice(int from, int to, String text) {
    byte[] middle = text.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[entry.length - (to - from) + middle.length];
    System.arraycopy(entry, 0, out, 0, from);
    System.arraycopy(middle, 0, out, from, middle.length);
    System.arraycopy(entry, to, out, from + middle.length, entry.length - to);
    entry = out;
  }

  private static JsonNode nest(List<String> names, JsonNode value) {
    JsonNode node = value;
    for (int i = names.size() - 1; i >= 0; i--) {
      ObjectNode wrapper = Json.MAPPER.createObjectNode();
      wrapper.set(names.get(i), node);
      node = wrapper;
    }
    return node;
  }

  /** One member of an object: where its key and value are. */
  record Member(String name, int keyStart, int valueStart, int valueEnd, ObjectSpan object) {}

  /** An object's braces and members, with nested objects parsed too. */
  record ObjectSpan(int open, int close, List<Member> members) {
    ObjectSpan {
      members = List.copyOf(members);
    }

    /** The last member named {@code name} (JSON readers let the last duplicate win). */
    Member member(String name) {
      for (int i = members.size() - 1; i >= 0; i--) {
        if (members.get(i).name().equals(name)) {
          return members.get(i);
        }
      }
      return null;
    }

    static ObjectSpan parse(byte[] bytes) throws IOException {
      try (JsonParser p = Json.MAPPER.createParser(bytes)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new IOException("entry is not an object");
        }
        return read(p);
      }
    }

    private static ObjectSpan read(JsonParser p) throws IOException {
      int open = offset(p.currentTokenLocation().getByteOffset());
      List<Member> members = new ArrayList<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        int keyStart = offset(p.currentTokenLocation().getByteOffset());
        JsonToken value = p.nextToken();
        int valueStart = offset(p.currentTokenLocation().getByteOffset());
        ObjectSpan child = null;
        if (value == JsonToken.START_OBJECT) {
          child = read(p);
        } else if (value == JsonToken.START_ARRAY) {
          p.skipChildren();
        } else {
          p.finishToken(); // without it a string's end offset stops after its opening quote
        }
        members.add(
            new Member(
                name, keyStart, valueStart, offset(p.currentLocation().getByteOffset()), child));
      }
      return new ObjectSpan(open, offset(p.currentTokenLocation().getByteOffset()), members);
    }

    private static int offset(long byteOffset) {
      return Math.toIntExact(byteOffset);
    }
  }
}
