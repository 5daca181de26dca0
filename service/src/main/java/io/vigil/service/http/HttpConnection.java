package io.vigil.service.http;

import io.vigil.service.http.HttpEndpoint.Reply;
import io.vigil.service.http.HttpEndpoint.Request;
import io.vigil.service.http.HttpEndpoint.Route;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection, on a thread of its own: reads one request within the request time
 * (counted from the accept), has the endpoint's routes answer it, writes the answer within the
 * response time and closes. Every answer says {@code Connection: close}, so no connection waits
 * idle between requests. A HEAD request reaches the routes as GET and is answered without the body.
 * A client too slow for its time is answered 408, or closed when it does not take its answer; it
 * holds only its own thread meanwhile.
 */
final class HttpConnection implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(HttpConnection.class);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    /** How much of a refused request's rest is read and dropped, so that the client gets the refusal rather than a reset. */
    private static final int DRAIN_BYTES = 2 * HttpEndpoint.MAX_BODY_BYTES;

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final Socket socket;
    private final long acceptedNanos;
    private final ConnectionLimits limits;
    private final Route router;
    private final ScheduledExecutorService deadlines;
    private final Runnable onClose;

    /** {@code acceptedNanos}: {@link System#nanoTime()} at the accept; {@code onClose}: runs once the connection is closed. */
    HttpConnection(
            Socket socket,
            long acceptedNanos,
            ConnectionLimits limits,
            Route router,
            ScheduledExecutorService deadlines,
            Runnable onClose) {
        this.socket = socket;
        this.acceptedNanos = acceptedNanos;
        this.limits = limits;
        this.router = router;
        this.deadlines = deadlines;
        this.onClose = onClose;
    }

    @Override
    public void run() {
        try (socket) {
            serve();
        } catch (IOException | RuntimeException e) {
            // the client went away, broke off or was cut off at its time: nothing to answer, nothing to do
            log.debug("connection from {} ended: {}", socket.getInetAddress().getHostAddress(), e.toString());
        } finally {
            onClose.run();
        }
    }

    private void serve() throws IOException {
        InputStream in = new BufferedInputStream(
                new DeadlineInput(socket, acceptedNanos + limits.requestTime().toNanos()));
        OutputStream out = socket.getOutputStream();
        RequestHead head;
        byte[] body;
        try {
            Optional<RequestHead> read = RequestParser.read(in);
            if (read.isEmpty()) {
                return;
            }
            head = read.get();
            if (head.contentLength() > HttpEndpoint.MAX_BODY_BYTES) {
                throw new RequestRefused(413, "request body larger than " + HttpEndpoint.MAX_BODY_BYTES + " bytes");
            }
            if (head.expectsContinue() && head.contentLength() > 0) {
                out.write(CONTINUE);
                out.flush();
            }
            body = in.readNBytes((int) head.contentLength());
            if (body.length < head.contentLength()) {
                return;
            }
        } catch (RequestRefused e) {
            out.write(response(e.reply(), false));
            drain(in);
            return;
        } catch (SocketTimeoutException e) {
            log.debug(
                    "{} sent no whole request within {}: answered 408",
                    socket.getInetAddress().getHostAddress(),
                    limits.requestTime());
            out.write(response(
                    Reply.text(
                            408,
                            "request not received whole within "
                                    + limits.requestTime().toSeconds() + " s\n"),
                    false));
            return;
        }
        boolean headOnly = head.method().equals("HEAD");
        Map<String, List<String>> query;
        try {
            query = HttpEndpoint.query(head.rawQuery().orElse(""));
        } catch (RequestRefused e) {
            out.write(response(e.reply(), headOnly));
            return;
        }
        Reply reply =
                router.answer(new Request(headOnly ? "GET" : head.method(), head.path(), query, head.headers(), body));
        // a blocked write has no timeout of its own: closing the socket ends it
        ScheduledFuture<?> cutOff =
                deadlines.schedule(this::closeQuietly, limits.responseTime().toMillis(), TimeUnit.MILLISECONDS);
        try {
            out.write(response(reply, headOnly));
            out.flush();
        } finally {
            cutOff.cancel(false);
        }
    }

    /** Reads and drops what the client still sends, until it closes, its request time is up, or too much came. */
    private void drain(InputStream in) throws IOException {
        socket.shutdownOutput();
        byte[] buffer = new byte[8192];
        for (long dropped = 0; dropped < DRAIN_BYTES; ) {
            int n = in.read(buffer);
            if (n < 0) {
                return;
            }
            dropped += n;
        }
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException e) {
            // closed already: what the cut-off wanted
        }
    }

    /** The answer as sent: status line, headers, and the body unless {@code headOnly}. */
    static byte[] response(Reply reply, boolean headOnly) {
        StringBuilder head = new StringBuilder(256)
                .append("HTTP/1.1 ")
                .append(reply.status())
                .append(' ')
                .append(reason(reply.status()))
                .append("\r\n")
                .append("Date: ")
                .append(HTTP_DATE.format(Instant.now()))
                .append("\r\n")
                .append("Content-Type: ")
                .append(reply.contentType())
                .append("\r\n")
                .append("Content-Length: ")
                .append(reply.body().length)
                .append("\r\n")
                .append("Connection: close\r\n");
        reply.headers()
                .forEach((name, value) ->
                        head.append(name).append(": ").append(value).append("\r\n"));
        byte[] bytes = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        if (headOnly) {
            return bytes;
        }
        byte[] all = Arrays.copyOf(bytes, bytes.length + reply.body().length);
        System.arraycopy(reply.body(), 0, all, bytes.length, reply.body().length);
        return all;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 422 -> "Unprocessable Content";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "";
        };
    }

    /**
     * The socket's input, each read allowed only the time left until the request's deadline: a
     * client that sends a byte now and then runs out of time as surely as one that sends nothing.
     */
    private static final class DeadlineInput extends FilterInputStream {
        private final Socket socket;
        private final long deadlineNanos;

        DeadlineInput(Socket socket, long deadlineNanos) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (left <= 0) {
                throw new SocketTimeoutException("request time is up");
            }
            socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
            return super.read(b, off, len);
        }
    }
}
