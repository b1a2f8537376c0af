package org.annals.storage.wal;

import java.io.IOException;

/**
 * The log does not reach back to where the manifest's files end: some events are in neither. The
 * log's older segments were deleted only once a manifest covered them, so the usual cause is a
 * newer manifest that is missing or damaged; recovery refuses to open rather than lose them.
 */
public final class WalGapException extends IOException {
  private static final long serialVersionUID = 1L;

  WalGapException(String message) {
    super(message);
  }
}
