package org.annals.storage;

import java.util.UUID;
import org.annals.storage.event.EventPosition;
import org.annals.storage.event.StoredEvent;

/**
 * One acknowledged event as a crash test's child JVM reports it on stdout, one line per event:
 * {@code ack <event_id> <stream> <seq> <global_seq> <entity_id or -> <version or ->}. The parent
 * holds the store to these lines after the child has crashed or been killed.
 */
record AckLine(UUID eventId, String stream, long seq, long globalSeq, String entityId, Long version) {
  private static final String PREFIX = "ack";
  private static final String NONE = "-";

  static AckLine of(EventPosition p, String entityId) {
    return new AckLine(p.eventId(), p.streamName(), p.seq(), p.globalSeq(), entityId, p.version());
  }

  static AckLine of(StoredEvent e) {
    return new AckLine(e.eventId(), e.streamName(), e.seq(), e.globalSeq(), e.entityId(), e.version());
  }

  static boolean isAckLine(String line) {
    return line.startsWith(PREFIX + " ");
  }

  static AckLine parse(String line) {
    String[] f = line.split(" ");
    if (f.length != 7 || !f[0].equals(PREFIX)) {
      throw new IllegalArgumentException("not an ack line: '" + line + "'");
    }
    return new AckLine(UUID.fromString(f[1]), f[2], Long.parseLong(f[3]), Long.parseLong(f[4]),
        f[5].equals(NONE) ? null : f[5], f[6].equals(NONE) ? null : Long.valueOf(f[6]));
  }

  String format() {
    return String.join(" ", PREFIX, eventId.toString(), stream, Long.toString(seq),
        Long.toString(globalSeq), entityId == null ? NONE : entityId,
        version == null ? NONE : version.toString());
  }
}
