package org.annals.storage.scan;

import java.util.Arrays;
import org.annals.storage.event.EventColumn;

/**
 * Which rows of a row group decoded to arrays ({@link ColumnChunkDecoder}) a scan's predicates
 * keep. An event type or prefix condition is decided once per dictionary id, not once per row.
 * Stateless.
 */
final class ChunkSelection {
  private ChunkSelection() {}

  /**
   * The kept rows, in order, or null for all of them. Only what the file's statistics did not
   * already settle is left in the spec ({@link ScanSpec#narrowedTo}).
   *
   * @param chunks decoded chunks by column ordinal: at least every column the predicates read
   */
  static int[] select(ScanSpec spec, ScanSpec.Encoded encoded, ColumnChunkDecoder.Chunk[] chunks, int rows) {
    if (spec.predicateColumns().isEmpty()) {
      return null;
    }
    boolean[] typeOk = null;
    int[] typeIds = null;
    if (spec.eventTypes() != null) {
      ColumnChunkDecoder.Chunk types = chunks[EventColumn.EVENT_TYPE.ordinal()];
      typeIds = types.ids();
      typeOk = new boolean[types.dictionary().getMaxId() + 1];
      for (int id = 0; id < typeOk.length; id++) {
        typeOk[id] = encoded.isEventType(types.dictionary().decodeToBinary(id).getBytes());
      }
    }
    // A prefix condition, like an event type one, is decided per dictionary id; null rows fail it.
    int prefixCount = encoded.prefixColumns().length;
    boolean[][] prefixOk = new boolean[prefixCount][];
    ColumnChunkDecoder.Chunk[] prefixed = new ColumnChunkDecoder.Chunk[prefixCount];
    for (int p = 0; p < prefixCount; p++) {
      prefixed[p] = chunks[encoded.prefixColumns()[p].ordinal()];
      byte[] prefix = encoded.prefixes()[p];
      prefixOk[p] = new boolean[prefixed[p].dictionary().getMaxId() + 1];
      for (int id = 0; id < prefixOk[p].length; id++) {
        byte[] value = prefixed[p].dictionary().decodeToBinary(id).getBytes();
        prefixOk[p][id] = value.length >= prefix.length
            && Arrays.equals(value, 0, prefix.length, prefix, 0, prefix.length);
      }
    }
    boolean checkNulls = !spec.nullColumns().isEmpty() || !spec.notNullColumns().isEmpty();
    long[] recorded = longsOf(chunks, EventColumn.RECORDED_AT);
    long[] seq = longsOf(chunks, EventColumn.SEQ);
    long[] global = longsOf(chunks, EventColumn.GLOBAL_SEQ);
    long[] globalSeqs = spec.globalSeqs();
    int[] out = new int[rows];
    int n = 0;
    for (int r = 0; r < rows; r++) {
      if (typeOk != null && !typeOk[typeIds[r]]) {
        continue;
      }
      if (recorded != null && (recorded[r] < spec.recordedFrom() || recorded[r] >= spec.recordedTo())) {
        continue;
      }
      if (seq != null && (seq[r] < spec.seqMin() || seq[r] > spec.seqMax())) {
        continue;
      }
      if (global != null && (global[r] < spec.globalSeqMin() || global[r] > spec.globalSeqMax()
          || globalSeqs != null && Arrays.binarySearch(globalSeqs, global[r]) < 0)) {
        continue;
      }
      if (checkNulls && !nullsMatch(spec, chunks, r)) {
        continue;
      }
      if (prefixCount > 0 && !prefixesMatch(prefixed, prefixOk, r)) {
        continue;
      }
      out[n++] = r;
    }
    return Arrays.copyOf(out, n);
  }

  private static long[] longsOf(ColumnChunkDecoder.Chunk[] chunks, EventColumn c) {
    return chunks[c.ordinal()] == null ? null : chunks[c.ordinal()].longs();
  }

  private static boolean prefixesMatch(ColumnChunkDecoder.Chunk[] prefixed, boolean[][] prefixOk, int r) {
    for (int p = 0; p < prefixed.length; p++) {
      boolean[] nulls = prefixed[p].nulls();
      if (nulls != null && nulls[r] || !prefixOk[p][prefixed[p].ids()[r]]) {
        return false;
      }
    }
    return true;
  }

  private static boolean nullsMatch(ScanSpec spec, ColumnChunkDecoder.Chunk[] chunks, int r) {
    for (EventColumn c : spec.nullColumns()) {
      boolean[] nulls = chunks[c.ordinal()].nulls();
      if (nulls == null || !nulls[r]) {
        return false;
      }
    }
    for (EventColumn c : spec.notNullColumns()) {
      boolean[] nulls = chunks[c.ordinal()].nulls();
      if (nulls != null && nulls[r]) {
        return false;
      }
    }
    return true;
  }
}
