package dev.taskboard.devops.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taskboard.devops.task.Json;
import dev.taskboard.devops.testing.TestEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon on a per-task board (the seed's demo, src/test/resources/seed) watches the tasks
 * directory: a task another agent adds there — its file, then its index entry — is picked up with
 * no rescan due.
 */
class PerTaskWatchTest {
  private static final Duration BOUND = Duration.ofSeconds(60);
  private static final Path SEED = Path.of("src/test/resources/seed/.demo/.plan");

  @TempDir Path dir;
  private Worker worker;
  private Thread thread;

  @AfterEach
  void stop() throws Exception {
    if (worker != null) {
      worker.stop();
      thread.join(TimeUnit.SECONDS.toMillis(60));
      worker.close();
    }
  }

  private static String task(String id) {
    return "{\n  \"task_id\": \""
        + id
        + "\",\n  \"title\": \"Deploy\",\n  \"status\": \"pending\",\n"
        + "  \"agent\": \"DevOps-Engineer\",\n  \"payload\": {\"type\": \"deployment_staging\"}\n}\n";
  }

  private static void addLikeAnotherAgent(Path tasks, String id) throws IOException {
    Files.writeString(tasks.resolve(id + ".json"), task(id));
    Path index = tasks.resolve("index.json");
    String text = Files.readString(index);
    Files.writeString(
        index,
        text.substring(0, text.lastIndexOf('}') + 1)
            + ",\n  {\"task_id\": \""
            + id
            + "\", \"title\": \"Deploy\", \"status\": \"pending\", \"agent\": \"DevOps-Engineer\","
            + " \"type\": \"deployment_staging\", \"priority\": null, \"updated_at\": null}\n]\n");
  }

  /**
   * Until the worker waits for a change (no rescan is due for an hour): from then on only a file
   * event can wake it. Its thread's stack says so; spins, bounded.
   */
  private void awaitIdle() {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (java.util.Arrays.stream(thread.getStackTrace())
        .noneMatch(f -> f.getMethodName().equals("awaitChange"))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the worker never went idle");
      }
      Thread.onSpinWait();
    }
  }

  private static String status(Path tasks, String id) throws IOException {
    return Json.parse(Files.readString(tasks.resolve(id + ".json"))).path("status").asText();
  }

  @Test
  void aTaskAddedToTheDirectory_isPickedUpByTheWatcher() throws Exception {
    Path tasks = Files.createDirectories(dir.resolve(".plan/tasks"));
    try (Stream<Path> files = Files.list(SEED.resolve("tasks"))) {
      for (Path f : files.toList()) {
        Files.copy(f, tasks.resolve(f.getFileName()));
      }
    }
    addLikeAnotherAgent(tasks, "T-DEMO-4");
    Path runbook = dir.resolve("deployment.md");
    Files.writeString(
        runbook,
        "# Runbook\n\n## gates\n\nNone.\n\n```settings\nstaging:\n```\n\n## deployment_staging\n\n"
            + "### deploy\n\n```sh\ntrue\n```\n\n### verify\n\n```sh\ntrue\n```\n\n"
            + "### rollback\n\n```sh\ntrue\n```\n");
    worker =
        Worker.open(
            WorkerConfig.builder(tasks, runbook, TestEnv.in(dir))
                .rescan(Duration.ofHours(1)) // only the watcher can wake it
                .build());
    thread =
        new Thread(
            () -> {
              try {
                worker.run(false);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "worker-under-test");
    thread.start();
    FileWait.until(
        tasks, BOUND, "T-DEMO-4 deployed", () -> status(tasks, "T-DEMO-4").equals("deployed"));
    awaitIdle();

    addLikeAnotherAgent(tasks, "T-DEMO-5");

    FileWait.until(
        tasks, BOUND, "T-DEMO-5 deployed", () -> status(tasks, "T-DEMO-5").equals("deployed"));
    assertEquals("pending", status(tasks, "T-DEMO-1"), "another agent's task");
  }
}
