package dev.df11.runtime.serving;

import dev.df11.runtime.testmodels.TestModels;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/** Servers on loopback for the serving tests: stories15M (DF11), any free port, two compute threads. */
final class TestServers {

    static final String MODEL = "stories15M";
    static final int CONTEXT = 256;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private TestServers() {
    }

    static ModelServer start(String apiKey, int maxBatch, int maxQueue, OpenAiServer.Limits limits)
            throws IOException {
        return start(TestModels.stories15MDf11(), MODEL, apiKey, maxBatch, maxQueue, limits);
    }

    static ModelServer start(Path model, String id, String apiKey, int maxBatch, int maxQueue,
                             OpenAiServer.Limits limits) throws IOException {
        return ModelServer.start(new ModelServer.Options(model, id, "cpu", null, 2, false, null, CONTEXT, maxBatch,
                maxQueue, "127.0.0.1", 0, apiKey, limits, 0), new PrintStream(OutputStream.nullOutputStream()));
    }

    static ModelServer start() throws IOException {
        return start(null, 8, 64, OpenAiServer.Limits.DEFAULT);
    }

    static String base(ModelServer server) {
        return "http://127.0.0.1:" + server.port();
    }

    static HttpResponse<String> post(ModelServer server, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base(server) + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(ModelServer server, String path, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base(server) + path)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
