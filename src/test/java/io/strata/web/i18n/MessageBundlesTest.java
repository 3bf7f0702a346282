package io.strata.web.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.qute.i18n.Message;
import io.quarkus.qute.i18n.MessageBundle;

/**
 * Both languages have the same messages: every method of a bundle (English, in its annotation) has a
 * non-empty Chinese line and the other way round; a message uses only its method's parameters, each
 * of them in at least one language (English may ignore one that only selects the Chinese wording), and
 * the Chinese shows every value the English shows.
 * Plain JUnit: the bundles are read as files, no Quarkus.
 */
class MessageBundlesTest {

    /** A plain value expression {name} (sections and namespaces like {#when x} or {msg:f(x)} are not). */
    private static final Pattern PLAIN = Pattern.compile("\\{([a-zA-Z_]\\w*)}");

    @ParameterizedTest
    @ValueSource(classes = { Msg.class, VmMsg.class, JobMsg.class, OpsMsg.class, ErrMsg.class })
    void chineseHasEveryMessageWithTheSameParameters(Class<?> bundle) throws IOException {
        String name = bundle.getAnnotation(MessageBundle.class).value();
        Properties chinese = load("messages/" + name + "_zh_TW.properties");
        Set<String> keys = new TreeSet<>();
        for (Method m : bundle.getDeclaredMethods()) {
            Message english = m.getAnnotation(Message.class);
            assertNotNull(english, bundle.getSimpleName() + "." + m.getName() + " has its English text");
            keys.add(m.getName());
            String zh = chinese.getProperty(m.getName());
            assertNotNull(zh, name + "_zh_TW lacks " + m.getName());
            assertFalse(zh.isBlank(), name + "_zh_TW." + m.getName() + " is empty");
            assertFalse(english.value().isBlank(), bundle.getSimpleName() + "." + m.getName() + " is empty");
            Set<String> params = Arrays.stream(m.getParameters()).map(Parameter::getName).collect(Collectors.toSet());
            for (String p : params) {
                assertTrue(uses(english.value(), p) || uses(zh, p), m.getName() + " never uses its parameter " + p);
            }
            for (String text : new String[] { english.value(), zh }) {
                Matcher plain = PLAIN.matcher(text);
                while (plain.find()) {
                    assertTrue(params.contains(plain.group(1)),
                            m.getName() + " uses {" + plain.group(1) + "}, not a parameter, in: " + text);
                }
            }
            Matcher shown = PLAIN.matcher(english.value());
            while (shown.find()) {
                assertTrue(uses(zh, shown.group(1)), m.getName() + ": the Chinese drops {" + shown.group(1) + "}: " + zh);
            }
        }
        assertEquals(keys, new TreeSet<>(chinese.stringPropertyNames()), name + ": the same keys in both languages");
    }

    /** Whether a message refers to a parameter anywhere in an expression ({p}, {#when p}, {msg:f(p)}). */
    private static boolean uses(String text, String param) {
        return Pattern.compile("\\{[^}]*\\b" + param + "\\b").matcher(text).find();
    }

    private static Properties load(String resource) throws IOException {
        try (InputStream in = MessageBundlesTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return p;
        }
    }
}
