package org.annals.engine.jdbc;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Calcite's type system with two answers changed to what users of PostgreSQL, DuckDB and every BI
 * tool expect: text literals of different lengths in one {@code CASE} (or {@code UNION}) are
 * VARCHAR, not CHAR padded with blanks to the longest ({@code 'x     '}); and {@code AVG} of an
 * integer column is a DOUBLE, not an integer that drops the fraction.
 */
public final class AnnalsTypeSystem extends RelDataTypeSystemImpl {
  /** The instance Calcite's {@code typeSystem} setting names. */
  public static final RelDataTypeSystem INSTANCE = new AnnalsTypeSystem();

  private AnnalsTypeSystem() {}

  @Override
  public boolean shouldConvertRaggedUnionTypesToVarying() {
    return true;
  }

  @Override
  public RelDataType deriveAvgAggType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
    if (SqlTypeUtil.isExactNumeric(argumentType) && argumentType.getScale() <= 0) {
      return typeFactory.createTypeWithNullability(typeFactory.createSqlType(SqlTypeName.DOUBLE),
          argumentType.isNullable());
    }
    return super.deriveAvgAggType(typeFactory, argumentType);
  }
}
