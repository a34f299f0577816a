package dev.weft.spring.boot.internal;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.CachingServices;
import dev.weft.spring.boot.WeavingCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code weft.weaving-check}: once every singleton exists, checks the class of every bean with
 * {@link CachingServices#verifyWoven}, so that a service compiled without Weft's aspects (an IDE build, a module
 * whose pom lacks the plugin), or a {@code @Cached} repository interface, is reported instead of running uncached
 * without a word. The class checked is the one behind Spring's proxies (AOP, CGLIB); for a factory bean, the type of
 * its object (a Spring Data repository's interface). JDK and Spring Framework classes are skipped.
 */
public final class WovenBeansCheck implements SmartInitializingSingleton {

    private static final Logger LOG = LoggerFactory.getLogger("dev.weft.caching");

    private static final String[] SKIPPED = {"java.", "javax.", "jdk.", "sun.", "com.sun.", "org.springframework."};

    private final ConfigurableListableBeanFactory beans;
    private final WeavingCheck mode;

    public WovenBeansCheck(ConfigurableListableBeanFactory beans, WeavingCheck mode) {
        this.beans = beans;
        this.mode = mode;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (mode == WeavingCheck.OFF) {
            return;
        }
        Set<Class<?>> types = new LinkedHashSet<>();
        for (String name : beans.getBeanDefinitionNames()) {
            Class<?> type = typeOf(name);
            if (type != null && !skipped(type)) {
                types.add(type);
            }
        }
        try {
            CachingServices.verifyWoven(types.toArray(new Class<?>[0]));
        } catch (CachingConfigurationException e) {
            if (mode == WeavingCheck.FAIL) {
                throw new CachingConfigurationException(e.getMessage() + "\nTo start anyway, set "
                        + "weft.weaving-check=warn.");
            }
            LOG.warn("{}\n(weft.weaving-check=warn: starting anyway)", e.getMessage());
        }
    }

    private Class<?> typeOf(String name) {
        Class<?> type;
        try {
            type = beans.getType(name, false);
            if (beans.containsSingleton(name)) {
                Object bean = beans.getSingleton(name);
                if (bean != null && !(bean instanceof FactoryBean)) {
                    type = AopProxyUtils.ultimateTargetClass(bean);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("Weaving check: could not tell the type of bean '{}': {}", name, e.toString());
            return null;
        }
        return type == null ? null : ClassUtils.getUserClass(type);
    }

    private static boolean skipped(Class<?> type) {
        String name = type.getName();
        for (String prefix : SKIPPED) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
