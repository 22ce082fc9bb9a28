package dev.sotto.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One HTTP/1.1 POST to a server on this machine's loopback, its answer read as it streams: what {@code sotto say}
 * needs to hand a sentence to a running {@code sotto serve}. The JDK's {@code java.net.http} client costs a cold JVM
 * 0.3 s before its first request leaves (selector thread, TLS and HTTP/2 classes); a socket, a request line and a
 * chunked-body reader cost a few milliseconds. Anything but a well-formed answer is an {@link IOException}. The answer
 * can be read ahead of a slow consumer ({@link #readAhead}).
 */
final class LoopbackHttp {
    /** Longest status or header line, and most header bytes in all: a larger answer is not one of our servers. */
    static final int MAX_LINE = 8 << 10;
    static final int MAX_HEADER_BYTES = 64 << 10;

    private LoopbackHttp() {
    }

    /** An answer: its status, its headers (names in lower case) and its body, read as it arrives. Close it. */
    record Response(int status, Map<String, String> headers, InputStream body, Socket socket) implements Closeable {
        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * Posts {@code body} to {@code path} on 127.0.0.1:{@code port}; waits at most {@code connect} for the connection
     * and at most {@code read} for each part of the answer.
     */
    static Response post(int port, String path, Map<String, String> headers, byte[] body, Duration connect, Duration read)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) connect.toMillis());
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, read.toMillis()));
            socket.setTcpNoDelay(true);
            StringBuilder request = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port)
                    .append("\r\nConnection: close\r\nContent-Length: ").append(body.length).append("\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            int[] headerBytes = {0};
            String statusLine = line(in, headerBytes);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x answer: " + statusLine);
            }
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("bad status line: " + statusLine);
            }
            Map<String, String> answerHeaders = new HashMap<>();
            for (String h = line(in, headerBytes); !h.isEmpty(); h = line(in, headerBytes)) {
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("bad header line: " + h);
                }
                answerHeaders.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            return new Response(status, answerHeaders, body(in, answerHeaders), socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * {@code in} read ahead on a thread of its own as fast as the server sends it, its bytes kept until read here: a
     * server's per-request limit ({@code serve --timeout}) counts the whole answer, so a reader at the pace of playback
     * (the speakers, a pipe into a player) would have a long text cut short, and would hold one of its slots meanwhile.
     * Memory is bounded by what a request may ask for (the server's input limit: minutes of audio, a few MB).
     */
    static InputStream readAhead(InputStream in) {
        BlockingQueue<Object> parts = new LinkedBlockingQueue<>();
        Object end = new Object();
        // A platform thread: a virtual one, its socket reads parked and woken by the JDK's poller, made a cold say's
        // streamed hand-off 0.4 s slower in all (5 runs each).
        Thread.ofPlatform().daemon().name("sotto-read-ahead").start(() -> {
            try {
                byte[] b = new byte[1 << 14];
                for (int n; (n = in.read(b)) > 0; ) {
                    parts.add(Arrays.copyOf(b, n));
                }
                parts.add(end);
            } catch (IOException e) {
                parts.add(e);
            }
        });
        return new BlockStream() {
            private byte[] part = new byte[0];
            private int at;
            private boolean done;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (at == part.length) {
                    if (done) {
                        return -1;
                    }
                    Object next;
                    try {
                        next = parts.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for the server's answer");
                    }
                    if (next == end) {
                        done = true;
                    } else if (next instanceof IOException e) {
                        done = true;
                        throw new IOException(e.getMessage(), e);
                    } else {
                        part = (byte[]) next;
                        at = 0;
                    }
                }
                int n = Math.min(len, part.length - at);
                System.arraycopy(part, at, b, off, n);
                at += n;
                return n;
            }
        };
    }

    /** The body as its headers frame it: chunked, a given length, or up to the end of the connection. */
    private static InputStream body(InputStream in, Map<String, String> headers) throws IOException {
        String encoding = headers.getOrDefault("transfer-encoding", "");
        if (encoding.equalsIgnoreCase("chunked")) {
            return new Chunked(in);
        }
        if (!encoding.isEmpty()) {
            throw new IOException("unsupported transfer encoding: " + encoding);
        }
        String length = headers.get("content-length");
        if (length == null) {
            return in;
        }
        try {
            long n = Long.parseLong(length);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return new Limited(in, n);
        } catch (NumberFormatException e) {
            throw new IOException("bad Content-Length: " + length);
        }
    }

    /** One CRLF-terminated line (a lone LF is accepted), without its end; counts toward the header limit. */
    private static String line(InputStream in, int[] headerBytes) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("the connection closed inside the answer's header");
            }
            if (++headerBytes[0] > MAX_HEADER_BYTES || b.size() >= MAX_LINE) {
                throw new IOException("the answer's header is too long");
            }
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
    }

    /** A stream read in blocks: {@link #read()} reads a block of one. */
    private abstract static class BlockStream extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }

    /** A body in chunks (RFC 9112, 7.1): hex size line, data, CRLF, ..., a zero size, trailers, an empty line. */
    static final class Chunked extends BlockStream {
        private final InputStream in;
        private long left; // bytes left in the current chunk
        private boolean done;
        private final int[] lineBytes = {0};

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (left == 0 && !nextChunk()) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the connection closed inside a chunk");
            }
            left -= n;
            if (left == 0) {
                expectLineEnd();
            }
            return n;
        }

        /** Reads the next chunk's size; false at the last chunk (its trailers read). */
        private boolean nextChunk() throws IOException {
            if (done) {
                return false;
            }
            lineBytes[0] = 0;
            String size = line(in, lineBytes);
            int semicolon = size.indexOf(';');
            String hex = (semicolon >= 0 ? size.substring(0, semicolon) : size).trim();
            try {
                left = hex.isEmpty() || hex.length() > 15 ? -1 : Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                left = -1;
            }
            if (left < 0) {
                throw new IOException("bad chunk size line: " + size);
            }
            if (left == 0) {
                done = true;
                lineBytes[0] = 0;
                while (!line(in, lineBytes).isEmpty()) {
                    // trailers: none that matter here
                }
                return false;
            }
            return true;
        }

        private void expectLineEnd() throws IOException {
            lineBytes[0] = 0;
            if (!line(in, lineBytes).isEmpty()) {
                throw new IOException("a chunk is longer than its size");
            }
        }
    }

    /** The first {@code n} bytes of a stream; fewer is an error. */
    static final class Limited extends BlockStream {
        private final InputStream in;
        private long left;

        Limited(InputStream in, long n) {
            this.in = in;
            this.left = n;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the connection closed " + left + " bytes before the answer's end");
            }
            left -= n;
            return n;
        }
    }
}
