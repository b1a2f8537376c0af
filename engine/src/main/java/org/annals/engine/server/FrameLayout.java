package org.annals.engine.server;

/** How a protobuf client takes a frame's rows: Avatica's rows, or columns ({@link ColumnBlockEncoder}). */
enum FrameLayout {
  ROWS,
  COLUMNS
}
