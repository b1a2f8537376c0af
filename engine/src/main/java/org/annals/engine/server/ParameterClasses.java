package org.annals.engine.server;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.Meta;

/**
 * A prepared statement's parameters with the Java class each takes
 * ({@code ParameterMetaData.getParameterClassName}): Calcite names {@code java.lang.Object} for
 * every one, whatever its SQL type, and tools that bind by class (Spring's
 * {@code StatementCreatorUtils}, ORMs) then guess. Stateless.
 */
final class ParameterClasses {
  private ParameterClasses() {}

  static Meta.Signature of(Meta.Signature signature) {
    if (signature == null || signature.parameters == null || signature.parameters.isEmpty()) {
      return signature;
    }
    List<AvaticaParameter> parameters = new ArrayList<>();
    for (AvaticaParameter p : signature.parameters) {
      String className = className(p.parameterType);
      parameters.add(className == null ? p : new AvaticaParameter(p.signed, p.precision, p.scale, p.parameterType,
          p.typeName, className, p.name));
    }
    return Meta.Signature.create(signature.columns, signature.sql, parameters, signature.cursorFactory,
        signature.statementType);
  }

  /** The class JDBC maps the type to (JDBC 4.2, table B-3), or null to keep what Calcite said. */
  private static String className(int type) {
    return switch (type) {
      case Types.VARCHAR, Types.CHAR, Types.LONGVARCHAR -> String.class.getName();
      case Types.BIGINT -> Long.class.getName();
      case Types.INTEGER -> Integer.class.getName();
      case Types.SMALLINT -> Short.class.getName();
      case Types.TINYINT -> Byte.class.getName();
      case Types.DOUBLE, Types.FLOAT -> Double.class.getName();
      case Types.REAL -> Float.class.getName();
      case Types.BOOLEAN -> Boolean.class.getName();
      case Types.DECIMAL, Types.NUMERIC -> BigDecimal.class.getName();
      case Types.DATE -> Date.class.getName();
      case Types.TIME -> Time.class.getName();
      case Types.TIMESTAMP -> Timestamp.class.getName();
      case Types.VARBINARY, Types.BINARY -> byte[].class.getName();
      default -> null;
    };
  }
}
