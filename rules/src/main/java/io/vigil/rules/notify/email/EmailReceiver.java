package io.vigil.rules.notify.email;

import io.vigil.rules.notify.Notification;
import io.vigil.rules.notify.Receiver;
import io.vigil.rules.notify.ReceiverSpec.EmailSpec;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Date;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Mail over SMTP with Jakarta Mail: STARTTLS (required unless configured otherwise: a pager's
 * mail says what broke where), authentication when a username is given, one multipart mail with
 * a plain-text and an HTML body. The server's 4xx answers and unreachable servers are worth a
 * retry; 5xx answers and refused credentials are not.
 */
public final class EmailReceiver implements Receiver {
    private final EmailSpec spec;
    private final Session session;

    public EmailReceiver(EmailSpec spec) {
        this.spec = spec;
        Properties p = new Properties();
        String timeout = String.valueOf(spec.timeout().toMillis());
        p.put("mail.smtp.host", spec.host());
        p.put("mail.smtp.port", String.valueOf(spec.port()));
        p.put("mail.smtp.connectiontimeout", timeout);
        p.put("mail.smtp.timeout", timeout);
        p.put("mail.smtp.writetimeout", timeout);
        p.put("mail.smtp.starttls.enable", String.valueOf(!spec.starttls().equals("never")));
        p.put("mail.smtp.starttls.required", String.valueOf(spec.starttls().equals("required")));
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        p.put("mail.smtp.auth", String.valueOf(spec.username().isPresent()));
        spec.caFile().ifPresent(ca -> p.put("mail.smtp.ssl.socketFactory", trusting(ca).getSocketFactory()));
        this.session = Session.getInstance(p);
    }

    private static SSLContext trusting(java.nio.file.Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("email ca_file " + caFile + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public Outcome deliver(Notification n) {
        MailMessage mail = MailMessage.of(n);
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(spec.from()));
            for (String to : spec.to()) {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            }
            message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
            message.setSentDate(new Date());
            message.setHeader("X-Vigil-Group", n.groupKey().replaceAll("[\\r\\n]", " "));
            MimeBodyPart text = new MimeBodyPart();
            text.setText(mail.text(), StandardCharsets.UTF_8.name(), "plain");
            MimeBodyPart html = new MimeBodyPart();
            html.setText(mail.html(), StandardCharsets.UTF_8.name(), "html");
            message.setContent(new MimeMultipart("alternative", text, html));
            try (Transport transport = session.getTransport("smtp")) {
                transport.connect(spec.host(), spec.port(), spec.username().orElse(null),
                        spec.password().map(s -> s.reveal()).orElse(null));
                transport.sendMessage(message, message.getAllRecipients());
                return new Outcome.Delivered(((SMTPTransport) transport).getLastServerResponse().strip());
            }
        } catch (AuthenticationFailedException e) {
            return new Outcome.Refused(spec.host() + ":" + spec.port() + " refused the credentials of " + spec.username().orElse("")
                    + ": " + e.getMessage());
        } catch (SMTPSendFailedException e) {
            String why = spec.host() + " answered " + e.getReturnCode() + " " + e.getMessage();
            return e.getReturnCode() >= 400 && e.getReturnCode() < 500 ? new Outcome.Retry(why) : new Outcome.Refused(why);
        } catch (SendFailedException e) {
            return new Outcome.Refused(spec.host() + " refused the recipients: " + e.getMessage());
        } catch (MessagingException e) {
            return new Outcome.Retry("mail to " + spec.host() + ":" + spec.port() + " failed: " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
        }
    }
}
