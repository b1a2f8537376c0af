package org.annals.engine.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.annals.storage.EventStore;
import org.annals.storage.event.ExpectedVersion;
import org.annals.storage.event.NewEvent;

/**
 * Writes a seeded, realistic 30-day history of an online shop through the storage API:
 *
 * <ul>
 *   <li>{@code customers}: Registered, EmailVerified, AddressChanged;
 *   <li>{@code carts}: ItemAdded, ItemRemoved, CheckedOut (about a third of carts are abandoned);
 *   <li>{@code orders}: OrderPlaced, PaymentCaptured, OrderShipped, OrderDelivered, OrderCancelled;
 *   <li>{@code payments}: Authorized, Captured, Failed, Refunded.
 * </ul>
 *
 * Entity ids link the streams: an order's payload names its customer and cart, a payment's its
 * order. Sessions follow a daily and hourly rhythm (busy evenings, quiet nights, busier weekends).
 * The same seed and size always give the same events, ids and timestamps, starting at
 * {@link #START}. Events are appended in time order, one batch per stream and minute, without
 * waiting for each fsync, so generation runs at group-commit speed. Not thread-safe.
 */
public final class ShopHistoryGenerator {
  public static final Instant START = Instant.parse("2026-10-01T00:00:00Z");
  public static final int DAYS = 30;
  public static final long SEED = 20261001L;

  /** About how many events a size makes. */
  public enum Size {
    SMALL(50_000), LARGE(10_000_000);

    public final long events;

    Size(long events) {
      this.events = events;
    }
  }

  /** Events per shopping session, on average; measured from this generator's own output. */
  private static final double EVENTS_PER_SESSION = 7.3;
  /** Appends in flight before the generator waits for the oldest. */
  private static final int MAX_IN_FLIGHT = 256;
  private static final String[] COUNTRIES = {"DE", "FR", "GB", "US", "NL", "ES", "IT", "SE"};
  private static final String[] CARRIERS = {"DHL", "UPS", "La Poste", "Royal Mail", "FedEx"};
  private static final String[] CANCEL_REASONS = {"customer_request", "out_of_stock"};
  /** Share of each hour of a UTC day in the day's sessions. */
  private static final double[] HOURLY = {
      1.2, 0.8, 0.6, 0.5, 0.5, 0.7, 1.4, 2.6, 3.8, 4.4, 4.8, 5.0,
      5.4, 5.2, 4.9, 4.8, 5.0, 5.6, 6.6, 7.6, 8.2, 7.4, 5.2, 2.9};

  private final EventStore store;
  private final SimulatedClock clock;
  private final Random random;
  private final long targetEvents;
  /** Scheduled events by the minute they fall in: a calendar queue, O(1) to schedule into. */
  @SuppressWarnings("unchecked")
  private final List<Pending>[] minutes = new List[DAYS * 1440];
  private int nextMinute;
  private final List<String> customers = new ArrayList<>();
  /**
   * Appends not yet durable, oldest first. A short window keeps the log writer busy (a group
   * commit takes many batches) while holding few batches' bytes, so they die young.
   */
  private final ArrayDeque<CompletableFuture<?>> inFlight = new ArrayDeque<>();
  private DayListener dayListener = (days, events) -> { };
  private long written;
  private int nextCustomer;
  private int nextCart;
  private int nextOrder;
  private int nextPayment;

  /**
   * An event planned for later. Its random choices are made when it is planned, so the history
   * depends only on the seed; its JSON text is built only when it is due, because many events wait
   * days of simulated time and full texts would burden the heap meanwhile.
   */
  private record Planned(String type, String entity, Supplier<String> payload, UUID id) {
    NewEvent toEvent() {
      return new NewEvent(type, entity, payload.get(),
          "{\"source\":\"shop-simulator\",\"correlation_id\":\"" + entity + "\"}", id,
          ExpectedVersion.ANY);
    }
  }

  private record Pending(long at, String stream, Planned event) {}

  public ShopHistoryGenerator(EventStore store, SimulatedClock clock, long targetEvents, long seed) {
    this.store = store;
    this.clock = clock;
    this.targetEvents = targetEvents;
    this.random = new UnsharedRandom(seed);
  }

  /** Told after each simulated day, for a progress display. */
  @FunctionalInterface
  public interface DayListener {
    void dayDone(int daysDone, long eventsAppended);
  }

  /** Calls the listener after each simulated day of the next run. */
  public ShopHistoryGenerator onDayDone(DayListener listener) {
    this.dayListener = listener;
    return this;
  }

  /** Generates the whole history; returns how many events were appended. */
  public long run() throws java.io.IOException {
    return run(Long.MAX_VALUE);
  }

  /**
   * Generates the whole history, flushing once after {@code flushAfterEvents} events, so that
   * the rest stays in the WAL and the memtable (for tests that read both).
   */
  public long run(long flushAfterEvents) throws java.io.IOException {
    boolean flushed = false;
    double sessionsPerDay = targetEvents / EVENTS_PER_SESSION / DAYS;
    long minute = 60_000;
    long end = START.plus(Duration.ofDays(DAYS)).toEpochMilli();
    for (long t = START.toEpochMilli(); t < end; t += minute) {
      int hour = (int) ((t / 3_600_000) % 24);
      int dayOfWeek = Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC).getDayOfWeek().getValue();
      double weekend = dayOfWeek >= 6 ? 1.25 : 1.0;
      double expected = sessionsPerDay * HOURLY[hour] / 100.0 / 60.0 * weekend;
      int sessions = poisson(expected);
      for (int s = 0; s < sessions; s++) {
        startSession(t + random.nextInt(60_000));
      }
      flushDue(t + minute);
      if (!flushed && written >= flushAfterEvents) {
        awaitInFlight(0);
        store.flush();
        flushed = true;
      }
      if ((t + minute - START.toEpochMilli()) % 86_400_000L == 0) {
        dayListener.dayDone((int) ((t + minute - START.toEpochMilli()) / 86_400_000L), written);
      }
    }
    flushDue(Long.MAX_VALUE);
    awaitInFlight(0);
    return written;
  }

  private void startSession(long at) {
    String customer;
    if (customers.isEmpty() || random.nextDouble() < 0.3) {
      customer = register(at);
      at += minutes(2, 10);
    } else {
      customer = customers.get(random.nextInt(customers.size()));
    }
    String buyer = customer;
    String cart = id("cart-", ++nextCart, 7);
    String currency = currencyOf(customer);
    int items = 1 + random.nextInt(4);
    long total = 0;
    List<String> skus = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      int sku = random.nextInt(400);
      int quantity = 1 + (random.nextDouble() < 0.8 ? 0 : random.nextInt(3));
      long unitCents = priceCents(sku);
      at += minutes(0, 4) + random.nextInt(60_000);
      schedule(at, "carts", event("ItemAdded", cart, () -> "{\"customer_id\":\"" + buyer + "\",\"sku\":\"" + sku(sku) + "\",\"quantity\":" + quantity
          + ",\"unit_price\":" + money(unitCents) + ",\"currency\":\"" + currency + "\"}"));
      if (random.nextDouble() < 0.1) {
        at += minutes(0, 3);
        schedule(at, "carts", event("ItemRemoved", cart, () -> "{\"sku\":\"" + sku(sku) + "\",\"quantity\":" + quantity + "}"));
      } else {
        total += unitCents * quantity;
        skus.add("\"" + sku(sku) + "\"");
      }
    }
    if (skus.isEmpty() || random.nextDouble() < 0.32) {
      return; // an abandoned cart
    }
    at += minutes(1, 15);
    String order = id("order-", ++nextOrder, 7);
    String totalText = money(total);
    schedule(at, "carts", event("CheckedOut", cart, () -> "{\"customer_id\":\"" + buyer + "\",\"order_id\":\"" + order + "\",\"total\":"
        + totalText + ",\"currency\":\"" + currency + "\"}"));
    placeOrder(at + random.nextInt(5_000), order, customer, cart, totalText, currency, skus);
  }

  /** @param amount the order's total as JSON number text */
  private void placeOrder(long at, String order, String customer, String cart, String amount,
      String currency, List<String> skus) {
    schedule(at, "orders", event("OrderPlaced", order, () -> "{\"customer_id\":\"" + customer + "\",\"cart_id\":\"" + cart + "\",\"total\":" + amount
        + ",\"currency\":\"" + currency + "\",\"items\":[" + String.join(",", skus) + "]}"));
    String payment = id("pay-", ++nextPayment, 7);
    at += 2_000 + random.nextInt(20_000);
    String method = random.nextDouble() < 0.7 ? "card" : "paypal";
    schedule(at, "payments", event("Authorized", payment, () -> "{\"order_id\":\"" + order + "\",\"amount\":" + amount + ",\"currency\":\"" + currency
        + "\",\"method\":\"" + method + "\"}"));
    if (random.nextDouble() < 0.05) {
      at += minutes(1, 30);
      schedule(at, "payments", event("Failed", payment, () -> "{\"order_id\":\"" + order + "\",\"reason\":\"declined\"}"));
      schedule(at + minutes(30, 180), "orders", event("OrderCancelled", order,
          () -> "{\"reason\":\"payment_failed\"}"));
      return;
    }
    at += minutes(1, 60);
    schedule(at, "payments", event("Captured", payment, () -> amountPayload(order, amount, currency, null)));
    schedule(at + 1_000, "orders", event("PaymentCaptured", order, () -> "{\"payment_id\":\"" + payment + "\",\"amount\":" + amount + ",\"currency\":\"" + currency + "\"}"));
    if (random.nextDouble() < 0.04) {
      at += minutes(20, 600);
      String reason = CANCEL_REASONS[random.nextInt(CANCEL_REASONS.length)];
      schedule(at, "orders", event("OrderCancelled", order, () -> "{\"reason\":\"" + reason + "\"}"));
      schedule(at + minutes(60, 1440), "payments", event("Refunded", payment, () -> amountPayload(order, amount, currency, null)));
      return;
    }
    at += minutes(120, 2 * 1440);
    String carrier = CARRIERS[random.nextInt(CARRIERS.length)];
    int tracking = random.nextInt(1_000_000_000);
    schedule(at, "orders", event("OrderShipped", order, () -> "{\"carrier\":\"" + carrier + "\",\"tracking\":\""
        + id("TRK", tracking, 10) + "\"}"));
    at += minutes(1440, 4 * 1440);
    schedule(at, "orders", event("OrderDelivered", order, () -> "{}"));
    if (random.nextDouble() < 0.02) {
      schedule(at + minutes(1440, 5 * 1440), "payments", event("Refunded", payment, () -> amountPayload(order, amount, currency, "returned")));
    }
  }

  private String register(long at) {
    String customer = id("cust-", ++nextCustomer, 6);
    String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
    customers.add(customer);
    schedule(at, "customers", event("Registered", customer, () -> "{\"email\":\"" + customer + "@example.com\",\"country\":\"" + country
        + "\",\"currency\":\"" + currency(country) + "\"}"));
    if (random.nextDouble() < 0.6) {
      schedule(at + minutes(1, 120), "customers", event("EmailVerified", customer, () -> "{}"));
    }
    if (random.nextDouble() < 0.1) {
      long when = at + minutes(60, 10 * 1440);
      int city = random.nextInt(500);
      schedule(when, "customers", event("AddressChanged", customer,
          () -> "{\"city\":\"City " + city + "\",\"country\":\"" + country + "\"}"));
    }
    return customer;
  }

  private String currencyOf(String customer) {
    return currency(COUNTRIES[Math.abs(customer.hashCode()) % COUNTRIES.length]);
  }

  private static String currency(String country) {
    return switch (country) {
      case "GB" -> "GBP";
      case "US" -> "USD";
      case "SE" -> "SEK";
      default -> "EUR";
    };
  }

  private static long priceCents(int sku) {
    // A stable, skewed price list: most items cheap, a few expensive.
    long h = (sku * 2654435761L) & 0xffff;
    return 499 + (h * h) % 24_000;
  }

  private static String money(long cents) {
    long rest = cents % 100;
    return cents / 100 + (rest < 10 ? ".0" : ".") + rest;
  }

  /** A prefix and a number zero-padded to a width: string building, not String.format, is the hot path. */
  private static String id(String prefix, long n, int width) {
    String digits = Long.toString(n);
    return prefix + "0".repeat(Math.max(0, width - digits.length())) + digits;
  }

  private static String sku(int sku) {
    return id("SKU-", sku, 4);
  }

  private static String amountPayload(String order, String amount, String currency, String reason) {
    return "{\"order_id\":\"" + order + "\",\"amount\":" + amount + ",\"currency\":\"" + currency
        + (reason == null ? "\"}" : "\",\"reason\":\"" + reason + "\"}");
  }

  private long minutes(int min, int max) {
    return (min + random.nextInt(Math.max(1, max - min))) * 60_000L;
  }

  private int poisson(double mean) {
    // Knuth's method; means here are small (tens at most for LARGE, per minute).
    if (mean > 30) {
      return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
    }
    double limit = Math.exp(-mean);
    double p = random.nextDouble();
    int k = 0;
    while (p > limit) {
      p *= random.nextDouble();
      k++;
    }
    return k;
  }

  private Planned event(String type, String entity, Supplier<String> payload) {
    return new Planned(type, entity, payload, new UUID(random.nextLong(), random.nextLong()));
  }

  private void schedule(long at, String stream, Planned event) {
    int minute = (int) ((at - START.toEpochMilli()) / 60_000);
    if (minute < minutes.length) {
      if (minutes[minute] == null) {
        minutes[minute] = new ArrayList<>();
      }
      minutes[minute].add(new Pending(at, stream, event));
    }
  }

  /**
   * A minute's events by time, and in the order they were planned where times are equal (the
   * list's order). Sorted as primitive keys, offset in the minute then index, for speed.
   */
  private static List<Pending> inTimeOrder(List<Pending> due, long minuteStart) {
    long[] keys = new long[due.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = (due.get(i).at() - minuteStart) << 32 | i;
    }
    Arrays.sort(keys);
    List<Pending> sorted = new ArrayList<>(keys.length);
    for (long key : keys) {
      sorted.add(due.get((int) key));
    }
    return sorted;
  }

  /** Waits for the oldest appends until at most {@code keep} are in flight. */
  private void awaitInFlight(int keep) {
    while (inFlight.size() > keep) {
      inFlight.poll().join();
    }
  }

  /** Appends every event due before {@code until}: per minute, one batch per stream. */
  private void flushDue(long until) {
    while (nextMinute < minutes.length
        && START.toEpochMilli() + (nextMinute + 1) * 60_000L <= until) {
      List<Pending> due = minutes[nextMinute];
      minutes[nextMinute] = null;
      long minuteStart = START.toEpochMilli() + nextMinute * 60_000L;
      nextMinute++;
      if (due == null) {
        continue;
      }
      Map<String, List<NewEvent>> batches = new LinkedHashMap<>();
      for (Pending p : inTimeOrder(due, minuteStart)) {
        batches.computeIfAbsent(p.stream(), k -> new ArrayList<>()).add(p.event().toEvent());
      }
      clock.set(minuteStart);
      for (Map.Entry<String, List<NewEvent>> b : batches.entrySet()) {
        for (int from = 0; from < b.getValue().size(); from += 1000) {
          List<NewEvent> part = b.getValue().subList(from, Math.min(b.getValue().size(), from + 1000));
          inFlight.add(store.appendAsync(b.getKey(), List.copyOf(part)));
          written += part.size();
        }
      }
      awaitInFlight(MAX_IN_FLIGHT);
    }
  }
}
