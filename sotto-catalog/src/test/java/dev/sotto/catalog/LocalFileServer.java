package dev.sotto.catalog;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;

/**
 * A file server on loopback for the download tests (no network): serves {@link #files} below {@code /ROOT/}, answers
 * {@code Range: bytes=N-} with 206, and misbehaves on request: a transfer that breaks off halfway once, or one that
 * sends 100 bytes and stalls. Headers of a file's own (sizes, digests) come from {@code headers}.
 */
final class LocalFileServer implements AutoCloseable {
    /** Files served, by path below the root. */
    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    /** Paths whose next transfer breaks off halfway. */
    final Map<String, Boolean> truncateOnce = new ConcurrentHashMap<>();
    /** Paths that send a little, then stall. */
    final Map<String, Boolean> stall = new ConcurrentHashMap<>();
    /** "PATH RANGE" of every range request, in order. */
    final List<String> rangeRequests = new ArrayList<>();

    private final String root;
    private final BiConsumer<String, HttpExchange> headers;
    private final HttpServer server;

    LocalFileServer(String root, BiConsumer<String, HttpExchange> headers) throws IOException {
        this.root = "/" + root + "/";
        this.headers = headers;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(this.root, this::serve);
        server.start();
    }

    LocalFileServer(String root) throws IOException {
        this(root, (path, exchange) -> { });
    }

    /** The root's URL, without a trailing slash. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + root.substring(0, root.length() - 1);
    }

    private void serve(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath().substring(root.length());
        byte[] body = files.get(path);
        if (body == null) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        headers.accept(path, ex);
        String range = ex.getRequestHeaders().getFirst("Range");
        int from = 0;
        if (range != null) {
            synchronized (rangeRequests) {
                rangeRequests.add(path + " " + range);
            }
            from = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            ex.sendResponseHeaders(206, body.length - from);
        } else {
            ex.sendResponseHeaders(200, body.length);
        }
        try (OutputStream out = ex.getResponseBody()) {
            if (stall.containsKey(path)) {
                out.write(body, 0, 100);
                out.flush();
                Thread.sleep(5000);
                return;
            }
            if (truncateOnce.remove(path) != null) {
                out.write(body, from, (body.length - from) / 2);
                out.flush();
                throw new IOException("connection dropped on purpose"); // the exchange is cut off mid-body
            }
            out.write(body, from, body.length - from);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
