package dev.taskboard.devops.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllowedSignersTest {
  private static final Map<String, String> PATH = Map.of("PATH", System.getenv("PATH"));

  @TempDir Path dir;

  @Test
  void resolve_prefersGivenPathThenEnvironmentThenXdgThenHome() {
    Path given = dir.resolve("given");
    Map<String, String> all =
        Map.of(
            "DEVOPS_WORKER_SIGNERS", "/etc/devops-worker/signers",
            "XDG_CONFIG_HOME", "/xdg",
            "HOME", "/home/op");

    assertEquals(given, AllowedSigners.resolve(given, all));
    assertEquals(Path.of("/etc/devops-worker/signers"), AllowedSigners.resolve(null, all));
    assertEquals(
        Path.of("/xdg/devops-worker/allowed_signers"),
        AllowedSigners.resolve(null, Map.of("XDG_CONFIG_HOME", "/xdg", "HOME", "/home/op")));
    assertEquals(
        Path.of("/home/op/.config/devops-worker/allowed_signers"),
        AllowedSigners.resolve(null, Map.of("HOME", "/home/op")));
    assertEquals(
        Path.of("/home/op/.config/devops-worker/allowed_signers"),
        AllowedSigners.resolve(
            null,
            Map.of(
                "XDG_CONFIG_HOME", "relative", "DEVOPS_WORKER_SIGNERS", "", "HOME", "/home/op")));
  }

  @Test
  void load_missingFile_isEmptyAndTheMessageSaysHowToAddASigner() throws IOException {
    Path file = dir.resolve("config/devops-worker/allowed_signers");

    assertEquals(Optional.empty(), AllowedSigners.load(file));
    assertEquals(
        "no signers configured in "
            + file
            + ": add one with: mkdir -p "
            + file.getParent()
            + " && echo \"alice@example.com namespaces=\\\"devops-worker\\\""
            + " $(cat ~/.ssh/id_ed25519.pub)\" >> "
            + file,
        AllowedSigners.noSigners(file));
    assertEquals(
        "mkdir -p '/my dir' && echo \"alice@example.com namespaces=\\\"devops-worker\\\""
            + " $(cat ~/.ssh/id_ed25519.pub)\" >> '/my dir/it'\\''s'",
        AllowedSigners.howToAdd(Path.of("/my dir/it's")));
  }

  @Test
  void load_ownersOnlyFile_readsItsContent() throws IOException {
    Path file = write("signers", "rw-r--r--");

    AllowedSigners signers = AllowedSigners.load(file).orElseThrow();

    assertEquals(file, signers.path());
    assertArrayEquals("alice@example.com ssh-ed25519 AAAA\n".getBytes(), signers.content());
  }

  @Test
  void load_groupOrOtherWritableFile_isRefused() throws IOException {
    Path file = write("signers", "rw-rw-r--");
    assertEquals(
        file + ": is writable by others than its owner (rw-rw-r--): chmod go-w " + file,
        refused(file));

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--rw-"));
    assertEquals(
        file + ": is writable by others than its owner (rw-r--rw-): chmod go-w " + file,
        refused(file));
  }

  @Test
  void load_symlinkToAnUnsafeFile_isRefusedNamingBoth() throws IOException {
    Path target = write("target", "rw-rw-rw-");
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);

    assertEquals(
        link
            + " -> "
            + target
            + ": is writable by others than its owner (rw-rw-rw-): chmod go-w "
            + target,
        refused(link));
  }

  @Test
  void load_symlinkToASafeFile_isRead() throws IOException {
    Path target = write("target", "rw-------");
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);

    assertEquals(link, AllowedSigners.load(link).orElseThrow().path());
  }

  @Test
  void load_symlinkToNothing_isMissing() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("nowhere"));

    assertEquals(Optional.empty(), AllowedSigners.load(link));
  }

  @Test
  void load_fileInADirectoryOthersCanWrite_isRefused() throws IOException {
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxr-x"));
    Path file = Files.writeString(shared.resolve("signers"), "x\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    assertEquals(
        file
            + ": its directory "
            + shared
            + " is writable by others than its owner (rwxrwxr-x):"
            + " chmod go-w "
            + shared,
        refused(file));
  }

  @Test
  void load_linkInADirectoryOthersCanWrite_isRefusedThoughItsTargetIsSafe() throws IOException {
    Path target = write("target", "rw-------");
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path link = Files.createSymbolicLink(shared.resolve("signers"), target);

    assertEquals(
        link
            + " -> "
            + target
            + ": its directory "
            + shared
            + " is writable by others than its owner (rwxrwxrwx): chmod go-w "
            + shared,
        refused(link));
  }

  @Test
  void load_fileInAStickyDirectory_isRead() throws Exception {
    Path sticky = Files.createDirectory(dir.resolve("sticky"));
    // Java cannot set the sticky bit; /tmp has it, and others cannot replace our file there.
    SshFixture.run(List.of("chmod", "1777", sticky.toString()), PATH);
    Path file = Files.writeString(sticky.resolve("signers"), "x\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    assertTrue(AllowedSigners.load(file).isPresent());
  }

  @Test
  void load_fileOwnedByAnotherUser_isRefused() throws IOException {
    Path file = write("signers", "rw-r--r--");
    UserPrincipal nobody =
        file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    UserPrincipal me = Files.getOwner(file);
    // As root the file can be given away; otherwise the worker is said to run as nobody.
    boolean root = me.getName().equals("root");
    if (root) {
      Files.setOwner(file, nobody);
    }
    UserPrincipal worker = root ? me : nobody;

    FileSystemException e =
        assertThrows(FileSystemException.class, () -> AllowedSigners.load(file, worker));
    assertEquals(
        file
            + ": is owned by "
            + (root ? "nobody" : me.getName())
            + ", not by "
            + worker.getName()
            + " or root: chown "
            + worker.getName()
            + " "
            + file,
        e.getMessage());
  }

  @Test
  void load_directoryOrFifo_isRefused() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    assertEquals(sub + ": not a regular file", refused(sub));

    Path fifo = dir.resolve("fifo");
    SshFixture.run(
        java.util.List.of("mkfifo", fifo.toString()), Map.of("PATH", System.getenv("PATH")));
    assertTrue(Files.exists(fifo));
    assertEquals(fifo + ": not a regular file", refused(fifo));
  }

  private Path write(String name, String permissions) throws IOException {
    Path file = Files.writeString(dir.resolve(name), "alice@example.com ssh-ed25519 AAAA\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    return file;
  }

  private static String refused(Path file) {
    return assertThrows(FileSystemException.class, () -> AllowedSigners.load(file)).getMessage();
  }
}
