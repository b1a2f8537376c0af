package org.annals.storage.parquet;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * The page codecs of one file reader or writer. ZSTD pages, which is what Annals writes, are
 * compressed and decompressed with one reused zstd context each; parquet-java's own ZSTD path
 * opens a stream per page and makes and frees a native context each time. A profile of
 * GROUP BY event_type over 1.07 M events showed that as most of the query's time, and with pages
 * of at most 1,000 rows it cost a flush about a third of its speed. Other codecs go to
 * parquet-java's factory. One per reader or writer, so not thread-safe, as they are not.
 */
public final class PageCodecs implements CompressionCodecFactory {
  private final CodecFactory others;
  private final int zstdLevel;
  private ZstdPages zstd;
  private ZstdCompressor zstdCompressor;

  /** @param zstdLevel the level ZSTD pages are compressed at */
  public PageCodecs(Configuration conf, int zstdLevel) {
    this.others = new CodecFactory(conf, 0);
    this.zstdLevel = zstdLevel;
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
    if (codecName != CompressionCodecName.ZSTD) {
      return others.getCompressor(codecName);
    }
    if (zstdCompressor == null) {
      zstdCompressor = new ZstdCompressor(zstdLevel);
    }
    return zstdCompressor;
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
    if (codecName != CompressionCodecName.ZSTD) {
      return others.getDecompressor(codecName);
    }
    if (zstd == null) {
      zstd = new ZstdPages();
    }
    return zstd;
  }

  @Override
  public void release() {
    if (zstd != null) {
      zstd.release();
      zstd = null;
    }
    if (zstdCompressor != null) {
      zstdCompressor.release();
      zstdCompressor = null;
    }
    others.release();
  }

  /** ZSTD pages through one context at one level. */
  private static final class ZstdCompressor implements BytesInputCompressor {
    private final ZstdCompressCtx context = new ZstdCompressCtx();

    ZstdCompressor(int level) {
      context.setLevel(level);
    }

    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      return BytesInput.from(context.compress(bytes.toByteArray()));
    }

    @Override
    public CompressionCodecName getCodecName() {
      return CompressionCodecName.ZSTD;
    }

    @Override
    public void release() {
      context.close();
    }
  }

  /**
   * Far above any page a flush writes (pages stop at 8 KiB of values, or one event of at most
   * 1 MiB), far below what would exhaust the heap.
   */
  private static final int MAX_PAGE_BYTES = 64 * 1024 * 1024;

  /** ZSTD pages through one context, into a fresh array per page (pages are read after this). */
  private static final class ZstdPages implements BytesInputDecompressor {
    private final ZstdDecompressCtx context = new ZstdDecompressCtx();

    @Override
    public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
      // Page headers carry no checksum: a damaged size must not become a huge or negative array.
      if (uncompressedSize < 0 || uncompressedSize > MAX_PAGE_BYTES) {
        throw new DamagedPageException("a page header says the page holds " + uncompressedSize + " bytes", null);
      }
      byte[] in = bytes.toByteArray();
      byte[] out = new byte[uncompressedSize];
      int n;
      try {
        n = context.decompressByteArray(out, 0, out.length, in, 0, in.length);
      } catch (ZstdException e) {
        throw new DamagedPageException("a ZSTD page does not decompress: " + e.getMessage(), e);
      }
      if (n != uncompressedSize) {
        throw new DamagedPageException("a ZSTD page decompressed to " + n + " bytes, but its header says "
            + uncompressedSize, null);
      }
      return BytesInput.from(out);
    }

    @Override
    public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
        throws IOException {
      byte[] in = new byte[compressedSize];
      input.get(in);
      BytesInput decompressed = decompress(BytesInput.from(in), uncompressedSize);
      output.put(decompressed.toByteArray());
    }

    @Override
    public void release() {
      context.close();
    }
  }
}
