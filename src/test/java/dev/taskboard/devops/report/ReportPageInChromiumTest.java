package dev.taskboard.devops.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML page as a person sees it: rendered by headless Chromium, screenshot and DOM. */
class ReportPageInChromiumTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final long TIMEOUT_SECONDS = 60;

  @TempDir Path dir;

  @Test
  void page_rendersTheFiguresAndOneVisibleMarkPerDeployment() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM),
        CHROMIUM + " is not installed; skipping the page test (apt-get install chromium)");
    DeploymentReport report =
        Fixture.knownAnswers(dir)
            .deployedSaying("S5", "2026-11-10T06:00:00Z", "<script>document.title='x'</script>")
            .write()
            .report(Optional.of(Instant.parse("2026-11-01T00:00:00Z")));
    Path page = dir.resolve("report.html");
    ReportFile.write(page, ReportFormat.HTML.render(report));

    Path png = dir.resolve("report.png");
    chromium("screenshot", "--screenshot=" + png, "--window-size=1200,900", page);
    String dom = chromium("dom", "--dump-dom", page);

    assertTrue(Files.size(png) > 10_000, "screenshot of " + Files.size(png) + " bytes");
    BufferedImage shot = ImageIO.read(png.toFile());
    assertEquals(1200, shot.getWidth());
    assertTrue(colours(shot) > 50, colours(shot) + " colours: a blank or one-colour page?");
    // Each outcome's colour is on screen: the marks (and pills) were painted, not just written.
    assertTrue(pixels(shot, SvgChart.SUCCESS) > 100, "green success marks");
    assertTrue(pixels(shot, SvgChart.FAILED) > 50, "red failed marks");
    assertTrue(pixels(shot, SvgChart.ROLLED_BACK) > 50, "amber rolled-back marks");

    assertEquals(12, report.counted().size());
    assertEquals(12, ReportFormatTest.count(dom, "<g class=\"mark "), "one mark per deployment");
    assertEquals(8, ReportFormatTest.count(dom, "<g class=\"mark success\""));
    assertEquals(1, ReportFormatTest.count(dom, "<g class=\"mark failed\""));
    assertEquals(3, ReportFormatTest.count(dom, "<g class=\"mark rolled_back\""));
    assertFalse(dom.contains("<script"), "the agent's script stayed text");
    assertTrue(dom.contains("&lt;script&gt;document.title='x'&lt;/script&gt;"));
    assertTrue(dom.contains("<title>Deployment report · 2026-11-01 00:00 – 2026-11-11 00:00"));
  }

  /** Runs headless Chromium on {@code page} with a fresh profile; returns what it printed. */
  private String chromium(String name, String mode, Path page) throws Exception {
    return chromium(name, mode, null, page);
  }

  private String chromium(String name, String mode, String size, Path page) throws Exception {
    Path profile = Files.createDirectory(dir.resolve("profile-" + name));
    List<String> command =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                mode));
    if (size != null) {
      command.add(size);
    }
    command.add(page.toUri().toString());
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(
          "chromium did not finish in " + TIMEOUT_SECONDS + " s: " + tail(err));
    }
    assertEquals(0, p.exitValue(), "chromium failed: " + tail(err));
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private static String tail(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return text.substring(Math.max(0, text.length() - 2000));
  }

  private static int colours(BufferedImage image) {
    Set<Integer> seen = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        seen.add(image.getRGB(x, y) & 0xFFFFFF);
      }
    }
    return seen.size();
  }

  private static int pixels(BufferedImage image, String hex) {
    int rgb = Integer.parseInt(hex.substring(1), 16);
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
          n++;
        }
      }
    }
    return n;
  }
}
