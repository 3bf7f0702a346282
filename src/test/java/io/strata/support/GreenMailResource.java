package io.strata.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A real SMTP server (GreenMail) for one test class; the app's mailer is pointed at it. */
public class GreenMailResource implements QuarkusTestResourceLifecycleManager {

    public static final String FROM = "strata@reports.test";
    public static GreenMail mail;

    @Override
    public Map<String, String> start() {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        return Map.of("quarkus.mailer.host", "127.0.0.1", "quarkus.mailer.port", String.valueOf(port),
                "quarkus.mailer.from", FROM, "quarkus.mailer.mock", "false", "quarkus.mailer.start-tls", "DISABLED",
                "strata.base-url", "http://strata.test");
    }

    @Override
    public void stop() {
        if (mail != null) {
            mail.stop();
        }
    }
}
