package org.annals.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The payload of the event that records an erasure: the stream, how many events and files, who
 * asked, and the SHA-256 of the entity id, which lets an auditor confirm that a given request was
 * carried out without the record naming the person it was about. Stateless.
 */
final class ErasureRecord {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ErasureRecord() {}

  static String json(Erasure done, String entityId, String requestedBy) {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("stream", done.streamName());
    record.put("entity_id_sha256", sha256(entityId));
    record.put("events", done.events());
    record.put("files_rewritten", done.filesRewritten());
    record.put("requested_by", requestedBy);
    try {
      return JSON.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings and numbers is always JSON", e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
