package org.annals.storage.scan;

import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * The page decompressors of one file reader. ZSTD pages, which is what Annals writes, are
 * decompressed with one reused zstd context; parquet-java's own ZSTD path opens a stream per
 * page and makes and frees a native decompression context each time, which a profile of
 * GROUP BY event_type over 1.07 M events showed as most of the query's time. Other codecs go to
 * parquet-java's factory. One per reader, so not thread-safe, as a reader is not.
 */
final class PageCodecs implements CompressionCodecFactory {
  private final CodecFactory others;
  private ZstdPages zstd;

  PageCodecs(Configuration conf) {
    this.others = new CodecFactory(conf, 0);
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
    return others.getCompressor(codecName);
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
    others.release();
  }

  /** ZSTD pages through one context, into a fresh array per page (pages are read after this). */
  private static final class ZstdPages implements BytesInputDecompressor {
    private final ZstdDecompressCtx context = new ZstdDecompressCtx();

    @Override
    public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
      byte[] in = bytes.toByteArray();
      byte[] out = new byte[uncompressedSize];
      int n = context.decompressByteArray(out, 0, out.length, in, 0, in.length);
      if (n != uncompressedSize) {
        throw new IOException("a ZSTD page decompressed to " + n + " bytes, but its header says "
            + uncompressedSize);
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
