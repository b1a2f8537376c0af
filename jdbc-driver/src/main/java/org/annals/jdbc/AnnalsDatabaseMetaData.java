package org.annals.jdbc;

import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaDatabaseMetaData;

/**
 * Avatica's database metadata, with where nulls sort as the server sorts them: Calcite sorts nulls
 * high (last in ascending order, first in descending), and Avatica's client, never told, said
 * "at the end" whatever the order, which tools that place nulls themselves took at its word. The
 * database is not read-only either.
 */
final class AnnalsDatabaseMetaData extends AvaticaDatabaseMetaData {
  AnnalsDatabaseMetaData(AvaticaConnection connection) {
    super(connection);
  }

  /** Annals takes INSERTs; Avatica's client answered from Calcite's read-only default. */
  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public boolean nullsAreSortedHigh() {
    return true;
  }

  @Override
  public boolean nullsAreSortedLow() {
    return false;
  }

  @Override
  public boolean nullsAreSortedAtStart() {
    return false;
  }

  @Override
  public boolean nullsAreSortedAtEnd() {
    return false;
  }
}
