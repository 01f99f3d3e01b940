package io.rdstagflow.examples.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** A platform's side of OSB over real HTTP (java.net.http), for the broker's tests. Loopback only. */
final class BrokerClient {

  static final String API_VERSION = "2.16";

  /** A response: status, Retry-After header and the parsed JSON body. */
  record Answer(int status, String retryAfter, JsonNode body, String raw) {
    String field(String name) {
      return body.path(name).asText(null);
    }
  }

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final String base;

  BrokerClient(int port) {
    this.base = "http://127.0.0.1:" + port;
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
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("X-Broker-API-Version", API_VERSION)
        .header("Content-Type", "application/json");
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
      JsonNode body = raw == null || raw.isBlank() ? json.createObjectNode() : json.readTree(raw);
      return new Answer(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null), body, raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
