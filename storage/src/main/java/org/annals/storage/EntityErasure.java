package org.annals.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.annals.storage.event.EventColumn;
import org.annals.storage.fs.DataFolder;
import org.annals.storage.manifest.DataFile;
import org.annals.storage.scan.EventScanner;
import org.annals.storage.scan.ScanSpec;
import org.annals.storage.scan.Snapshot;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one entity's flushed events out of a stream: every file that holds one is written again
 * without them (or dropped, if it held nothing else), and the new files replace the old in one
 * manifest commit, which also makes the manifest that listed the old files (and the entity's id
 * in their statistics) leave the disk, and the old files with it once no query reads them
 * ({@link ManifestCommits}). Then the entity and its event ids are forgotten (its next event is
 * version 0, a retry of its old batches is new). The caller flushes first, so that the log holds none of the events, and
 * holds the maintenance lock. A crash before the commit leaves unlisted files, deleted on the next
 * open; run again, an erasure finds what is left and takes it out. Stateless apart from its parts.
 */
final class EntityErasure {
  private static final Logger LOG = LoggerFactory.getLogger(EntityErasure.class);

  private final DataFolder folder;
  private final CommittedState state;
  private final ManifestCommits commits;
  private final Sequencer sequencer;
  private final MergedFileWriter writer;

  EntityErasure(DataFolder folder, CommittedState state, ManifestCommits commits, Sequencer sequencer,
      MergedFileWriter writer) {
    this.folder = folder;
    this.state = state;
    this.commits = commits;
    this.sequencer = sequencer;
    this.writer = writer;
  }

  /** One file's events of the entity: how many, their ids and the last version. */
  private static final class Found {
    final DataFile file;
    final List<UUID> ids = new ArrayList<>();
    long lastVersion = -1;

    Found(DataFile file) {
      this.file = file;
    }
  }

  Erasure erase(String stream, String entityId) throws IOException {
    ScanSpec lookup = ScanSpec.builder().stream(stream).entityId(entityId)
        .columns(EventColumn.EVENT_ID, EventColumn.VERSION).build();
    List<Found> holding = new ArrayList<>();
    for (DataFile f : state.manifest().files()) {
      if (lookup.mayMatch(f)) {
        Found found = find(f, lookup);
        if (!found.ids.isEmpty()) {
          holding.add(found);
        }
      }
    }
    if (holding.isEmpty()) {
      return new Erasure(stream, 0, 0, state.retiredFiles());
    }
    byte[] entity = entityId.getBytes(StandardCharsets.UTF_8);
    List<DataFile> replaced = new ArrayList<>();
    List<DataFile> written = new ArrayList<>();
    try {
      for (Found h : holding) {
        replaced.add(h.file);
        long rows = h.file.rows() - h.ids.size();
        if (rows > 0) {
          written.add(writer.write(List.of(h.file), rows, entity, () -> false));
        }
      }
    } catch (IOException | RuntimeException e) {
      // A rewrite failed: nothing was committed, and the files written so far hold nothing the
      // store needs.
      deleteAll(written);
      throw e;
    }
    try {
      commits.commit(m -> m.replacing(replaced, written), replaced);
    } catch (ManifestCommits.Refused e) {
      // Not committed. (A commit failing with an IOException has an unknown outcome: the next
      // open keeps the files only if it committed.)
      deleteAll(written);
      throw e;
    }
    long lastVersion = -1;
    List<UUID> ids = new ArrayList<>();
    for (Found h : holding) {
      lastVersion = Math.max(lastVersion, h.lastVersion);
      ids.addAll(h.ids);
    }
    sequencer.forgetGone(stream, Map.of(ByteBuffer.wrap(entity), lastVersion));
    sequencer.forgetIds(ids);
    LOG.info("erased {} events of one entity from stream '{}' in {} files", ids.size(), stream, holding.size());
    return new Erasure(stream, ids.size(), holding.size(), state.retiredFiles());
  }

  private void deleteAll(List<DataFile> written) throws IOException {
    for (DataFile f : written) {
      Files.deleteIfExists(folder.resolve(f.path()));
    }
  }

  private Found find(DataFile f, ScanSpec lookup) throws IOException {
    Found found = new Found(f);
    try (Snapshot one = state.filesOnly(List.of(f)); EventScanner scan = one.scan(lookup)) {
      while (scan.next()) {
        VectorSchemaRoot b = scan.batch();
        VarCharVector id = (VarCharVector) b.getVector(0);
        BigIntVector version = (BigIntVector) b.getVector(1);
        for (int i = 0; i < b.getRowCount(); i++) {
          found.ids.add(UUID.fromString(new String(id.get(i), StandardCharsets.US_ASCII)));
          found.lastVersion = Math.max(found.lastVersion, version.get(i));
        }
      }
    }
    return found;
  }
}
