package dev.taskboard.devops.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Writes a deterministic, realistic task board (top-level array, 2-space indent, UTF-8 with é, ü,
 * Chinese and emoji) with a streaming generator, so writing 100 MB needs only a few MB of heap.
 */
final class BoardGenerator {
  static final String DEVOPS = "DevOps-Engineer";
  static final String[] AGENTS = {
    "Task-Coder", "Tester", "Code-Reviewer", "Product-Manager", DEVOPS
  };

  private static final String[][] TYPES = {
    {"implement_feature", "fix_bug", "refactor_module", "deployment_docs"},
    {"write_tests", "run_regression", "verify_fix"},
    {"code_review", "security_review"},
    {"write_spec", "triage_backlog", "acceptance_check"},
    {
      "deployment_staging",
      "deployment_production",
      "infrastructure_provision",
      "infrastructure_scale",
      "monitoring_setup",
      "ci_pipeline_fix",
      "pre_deployment_check"
    }
  };

  private static final String[] MATCHING_DEVOPS_TYPES = {
    "deployment_staging",
    "deployment_production",
    "infrastructure_provision",
    "infrastructure_scale"
  };

  private static final String[] STATUSES = {
    "completed", "pending", "in_progress", "failed", "blocked"
  };
  private static final int[] STATUS_WEIGHTS = {45, 25, 15, 7, 8};

  private static final String[] PRIORITIES = {"critical", "high", "medium", "low"};

  private static final String[] SERVICES = {
    "café-api", "billing", "auth-gateway", "search", "notifications", "größen-service", "用户中心"
  };

  private static final String[] TITLES = {
    "Deploy %s to staging",
    "Roll out %s to production",
    "Provision database for %s",
    "Fix flaky test in %s",
    "Review pull request for %s",
    "Write acceptance criteria for %s",
    "Add dashboards for %s 📈",
    "Refactor the config loader of %s",
    "部署 %s 到生产环境",
    "Überprüfung von %s"
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
    "Update the README with the new déploiement steps and the \"blue/green\" switch.",
    "Äpfel, Öl und Übermut: edge cases for the ü/ö/ä normaliser.",
    "Latency p99 went from 120 ms to 340 ms after the release 📈, investigate the cache.",
    "The acceptance criteria are listed below;\nplease keep them in sync with the spec.",
    "Terraform plan shows 3 resources to add, 1 to change, 0 to destroy.",
    "Rotate the TLS certificates before they expire on the edge nodes 🔐.",
    "Make sure the Helm chart values match the ones documented in deployment.md.",
    "Le rapport d'erreurs contient des caractères accentués: à, è, ù, ç, œ."
  };

  private static final String[] FILES = {
    "src/main/java/app/Server.java",
    "deploy/helm/values.yaml",
    "infra/terraform/main.tf",
    "docs/déploiement.md",
    "tests/test_payments.py",
    ".github/workflows/ci.yml"
  };

  private static final Pattern MATCHING_TYPE = Pattern.compile("(deployment|infrastructure)_.*");
  private static final Instant BASE = Instant.parse("2026-01-05T08:00:00Z");

  /** What was written: size, count, and the ids the default filter must select, in order. */
  record Generated(Path file, long bytes, int tasks, List<String> matchIds) {}

  private BoardGenerator() {}

  /** The default filter's semantics, written independently of the engine to cross-check it. */
  static boolean matchesDefaultFilter(String agent, String status, String type) {
    return agent.equals(DEVOPS)
        && status.equals("pending")
        && (MATCHING_TYPE.matcher(type).matches() || type.equals("monitoring_setup"));
  }

  static Generated write(Path file, long targetBytes, long seed) throws IOException {
    JsonFactory factory =
        JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
    DefaultIndenter twoSpaces = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter pretty =
        new DefaultPrettyPrinter(
            Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator(""));
    pretty.indentArraysWith(twoSpaces);
    pretty.indentObjectsWith(twoSpaces);

    Random rnd = new Random(seed);
    List<String> matchIds = new ArrayList<>();
    int n = 0;
    CountingStream counted =
        new CountingStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    try (JsonGenerator g = factory.createGenerator(counted, JsonEncoding.UTF8)) {
      g.setPrettyPrinter(pretty);
      g.writeStartArray();
      while (counted.count + g.getOutputBuffered() < targetBytes) {
        n++;
        if (writeTask(g, rnd, n)) {
          matchIds.add(id(n));
        }
      }
      g.writeEndArray();
      g.flush();
      counted.write('\n');
    }
    return new Generated(file, Files.size(file), n, matchIds);
  }

  static String id(int n) {
    return String.format("TASK-%06d", n);
  }

  /** Writes task {@code n}; returns whether the default filter selects it. */
  private static boolean writeTask(JsonGenerator g, Random rnd, int n) throws IOException {
    String agent;
    String type;
    String status;
    if (rnd.nextInt(100) < 1) {
      // The worker's own work: a DevOps-Engineer pending deployment_* / infrastructure_* task.
      agent = DEVOPS;
      type = pick(rnd, MATCHING_DEVOPS_TYPES);
      status = "pending";
    } else {
      int a = rnd.nextInt(AGENTS.length);
      agent = AGENTS[a];
      type = pick(rnd, TYPES[a]);
      status = weighted(rnd);
    }
    String service = pick(rnd, SERVICES);
    Instant created = BASE.plusSeconds(45L * n + rnd.nextInt(30));

    g.writeStartObject();
    g.writeStringField("id", id(n));
    g.writeStringField("type", type);
    g.writeStringField("status", status);
    g.writeStringField("agent", agent);
    g.writeStringField("priority", pick(rnd, PRIORITIES));
    g.writeStringField("created_at", DateTimeFormatter.ISO_INSTANT.format(created));
    if (n > 1 && rnd.nextInt(100) < 30) {
      g.writeArrayFieldStart("dependencies");
      int deps = 1 + rnd.nextInt(2);
      for (int d = 0; d < deps; d++) {
        g.writeString(id(1 + rnd.nextInt(n - 1)));
      }
      g.writeEndArray();
    }
    g.writeObjectFieldStart("payload");
    g.writeStringField("title", String.format(pick(rnd, TITLES), service));
    g.writeStringField("description", description(rnd, 150 + rnd.nextInt(550)));
    g.writeStringField("service", service);
    g.writeEndObject();
    if (status.equals("completed") || status.equals("failed")) {
      g.writeObjectFieldStart("result");
      g.writeStringField("summary", description(rnd, 60 + rnd.nextInt(120)));
      g.writeArrayFieldStart("files_changed");
      int files = rnd.nextInt(4);
      for (int f = 0; f < files; f++) {
        g.writeString(pick(rnd, FILES));
      }
      g.writeEndArray();
      g.writeNumberField("duration_s", rnd.nextInt(36_000) / 10.0);
      g.writeNumberField("exit_code", status.equals("failed") ? 1 + rnd.nextInt(3) : 0);
      g.writeEndObject();
    }
    g.writeEndObject();
    return matchesDefaultFilter(agent, status, type);
  }

  private static String description(Random rnd, int chars) {
    StringBuilder sb = new StringBuilder(chars + 100);
    while (sb.length() < chars) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(pick(rnd, SENTENCES));
      if (rnd.nextInt(8) == 0) {
        sb.append(" (ref #").append(1000 + rnd.nextInt(9000)).append(')');
      }
    }
    return sb.toString();
  }

  private static String weighted(Random rnd) {
    int r = rnd.nextInt(100);
    for (int i = 0; i < STATUSES.length; i++) {
      r -= STATUS_WEIGHTS[i];
      if (r < 0) {
        return STATUSES[i];
      }
    }
    return STATUSES[0];
  }

  private static String pick(Random rnd, String[] values) {
    return values[rnd.nextInt(values.length)];
  }

  /** Counts the bytes that reached the underlying stream. */
  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
