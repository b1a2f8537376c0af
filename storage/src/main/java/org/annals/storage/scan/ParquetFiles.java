package org.annals.storage.scan;

import java.io.IOException;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.nio.file.NoSuchFileException;
import org.annals.storage.parquet.DamagedPageException;
import org.apache.parquet.ParquetRuntimeException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.annals.storage.event.EventColumn;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * How scans reach a store's committed Parquet files: through one Hadoop file system (local by
 * default) opened once, with each file's length taken from the manifest rather than asked of the
 * file system, and with footers and entity_id bloom filters kept in memory. A committed file
 * never changes (files are replaced through the manifest, never edited), so what was read once
 * stays true for as long as its path is listed. Without this an entity lookup re-read the footer
 * and bloom filter of every file of its stream on every call, and made a file system per file.
 * The cache is bounded by a count of files, least recently used first out. Thread-safe.
 */
public final class ParquetFiles implements AutoCloseable {
  /** Files whose footers stay: far more than a store keeps while compaction bounds its files. */
  public static final int DEFAULT_FILES = 8192;
  /**
   * Open streams kept between reads: enough for the files a few concurrent entity lookups touch
   * (an entity's events span a few day files per stream), far below a process's descriptor limit.
   */
  static final int IDLE_STREAMS = 256;

  private final Configuration conf;
  private final FileSystem fs;
  private final int maxFiles;
  private final Map<String, Entry> entries;
  private final StreamPool streams = new StreamPool(IDLE_STREAMS);
  /** Files found damaged since the store opened, relative path to what was wrong. */
  private final Map<String, String> damaged = new ConcurrentSkipListMap<>();

  public ParquetFiles(Configuration conf, int maxFiles) throws IOException {
    if (maxFiles < 1) {
      throw new IllegalArgumentException("a footer cache needs room for at least one file, not " + maxFiles);
    }
    this.conf = conf;
    this.fs = FileSystem.get(URI.create("file:///"), conf);
    this.maxFiles = maxFiles;
    this.entries = new LinkedHashMap<>(16, 0.75f, true);
  }

  Configuration conf() {
    return conf;
  }

  /**
   * A committed file whose length the manifest gives, opened only when read. Its streams go back
   * to the {@link StreamPool} when closed, for the next reader of the file.
   */
  InputFile input(java.nio.file.Path path, long length) {
    String key = path.toString();
    return new InputFile() {
      @Override
      public long getLength() {
        return length;
      }

      @Override
      public SeekableInputStream newStream() throws IOException {
        FSDataInputStream in = streams.take(key);
        if (in == null) {
          in = fs.open(new Path(path.toUri()));
        }
        return new PooledStream(key, in);
      }

      @Override
      public String toString() {
        return path.toString();
      }
    };
  }

  /**
   * What is cached of one file. Bloom filters and page indexes are read on first use; a column
   * chunk is known by where it starts in the file.
   */
  static final class Entry {
    final ParquetMetadata footer;
    private final BloomFilter[] blooms;
    private final boolean[] bloomRead;
    private final Map<Long, Optional<OffsetIndex>> offsetIndexes = new ConcurrentHashMap<>();
    private final Map<Long, Optional<ColumnIndex>> columnIndexes = new ConcurrentHashMap<>();

    Entry(ParquetMetadata footer) {
      this.footer = footer;
      int groups = footer.getBlocks().size();
      this.blooms = new BloomFilter[groups];
      this.bloomRead = new boolean[groups];
    }

    /**
     * The entity_id bloom filter of a row group (the only column that has one), or null if it has
     * none. The reader is opened only the first time a row group's filter is asked for.
     */
    synchronized BloomFilter bloom(int rowGroup, ReaderSupplier reader) throws IOException {
      if (!bloomRead[rowGroup]) {
        BlockMetaData block = footer.getBlocks().get(rowGroup);
        for (ColumnChunkMetaData c : block.getColumns()) {
          if (c.getPath().toDotString().equals(EventColumn.ENTITY_ID.columnName())) {
            blooms[rowGroup] = reader.get().getBloomFilterDataReader(block).readBloomFilter(c);
          }
        }
        bloomRead[rowGroup] = true;
      }
      return blooms[rowGroup];
    }

    /** A column chunk's offset index (null if it has none), read once. */
    OffsetIndex offsetIndex(ColumnChunkMetaData column, IndexRead<OffsetIndex> read) throws IOException {
      return cached(offsetIndexes, column, read);
    }

    /** A column chunk's column index (null if it has none), read once. */
    ColumnIndex columnIndex(ColumnChunkMetaData column, IndexRead<ColumnIndex> read) throws IOException {
      return cached(columnIndexes, column, read);
    }

    private static <T> T cached(Map<Long, Optional<T>> cache, ColumnChunkMetaData column, IndexRead<T> read)
        throws IOException {
      Optional<T> known = cache.get(column.getStartingPos());
      if (known == null) {
        known = Optional.ofNullable(read.read(column));
        cache.put(column.getStartingPos(), known);
      }
      return known.orElse(null);
    }
  }

  /** Reads one of a file's column chunk indexes. */
  @FunctionalInterface
  interface IndexRead<T> {
    T read(ColumnChunkMetaData column) throws IOException;
  }

  /** Opens (or returns the open) reader of a file. */
  @FunctionalInterface
  interface ReaderSupplier {
    ParquetFileReader get() throws IOException;
  }

  /**
   * The file's cached entry, reading its footer if it is not cached yet; {@code options} are
   * built only then, as a cached footer needs none.
   */
  Entry entry(String key, InputFile file, Supplier<ParquetReadOptions> options) throws IOException {
    Entry e;
    synchronized (this) {
      e = entries.get(key);
    }
    if (e != null) {
      return e;
    }
    ParquetMetadata footer;
    try (var in = file.newStream()) {
      footer = ParquetFileReader.readFooter(file, options.get(), in);
    }
    Entry read = new Entry(footer);
    synchronized (this) {
      Entry raced = entries.putIfAbsent(key, read);
      if (entries.size() > maxFiles) {
        var eldest = entries.keySet().iterator();
        eldest.next();
        eldest.remove();
      }
      return raced == null ? read : raced;
    }
  }

  /**
   * Forgets a file about to be deleted: its footer, indexes and kept streams. Call only once no
   * scan can read it.
   */
  public void forget(java.nio.file.Path path) throws IOException {
    String key = path.toString();
    synchronized (this) {
      entries.remove(key);
    }
    streams.discard(key);
  }

  /**
   * Turns a failure to read a committed file into the error a client sees: one that names the
   * file relative to the data folder, with the absolute folder taken out of the reason. Only a
   * failure that shows the file's bytes are wrong (a page checksum, a page, header or footer that
   * does not decode, a file cut short or missing) marks the file damaged; any other (too many
   * open files, an interrupt, a stream closed under a cancelled scan) is the process's, not the
   * file's.
   *
   * @param folder the data folder, to take out of the reason
   * @param path the file, relative to the data folder
   */
  IOException readFailure(java.nio.file.Path folder, String path, Exception failure) {
    if (failure instanceof DamagedFileException already) {
      damaged.putIfAbsent(already.path(), already.reason());
      return already;
    }
    String reason = String.valueOf(innermost(failure).getMessage())
        .replace("file:" + folder.toAbsolutePath() + "/", "").replace(folder.toAbsolutePath() + "/", "");
    if (!showsDamage(failure)) {
      return new IOException("reading the data file " + path + " failed: " + reason, failure);
    }
    damaged.putIfAbsent(path, reason);
    return new DamagedFileException(path, reason, failure);
  }

  /** The files found damaged since the store opened, relative path to what was wrong, in path order. */
  public Map<String, String> damaged() {
    return Map.copyOf(damaged);
  }

  private static Throwable innermost(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static boolean showsDamage(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = t.getMessage() == null ? "" : t.getMessage();
      if (t instanceof ParquetRuntimeException || t instanceof DamagedPageException || t instanceof EOFException
          || t instanceof FileNotFoundException || t instanceof NoSuchFileException
          || message.contains("is not a Parquet file") || message.startsWith("can not read class org.apache.parquet")) {
        return true;
      }
    }
    return false;
  }

  /** A borrowed stream that goes back to the pool, not shut, when its reader closes it. */
  private final class PooledStream extends DelegatingSeekableInputStream {
    private final String key;
    private final FSDataInputStream in;
    private boolean returned;

    PooledStream(String key, FSDataInputStream in) {
      super(in);
      this.key = key;
      this.in = in;
    }

    @Override
    public long getPos() throws IOException {
      return in.getPos();
    }

    @Override
    public void seek(long newPos) throws IOException {
      in.seek(newPos);
    }

    @Override
    public void close() throws IOException {
      if (!returned) {
        returned = true;
        streams.giveBack(key, in);
      }
    }
  }

  @Override
  public void close() throws IOException {
    try {
      streams.close();
    } finally {
      fs.close();
    }
  }
}
