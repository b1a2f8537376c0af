package org.annals.storage.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.junit.jupiter.api.Test;

/** The hybrid RLE / bit-packing decoder reads back what parquet-java's encoder wrote. */
class ColumnChunkDecoderTest {
  @Test
  void runsAndBitPackedGroupsOfEveryWidthDecodeToTheWrittenValues() throws Exception {
    Random random = new Random(7);
    for (int bitWidth = 0; bitWidth <= 24; bitWidth++) {
      int count = 1 + random.nextInt(5000);
      int[] values = new int[count];
      int max = bitWidth == 0 ? 0 : (1 << bitWidth) - 1;
      for (int i = 0; i < count; ) {
        // Long runs become RLE runs, short ones bit-packed groups; a count not a multiple of
        // eight leaves a padded last group.
        int run = random.nextBoolean() ? 1 + random.nextInt(3) : 8 + random.nextInt(200);
        int value = max == 0 ? 0 : random.nextInt(max + 1);
        for (int j = 0; j < run && i < count; j++, i++) {
          values[i] = value;
        }
      }
      RunLengthBitPackingHybridEncoder encoder = new RunLengthBitPackingHybridEncoder(bitWidth, 64, 1 << 20,
          HeapByteBufferAllocator.getInstance());
      for (int v : values) {
        encoder.writeInt(v);
      }
      ByteBuffer bytes = ByteBuffer.wrap(encoder.toBytes().toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
      int[] decoded = new int[count];
      ColumnChunkDecoder.hybrid(bytes, bitWidth, decoded, 0, count);
      assertArrayEquals(values, decoded, "bit width " + bitWidth);
      encoder.close();
    }
  }
}
