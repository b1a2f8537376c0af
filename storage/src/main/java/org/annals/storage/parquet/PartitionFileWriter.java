package org.annals.storage.parquet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.UUID;
import org.annals.storage.event.EventColumn;
import org.annals.storage.event.EventRow;
import org.annals.storage.fs.CrashPoint;
import org.annals.storage.fs.DataFolder;
import org.annals.storage.fs.Durable;
import org.annals.storage.manifest.DataFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;

/**
 * Writes one partition's events (one stream, one UTC day) as a new Parquet file and puts it in
 * place durably: write under a hidden temporary name, fsync the file ourselves (parquet-java's
 * close does not), rename it to a unique final name, fsync the folder. The file is not part of the
 * store until a manifest lists it. Stateless apart from its configuration; thread-safe.
 *
 * <p>Files are ZSTD-compressed (level 1), dictionary-encoded for the columns that repeat (not for
 * seqs, event ids, payloads and metadata), carry min/max statistics (not for event ids, payloads
 * and metadata), and have a bloom filter on entity_id. Rows arrive sorted by entity_id, version, so
 * that one entity's events sit together and row-group statistics on entity_id are narrow.
 */
public final class PartitionFileWriter {
  /**
   * ZSTD level 1 rather than the default 3: on the shop history the flush took about 8% less CPU
   * and the files came out 2.5% smaller (pages are small, so level 3 finds little more).
   */
  public static final int ZSTD_LEVEL = 1;
  /** Row group size in bytes: large enough for good compression, small enough to prune. */
  static final long ROW_GROUP_BYTES = 64L * 1024 * 1024;
  /**
   * Rows per page at most. Rows are sorted by entity_id, so the page index narrows an entity
   * lookup to the pages whose entity_id range holds it; with parquet-java's default of 20,000
   * rows a whole file was one page and a lookup decoded all of it.
   */
  static final int PAGE_ROWS = 1000;
  /**
   * Bytes per page at most, before compression, so that the wide columns (payload, metadata,
   * event_id, 40 to 65 bytes a row in the shop history) get pages of 130 to 200 rows while the
   * narrow ones keep 1,000. A lookup decompresses and skips through whole pages of every column
   * it returns: on 1.07 M events this took its p50 from 1.30 to 1.05 ms (embedded), for files 8%
   * larger and no measurable change in generate's time.
   */
  static final int PAGE_BYTES = 8 * 1024;

  private final DataFolder folder;
  private final Configuration conf;

  public PartitionFileWriter(DataFolder folder, Configuration conf) {
    this.folder = folder;
    this.conf = conf;
  }

  /**
   * Writes rows (already sorted) of one partition and returns the new file's manifest entry.
   *
   * @param rows all of one stream and one day, in file order; not empty. The iterator may return
   *     one view moved from row to row.
   * @param rowCount how many rows there are, to size the bloom filter
   */
  public DataFile write(String streamName, String day, Iterator<? extends EventRow> rows, int rowCount)
      throws IOException {
    if (rowCount <= 0) {
      throw new IllegalArgumentException("a partition file needs at least one row; rowCount is " + rowCount);
    }
    if (!rows.hasNext()) {
      throw new IllegalArgumentException("rowCount is " + rowCount + " but there are no rows to write");
    }
    Path dir = PartitionPath.folder(folder.events(), streamName, day);
    Durable.createDirectories(dir);
    String name = UUID.randomUUID() + ".parquet";
    Path temp = dir.resolve("." + name + ".tmp");
    Path target = dir.resolve(name);
    FileStats stats = new FileStats();
    try (ParquetWriter<EventRow> writer = new Builder(HadoopOutputFile.fromPath(
        new org.apache.hadoop.fs.Path(temp.toUri()), conf), conf, rowCount).build()) {
      EventRow row = null;
      while (rows.hasNext()) {
        row = rows.next();
        writer.write(row);
        stats.add(row);
      }
      // The iterator's last view stays valid once it is exhausted.
      stats.last(row);
      if (stats.rows != rowCount) {
        throw new IllegalStateException("expected " + rowCount + " rows but wrote " + stats.rows);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw new IOException("writing Parquet file " + temp + " failed: " + e.getMessage(), e);
    }
    CrashPoint.FILE_WRITTEN.reached();
    try {
      Durable.forceFile(temp);
      CrashPoint.FILE_FSYNCED.reached();
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      Durable.forceDirectory(dir);
      CrashPoint.FILE_MOVED.reached();
      return stats.describe(folder.relativize(target), streamName, day, Files.size(target));
    } catch (IOException | RuntimeException e) {
      // No manifest lists the file yet, so it holds nothing the store needs: leave nothing behind.
      deleteQuietly(temp, e);
      deleteQuietly(target, e);
      throw e;
    }
  }

  private static void deleteQuietly(Path file, Exception failure) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /** The manifest's statistics of a file, gathered as its rows go by. */
  private static final class FileStats {
    private long rows;
    private long minSeq = Long.MAX_VALUE;
    private long maxSeq = Long.MIN_VALUE;
    private long minGlobal = Long.MAX_VALUE;
    private long maxGlobal = Long.MIN_VALUE;
    private long minAt = Long.MAX_VALUE;
    private long maxAt = Long.MIN_VALUE;
    private byte[] minEntity;
    private byte[] maxEntity;

    void add(EventRow r) {
      rows++;
      long seq = r.getLong(EventColumn.SEQ);
      long global = r.getLong(EventColumn.GLOBAL_SEQ);
      long at = r.getLong(EventColumn.RECORDED_AT);
      minSeq = Math.min(minSeq, seq);
      maxSeq = Math.max(maxSeq, seq);
      minGlobal = Math.min(minGlobal, global);
      maxGlobal = Math.max(maxGlobal, global);
      minAt = Math.min(minAt, at);
      maxAt = Math.max(maxAt, at);
      // Rows are sorted by entity id, nulls first: the first and last non-null ids are the extremes.
      if (minEntity == null && !r.isNull(EventColumn.ENTITY_ID)) {
        minEntity = r.getBytes(EventColumn.ENTITY_ID);
      }
    }

    /** Takes the last row, which holds the largest entity id unless no row has one. */
    void last(EventRow r) {
      maxEntity = r.getBytes(EventColumn.ENTITY_ID);
    }

    DataFile describe(String path, String stream, String day, long bytes) {
      return new DataFile(path, stream, day, rows, bytes, minSeq, maxSeq, minGlobal, maxGlobal,
          minAt, maxAt, text(minEntity), text(maxEntity));
    }
  }

  private static String text(byte[] utf8) {
    return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
  }

  private static final class Builder extends ParquetWriter.Builder<EventRow, Builder> {
    Builder(OutputFile file, Configuration conf, long expectedRows) {
      super(file);
      withConf(conf);
      withWriteMode(ParquetFileWriter.Mode.CREATE);
      withCompressionCodec(CompressionCodecName.ZSTD);
      withCodecFactory(new PageCodecs(conf, ZSTD_LEVEL));
      withRowGroupSize(ROW_GROUP_BYTES);
      withPageRowCountLimit(PAGE_ROWS);
      withPageSize(PAGE_BYTES);
      withDictionaryEncoding(true);
      // Columns whose values (nearly) never repeat: a dictionary only costs a hash per value.
      withDictionaryEncoding(EventColumn.SEQ.columnName(), false);
      withDictionaryEncoding(EventColumn.GLOBAL_SEQ.columnName(), false);
      withDictionaryEncoding(EventColumn.EVENT_ID.columnName(), false);
      withDictionaryEncoding(EventColumn.PAYLOAD.columnName(), false);
      withDictionaryEncoding(EventColumn.METADATA.columnName(), false);
      // Nothing prunes on a JSON document's or a random id's min and max, and comparing them
      // costs per value.
      withStatisticsEnabled(EventColumn.EVENT_ID.columnName(), false);
      withStatisticsEnabled(EventColumn.PAYLOAD.columnName(), false);
      withStatisticsEnabled(EventColumn.METADATA.columnName(), false);
      // Size statistics (value bytes and level histograms per page) serve no reader we have.
      withSizeStatisticsEnabled(false);
      // parquet-java writes no bloom filter for a fully dictionary-encoded column, and the bloom
      // filter is what lets an entity lookup skip row groups.
      withDictionaryEncoding(EventColumn.ENTITY_ID.columnName(), false);
      withBloomFilterEnabled(EventColumn.ENTITY_ID.columnName(), true);
      withBloomFilterNDV(EventColumn.ENTITY_ID.columnName(), Math.max(1, expectedRows));
      withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0);
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<EventRow> getWriteSupport(Configuration conf) {
      return new EventWriteSupport();
    }
  }
}
