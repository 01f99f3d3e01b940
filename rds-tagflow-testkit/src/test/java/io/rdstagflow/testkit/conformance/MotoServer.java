package io.rdstagflow.testkit.conformance;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A moto_server process on a free loopback port, started and stopped by the conformance test (and
 * by the aws module's tests, through this module's test-jar).
 * Readiness is awaited by blocking reads of the server's own output and then connection attempts
 * bounded by a deadline; nothing sleeps.
 */
public final class MotoServer implements AutoCloseable {

  private final Process process;
  private final int port;
  private final List<String> output = new CopyOnWriteArrayList<>();

  private MotoServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** What to install when moto_server is missing. */
  public static final String MISSING = "moto_server is not on the PATH; install it with: pip install 'moto[server]'";

  /**
   * Starts moto_server if it is installed. Missing, it fails under {@code CI=true} (where the tests
   * that need it must run) and is empty elsewhere, so the caller skips with {@link #MISSING}.
   *
   * @throws IllegalStateException if moto_server is missing and {@code CI=true}
   */
  public static Optional<MotoServer> startUnlessMissing() throws IOException {
    Optional<Path> executable = find();
    if (executable.isEmpty()) {
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(MISSING + " (CI=true: the tests that need it must run)");
      }
      return Optional.empty();
    }
    return Optional.of(start(executable.get()));
  }

  /** The moto_server executable on the PATH, if any. */
  public static Optional<Path> find() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "moto_server");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public static MotoServer start(Path executable) throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Process p = new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
        .redirectErrorStream(true).start();
    MotoServer server = new MotoServer(p, port);
    server.awaitReady();
    return server;
  }

  private void awaitReady() throws IOException {
    CompletableFuture<Void> announced = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          output.add(line);
          if (line.contains("Running on")) {
            announced.complete(null);
          }
        }
      } catch (IOException e) {
        announced.completeExceptionally(e);
      }
      announced.completeExceptionally(new IOException("moto_server exited: " + output));
    }, "moto_server-output");
    reader.setDaemon(true);
    reader.start();
    try {
      announced.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      close();
      throw new IOException("moto_server did not start on port " + port + ": " + output, e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    IOException last = null;
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
        return;
      } catch (IOException e) {
        last = e;
      }
    }
    close();
    throw new IOException("moto_server announced itself but port " + port + " does not answer", last);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Empties moto's state, so each scenario starts from nothing. */
  public void reset() throws IOException {
    HttpURLConnection c = (HttpURLConnection) endpoint().resolve("/moto-api/reset").toURL().openConnection();
    c.setRequestMethod("POST");
    c.setConnectTimeout(5000);
    c.setReadTimeout(30000);
    int status = c.getResponseCode();
    c.disconnect();
    if (status != 200) {
      throw new IOException("moto reset answered " + status);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
