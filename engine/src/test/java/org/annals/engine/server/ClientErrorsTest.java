package org.annals.engine.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.junit.jupiter.api.Test;

/**
 * What a client sees of a failure: the server's own mistakes are a plain message with an id that
 * the log line with the message and stack trace carries too; the client's mistakes (a bad value)
 * say what was wrong and need no id.
 */
class ClientErrorsTest {
  private static final Pattern ID = Pattern.compile("\\(error id ([0-9a-f]{8}); the server's log has the details\\)$");

  @Test
  void anUnexpectedFailureGetsAnIdAndNoTrace() {
    AvaticaRuntimeException reply = (AvaticaRuntimeException) ClientErrors.toClient(
        new IllegalStateException("wrapper", new NullPointerException("a field was null")));
    assertEquals("HY000", reply.getSqlState());
    Matcher id = ID.matcher(reply.getErrorMessage());
    assertTrue(id.find(), reply.getErrorMessage());
    assertTrue(reply.getErrorMessage().startsWith("the server failed on this request (error id "),
        reply.getErrorMessage());
    assertFalse(reply.getErrorMessage().contains("a field was null"), "the server's own message stays in its log");
    assertEquals(0, reply.getStackTrace().length, "no stack trace reaches the client");
  }

  @Test
  void aBadValueIsTheClientsMistakeAndGetsNoId() {
    AvaticaRuntimeException reply = (AvaticaRuntimeException) ClientErrors.toClient(
        new RuntimeException(new NumberFormatException("For input string: \"x\"")));
    assertEquals("22018", reply.getSqlState());
    assertFalse(ID.matcher(reply.getErrorMessage()).find(), reply.getErrorMessage());
  }
}
