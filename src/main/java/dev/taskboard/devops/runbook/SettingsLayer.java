package dev.taskboard.devops.runbook;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the {@code settings} blocks of one section (or of {@code ## defaults}) set, each key at most
 * once; laid over the inherited {@link Settings}.
 */
final class SettingsLayer {
  static final String KEYS = "timeout, attempts, backoff, url, workdir, grace, env.NAME or redact";

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Map<String, Integer> lineOf = new LinkedHashMap<>();
  private Duration timeout;
  private Integer attempts;
  private Duration backoff;
  private String url;
  private Path workdir;
  private Duration grace;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final Set<String> redact = new LinkedHashSet<>();

  /** Takes one {@code key: value} of a settings block. */
  interface Sink {
    void set(String key, String value, Position at) throws RunbookException;
  }

  /**
   * Reads the lines of one settings block whose first content line is line {@code firstLine}
   * (0-based) of {@code source}; {@code content} is the block's literal.
   */
  void read(SourceText source, int firstLine, String content) throws RunbookException {
    readBlock(source, firstLine, content, lineOf, this::set);
  }

  /**
   * Parses a settings block into {@code sink}; a key given twice (per {@code lineOf}) is an error.
   */
  static void readBlock(
      SourceText source, int firstLine, String content, Map<String, Integer> lineOf, Sink sink)
      throws RunbookException {
    String[] lines = content.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineIndex = firstLine + i;
      String raw = source.line(lineIndex);
      int offset = raw.endsWith(lines[i]) ? raw.length() - lines[i].length() : 0;
      readLine(source, lineIndex, offset, lines[i], lineOf, sink);
    }
  }

  private static void readLine(
      SourceText source,
      int lineIndex,
      int offset,
      String line,
      Map<String, Integer> lineOf,
      Sink sink)
      throws RunbookException {
    String text = withoutComment(line);
    if (text.isBlank()) {
      return;
    }
    int keyStart = indexOfNonBlank(text, 0);
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw source.error(
          lineIndex,
          offset + keyStart + 1,
          "expected 'key: value'; write one setting per line, like 'timeout: 30s'");
    }
    String key = text.substring(0, colon).strip();
    int valueStart = indexOfNonBlank(text, colon + 1);
    String value = unquote(text.substring(colon + 1).strip());
    Position at = new Position(source, lineIndex, offset + keyStart + 1, offset + valueStart + 1);
    Integer earlier = lineOf.putIfAbsent(key, lineIndex + 1);
    if (earlier != null) {
      throw at.key(key + " is already set at line " + earlier + "; keep one of them");
    }
    sink.set(key, value, at);
  }

  private void set(String key, String value, Position at) throws RunbookException {
    switch (key) {
      case "timeout" -> timeout = positive(key, duration(key, value, at), at);
      case "attempts" -> attempts = attempts(value, at);
      case "backoff" -> backoff = duration(key, value, at);
      case "grace" -> grace = duration(key, value, at);
      case "url" -> url = url(value, at);
      case "workdir" -> workdir = workdir(value, at);
      case "redact" -> redact.addAll(names(value, at));
      default -> {
        if (key.startsWith("env.") && NAME.matcher(key.substring(4)).matches()) {
          env.put(key.substring(4), value);
        } else if (key.startsWith("env.")) {
          throw at.key(
              "'"
                  + key.substring(4)
                  + "' is not an environment variable name; use letters, digits and _,"
                  + " like env.DEPLOY_ROOT");
        } else {
          throw at.key("unknown setting '" + key + "'; use one of " + KEYS);
        }
      }
    }
  }

  /** This layer over {@code base}: what it sets wins, env merges, redact adds up. */
  Settings over(Settings base, Path dir) {
    Map<String, String> mergedEnv = new LinkedHashMap<>(base.env());
    mergedEnv.putAll(env);
    Set<String> mergedRedact = new LinkedHashSet<>(base.redact());
    mergedRedact.addAll(redact);
    return new Settings(
        timeout != null ? timeout : base.timeout(),
        attempts != null ? attempts : base.attempts(),
        backoff != null ? backoff : base.backoff(),
        url != null ? Optional.of(url) : base.url(),
        workdir != null ? dir.resolve(workdir).normalize() : base.workdir(),
        grace != null ? grace : base.grace(),
        mergedEnv,
        mergedRedact);
  }

  static Duration duration(String key, String value, Position at) throws RunbookException {
    Matcher m = DURATION.matcher(value);
    if (!m.matches()) {
      throw at.value(
          key
              + " '"
              + value
              + "' is not a duration; write a whole number and a unit: 500ms, 30s, 5m or 1h");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  private static Duration positive(String key, Duration d, Position at) throws RunbookException {
    if (d.isZero()) {
      throw at.value(key + " must be longer than 0; write e.g. '" + key + ": 30s'");
    }
    return d;
  }

  private static int attempts(String value, Position at) throws RunbookException {
    if (!value.matches("\\d{1,6}")) {
      throw at.value(
          "attempts '"
              + value
              + "' is not a whole number; write how many tries, like 'attempts: 3'");
    }
    int n = Integer.parseInt(value);
    if (n < 1) {
      throw at.value("attempts must be at least 1; write 'attempts: 1' for a single try");
    }
    return n;
  }

  private static String url(String value, Position at) throws RunbookException {
    try {
      URI uri = new URI(value);
      if (uri.getScheme() != null && uri.getHost() != null) {
        return value;
      }
    } catch (URISyntaxException e) {
      // reported below, in the runbook's terms
    }
    throw at.value(
        "url '"
            + value
            + "' is not an absolute URL; write scheme and host, like http://127.0.0.1:18081/");
  }

  private static Path workdir(String value, Position at) throws RunbookException {
    try {
      if (!value.isEmpty()) {
        return Path.of(value);
      }
    } catch (InvalidPathException e) {
      // reported below
    }
    throw at.value(
        "workdir '"
            + value
            + "' is not a directory path; write one relative to this file's directory, like"
            + " 'workdir: .'");
  }

  private static Set<String> names(String value, Position at) throws RunbookException {
    Set<String> names = new LinkedHashSet<>();
    for (String name : value.split("[,\\s]+")) {
      if (name.isEmpty()) {
        continue;
      }
      if (!NAME.matcher(name).matches()) {
        throw at.value(
            "redact names variables; '"
                + name
                + "' is not a variable name, write e.g. 'redact: DB_URL, WEBHOOK'");
      }
      names.add(name);
    }
    return names;
  }

  /** Drops a comment: a line starting with #, or a # after blank space outside a quoted value. */
  private static String withoutComment(String line) {
    int colon = line.indexOf(':');
    int valueStart = colon < 0 ? line.length() : indexOfNonBlank(line, colon + 1);
    char quote =
        valueStart < line.length()
                && (line.charAt(valueStart) == '"' || line.charAt(valueStart) == '\'')
            ? line.charAt(valueStart)
            : 0;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0 && i >= valueStart && c == quote) {
        quoted = !quoted;
      } else if (c == '#' && !quoted && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  private static String unquote(String value) {
    if (value.length() >= 2
        && (value.charAt(0) == '"' || value.charAt(0) == '\'')
        && value.charAt(value.length() - 1) == value.charAt(0)) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }

  private static int indexOfNonBlank(String s, int from) {
    int i = from;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** Where a setting's key and value start, for messages. */
  record Position(SourceText source, int lineIndex, int keyColumn, int valueColumn) {
    RunbookException key(String reason) {
      return source.error(lineIndex, keyColumn, reason);
    }

    RunbookException value(String reason) {
      return source.error(lineIndex, valueColumn, reason);
    }
  }
}
