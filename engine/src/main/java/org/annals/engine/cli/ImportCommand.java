package org.annals.engine.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.annals.engine.server.AppendRequestParser;
import org.annals.storage.EventStore;
import org.annals.storage.event.AppendRejectedException;
import org.annals.storage.event.InvalidEventException;
import org.annals.storage.event.NewEvent;
import org.annals.storage.event.StreamName;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Imports a JSON Lines file into one stream, in batches that are each appended atomically. Every
 * line is an event object as the HTTP API takes it. A bad line stops the import with its line
 * number; the batch holding it is not stored, earlier batches are.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Import a JSON Lines file of events into a stream.")
final class ImportCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "The JSON Lines file: one event object per line.")
  Path file;

  @Option(names = "--stream", required = true, description = "The stream to append to.")
  String stream;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  static final class Target {
    @Option(names = "--data", description = "Append to a data folder directly (no server may hold it).")
    Path data;

    @Option(names = "--server", description = "Append through a running server, e.g. http://127.0.0.1:8765.")
    URI server;
  }

  @Option(names = "--batch-size", defaultValue = "1000", description = "Events per atomic append (default: ${DEFAULT-VALUE}).")
  int batchSize;


  private final ObjectMapper json = new ObjectMapper();

  @Override
  public Integer call() throws Exception {
    StreamName.check(stream);
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be at least 1; got " + batchSize);
    }
    long size = Files.size(file);
    Sink sink = target.data != null ? new StoreSink(EventStore.open(target.data)) : new HttpSink(target.server);
    Progress progress = new Progress(size);
    long imported = 0;
    long line = 0;
    try (sink; InputStream in = Files.newInputStream(file);
         BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8
             .newDecoder().onMalformedInput(CodingErrorAction.REPORT)))) {
      List<String> batch = new ArrayList<>();
      // Each event's line number: blank lines are skipped, so event i need not be on line first + i.
      List<Long> batchLines = new ArrayList<>();
      long charsRead = 0;
      while (true) {
        String text;
        try {
          text = reader.readLine();
        } catch (java.nio.charset.CharacterCodingException e) {
          return fail(progress, imported, "line " + (line + 1) + ": the file is not valid UTF-8", NOT_STORED);
        }
        if (text != null) {
          line++;
          charsRead += text.length() + 1;
          if (text.isBlank()) {
            continue;
          }
          String syntax = syntaxError(text);
          if (syntax != null) {
            return fail(progress, imported, "line " + line + ": not valid JSON: " + syntax, NOT_STORED);
          }
          batch.add(text);
          batchLines.add(line);
        }
        if (batch.size() == batchSize || (text == null && !batch.isEmpty())) {
          String error;
          try {
            error = sink.append(stream, batch, batchLines);
          } catch (java.net.ConnectException refused) {
            return fail(progress, imported, target.server + " did not answer (" + describe(refused) + ")",
                "the batch starting at line " + batchLines.get(0) + " was not sent");
          } catch (IOException unanswered) {
            return fail(progress, imported, target.server + " did not answer (" + describe(unanswered) + ")",
                "the batch starting at line " + batchLines.get(0) + " may or may not be stored; import from that"
                + " line again, with an event_id on each event so that a batch stored twice is kept once");
          }
          if (error != null) {
            return fail(progress, imported, error, NOT_STORED);
          }
          imported += batch.size();
          batch.clear();
          batchLines.clear();
          progress.show(Math.min(charsRead, size), imported);
        }
        if (text == null) {
          break;
        }
      }
      progress.show(size, imported);
    }
    progress.done();
    System.out.printf(Locale.ROOT, "imported %,d events into stream '%s' from %s (%,d lines) in %.1f s%n",
        imported, stream, file, line, progress.seconds());
    return 0;
  }

  /** What is wrong with a line's JSON syntax, or null; its content is the store's to judge. */
  private String syntaxError(String text) {
    // Reading the tokens through checks the syntax without building a tree the sink rebuilds.
    try (JsonParser parser = json.createParser(text)) {
      while (parser.nextToken() != null) {
        // only the syntax matters here
      }
      return null;
    } catch (IOException e) {
      return e.getMessage().lines().findFirst().orElse("unreadable");
    }
  }

  private static final String NOT_STORED = "the batch with the bad line was not stored";

  private static int fail(Progress progress, long imported, String error, String batch) {
    progress.done();
    System.err.println("annals import: " + error);
    System.err.printf(Locale.ROOT, "stopped: %,d events were imported before this batch; %s%n", imported, batch);
    return 1;
  }

  private static String describe(IOException e) {
    if (e instanceof java.net.ConnectException) {
      return "nothing accepts connections there: is annals serve running on that address?";
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  /** Where batches go; returns null on success or an error that names the line. */
  private interface Sink extends AutoCloseable {
    /** @param lineNumbers the file line of each of {@code lines} */
    String append(String stream, List<String> lines, List<Long> lineNumbers) throws Exception;
  }

  private final class StoreSink implements Sink {
    private final EventStore store;
    private final AppendRequestParser parser = new AppendRequestParser();

    StoreSink(EventStore store) {
      this.store = store;
    }

    @Override
    public String append(String stream, List<String> lines, List<Long> lineNumbers) {
      try {
        List<NewEvent> events = parser.parse(("[" + String.join(",\n", lines) + "]")
            .getBytes(StandardCharsets.UTF_8));
        store.append(stream, events);
        return null;
      } catch (AppendRejectedException e) {
        return atLine(e.getMessage(), lineNumbers);
      }
    }

    @Override
    public void close() throws IOException {
      store.close();
    }
  }

  private final class HttpSink implements Sink {
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI server;

    HttpSink(URI server) {
      this.server = server;
    }

    @Override
    public String append(String stream, List<String> lines, List<Long> lineNumbers) throws Exception {
      String body = "[" + String.join(",", lines) + "]";
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.resolve("/streams/" + stream + "/events"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        return null;
      }
      String message = json.readTree(r.body()).path("error").asText(r.body());
      return atLine(message, lineNumbers) + " (HTTP " + r.statusCode() + ")";
    }

    @Override
    public void close() {
      // HttpClient on Java 17 holds no resources that need closing.
    }
  }

  /**
   * Turns the validator's "event 7: what is wrong" into "line N: what is wrong" for the file;
   * a message about the whole batch names the batch's first line.
   */
  private static String atLine(String message, List<Long> lineNumbers) {
    InvalidEventException.Located at = InvalidEventException.locate(message);
    return at != null && at.eventIndex() < lineNumbers.size()
        ? "line " + lineNumbers.get(at.eventIndex()) + ": " + at.rest()
        : "the batch starting at line " + lineNumbers.get(0) + ": " + message;
  }
}
