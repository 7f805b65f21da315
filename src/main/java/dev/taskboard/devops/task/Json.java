package dev.taskboard.devops.task;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;

/** The one Jackson configuration every part of the worker reads and writes JSON with. */
public final class Json {
  /**
   * Longest string token the worker reads. Jackson's own default (20M chars) would let one value
   * exhaust a small heap; larger board entries are refused anyway.
   */
  public static final int MAX_STRING_CHARS = 16 * 1024 * 1024;

  // Exact decimals: a value the worker re-emits keeps the digits another agent wrote (4.20 stays).
  public static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxStringLength(MAX_STRING_CHARS).build())
                  .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                  .build())
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  // MAPPER also reads values in the middle of a stream, so only whole texts check for trailing
  // tokens.
  private static final ObjectReader WHOLE_TEXT =
      MAPPER.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /** Parses one whole JSON text. */
  public static JsonNode parse(String text) throws JsonProcessingException {
    return WHOLE_TEXT.readValue(text);
  }

  /** Parses {@code text} as JSON when it is JSON, else takes it as a string (for key=value). */
  public static JsonNode valueOf(String text) {
    try {
      return parse(text);
    } catch (IOException | RuntimeException notJson) {
      return MAPPER.getNodeFactory().textNode(text);
    }
  }

  /** One-line JSON of {@code node}. */
  public static String compact(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (IOException e) {
      throw new IllegalStateException("a JsonNode always serializes", e);
    }
  }
}
