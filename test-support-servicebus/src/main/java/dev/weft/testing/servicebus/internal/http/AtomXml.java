package dev.weft.testing.servicebus.internal.http;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import dev.weft.testing.servicebus.SubscriptionProperties;
import dev.weft.testing.servicebus.TopicProperties;

/**
 * The Atom/XML documents of the Service Bus administration API: entries holding a {@code SubscriptionDescription}
 * or {@code TopicDescription}, feeds of them, and {@code <Error>} bodies. Rendered with the elements the SDK's
 * parser reads (an entry without {@code <title>} makes the SDK throw); parsed leniently, by local name. Stateless.
 */
final class AtomXml {

    static final String CONTENT_TYPE = "application/atom+xml;type=entry;charset=utf-8";
    private static final String ATOM = "http://www.w3.org/2005/Atom";
    private static final String CONNECT = "http://schemas.microsoft.com/netservices/2010/10/servicebus/connect";

    private AtomXml() {
    }

    static String subscriptionEntry(String baseUrl, String topic, SubscriptionProperties s, Instant now) {
        String id = baseUrl + "/" + topic + "/subscriptions/" + s.name() + "?api-version=2021-05";
        return entry(id, s.name(), now, "<SubscriptionDescription xmlns=\"" + CONNECT
            + "\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">"
            + element("LockDuration", s.lockDuration())
            + element("RequiresSession", false)
            + element("DefaultMessageTimeToLive", s.defaultMessageTimeToLive())
            + element("DeadLetteringOnMessageExpiration", false)
            + element("DeadLetteringOnFilterEvaluationExceptions", true)
            + element("MessageCount", 0)
            + element("MaxDeliveryCount", s.maxDeliveryCount())
            + element("EnableBatchedOperations", true)
            + element("Status", "Active")
            + element("CreatedAt", now)
            + element("UpdatedAt", now)
            + element("AccessedAt", now)
            + (s.userMetadata() == null ? "" : element("UserMetadata", s.userMetadata()))
            + element("AutoDeleteOnIdle", s.autoDeleteOnIdle())
            + element("EntityAvailabilityStatus", "Available")
            + "</SubscriptionDescription>");
    }

    static String topicEntry(String baseUrl, TopicProperties t, int subscriptionCount, Instant now) {
        String id = baseUrl + "/" + t.name() + "?api-version=2021-05";
        return entry(id, t.name(), now, "<TopicDescription xmlns=\"" + CONNECT
            + "\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">"
            + element("DefaultMessageTimeToLive", t.defaultMessageTimeToLive())
            + element("MaxSizeInMegabytes", 1024)
            + element("RequiresDuplicateDetection", false)
            + element("DuplicateDetectionHistoryTimeWindow", Duration.ofMinutes(10))
            + element("EnableBatchedOperations", true)
            + element("SizeInBytes", 0)
            + element("Status", "Active")
            + element("CreatedAt", now)
            + element("UpdatedAt", now)
            + element("AccessedAt", now)
            + element("SubscriptionCount", subscriptionCount)
            + element("AutoDeleteOnIdle", SubscriptionProperties.INFINITE)
            + element("EnablePartitioning", false)
            + element("EntityAvailabilityStatus", "Available")
            + element("EnableExpress", false)
            + "</TopicDescription>");
    }

    static String feed(String selfUrl, String title, List<String> entries, Instant now) {
        StringBuilder xml = new StringBuilder("<feed xmlns=\"").append(ATOM).append("\">")
            .append("<title type=\"text\">").append(escape(title)).append("</title>")
            .append("<id>").append(escape(selfUrl)).append("</id>")
            .append("<updated>").append(now).append("</updated>")
            .append("<link rel=\"self\" href=\"").append(escape(selfUrl)).append("\"/>");
        entries.forEach(entry -> xml.append(entry.replaceFirst("^<\\?xml[^>]*\\?>", "")));
        return xml.append("</feed>").toString();
    }

    static String error(int code, String detail) {
        return "<Error><Code>" + code + "</Code><Detail>" + escape(detail) + "</Detail></Error>";
    }

    /**
     * Reads the {@code SubscriptionDescription} of a create/update body into properties named {@code name};
     * absent elements keep the service's defaults.
     *
     * @throws IllegalArgumentException if the body is not such a document or a value is invalid
     */
    static SubscriptionProperties parseSubscription(String name, String body) {
        Element description = descriptionElement(body, "SubscriptionDescription");
        SubscriptionProperties.Builder builder = SubscriptionProperties.builder(name);
        text(description, "LockDuration").map(AtomXml::duration).ifPresent(builder::lockDuration);
        text(description, "DefaultMessageTimeToLive").map(AtomXml::duration)
            .ifPresent(builder::defaultMessageTimeToLive);
        text(description, "AutoDeleteOnIdle").map(AtomXml::duration).ifPresent(builder::autoDeleteOnIdle);
        text(description, "MaxDeliveryCount").map(Integer::parseInt).ifPresent(builder::maxDeliveryCount);
        text(description, "UserMetadata").ifPresent(builder::userMetadata);
        return builder.build();
    }

    /** Reads a {@code TopicDescription} body into properties named {@code name}. */
    static TopicProperties parseTopic(String name, String body) {
        Element description = descriptionElement(body, "TopicDescription");
        return new TopicProperties(name, text(description, "DefaultMessageTimeToLive").map(AtomXml::duration)
            .orElse(SubscriptionProperties.INFINITE));
    }

    private static Element descriptionElement(String body, String localName) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document = factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
            NodeList nodes = document.getElementsByTagNameNS("*", localName);
            if (nodes.getLength() == 0) {
                throw new IllegalArgumentException("The request body holds no " + localName);
            }
            return (Element) nodes.item(0);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("No usable XML parser in this JVM", e);
        } catch (java.io.IOException | org.xml.sax.SAXException e) {
            throw new IllegalArgumentException("The request body is not well-formed XML: " + e.getMessage(), e);
        }
    }

    private static java.util.Optional<String> text(Element parent, String localName) {
        NodeList nodes = parent.getElementsByTagNameNS("*", localName);
        if (nodes.getLength() == 0) {
            return java.util.Optional.empty();
        }
        String value = nodes.item(0).getTextContent();
        return value == null || value.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(value.trim());
    }

    private static Duration duration(String value) {
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value + "' is not an ISO-8601 duration", e);
        }
    }

    private static String entry(String id, String title, Instant now, String description) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
            + "<entry xmlns=\"" + ATOM + "\">"
            + "<id>" + escape(id) + "</id>"
            + "<title type=\"text\">" + escape(title) + "</title>"
            + "<published>" + now + "</published>"
            + "<updated>" + now + "</updated>"
            + "<author><name>weft-test</name></author>"
            + "<link rel=\"self\" href=\"" + escape(id) + "\"/>"
            + "<content type=\"application/xml\">" + description + "</content>"
            + "</entry>";
    }

    private static String element(String name, Object value) {
        return "<" + name + ">" + escape(String.valueOf(value)) + "</" + name + ">";
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
