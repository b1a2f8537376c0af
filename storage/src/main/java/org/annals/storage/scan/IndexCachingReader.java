package org.annals.storage.scan;

import java.io.IOException;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.InputFile;

/**
 * A file reader whose page indexes come from the file's {@link ParquetFiles} entry: each column
 * chunk's offset index and column index is read and decoded once, then kept. A profile of entity
 * lookups on 10.7 M events showed most of the server's time decoding offset indexes, which
 * parquet-java reads anew for every reader, through a stream, a few bytes at a time. Not
 * thread-safe, as its parent is not.
 */
final class IndexCachingReader extends ParquetFileReader {
  private final ParquetFiles.Entry entry;

  IndexCachingReader(InputFile file, ParquetFiles.Entry entry, ParquetReadOptions options) throws IOException {
    super(file, entry.footer, options, file.newStream());
    this.entry = entry;
  }

  @Override
  public OffsetIndex readOffsetIndex(ColumnChunkMetaData column) throws IOException {
    return entry.offsetIndex(column, super::readOffsetIndex);
  }

  @Override
  public ColumnIndex readColumnIndex(ColumnChunkMetaData column) throws IOException {
    return entry.columnIndex(column, super::readColumnIndex);
  }
}
