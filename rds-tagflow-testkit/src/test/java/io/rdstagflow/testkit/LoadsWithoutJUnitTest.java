package io.rdstagflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadsWithoutJUnitTest {

  @Test
  void theFakeAndThePollDriverWorkOnAClasspathWithoutJUnit() throws Exception {
    // Surefire runs tests from a manifest-only jar; it publishes the real test classpath here.
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<URL> urls = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      boolean junit = entry.contains("junit") || entry.contains("opentest4j") || entry.contains("apiguardian")
          || entry.contains("test-classes");
      if (!junit && !entry.isBlank()) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    try (URLClassLoader isolated = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> Class.forName("org.junit.jupiter.api.extension.Extension", false, isolated))
          .isInstanceOf(ClassNotFoundException.class);

      Class<?> fakeRds = Class.forName("io.rdstagflow.testkit.FakeRds", true, isolated);
      Object fake = fakeRds.getMethod("create").invoke(null);
      Class<?> request = Class.forName("software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest", true, isolated);
      Object built = request.getMethod("builder").invoke(null);
      Class<?> builderType = Class.forName("software.amazon.awssdk.utils.builder.SdkBuilder", true, isolated);
      Object describeRequest = builderType.getMethod("build").invoke(built);
      fakeRds.getMethod("describeDBInstances", request).invoke(fake, describeRequest);
      Object calls = fakeRds.getMethod("calls").invoke(fake);
      Object all = Class.forName("io.rdstagflow.testkit.CallLog", true, isolated).getMethod("all").invoke(calls);
      assertThat((List<?>) all).hasSize(1);
      assertThat(Class.forName("io.rdstagflow.testkit.PollDriver", true, isolated)).isNotNull();
    }
  }
}
