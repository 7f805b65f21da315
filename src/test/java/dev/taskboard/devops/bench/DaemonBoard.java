package dev.taskboard.devops.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Board text for {@link DaemonBench}: a deterministic board of other agents' tasks (top-level
 * array, 2-space indent, raw UTF-8 with accents, CJK and emoji), the benchmark's own pending tasks,
 * the splice that appends one as another agent would, and a byte-level look-up of one task's
 * fields.
 */
final class DaemonBoard {
  static final String WORKER = "DevOps-Engineer";
  static final String BENCH_TYPE = "infrastructure_update";

  private static final String[] AGENTS = {
    "Task-Coder", "Tester", "Code-Reviewer", "Product-Manager", "Architect", WORKER
  };
  private static final String[][] TYPES = {
    {"implement_feature", "fix_bug", "refactor_module", "urgent_fix"},
    {"write_tests", "run_regression", "verify_fix", "smoke_tests"},
    {"code_review", "security_review"},
    {"write_spec", "triage_backlog", "acceptance_check", "escalation_request"},
    {"design_review", "adr", "capacity_plan"},
    {"deployment_staging", "infrastructure_update", "monitoring_setup", "deployment_rollback"}
  };
  private static final String[] OTHER_STATUSES = {
    "pending", "in_progress", "completed", "done", "failed", "blocked", "review"
  };
  // The worker's own tasks on the generated board are all finished: none is for it to run.
  private static final String[] WORKER_STATUSES = {"done", "deployed", "failed"};
  private static final String[] PRIORITIES = {"critical", "high", "medium", "low"};
  private static final String[] SERVICES = {
    "café-api", "billing", "auth-gateway", "größen-service", "用户中心", "notifications", "search"
  };
  private static final String[] TITLES = {
    "Implement the export endpoint of %s",
    "Fix the flaky login test in %s",
    "Review the retry policy of %s",
    "Überarbeitung der Konfiguration von %s",
    "为 %s 添加监控告警",
    "Write acceptance criteria for %s ✅",
    "Déploiement de %s en préproduction",
    "Load-test %s before the release 🚀"
  };
  private static final String[] SENTENCES = {
    "Roll out the new build to the staging cluster and verify the health checks.",
    "Vérifier que le déploiement du service café-api s'est bien passé après la mise à jour.",
    "Überprüfung der Konfiguration für den Größen-Check und die Übergabe an das Team.",
    "将服务部署到生产环境并确认监控告警正常。",
    "检查数据库迁移脚本，确保回滚可用，并记录每一步的结果。",
    "Ship it 🚀 once the pipeline is green ✅ and the canary holds for an hour.",
    "Naïve résumé parsing breaks on emoji 😅 and CJK text like 测试数据.",
    "Flaky test in the payments module 🐛; reproduce with seed 42 and attach the log.",
    "Update the README with the new \"blue/green\" switch and the rollback steps.",
    "Latency p99 went from 120 ms to 340 ms after the release 📈, investigate the cache.",
    "The acceptance criteria are listed below;\nplease keep them in sync with the spec.",
    "Terraform plan shows 3 resources to add, 1 to change, 0 to destroy."
  };
  private static final String[] FILES = {
    "src/main/java/app/Server.java",
    "deploy/helm/values.yaml",
    "infra/terraform/main.tf",
    "docs/déploiement.md",
    "tests/test_payments.py"
  };
  private static final Instant BASE = Instant.parse("2026-03-02T08:00:00Z");

  private DaemonBoard() {}

  /** A board of about {@code targetBytes} holding only tasks the worker must leave alone. */
  static byte[] otherAgents(long targetBytes, long seed) {
    Random rnd = new Random(seed);
    StringBuilder sb =
        new StringBuilder((int) Math.min(Integer.MAX_VALUE - 16, targetBytes + 4096));
    sb.append("[\n");
    long bytes = 2;
    int n = 0;
    while (bytes < targetBytes - 4) {
      n++;
      String task = pretty(otherTask(rnd, n), 1);
      if (n > 1) {
        sb.append(",\n");
      }
      sb.append(task);
      bytes += task.getBytes(StandardCharsets.UTF_8).length + 2;
    }
    sb.append("\n]\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** How many tasks {@link #otherAgents} wrote (counts the top-level entries' ids). */
  static int countTasks(byte[] board) {
    return count(board, "\n  {\n".getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, Object> otherTask(Random rnd, int n) {
    int a = rnd.nextInt(AGENTS.length);
    String agent = AGENTS[a];
    String type = pick(rnd, TYPES[a]);
    String status = agent.equals(WORKER) ? pick(rnd, WORKER_STATUSES) : pick(rnd, OTHER_STATUSES);
    String service = pick(rnd, SERVICES);
    Instant created = BASE.plusSeconds(97L * n + rnd.nextInt(60));
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("id", String.format("TASK-%04d", n));
    t.put("title", String.format(pick(rnd, TITLES), service));
    t.put("description", text(rnd, 30 + rnd.nextInt(150)));
    t.put("type", type);
    t.put("status", status);
    t.put("agent", agent);
    t.put("priority", pick(rnd, PRIORITIES));
    t.put("priority_score", rnd.nextInt(100));
    t.put("created_at", created.toString());
    t.put("updated_at", created.plusSeconds(rnd.nextInt(7200)).toString());
    t.put("created_by", pick(rnd, AGENTS));
    t.put("sprint_id", "sprint-" + (1 + n / 150));
    t.put("source_story_id", "STORY-" + (100 + n / 7));
    List<Object> deps = new ArrayList<>();
    if (n > 1 && rnd.nextInt(100) < 30) {
      deps.add(String.format("TASK-%04d", 1 + rnd.nextInt(n - 1)));
    }
    t.put("depends_on", deps);
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("service", service);
    payload.put("release", "1." + (n % 9) + "." + (n % 4));
    payload.put("notes", text(rnd, 20 + rnd.nextInt(70)));
    if (rnd.nextBoolean()) {
      payload.put("files", List.of(pick(rnd, FILES), pick(rnd, FILES)));
    }
    t.put("payload", payload);
    if (!status.equals("pending") && !status.equals("in_progress")) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("status", status.equals("failed") ? "failure" : "success");
      result.put("summary", text(rnd, 30 + rnd.nextInt(90)));
      result.put("duration_ms", rnd.nextInt(600_000));
      result.put("exit_code", status.equals("failed") ? 1 : 0);
      t.put("result", result);
    }
    return t;
  }

  /**
   * One pending task for the worker, as another agent would add it; {@code fifo} (may be null)
   * reaches the runbook step as {@code TASK_PAYLOAD_FIFO}.
   */
  static Map<String, Object> benchTask(String id, String fifo, Instant now, int n) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("id", id);
    t.put("type", BENCH_TYPE);
    t.put("status", "pending");
    t.put("agent", WORKER);
    t.put("title", "Rotate the ingress TLS config of größen-service (Lauf " + n + ") 🔐");
    t.put("description", "Bench task: apply the new cipher list — 更新配置 — then report.");
    t.put("priority", "medium");
    t.put("created_at", now.toString());
    t.put("updated_at", now.toString());
    t.put("created_by", "Architect");
    t.put("sprint_id", "sprint-bench");
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("environment", "staging");
    payload.put("change", "tls-ciphers-" + n);
    if (fifo != null) {
      payload.put("fifo", fifo);
    }
    t.put("payload", payload);
    return t;
  }

  /** {@code task} pretty-printed as a top-level entry: {@code " {\n ...\n }"}. */
  static String entry(Map<String, Object> task) {
    return pretty(task, 1);
  }

  /**
   * A new board version with {@code entry} appended after the last task — the bytes before the
   * final {@code ]} — everything else byte for byte.
   */
  static byte[] append(byte[] board, String entry) {
    int close = lastIndexOf(board, (byte) ']', board.length - 1);
    int brace = close < 0 ? -1 : lastIndexOf(board, (byte) '}', close - 1);
    if (brace < 0) {
      throw new IllegalStateException("not a top-level array of objects");
    }
    byte[] insert = (",\n" + entry).getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[board.length + insert.length];
    System.arraycopy(board, 0, out, 0, brace + 1);
    System.arraycopy(insert, 0, out, brace + 1, insert.length);
    System.arraycopy(board, brace + 1, out, brace + 1 + insert.length, board.length - brace - 1);
    return out;
  }

  /**
   * The string value of {@code field} in the top-level entry whose id is {@code id} (the last such
   * entry), or null. Byte-level: the benchmark's entries put {@code status} before any nested
   * object, and the worker sets values in place and adds fields at the entry's end.
   */
  static String field(byte[] board, String id, String field) {
    int at = lastIndexOf(board, ("\"id\": \"" + id + "\"").getBytes(StandardCharsets.UTF_8));
    if (at < 0) {
      return null;
    }
    int end = indexOf(board, "\n  }".getBytes(StandardCharsets.UTF_8), at);
    if (end < 0) {
      end = board.length;
    }
    byte[] key = ("\"" + field + "\": \"").getBytes(StandardCharsets.UTF_8);
    int k = indexOf(board, key, at);
    if (k < 0 || k > end) {
      return null;
    }
    int from = k + key.length;
    int to = from;
    while (to < end && board[to] != '"') {
      to++;
    }
    return new String(board, from, to - from, StandardCharsets.UTF_8);
  }

  /** One board version: its bytes and the stat that belongs to them. */
  record Version(byte[] bytes, Stat stat) {}

  /** What identifies a version without reading it: inode, size, mtime (ns). */
  record Stat(Object fileKey, long size, Instant mtime) {
    static Stat of(Path file) throws IOException {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stat(a.fileKey(), a.size(), a.lastModifiedTime().toInstant());
    }
  }

  /**
   * Reads the board and the stat of the version read: stat, read, stat again, and only when both
   * stats agree (writers replace the file by rename, so a new version is a new inode).
   */
  static Version read(Path board) throws IOException {
    for (int i = 0; i < 100; i++) {
      Stat before = Stat.of(board);
      byte[] bytes = Files.readAllBytes(board);
      Stat after = Stat.of(board);
      if (before.equals(after) && bytes.length == before.size()) {
        return new Version(bytes, before);
      }
    }
    throw new IOException(board + " kept changing while being read");
  }

  // --- a small pretty printer in the boards' layout: 2-space indent, "key": value ---

  static String pretty(Object value, int level) {
    StringBuilder sb = new StringBuilder(1024);
    indent(sb, level);
    write(sb, value, level);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v, int level) {
    if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        indent(sb, level + 1);
        quote(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        write(sb, e.getValue(), level + 1);
        sb.append(++i < m.size() ? ",\n" : "\n");
      }
      indent(sb, level);
      sb.append('}');
    } else if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append("[\n");
      for (int i = 0; i < l.size(); i++) {
        indent(sb, level + 1);
        write(sb, l.get(i), level + 1);
        sb.append(i + 1 < l.size() ? ",\n" : "\n");
      }
      indent(sb, level);
      sb.append(']');
    } else if (v instanceof String s) {
      quote(sb, s);
    } else {
      sb.append(v); // numbers, booleans, null
    }
  }

  private static void indent(StringBuilder sb, int level) {
    sb.append("  ".repeat(level));
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static String text(Random rnd, int chars) {
    StringBuilder sb = new StringBuilder(chars + 100);
    while (sb.length() < chars) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(pick(rnd, SENTENCES));
    }
    return sb.toString();
  }

  private static String pick(Random rnd, String[] values) {
    return values[rnd.nextInt(values.length)];
  }

  // --- byte search ---

  static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static int lastIndexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = hay.length - needle.length; i >= 0; i--) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static int lastIndexOf(byte[] hay, byte b, int from) {
    for (int i = from; i >= 0; i--) {
      if (hay[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static int count(byte[] hay, byte[] needle) {
    int n = 0;
    for (int at = indexOf(hay, needle, 0); at >= 0; at = indexOf(hay, needle, at + 1)) {
      n++;
    }
    return n;
  }
}
