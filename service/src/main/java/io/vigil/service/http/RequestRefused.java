package io.vigil.service.http;

/** A request the endpoint will not pass on to a route: malformed, too large, or in a form it does not take. */
final class RequestRefused extends Exception {
    private final int status;

    RequestRefused(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    HttpEndpoint.Reply reply() {
        return HttpEndpoint.Reply.text(status, getMessage() + "\n");
    }
}
