package dev.weft.spring.boot.it.catalog;

import dev.weft.testing.jvm.ChildChannel;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application configured only by the starter, run in a child JVM by the multi-instance tests. Its
 * arguments are Spring Boot's ({@code --weft.invalidator.type=redis ...}). Over the child channel it answers
 * {@code PORT} with its HTTP port; {@code EXIT} closes the context, as a shutdown does.
 */
@SpringBootApplication
public class CatalogApplication {

    public static void main(String[] args) throws Exception {
        ChildChannel channel = ChildChannel.open();
        ConfigurableApplicationContext context = SpringApplication.run(CatalogApplication.class, args);
        channel.ready();
        channel.serve(command -> {
            if (command.equals("PORT")) {
                // Spring Boot publishes the port the web server bound (the same property on Boot 3 and 4)
                return context.getEnvironment().getProperty("local.server.port");
            }
            throw new IllegalArgumentException("unknown command " + command);
        });
        context.close();
        System.exit(0);
    }
}
