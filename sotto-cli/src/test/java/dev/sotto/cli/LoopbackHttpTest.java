package dev.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The loopback client against a socket server that answers with bytes scripted per test: framings, and broken answers. */
class LoopbackHttpTest {
    private static final java.util.concurrent.Executor EXECUTOR = command -> Thread.ofVirtual().start(command);

    /** Serves one connection: reads the request (its head and Content-Length body), writes {@code answer}, closes. */
    private static CompletableFuture<String> serveOnce(ServerSocket server, byte[] answer) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.UTF_8).endsWith("\r\n\r\n")) {
                    head.write(in.read());
                }
                String h = head.toString(StandardCharsets.UTF_8);
                int length = Integer.parseInt(h.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                s.getOutputStream().write(answer);
                s.getOutputStream().flush();
                return h + body;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, EXECUTOR);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Posts to a server answering {@code answer}; returns status and body, and the request as the server read it. */
    private static String[] exchange(String answer) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> request = serveOnce(server, ascii(answer));
            try (LoopbackHttp.Response r = LoopbackHttp.post(server.getLocalPort(), "/v1/x", Map.of("Content-Type", "application/json"),
                    "{\"a\":\"é\"}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2), Duration.ofSeconds(5))) {
                String body = new String(r.body().readAllBytes(), StandardCharsets.ISO_8859_1);
                return new String[] {r.status() + " " + body, request.join(), String.valueOf(r.headers())};
            }
        }
    }

    @Test
    void readsChunkedBodiesWithExtensionsAndTrailers() throws IOException {
        String[] r = exchange("HTTP/1.1 200 OK\r\nTransfer-encoding: chunked\r\nContent-type: audio/wav\r\n\r\n"
                + "5\r\nhello\r\n1;name=value\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n");
        assertEquals("200 hello 0123456789", r[0]);
        assertTrue(r[2].contains("content-type=audio/wav"), r[2]);
        assertTrue(r[1].startsWith("POST /v1/x HTTP/1.1\r\n"), r[1]);
        assertTrue(r[1].contains("Content-Type: application/json\r\n") && r[1].endsWith("\r\n\r\n{\"a\":\"é\"}"), r[1]);
    }

    @Test
    void readsLengthAndEndOfConnectionBodies() throws IOException {
        assertEquals("201 abc", exchange("HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabcdef")[0]);
        assertEquals("200 to the end", exchange("HTTP/1.0 200 OK\nServer: x\n\nto the end")[0]);
        assertEquals("404 ", exchange("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")[0]);
    }

    @Test
    void brokenAnswersAreErrors() {
        for (String answer : new String[] {
                "", "SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n",
                "HTTP/1.1 200 OK\r\nX: " + "y".repeat(LoopbackHttp.MAX_LINE) + "\r\n\r\n",
                "HTTP/1.1 200 OK\r\n" + "X: y\r\n".repeat(LoopbackHttp.MAX_HEADER_BYTES / 6 + 1) + "\r\n"}) {
            assertThrows(IOException.class, () -> exchange(answer), answer.length() > 80 ? answer.substring(0, 80) : answer);
        }
    }

    @Test
    void aSilentServerTimesOutAndNoServerIsRefused() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThrows(SocketTimeoutException.class, () -> LoopbackHttp.post(server.getLocalPort(), "/", Map.of(), new byte[0],
                    Duration.ofSeconds(1), Duration.ofMillis(200)));
        }
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        assertThrows(IOException.class, () -> LoopbackHttp.post(port, "/", Map.of(), new byte[0], Duration.ofSeconds(1), Duration.ofSeconds(1)));
    }

    @Test
    void theChunkedReaderGivesBytesOneAtATimeToo() throws IOException {
        InputStream in = new LoopbackHttp.Chunked(new java.io.ByteArrayInputStream(ascii("3\r\nabc\r\n0\r\n\r\n")));
        assertEquals('a', in.read());
        byte[] rest = new byte[5];
        assertEquals(2, in.read(rest, 0, 5));
        assertArrayEquals(ascii("bc"), java.util.Arrays.copyOf(rest, 2));
        assertEquals(-1, in.read());
    }

    /** The hand-off reads a server's answer ahead of a slow consumer: all of it, in order, and its failure after. */
    @Test
    void readingAheadDrainsTheSourceWithoutAConsumer() throws Exception {
        byte[] data = new byte[1 << 20];
        new java.util.Random(3).nextBytes(data);
        java.util.concurrent.CountDownLatch drained = new java.util.concurrent.CountDownLatch(1);
        InputStream source = new java.io.ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                int n = super.read(b, off, len);
                if (n < 0) {
                    drained.countDown();
                }
                return n;
            }
        };
        InputStream ahead = LoopbackHttp.readAhead(source);
        assertTrue(drained.await(10, java.util.concurrent.TimeUnit.SECONDS), "read to its end before anyone read here");
        assertArrayEquals(data, ahead.readAllBytes());
        assertEquals(-1, ahead.read());

        InputStream failing = new InputStream() {
            private int left = 100;

            @Override
            public int read() throws IOException {
                if (left-- <= 0) {
                    throw new IOException("connection reset");
                }
                return 7;
            }
        };
        InputStream failingAhead = LoopbackHttp.readAhead(failing);
        IOException e = assertThrows(IOException.class, failingAhead::readAllBytes);
        assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
    }
}
