package dev.taskboard.devops.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskboard.devops.board.Board;
import dev.taskboard.devops.board.Patch;
import dev.taskboard.devops.task.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Task Master's lock taken the way Task Master takes it: unit behaviour on real directories, the
 * real {@code task-master} CLI after our lock, and a Node process using Task Master's protocols
 * while this process writes under ours.
 */
class TaskMasterLockTest {
  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
  private static final Duration NO_WAIT = Duration.ZERO;
  private static final String CLI_ENV = "TASK_MASTER_BIN";

  @TempDir Path dir;

  private final CapturingScheduler scheduler = new CapturingScheduler();

  @AfterEach
  void shutDown() throws InterruptedException {
    scheduler.shutdownNow();
    assertTrue(scheduler.awaitTermination(10, TimeUnit.SECONDS));
  }

  // --- acquire and release -------------------------------------------------------------------

  @Test
  void acquire_makesTheLockDirectoryBesideTheBoard_andCloseRemovesItOnce() throws IOException {
    Path board = board();

    TaskMasterLock lock = TaskMasterLock.acquire(board, NO_WAIT, scheduler);

    assertEquals(dir.resolve("tasks.json.lock"), lock.path());
    assertTrue(Files.isDirectory(lock.path()));
    lock.close();
    assertFalse(Files.exists(lock.path()));
    lock.close();
    assertFalse(Files.exists(lock.path()));
  }

  @Test
  void acquire_givesTheLockOurOwnClocksTime_andRenewsItEveryFiveSeconds() throws IOException {
    MovingClock clock = new MovingClock(NOW);

    try (TaskMasterLock lock = acquire(board(), NO_WAIT, clock)) {
      assertEquals(FileTime.from(NOW), Files.getLastModifiedTime(lock.path()));
      assertEquals(Duration.ofSeconds(5), scheduler.delay);
      assertEquals(Duration.ofSeconds(5), scheduler.initialDelay);

      clock.advance(Duration.ofSeconds(5));
      scheduler.task.run();

      assertEquals(
          FileTime.from(NOW.plusSeconds(5)), Files.getLastModifiedTime(lock.path()), "renewed");
    }
  }

  @Test
  void acquire_givesUpOnAFreshDirectoryLock_namingItAndTheWait() throws IOException {
    Path held = holder(Files.createDirectory(dir.resolve("tasks.json.lock")), NOW.minusSeconds(9));

    FileSystemException e =
        assertThrows(
            FileSystemException.class,
            () -> acquire(board(), Duration.ofMillis(20), Clock.fixed(NOW, ZoneOffset.UTC)));

    assertEquals(
        held
            + ": held by another process (Task Master or a worker) for over 20 ms and kept fresh;"
            + " if none is running, delete it",
        e.getMessage());
    assertTrue(Files.isDirectory(held), "a fresh lock is left to its holder");
  }

  @Test
  void acquire_givesUpOnTaskMastersFreshFileLock() throws IOException {
    Path held = dir.resolve("tasks.json.lock");
    Files.writeString(held, "{\"pid\":4242,\"timestamp\":1764669600000}");
    holder(held, NOW.minusSeconds(1));

    assertThrows(
        FileSystemException.class,
        () -> acquire(board(), NO_WAIT, Clock.fixed(NOW, ZoneOffset.UTC)));
    assertEquals(
        "{\"pid\":4242,\"timestamp\":1764669600000}", Files.readString(held), "left untouched");
  }

  @Test
  void acquire_leavesALockExactlyTenSecondsOld_asTaskMasterDoes() throws IOException {
    holder(Files.createDirectory(dir.resolve("tasks.json.lock")), NOW.minusSeconds(10));

    assertThrows(
        FileSystemException.class,
        () -> acquire(board(), NO_WAIT, Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"directory", "task master file", "empty file of earlier versions"})
  void acquire_takesOverALockOlderThanTenSeconds(String kind) throws IOException {
    Path stale = dir.resolve("tasks.json.lock");
    switch (kind) {
      case "directory" -> Files.createDirectory(stale);
      case "task master file" -> Files.writeString(stale, "{\"pid\":1,\"timestamp\":0}");
      default -> Files.createFile(stale);
    }
    holder(stale, NOW.minusSeconds(10).minusMillis(1));

    try (TaskMasterLock lock = acquire(board(), NO_WAIT, Clock.fixed(NOW, ZoneOffset.UTC))) {
      assertTrue(Files.isDirectory(lock.path()));
      assertEquals(FileTime.from(NOW), Files.getLastModifiedTime(lock.path()));
    }
    assertEquals(List.of("tasks.json"), names(dir), "the stale lock was moved aside and deleted");
  }

  @Test
  void acquire_refusesToDeleteAStaleDirectoryWithFilesInIt() throws IOException {
    Path notALock = Files.createDirectory(dir.resolve("tasks.json.lock"));
    Files.writeString(notALock.resolve("notes.txt"), "mine");
    holder(notALock, NOW.minusSeconds(60));

    FileSystemException e =
        assertThrows(
            FileSystemException.class,
            () -> acquire(board(), NO_WAIT, Clock.fixed(NOW, ZoneOffset.UTC)));

    assertEquals(
        notALock
            + ": a directory with files in it, not a lock; move it away so Task Master and the"
            + " worker can lock the board",
        e.getMessage());
    assertEquals("mine", Files.readString(notALock.resolve("notes.txt")));
  }

  @Test
  void acquire_wakesWhenTheHolderReleases_withoutWaitingForStaleness() throws Exception {
    // An mtime an hour ahead never turns stale within the wait: only the release can wake us.
    Path held =
        holder(Files.createDirectory(dir.resolve("tasks.json.lock")), NOW.plusSeconds(3600));
    CountDownLatch waiting = new CountDownLatch(1);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    CompletableFuture<TaskMasterLock> taken =
        CompletableFuture.supplyAsync(
            () -> acquireUnchecked(board(), Duration.ofSeconds(600), clock, waiting::countDown));
    assertTrue(waiting.await(30, TimeUnit.SECONDS), "acquire never waited");
    assertFalse(taken.isDone(), "took a lock someone holds");
    Files.delete(held);

    // Far less than the wait: only the release's event can wake it in time.
    try (TaskMasterLock lock = taken.get(30, TimeUnit.SECONDS)) {
      assertTrue(Files.isDirectory(lock.path()));
    }
  }

  @Test
  void acquire_interruptedWhileWaiting_saysSoAndKeepsTheFlag() throws Exception {
    holder(Files.createDirectory(dir.resolve("tasks.json.lock")), NOW.plusSeconds(3600));
    CountDownLatch waiting = new CountDownLatch(1);
    List<Throwable> thrown = new ArrayList<>();
    List<Boolean> flag = new ArrayList<>();
    Thread waiter =
        new Thread(
            () -> {
              try {
                acquire(board(), Duration.ofSeconds(60), Clock.fixed(NOW, ZoneOffset.UTC), waiting)
                    .close();
              } catch (IOException e) {
                thrown.add(e);
                flag.add(Thread.currentThread().isInterrupted());
              }
            });
    waiter.start();
    assertTrue(waiting.await(30, TimeUnit.SECONDS));
    waiter.interrupt();
    waiter.join(30_000);

    assertEquals(1, thrown.size());
    assertEquals(InterruptedIOException.class, thrown.get(0).getClass());
    assertEquals("interrupted while waiting for Task Master's lock", thrown.get(0).getMessage());
    assertEquals(List.of(true), flag);
  }

  // --- losing the lock -----------------------------------------------------------------------

  @Test
  void renew_refusesALockAnotherProcessTookOver_andCloseLeavesTheirs() throws IOException {
    TaskMasterLock lock = acquire(board(), NO_WAIT, Clock.fixed(NOW, ZoneOffset.UTC));
    // What proper-lockfile does to a lock it finds stale: rmdir, then mkdir its own.
    Files.delete(lock.path());
    Files.createDirectory(lock.path());

    FileSystemException e = assertThrows(FileSystemException.class, lock::renew);

    assertEquals(
        lock.path() + ": lock lost: removed or taken over by another process", e.getMessage());
    scheduler.task.run(); // the scheduled renewal must not touch theirs either
    assertTrue(scheduler.future.isCancelled(), "renewal stops once the lock is lost");
    lock.close();
    assertTrue(Files.isDirectory(lock.path()), "their lock stays");
  }

  @Test
  void renew_refusesAfterClose() throws IOException {
    TaskMasterLock lock = acquire(board(), NO_WAIT, Clock.fixed(NOW, ZoneOffset.UTC));
    lock.close();

    FileSystemException e = assertThrows(FileSystemException.class, lock::renew);

    assertEquals(lock.path() + ": lock already released", e.getMessage());
  }

  // --- which boards are Task Master's --------------------------------------------------------

  @Test
  void isTaskMasterBoard_knowsTaskMastersPaths() throws IOException {
    Path project = Files.createDirectories(dir.resolve("p"));
    assertTrue(TaskMasterLock.isTaskMasterBoard(project.resolve(".taskmaster/tasks/tasks.json")));
    assertFalse(TaskMasterLock.isTaskMasterBoard(project.resolve(".plan/tasks.json")));
    assertFalse(TaskMasterLock.isTaskMasterBoard(project.resolve(".taskmaster/tasks/other.json")));
    assertFalse(TaskMasterLock.isTaskMasterBoard(project.resolve("tasks/tasks.json")));

    Files.createFile(project.resolve(".taskmasterconfig"));
    assertTrue(TaskMasterLock.isTaskMasterBoard(project.resolve("tasks/tasks.json")), "legacy");
    assertTrue(
        TaskMasterLock.isTaskMasterBoard(
            project.resolve(".taskmaster/tasks/../tasks/./tasks.json")));
  }

  // --- the real task-master CLI --------------------------------------------------------------

  @Test
  void taskMasterCli_setsStatusOnABoardTheWorkerPatched_evenWhereAnEarlierVersionLeftItsLockFile()
      throws Exception {
    Path cli = taskMasterCli();
    assumeTrue(
        Files.isExecutable(cli),
        cli
            + " is not installed; skipping the Task Master CLI test (.ci/run installs it, or set "
            + CLI_ENV
            + ")");
    Path project = Files.createDirectories(dir.resolve("project"));
    Path board =
        Files.createDirectories(project.resolve(".taskmaster/tasks")).resolve("tasks.json");
    Files.writeString(board, taskMasterBoard(), StandardCharsets.UTF_8);
    // The permanent empty sidecar earlier versions of the worker took their fcntl lock on.
    Path leftover = Files.createFile(board.resolveSibling("tasks.json.lock"));
    Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minusSeconds(3600)));

    // The worker's own write, through the board's locked update and Task Master's lock.
    Board.at(board).patch("2", Patch.empty().set("status", Json.valueOf("\"in-progress\"")));
    CliRun run = runCli(cli, project, "set-status", "--id=3", "--status=done");

    assertEquals(0, run.exitCode, run.output);
    JsonNode tasks = new ObjectMapper().readTree(board.toFile()).path("master").path("tasks");
    assertEquals("in-progress", tasks.get(1).path("status").asText(), "our write survived");
    assertEquals("done", tasks.get(2).path("status").asText(), run.output);
    assertEquals(List.of("tasks.json", "tasks.json.devops-lock"), names(board.getParent()));
  }

  // --- Task Master's protocols in another process --------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"mirror", "proper-lockfile"})
  void nodeWriterWithTaskMastersLocks_andOurCycles_loseNoUpdate(String directoryLock)
      throws Exception {
    assumeTrue(onPath("node"), "node is not installed; skipping the multi-process test");
    Optional<Path> properLockfile = Optional.empty();
    if (directoryLock.equals("proper-lockfile")) {
      Path module = taskMasterModules().resolve("proper-lockfile");
      assumeTrue(
          Files.isDirectory(module),
          module + " is not installed; skipping the run with the real proper-lockfile");
      properLockfile = Optional.of(module);
    }
    int rounds = 200;
    Path board = Files.createDirectory(dir.resolve("board")).resolve("tasks.json");
    Files.writeString(
        board, "{\"master\": {\"tasks\": [], \"metadata\": {\"nodeCount\": 0, \"javaCount\": 0}}}");
    Process node = startNodeWriter(board, rounds, properLockfile);
    AtomicInteger javaWaits = new AtomicInteger();
    try (BufferedReader out = reader(node);
        Writer in = node.outputWriter()) {
      assertEquals("locked", out.readLine(), "the Node writer's first line");
      // Node keeps its first lock until told: our first acquire must wait for it.
      AtomicBoolean told = new AtomicBoolean();
      Runnable releaseNode =
          () -> {
            if (!told.getAndSet(true)) {
              say(in, "go");
            }
          };
      Runnable beforeWaiting =
          () -> {
            javaWaits.incrementAndGet();
            releaseNode.run();
          };
      for (int i = 0; i < rounds; i++) {
        try (TaskMasterLock lock =
            TaskMasterLock.acquire(
                board, Duration.ofSeconds(30), scheduler, Clock.systemUTC(), beforeWaiting)) {
          incrementJavaCount(board, lock);
        }
        releaseNode.run(); // from here on, should our lock not exclude Node, both write at once
      }
      assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the Node writer did not finish");
      String stats = out.readLine();
      assertEquals(0, node.exitValue(), stats + new String(node.getErrorStream().readAllBytes()));

      JsonNode metadata =
          new ObjectMapper().readTree(board.toFile()).path("master").path("metadata");
      assertEquals(rounds, metadata.path("nodeCount").asInt(), stats);
      assertEquals(rounds, metadata.path("javaCount").asInt(), stats);
      assertTrue(javaWaits.get() >= 1, "waited for the Node writer's lock at least once");
      assertEquals(List.of("tasks.json"), names(board.getParent()), stats);
      System.out.println(
          "taskmaster-writer ("
              + directoryLock
              + "): "
              + stats
              + ", java waits: "
              + javaWaits.get());
    } finally {
      node.destroyForcibly();
    }
  }

  @Test
  void nodeWriterWithTaskMastersLocks_andTheWorkersBoardUpdates_loseNoUpdate() throws Exception {
    assumeTrue(onPath("node"), "node is not installed; skipping the multi-process test");
    int rounds = 100;
    Path board =
        Files.createDirectories(dir.resolve("project/.taskmaster/tasks")).resolve("tasks.json");
    Files.writeString(
        board,
        "{\"master\": {\"tasks\": [{\"id\": 1, \"javaCount\": 0}],"
            + " \"metadata\": {\"nodeCount\": 0, \"javaCount\": 0}}}");
    Process node = startNodeWriter(board, rounds, Optional.empty());
    try (BufferedReader out = reader(node);
        Writer in = node.outputWriter()) {
      assertEquals("locked", out.readLine(), "the Node writer's first line");
      say(in, "go");
      Board worker = Board.at(board);
      for (int i = 0; i < rounds; i++) {
        worker.update(
            "1",
            task ->
                Patch.empty()
                    .set(
                        "javaCount",
                        Json.valueOf(Integer.toString(task.json().path("javaCount").asInt() + 1))));
      }
      assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the Node writer did not finish");
      String stats = out.readLine();
      assertEquals(0, node.exitValue(), stats + new String(node.getErrorStream().readAllBytes()));
      JsonNode master = new ObjectMapper().readTree(board.toFile()).path("master");
      assertEquals(rounds, master.path("metadata").path("nodeCount").asInt(), stats);
      assertEquals(rounds, master.path("tasks").get(0).path("javaCount").asInt(), stats);
    } finally {
      node.destroyForcibly();
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private Path board() {
    Path board = dir.resolve("tasks.json");
    try {
      if (!Files.exists(board)) {
        Files.writeString(board, "{\"master\": {\"tasks\": [], \"metadata\": {}}}");
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return board;
  }

  private TaskMasterLock acquire(Path board, Duration wait, Clock clock) throws IOException {
    return TaskMasterLock.acquire(board, wait, scheduler, clock, () -> {});
  }

  private TaskMasterLock acquire(Path board, Duration wait, Clock clock, CountDownLatch waiting)
      throws IOException {
    return TaskMasterLock.acquire(board, wait, scheduler, clock, waiting::countDown);
  }

  private TaskMasterLock acquireUnchecked(
      Path board, Duration wait, Clock clock, Runnable beforeWaiting) {
    try {
      return TaskMasterLock.acquire(board, wait, scheduler, clock, beforeWaiting);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Path holder(Path lock, Instant mtime) throws IOException {
    Files.setLastModifiedTime(lock, FileTime.from(mtime));
    return lock;
  }

  private static List<String> names(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void replace(Path board, String text) throws IOException {
    Path temp = Files.createTempFile(board.getParent(), ".tasks.json.", ".tmp");
    Files.writeString(temp, text, StandardCharsets.UTF_8);
    Files.move(temp, board, StandardCopyOption.ATOMIC_MOVE);
  }

  /** One read-modify-write of the whole board, as a writer that parses it would do. */
  private static void incrementJavaCount(Path board, TaskMasterLock lock) throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode root = json.readTree(board.toFile());
    ObjectNode metadata = (ObjectNode) root.path("master").path("metadata");
    metadata.put("javaCount", metadata.path("javaCount").asInt() + 1);
    lock.renew(); // still ours just before the write becomes visible
    replace(board, json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
  }

  private static String taskMasterBoard() {
    StringBuilder tasks = new StringBuilder();
    String[] titles = {"One", "Two", "Three"};
    for (int id = 1; id <= 3; id++) {
      tasks
          .append(id == 1 ? "" : ",\n")
          .append("    {\"id\": ")
          .append(id)
          .append(", \"title\": \"")
          .append(titles[id - 1])
          .append("\", \"status\": \"pending\", \"description\": \"d\", \"details\": \"\",")
          .append(" \"testStrategy\": \"\", \"priority\": \"high\", \"dependencies\": [],")
          .append(" \"subtasks\": []}");
    }
    return "{\"master\": {\"tasks\": [\n"
        + tasks
        + "\n  ], \"metadata\": {\"created\": \"2026-12-01T00:00:00Z\", \"description\": \"b\"}}}\n";
  }

  /** The CLI from {@value #CLI_ENV}, else where .ci/run installs it. */
  private static Path taskMasterCli() {
    String set = System.getenv(CLI_ENV);
    if (set != null && !set.isBlank()) {
      return Path.of(set);
    }
    return taskMasterModules().resolve(".bin/task-master");
  }

  /** {@code ${XDG_CACHE_HOME:-$HOME/.cache}/devops-worker-ci/task-master/node_modules}. */
  private static Path taskMasterModules() {
    String cache = System.getenv("XDG_CACHE_HOME");
    Path base =
        cache != null && !cache.isBlank()
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("devops-worker-ci/task-master/node_modules");
  }

  private record CliRun(int exitCode, String output) {}

  private CliRun runCli(Path cli, Path project, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(cli.toString()));
    command.addAll(List.of(args));
    Path home = Files.createDirectories(dir.resolve("home"));
    ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile());
    Map<String, String> env = pb.environment();
    env.put("HOME", home.toString());
    env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
    env.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
    env.put("XDG_DATA_HOME", home.resolve(".local/share").toString());
    env.put("XDG_STATE_HOME", home.resolve(".local/state").toString());
    Process p = pb.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "task-master did not finish: " + output);
    return new CliRun(p.exitValue(), output);
  }

  private Process startNodeWriter(Path board, int rounds, Optional<Path> properLockfile)
      throws IOException {
    Path script = dir.resolve("taskmaster-writer.cjs");
    try (var in = getClass().getResourceAsStream("taskmaster-writer.cjs")) {
      Files.copy(in, script);
    }
    List<String> command =
        new ArrayList<>(List.of("node", script.toString(), board.toString(), "" + rounds));
    properLockfile.ifPresent(module -> command.add(module.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().put("HOME", dir.toString());
    return pb.start();
  }

  private static BufferedReader reader(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }

  private static void say(Writer in, String line) {
    try {
      in.write(line + "\n");
      in.flush();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  /** A clock tests move by hand. */
  private static final class MovingClock extends Clock {
    private volatile Instant now;

    MovingClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /**
   * A real scheduler that keeps the renewal it is handed instead of running it, so a test runs it
   * when it has moved the clock.
   */
  private static final class CapturingScheduler extends ScheduledThreadPoolExecutor {
    volatile Runnable task;
    volatile Duration initialDelay;
    volatile Duration delay;
    volatile ScheduledFuture<?> future;

    CapturingScheduler() {
      super(1);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(
        Runnable command, long initialDelay, long delay, TimeUnit unit) {
      this.task = command;
      this.initialDelay = Duration.ofNanos(unit.toNanos(initialDelay));
      this.delay = Duration.ofNanos(unit.toNanos(delay));
      this.future = super.schedule(() -> {}, 1, TimeUnit.DAYS);
      return future;
    }
  }
}
