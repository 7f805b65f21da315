package dev.taskboard.devops.board;

import dev.taskboard.devops.cli.Main;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One patching process of {@link MultiProcessPatchTest}: {@code PatchLoop BOARD PROC CALLS ID...}
 * runs {@code CALLS} × {@code board patch} through {@link Main#run}, call {@code n} on entry {@code
 * IDS[n % IDS.length]}, setting {@code counter_PROC=n} and {@code pPROC_calln=n}.
 *
 * <p>It prints {@code ready} once its classes are loaded and waits for a line on stdin, so that
 * every process starts patching at the same moment. Exits with the first non-zero exit code.
 */
final class PatchLoop {
  private PatchLoop() {}

  public static void main(String[] args) throws Exception {
    String board = args[0];
    int proc = Integer.parseInt(args[1]);
    int calls = Integer.parseInt(args[2]);
    String[] ids = Arrays.copyOfRange(args, 3, args.length);

    PrintStream control = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    int warm = Main.run("board", "get", ids[0], "--board", board);
    if (warm != 0) {
      System.err.println("PatchLoop " + proc + ": warm-up read exited " + warm);
      System.exit(warm);
    }
    control.println("ready");
    control.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();

    for (int n = 0; n < calls; n++) {
      String id = ids[n % ids.length];
      int code =
          Main.run(
              "board",
              "patch",
              id,
              "--board",
              board,
              "--set",
              "counter_" + proc + "=" + n,
              "--set",
              callField(proc, n) + "=" + n);
      if (code != 0) {
        System.err.println("PatchLoop " + proc + ": call " + n + " on " + id + " exited " + code);
        System.exit(code);
      }
    }
    System.exit(0);
  }

  static String callField(int proc, int n) {
    return "p" + proc + "_call" + n;
  }
}
