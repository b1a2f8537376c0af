package org.annals.storage.event;

/**
 * An append to a stream one of whose data files could not be read when the store opened: the
 * versions of that stream's entities are not all known, so an append could give a version twice.
 * Appends to the stream are refused until the file is restored; other streams are unaffected.
 */
public final class StreamDamagedException extends AppendRejectedException {
  private static final long serialVersionUID = 1L;

  public StreamDamagedException(String streamName, String damagedFile) {
    super("stream '" + streamName + "' takes no appends: its data file " + damagedFile + " is damaged, so the"
        + " versions of its entities are not all known. Restore the file from a backup of the data folder and"
        + " restart; the store's other streams are unaffected");
  }
}
