package dev.taskboard.devops.runbook;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The quality gates' configuration from the {@code ## gates} section of deployment.md: which checks
 * each gate runs, pass-rate thresholds, performance limits and how long an approval request may
 * stay unanswered. Defaults are the role's own numbers.
 */
public final class GateSettings {
  public static final List<String> STAGING =
      List.of("unit_tests", "smoke_tests", "sanity_tests", "code_review", "security_basic");
  public static final List<String> PRODUCTION =
      List.of(
          "staging_deployed",
          "regression_tests",
          "performance",
          "security_validation",
          "monitoring",
          "rollback_plan",
          "stakeholder_approval");
  public static final Set<String> TEST_SUITES =
      Set.of("unit_tests", "smoke_tests", "sanity_tests", "regression_tests");
  static final String KEYS =
      "staging, production, <suite>.min_pass_rate, performance.max.<metric> or approval.timeout";

  private final Map<String, List<String>> checks = new LinkedHashMap<>();
  private final Map<String, Double> minPassRate = new LinkedHashMap<>();
  private final Map<String, Double> performanceMax = new LinkedHashMap<>();
  private final Map<String, Integer> lineOf = new LinkedHashMap<>();
  private Duration approvalTimeout = Duration.ofHours(72);

  GateSettings() {
    checks.put("staging", STAGING);
    checks.put("production", PRODUCTION);
    minPassRate.put("unit_tests", 100.0);
    minPassRate.put("smoke_tests", 100.0);
    minPassRate.put("sanity_tests", 100.0);
    minPassRate.put("regression_tests", 95.0);
  }

  /** The role's defaults, for a runbook without {@code ## gates}. */
  public static GateSettings defaults() {
    return new GateSettings();
  }

  /** The checks of gate {@code staging} or {@code production}, in order. */
  public List<String> checks(String gate) {
    return checks.getOrDefault(gate, List.of());
  }

  /** The pass rate (percent) a test suite needs. */
  public double minPassRate(String suite) {
    return minPassRate.getOrDefault(suite, 100.0);
  }

  /** Upper limits for performance metrics, e.g. p95_ms → 500. */
  public Map<String, Double> performanceMax() {
    return Map.copyOf(performanceMax);
  }

  public Duration approvalTimeout() {
    return approvalTimeout;
  }

  void read(SourceText source, int firstLine, String content) throws RunbookException {
    SettingsLayer.readBlock(source, firstLine, content, lineOf, this::set);
  }

  private void set(String key, String value, SettingsLayer.Position at) throws RunbookException {
    if (key.equals("staging") || key.equals("production")) {
      checks.put(key, checkList(value, at));
    } else if (key.endsWith(".min_pass_rate")
        && TEST_SUITES.contains(key.substring(0, key.length() - ".min_pass_rate".length()))) {
      double rate = number(value, at);
      if (rate < 0 || rate > 100) {
        throw at.value("a pass rate is a percentage from 0 to 100, got " + value);
      }
      minPassRate.put(key.substring(0, key.length() - ".min_pass_rate".length()), rate);
    } else if (key.startsWith("performance.max.") && key.length() > "performance.max.".length()) {
      performanceMax.put(key.substring("performance.max.".length()), number(value, at));
    } else if (key.equals("approval.timeout")) {
      approvalTimeout = SettingsLayer.duration(key, value, at);
    } else {
      throw at.key("unknown gate setting '" + key + "'; use one of " + KEYS);
    }
  }

  private static List<String> checkList(String value, SettingsLayer.Position at)
      throws RunbookException {
    Set<String> known = new LinkedHashSet<>(STAGING);
    known.addAll(PRODUCTION);
    Set<String> out = new LinkedHashSet<>();
    for (String part : value.split(",")) {
      String name = part.strip();
      if (name.isEmpty()) {
        continue;
      }
      if (!known.contains(name)) {
        throw at.value("unknown check '" + name + "'; known checks: " + String.join(", ", known));
      }
      out.add(name);
    }
    return List.copyOf(out);
  }

  private static double number(String value, SettingsLayer.Position at) throws RunbookException {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw at.value("expected a number, got '" + value + "'");
    }
  }
}
