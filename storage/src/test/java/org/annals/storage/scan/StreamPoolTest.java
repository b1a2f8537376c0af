package org.annals.storage.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams given back are handed out again for the same file, never another's, and stay bounded. */
class StreamPoolTest {
  @TempDir Path dir;
  private FileSystem fs;
  private Path a;
  private Path b;

  @BeforeEach
  void files() throws IOException {
    fs = FileSystem.getLocal(new Configuration());
    a = Files.write(dir.resolve("a"), new byte[] {1, 2, 3});
    b = Files.write(dir.resolve("b"), new byte[] {4, 5, 6});
  }

  private FSDataInputStream open(Path p) throws IOException {
    return fs.open(new org.apache.hadoop.fs.Path(URI.create(p.toUri().toString())));
  }

  @Test
  void aStreamGivenBackIsTakenAgainForItsOwnFileOnly() throws IOException {
    try (StreamPool pool = new StreamPool(4)) {
      FSDataInputStream s = open(a);
      pool.giveBack("a", s);
      assertNull(pool.take("b"));
      assertSame(s, pool.take("a"));
      assertNull(pool.take("a"), "a taken stream belongs to its taker until given back");
      s.seek(1);
      assertEquals(2, s.read());
      s.close();
    }
  }

  @Test
  void thePoolClosesTheOldestStreamBeyondItsBoundAndEveryStreamWhenClosed() throws IOException {
    StreamPool pool = new StreamPool(2);
    FSDataInputStream first = open(a);
    FSDataInputStream second = open(b);
    FSDataInputStream third = open(a);
    pool.giveBack("a", first);
    pool.giveBack("b", second);
    pool.giveBack("a", third);
    assertEquals(2, pool.size());
    assertThrows(IOException.class, () -> first.read(), "the oldest stream was closed");
    assertSame(third, pool.take("a"));
    assertNull(pool.take("a"));
    pool.giveBack("a", third);
    pool.close();
    assertEquals(0, pool.size());
    assertThrows(IOException.class, () -> second.read());
    assertThrows(IOException.class, () -> third.read());
    FSDataInputStream late = open(b);
    pool.giveBack("b", late);
    assertThrows(IOException.class, () -> late.read(), "a closed pool closes what it is given");
  }
}
