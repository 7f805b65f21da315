package dev.taskboard.devops.hitl;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the file holds for an entry the worker wrote, looked up by id and nonce: the entry to act
 * on, or why there is none. A duplicated id is never settled by the order of the file.
 */
public sealed interface Lookup {

  /** The entry to act on; present for {@link Found} only. */
  Optional<Entry> mine();

  /** Why there is nothing to act on: one line naming the file and, where there is one, the line. */
  Optional<String> problem();

  /** Exactly one entry has the id, and it carries the nonce. */
  record Found(Entry entry) implements Lookup {
    @Override
    public Optional<Entry> mine() {
      return Optional.of(entry);
    }

    @Override
    public Optional<String> problem() {
      return Optional.empty();
    }
  }

  /** No entry has the id: a human removed it or changed its heading. */
  record Missing(EntryRef ref, String message) implements Lookup {
    @Override
    public Optional<Entry> mine() {
      return Optional.empty();
    }

    @Override
    public Optional<String> problem() {
      return Optional.of(message);
    }
  }

  /** Two or more entries have the id (anywhere in the file); none of them is acted on. */
  record Duplicated(EntryRef ref, List<Entry> entries, String message) implements Lookup {
    public Duplicated {
      entries = List.copyOf(entries);
    }

    @Override
    public Optional<Entry> mine() {
      return Optional.empty();
    }

    @Override
    public Optional<String> problem() {
      return Optional.of(message);
    }
  }

  /** One entry has the id but not the nonce: not the entry the worker wrote. */
  record Foreign(EntryRef ref, Entry entry, String message) implements Lookup {
    @Override
    public Optional<Entry> mine() {
      return Optional.empty();
    }

    @Override
    public Optional<String> problem() {
      return Optional.of(message);
    }
  }

  /** Decides from every entry of {@code file} whose id is {@code ref}'s. */
  static Lookup of(Path file, EntryRef ref, List<Entry> sameId) {
    if (sameId.isEmpty()) {
      return new Missing(
          ref,
          HumanRequestsException.format(
              file,
              0,
              0,
              "has no entry "
                  + ref.id()
                  + "; its heading may have been edited or removed, restore it or escalate again"));
    }
    Entry first = sameId.get(0);
    if (sameId.size() > 1) {
      String lines =
          sameId.stream().map(e -> Integer.toString(e.line())).collect(Collectors.joining(", "));
      return new Duplicated(
          ref,
          sameId,
          HumanRequestsException.format(
              file,
              first.line(),
              1,
              "entry "
                  + ref.id()
                  + " appears "
                  + sameId.size()
                  + " times (lines "
                  + lines
                  + "); the worker acts on none of them until only the one it wrote is left,"
                  + " remove the others"));
    }
    if (!first.ref().equals(Optional.of(ref))) {
      return new Foreign(
          ref,
          first,
          HumanRequestsException.format(
              file,
              first.line(),
              1,
              "entry "
                  + first.id()
                  + " does not carry the mark devops-worker wrote under its heading (its"
                  + " <!-- devops-worker entry=... nonce=... --> line); the worker leaves it"
                  + " alone"));
    }
    return new Found(first);
  }
}
