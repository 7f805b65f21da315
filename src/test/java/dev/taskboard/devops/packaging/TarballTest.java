package dev.taskboard.devops.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The release tarball (packaging/assembly.xml, made by `mvn package`): the launcher (executable)
 * and the jar in the layout the launcher expects, the licence, the docs and the shipped examples.
 * The descriptor is checked always; the tarball itself once `package` has made it.
 */
class TarballTest {
  private static final List<String> SHIPPED =
      List.of(
          "README.md",
          "LICENSE",
          "deployment.md",
          "tasks.json.example",
          "human-requests.md.template",
          "docs/benchmarks.md",
          "examples/greeter/Greeter.java",
          "examples/lock/with-board-lock.sh",
          "packaging/devops-worker.service",
          "packaging/Dockerfile");

  @Test
  void descriptor_shipsTheLauncherExecutable_theJarInLib_andTheProjectFiles() throws Exception {
    Document assembly =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(Path.of("packaging/assembly.xml").toFile());

    assertEquals("devops-worker-${project.version}", text(assembly, "baseDirectory").get(0));
    assertEquals(List.of("tar.gz"), text(assembly, "format"));
    Map<String, Element> files = new TreeMap<>();
    NodeList list = assembly.getElementsByTagName("file");
    for (int i = 0; i < list.getLength(); i++) {
      Element file = (Element) list.item(i);
      files.put(child(file, "source"), file);
    }
    Element launcher = files.get("bin/devops-worker");
    assertEquals("bin", child(launcher, "outputDirectory"));
    assertEquals("0755", child(launcher, "fileMode"));
    assertEquals(
        "lib", child(files.get("${project.build.directory}/devops-worker.jar"), "outputDirectory"));
    List<String> includes = text(assembly, "include");
    for (String shipped : List.of("README.md", "LICENSE", "deployment.md", "tasks.json.example")) {
      assertTrue(includes.contains(shipped), shipped + " not in " + includes);
    }
    for (String tree : List.of("docs/**", "examples/**", "packaging/**")) {
      assertTrue(includes.contains(tree), tree + " not in " + includes);
    }
  }

  @Test
  void tarball_unpacksToTheLauncherLayout() throws Exception {
    String version = DockerfileTest.projectVersion();
    Path tarball = Path.of("target/devops-worker-" + version + ".tar.gz");
    assumeTrue(
        Files.isRegularFile(tarball), tarball + " is missing (mvn package makes it): not checked");
    String base = "devops-worker-" + version + "/";

    Map<String, String> modes = listing(tarball);

    assertEquals("-rwxr-xr-x", modes.get(base + "bin/devops-worker"), modes.toString());
    assertTrue(modes.containsKey(base + "lib/devops-worker.jar"), modes.keySet().toString());
    for (String shipped : SHIPPED) {
      assertTrue(modes.containsKey(base + shipped), shipped + " missing: " + modes.keySet());
    }
    assertEquals("-rwxr-xr-x", modes.get(base + "examples/lock/with-board-lock.sh"));
  }

  @Test
  void licence_isTheApacheLicence2_inTheFileAndThePom() throws IOException {
    String licence = Files.readString(Path.of("LICENSE"));
    String pom = Files.readString(Path.of("pom.xml"));

    assertTrue(
        licence.contains("Apache License\n                           Version 2.0, January 2004"));
    assertTrue(licence.contains("END OF TERMS AND CONDITIONS"));
    assertTrue(licence.contains("APPENDIX: How to apply the Apache License to your work."));
    assertTrue(pom.contains("<name>Apache-2.0</name>"), "pom.xml names no Apache-2.0 licence");
  }

  /** Entry name to mode string, from `tar tzvf`. */
  private static Map<String, String> listing(Path tarball) throws Exception {
    Process p = new ProcessBuilder("tar", "tzvf", tarball.toString()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    Map<String, String> modes = new TreeMap<>();
    for (String line : out.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      modes.put(fields[fields.length - 1], fields[0]);
    }
    return modes;
  }

  private static List<String> text(Document doc, String tag) {
    List<String> values = new ArrayList<>();
    NodeList list = doc.getElementsByTagName(tag);
    for (int i = 0; i < list.getLength(); i++) {
      values.add(list.item(i).getTextContent().strip());
    }
    return values;
  }

  private static String child(Element parent, String tag) {
    return parent.getElementsByTagName(tag).item(0).getTextContent().strip();
  }
}
