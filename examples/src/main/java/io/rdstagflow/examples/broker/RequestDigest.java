package io.rdstagflow.examples.broker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A short digest of a request's attributes (its JSON with keys sorted, SHA-256, the first 32 hex
 * digits), so a repeated request can be told from a different one without keeping the request:
 * the digest fits an RDS tag value and a PostgreSQL role comment, and reveals nothing it digests.
 */
public final class RequestDigest {

  private static final ObjectMapper CANONICAL = JsonMapper.builder()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true).build();

  private RequestDigest() {}

  /** The digest of these attributes; {@code null} and empty maps digest alike. */
  public static String of(Map<String, ?> attributes) {
    try {
      byte[] json = CANONICAL.writeValueAsBytes(attributes == null ? Map.of() : new TreeMap<>(attributes));
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(json);
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot digest the request's attributes", e);
    }
  }
}
