package dev.taskboard.devops.board;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.taskboard.devops.task.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one board entry is laid out — line ending, indent unit, key separator, one member per line or
 * inline, escaped non-ASCII — so that what the worker adds reads as if the entry's author wrote it.
 */
record Style(
    boolean multiLine,
    String lineEnding,
    String unit,
    String keySeparator,
    String inlineSeparator,
    ObjectWriter scalars) {
  /** Non-ASCII as it is; the other two escape it as Python's json.dumps and as Jackson do. */
  static final ObjectWriter PLAIN = Json.MAPPER.writer();

  private static final ObjectWriter ASCII =
      Json.MAPPER.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);
  private static final ObjectWriter ASCII_LOWER_HEX =
      ASCII.without(JsonWriteFeature.WRITE_HEX_UPPER_CASE);

  static final Style DEFAULT = new Style(true, "\n", "  ", ": ", ", ", PLAIN);

  /** The style of the object whose bytes are {@code entry}, written at line indent {@code base}. */
  static Style of(byte[] entry, String base) {
    Bytes b = new Bytes(entry);
    int open = 0;
    int firstKey = b.skipWhitespace(open + 1);
    ObjectWriter scalars = b.scalars();
    if (firstKey >= entry.length || entry[firstKey] != '"') {
      return new Style(true, "\n", "  ", ": ", ", ", scalars);
    }
    String gap = b.text(open + 1, firstKey);
    int keyEnd = b.stringEnd(firstKey);
    int valueStart = b.skipWhitespace(b.indexOf((byte) ':', keyEnd) + 1);
    String keySeparator = b.text(keyEnd, valueStart);
    if (keySeparator.indexOf('\n') >= 0) {
      keySeparator = ": ";
    }
    int newline = gap.lastIndexOf('\n');
    if (newline < 0) {
      String inline = keySeparator.endsWith(" ") ? ", " : ",";
      return new Style(false, b.firstLineEnding(), "  ", keySeparator, inline, scalars);
    }
    String memberIndent = gap.substring(newline + 1);
    String unit =
        memberIndent.startsWith(base) && memberIndent.length() > base.length()
            ? memberIndent.substring(base.length())
            : memberIndent.isEmpty() ? "  " : memberIndent;
    String lineEnding = newline > 0 && gap.charAt(newline - 1) == '\r' ? "\r\n" : "\n";
    return new Style(true, lineEnding, unit, keySeparator, ", ", scalars);
  }

  /** The same style with every member on one line. */
  Style inline() {
    return new Style(false, lineEnding, unit, keySeparator, inlineSeparator, scalars);
  }

  /** {@code value} as JSON text whose first line continues a line indented by {@code indent}. */
  String render(JsonNode value, String indent) {
    StringBuilder out = new StringBuilder();
    render(value, indent, out);
    return out.toString();
  }

  String member(String key, JsonNode value, String indent) {
    return scalar(Json.MAPPER.getNodeFactory().textNode(key))
        + keySeparator
        + render(value, indent);
  }

  private void render(JsonNode value, String indent, StringBuilder out) {
    if (value.isObject() && !value.isEmpty()) {
      out.append('{');
      String inner = indent + unit;
      Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        out.append(multiLine ? lineEnding + inner : "");
        out.append(member(f.getKey(), f.getValue(), inner));
        if (fields.hasNext()) {
          out.append(multiLine ? "," : inlineSeparator);
        }
      }
      out.append(multiLine ? lineEnding + indent : "").append('}');
    } else if (value.isArray() && !value.isEmpty()) {
      out.append('[');
      String inner = indent + unit;
      for (int i = 0; i < value.size(); i++) {
        out.append(multiLine ? lineEnding + inner : "");
        render(value.get(i), inner, out);
        if (i < value.size() - 1) {
          out.append(multiLine ? "," : inlineSeparator);
        }
      }
      out.append(multiLine ? lineEnding + indent : "").append(']');
    } else {
      out.append(scalar(value));
    }
  }

  private String scalar(JsonNode value) {
    try {
      return scalars.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException("a JsonNode always serializes", e);
    }
  }

  /** Read-only helpers over UTF-8 JSON bytes; offsets are byte offsets. */
  record Bytes(byte[] b) {
    private static final Pattern HEX_ESCAPE = Pattern.compile("(?<!\\\\)\\\\u([0-9a-fA-F]{4})");

    int skipWhitespace(int from) {
      int i = from;
      while (i < b.length && isWhitespace(b[i])) {
        i++;
      }
      return i;
    }

    /** Offset just past the string literal that starts at {@code quote}. */
    int stringEnd(int quote) {
      int i = quote + 1;
      while (i < b.length && b[i] != '"') {
        i += b[i] == '\\' ? 2 : 1;
      }
      return i + 1;
    }

    /** The offset where the whitespace run ending just before {@code pos} starts. */
    int skipBackWhitespace(int pos) {
      int i = pos;
      while (i > 0 && isWhitespace(b[i - 1])) {
        i--;
      }
      return i;
    }

    int indexOf(byte c, int from) {
      for (int i = from; i < b.length; i++) {
        if (b[i] == c) {
          return i;
        }
      }
      return -1;
    }

    /**
     * Leading whitespace of the line holding {@code pos}; {@code base} if that line starts before
     * 0.
     */
    String lineIndent(int pos, String base) {
      int i = pos;
      while (i > 0 && b[i - 1] != '\n') {
        i--;
      }
      if (i == 0) {
        return base;
      }
      int j = i;
      while (j < b.length && (b[j] == ' ' || b[j] == '\t')) {
        j++;
      }
      return text(i, j);
    }

    String text(int from, int to) {
      return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    /** Escaping when all bytes are ASCII and a {@code \\u} escape shows the hex case. */
    ObjectWriter scalars() {
      for (byte x : b) {
        if (x < 0) {
          return PLAIN;
        }
      }
      Matcher m = HEX_ESCAPE.matcher(text(0, b.length));
      while (m.find()) {
        String hex = m.group(1);
        if (!hex.equals(hex.toUpperCase(Locale.ROOT))) {
          return ASCII_LOWER_HEX;
        }
        if (!hex.equals(hex.toLowerCase(Locale.ROOT))) {
          return ASCII;
        }
      }
      return PLAIN;
    }

    String firstLineEnding() {
      int n = indexOf((byte) '\n', 0);
      return n > 0 && b[n - 1] == '\r' ? "\r\n" : "\n";
    }

    static boolean isWhitespace(byte c) {
      return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
  }
}
