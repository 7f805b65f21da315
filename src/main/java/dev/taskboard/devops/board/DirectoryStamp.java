package dev.taskboard.devops.board;

import dev.taskboard.devops.files.FileStamp;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The attributes of a per-task board's directory as one {@link FileStamp}: the name, identity, size
 * and modification time of each of its {@code *.json} files. Any file written, replaced, added or
 * removed gives another stamp.
 */
final class DirectoryStamp {
  private DirectoryStamp() {}

  /** One file's attributes. */
  private record Entry(String name, Object key, long size, long modifiedNanos) {}

  static FileStamp of(Path dir) throws IOException {
    List<Entry> entries = new ArrayList<>();
    long newest = 0;
    long size = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path f : files) {
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(f, BasicFileAttributes.class);
        } catch (NoSuchFileException gone) {
          continue;
        }
        var t = a.lastModifiedTime().toInstant();
        long nanos = t.getEpochSecond() * 1_000_000_000L + t.getNano();
        entries.add(new Entry(f.getFileName().toString(), a.fileKey(), a.size(), nanos));
        newest = Math.max(newest, nanos);
        size += a.size();
      }
    } catch (NoSuchFileException gone) {
      // no directory: the empty stamp; reading it says what is missing
    }
    entries.sort((a, b) -> a.name().compareTo(b.name()));
    return new FileStamp(List.copyOf(entries), size, newest, FileStamp.NO_CHECKSUM);
  }
}
