package io.rdstagflow.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README drafts honest: the LastOperation handler shown there is the broker's code, word
 * for word. (The lead's README can point this test at README.md.)
 */
class ReadmeSectionTest {

  private static final Path SECTION = Path.of("README-section.md");
  private static final Path HANDLER =
      Path.of("src/main/java/io/rdstagflow/examples/broker/RdsServiceInstanceService.java");

  @Test
  void theLastOperationHandlerSampleIsTheBrokersCode() throws IOException {
    String section = Files.readString(SECTION);
    Matcher block = Pattern.compile("## \\(b\\) The LastOperation handler.*?```java\\n(.*?)```", Pattern.DOTALL)
        .matcher(section);
    assertThat(block.find()).as("a java block under (b)").isTrue();

    assertThat(Files.readString(HANDLER)).contains(block.group(1));
  }

  @Test
  void theDocumentedCommandsAreTheModulesProfiles() throws IOException {
    String section = Files.readString(SECTION);
    String pom = Files.readString(Path.of("pom.xml"));

    assertThat(section).contains("mvn -B -q -pl examples -am compile -Pdemo\n");
    for (String profile : new String[] {"demo", "broker", "operator"}) {
      assertThat(section).contains("-P" + profile);
      assertThat(pom).contains("<id>" + profile + "</id>");
    }
  }
}
