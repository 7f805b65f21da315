package dev.taskboard.devops.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.task.Json;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The id scheme a board already uses, for new tasks: {@code TASK-010} after {@code TASK-009},
 * {@code T-010} after {@code T-009}, {@code 11} after {@code 10}; under the key the board uses. Ids
 * compare as text, so a new id is never one the board has in any form ({@code "6"} or {@code 6}).
 */
record IdScheme(String key, String prefix, BigInteger last, int width, boolean numeric) {
  private static final Pattern PREFIXED = Pattern.compile("(.*?)(\\d+)");

  static IdScheme of(List<Slot> slots) {
    if (slots.isEmpty()) {
      return new IdScheme("id", "TASK-", BigInteger.ZERO, 3, false);
    }
    Slot newest = slots.get(slots.size() - 1);
    String key = newest.idKey();
    if (newest.numericId()) {
      return numbered(key, "", slots, 0, true);
    }
    Map<String, Integer> prefixCount = new HashMap<>();
    for (Slot s : slots) {
      Matcher m = PREFIXED.matcher(s.id());
      if (!s.numericId() && m.matches()) {
        prefixCount.merge(m.group(1), 1, Integer::sum);
      }
    }
    Matcher newestMatch = PREFIXED.matcher(newest.id());
    String prefix =
        newestMatch.matches()
            ? newestMatch.group(1)
            : prefixCount.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse("TASK-");
    return numbered(key, prefix, slots, prefixCount.isEmpty() ? 3 : 0, false);
  }

  /** The scheme counting on from the highest number after {@code prefix}, zero-padded as seen. */
  private static IdScheme numbered(
      String key, String prefix, List<Slot> slots, int width, boolean numeric) {
    BigInteger max = BigInteger.ZERO;
    for (Slot s : slots) {
      Matcher m = PREFIXED.matcher(s.id());
      if (m.matches() && m.group(1).equals(prefix)) {
        max = max.max(new BigInteger(m.group(2)));
        width =
            numeric || !m.group(2).startsWith("0") ? width : Math.max(width, m.group(2).length());
      }
    }
    return new IdScheme(key, prefix, max, width, numeric);
  }

  /**
   * {@code given} as it is to be added: with its own id, refused when {@code taken} holds it; else
   * with the scheme's next id, first, under the board's key ({@code emptyKey} on an empty board).
   */
  static ObjectNode withId(
      ObjectNode given, List<Slot> slots, Set<String> taken, String emptyKey, Path file)
      throws BoardException {
    if (given.has("id") || given.has("task_id")) {
      if (taken.contains(idOf(given))) {
        String why = "a task with id %s already exists; leave the id out to get the next one";
        throw new BoardException(file, why.formatted(idOf(given)));
      }
      return given.deepCopy();
    }
    IdScheme scheme = of(slots);
    ObjectNode task = Json.MAPPER.createObjectNode();
    task.set(slots.isEmpty() ? emptyKey : scheme.key(), scheme.next(taken::contains));
    task.setAll(given);
    return task;
  }

  /** The id of a task about to be added, as text. */
  static String idOf(JsonNode task) {
    return (task.has("id") ? task.get("id") : task.get("task_id")).asText();
  }

  /** The next id of the scheme that {@code taken} does not hold (ids compared as text). */
  JsonNode next(Predicate<String> taken) {
    BigInteger n = last.add(BigInteger.ONE);
    while (taken.test(text(n))) {
      n = n.add(BigInteger.ONE);
    }
    if (numeric) {
      return n.bitLength() < 63
          ? JsonNodeFactory.instance.numberNode(n.longValueExact())
          : JsonNodeFactory.instance.numberNode(n);
    }
    return JsonNodeFactory.instance.textNode(text(n));
  }

  private String text(BigInteger n) {
    if (numeric) {
      return n.toString();
    }
    String digits = n.toString();
    return prefix + "0".repeat(Math.max(0, width - digits.length())) + digits;
  }
}
