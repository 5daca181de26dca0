package io.vigil.rules.notify.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.rules.notify.Alerts;
import io.vigil.rules.notify.Notification;
import io.vigil.rules.notify.Receiver.Outcome;
import io.vigil.rules.notify.Secret;
import io.vigil.rules.notify.email.EmailSpec.StartTls;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.FileInputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/** Mail to real SMTP servers: GreenMail receives the firing and the resolve mails; SubEthaSMTP insists on STARTTLS and a login. */
class EmailReceiverTest {
    private static final Alert FIRING = Alerts.lost(AlertState.FIRING);
    private static final Alert RESOLVED = Alerts.lost(AlertState.RESOLVED);

    private static EmailSpec spec(int port, StartTls starttls, Optional<Path> ca, boolean auth) {
        return new EmailSpec(
                "ops-mail",
                List.of("ops@example.org", "oncall@example.org"),
                "vigil@example.org",
                "127.0.0.1",
                port,
                auth ? Optional.of("vigil") : Optional.empty(),
                auth ? Optional.of(new Secret("s3cret", "test")) : Optional.empty(),
                starttls,
                ca,
                true,
                Duration.ofSeconds(10));
    }

    private static Notification notification(Alert alert) {
        boolean firing = alert.state() == AlertState.FIRING;
        return new Notification(
                "ops-mail",
                "{}:{alertname=\"DrbdLocalDiskLost\"}",
                Map.of("alertname", "DrbdLocalDiskLost"),
                firing ? List.of(alert) : List.of(),
                firing ? List.of() : List.of(alert),
                "http://vigil.example:9465");
    }

    @Test
    void greenMailReceivesTheFiringAndTheResolveMailWithTextAndHtml() throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("vigil@example.org", "vigil", "s3cret"));
        mail.start();
        try {
            EmailReceiver receiver =
                    new EmailReceiver(spec(mail.getSmtp().getPort(), StartTls.OPPORTUNISTIC, Optional.empty(), true));
            Outcome firing = receiver.deliver(notification(FIRING));
            assertInstanceOf(Outcome.Delivered.class, firing, firing.toString());
            assertTrue(((Outcome.Delivered) firing).answer().startsWith("250"), firing.toString());
            assertInstanceOf(Outcome.Delivered.class, receiver.deliver(notification(RESOLVED)));
            assertTrue(mail.waitForIncomingEmail(5000, 4), "two mails to two recipients");
            MimeMessage[] received = mail.getReceivedMessages();
            MimeMessage first = java.util.Arrays.stream(received)
                    .filter(m -> {
                        try {
                            return m.getSubject().startsWith("[FIRING");
                        } catch (jakarta.mail.MessagingException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .findFirst()
                    .orElseThrow();
            assertEquals("[FIRING:1] critical pair-1: node-a lost the disk under r0", first.getSubject());
            assertEquals("vigil@example.org", first.getFrom()[0].toString());
            MimeMultipart parts = (MimeMultipart) first.getContent();
            assertEquals(2, parts.getCount());
            String text = (String) parts.getBodyPart(0).getContent();
            String html = (String) parts.getBodyPart(1).getContent();
            assertTrue(parts.getBodyPart(0).isMimeType("text/plain")
                    && parts.getBodyPart(1).isMimeType("text/html"));
            for (String fact : List.of(
                    "node-a lost the disk under r0",
                    "DrbdLocalDiskLost (critical)",
                    "node-a in pair-1",
                    "resource: r0",
                    "since:    2026-12-01T03:00:00Z",
                    "runbook:  https://wiki.example/vigil#drbdlocaldisklost")) {
                assertTrue(text.contains(fact), "text lacks '" + fact + "':\n" + text);
            }
            assertTrue(html.contains("<a href=\"https://wiki.example/vigil#drbdlocaldisklost\">"), html);
            MimeMessage resolve = java.util.Arrays.stream(received)
                    .filter(m -> {
                        try {
                            return m.getSubject().startsWith("[RESOLVED]");
                        } catch (jakarta.mail.MessagingException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .findFirst()
                    .orElseThrow();
            assertEquals("[RESOLVED] critical pair-1: node-a lost the disk under r0", resolve.getSubject());
            assertTrue(
                    GreenMailUtil.getBody(resolve).contains("resolved: 2026-12-01T03:05:00Z"),
                    GreenMailUtil.getBody(resolve));
        } finally {
            mail.stop();
        }
    }

    @Test
    void aLineBreakInALabelCannotAddAHeaderOrARecipient() throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        try {
            Alert hostile = Alerts.of(
                    "DrbdLocalDiskLost",
                    "node-a",
                    "critical\r\nBcc: evil@example.org",
                    AlertState.FIRING,
                    Map.of("resource", "r0\r\n\r\n<a href=\"javascript:alert(1)\">x</a>"));
            Outcome outcome = new EmailReceiver(
                            spec(mail.getSmtp().getPort(), StartTls.OPPORTUNISTIC, Optional.empty(), false))
                    .deliver(notification(hostile));
            assertInstanceOf(Outcome.Delivered.class, outcome, outcome.toString());
            assertTrue(mail.waitForIncomingEmail(5000, 2));
            MimeMessage[] received = mail.getReceivedMessages();
            assertEquals(2, received.length, "the two configured recipients, nobody else");
            for (MimeMessage m : received) {
                assertEquals(null, m.getHeader("Bcc"), "no header from a label");
                assertEquals(
                        List.of("ops@example.org", "oncall@example.org"),
                        java.util.Arrays.stream(m.getAllRecipients())
                                .map(Object::toString)
                                .toList());
            }
            String html = MailMessage.of(notification(hostile)).html();
            assertFalse(html.contains("href=\"javascript:"), html);
        } finally {
            mail.stop();
        }
    }

    @Test
    void whatAnAlertSaysIsEscapedInTheHtml() {
        Alert hostile = new Alert(
                FIRING.v(),
                FIRING.fingerprint(),
                FIRING.rule(),
                FIRING.state(),
                1,
                FIRING.change(),
                FIRING.labels(),
                Map.of("summary", "<script>alert(1)</script> & \"more\""),
                FIRING.activeAt(),
                FIRING.firedAt(),
                FIRING.resolvedAt(),
                FIRING.endsAt(),
                FIRING.sentAt(),
                false,
                true,
                List.of(),
                List.of(),
                Optional.empty());
        String html = MailMessage.of(notification(hostile)).html();
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;"), html);
    }

    @Test
    void starttlsRequiredIsNeverSentInTheClear() throws Exception {
        GreenMail plain = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        plain.start();
        try {
            Outcome outcome = new EmailReceiver(
                            spec(plain.getSmtp().getPort(), StartTls.REQUIRED, Optional.empty(), false))
                    .deliver(notification(FIRING));
            assertInstanceOf(Outcome.Retry.class, outcome);
            assertTrue(outcome.toString().contains("STARTTLS"), outcome.toString());
            assertEquals(0, plain.getReceivedMessages().length);
        } finally {
            plain.stop();
        }
    }

    @Test
    void aServerThatRequiresStarttlsAndALoginGetsBoth(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("smtp.p12");
        Path ca = dir.resolve("ca.pem");
        keytool(
                "-genkeypair",
                "-alias",
                "smtp",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit");
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "smtp",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-file",
                ca.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        List<String> logins = Collections.synchronizedList(new ArrayList<>());
        SMTPServer server = SMTPServer.port(0)
                .bindAddress(java.net.InetAddress.getByName("127.0.0.1"))
                .hostName("localhost")
                .startTlsSocketFactory(tls)
                .requireTLS()
                .requireAuth()
                .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, password, context) -> {
                    if (!"vigil".equals(user) || !"s3cret".equals(password)) {
                        throw new LoginFailedException();
                    }
                    logins.add(user);
                }))
                .messageHandler((context, from, to, data) ->
                        received.add(to + " " + new String(data, java.nio.charset.StandardCharsets.UTF_8)))
                .build();
        server.start();
        try {
            int port = server.getPortAllocated();
            Outcome ok = new EmailReceiver(spec(port, StartTls.REQUIRED, Optional.of(ca), true))
                    .deliver(notification(FIRING));
            assertInstanceOf(Outcome.Delivered.class, ok, ok.toString());
            assertEquals(List.of("vigil"), logins);
            assertEquals(1, received.size(), "one message, for both recipients");
            assertTrue(
                    received.get(0).contains("Subject: [FIRING:1] critical pair-1: node-a lost the disk under r0"),
                    received.get(0));
            Outcome untrusted = new EmailReceiver(spec(port, StartTls.REQUIRED, Optional.empty(), true))
                    .deliver(notification(FIRING));
            assertInstanceOf(Outcome.Retry.class, untrusted, "a certificate nobody vouches for is not trusted");
            EmailSpec wrong = new EmailSpec(
                    "ops-mail",
                    List.of("ops@example.org"),
                    "vigil@example.org",
                    "127.0.0.1",
                    port,
                    Optional.of("vigil"),
                    Optional.of(new Secret("wrong", "test")),
                    StartTls.REQUIRED,
                    Optional.of(ca),
                    true,
                    Duration.ofSeconds(10));
            Outcome refused = new EmailReceiver(wrong).deliver(notification(FIRING));
            assertInstanceOf(Outcome.Refused.class, refused, refused.toString());
            assertFalse(refused.toString().contains("wrong"), "the password is not in the message: " + refused);
        } finally {
            server.stop();
        }
    }

    /** A server that answers RCPT with "mailbox busy" (450) for some addresses and "no such user" (550) for others. */
    private static SMTPServer picky(List<String> received) {
        return SMTPServer.port(0)
                .bindAddress(java.net.InetAddress.getLoopbackAddress())
                .hostName("localhost")
                .messageHandlerFactory(context -> new MessageHandler() {
                    private final List<String> to = new ArrayList<>();

                    @Override
                    public void from(String from) {}

                    @Override
                    public void recipient(String recipient) throws RejectException {
                        if (recipient.startsWith("busy")) {
                            throw new RejectException(450, "4.2.1 mailbox busy, try later");
                        }
                        if (recipient.startsWith("nobody")) {
                            throw new RejectException(550, "5.1.1 no such user");
                        }
                        to.add(recipient);
                    }

                    @Override
                    public String data(java.io.InputStream data) throws java.io.IOException {
                        data.readAllBytes();
                        received.addAll(to);
                        return null;
                    }

                    @Override
                    public void done() {}
                })
                .build();
    }

    private static EmailSpec to(int port, String... recipients) {
        return new EmailSpec(
                "ops-mail",
                List.of(recipients),
                "vigil@example.org",
                "127.0.0.1",
                port,
                Optional.empty(),
                Optional.empty(),
                StartTls.NEVER,
                Optional.empty(),
                true,
                Duration.ofSeconds(10));
    }

    @Test
    void recipientsRefusedAreRetriedOnlyWhenNobodyGotItAndTheServerSaidLater() throws Exception {
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        SMTPServer server = picky(received);
        server.start();
        try {
            int port = server.getPortAllocated();
            Outcome later = new EmailReceiver(to(port, "busy@example.org")).deliver(notification(FIRING));
            assertInstanceOf(Outcome.Retry.class, later, later.toString());
            Outcome never =
                    new EmailReceiver(to(port, "nobody@example.org", "busy@example.org")).deliver(notification(FIRING));
            assertInstanceOf(Outcome.Refused.class, never, never.toString());
            assertEquals(List.of(), received);
            Outcome partly =
                    new EmailReceiver(to(port, "ops@example.org", "nobody@example.org")).deliver(notification(FIRING));
            assertInstanceOf(Outcome.Delivered.class, partly, "a retry would mail ops twice: " + partly);
            assertTrue(
                    partly.toString().contains("nobody@example.org"), "the answer names who did not get it: " + partly);
            assertEquals(
                    List.of("ops@example.org"),
                    received,
                    "one mistyped address does not keep the mail from the others");
        } finally {
            server.stop();
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed: " + out);
    }
}
