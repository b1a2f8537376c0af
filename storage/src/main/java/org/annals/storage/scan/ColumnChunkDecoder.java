package org.annals.storage.scan;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.bitpacking.BytePacker;
import org.apache.parquet.column.values.bitpacking.Packer;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Decodes a whole column chunk of an event file into arrays, a page at a time, for an aggregate
 * to work on as vectors: dictionary-encoded values become their dictionary ids (text stays ids,
 * never strings), plain or dictionary-encoded INT64 values become longs, and a nullable column's
 * definition levels become a null mask. parquet-java's column reader costs several calls per
 * value; here a run of equal ids is one fill and a bit-packed group of eight is one unpack.
 * Handles what Annals writes (data pages v1, PLAIN and dictionary encodings, flat columns);
 * anything else is reported as not decodable so the caller reads row by row. Stateless.
 */
final class ColumnChunkDecoder {
  private ColumnChunkDecoder() {}

  /**
   * One decoded chunk: for every row, either a dictionary id or a long, and whether it is null.
   *
   * @param ids dictionary ids per row (0 where null), or null unless every page was
   *     dictionary-encoded
   * @param longs values per row (0 where null), or null for text
   * @param nulls per row, or null when the column has no nulls
   * @param dictionary the chunk's dictionary when {@code ids} is set
   */
  record Chunk(int[] ids, long[] longs, boolean[] nulls, Dictionary dictionary) {}

  /**
   * Decodes {@code rows} rows of a chunk.
   *
   * @param asIds true for text, kept as dictionary ids (every page must then be
   *     dictionary-encoded); false for INT64 values, with their ids too where every page has them
   * @return the chunk, or null if it uses an encoding or page kind this decoder does not read
   */
  static Chunk decode(PageReader pages, ColumnDescriptor column, int rows, boolean asIds) throws IOException {
    if (column.getMaxRepetitionLevel() != 0 || column.getMaxDefinitionLevel() > 1
        || !asIds && column.getPrimitiveType().getPrimitiveTypeName() != PrimitiveTypeName.INT64) {
      return null;
    }
    DictionaryPage dictionaryPage = pages.readDictionaryPage();
    Dictionary dictionary = dictionaryPage == null ? null
        : dictionaryPage.getEncoding().initDictionary(column, dictionaryPage);
    int[] ids = new int[rows];
    long[] longs = asIds ? null : new long[rows];
    boolean[] nulls = column.getMaxDefinitionLevel() == 0 ? null : new boolean[rows];
    int[] scratch = new int[Math.min(rows, 1 << 16)];
    int row = 0;
    boolean allDictionary = dictionary != null;
    for (DataPage page = pages.readPage(); page != null; page = pages.readPage()) {
      if (!(page instanceof DataPageV1 v1) || row + page.getValueCount() > rows) {
        return null;
      }
      int count = page.getValueCount();
      ByteBuffer in = v1.getBytes().toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      int defined = count;
      if (nulls != null) {
        if (v1.getDlEncoding() != Encoding.RLE) {
          return null;
        }
        int length = in.getInt();
        ByteBuffer levels = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        levels.limit(length);
        if (scratch.length < count) {
          scratch = new int[count];
        }
        hybrid(levels, 1, scratch, 0, count);
        in.position(in.position() + length);
        defined = 0;
        for (int i = 0; i < count; i++) {
          boolean isNull = scratch[i] == 0;
          nulls[row + i] = isNull;
          defined += isNull ? 0 : 1;
        }
      }
      Encoding encoding = v1.getValueEncoding();
      boolean dictionaryEncoded = encoding == Encoding.PLAIN_DICTIONARY || encoding == Encoding.RLE_DICTIONARY;
      if (dictionaryEncoded) {
        if (dictionary == null) {
          return null;
        }
        if (scratch.length < defined) {
          scratch = new int[defined];
        }
        int bitWidth = in.get() & 0xff;
        hybrid(in, bitWidth, scratch, 0, defined);
        spread(scratch, nulls, row, count, ids);
        if (longs != null) {
          for (int i = row; i < row + count; i++) {
            longs[i] = nulls != null && nulls[i] ? 0 : dictionary.decodeToLong(ids[i]);
          }
        }
      } else if (encoding == Encoding.PLAIN && longs != null) {
        allDictionary = false;
        for (int i = row; i < row + count; i++) {
          if (nulls == null || !nulls[i]) {
            longs[i] = in.getLong();
          }
        }
      } else {
        return null;
      }
      row += count;
    }
    if (row != rows) {
      return null;
    }
    return allDictionary ? new Chunk(ids, longs, nulls, dictionary) : new Chunk(null, longs, nulls, null);
  }

  /** Places the defined values in order on the rows that are not null. */
  private static void spread(int[] values, boolean[] nulls, int row, int count, int[] out) {
    if (nulls == null) {
      System.arraycopy(values, 0, out, row, count);
      return;
    }
    int next = 0;
    for (int i = row; i < row + count; i++) {
      out[i] = nulls[i] ? 0 : values[next++];
    }
  }

  /**
   * Reads {@code count} values of Parquet's RLE/bit-packing hybrid encoding: runs of one value
   * (header bit 0: length, then the value in whole bytes) and groups of eight bit-packed values
   * (header bit 1: the number of groups).
   */
  static void hybrid(ByteBuffer in, int bitWidth, int[] out, int outPos, int count) {
    int byteWidth = (bitWidth + 7) / 8;
    BytePacker packer = Packer.LITTLE_ENDIAN.newBytePacker(bitWidth);
    int[] eight = new int[8];
    int done = 0;
    while (done < count) {
      int header = unsignedVarInt(in);
      if ((header & 1) == 0) {
        int length = header >>> 1;
        int value = 0;
        for (int i = 0; i < byteWidth; i++) {
          value |= (in.get() & 0xff) << (8 * i);
        }
        int n = Math.min(length, count - done);
        Arrays.fill(out, outPos + done, outPos + done + n, value);
        done += n;
      } else {
        int groups = header >>> 1;
        int at = in.position();
        // The array form of the unpacker is several times faster than the ByteBuffer one.
        byte[] array = in.hasArray() ? in.array() : null;
        int base = array == null ? at : in.arrayOffset() + at;
        for (int g = 0; g < groups && done < count; g++) {
          int n = Math.min(8, count - done);
          int[] target = n == 8 ? out : eight;
          int targetPos = n == 8 ? outPos + done : 0;
          if (array != null) {
            packer.unpack8Values(array, base + g * bitWidth, target, targetPos);
          } else {
            packer.unpack8Values(in, at + g * bitWidth, target, targetPos);
          }
          if (n < 8) {
            System.arraycopy(eight, 0, out, outPos + done, n);
          }
          done += n;
        }
        in.position(at + groups * bitWidth);
      }
    }
  }

  private static int unsignedVarInt(ByteBuffer in) {
    int value = 0;
    int shift = 0;
    while (true) {
      int b = in.get() & 0xff;
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
      shift += 7;
    }
  }
}
