package io.vigil.rules.notify.email;

import io.vigil.rules.notify.Notification;
import io.vigil.rules.notify.Receiver;
import jakarta.mail.Address;
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
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
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
        p.put("mail.smtp.starttls.enable", String.valueOf(spec.starttls() != EmailSpec.StartTls.NEVER));
        p.put("mail.smtp.starttls.required", String.valueOf(spec.starttls() == EmailSpec.StartTls.REQUIRED));
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        p.put("mail.smtp.auth", String.valueOf(spec.username().isPresent()));
        // one mistyped address must not keep the mail from the others
        p.put("mail.smtp.sendpartial", "true");
        spec.caFile()
                .ifPresent(ca -> p.put(
                        "mail.smtp.ssl.socketFactory", PrivateCa.trusting(ca).getSocketFactory()));
        this.session = Session.getInstance(p);
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
            Transport transport = session.getTransport("smtp");
            try {
                transport.connect(
                        spec.host(),
                        spec.port(),
                        spec.username().orElse(null),
                        spec.password().map(s -> s.reveal()).orElse(null));
                transport.sendMessage(message, message.getAllRecipients());
                return new Outcome.Delivered(
                        ((SMTPTransport) transport).getLastServerResponse().strip());
            } finally {
                closeQuietly(transport);
            }
        } catch (AuthenticationFailedException e) {
            return new Outcome.Refused(spec.host() + ":" + spec.port() + " refused the credentials of "
                    + spec.username().orElse("") + ": " + e.getMessage());
        } catch (SendFailedException e) {
            return sendFailed(e);
        } catch (MessagingException e) {
            return new Outcome.Retry("mail to " + spec.host() + ":" + spec.port() + " failed: " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
        }
    }

    /**
     * The server refused the mail or some recipients. When others took the mail it counts as delivered (a retry would
     * mail them twice) and the answer names who did not get it; when nobody took it, a server that
     * said "later" (4xx) is tried again and one that said "never" is not.
     */
    private Outcome sendFailed(SendFailedException e) {
        Address[] sent = e.getValidSentAddresses();
        Address[] refused = e.getInvalidAddresses() == null ? new Address[0] : e.getInvalidAddresses();
        String who = spec.host() + " refused " + Arrays.toString(refused) + ": "
                + e.getMessage().strip();
        if (sent != null && sent.length > 0) {
            return new Outcome.Delivered("to " + Arrays.toString(sent) + " only; " + who);
        }
        if (e instanceof SMTPSendFailedException whole) {
            // the mail itself, not a recipient, was refused (MAIL FROM or DATA)
            String why = spec.host() + " answered " + whole.getReturnCode() + " "
                    + whole.getMessage().strip();
            return whole.getReturnCode() >= 400 && whole.getReturnCode() < 500
                    ? new Outcome.Retry(why)
                    : new Outcome.Refused(why);
        }
        boolean onlyLater = false;
        for (Exception next = e.getNextException();
                next != null;
                next = next instanceof MessagingException m ? m.getNextException() : null) {
            if (next instanceof SMTPAddressFailedException failed) {
                if (failed.getReturnCode() < 400 || failed.getReturnCode() >= 500) {
                    return new Outcome.Refused(who);
                }
                onlyLater = true;
            }
        }
        return onlyLater ? new Outcome.Retry(who) : new Outcome.Refused(who);
    }

    /** The mail is delivered once the server took it; a failure to say goodbye changes nothing. */
    private static void closeQuietly(Transport transport) {
        try {
            transport.close();
        } catch (MessagingException ignored) {
            // the server may drop the connection after QUIT
        }
    }
}
