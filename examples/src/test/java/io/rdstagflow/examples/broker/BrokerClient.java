package io.rdstagflow.examples.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * A platform's side of OSB over real HTTP (java.net.http), for the broker's tests, authenticating
 * with HTTP basic as a platform does. Loopback only.
 */
final class BrokerClient {

  static final String API_VERSION = "2.16";
  /** The credentials the tests configure the broker with (broker.username, broker.password). */
  static final String USERNAME = "platform";
  static final String PASSWORD = "test-only-broker-password";

  /** A response: status, Retry-After and WWW-Authenticate headers and the parsed JSON body. */
  record Answer(int status, String retryAfter, String wwwAuthenticate, JsonNode body, String raw) {
    String field(String name) {
      return body.path(name).asText(null);
    }
  }

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final String base;
  private final String authorization; // null: none sent

  BrokerClient(int port) {
    this("http://127.0.0.1:" + port, basic(USERNAME, PASSWORD));
  }

  private BrokerClient(String base, String authorization) {
    this.base = base;
    this.authorization = authorization;
  }

  /** This client with other credentials. */
  BrokerClient as(String username, String password) {
    return new BrokerClient(base, basic(username, password));
  }

  /** This client sending no credentials. */
  BrokerClient anonymous() {
    return new BrokerClient(base, null);
  }

  private static String basic(String username, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  Answer get(String path) {
    return send(request(path).GET());
  }

  Answer put(String path, Map<String, ?> body) {
    return send(request(path).PUT(HttpRequest.BodyPublishers.ofString(write(body))));
  }

  Answer patch(String path, Map<String, ?> body) {
    return send(request(path).method("PATCH", HttpRequest.BodyPublishers.ofString(write(body))));
  }

  Answer delete(String path) {
    return send(request(path).DELETE());
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .header("X-Broker-API-Version", API_VERSION)
        .header("Content-Type", "application/json");
    return authorization == null ? request : request.header("Authorization", authorization);
  }

  private String write(Map<String, ?> body) {
    try {
      return json.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String raw = response.body();
      JsonNode body = raw == null || raw.isBlank() || !raw.strip().startsWith("{") ? json.createObjectNode()
          : json.readTree(raw);
      return new Answer(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null),
          response.headers().firstValue("WWW-Authenticate").orElse(null), body, raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
