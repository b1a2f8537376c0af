package org.annals.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The payload of the event that records an erasure: the stream, how many events and files, who
 * asked, and the caller's reference for the request (a ticket number, say), which is how an
 * auditor ties the record to a request. Nothing derived from the entity id: a hash of an id like
 * {@code customer-0042} is found again by hashing the likely ids, so it would name the person.
 * Stateless.
 */
final class ErasureRecord {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ErasureRecord() {}

  static String json(Erasure done, String requestedBy, String reference) {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("stream", done.streamName());
    record.put("events", done.events());
    record.put("files_rewritten", done.filesRewritten());
    record.put("requested_by", requestedBy);
    record.put("reference", reference);
    try {
      return JSON.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings and numbers is always JSON", e);
    }
  }
}
