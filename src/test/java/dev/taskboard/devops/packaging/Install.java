package dev.taskboard.devops.packaging;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The tarball's layout, made in a temp dir from this build: bin/devops-worker and
 * lib/devops-worker.jar. The tests run before `package` makes the shaded jar, so the jar here holds
 * target/classes and names the dependency jars of the test class path in its Class-Path (copied to
 * lib/deps, since class-data sharing takes classes from jar files only).
 */
final class Install {
  static final String MAIN = "dev.taskboard.devops.cli.Main";

  final Path root;
  final Path launcher;
  final Path jar;

  private Install(Path root) {
    this.root = root;
    this.launcher = root.resolve("bin/devops-worker");
    this.jar = root.resolve("lib/devops-worker.jar");
  }

  static Install at(Path root) throws IOException {
    Install install = new Install(root);
    Files.createDirectories(install.launcher.getParent());
    Files.copy(
        Path.of("bin/devops-worker").toAbsolutePath(),
        install.launcher,
        StandardCopyOption.COPY_ATTRIBUTES);
    Path deps = Files.createDirectories(root.resolve("lib/deps"));
    List<String> classPath = new ArrayList<>();
    for (Path entry : testClassPath()) {
      if (Files.isRegularFile(entry) && entry.toString().endsWith(".jar")) {
        Files.copy(entry, deps.resolve(entry.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        classPath.add("deps/" + entry.getFileName());
      }
    }
    writeJar(install.jar, Path.of("target/classes").toAbsolutePath(), classPath);
    return install;
  }

  /** A java that logs each command line to {@code log}, then runs this JVM's java with it. */
  static Path loggingJava(Path home, Path log) throws IOException {
    Path java = home.resolve("bin/java");
    Files.createDirectories(java.getParent());
    Path real = Path.of(System.getProperty("java.home"), "bin", "java");
    Files.writeString(
        java, "#!/bin/sh\nprintf '%s\\n' \"$*\" >>'" + log + "'\nexec '" + real + "' \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  /**
   * The JVM flags the launcher gives the daemon ({@code run}), read by running it with a java that
   * prints its arguments; the logging flags every command gets are left out.
   */
  static List<String> daemonFlags(Path scratch) throws IOException, InterruptedException {
    Path home = scratch.resolve("printing-jdk");
    Path java = home.resolve("bin/java");
    Files.createDirectories(java.getParent());
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path jar = Files.createFile(scratch.resolve("empty.jar"));
    ProcessBuilder pb =
        new ProcessBuilder(Path.of("bin/devops-worker").toAbsolutePath().toString(), "run");
    Stream.of("JAVA_OPTS", "JAVA_TOOL_OPTIONS").forEach(pb.environment()::remove);
    pb.environment().put("JAVA_HOME", home.toString());
    pb.environment().put("DEVOPS_WORKER_JAR", jar.toString());
    Process p = pb.redirectErrorStream(true).start();
    List<String> args =
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    if (p.waitFor() != 0 || !args.contains("-jar")) {
      throw new IllegalStateException("launcher printed " + args);
    }
    return args.subList(0, args.indexOf("-jar")).stream()
        .filter(a -> !a.startsWith("-Xlog:"))
        .toList();
  }

  /**
   * Runs the launcher with {@code env} on top of a cleaned environment; stdout and stderr apart.
   */
  Run run(Path workDir, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder();
    pb.command().add(launcher.toString());
    pb.command().addAll(List.of(args));
    pb.directory(workDir.toFile());
    Map<String, String> environment = pb.environment();
    Stream.of("JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "DEVOPS_WORKER_JAR")
        .forEach(environment::remove);
    Stream.of("DEVOPS_WORKER_CDS", "DEVOPS_WORKER_BOARD").forEach(environment::remove);
    environment.put("JAVA_HOME", System.getProperty("java.home"));
    environment.putAll(env);
    Path err = Files.createTempFile(workDir, "stderr", ".txt");
    Process p = pb.redirectError(err.toFile()).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    String errText = Files.readString(err);
    Files.delete(err);
    return new Run(code, out, errText);
  }

  /** One launcher run's exit code, stdout and stderr. */
  record Run(int code, String out, String err) {}

  private static List<Path> testClassPath() {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return Stream.of(cp.split(File.pathSeparator)).map(Path::of).toList();
  }

  private static void writeJar(Path jar, Path classes, List<String> classPath) throws IOException {
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.put(Attributes.Name.MAIN_CLASS, MAIN);
    main.put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
  }
}
