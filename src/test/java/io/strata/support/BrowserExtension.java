package io.strata.support;

import java.net.ServerSocket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For the browser ITs: one packaged app (a process on its own database, real libvirtd) for every
 * browser test class of the run, a few accounts on it, and a Chromium per class. After each test
 * the browser's final page is saved to {@code target/browser/<Class>.<test>.png}, with
 * {@code -FAILED} in the name when the test failed. Use as
 * {@code @RegisterExtension static final BrowserExtension web = new BrowserExtension();}.
 */
public final class BrowserExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    public static final String PASSWORD = "browser-test-password-1";
    /** Accounts made at the start: a user, another user, an operator, an auditor (and admin). */
    public static final String ALICE = "alice";
    public static final String BOB = "bob";
    public static final String OPERATOR = "olga";
    public static final String AUDITOR = "audrey";

    private Browser browser;
    private SharedApp app;

    /** The app and its database, made once per run (JUnit closes it at the end of the run). */
    public static final class SharedApp implements AutoCloseable {
        public final AppProcess.SharedDb db = new AppProcess.SharedDb();
        public final AppProcess process;

        SharedApp() throws Exception {
            LibvirtHost.createDir();
            process = new AppProcess(db, freePort(), "browser", "-Dstrata.reports.cleanup.cron=off",
                    "-Dstrata.hygiene.scan-interval=1h").start();
            user(ALICE, "user");
            user(BOB, "user");
            user(OPERATOR, "operator");
            user(AUDITOR, "auditor");
        }

        private void user(String name, String role) throws Exception {
            var r = process.call("POST", "/api/users",
                    "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"" + role + "\"]}");
            if (r.statusCode() != 201) {
                throw new IllegalStateException("user " + name + ": " + r.statusCode() + " " + r.body());
            }
        }

        public String base() {
            return process.base();
        }

        /**
         * Preparing the host: defines a blank VM (64 MiB disk, never started here) with its owner in
         * the domain metadata and has Strata read it. Returns its name.
         */
        public String defineVm(String suffix, String owner) throws Exception {
            LibvirtHost.createDir();
            String vm = VmBuilder.defineVm(suffix, owner);
            syncHost();
            return vm;
        }

        /** Has Strata read the host's domains (a host sync job through the API) and waits for it. */
        public void syncHost() throws Exception {
            var r = process.call("POST", "/api/hosts/local/sync", "{}");
            Matcher m = Pattern.compile("\"jobId\":(\\d+)").matcher(r.body());
            if (r.statusCode() != 202 || !m.find()) {
                throw new IllegalStateException("host sync: " + r.statusCode() + " " + r.body());
            }
            AppProcess.awaitState(db, Long.parseLong(m.group(1)), "SUCCEEDED", 180);
        }

        @Override
        public void close() throws Exception {
            try {
                process.stop();
            } finally {
                db.close();
                LibvirtHost.cleanup();
            }
        }

        private static int freePort() throws java.io.IOException {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
    }

    public Browser browser() {
        return browser;
    }

    public SharedApp app() {
        return app;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        app = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SharedApp.class, k -> {
                    try {
                        return new SharedApp();
                    } catch (Exception e) {
                        throw new IllegalStateException("could not start the app for the browser tests", e);
                    }
                }, SharedApp.class);
        browser = new Browser(app.base());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        browser.reset();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        String test = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName();
        String name = test + (context.getExecutionException().isPresent() ? "-FAILED" : "");
        try {
            // One picture per test and run: the other outcome's picture of an earlier run goes.
            java.nio.file.Files.deleteIfExists(Browser.OUT.resolve(test + ".png"));
            java.nio.file.Files.deleteIfExists(Browser.OUT.resolve(test + "-FAILED.png"));
            browser.screenshot(name);
        } catch (java.io.IOException e) {
            System.err.println("no screenshot for " + name + ": " + e);
        } catch (RuntimeException e) {
            System.err.println("no screenshot for " + name + ": " + e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (browser != null) {
            browser.close();
        }
    }
}
