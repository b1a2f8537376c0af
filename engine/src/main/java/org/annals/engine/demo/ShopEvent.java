package org.annals.engine.demo;

/**
 * The kinds of event in the shop history: the stream each goes to, its event type, and how its
 * JSON payload is written from a {@link Plan}'s facts. Payloads are built as text by hand because
 * they are the generator's hot path and their bytes must not change from one version to the next
 * (the example queries' expected answers depend on them).
 */
enum ShopEvent {
  REGISTERED(Stream.CUSTOMERS, "Registered") {
    @Override
    void payload(Plan p, StringBuilder out) {
      out.append("{\"email\":\"");
      appendEntity(out, Stream.CUSTOMERS, p.entity);
      out.append("@example.com\",\"country\":\"").append(COUNTRIES[p.country])
          .append("\",\"currency\":\"").append(CURRENCIES[p.currency]).append("\"}");
    }
  },
  EMAIL_VERIFIED(Stream.CUSTOMERS, "EmailVerified") {
    @Override
    void payload(Plan p, StringBuilder out) {
      out.append("{}");
    }
  },
  ADDRESS_CHANGED(Stream.CUSTOMERS, "AddressChanged") {
    @Override
    void payload(Plan p, StringBuilder out) {
      out.append("{\"city\":\"City ").append(p.city).append("\",\"country\":\"")
          .append(COUNTRIES[p.country]).append("\"}");
    }
  },
  ITEM_ADDED(Stream.CARTS, "ItemAdded") {
    @Override
    void payload(Plan p, StringBuilder out) {
      out.append("{\"customer_id\":\"");
      appendEntity(out, Stream.CUSTOMERS, p.customer);
      out.append("\",\"sku\":\"");
      appendSku(out, p.sku);
      out.append("\",\"quantity\":").append(p.quantity).append(',');
      appendPrice(out, "unit_price", p);
      out.append('}');
    }
  },
  ITEM_REMOVED(Stream.CARTS, "ItemRemoved") {
    @Override
    void payload(Plan p, StringBuilder out) {
      out.append("{\"sku\":\"");
      appendSku(out, p.sku);
      out.append("\",\"quantity\":").append(p.quantity).append('}');
    }
  },
  CHECKED_OUT(Stream.CARTS, "CheckedOut") {
    @Override
    void payload(Plan p, StringBuilder out) {
      out.append("{\"customer_id\":\"");
      appendEntity(out, Stream.CUSTOMERS, p.customer);
      out.append("\",\"order_id\":\"");
      appendEntity(out, Stream.ORDERS, p.order);
      out.append("\",");
      appendPrice(out, "total", p);
      out.append('}');
    }
  },
  ORDER_PLACED(Stream.ORDERS, "OrderPlaced") {
    @Override
    void payload(Plan p, StringBuilder out) {
      out.append("{\"customer_id\":\"");
      appendEntity(out, Stream.CUSTOMERS, p.customer);
      out.append("\",\"cart_id\":\"");
      appendEntity(out, Stream.CARTS, p.cart);
      out.append("\",");
      appendPrice(out, "total", p);
      out.append(",\"items\":[");
      for (int i = 0; i < Plan.skuCount(p.skus); i++) {
        out.append(i == 0 ? "\"" : ",\"");
        appendSku(out, Plan.skuAt(p.skus, i));
        out.append('"');
      }
      out.append("]}");
    }
  },
  PAYMENT_CAPTURED(Stream.ORDERS, "PaymentCaptured") {
    @Override
    void payload(Plan p, StringBuilder out) {
      out.append("{\"payment_id\":\"");
      appendEntity(out, Stream.PAYMENTS, p.payment);
      out.append("\",");
      appendPrice(out, "amount", p);
      out.append('}');
    }
  },
  ORDER_SHIPPED(Stream.ORDERS, "OrderShipped") {
    @Override
    void payload(Plan p, StringBuilder out) {
      out.append("{\"carrier\":\"").append(CARRIERS[p.carrier]).append("\",\"tracking\":\"");
      appendPadded(out, "TRK", p.tracking, 10);
      out.append("\"}");
    }
  },
  ORDER_DELIVERED(Stream.ORDERS, "OrderDelivered") {
    @Override
    void payload(Plan p, StringBuilder out) {
      out.append("{}");
    }
  },
  ORDER_CANCELLED(Stream.ORDERS, "OrderCancelled") {
    @Override
    void payload(Plan p, StringBuilder out) {
      out.append("{\"reason\":\"").append(REASONS[p.reason]).append("\"}");
    }
  },
  AUTHORIZED(Stream.PAYMENTS, "Authorized") {
    @Override
    void payload(Plan p, StringBuilder out) {
      appendAmount(p, out);
      out.append(",\"method\":\"").append(METHODS[p.method]).append("\"}");
    }
  },
  FAILED(Stream.PAYMENTS, "Failed") {
    @Override
    void payload(Plan p, StringBuilder out) {
      out.append("{\"order_id\":\"");
      appendEntity(out, Stream.ORDERS, p.order);
      out.append("\",\"reason\":\"").append(REASONS[p.reason]).append("\"}");
    }
  },
  CAPTURED(Stream.PAYMENTS, "Captured") {
    @Override
    void payload(Plan p, StringBuilder out) {
      appendAmount(p, out);
      out.append('}');
    }
  },
  REFUNDED(Stream.PAYMENTS, "Refunded") {
    @Override
    void payload(Plan p, StringBuilder out) {
      appendAmount(p, out);
      if (p.reason != NO_REASON) {
        out.append(",\"reason\":\"").append(REASONS[p.reason]).append('"');
      }
      out.append('}');
    }
  };

  static final ShopEvent[] ALL = values();
  static final String[] COUNTRIES = {"DE", "FR", "GB", "US", "NL", "ES", "IT", "SE"};
  static final String[] CURRENCIES = {"EUR", "GBP", "USD", "SEK"};
  /** The index in CURRENCIES of each country's currency, in the order of COUNTRIES. */
  static final int[] CURRENCY_OF_COUNTRY = {
      0 /* DE: EUR */, 0 /* FR: EUR */, 1 /* GB: GBP */, 2 /* US: USD */,
      0 /* NL: EUR */, 0 /* ES: EUR */, 0 /* IT: EUR */, 3 /* SE: SEK */};
  static final String[] CARRIERS = {"DHL", "UPS", "La Poste", "Royal Mail", "FedEx"};
  static final String[] METHODS = {"card", "paypal"};
  static final int CARD = 0;
  static final int PAYPAL = 1;
  /**
   * Why a payment failed, an order was cancelled or a payment refunded, in one list so that a plan
   * keeps any of them in the same few bits; the constants below are its indexes.
   */
  static final String[] REASONS = {
      "", "declined", "payment_failed", "customer_request", "out_of_stock", "returned"};
  static final int NO_REASON = 0;
  static final int DECLINED = 1;
  static final int PAYMENT_FAILED = 2;
  static final int CUSTOMER_REQUEST = 3;
  static final int OUT_OF_STOCK = 4;
  static final int RETURNED = 5;

  /** The four streams, with the prefix and digits of their entity ids. */
  enum Stream {
    CUSTOMERS("customers", "cust-", 6),
    CARTS("carts", "cart-", 7),
    ORDERS("orders", "order-", 7),
    PAYMENTS("payments", "pay-", 7);

    final String streamName;
    final String idPrefix;
    final int idDigits;

    Stream(String streamName, String idPrefix, int idDigits) {
      this.streamName = streamName;
      this.idPrefix = idPrefix;
      this.idDigits = idDigits;
    }
  }

  final Stream stream;
  final String eventType;

  ShopEvent(Stream stream, String eventType) {
    this.stream = stream;
    this.eventType = eventType;
  }

  /** Appends the event's JSON payload. */
  abstract void payload(Plan p, StringBuilder out);

  /** The text of an entity id, such as {@code order-0000042} for order 42. */
  static String entityId(Stream stream, long number) {
    StringBuilder out = new StringBuilder(16);
    appendEntity(out, stream, number);
    return out.toString();
  }

  static void appendEntity(StringBuilder out, Stream stream, long number) {
    appendPadded(out, stream.idPrefix, number, stream.idDigits);
  }

  private static void appendSku(StringBuilder out, long sku) {
    appendPadded(out, "SKU-", sku, 4);
  }

  /** A prefix and a number zero-padded to a width (longer numbers keep all their digits). */
  private static void appendPadded(StringBuilder out, String prefix, long n, int width) {
    out.append(prefix);
    for (long limit = 10, digits = 1; digits < width; digits++, limit *= 10) {
      if (n < limit) {
        out.append('0');
      }
    }
    out.append(n);
  }

  /** Cents as a JSON number with two decimals: 1234 is 12.34, 1205 is 12.05. */
  private static void appendMoney(StringBuilder out, long cents) {
    long rest = cents % 100;
    out.append(cents / 100).append(rest < 10 ? ".0" : ".").append(rest);
  }

  /** The fields that every payment event starts with, without the closing brace. */
  private static void appendAmount(Plan p, StringBuilder out) {
    out.append("{\"order_id\":\"");
    appendEntity(out, Stream.ORDERS, p.order);
    out.append("\",");
    appendPrice(out, "amount", p);
  }

  /** {@code "name":12.34,"currency":"EUR"}: an amount as every priced event states it. */
  private static void appendPrice(StringBuilder out, String name, Plan p) {
    out.append('"').append(name).append("\":");
    appendMoney(out, p.amountCents);
    out.append(",\"currency\":\"").append(CURRENCIES[p.currency]).append('"');
  }
}
