package org.annals.engine.demo;

/**
 * One event the generator has planned: its kind, its entity and the facts its payload will state,
 * as plain numbers. The generator fills a reusable Plan per event and the {@link EventCalendar}
 * copies it into a row of longs, so the ~150,000 events waiting at any moment (deliveries days
 * ahead, refunds) are no objects the garbage collector must trace and copy again and again.
 * Entities are numbers ({@code order 42} is {@code order-0000042}); the small enumerations are
 * indexes into the arrays of {@link ShopEvent}.
 *
 * <p>A new fact needs a place in {@link #reset}, {@link #writeTo} and {@link #readFrom} (and in
 * {@code EventCalendarTest}'s list of facts, which checks that none is lost).
 */
final class Plan {
  /** How many longs a plan takes in a calendar row. */
  static final int ROW_LONGS = 8;

  ShopEvent kind;
  long at;
  long idHigh;
  long idLow;
  /** The number of the entity the event is about, of the kind's stream. */
  long entity;
  long customer;
  long cart;
  long order;
  long payment;
  int sku;
  int quantity;
  /** An order's SKUs, packed by {@link #withSku}. */
  long skus;
  long amountCents;
  int currency;
  int country;
  int city;
  int method;
  int carrier;
  int tracking;
  int reason;

  /** Clears the facts for a new event of the given kind. */
  Plan reset(ShopEvent newKind, long newEntity) {
    kind = newKind;
    entity = newEntity;
    customer = cart = order = payment = skus = amountCents = 0;
    sku = quantity = currency = country = city = method = carrier = tracking = reason = 0;
    return this;
  }

  Plan withReason(int newReason) {
    reason = newReason;
    return this;
  }

  /** Appends a SKU (0 to 511) to a packed list of up to four: the count in the low 4 bits. */
  static long withSku(long packed, int sku) {
    int count = skuCount(packed);
    if (count == 4 || sku < 0 || sku > 511) {
      throw new IllegalArgumentException("a packed list holds up to four SKUs of 0 to 511");
    }
    return (packed + 1) | (long) sku << (4 + 9 * count);
  }

  static int skuCount(long packed) {
    return (int) (packed & 0xf);
  }

  static int skuAt(long packed, int i) {
    return (int) (packed >>> (4 + 9 * i)) & 0x1ff;
  }

  /**
   * Packs the plan into {@link #ROW_LONGS} longs: the time, the two halves of the id, then
   * {@code entity|customer}, {@code cart|order} and {@code payment|amountCents} (32 bits each),
   * {@code skus} (40) with {@code sku} (9), {@code quantity} (4) and {@code city} (9), and last the
   * kind (8), {@code currency}, {@code country}, {@code method}, {@code carrier}, {@code reason}
   * (4 each) and {@code tracking} (32). A plan takes 64 bytes, so adding one to the calendar
   * writes one or two cache lines.
   */
  void writeTo(long[] row, int offset) {
    row[offset] = at;
    row[offset + 1] = idHigh;
    row[offset + 2] = idLow;
    row[offset + 3] = bits(entity, 32, "entity") << 32 | bits(customer, 32, "customer");
    row[offset + 4] = bits(cart, 32, "cart") << 32 | bits(order, 32, "order");
    row[offset + 5] = bits(payment, 32, "payment") << 32
        | bits(amountCents, 32, "amountCents");
    row[offset + 6] = bits(skus, 40, "skus") << 24 | bits(sku, 9, "sku") << 15
        | bits(quantity, 4, "quantity") << 11 | bits(city, 9, "city");
    row[offset + 7] = (long) kind.ordinal() << 56 | bits(currency, 4, "currency") << 52
        | bits(country, 4, "country") << 48 | bits(method, 4, "method") << 44
        | bits(carrier, 4, "carrier") << 40 | bits(reason, 4, "reason") << 36
        | bits(tracking, 32, "tracking");
  }

  void readFrom(long[] row, int offset) {
    at = row[offset];
    idHigh = row[offset + 1];
    idLow = row[offset + 2];
    entity = row[offset + 3] >>> 32;
    customer = row[offset + 3] & 0xffff_ffffL;
    cart = row[offset + 4] >>> 32;
    order = row[offset + 4] & 0xffff_ffffL;
    payment = row[offset + 5] >>> 32;
    amountCents = row[offset + 5] & 0xffff_ffffL;
    skus = row[offset + 6] >>> 24;
    sku = (int) (row[offset + 6] >>> 15 & 0x1ff);
    quantity = (int) (row[offset + 6] >>> 11 & 0xf);
    city = (int) (row[offset + 6] & 0x1ff);
    kind = ShopEvent.ALL[(int) (row[offset + 7] >>> 56)];
    currency = (int) (row[offset + 7] >>> 52 & 0xf);
    country = (int) (row[offset + 7] >>> 48 & 0xf);
    method = (int) (row[offset + 7] >>> 44 & 0xf);
    carrier = (int) (row[offset + 7] >>> 40 & 0xf);
    reason = (int) (row[offset + 7] >>> 36 & 0xf);
    tracking = (int) (row[offset + 7] & 0xffff_ffffL);
  }

  /** A fact that must fit its width in the packed row; a generator bug otherwise, not bad input. */
  private static long bits(long value, int width, String fact) {
    if (value >>> width != 0) {
      throw new IllegalStateException(fact + " " + value + " does not fit the " + width
          + " bits a plan keeps for it (0 to " + ((1L << width) - 1) + ")");
    }
    return value;
  }
}
