package dev.taskboard.devops.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One seeded source of hostile input for {@link HostileTorture}: its own {@link Random} (seeded
 * from the run's seed and its name), one action per tick of a scheduled executor, and a tally of
 * what it did. An action that throws is counted and logged, never fatal: the run goes on.
 */
abstract class HostileGenerator implements Runnable {
  /** The files every generator works on, and what the checks need to know of their actions. */
  static final class Scene {
    final Path project;
    final Path board;
    final Path requests;
    final Path journal;
    final Path marks;

    /** Windows (epoch ms) during which a generator left the board deliberately half-written. */
    final List<long[]> tornBoard = new ArrayList<>();

    /** Windows (epoch ms) during which human-requests.md held a cp1252 byte. */
    final List<long[]> badRequests = new ArrayList<>();

    Scene(Path project, Path board, Path requests, Path journal, Path marks) {
      this.project = project;
      this.board = board;
      this.requests = requests;
      this.journal = journal;
      this.marks = marks;
    }

    synchronized void window(List<long[]> list, long from, long to) {
      list.add(new long[] {from, to});
    }

    synchronized boolean within(List<long[]> list, long at, long slackMs) {
      for (long[] w : list) {
        if (at >= w[0] - slackMs && at <= w[1] + slackMs) {
          return true;
        }
      }
      return false;
    }
  }

  final String name;
  final Random rnd;
  final Scene scene;
  private final long periodMs;
  private final AtomicLong ticks = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile String firstFailure;

  /** What the generator did, by kind (e.g. "torn line without newline" → 12). */
  final Map<String, AtomicLong> done = new ConcurrentHashMap<>();

  HostileGenerator(String name, long seed, Scene scene, long periodMs) {
    this.name = name;
    this.rnd = new Random(seed ^ name.hashCode() * 0x9E3779B97F4A7C15L);
    this.scene = scene;
    this.periodMs = periodMs;
  }

  /** One hostile action. */
  abstract void act() throws Exception;

  @Override
  public final void run() {
    ticks.incrementAndGet();
    try {
      act();
    } catch (Exception | Error e) {
      failures.incrementAndGet();
      if (firstFailure == null) {
        firstFailure = e.toString();
        HostileTorture.log(name + ": an action failed (counted, not fatal): " + e);
      }
    }
  }

  /** Starts ticking every {@code periodMs} (with a seeded offset) on {@code executor}. */
  void schedule(ScheduledExecutorService executor) {
    executor.scheduleWithFixedDelay(
        this, 200 + rnd.nextInt((int) periodMs), periodMs, TimeUnit.MILLISECONDS);
  }

  void count(String kind) {
    done.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  long ticks() {
    return ticks.get();
  }

  long failures() {
    return failures.get();
  }

  String firstFailure() {
    return firstFailure;
  }

  int between(int from, int to) {
    return from + rnd.nextInt(to - from + 1);
  }

  <T> T pick(List<T> list) {
    return list.get(rnd.nextInt(list.size()));
  }

  static void pause(long ms) throws InterruptedException {
    // Chaos pacing of a hostile writer, not synchronisation.
    Thread.sleep(ms);
  }
}
