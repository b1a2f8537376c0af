package org.annals.engine.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class JdbcEscapesTest {
  @Test
  void anOuterJoinEscapeBecomesTheJoin() {
    assertEquals("SELECT * FROM a   LEFT OUTER JOIN b ON a.x = b.x ",
        JdbcEscapes.rewrite("SELECT * FROM a {oj LEFT OUTER JOIN b ON a.x = b.x}"));
  }

  @Test
  void aLikeEscapeBecomesEscape() {
    assertEquals("x LIKE 'a\\_%'  ESCAPE '\\' ", JdbcEscapes.rewrite("x LIKE 'a\\_%' {escape '\\'}"));
  }

  @Test
  void otherEscapesInsideStayAsTheyAre() {
    assertEquals("SELECT * FROM a   JOIN b ON {fn UCASE(a.x)} = b.x ",
        JdbcEscapes.rewrite("SELECT * FROM a {OJ JOIN b ON {fn UCASE(a.x)} = b.x}"));
  }

  @Test
  void literalsIdentifiersAndCommentsAreLeftAlone() {
    String sql = "SELECT '{oj x}', \"{escape}\" FROM t -- {oj\n /* {escape '!'} */ WHERE a = '}'''";
    assertEquals(sql, JdbcEscapes.rewrite(sql));
  }

  @Test
  void sqlWithoutBracesIsReturnedAsItIs() {
    String sql = "SELECT 1";
    assertSame(sql, JdbcEscapes.rewrite(sql));
  }
}
