package dev.weft.architecture;

import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaCodeUnitReference;
import com.tngtech.archunit.core.domain.JavaModifier;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The code a cache hit runs, found by following method calls from the hit path's entry points, and what of it logs
 * or reflects. ArchUnit gives each method's calls ({@link JavaCodeUnit#getAccessesFromSelf()}); this walks them
 * transitively through the classes {@code inside} accepts (Weft's own main code), including the overriding methods of
 * those classes that a virtual call may dispatch to, and the lambdas a reached method declares. Calls into other code
 * (the JDK, Caffeine) end the walk: what they do is theirs. A method in {@code boundaries} is reached but not walked
 * into: code that runs once per method or per type, not once per hit, each with its reason.
 */
final class HitPath {

    /** One thing the hit path must not do: which method reached it, how, and where. */
    record Violation(String what, String path, String access) {
        @Override
        public String toString() {
            return what + ": " + path + " -> " + access;
        }
    }

    /** What a walk found: every method reached (with the method that reached it first) and the violations. */
    record Result(Map<JavaCodeUnit, JavaCodeUnit> reached, List<Violation> violations) {
        boolean reaches(String fullName) {
            return reached.keySet().stream().anyMatch(u -> u.getFullName().equals(fullName));
        }
    }

    /** The methods of {@link Class} that look things up reflectively (the rest, getName() and the like, do not). */
    private static final Set<String> REFLECTIVE_CLASS_METHODS = Set.of("forName", "getMethod", "getMethods",
            "getDeclaredMethod", "getDeclaredMethods", "getField", "getFields", "getDeclaredField", "getDeclaredFields",
            "getConstructor", "getConstructors", "getDeclaredConstructor", "getDeclaredConstructors", "getAnnotation",
            "getAnnotations", "getDeclaredAnnotation", "getDeclaredAnnotations", "getAnnotationsByType",
            "getDeclaredAnnotationsByType", "isAnnotationPresent", "getRecordComponents", "newInstance",
            "getEnclosingMethod", "getGenericInterfaces", "getGenericSuperclass");

    private HitPath() {
    }

    /**
     * Walks from {@code roots}.
     *
     * @param inside     the classes whose code is followed
     * @param boundaries methods reached but not walked into, by {@link JavaCodeUnit#getFullName()}
     */
    static Result walk(Collection<JavaCodeUnit> roots, Predicate<JavaClass> inside, Set<String> boundaries) {
        Map<JavaCodeUnit, JavaCodeUnit> reached = new LinkedHashMap<>();
        List<Violation> violations = new ArrayList<>();
        Deque<JavaCodeUnit> todo = new ArrayDeque<>();
        for (JavaCodeUnit root : roots) {
            if (reached.putIfAbsent(root, root) == null) {
                todo.add(root);
            }
        }
        while (!todo.isEmpty()) {
            JavaCodeUnit unit = todo.poll();
            if (boundaries.contains(unit.getFullName())) {
                // once-per-method or once-per-type code may reflect; the functions it builds and hands out may not
                for (JavaCodeUnit handedOut : handedOut(unit, inside)) {
                    if (reached.putIfAbsent(handedOut, unit) == null) {
                        todo.add(handedOut);
                    }
                }
                continue;
            }
            List<JavaCodeUnit> next = new ArrayList<>();
            for (JavaAccess<?> access : unit.getAccessesFromSelf()) {
                String what = forbidden(access);
                if (what != null) {
                    violations.add(new Violation(what, path(reached, unit),
                            access.getDescription()));
                    continue;
                }
                if (inside.test(access.getTargetOwner())) {
                    next.addAll(targets(access.getTarget(), inside));
                }
            }
            next.addAll(lambdas(unit));
            for (JavaCodeUnit n : next) {
                if (reached.putIfAbsent(n, unit) == null) {
                    todo.add(n);
                }
            }
        }
        return new Result(reached, violations);
    }

    /**
     * The lambdas and method references of {@code boundary}'s own class that it, or what it calls, creates: the
     * functions that set-up code builds for later calls (a key writer per argument type). The set-up code itself is not
     * judged, nor are callbacks of other classes that run only while it does (a template parser's name resolver).
     */
    private static List<JavaCodeUnit> handedOut(JavaCodeUnit boundary, Predicate<JavaClass> inside) {
        List<JavaCodeUnit> out = new ArrayList<>();
        // per boundary: what one boundary's set-up walked through may hand out functions of another's class
        Set<JavaCodeUnit> seen = new HashSet<>();
        Deque<JavaCodeUnit> todo = new ArrayDeque<>(List.of(boundary));
        while (!todo.isEmpty()) {
            JavaCodeUnit unit = todo.poll();
            if (!seen.add(unit)) {
                continue;
            }
            JavaClass own = boundary.getOwner();
            lambdas(unit).stream().filter(l -> l.getOwner().equals(own)).forEach(out::add);
            for (JavaAccess<?> access : unit.getAccessesFromSelf()) {
                if (!inside.test(access.getTargetOwner())) {
                    continue;
                }
                List<JavaCodeUnit> targets = targets(access.getTarget(), inside);
                if (access instanceof JavaCodeUnitReference) {
                    targets.stream().filter(t -> t.getOwner().equals(own)).forEach(out::add);
                } else {
                    todo.addAll(targets);
                }
            }
        }
        return out;
    }

    /**
     * The bodies of the lambdas {@code unit} is written with. A lambda's body is a synthetic method of the class that
     * declares it; ArchUnit records the lambda's creation, not a call, so the body counts as reached with the method.
     */
    private static List<JavaCodeUnit> lambdas(JavaCodeUnit unit) {
        String prefix = "lambda$" + unit.getName() + "$";
        return unit.getOwner().getCodeUnits().stream().filter(u -> u.getName().startsWith(prefix)).toList();
    }

    /** Why an access is off limits on the hit path, or {@code null}. */
    static String forbidden(JavaAccess<?> access) {
        JavaClass owner = access.getTargetOwner();
        String pkg = owner.getPackageName();
        String name = access.getTarget().getName();
        if (pkg.startsWith("org.slf4j") || pkg.startsWith("java.util.logging") || pkg.startsWith("org.apache.logging")
                || pkg.startsWith("org.apache.commons.logging") || owner.getName().equals("java.lang.System$Logger")
                || owner.getName().equals("java.lang.System") && name.equals("getLogger")) {
            return "logs";
        }
        // java.lang.reflect.Array reads an element of an array whose type is known only at run time: no metadata
        // lookup (a key with an array argument renders it that way); the rest of java.lang.reflect looks things up
        if (pkg.equals("java.lang.reflect") && !owner.getName().equals("java.lang.reflect.Array")
                || pkg.startsWith("java.lang.annotation")
                || owner.getName().equals("java.lang.Class") && REFLECTIVE_CLASS_METHODS.contains(name)) {
            return "reflects";
        }
        if (pkg.startsWith("org.aspectj.lang")) {
            return "reads the join point reflectively";
        }
        return null;
    }

    /** The code a call may run: the method it names, and the overriding methods of the classes inside. */
    private static List<JavaCodeUnit> targets(AccessTarget target, Predicate<JavaClass> inside) {
        List<JavaCodeUnit> found = new ArrayList<>();
        if (!(target instanceof AccessTarget.CodeUnitAccessTarget)) {
            return found; // a field access runs no code of ours
        }
        AccessTarget.CodeUnitAccessTarget call = (AccessTarget.CodeUnitAccessTarget) target;
        Optional<? extends JavaCodeUnit> resolved = call.resolveMember();
        resolved.ifPresent(found::add);
        if (call.getName().equals("<init>") || resolved.filter(HitPath::cannotBeOverridden).isPresent()) {
            return found;
        }
        String[] parameters = call.getRawParameterTypes().stream().map(JavaClass::getName).toArray(String[]::new);
        for (JavaClass sub : call.getOwner().getAllSubclasses()) {
            if (inside.test(sub)) {
                sub.tryGetMethod(call.getName(), parameters).ifPresent(found::add);
            }
        }
        return found;
    }

    private static boolean cannotBeOverridden(JavaCodeUnit u) {
        Set<JavaModifier> m = u.getModifiers();
        return m.contains(JavaModifier.STATIC) || m.contains(JavaModifier.PRIVATE) || m.contains(JavaModifier.FINAL)
                || u.getOwner().getModifiers().contains(JavaModifier.FINAL);
    }

    /** The chain of methods from a root to {@code unit}, for a failure message. */
    private static String path(Map<JavaCodeUnit, JavaCodeUnit> reached, JavaCodeUnit unit) {
        List<String> chain = new ArrayList<>();
        JavaCodeUnit u = unit;
        while (true) {
            chain.add(0, u.getOwner().getSimpleName() + "." + u.getName() + "()");
            JavaCodeUnit from = reached.get(u);
            if (from == null || from == u) {
                break;
            }
            u = from;
        }
        return String.join(" -> ", chain);
    }
}
