package dev.taskboard.devops.board;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Optional;
import java.util.RandomAccess;

/**
 * Every task's {@link Slot}, in board order, stored column by column with an open-addressing id
 * index: per task an id string and a few array cells, instead of a record, a boxed map entry and
 * its node. On a 100,000-task board in a 64 MB heap that is the difference between a scan the
 * garbage collector keeps interrupting and one it hardly notices. Slots are made on demand by
 * {@link #get}.
 */
final class Slots extends AbstractList<Slot> implements RandomAccess {
  private static final byte NUMERIC = 1;
  private static final byte TASK_ID_KEY = 2;

  private int size;
  private String[] ids;
  private long[] starts;
  private long[] ends;
  private long[] lines;
  private long[] columns;
  private String[] statuses;
  private byte[] flags;
  private int[] table; // index + 1 per occupied bucket; a power of two, at most half full

  Slots() {
    this(64);
  }

  /** Room for {@code capacity} slots before the columns grow. */
  Slots(int capacity) {
    int n = Math.max(capacity, 16);
    ids = new String[n];
    starts = new long[n];
    ends = new long[n];
    lines = new long[n];
    columns = new long[n];
    statuses = new String[n];
    flags = new byte[n];
    table = new int[Integer.highestOneBit(n) * 4];
  }

  /**
   * Appends a slot; returns -1, or the index of an earlier slot with the same id (nothing added).
   */
  int add(
      String id,
      boolean numericId,
      String idKey,
      long start,
      long end,
      long line,
      long column,
      String status) {
    int bucket = bucketOf(id);
    if (table[bucket] != 0) {
      return table[bucket] - 1;
    }
    if (size == ids.length) {
      grow();
    }
    ids[size] = id;
    starts[size] = start;
    ends[size] = end;
    lines[size] = line;
    columns[size] = column;
    statuses[size] = status;
    flags[size] = (byte) ((numericId ? NUMERIC : 0) | ("task_id".equals(idKey) ? TASK_ID_KEY : 0));
    table[bucket] = ++size;
    if (size * 2 > table.length) {
      rehash(table.length * 2);
    }
    return -1;
  }

  /**
   * Appends {@code other}'s slots (a later part of the same board read apart), their lines moved by
   * {@code lineShift} and those on {@code other}'s line {@code line} also by {@code columnShift}
   * columns. Returns -1, or the index in {@code other} of a slot whose id is already here (and then
   * only the slots before it were added).
   */
  int appendAll(Slots other, long lineShift, long line, long columnShift) {
    for (int i = 0; i < other.size; i++) {
      int earlier =
          add(
              other.ids[i],
              (other.flags[i] & NUMERIC) != 0,
              (other.flags[i] & TASK_ID_KEY) != 0 ? "task_id" : "id",
              other.starts[i],
              other.ends[i],
              other.lines[i] + lineShift,
              other.lines[i] == line ? other.columns[i] + columnShift : other.columns[i],
              other.statuses[i]);
      if (earlier >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** An independent copy (the ids, immutable, are shared). */
  Slots copy() {
    Slots c = new Slots(0);
    c.size = size;
    c.ids = ids.clone();
    c.starts = starts.clone();
    c.ends = ends.clone();
    c.lines = lines.clone();
    c.columns = columns.clone();
    c.statuses = statuses.clone();
    c.flags = flags.clone();
    c.table = table.clone();
    return c;
  }

  /** Whether a task has this id. */
  boolean contains(String id) {
    return table[bucketOf(id)] != 0;
  }

  /** The slot of the task with this id (ids compare as text). */
  Optional<Slot> find(String id) {
    int i = table[bucketOf(id)] - 1;
    return i < 0 ? Optional.empty() : Optional.of(get(i));
  }

  /**
   * Rewrites the slot at {@code index} in place (its start, line and column stay); false, and
   * nothing changed, when its new id is another slot's.
   */
  boolean replace(int index, String id, boolean numericId, String idKey, long end, String status) {
    if (!ids[index].equals(id)) {
      if (table[bucketOf(id)] != 0) {
        return false;
      }
      ids[index] = id;
      rehash(table.length);
    }
    ends[index] = end;
    statuses[index] = status;
    flags[index] = (byte) ((numericId ? NUMERIC : 0) | ("task_id".equals(idKey) ? TASK_ID_KEY : 0));
    return true;
  }

  /**
   * Moves the slots from {@code from} on by {@code delta} bytes and {@code lineShift} lines; those
   * on line {@code line} (before the move) also by {@code columnShift} columns.
   */
  void shift(int from, long delta, long lineShift, long line, long columnShift) {
    for (int i = from; i < size; i++) {
      starts[i] += delta;
      ends[i] += delta;
      if (lines[i] == line) {
        columns[i] += columnShift;
      }
      lines[i] += lineShift;
    }
  }

  /**
   * The index of the slot that starts at byte {@code start}, or -1 (starts grow in board order).
   */
  int indexAt(long start) {
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (starts[mid] < start) {
        lo = mid + 1;
      } else if (starts[mid] > start) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  String id(int index) {
    return ids[index];
  }

  long start(int index) {
    return starts[index];
  }

  long end(int index) {
    return ends[index];
  }

  long line(int index) {
    return lines[index];
  }

  long column(int index) {
    return columns[index];
  }

  boolean numericId(int index) {
    return (flags[index] & NUMERIC) != 0;
  }

  boolean taskIdKey(int index) {
    return (flags[index] & TASK_ID_KEY) != 0;
  }

  /** The status of the task at {@code index}, null when it has none. */
  String status(int index) {
    return statuses[index];
  }

  @Override
  public Slot get(int index) {
    if (index >= size) {
      throw new IndexOutOfBoundsException(index);
    }
    return new Slot(
        index,
        ids[index],
        (flags[index] & NUMERIC) != 0,
        (flags[index] & TASK_ID_KEY) != 0 ? "task_id" : "id",
        starts[index],
        ends[index],
        lines[index],
        columns[index],
        statuses[index]);
  }

  @Override
  public int size() {
    return size;
  }

  /** The bucket holding {@code id}, or the empty bucket where it would go. */
  private int bucketOf(String id) {
    int mask = table.length - 1;
    int bucket = spread(id.hashCode(), mask);
    while (table[bucket] != 0 && !ids[table[bucket] - 1].equals(id)) {
      bucket = (bucket + 1) & mask;
    }
    return bucket;
  }

  /** Fibonacci hashing: ids like TASK-000001, TASK-000002 have neighbouring hash codes. */
  private static int spread(int h, int mask) {
    return (h * 0x9E3779B9) >>> (32 - Integer.bitCount(mask)) & mask;
  }

  private void grow() {
    int capacity = ids.length * 2;
    ids = Arrays.copyOf(ids, capacity);
    starts = Arrays.copyOf(starts, capacity);
    ends = Arrays.copyOf(ends, capacity);
    lines = Arrays.copyOf(lines, capacity);
    columns = Arrays.copyOf(columns, capacity);
    statuses = Arrays.copyOf(statuses, capacity);
    flags = Arrays.copyOf(flags, capacity);
  }

  private void rehash(int capacity) {
    table = new int[capacity];
    int mask = table.length - 1;
    for (int i = 0; i < size; i++) {
      int bucket = spread(ids[i].hashCode(), mask);
      while (table[bucket] != 0) {
        bucket = (bucket + 1) & mask;
      }
      table[bucket] = i + 1;
    }
  }
}
