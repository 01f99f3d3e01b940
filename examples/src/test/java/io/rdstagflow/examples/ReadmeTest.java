package io.rdstagflow.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps README.md true: every Java sample in it stands, word for word, in a source file the build
 * compiles (and, for the samples taken from tests, runs); the Quick start holds exactly the two
 * commands, the second being the one {@code .ci/run} runs; every {@code -P} profile it names exists.
 */
class ReadmeTest {

  private static final Path ROOT = Path.of("..");
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

  private static String readme() throws IOException {
    return Files.readString(ROOT.resolve("README.md"));
  }

  /** Lines without their indentation, so a sample can be shown less indented than in its file. */
  private static String flattened(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
  }

  @Test
  void everyJavaSampleIsCompiledCode() throws IOException {
    List<String> sources = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path p : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/")
          && !p.toString().contains("/target/")).toList()) {
        sources.add(flattened(Files.readString(p)));
      }
    }
    Matcher block = JAVA_BLOCK.matcher(readme());
    int samples = 0;
    while (block.find()) {
      String sample = flattened(block.group(1));
      samples++;
      assertThat(sources).as("README sample %d is not in any source file:%n%s", samples, sample)
          .anyMatch(source -> source.contains(sample));
    }
    assertThat(samples).isGreaterThanOrEqualTo(5);
  }

  @Test
  void quickStartHoldsTheDemoAndTheCiTestCommand() throws IOException {
    Matcher quickStart = Pattern.compile("## Quick start\\n\\n```sh\\n(.*?)```", Pattern.DOTALL).matcher(readme());
    assertThat(quickStart.find()).isTrue();
    List<String> commands = quickStart.group(1).lines().toList();

    assertThat(commands).containsExactly("mvn -B -q -pl examples -am compile -Pdemo", "mvn -B verify");
    String ci = Files.readString(ROOT.resolve(".ci/run"));
    assertThat(ci).contains("\n" + commands.get(1) + "\n").contains("\n" + commands.get(0) + " ");
  }

  @Test
  void everyProfileTheReadmeNamesExists() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    Matcher profile = Pattern.compile("-am compile -P([a-z]+)").matcher(readme());
    int named = 0;
    while (profile.find()) {
      named++;
      assertThat(pom).contains("<id>" + profile.group(1) + "</id>");
    }
    assertThat(named).isGreaterThanOrEqualTo(3);
  }
}
