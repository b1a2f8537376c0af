package org.annals.examples;

import java.util.Map;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.SchemaFactory;
import org.apache.calcite.schema.SchemaPlus;

/**
 * A schema factory a hostile client names in a {@code model} connection property. If the server
 * ever loaded it, its static initializer would leave a mark in the system properties.
 */
public final class EvilSchemaFactory implements SchemaFactory {
  public static final String MARK = "annals.test.evilFactoryLoaded";

  static {
    System.setProperty(MARK, "true");
  }

  @Override
  public Schema create(SchemaPlus parentSchema, String name, Map<String, Object> operand) {
    throw new IllegalStateException("never to be called");
  }
}
