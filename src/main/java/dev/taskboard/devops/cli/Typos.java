package dev.taskboard.devops.cli;

import dev.taskboard.devops.task.NearMiss;
import dev.taskboard.devops.task.Printable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What went wrong on a command line, in one phrase: an unknown option or command with the one it
 * was probably meant to be ({@link NearMiss}), else picocli's own message.
 */
final class Typos {
  private Typos() {}

  static String explain(CommandLine.ParameterException e) {
    if (!(e instanceof CommandLine.UnmatchedArgumentException unmatched)
        || unmatched.getUnmatched().isEmpty()) {
      return e.getMessage();
    }
    CommandSpec spec = e.getCommandLine().getCommandSpec();
    String arg = unmatched.getUnmatched().get(0);
    if (arg.startsWith("-") && arg.length() > 1) {
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      return "unknown option '"
          + Printable.of(name)
          + "'"
          + suggestion(NearMiss.typo(name, optionNames(spec)));
    }
    if (!spec.subcommands().isEmpty()) {
      return "unknown command '"
          + Printable.of(arg)
          + "'"
          + suggestion(NearMiss.typo(arg, new ArrayList<>(spec.subcommands().keySet())));
    }
    return "unexpected argument '" + Printable.of(arg) + "'";
  }

  private static String suggestion(Optional<String> meant) {
    return meant.map(m -> "; did you mean " + m + "?").orElse("");
  }

  private static List<String> optionNames(CommandSpec spec) {
    List<String> names = new ArrayList<>();
    for (OptionSpec option : spec.options()) {
      names.addAll(List.of(option.names()));
    }
    return names;
  }
}
