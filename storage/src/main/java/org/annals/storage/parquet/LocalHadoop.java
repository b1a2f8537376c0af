package org.annals.storage.parquet;

import org.apache.hadoop.conf.Configuration;

/**
 * The Hadoop configuration for the local file system: the raw local file system, so no
 * {@code .crc} sidecar files are written beside Parquet files (Parquet has its own page checksums).
 * Pointing the same code at HDFS or an object store is a matter of another configuration.
 */
public final class LocalHadoop {
  private LocalHadoop() {}

  public static Configuration configuration() {
    Configuration conf = new Configuration(false);
    conf.set("fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem");
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }
}
