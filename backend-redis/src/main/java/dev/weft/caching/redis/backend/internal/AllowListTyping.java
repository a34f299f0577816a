package dev.weft.caching.redis.backend.internal;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DatabindContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.databind.jsontype.TypeIdResolver;
import com.fasterxml.jackson.databind.jsontype.impl.ClassNameIdResolver;

import java.io.IOException;
import java.util.Collection;

/**
 * Jackson's default typing for every non-primitive type, checked against a {@link ClassAllowList} both ways.
 *
 * <p>Every value carries its class name, so that what comes back is what went in ({@code Long} stays a {@code Long}, a
 * record stays that record, {@code List<Product>} stays a list of products) without the backend knowing the method's
 * return type. Reading checks each name before Jackson loads the class ({@link ClassNameIdResolver} asks the
 * validator with the name); writing checks each name too, so a value of a class that is not allowed fails where it is
 * written.
 */
public final class AllowListTyping extends ObjectMapper.DefaultTypeResolverBuilder {

    private static final long serialVersionUID = 1L;

    private final transient ClassAllowList allowList;

    /** Typing that names every class in the property {@code @class} (scalars in a two-element array). */
    public static AllowListTyping of(ClassAllowList allowList) {
        AllowListTyping typing = new AllowListTyping(allowList, new Validator(allowList));
        typing.init(JsonTypeInfo.Id.CLASS, null);
        typing.inclusion(JsonTypeInfo.As.PROPERTY);
        typing.typeProperty("@class");
        return typing;
    }

    private AllowListTyping(ClassAllowList allowList, PolymorphicTypeValidator validator) {
        super(ObjectMapper.DefaultTyping.NON_FINAL, validator);
        this.allowList = allowList;
    }

    @Override
    public boolean useForType(JavaType t) {
        return !t.isPrimitive();
    }

    @Override
    protected TypeIdResolver idResolver(MapperConfig<?> config, JavaType baseType,
                                        PolymorphicTypeValidator subtypeValidator, Collection<NamedType> subtypes,
                                        boolean forSer, boolean forDeser) {
        return new Checked(baseType, config, subtypeValidator, allowList);
    }

    /** Jackson's own check of the names it reads, on the same list. */
    private static final class Validator extends PolymorphicTypeValidator.Base {
        private static final long serialVersionUID = 1L;
        private final transient ClassAllowList allowList;

        Validator(ClassAllowList allowList) {
            this.allowList = allowList;
        }

        @Override
        public Validity validateSubClassName(MapperConfig<?> config, JavaType baseType, String subClassName) {
            return allowList.allows(subClassName) ? Validity.ALLOWED : Validity.DENIED;
        }

        @Override
        public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
            return allowList.allows(subType.getRawClass().getName()) ? Validity.ALLOWED : Validity.DENIED;
        }
    }

    /** Class names, refused for classes the allow-list does not name. */
    private static final class Checked extends ClassNameIdResolver {
        private static final long serialVersionUID = 1L;
        private final transient ClassAllowList allowList;

        Checked(JavaType baseType, MapperConfig<?> config, PolymorphicTypeValidator validator,
                ClassAllowList allowList) {
            super(baseType, config.getTypeFactory(), validator);
            this.allowList = allowList;
        }

        @Override
        public String idFromValue(Object value) {
            return check(super.idFromValue(value), value.getClass());
        }

        @Override
        public String idFromValueAndType(Object value, Class<?> type) {
            return check(super.idFromValueAndType(value, type), type);
        }

        private String check(String id, Class<?> type) {
            if (!allowList.allows(type.getName())) {
                throw new NotAllowedClassException(type.getName());
            }
            return id;
        }

        @Override
        public JavaType typeFromId(DatabindContext context, String id) throws IOException {
            if (!allowList.allows(id)) {
                throw new NotAllowedClassException(id);
            }
            return super.typeFromId(context, id);
        }
    }

    /** A class name the allow-list does not allow, met while writing or reading. */
    public static final class NotAllowedClassException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String className;

        NotAllowedClassException(String className) {
            super(className);
            this.className = className;
        }

        /** The binary name of the class. */
        public String className() {
            return className;
        }
    }
}
